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


def test_timeline_figure_draws_every_event_at_its_utc_time():
    import matplotlib.dates as mdates

    case = m10.case_file(trainee="officer-5")
    fig = m10.timeline_figure(case, lang="en")
    ax = fig.axes[0]
    rows = {s: len(m10.SOURCE_ORDER) - 1 - i for i, s in enumerate(m10.SOURCE_ORDER)}
    dots = sorted((round(float(x), 6), float(y)) for c in ax.collections for x, y in c.get_offsets())
    expected = sorted((round(mdates.date2num(_utc(e)), 6), float(rows[e["source"]])) for e in case["events"])
    assert dots == expected
    numbers = sorted(int(t.get_text()) for t in ax.texts)
    assert numbers == list(range(1, 9))
    texts = _figure_texts(fig)
    for e in case["events"]:
        assert f"{e['utc']} UTC" in texts
        assert m10.EVENT_LABELS[e["event"]]["en"] in texts
    fig.canvas.draw()


def test_timeline_figure_in_english():
    fig = m10.timeline_figure(m10.case_file(trainee="officer-5"), lang="en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [m10.SOURCE_SHORT[s]["en"] for s in m10.SOURCE_ORDER]
    assert ax.get_xlabel() == "Date and time in Coordinated Universal Time (UTC)"
    assert "synthetic data" in ax.get_title()
    assert not ax.xaxis_inverted()
    assert fig._supxlabel.get_text() == "Synthetic training data"


def test_timeline_figure_in_arabic_reads_right_to_left():
    case = m10.case_file(trainee="officer-5")
    fig = m10.timeline_figure(case, lang="ar")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [m10.SOURCE_SHORT[s]["ar"] for s in m10.SOURCE_ORDER]
    assert ax.get_xlabel() == "التاريخ والوقت بالتوقيت العالمي المنسّق (UTC)"
    assert "بيانات مُصطنعة" in ax.get_title()
    assert ax.xaxis_inverted()
    texts = _figure_texts(fig)
    assert all(m10.EVENT_LABELS[e["event"]]["ar"] in texts for e in case["events"])
    assert fig._supxlabel.get_text() == "بيانات مُصطنعة لأغراض التدريب"
    assert fig._supxlabel.get_horizontalalignment() == "right"
    fig.canvas.draw()


def test_timeline_figure_follows_the_settings_language():
    case = m10.case_file(trainee="officer-5")
    assert m10.timeline_figure(case).axes[0].get_xlabel().startswith("التاريخ")
    settings.language = "en"
    assert m10.timeline_figure(case).axes[0].get_xlabel().startswith("Date and time")


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == item.replace(".", "-") + "-widget")
    return ast.parse(cell.source).body[0].value


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
