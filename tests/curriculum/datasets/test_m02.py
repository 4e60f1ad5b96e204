"""m02's seeded data: each trainee's own chat and escalation times, the keys the grader picks, the figure."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from curriculum.datasets import m02  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import resolve  # noqa: E402

TRAINEES = ["t-a", "t-b", "check", "t-perfect", "t-partial", "t-blank", "x1", "x2", "x3", "x4"]
ARABIC = re.compile(r"[\u0600-\u06FF]")


# -- the bank of chat lines ---------------------------------------------------

def test_bank_has_20_to_30_bilingual_lines_labelled_with_a_course_category():
    assert 20 <= len(m02.LINES) <= 30
    for tactic, text in m02.LINES:
        assert tactic in m02.TACTICS
        assert ARABIC.search(text["ar"]) and re.search(r"[A-Za-z]{3,}", text["en"])
    texts = [t["en"] for _, t in m02.LINES] + [t["ar"] for _, t in m02.LINES]
    assert len(texts) == len(set(texts)), "a line appears twice"


def test_every_category_has_enough_lines_for_any_selection():
    for tactic in m02.TACTICS:
        count = sum(label == tactic for label, _ in m02.LINES)
        needed = m02.ORDINARY_LINES if tactic == "ordinary" else m02.MAX_PER_TACTIC
        assert count >= max(needed, 3), tactic


@pytest.mark.parametrize("word", [
    "sex", "nude", "naked", "porn", "photo of you", "picture of you", "body", "kiss", "undress",
    "جنس", "عار", "إباح", "قبل", "جسد", "صورتك",
])
def test_no_line_is_sexual_or_explicit(word):
    for _, text in m02.LINES:
        assert word not in text["en"].lower() and word not in text["ar"], (word, text)


# -- the chat: one per trainee ----------------------------------------------

def test_same_trainee_same_chat_and_default_is_the_settings_trainee():
    assert m02.chat("t-a") == m02.chat("t-a")
    settings.trainee = "t-a"
    assert m02.chat() == m02.chat("t-a")


def test_trainees_get_different_chats():
    chats = [m02.chat(t)["items"] for t in TRAINEES]
    assert len({tuple(sorted((k, v["en"]) for k, v in c.items())) for c in chats}) >= len(TRAINEES) - 1


@pytest.mark.parametrize("trainee", TRAINEES)
def test_chat_is_eight_numbered_lines_whose_key_is_the_banks_label(trainee):
    data = m02.chat(trainee)
    ids = [f"msg{n}" for n in range(1, m02.CHAT_LENGTH + 1)]
    assert list(data["items"]) == ids and list(data["key"]) == ids
    for n, item in enumerate(ids, start=1):
        tactic, text = m02.LINES[data["bank_index"][item]]
        assert data["key"][item] == tactic
        assert data["items"][item]["en"] == f"{n}. “{text['en']}”"
        assert data["items"][item]["ar"] == f"{n}. «{text['ar']}»"
    assert len(set(data["bank_index"].values())) == m02.CHAT_LENGTH, "a line is shown twice"


@pytest.mark.parametrize("trainee", TRAINEES)
def test_chat_is_varied_enough_to_classify(trainee):
    key = m02.chat(trainee)["key"]
    tactics = [t for t in key.values() if t != "ordinary"]
    assert list(key.values()).count("ordinary") == m02.ORDINARY_LINES
    assert len(set(tactics)) >= m02.MIN_TACTICS
    assert max(tactics.count(t) for t in tactics) <= m02.MAX_PER_TACTIC
    assert m02.chat(trainee)["counts"] == {t: list(key.values()).count(t) for t in m02.TACTICS}


def test_the_grader_computes_each_trainees_own_chat_key():
    spec = {"answer": {"$data": "curriculum.datasets.m02:chat", "$pick": "key"}}
    for trainee in ("t-a", "t-b"):
        assert resolve(spec, trainee) == {"answer": m02.chat(trainee)["key"]}
    assert resolve(spec, "t-a") != resolve(spec, "t-b")


def test_chat_items_fit_the_classify_exercise_and_its_key():
    from curriculum import exercises as ex

    data = m02.chat("t-a")
    exercise = ex.Classify("m02.q1", prompt={"ar": "صنّف", "en": "Classify"},
                           items=data["items"], categories=m02.TACTICS)
    exercise.check_key({"answer": data["key"]})
    assert ex.Classify.score(data["key"], {"answer": data["key"]}).fraction == 1.0


# -- escalation times ---------------------------------------------------------

def test_same_trainee_same_times_different_trainees_different_times():
    assert m02.escalation("t-a") == m02.escalation("t-a")
    settings.trainee = "t-b"
    assert m02.escalation() == m02.escalation("t-b")
    assert len({tuple(m02.escalation(t)["minutes"]) for t in TRAINEES}) == len(TRAINEES)


@pytest.mark.parametrize("trainee", TRAINEES)
def test_fields_the_items_read_agree_with_the_minutes(trainee):
    data = m02.escalation(trainee)
    minutes = data["minutes"]
    assert len(minutes) == len(data["labels"]) == m02.CONVERSATIONS
    assert all(isinstance(m, int) for m in minutes)
    assert data["within_hour"] == sum(m <= 60 for m in minutes)
    assert 3 <= data["within_hour"] <= 7
    assert data["fastest"] == min(minutes) and minutes.count(min(minutes)) == 1
    assert data["slowest"] == max(minutes)
    # no bar so close to the hour that counting it becomes a judgement call
    assert all(abs(m - 60) > 5 for m in minutes)


def test_the_grader_computes_each_trainees_own_count():
    spec = {"answer": {"$data": "curriculum.datasets.m02:escalation", "$pick": "within_hour"}, "tolerance": 0}
    assert resolve(spec, "t-a")["answer"] == m02.escalation("t-a")["within_hour"]


# -- the figure -----------------------------------------------------------------

def _bars(ax):
    return [round(p.get_height()) for p in ax.patches]


def test_figure_bars_show_the_trainees_minutes_and_the_hour_line():
    data = m02.escalation("t-a")
    ax = m02.escalation_figure(data, lang="en").axes[0]
    assert _bars(ax) == data["minutes"]
    assert [t.get_text() for t in ax.texts] == [str(m) for m in data["minutes"]]
    assert [line.get_ydata()[0] for line in ax.get_lines()] == [60]


def test_figure_in_english():
    data = m02.escalation("t-a")
    fig = m02.escalation_figure(data, lang="en")
    ax = fig.axes[0]
    assert ax.get_title().startswith("Minutes from the first message")
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"C{n}" for n in range(1, 11)]
    assert ax.get_ylabel() == "minutes"
    assert ax.xaxis.label.get_text().startswith("Synthetic training data")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Dashed line: one hour (60 minutes)"]
    assert not ax.xaxis_inverted()


def test_figure_in_arabic_reads_right_to_left():
    data = m02.escalation("t-a")
    fig = m02.escalation_figure(data, lang="ar")
    ax = fig.axes[0]
    assert ax.get_title().startswith("الدقائق من أول رسالة")
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"م{n}" for n in range(1, 11)]
    assert ax.get_ylabel() == "دقائق"
    assert ax.xaxis.label.get_text().startswith("بيانات مُصطنعة")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["الخط المتقطّع: ساعة واحدة (60 دقيقة)"]
    assert ax.xaxis_inverted()
    assert ax.yaxis.get_label_position() == "right"


def test_figure_follows_the_trainees_language():
    data = m02.escalation("t-a")
    settings.language = "en"
    assert m02.escalation_figure(data).axes[0].get_ylabel() == "minutes"
    settings.language = "ar"
    assert m02.escalation_figure(data).axes[0].get_ylabel() == "دقائق"
