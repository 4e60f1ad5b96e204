"""Module m09's synthetic data: seeded per trainee, consistent with its table, its figure and the items' keys."""
from __future__ import annotations

import ast
import math
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m09  # noqa: E402
from curriculum.language import bilingual  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m09.MODULE / f"{m09.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]


# ---------------------------------------------------------------- seeding

@pytest.mark.parametrize("generator", [m09.draft_messages, m09.campaign_survey])
def test_same_trainee_gets_the_same_data(generator):
    assert generator(trainee="officer-1") == generator(trainee="officer-1")


def test_different_trainees_get_different_data():
    drafts = {tuple(sorted(m09.draft_messages(trainee=t)["bank"].values())) for t in TRAINEES[:8]}
    surveys = {(s["change_campaign"], s["change_comparison"])
               for s in (m09.campaign_survey(trainee=t) for t in TRAINEES[:8])}
    assert len(drafts) == 8
    assert len(surveys) == 8


def test_default_trainee_is_the_settings_trainee():
    assert m09.draft_messages() == m09.draft_messages(trainee="t-test")
    settings.trainee = "officer-7"
    assert m09.campaign_survey() == m09.campaign_survey(trainee="officer-7")


def test_generating_is_fast():
    start = time.perf_counter()
    for trainee in TRAINEES:
        m09.draft_messages(trainee=trainee)
        m09.campaign_survey(trainee=trainee)
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------- the draft messages

def test_bank_is_bilingual_and_has_no_repeated_message():
    assert set(m09.BANK) == set(m09.CATEGORIES)
    texts = []
    for category, messages in m09.BANK.items():
        assert len(messages) >= m09.PER_CATEGORY[1]
        for n, message in enumerate(messages):
            bilingual(message, f"{category}[{n}]")
            texts += [message["ar"], message["en"]]
    assert len(texts) == len(set(texts))
    for text in m09.CATEGORIES.values():
        bilingual(text, "category")


@pytest.mark.parametrize("trainee", TRAINEES)
def test_drafts_are_nine_from_the_bank_with_two_to_four_of_each_category(trainee):
    drafts = m09.draft_messages(trainee=trainee)
    ids = [f"d{n}" for n in range(1, m09.DRAFTS + 1)]
    assert list(drafts["messages"]) == ids == list(drafts["kinds"]) == list(drafts["bank"])
    assert len(set(drafts["bank"].values())) == m09.DRAFTS  # no draft twice
    for i in ids:
        category, index = drafts["bank"][i]
        assert drafts["kinds"][i] == category
        assert drafts["messages"][i] == m09.BANK[category][index]
    counts = [list(drafts["kinds"].values()).count(c) for c in m09.CATEGORIES]
    assert all(m09.PER_CATEGORY[0] <= c <= m09.PER_CATEGORY[1] for c in counts)


def test_the_mix_and_order_of_drafts_vary_between_trainees():
    mixes = {tuple(list(m09.draft_messages(trainee=t)["kinds"].values()).count(c) for c in m09.CATEGORIES)
             for t in TRAINEES}
    assert len(mixes) >= 4  # not always three of each
    grouped = 0
    for trainee in TRAINEES[:30]:
        kinds = list(m09.draft_messages(trainee=trainee)["kinds"].values())
        grouped += kinds == sorted(kinds, key=list(m09.CATEGORIES).index)
    assert grouped <= 2  # shown in a shuffled order, not category by category


# ---------------------------------------------------------------- the survey

@pytest.mark.parametrize("trainee", TRAINEES)
def test_survey_is_consistent_and_every_key_is_unambiguous(trainee):
    s = m09.campaign_survey(trainee=trainee)
    assert [r["id"] for r in s["schools"]] == list(m09.SCHOOL_GROUPS)
    for row in s["schools"]:
        assert row["group"] == m09.SCHOOL_GROUPS[row["id"]]
        for moment in ("before", "after"):
            n, yes = row[f"n_{moment}"], row[f"yes_{moment}"]
            assert 100 <= n <= 250 and 0 <= yes <= n
            assert row[f"pct_{moment}"] == round(100 * yes / n, 1)
            assert 15 <= row[f"pct_{moment}"] <= 90
    for group, g in s["groups"].items():
        rows = [r for r in s["schools"] if r["group"] == group]
        for moment in ("before", "after"):
            assert g[f"n_{moment}"] == sum(r[f"n_{moment}"] for r in rows)
            assert g[f"yes_{moment}"] == sum(r[f"yes_{moment}"] for r in rows)
            assert g[f"pct_{moment}"] == round(100 * g[f"yes_{moment}"] / g[f"n_{moment}"], 1)
            low, high = g[f"ci_{moment}"]
            assert low < g[f"pct_{moment}"] < high
        assert g["change_pp"] == round(g["pct_after"] - g["pct_before"], 1)
        assert g["ci"][0] < g["change_pp"] < g["ci"][1]
    camp, comp = s["groups"]["campaign"], s["groups"]["comparison"]
    # the keys of m09.q6, m09.q7 and the practice item: what a trainee computes from the table
    assert s["change_campaign"] == camp["change_pp"]
    assert s["change_comparison"] == comp["change_pp"]
    assert s["diff_pp"] == s["diff"]["pp"] == round(camp["change_pp"] - comp["change_pp"], 1)
    a = s["schools"][0]
    assert s["school_a_change"] == round(a["pct_after"] - a["pct_before"], 1)
    # m09.q9's fixed key: the campaign rise clearly excludes 0, and the comparison schools also rose
    assert camp["ci"][0] >= 2.0
    assert comp["change_pp"] >= 2.0
    # m09.q8: the difference's interval clearly excludes 0 (answer a) or clearly includes it (answer b)
    low, high = s["diff"]["ci"]
    assert low < s["diff_pp"] < high
    if s["diff_answer"] == "a":
        assert s["diff_excludes_zero"] and low >= m09.CLEAR
    else:
        assert s["diff_answer"] == "b" and not s["diff_excludes_zero"]
        assert low <= -m09.CLEAR and high >= m09.CLEAR


def test_the_interval_is_the_usual_wald_interval():
    s = m09.campaign_survey(trainee="officer-3")
    c = s["groups"]["campaign"]
    p1, p2 = c["yes_before"] / c["n_before"], c["yes_after"] / c["n_after"]
    se = math.sqrt(p1 * (1 - p1) / c["n_before"] + p2 * (1 - p2) / c["n_after"])
    assert c["ci"] == (round(100 * (p2 - p1 - 1.96 * se), 1), round(100 * (p2 - p1 + 1.96 * se), 1))


def test_both_conclusions_occur_between_trainees():
    answers = [m09.campaign_survey(trainee=t)["diff_answer"] for t in TRAINEES]
    assert 25 <= answers.count("a") <= 75


# ---------------------------------------------------------------- the table

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_table_shows_every_school_and_both_totals_in_the_language(lang):
    s = m09.campaign_survey(trainee="officer-4")
    html = m09.survey_table(s, lang=lang).data
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in html
    for row in s["schools"]:
        assert m09.SCHOOL_LABELS[row["id"]][lang] in html
        assert f'<td>{row["pct_before"]:.1f}</td>' in html and f'<td>{row["pct_after"]:.1f}</td>' in html
    for group in ("campaign", "comparison"):
        g = s["groups"][group]
        assert f'<td>{g["pct_before"]:.1f}</td>' in html and f'<td>{g["pct_after"]:.1f}</td>' in html
    assert ("جميع مدارس الحملة" in html) == (lang == "ar")
    assert ("All campaign schools" in html) == (lang == "en")


# ---------------------------------------------------------------- the figure

def _panels(fig, lang):
    shares, changes = fig.axes[:2] if lang == "en" else fig.axes[1::-1]
    return shares, changes


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_figure_shows_the_shares_changes_and_intervals(lang):
    s = m09.campaign_survey(trainee="officer-9")
    fig = m09.survey_figure(s, lang=lang)
    shares, changes = _panels(fig, lang)
    heights = sorted(round(p.get_height(), 1) for p in shares.patches)
    expected = sorted(s["groups"][g][f"pct_{m}"] for g in ("campaign", "comparison") for m in ("before", "after"))
    assert heights == expected
    # each interval's two ends are written above it, in the trainee's language
    texts = [t.get_text() for t in changes.texts]
    rows = [s["groups"]["campaign"]["ci"], s["groups"]["comparison"]["ci"], s["diff"]["ci"]]
    for (low, high), text in zip(rows, texts):
        assert f"{high:.1f}" in text and f"{abs(low):.1f}" in text
        assert ("إلى" in text) == (lang == "ar")
    # the dots sit at the changes
    dots = [line.get_ydata()[0] for line in changes.lines if line.get_marker() == "o"]
    assert dots == [s["change_campaign"], s["change_comparison"], s["diff_pp"]]
    labels = [t.get_text() for t in changes.get_xticklabels()]
    if lang == "ar":
        assert labels[0] == "مدارس الحملة" and "الفرق بين التغيّرين" in labels[2]
        assert changes.get_ylabel() == "التغيّر بالنقاط المئوية"
        assert shares.xaxis_inverted() and changes.xaxis_inverted()
        assert fig._supxlabel.get_horizontalalignment() == "right"
        assert "بيانات مُصطنعة" in fig._supxlabel.get_text()
    else:
        assert labels[0] == "Campaign schools" and labels[2].startswith("Difference between")
        assert changes.get_ylabel() == "Change in percentage points"
        assert not shares.xaxis_inverted() and not changes.xaxis_inverted()
        assert "Synthetic training data" in fig._supxlabel.get_text()
    fig.canvas.draw()


def test_arabic_keeps_a_minus_sign_before_its_digits():
    survey = next(s for s in (m09.campaign_survey(trainee=t) for t in TRAINEES) if s["diff"]["ci"][0] < 0)
    fig = m09.survey_figure(survey, lang="ar")
    text = _panels(fig, "ar")[1].texts[2].get_text()
    assert f"\u200e{survey['diff']['ci'][0]:.1f}" in text


def test_figure_follows_the_settings_language():
    s = m09.campaign_survey(trainee="officer-5")
    assert _panels(m09.survey_figure(s), "ar")[1].get_ylabel() == "التغيّر بالنقاط المئوية"
    settings.language = "en"
    assert _panels(m09.survey_figure(s), "en")[1].get_ylabel() == "Change in percentage points"


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_table_and_figure_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    drafts, s = m09.draft_messages(trainee=trainee), m09.campaign_survey(trainee=trainee)
    assert keys["m09.q4"]["answer"] == drafts["kinds"]
    assert keys["m09.q6"]["answer"] == s["change_campaign"]
    assert keys["m09.q7"]["answer"] == s["diff_pp"]
    assert keys["m09.q8"]["answer"] == s["diff_answer"]


def test_classify_items_come_from_the_drafts_and_categories_match():
    call = _widget_call("m09.q4")
    items = next(k.value for k in call.keywords if k.arg == "items")
    assert ast.unparse(items) == "m09.draft_messages()['messages']"
    assert ast.unparse(next(k.value for k in call.keywords if k.arg == "categories")) == "m09.CATEGORIES"


def test_the_interval_item_offers_both_data_answers():
    call = _widget_call("m09.q8")
    options = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "options"))
    assert {"a", "b"} <= set(options)
    assert "above zero" in options["a"]["en"] and "includes zero" in options["b"]["en"]
