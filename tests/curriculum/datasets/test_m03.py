"""Module m03's synthetic data: seeded per trainee, consistent with its figures and with the items' keys."""
from __future__ import annotations

import ast
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m03  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402
from notebook_cells import widget_call  # tests/ is on pytest's pythonpath

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m03.MODULE / f"{m03.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(100)]


# ---------------------------------------------------------------- seeding

@pytest.mark.parametrize("generator", [m03.game_chat, m03.gaming_hours])
def test_same_trainee_gets_the_same_data(generator):
    assert generator(trainee="officer-1") == generator(trainee="officer-1")


def test_different_trainees_get_different_data():
    chats = {(c["minutes_to_private"], tuple(c["first_order"]), c["gifts"])
             for c in (m03.game_chat(trainee=t) for t in TRAINEES[:8])}
    hours = {tuple(m03.gaming_hours(trainee=t)["hours"]) for t in TRAINEES[:8]}
    assert len(chats) >= 6
    assert len(hours) == 8


def test_default_trainee_is_the_settings_trainee():
    assert m03.game_chat() == m03.game_chat(trainee="t-test")
    settings.trainee = "officer-7"
    assert m03.gaming_hours() == m03.gaming_hours(trainee="officer-7")


# ---------------------------------------------------------------- the chat log

@pytest.mark.parametrize("trainee", TRAINEES)
def test_chat_log_is_well_formed(trainee):
    chat = m03.game_chat(trainee=trainee)
    events = chat["events"]
    minutes = [e["minute"] for e in events]
    assert minutes == sorted(minutes)
    assert events[0] == {"minute": 0, "kind": "talk", "line": m03.FIRST_MESSAGE}
    last = events[-1]
    assert last["kind"] == "private" and last["minute"] == chat["minutes_to_private"]
    assert 24 <= chat["minutes_to_private"] <= 70
    assert sum(e["kind"] == "private" for e in events) == 1
    assert {e["kind"] for e in events} == set(m03.KINDS)
    # the practice item's answer: every gift or reward, all before the request to move
    gifts = [e for e in events if e["kind"] == "gift"]
    assert chat["gifts"] == len(gifts) and 1 <= len(gifts) <= 4
    assert all(g["minute"] < chat["minutes_to_private"] for g in gifts)
    # dots on one row never crowd each other, so every minute label can be read
    for kind in m03.KINDS:
        row = [e["minute"] for e in events if e["kind"] == kind]
        assert all(b - a >= m03.GAP for a, b in zip(row, row[1:]))
    # no line is repeated within a log
    texts = [e["line"]["en"] for e in events]
    assert len(texts) == len(set(texts))
    for event in events:
        line = event["line"]
        assert line == m03.FIRST_MESSAGE or line in m03.LINES[event["kind"]]


@pytest.mark.parametrize("trainee", TRAINEES)
def test_first_order_is_unambiguous_and_never_the_listed_order(trainee):
    chat = m03.game_chat(trainee=trainee)
    firsts = {k: min(e["minute"] for e in chat["events"] if e["kind"] == k) for k in m03.KINDS}
    assert chat["first_order"] == sorted(firsts, key=firsts.get)
    ordered = sorted(firsts.values())
    assert all(b - a >= m03.GAP for a, b in zip(ordered, ordered[1:]))
    assert chat["first_order"][0] == "talk" and chat["first_order"][-1] == "private"
    assert chat["first_order"] != m03.LISTED_ORDER


def test_first_order_varies_between_trainees():
    orders = {tuple(m03.game_chat(trainee=t)["first_order"]) for t in TRAINEES}
    assert len(orders) >= 10


@pytest.mark.parametrize("trainee", TRAINEES[:40])
def test_classified_lines_come_from_the_log_one_of_each_kind(trainee):
    chat = m03.game_chat(trainee=trainee)
    assert list(chat["lines"]) == [f"l{n}" for n in range(1, 7)]
    assert set(chat["line_kinds"]) == set(chat["lines"])
    assert sorted(chat["line_kinds"].values()) == sorted(m03.KINDS)
    logged = {(e["kind"], e["line"]["en"]) for e in chat["events"]}
    for line_id, line in chat["lines"].items():
        assert set(line) == {"ar", "en"}
        assert (chat["line_kinds"][line_id], line["en"]) in logged


def test_classified_lines_are_not_always_in_the_log_order():
    shuffled = 0
    for trainee in TRAINEES[:30]:
        chat = m03.game_chat(trainee=trainee)
        shown = [chat["line_kinds"][i] for i in chat["lines"]]
        shuffled += shown != chat["first_order"]
    assert shuffled >= 20


# ---------------------------------------------------------------- the gaming hours

@pytest.mark.parametrize("trainee", TRAINEES)
def test_gaming_hours_are_readable_and_cannot_meet_icd11(trainee):
    record = m03.gaming_hours(trainee=trainee)
    hours = record["hours"]
    assert 10 <= record["weeks"] <= 14
    assert len(hours) == record["weeks"] < 52  # a few weeks: never ICD-11's usual 12 months
    assert record["line"] == 28
    assert all(abs(h - 28) >= 1.0 for h in hours)  # no bar sits on the line
    assert all(h == round(h, 1) and 8 <= h <= 49 for h in hours)
    over = sum(h > 28 for h in hours)
    assert record["weeks_over_line"] == over
    assert 1 <= over <= record["weeks"] - 1
    assert record["peak_hours"] == max(hours)
    assert record["mean_hours_per_week"] == round(sum(hours) / len(hours), 1)


# ---------------------------------------------------------------- figures

def test_chat_figure_shows_every_message_at_its_minute():
    chat = m03.game_chat(trainee="officer-5")
    fig = m03.chat_figure(chat, lang="en")
    ax = fig.axes[0]
    dots = sorted(tuple(map(float, p)) for coll in ax.collections for p in coll.get_offsets())
    rows = {kind: len(m03.KINDS) - 1 - i for i, kind in enumerate(m03.KINDS)}
    assert dots == sorted((float(e["minute"]), float(rows[e["kind"]])) for e in chat["events"])
    labels = sorted(int(t.get_text()) for t in ax.texts)
    assert labels == sorted(e["minute"] for e in chat["events"])
    fig.canvas.draw()


def test_chat_figure_in_english():
    fig = m03.chat_figure(m03.game_chat(trainee="officer-5"), lang="en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [m03.KIND_LABELS[k]["en"] for k in m03.KINDS]
    assert ax.get_xlabel() == "Minutes since the first message"
    assert "synthetic data" in ax.get_title()
    assert not ax.xaxis_inverted()
    assert fig._supxlabel.get_text() == "Synthetic training data"


def test_chat_figure_in_arabic_reads_right_to_left():
    fig = m03.chat_figure(m03.game_chat(trainee="officer-5"), lang="ar")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [m03.KIND_LABELS[k]["ar"] for k in m03.KINDS]
    assert ax.get_xlabel() == "الدقائق منذ الرسالة الأولى"
    assert "بيانات مُصطنعة" in ax.get_title()
    assert ax.xaxis_inverted()
    assert fig._supxlabel.get_text() == "بيانات مُصطنعة لأغراض التدريب"
    assert fig._supxlabel.get_horizontalalignment() == "right"
    fig.canvas.draw()


def test_chat_figure_follows_the_settings_language():
    chat = m03.game_chat(trainee="officer-5")
    assert m03.chat_figure(chat).axes[0].get_xlabel() == "الدقائق منذ الرسالة الأولى"
    settings.language = "en"
    assert m03.chat_figure(chat).axes[0].get_xlabel() == "Minutes since the first message"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_gaming_figure_shows_the_hours_and_the_line(lang):
    record = m03.gaming_hours(trainee="officer-9")
    fig = m03.gaming_figure(record, lang=lang)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == record["hours"]
    assert [t.get_text() for t in ax.texts] == [f"{h:g}" for h in record["hours"]]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(w) for w in range(1, record["weeks"] + 1)]
    line = ax.lines[-1]
    assert list(line.get_ydata()) == [28, 28] and line.get_linestyle() == "--"
    # a bar whose top is above the line is one the trainee counts
    assert sum(p.get_height() > line.get_ydata()[0] for p in ax.patches) == record["weeks_over_line"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    if lang == "ar":
        assert legend == ["28 ساعة في الأسبوع = 4 ساعات في اليوم"]
        assert ax.get_ylabel() == "ساعات اللعب في الأسبوع"
        assert ax.xaxis_inverted()
    else:
        assert legend == ["28 hours a week = 4 hours a day"]
        assert ax.get_ylabel() == "gaming hours per week"
        assert not ax.xaxis_inverted()
    fig.canvas.draw()


# ---------------------------------------------------------------- the notebook's keys

def _widget_call(item):
    return widget_call(NOTEBOOK, item)


@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_figures_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    chat, record = m03.game_chat(trainee=trainee), m03.gaming_hours(trainee=trainee)
    assert keys["m03.q5"]["answer"] == chat["minutes_to_private"] == chat["events"][-1]["minute"]
    assert keys["m03.q6"]["answer"] == chat["line_kinds"]
    assert keys["m03.q7"]["answer"] == chat["first_order"]
    assert keys["m03.q11"]["answer"] == record["weeks_over_line"]


def test_classify_categories_and_ordering_steps_match_the_figure_rows():
    call = _widget_call("m03.q6")
    categories = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "categories"))
    assert categories == m03.KIND_LABELS
    call = _widget_call("m03.q7")
    steps = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "steps"))
    assert list(steps) == m03.LISTED_ORDER
