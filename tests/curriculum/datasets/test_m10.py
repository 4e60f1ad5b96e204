"""Module m10's synthetic case file: seeded per trainee, consistent with its table, its figure and the items' keys."""
from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m10  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m10.MODULE / f"{m10.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]
FMT = "%Y-%m-%d %H:%M"


def _utc(event):
    return datetime.strptime(event["utc"], FMT)


# ---------------------------------------------------------------- seeding

def test_same_trainee_gets_the_same_case():
    assert m10.case_file(trainee="officer-1") == m10.case_file(trainee="officer-1")


def test_different_trainees_get_different_cases():
    cases = [m10.case_file(trainee=t) for t in TRAINEES[:8]]
    assert len({c["events"][0]["utc"] for c in cases}) == 8
    assert len({(c["hours_to_threat"], c["minutes_to_payment"]) for c in cases}) >= 7
    assert len({c["offender_game"] for c in cases}) >= 5
    assert len({tuple(c["order"]) for c in (m10.case_file(trainee=t) for t in TRAINEES)}) >= 6


def test_default_trainee_is_the_settings_trainee():
    assert m10.case_file() == m10.case_file(trainee="t-test")
    settings.trainee = "officer-7"
    assert m10.case_file() == m10.case_file(trainee="officer-7")


# ---------------------------------------------------------------- the records

@pytest.mark.parametrize("trainee", TRAINEES)
def test_times_are_consistent_across_zones(trainee):
    case = m10.case_file(trainee=trainee)
    assert case["offsets"]["arena"] == 0 and case["offsets"]["chat"] == 3 and case["offsets"]["police"] == 3
    assert case["offsets"]["pay"] in m10.PAY_OFFSETS
    events = case["events"]
    assert sorted(e["event"] for e in events) == sorted(m10.EVENT_LABELS)
    for e in events:
        assert e["source"] == m10.EVENT_SOURCE[e["event"]] and e["offset"] == case["offsets"][e["source"]]
        local = datetime.strptime(e["local"], FMT)
        assert local - _utc(e) == timedelta(hours=e["offset"])
        assert _utc(e) - _utc(events[0]) == timedelta(minutes=e["minute"])
    times = [_utc(e) for e in events]
    assert times == sorted(times)
    # every two events well apart, and wider apart on one row of the figure: the order is never in doubt
    assert all((b - a) >= timedelta(minutes=m10.GAP) for a, b in zip(times, times[1:]))
    for source in m10.SOURCE_ORDER:
        row = [_utc(e) for e in events if e["source"] == source]
        assert all((b - a) >= timedelta(minutes=m10.SAME_SOURCE_GAP) for a, b in zip(row, row[1:]))


@pytest.mark.parametrize("trainee", TRAINEES)
def test_the_story_holds_together(trainee):
    case = m10.case_file(trainee=trainee)
    order = [e["event"] for e in case["events"]]
    at = {e: i for i, e in enumerate(order)}
    assert order[0] == "first_contact" and order[-1] == "report"
    assert at["move"] < at["threat"] < at["payment"] < at["second"]
    assert at["gift"] < at["threat"] and at["move"] < at["deleted"] and at["gift"] < at["deleted"]
    assert 0 < case["paid"] < case["demand"] or case["paid"] == case["demand"] == 50
    assert case["second_demand"] > case["demand"]
    # the father reports in the evening, local time, at least two hours after the last event
    report, before = case["events"][-1], case["events"][-2]
    assert 17 <= int(report["local"][11:13]) <= 22
    assert report["minute"] - before["minute"] >= 120


@pytest.mark.parametrize("trainee", TRAINEES)
def test_records_are_grouped_by_source_as_the_table_shows(trainee):
    case = m10.case_file(trainee=trainee)
    records = case["records"]
    assert [r["id"] for r in records] == [f"R{n}" for n in range(1, 9)]
    sources = [r["source"] for r in records]
    assert sources == sorted(sources, key=m10.SOURCE_ORDER.index)
    by_event = {e["event"]: e for e in case["events"]}
    for r in records:
        assert r["local"] == by_event[r["event"]]["local"]
        assert set(r["text"]) == {"ar", "en"} and r["text"]["ar"] and r["text"]["en"]
    chat = [r["text"]["en"] for r in records if r["source"] == "chat"]
    assert all(case["offender_chat"] in line for line in chat)
    # threats and demands only: the image is never described
    text = " ".join(r["text"]["en"].lower() for r in records)
    assert "an image of you" in text
    for word in ("nude", "naked", "sexual", "explicit", "porn"):
        assert word not in text


# ---------------------------------------------------------------- the items' answers

@pytest.mark.parametrize("trainee", TRAINEES)
def test_the_naive_clock_order_is_always_wrong(trainee):
    case = m10.case_file(trainee=trainee)
    assert sorted(case["order"]) == sorted(m10.ORDER_EVENTS)
    assert case["order"] == [e["event"] for e in case["events"] if e["event"] != "report"]
    assert case["naive_order"] != case["order"]
    # the payment, written in UTC−5 or UTC−4, always looks earlier than the threat that caused it
    naive = case["naive_order"]
    assert naive.index("payment") < naive.index("threat")
    assert case["order"] != m10.LISTED_ORDER and case["order"][0] == "first_contact"


@pytest.mark.parametrize("trainee", TRAINEES)
def test_intervals_round_without_doubt_and_differ_from_the_naive_ones(trainee):
    case = m10.case_file(trainee=trainee)
    by_event = {e["event"]: e for e in case["events"]}
    exact = (by_event["threat"]["minute"] - by_event["first_contact"]["minute"]) / 60
    assert 20 <= exact <= 70
    assert abs(exact - case["hours_to_threat"]) <= 20 / 60 + 1e-9  # never near a half hour
    naive = (datetime.strptime(by_event["threat"]["local"], FMT)
             - datetime.strptime(by_event["first_contact"]["local"], FMT)).total_seconds() / 3600
    assert abs(naive - case["hours_to_threat"]) > 0.5  # reading the clocks as written fails
    assert case["minutes_to_payment"] == by_event["payment"]["minute"] - by_event["threat"]["minute"]
    assert 30 <= case["minutes_to_payment"] <= 360
    move = by_event["move"]
    assert case["move_local"] == move["local"] and case["move_utc_hour"] == _utc(move).hour


def test_case_facts_lists_the_events_for_the_instructor():
    lines = m10.case_facts("officer-3").splitlines()
    case = m10.case_file(trainee="officer-3")
    assert len(lines) == 8
    assert [line.split(" UTC")[0] for line in lines] == [e["utc"] for e in case["events"]]
    assert "First threat" in m10.case_facts("officer-3") and "أول تهديد" in m10.case_facts("officer-3", "ar")


# ---------------------------------------------------------------- table and figure

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_records_table_shows_every_record_as_written(lang):
    case = m10.case_file(trainee="officer-4")
    page = m10.records_table(case, lang=lang).data
    assert page.count("<tr>") == 9
    for r in case["records"]:
        assert r["local"] in page and r["zone"] in page and r["id"] in page
    assert (f'dir="{"rtl" if lang == "ar" else "ltr"}"') in page
    assert ("سجلات مُصطنعة" if lang == "ar" else "synthetic records") in page


def _figure_texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _local(record):
    return datetime.strptime(record["local"], FMT)


def test_clocks_figure_draws_every_record_at_its_time_as_written_on_its_sources_clock():
    import matplotlib.dates as mdates

    case = m10.case_file(trainee="officer-5")
    fig = m10.clocks_figure(case, lang="en")
    assert len(fig.axes) == len(m10.SOURCE_ORDER)
    for ax, source in zip(fig.axes, m10.SOURCE_ORDER):
        records = [r for r in case["records"] if r["source"] == source]
        dots = sorted(round(float(x), 6) for c in ax.collections for x, _ in c.get_offsets())
        assert dots == sorted(round(mdates.date2num(_local(r)), 6) for r in records)
        texts = [t.get_text() for t in ax.texts]
        for r in records:
            assert r["id"] in texts and _local(r).strftime("%m-%d %H:%M") in texts
        zone = records[0]["zone"]
        assert zone in ax.get_title(loc="left") and zone in ax.get_xlabel()
    fig.canvas.draw()


@pytest.mark.parametrize("trainee", ["officer-5", "officer-6", "check"])
def test_clocks_figure_gives_away_no_order_and_no_utc_time(trainee):
    """m10.q4–q6 grade the UTC order and intervals: the figure must leave the conversion to the trainee."""
    case = m10.case_file(trainee=trainee)
    for lang in ("ar", "en"):
        fig = m10.clocks_figure(case, lang=lang)
        texts = _figure_texts(fig) + [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "right")]
        texts += [ax.get_xlabel() for ax in fig.axes] + [fig._suptitle.get_text(), fig._supxlabel.get_text()]
        for e in case["events"]:
            if e["offset"] != 0:  # ArenaPlay writes UTC itself: its own times are what the trainee reads anyway
                assert not any(e["utc"][5:] in t for t in texts), e
            assert not any(m10.EVENT_LABELS[e["event"]][lang] in t for t in texts)
        assert not any(t.strip().isdigit() for t in texts), "no sequence numbers"
        limits = [ax.get_xlim() for ax in fig.axes]
        assert len(set(limits)) == len(limits), "every row has its own time scale"


def test_clocks_figure_in_english():
    fig = m10.clocks_figure(m10.case_file(trainee="officer-5"), lang="en")
    assert fig.axes[1].get_title(loc="left") == "NestChat — the child's phone, local time: UTC+3"
    assert fig.axes[1].get_xlabel() == "Time as recorded by the source (UTC+3)"
    assert "synthetic data" in fig._suptitle.get_text()
    assert not any(ax.xaxis_inverted() for ax in fig.axes)
    assert fig._supxlabel.get_text().endswith("Synthetic training data")


def test_clocks_figure_in_arabic_reads_right_to_left():
    case = m10.case_file(trainee="officer-5")
    fig = m10.clocks_figure(case, lang="ar")
    assert fig.axes[1].get_title(loc="right") == "NestChat — ساعة هاتف الطفل المحلية: UTC+3"
    assert fig.axes[1].get_xlabel() == "الوقت كما سجّله المصدر (UTC+3)"
    assert "بيانات مُصطنعة" in fig._suptitle.get_text()
    assert all(ax.xaxis_inverted() for ax in fig.axes)
    assert fig._supxlabel.get_text().endswith("بيانات مُصطنعة لأغراض التدريب")
    assert fig._supxlabel.get_horizontalalignment() == "right"
    fig.canvas.draw()


def test_clocks_figure_follows_the_settings_language():
    case = m10.case_file(trainee="officer-5")
    assert m10.clocks_figure(case).axes[0].get_xlabel().startswith("الوقت")
    settings.language = "en"
    assert m10.clocks_figure(case).axes[0].get_xlabel().startswith("Time as recorded")


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_records_give(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    case = m10.case_file(trainee=trainee)
    assert keys["m10.q4"]["answer"] == case["order"]
    assert keys["m10.q5"]["answer"] == case["hours_to_threat"] and keys["m10.q5"]["tolerance"] == 0.5
    assert keys["m10.q6"]["answer"] == case["minutes_to_payment"] and keys["m10.q6"]["tolerance"] == 0


def test_ordering_steps_are_the_events_listed_in_the_fixed_shuffled_order():
    call = _widget_call("m10.q4")
    steps = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "steps"))
    assert list(steps) == m10.LISTED_ORDER
    assert {k: v for k, v in steps.items()} == {k: m10.EVENT_LABELS[k] for k in m10.LISTED_ORDER}
