"""Ordering: ▲/▼ buttons, "use this order", restore, longest-ordered-subset scoring."""
from __future__ import annotations

import pytest
from traitlets import TraitError

from curriculum.exercises import NotAnswered, Ordering
from curriculum.exercises.base import RLI, KeyError_
from curriculum.exercises.ordering import longest_ordered_subset
from curriculum.settings import settings

PROMPT = {"ar": "رتّب خطوات الاستجابة", "en": "Order the response steps"}
# Shown in this order: c, a, d, b.  The key order is a, b, c, d.
STEPS = {
    "c": {"ar": "إبلاغ الجهة المختصة", "en": "Report to the authority"},
    "a": {"ar": "طمأنة الطفل", "en": "Reassure the child"},
    "d": {"ar": "متابعة الحالة", "en": "Follow up the case"},
    "b": {"ar": "حفظ الأدلة", "en": "Preserve evidence"},
}
KEY = {"answer": ["a", "b", "c", "d"]}


def ordering(item="m00.o1", **kwargs):
    return Ordering(item, PROMPT, STEPS, **kwargs)


def labels(ex):
    return [row[3].value for row in ex._rows]


def up(ex, i):
    ex._rows[i][1].click()


def down(ex, i):
    ex._rows[i][2].click()


# -- render ---------------------------------------------------------------------------
def test_renders_steps_in_shown_order_in_arabic():
    ex = ordering()
    assert PROMPT["ar"] in ex._prompt.value
    assert labels(ex) == [
        '<span class="himaya-step">1. إبلاغ الجهة المختصة</span>',
        '<span class="himaya-step">2. طمأنة الطفل</span>',
        '<span class="himaya-step">3. متابعة الحالة</span>',
        '<span class="himaya-step">4. حفظ الأدلة</span>',
    ]
    assert ex._confirm.description == "اعتمد الترتيب"
    assert "رتّب الخطوات بزرّي ▲ و▼" in ex._hint.value
    assert [row[1].disabled for row in ex._rows] == [True, False, False, False]
    assert [row[2].disabled for row in ex._rows] == [False, False, False, True]
    assert ex._rows[1][1].tooltip == "إلى الأعلى: طمأنة الطفل"
    assert ex.value is None


def test_relabels_in_english():
    ex = ordering()
    settings.language = "en"
    assert PROMPT["en"] in ex._prompt.value
    assert labels(ex)[0] == '<span class="himaya-step">1. Report to the authority</span>'
    assert ex._confirm.description == "Use this order"
    assert ex._rows[3][2].tooltip == "Move down: Preserve evidence"
    assert "Use this order" in ex._hint.value


# -- save on control change ------------------------------------------------------------
def test_down_button_moves_and_saves(saved):
    ex = ordering()
    down(ex, 0)
    assert ex.value == ["a", "c", "d", "b"]
    assert saved("m00.o1")["value"] == ["a", "c", "d", "b"]
    assert saved("m00.o1")["kind"] == "ordering"
    assert labels(ex)[0] == '<span class="himaya-step">1. طمأنة الطفل</span>'
    assert labels(ex)[1] == '<span class="himaya-step">2. إبلاغ الجهة المختصة</span>'


def test_up_button_moves_and_saves(saved):
    ex = ordering()
    up(ex, 3)
    up(ex, 2)
    assert ex.value == ["c", "b", "a", "d"]
    assert saved("m00.o1")["value"] == ["c", "b", "a", "d"]
    assert saved("m00.o1")["changes"] == 2


def test_reaching_the_key_order_with_buttons(saved):
    ex = ordering()
    down(ex, 0)   # a c d b
    up(ex, 3)     # a c b d
    up(ex, 2)     # a b c d
    assert ex.value == ["a", "b", "c", "d"]
    assert saved("m00.o1")["value"] == ["a", "b", "c", "d"]
    assert Ordering.score(ex.value, KEY).fraction == 1.0


def test_moves_past_the_ends_do_nothing(saved_file):
    ex = ordering()
    up(ex, 0)
    down(ex, 3)
    ex.move(1, -5)
    assert ex.value is None
    assert ex._order == ["c", "a", "d", "b"]
    assert saved_file() is None


def test_confirm_saves_the_order_shown(saved):
    ex = ordering()
    ex._confirm.click()
    assert ex.value == ["c", "a", "d", "b"]
    assert saved("m00.o1")["value"] == ["c", "a", "d", "b"]


# -- save on value set from code ------------------------------------------------------
def test_value_from_code_saves_and_repaints(saved):
    ex = ordering()
    ex.value = ("b", "d", "a", "c")
    assert ex.value == ["b", "d", "a", "c"]
    assert saved("m00.o1")["value"] == ["b", "d", "a", "c"]
    assert ex._order == ["b", "d", "a", "c"]
    assert labels(ex)[0] == '<span class="himaya-step">1. حفظ الأدلة</span>'
    down(ex, 0)  # buttons continue from the order set by code
    assert saved("m00.o1")["value"] == ["d", "b", "a", "c"]


# -- restore ---------------------------------------------------------------------------
def test_restores_after_restart(restart):
    ex = ordering()
    down(ex, 1)
    assert ex.value == ["c", "d", "a", "b"]
    restart()
    again = ordering()
    assert again.value == ["c", "d", "a", "b"]
    assert again._order == ["c", "d", "a", "b"]
    assert labels(again)[1] == '<span class="himaya-step">2. متابعة الحالة</span>'
    settings.language = "en"
    assert labels(again)[1] == '<span class="himaya-step">2. Follow up the case</span>'


# -- bad values ----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    ["a", "b", "c"],            # a step missing
    ["a", "b", "c", "d", "d"],  # a step twice
    ["a", "b", "c", "x"],       # unknown step
])
def test_incomplete_or_unknown_orders_raise(bad, file_bytes):
    ex = ordering()
    ex.value = ["d", "c", "b", "a"]
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = bad
    assert str(err.value) == "m00.o1: give every step exactly once: c, a, d, b"
    assert ex.value == ["d", "c", "b", "a"]
    assert ex._order == ["d", "c", "b", "a"]
    assert file_bytes() == before


def test_text_instead_of_list_raises(saved_file):
    ex = ordering()
    with pytest.raises(TraitError) as err:
        ex.value = "abcd"
    assert str(err.value) == "m00.o1: give the step ids in order, e.g. ['b', 'a', 'c']"
    assert saved_file() is None


# -- scoring ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("answer", "fraction", "run"), [
    (["a", "b", "c", "d"], 1.0, 4),
    (["b", "a", "c", "d"], 0.75, 3),
    (["a", "c", "b", "d"], 0.75, 3),
    (["d", "a", "b", "c"], 0.75, 3),
    (["c", "d", "a", "b"], 0.5, 2),
    (["b", "a", "d", "c"], 0.5, 2),
    (["d", "c", "b", "a"], 0.0, 0),  # reversed: a run of one is no evidence
])
def test_score_longest_ordered_subset(answer, fraction, run):
    score = Ordering.score(answer, KEY)
    assert score.fraction == fraction
    assert score.message == "order_result"
    assert score.params == {"run": run, "total": 4}


def test_score_two_steps_swapped_is_zero():
    assert Ordering.score(["b", "a"], {"answer": ["a", "b"]}).fraction == 0.0
    assert Ordering.score(["a", "b"], {"answer": ["a", "b"]}).fraction == 1.0


def test_score_five_steps():
    key = {"answer": ["1", "2", "3", "4", "5"]}
    assert Ordering.score(["2", "3", "4", "5", "1"], key).fraction == 0.8
    assert Ordering.score(["5", "1", "4", "2", "3"], key).fraction == 0.6
    assert Ordering.score(["5", "4", "3", "2", "1"], key).params == {"run": 0, "total": 5}


def test_score_message_text():
    assert Ordering.score(["b", "a", "c", "d"], KEY).text("en") == \
        "3 of 4 steps are in the right order relative to each other."


@pytest.mark.parametrize("answer", [["a", "b", "c"], ["a", "b", "c", "c"], "abcd", None])
def test_score_refuses_incomplete_answers(answer):
    with pytest.raises(ValueError, match="expected every step exactly once"):
        Ordering.score(answer, KEY)


def test_longest_ordered_subset_ignores_unknown_steps():
    assert longest_ordered_subset(["x", "a", "y", "b"], ["a", "b"]) == 2
    assert longest_ordered_subset([], ["a", "b"]) == 0
    assert longest_ordered_subset(["c", "a", "d", "b"], ["a", "b", "c", "d"]) == 2


def test_practice_key_must_order_every_step():
    with pytest.raises(KeyError_, match=r"m00.o1: key 'answer' must order exactly \['a', 'b', 'c', 'd'\]"):
        ordering(practice={"answer": ["a", "b", "c"]})


def test_graded_key_in_shown_order_is_refused():
    ex = ordering()
    with pytest.raises(KeyError_, match="m00.o1: the steps are listed in the key's order; shuffle them"):
        ex.check_key({"answer": ["c", "a", "d", "b"]})
    ex.check_key(KEY)  # a shuffled display is fine


def test_describe_follows_reading_direction():
    ex = ordering()
    assert ex.describe(["a", "b"], "en") == "Reassure the child → Preserve evidence"
    assert ex.describe(["a", "b"], "ar") == "طمأنة الطفل ← حفظ الأدلة"


# -- Validate ------------------------------------------------------------------------------------
def test_validate_an_order_never_moved_nor_confirmed_is_not_answered(validating, grade_line):
    ex = ordering()
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m00.o1 «رتّب خطوات الاستجابة»: لم تُجب عن هذا السؤال بعد"):
        grade_line("m00.o1")
    ex._confirm.click()
    assert grade_line("m00.o1").text().startswith("✔ حُفظت إجابتك (")
