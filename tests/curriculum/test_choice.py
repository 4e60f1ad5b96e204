"""SingleChoice and MultipleChoice: render, save, restore, score, refuse bad values."""
from __future__ import annotations

import pytest
from traitlets import TraitError

from curriculum.exercises import MultipleChoice, NotAnswered, SingleChoice
from curriculum.exercises.base import RLI, KeyError_
from curriculum.language import MissingLanguage
from curriculum.settings import settings

PROMPT = {"ar": "ما أول خطوة عند بلاغ عن استدراج؟", "en": "What is the first step in a grooming report?"}
OPTIONS = {
    "a": {"ar": "حفظ الأدلة", "en": "Preserve evidence"},
    "b": {"ar": "حذف المحادثة", "en": "Delete the chat"},
    "c": {"ar": "مواجهة المشتبه به", "en": "Confront the suspect"},
}
MULTI = {
    "a": {"ar": "طلب صور", "en": "Asks for photos"},
    "b": {"ar": "طلب السرية", "en": "Asks for secrecy"},
    "c": {"ar": "سؤال عن الواجب", "en": "Asks about homework"},
    "d": {"ar": "تهنئة بالعيد", "en": "Eid greetings"},
}
MULTI_KEY = {"answer": ["a", "b"], "options": ["a", "b", "c", "d"]}


def single(item="m00.q1", **kwargs):
    return SingleChoice(item, PROMPT, OPTIONS, **kwargs)


def multiple(item="m00.q2", **kwargs):
    return MultipleChoice(item, PROMPT, MULTI, **kwargs)


def labels(ex, options, lang):
    """The options' texts in the order this trainee is shown them (their own: tests/curriculum/test_order.py)."""
    assert sorted(ex.shown) == sorted(options)
    return tuple(options[k][lang] for k in ex.shown)


# -- SingleChoice: render ----------------------------------------------------
def test_single_renders_arabic_prompt_and_options():
    ex = single()
    assert PROMPT["ar"] in ex._prompt.value
    assert PROMPT["en"] not in ex._prompt.value
    assert ex._radio._options_labels == labels(ex, OPTIONS, "ar")
    assert ex._radio._options_values == tuple(ex.shown)
    assert ex.value is None
    assert ex._radio.value is None


def test_single_relabels_to_english_and_back():
    ex = single()
    settings.language = "en"
    assert PROMPT["en"] in ex._prompt.value
    assert PROMPT["ar"] not in ex._prompt.value
    assert ex._radio._options_labels == labels(ex, OPTIONS, "en")
    settings.language = "ar"
    assert ex._radio._options_labels == labels(ex, OPTIONS, "ar")


def test_single_relabel_keeps_the_choice_and_does_not_save():
    ex = single()
    ex._radio.value = "b"
    settings.language = "en"
    assert ex._radio.value == "b"
    assert ex.value == "b"


def test_single_relabel_keeps_unanswered_unanswered(saved_file):
    ex = single()
    settings.language = "en"
    settings.language = "ar"
    assert ex._radio.value is None
    assert ex.value is None
    assert saved_file() is None


# -- SingleChoice: save ----------------------------------------------------------
def test_single_click_saves(saved):
    ex = single()
    ex._radio.value = "b"
    assert ex.value == "b"
    entry = saved("m00.q1")
    assert entry["value"] == "b"
    assert entry["kind"] == "single"
    assert entry["changes"] == 1


def test_single_value_from_code_saves_and_shows(saved):
    ex = single()
    ex.value = "c"
    assert ex._radio.value == "c"
    assert saved("m00.q1")["value"] == "c"
    ex.value = "a"
    assert ex._radio.value == "a"
    assert saved("m00.q1")["value"] == "a"
    assert saved("m00.q1")["changes"] == 2


def test_single_no_temporary_files_left(fresh_state):
    ex = single()
    ex.value = "a"
    ex._radio.value = "b"
    assert sorted(p.name for p in fresh_state.iterdir()) == ["himaya-answers.json"]


# -- SingleChoice: restore -----------------------------------------------------
def test_single_restores_after_restart(restart):
    single()._radio.value = "b"
    restart()
    ex = single()
    assert ex.value == "b"
    assert ex._radio.value == "b"
    assert "حُفظت إجابتك" in ex._status.value


def test_single_restored_choice_survives_language_change(restart):
    single().value = "c"
    restart()
    ex = single()
    settings.language = "en"
    assert ex._radio.value == "c"
    assert ex._radio._options_labels == labels(ex, OPTIONS, "en")


# -- SingleChoice: bad values -------------------------------------------------
def test_single_unknown_option_raises_naming_item_and_options(file_bytes):
    ex = single()
    ex.value = "a"
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = "z"
    text = str(err.value)
    assert text.startswith("m00.q1: ")
    assert "a, b, c" in text and "'z'" in text
    assert ex.value == "a"
    assert ex._radio.value == "a"
    assert file_bytes() == before


def test_single_bad_value_before_any_answer_writes_nothing(saved_file):
    ex = single()
    with pytest.raises(TraitError, match="m00.q1"):
        ex.value = 3
    assert ex.value is None
    assert saved_file() is None


def test_single_options_must_be_bilingual():
    with pytest.raises(MissingLanguage) as err:
        SingleChoice("m00.q1", PROMPT, {"a": {"ar": "نعم", "en": "Yes"}, "b": {"ar": "لا"}})
    assert str(err.value) == "m00.q1 option 'b': the en text is missing"


def test_single_needs_two_valid_options():
    with pytest.raises(ValueError, match="m00.q1: give at least two options"):
        SingleChoice("m00.q1", PROMPT, {"a": {"ar": "نعم", "en": "Yes"}})
    with pytest.raises(ValueError, match=r"m00.q1: option id 'a b' must be"):
        SingleChoice("m00.q1", PROMPT, {"a b": {"ar": "نعم", "en": "Yes"}, "c": {"ar": "لا", "en": "No"}})


def test_single_practice_key_must_name_an_option():
    with pytest.raises(KeyError_, match=r"m00.q1: key answer 'z' is not an option"):
        single(practice={"answer": "z"})


# -- SingleChoice: scoring -------------------------------------------------------
def test_single_score():
    key = {"answer": "a"}
    right = SingleChoice.score("a", key)
    assert (right.fraction, right.message, right.params) == (1.0, "correct", {})
    wrong = SingleChoice.score("b", key)
    assert (wrong.fraction, wrong.message) == (0.0, "incorrect")
    assert SingleChoice.score("z", key).fraction == 0.0


@pytest.mark.parametrize("answer", [["a"], 1, None, {"a": 1}])
def test_single_score_refuses_non_text(answer):
    with pytest.raises(ValueError, match="expected one option id"):
        SingleChoice.score(answer, {"answer": "a"})


# -- MultipleChoice: render ------------------------------------------------------
def test_multiple_renders_in_both_languages():
    ex = multiple()
    shown = [box.description for box in ex._boxes.values()]
    assert tuple(shown) == labels(ex, MULTI, "ar")
    assert [b.description for b in ex.children[1].children] == shown  # laid out in that order
    assert all(box.value is False for box in ex._boxes.values())
    settings.language = "en"
    assert tuple(box.description for box in ex._boxes.values()) == labels(ex, MULTI, "en")
    assert PROMPT["en"] in ex._prompt.value


# -- MultipleChoice: save -------------------------------------------------------------
def test_multiple_ticking_saves_in_option_order(saved):
    ex = multiple()
    ex._boxes["c"].value = True
    assert ex.value == ["c"]
    assert saved("m00.q2")["value"] == ["c"]
    ex._boxes["a"].value = True
    assert ex.value == ["a", "c"]
    assert saved("m00.q2") == {**saved("m00.q2"), "value": ["a", "c"], "kind": "multiple", "changes": 2}
    ex._boxes["c"].value = False
    assert saved("m00.q2")["value"] == ["a"]


def test_multiple_value_from_code_is_canonical_and_shown(saved):
    ex = multiple()
    ex.value = ("d", "a", "a")
    assert ex.value == ["a", "d"]
    assert {k: b.value for k, b in ex._boxes.items()} == {"a": True, "b": False, "c": False, "d": True}
    assert saved("m00.q2")["value"] == ["a", "d"]
    ex.value = {"b"}
    assert {k: b.value for k, b in ex._boxes.items()} == {"a": False, "b": True, "c": False, "d": False}
    assert saved("m00.q2")["value"] == ["b"]


def test_multiple_restores_after_restart(restart):
    ex = multiple()
    ex._boxes["b"].value = True
    ex._boxes["d"].value = True
    restart()
    again = multiple()
    assert again.value == ["b", "d"]
    assert {k: b.value for k, b in again._boxes.items()} == {"a": False, "b": True, "c": False, "d": True}
    settings.language = "en"
    assert {k: b.value for k, b in again._boxes.items()} == {"a": False, "b": True, "c": False, "d": True}


# -- MultipleChoice: bad values -------------------------------------------------------
def test_multiple_unknown_option_raises(file_bytes):
    ex = multiple()
    ex.value = ["a"]
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = ["a", "x"]
    assert str(err.value) == "m00.q2: unknown options ['x']; choose from a, b, c, d"
    assert ex.value == ["a"]
    assert ex._boxes["a"].value is True
    assert file_bytes() == before


@pytest.mark.parametrize("bad", ["a", 5])
def test_multiple_needs_a_list(bad, saved_file):
    ex = multiple()
    with pytest.raises(TraitError) as err:
        ex.value = bad
    assert str(err.value) == "m00.q2: give a list of option ids, e.g. ['a', 'c']"
    assert ex.value is None
    assert saved_file() is None


# -- MultipleChoice: scoring (Moodle) ----------------------------------------------------
@pytest.mark.parametrize(("answer", "fraction", "right", "wrong"), [
    (["a", "b"], 1.0, 2, 0),
    (["a"], 0.5, 1, 0),
    (["b", "a"], 1.0, 2, 0),
    (["a", "c"], 0.0, 1, 1),        # 1/2 − 1/2
    (["a", "b", "c"], 0.5, 2, 1),   # 2/2 − 1/2
    (["a", "b", "c", "d"], 0.0, 2, 2),  # ticking all earns nothing
    (["c"], 0.0, 0, 1),             # −1/2 is clamped to 0
    (["c", "d"], 0.0, 0, 2),
    ([], 0.0, 0, 0),
])
def test_multiple_score(answer, fraction, right, wrong):
    score = MultipleChoice.score(answer, MULTI_KEY)
    assert score.fraction == fraction
    assert score.message == "multi_result"
    assert score.params == {"right": right, "total": 2, "wrong": wrong}


def test_multiple_score_uneven_counts():
    key = {"answer": ["a", "b", "c"], "options": ["a", "b", "c", "d", "e", "f", "g"]}
    # 3/3 − 1/4
    assert MultipleChoice.score(["a", "b", "c", "d"], key).fraction == 0.75
    # 2/3 − 2/4
    assert MultipleChoice.score(["a", "b", "d", "e"], key).fraction == pytest.approx(1 / 6, abs=1e-12)
    # 1/3 − 2/4 < 0
    assert MultipleChoice.score(["a", "d", "e"], key).fraction == 0.0
    assert MultipleChoice.score(["a", "b", "c", "d", "e", "f", "g"], key).fraction == 0.0


def test_multiple_score_when_every_option_is_right():
    key = {"answer": ["a", "b"], "options": ["a", "b"]}
    assert MultipleChoice.score(["a", "b"], key).fraction == 1.0
    assert MultipleChoice.score(["b"], key).fraction == 0.5


def test_multiple_score_message_text():
    score = MultipleChoice.score(["a", "c"], MULTI_KEY)
    assert score.text("en") == "You chose 1 of 2 correct options and 1 incorrect ones."
    assert score.text("ar") == "اخترت 1 من 2 إجابات صحيحة و1 غير صحيحة."


@pytest.mark.parametrize("answer", ["a", ("a",), None, ["a", "zz"]])
def test_multiple_score_refuses_bad_answers(answer):
    with pytest.raises(ValueError):
        MultipleChoice.score(answer, MULTI_KEY)


def test_multiple_practice_key_checked():
    with pytest.raises(KeyError_, match=r"m00.q2: key 'options' must list exactly \['a', 'b', 'c', 'd'\]"):
        multiple(practice={"answer": ["a"], "options": ["a", "b"]})
    with pytest.raises(KeyError_, match="m00.q2: key 'answer' must be a non-empty list"):
        multiple(practice={"answer": [], "options": ["a", "b", "c", "d"]})


# -- MultipleChoice: nothing ticked is not an answer ------------------------------------------------
def test_multiple_nothing_ticked_is_not_answered(saved, grade_line):
    ex = multiple()
    line = grade_line("m00.q2")
    ex._boxes["a"].value = True
    assert ex.status_text().startswith("✔ حُفظت إجابتك (")
    ex._boxes["a"].value = False
    assert saved("m00.q2")["value"] == []
    assert ex.status_text() == "لم تُجب بعد."
    assert line.text() == "لم تُجب بعد."


def test_multiple_nothing_ticked_fails_validate(validating, grade_line):
    ex = multiple()
    ex.value = []
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m00.q2 .*: لم تُجب عن هذا السؤال بعد"):
        grade_line("m00.q2")
    ex.value = ["b"]
    grade_line("m00.q2")


def test_single_unanswered_fails_validate_and_answered_passes(validating, grade_line):
    ex = single()
    with pytest.raises(NotAnswered):
        grade_line("m00.q1")
    ex._radio.value = "a"
    assert grade_line("m00.q1").text().startswith("✔ حُفظت إجابتك (")


def test_multiple_practice_check_with_nothing_ticked_says_not_answered():
    ex = multiple(practice=MULTI_KEY)
    ex._boxes["a"].value = True
    ex._boxes["a"].value = False
    ex._check_button.click()
    assert "لم تُجب بعد." in ex._feedback.value
