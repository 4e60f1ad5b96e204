"""Module m07's synthetic data: seeded selections from its banks, consistent with the items' keys."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m07  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m07.MODULE / f"{m07.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]
GENERATORS = [m07.interview_questions, m07.referrals, m07.mnr_capabilities]
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _bilingual(text):
    return set(text) == {"ar", "en"} and ARABIC.search(text["ar"]) and re.search(r"[A-Za-z]{3,}", text["en"])


# ---------------------------------------------------------------- seeding

@pytest.mark.parametrize("generator", GENERATORS)
def test_same_trainee_gets_the_same_data(generator):
    assert generator(trainee="officer-1") == generator(trainee="officer-1")


@pytest.mark.parametrize("generator", GENERATORS)
def test_different_trainees_get_different_data(generator):
    def selection(trainee):
        data = generator(trainee=trainee)
        return tuple(data.get("bank_ids") or data["numbers"])
    selections = {selection(t) for t in TRAINEES[:10]}
    firsts = {next(iter(generator(trainee=t)["items"].values()))["en"] for t in TRAINEES[:10]}
    assert len(selections) >= 9
    assert len(firsts) >= 3


def test_default_trainee_is_the_settings_trainee():
    assert m07.interview_questions() == m07.interview_questions(trainee="t-test")
    settings.trainee = "officer-7"
    assert m07.referrals() == m07.referrals(trainee="officer-7")
    assert m07.mnr_capabilities() == m07.mnr_capabilities(trainee="officer-7")


# ---------------------------------------------------------------- the banks

def test_question_bank_has_four_of_each_type_and_distinct_texts():
    assert len(m07.QUESTIONS) == 16
    assert Counter(t for t, _ in m07.QUESTIONS.values()) == {t: 4 for t in m07.QUESTION_TYPES}
    for _, text in m07.QUESTIONS.values():
        assert _bilingual(text)
    assert len({text["en"] for _, text in m07.QUESTIONS.values()}) == 16
    assert len({text["ar"] for _, text in m07.QUESTIONS.values()}) == 16


def test_question_bank_fits_its_types():
    """Surface checks that keep each question's type defensible."""
    for qid, (qtype, text) in m07.QUESTIONS.items():
        en = text["en"]
        if qtype == "invitation":
            assert en.startswith(("Tell me", "You said", "Think about")), qid
        if qtype == "option":
            assert en.startswith("Did "), qid  # yes/no or either/or
        if qtype == "directive":
            assert en.split()[0] in {"When", "What", "How", "Where", "Who"}, qid
    # the suggestive ones either end in a tag or take an unsaid detail for granted (money is never mentioned)
    account = m07.CHILD_ACCOUNT["en"].lower()
    assert "money" not in account and "password" not in account
    assert m07.QUESTIONS["sug3"][1]["en"].startswith("How much money")


def test_situation_bank_covers_every_agency_at_least_twice():
    counts = Counter(a for a, _ in m07.SITUATIONS.values())
    assert set(counts) == set(m07.AGENCIES)
    assert all(n >= 2 for n in counts.values())
    for _, text in m07.SITUATIONS.values():
        assert _bilingual(text)


def test_mnr_has_21_capabilities_in_6_domains_numbered_by_domain():
    caps = m07.MNR_CAPABILITIES
    assert sorted(caps) == list(range(1, 22))
    assert list(m07.MNR_DOMAINS) == ["policy", "justice", "victim", "societal", "industry", "media"]
    assert Counter(d for d, _, _ in caps.values()) == {
        "policy": 3, "justice": 4, "victim": 4, "societal": 4, "industry": 4, "media": 2}
    # domains run in blocks of consecutive numbers, in the order of MNR_DOMAINS
    order = [caps[n][0] for n in range(1, 22)]
    assert [d for i, d in enumerate(order) if i == 0 or order[i - 1] != d] == list(m07.MNR_DOMAINS)
    assert caps[11][1]["en"] == "Child helpline" and caps[11][0] == "victim"
    assert caps[12][1]["en"] == "CSEA hotline" and caps[12][0] == "societal"
    for _, name, description in caps.values():
        assert _bilingual(name) and _bilingual(description)


# ---------------------------------------------------------------- the selections

@pytest.mark.parametrize("trainee", TRAINEES)
def test_interview_questions_two_of_each_type(trainee):
    data = m07.interview_questions(trainee=trainee)
    assert list(data["items"]) == [f"k{n}" for n in range(1, 9)]
    assert list(data["types"]) == list(data["items"])
    assert Counter(data["types"].values()) == {t: m07.PER_TYPE for t in m07.QUESTION_TYPES}
    assert len(set(data["bank_ids"])) == 8
    for key, qid in zip(data["items"], data["bank_ids"]):
        assert data["items"][key] == m07.QUESTIONS[qid][1]
        assert data["types"][key] == m07.QUESTIONS[qid][0]


def test_interview_questions_are_not_shown_grouped_by_type():
    grouped = 0
    for trainee in TRAINEES[:30]:
        types = list(m07.interview_questions(trainee=trainee)["types"].values())
        grouped += types == sorted(types, key=list(m07.QUESTION_TYPES).index)
    assert grouped == 0


@pytest.mark.parametrize("trainee", TRAINEES)
def test_referrals_one_per_agency_then_one_more(trainee):
    data = m07.referrals(trainee=trainee)
    assert list(data["items"]) == [f"s{n}" for n in range(1, m07.N_SITUATIONS + 1)]
    counts = Counter(data["agencies"].values())
    assert set(counts) == set(m07.AGENCIES)
    assert sorted(counts.values()) == [1] * (len(m07.AGENCIES) - 1) + [2]
    assert len(set(data["bank_ids"])) == m07.N_SITUATIONS
    for key, sid in zip(data["items"], data["bank_ids"]):
        assert data["items"][key] == m07.SITUATIONS[sid][1]
        assert data["agencies"][key] == m07.SITUATIONS[sid][0]


@pytest.mark.parametrize("trainee", TRAINEES)
def test_mnr_capabilities_cover_every_domain(trainee):
    data = m07.mnr_capabilities(trainee=trainee)
    assert list(data["items"]) == [f"c{n}" for n in range(1, m07.N_CAPABILITIES + 1)]
    assert set(data["domains"].values()) == set(m07.MNR_DOMAINS)
    assert len(set(data["numbers"])) == m07.N_CAPABILITIES
    for key, number in zip(data["items"], data["numbers"]):
        assert data["items"][key] == m07.MNR_CAPABILITIES[number][2]
        assert data["domains"][key] == m07.MNR_CAPABILITIES[number][0]


def test_every_bank_entry_is_drawn_for_someone():
    questions, situations, numbers = set(), set(), set()
    for trainee in TRAINEES:
        questions |= set(m07.interview_questions(trainee=trainee)["bank_ids"])
        situations |= set(m07.referrals(trainee=trainee)["bank_ids"])
        numbers |= set(m07.mnr_capabilities(trainee=trainee)["numbers"])
    assert questions == set(m07.QUESTIONS)
    assert situations == set(m07.SITUATIONS)
    assert numbers == set(m07.MNR_CAPABILITIES)


# ---------------------------------------------------------------- figure

def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_text()]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_agencies_figure_is_labelled_in_the_language(lang):
    fig = m07.agencies_figure(lang=lang)
    texts = _texts(fig)
    for _, name, role in m07.CIRCLE:
        assert f"{name[lang]}\n{role[lang]}" in texts
    assert m07.CENTRE[lang] in texts
    assert fig.axes[0].get_title() == m07.FIGURE_TITLE[lang]
    assert fig._supxlabel.get_text() == m07.FIGURE_NOTE[lang]
    other = "en" if lang == "ar" else "ar"
    assert not any(m07.CIRCLE[0][1][other] in t for t in texts)
    if lang == "ar":
        assert all(ARABIC.search(t) for t in texts)
        assert fig._supxlabel.get_horizontalalignment() == "right"
    fig.canvas.draw()


def test_agencies_figure_mirrors_the_ring_in_arabic():
    def positions(lang):
        fig = m07.agencies_figure(lang=lang)
        return {t.get_gid(): t.get_position() for t in fig.axes[0].texts if t.get_gid()}
    ar, en = positions("ar"), positions("en")
    assert set(ar) == set(en) == {f"agency-{k}" for k, _, _ in m07.CIRCLE} | {"centre"}
    for gid, (x, y) in en.items():
        assert ar[gid] == pytest.approx((-x, y), abs=1e-9)
    # English runs clockwise from the top: the second service is on the right
    assert en["agency-justice"][0] > 0 > ar["agency-justice"][0]


def test_agencies_figure_follows_the_settings_language():
    assert m07.agencies_figure().axes[0].get_title() == m07.FIGURE_TITLE["ar"]
    settings.language = "en"
    assert m07.agencies_figure().axes[0].get_title() == m07.FIGURE_TITLE["en"]


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


def _literal(call, name):
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == name))


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_widgets_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    assert keys["m07.q2"]["answer"] == m07.interview_questions(trainee=trainee)["types"]
    assert keys["m07.q7"]["answer"] == m07.referrals(trainee=trainee)["agencies"]


def test_widget_categories_and_targets_are_the_data_modules():
    assert _literal(_widget_call("m07.q2"), "categories") == m07.QUESTION_TYPES
    assert _literal(_widget_call("m07.q7"), "targets") == m07.AGENCIES
    assert _literal(_widget_call("m07.p4"), "categories") == m07.MNR_DOMAINS
    assert _literal(_widget_call("m07.p1"), "options") == m07.QUESTION_TYPES


def test_ordering_steps_are_listed_out_of_order():
    steps = list(_literal(_widget_call("m07.q1"), "steps"))
    key = notebook_keys(NOTEBOOK)["m07.q1"].for_trainee("x").key["answer"]
    assert sorted(steps) == sorted(key) and steps != key


def test_practice_question_is_not_in_the_bank():
    call = _widget_call("m07.p1")
    prompt = _literal(call, "prompt")
    assert m07.CHILD_ACCOUNT["en"].replace('"', "") in prompt["en"].replace('"', "")
    for _, text in m07.QUESTIONS.values():
        assert text["en"] not in prompt["en"]


def test_mnr_table_in_the_notebook_lists_every_capability():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "mnr")
    for number, (_, name, _) in m07.MNR_CAPABILITIES.items():
        assert f"{number}. {name['en']}" in cell.source
        assert f"{number}. {name['ar']}" in cell.source
