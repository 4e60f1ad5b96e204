"""Module m04's synthetic reports: seeded per trainee, fast, and consistent with its figures, keys and lab answers."""
from __future__ import annotations

import ast
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m04  # noqa: E402
from curriculum.figures import WEEKDAYS  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m04.MODULE / f"{m04.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(120)]


def _sat_first(dayofweek):
    """pandas' weekday (0 = Monday) as the figures' (0 = Saturday)."""
    return (np.asarray(dayofweek) + 2) % 7


# ---------------------------------------------------------------- seeding and speed

def test_same_trainee_gets_the_same_data():
    m04._generate.cache_clear()
    first, facts = m04.reports(trainee="officer-1"), m04.summary(trainee="officer-1")
    m04._generate.cache_clear()
    pd.testing.assert_frame_equal(first, m04.reports(trainee="officer-1"))
    assert facts == m04.summary(trainee="officer-1")


def test_different_trainees_get_different_data():
    facts = [m04.summary(trainee=t) for t in TRAINEES[:10]]
    assert len({tuple(f["total"]) for f in facts}) == 10
    assert len({f["surge_month"] for f in facts}) >= 5
    assert len({f["top_grooming_platform"] for f in facts}) >= 3
    assert len({f["top_rate_region"] for f in facts}) >= 2
    assert len({tuple(f["claim_kinds"].values()) for f in facts}) >= 5


def test_default_trainee_is_the_settings_trainee():
    assert m04.summary() == m04.summary(trainee="t-test")
    settings.trainee = "officer-7"
    pd.testing.assert_frame_equal(m04.reports(), m04.reports(trainee="officer-7"))
    pd.testing.assert_frame_equal(m04.populations(), m04.populations(trainee="officer-7"))


def test_callers_cannot_change_the_cached_data():
    frame, facts = m04.reports(trainee="officer-3"), m04.summary(trainee="officer-3")
    frame.loc[:, "offence"] = "fraud"
    facts["total"][0] = -1
    assert (m04.reports(trainee="officer-3")["offence"] != "fraud").any()
    assert m04.summary(trainee="officer-3")["total"][0] >= 0


def test_generation_is_fast():
    m04._generate.cache_clear()
    started = time.perf_counter()
    for trainee in ("fast-1", "fast-2", "fast-3"):
        m04.reports(trainee=trainee)
        m04.summary(trainee=trainee)
    assert (time.perf_counter() - started) / 3 < 0.3


# ---------------------------------------------------------------- the reports table

@pytest.mark.parametrize("trainee", TRAINEES[:20])
def test_reports_table_is_well_formed(trainee):
    frame = m04.reports(trainee=trainee)
    assert list(frame.columns) == ["when", "platform", "offence", "age_band", "sex", "region", "reporter"]
    assert 3000 <= len(frame) <= 7000
    assert frame["when"].is_monotonic_increasing
    assert frame["when"].min() >= pd.Timestamp("2023-01-01")
    assert frame["when"].max() < pd.Timestamp("2025-01-01")
    for column, allowed in [("platform", m04.PLATFORMS), ("offence", m04.OFFENCES), ("age_band", m04.AGE_BANDS),
                            ("sex", m04.SEXES), ("region", m04.REGIONS), ("reporter", m04.REPORTERS)]:
        assert set(frame[column]) == set(allowed), column
    assert not frame.isna().any().any()


def test_platforms_and_regions_are_fictional_and_labelled():
    assert m04.PLATFORMS == ["ChatApp A", "ChatApp B", "GameHub", "PhotoShare", "StreamBox"]
    for labels in (m04.OFFENCE_LABELS, m04.AGE_LABELS, m04.SEX_LABELS, m04.REGION_LABELS, m04.REPORTER_LABELS,
                   m04.PLATFORM_OPTIONS):
        assert all(text["ar"] and text["en"] for text in labels.values())
    assert set(m04.PLATFORM_OPTIONS) == set(m04.PLATFORM_IDS.values())


# ---------------------------------------------------------------- the summary agrees with the table

@pytest.mark.parametrize("trainee", TRAINEES[:12])
def test_summary_is_computed_from_the_reports(trainee):
    frame, facts = m04.reports(trainee=trainee), m04.summary(trainee=trainee)
    month = frame["when"].dt.strftime("%Y-%m")
    assert facts["months"] == [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    assert facts["total"] == [int((month == m).sum()) for m in facts["months"]]
    sextortion = frame["offence"] == "sextortion"
    assert facts["sextortion"] == [int(((month == m) & sextortion).sum()) for m in facts["months"]]
    heat = pd.crosstab(_sat_first(frame["when"].dt.day_of_week), frame["when"].dt.hour // 3)
    assert facts["heat"] == heat.reindex(index=range(7), columns=range(8), fill_value=0).values.tolist()
    table = pd.crosstab(frame["platform"], frame["offence"])
    assert all(facts["platform_offence"][p][o] == table.loc[p, o] for p in m04.PLATFORMS for o in m04.OFFENCES)
    ages = pd.crosstab(frame["age_band"], frame["sex"])
    assert all(facts["age_sex"][b][s] == ages.loc[b, s] for b in m04.AGE_BANDS for s in m04.SEXES)
    year = frame[frame["when"].dt.year == m04.RATE_YEAR]["region"].value_counts()
    children = m04.populations(trainee=trainee).set_index("region")["children"]
    for region in m04.REGIONS:
        assert facts["regions"][region] == {"reports": year[region], "children": children[region]}
        assert facts["rates"][region] == round(year[region] / children[region] * 100_000, 1)


@pytest.mark.parametrize("trainee", TRAINEES)
def test_every_answer_is_unique_and_clear(trainee):
    """Each item that asks for 'the most' has one answer, well ahead of the next."""
    facts = m04.summary(trainee=trainee)
    total = facts["total"]
    surge = facts["months"].index(facts["surge_month"])
    assert total[surge] == max(total) and sorted(total)[-2] * 1.1 <= total[surge]
    assert 1 <= surge <= len(total) - 2
    assert facts["sextortion"][surge] > 1.5 * facts["sextortion"][surge - 1]
    assert facts["surge_sextortion"] == facts["sextortion"][surge]
    heat = sorted(sum(facts["heat"], []), reverse=True)
    d, b = facts["peak_cell"]
    assert facts["heat"][d][b] == heat[0] and heat[0] >= heat[1] + 8
    grooming = {p: facts["platform_offence"][p]["grooming"] for p in m04.PLATFORMS}
    ranked = sorted(grooming.values(), reverse=True)
    assert grooming[facts["top_grooming_platform"]] == ranked[0] and ranked[0] >= ranked[1] + 10
    assert facts["top_grooming_option"] == m04.PLATFORM_IDS[facts["top_grooming_platform"]]
    boys_ahead = [band for band, n in facts["age_sex"].items() if n["boy"] > n["girl"]]
    assert boys_ahead == [facts["boy_band"]]
    rates, counts = facts["rates"], {r: facts["regions"][r]["reports"] for r in m04.REGIONS}
    assert facts["top_rate_region"] == max(rates, key=rates.get) != max(counts, key=counts.get)
    assert facts["top_count_region"] == max(counts, key=counts.get)
    assert sorted(rates.values())[-2] * 1.05 <= rates[facts["top_rate_region"]]
    assert facts["rate"] == rates[facts["rate_region"]]
    share = facts["platform_offence"][facts["share_platform"]]["sextortion"]
    all_sextortion = sum(facts["platform_offence"][p]["sextortion"] for p in m04.PLATFORMS)
    assert facts["share_percent"] == round(100 * share / all_sextortion, 1)
    assert 8 <= facts["share_percent"] <= 60


@pytest.mark.parametrize("trainee", TRAINEES[:40])
def test_widget_options_hold_the_answer_among_distinct_choices(trainee):
    facts = m04.summary(trainee=trainee)
    months = facts["month_options"]
    assert len(months) == 5 and len({m["en"] for m in months.values()}) == 5
    assert months[facts["surge_option"]] == m04.month_label(facts["surge_month"])
    shown = [m["en"] for m in months.values()]
    assert shown == sorted(shown, key=lambda m: pd.Timestamp(m))  # listed in calendar order
    cells = facts["cell_options"]
    assert len(cells) == 5 and len({c["en"] for c in cells.values()}) == 5
    d, b = facts["peak_cell"]
    assert cells[facts["peak_option"]] == {"ar": f"{m04.WEEKDAY_NAMES[d]['ar']}، {m04.BANDS[b]}",
                                           "en": f"{m04.WEEKDAY_NAMES[d]['en']}, {m04.BANDS[b]}"}
    assert facts["practice_cell"] == facts["heat"][m04.PRACTICE_CELL[0]][m04.PRACTICE_CELL[1]]


@pytest.mark.parametrize("trainee", TRAINEES[:40])
def test_claims_are_two_of_each_verdict_and_true_to_the_data(trainee):
    facts = m04.summary(trainee=trainee)
    kinds = list(facts["claim_kinds"].values())
    assert sorted(kinds) == sorted(["supported", "contradicted", "more_data"] * 2)
    assert list(facts["claims"]) == list(facts["claim_kinds"]) == [f"c{n}" for n in range(1, 7)]
    assert len({c["en"] for c in facts["claims"].values()}) == 6
    for item, claim in facts["claims"].items():
        assert claim["ar"] and claim["en"]
        # the claims about who has "more" name what the summary says
        if "more reports came from the" in claim["en"]:
            assert m04.REGION_LABELS[facts["top_count_region"]]["en"] in claim["en"]
            assert facts["claim_kinds"][item] == "supported"
        if "more reports per 100,000" in claim["en"]:
            assert facts["claim_kinds"][item] == "contradicted"


# ---------------------------------------------------------------- figures and tables

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_monthly_figure_draws_both_lines_in_the_language(lang):
    facts = m04.summary(trainee="officer-5")
    fig = m04.monthly_figure(facts, lang=lang)
    ax = fig.axes[0]
    assert [list(line.get_ydata()) for line in ax.lines] == [facts["total"], facts["sextortion"]]
    assert [t.get_text() for t in ax.get_xticklabels()] == facts["months"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    if lang == "ar":
        assert legend == ["كل البلاغات", "بلاغات الابتزاز الجنسي"]
        assert ax.get_ylabel() == "عدد البلاغات في الشهر" and ax.xaxis_inverted()
        assert "بيانات مُصطنعة" in ax.get_title()
    else:
        assert legend == ["All reports", "Sextortion reports"]
        assert ax.get_ylabel() == "Reports per month" and not ax.xaxis_inverted()
        assert "synthetic data" in ax.get_title()
    fig.canvas.draw()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_heat_figure_is_an_image_with_weekday_labels_and_a_colorbar(lang):
    facts = m04.summary(trainee="officer-6")
    fig = m04.heat_figure(facts, lang=lang)
    ax, bar = fig.axes[0], fig.axes[1]
    assert ax.images[0].get_array().tolist() == facts["heat"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [d[lang] for d in WEEKDAYS]
    assert [t.get_text() for t in ax.get_xticklabels()] == m04.BANDS
    assert [t.get_text() for t in ax.texts] == [str(n) for row in facts["heat"] for n in row]
    assert bar.get_ylabel() == {"ar": "عدد البلاغات", "en": "Number of reports"}[lang]
    assert ax.xaxis_inverted() == (lang == "ar")
    if lang == "ar":
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "السبت"
    fig.canvas.draw()


def test_figures_follow_the_settings_language():
    facts = m04.summary(trainee="officer-6")
    assert m04.heat_figure(facts).axes[1].get_ylabel() == "عدد البلاغات"
    settings.language = "en"
    assert m04.heat_figure(facts).axes[1].get_ylabel() == "Number of reports"
    assert m04.monthly_figure(facts).axes[0].get_ylabel() == "Reports per month"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_age_figure_shows_girls_and_boys_per_band(lang):
    facts = m04.summary(trainee="officer-8")
    fig = m04.age_figure(facts, lang=lang)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    girls = [facts["age_sex"][b]["girl"] for b in m04.AGE_BANDS]
    boys = [facts["age_sex"][b]["boy"] for b in m04.AGE_BANDS]
    assert heights == girls + boys
    assert [t.get_text() for t in ax.get_xticklabels()] == [m04.AGE_LABELS[b][lang] for b in m04.AGE_BANDS]
    assert ax.xaxis_inverted() == (lang == "ar")
    fig.canvas.draw()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_tables_are_labelled_in_the_language(lang):
    facts = m04.summary(trainee="officer-9")
    platforms = m04.platform_frame(facts, lang=lang)
    total = {"ar": "المجموع", "en": "Total"}[lang]
    assert list(platforms.index) == m04.PLATFORMS + [total]
    assert list(platforms.columns) == [m04.OFFENCE_LABELS[o][lang] for o in m04.OFFENCES] + [total]
    assert platforms.loc[total, total] == sum(facts["total"])
    regions = m04.region_frame(facts, lang=lang)
    assert list(regions.index) == [m04.REGION_LABELS[r][lang] for r in m04.REGIONS]
    assert regions.iloc[:, 0].tolist() == [facts["regions"][r]["reports"] for r in m04.REGIONS]
    for html in (m04.platform_table(facts, lang).data, m04.region_table_html(facts, lang).data,
                 m04.preview(m04.reports(trainee="officer-9"), lang).data):
        assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in html
        assert {"ar": "بيانات مُصطنعة", "en": "Synthetic training data"}[lang] in html


# ---------------------------------------------------------------- the lab's reference answers

@pytest.mark.parametrize("trainee", TRAINEES[:8])
def test_lab_reference_answers_agree_with_the_summary(trainee):
    frame, facts = m04.reports(trainee=trainee), m04.summary(trainee=trainee)
    counts = m04.lab_monthly_counts(frame)
    assert counts.tolist() == facts["total"]
    assert list(counts.index.strftime("%Y-%m")) == facts["months"]
    assert m04.lab_peak_month(counts) == facts["surge_month"]
    assert m04.lab_offence_months(frame, "sextortion").tolist() == facts["sextortion"]
    table = m04.lab_hour_weekday(frame)
    assert table.shape == (7, 24) and int(table.values.sum()) == len(frame)
    bands = table.T.groupby(np.arange(24) // 3).sum().T  # Monday-first rows, three-hour columns
    assert bands.values[_sat_first(range(7)).argsort()].tolist() == facts["heat"]
    rates = m04.lab_region_rates(frame, m04.populations(trainee=trainee))
    assert list(rates.columns) == ["region", "reports", "children", "rate"]
    assert dict(zip(rates["region"], rates["rate"])) == facts["rates"]
    assert rates["region"].iloc[0] == facts["top_rate_region"]
    assert rates["rate"].is_monotonic_decreasing


def test_the_lab_rate_table_keeps_a_region_with_no_reports():
    """#15: an inner merge silently dropped a region with no reports; the left merge keeps it with 0."""
    frame = m04.reports(trainee="t-island")
    populations = pd.concat([m04.populations(trainee="t-island"),
                             pd.DataFrame({"region": ["island"], "children": [30_000]})], ignore_index=True)
    rates = m04.lab_region_rates(frame, populations)
    assert sorted(rates["region"]) == sorted(populations["region"])
    assert rates.set_index("region").loc["island", ["reports", "rate"]].tolist() == [0, 0.0]
    assert rates["rate"].is_monotonic_decreasing
    assert rates["reports"].dtype.kind == "i"


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_figures_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    facts = m04.summary(trainee=trainee)
    assert keys["m04.q1"]["answer"] == facts["surge_option"]
    assert keys["m04.q2"]["answer"] == facts["surge_sextortion"]
    assert keys["m04.q3"]["answer"] == facts["peak_option"]
    assert keys["m04.q4"]["answer"] == m04.PLATFORM_IDS[facts["top_grooming_platform"]]
    assert keys["m04.q5"]["answer"] == facts["share_percent"]
    assert keys["m04.q6"]["answer"] == facts["boy_band"]
    assert keys["m04.q7"]["answer"] == facts["rate"]
    assert keys["m04.q8"]["answer"] == facts["top_rate_region"]
    assert keys["m04.q9"]["answer"] == facts["claim_kinds"]


def test_ordering_steps_are_listed_out_of_order():
    """The six checking steps are a practice item now (their middle order is the course's convention)."""
    call = _widget_call("m04.p4")
    steps = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "steps"))
    key = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "practice"))["answer"]
    assert sorted(steps) == sorted(key)
    assert list(steps) != key and list(steps)[0] != key[0]
