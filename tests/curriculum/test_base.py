"""What every exercise shares: ids, bilingual prompts, status, practice feedback, relabelling."""
from __future__ import annotations

import json

import pytest

from curriculum import exercises
from curriculum.exercises import (
    KINDS, REGISTRY, FreeText, MultipleChoice, Numeric, SingleChoice, lookup, status,
)
from curriculum.exercises.base import Score, check_item_id, grade_id, item_id, relabel_all
from curriculum.language import MissingLanguage
from curriculum.settings import settings

PROMPT = {"ar": "ما أول خطوة؟", "en": "What is the first step?"}
OPTIONS = {
    "a": {"ar": "حفظ الأدلة", "en": "Preserve evidence"},
    "b": {"ar": "حذف المحادثة", "en": "Delete the chat"},
}
EXPLAIN = {"ar": "الأدلة أولًا.", "en": "Evidence comes first."}


def single(item="m00.q1", **kwargs):
    return SingleChoice(item, PROMPT, OPTIONS, **kwargs)


# -- item ids ---------------------------------------------------------------------------------
@pytest.mark.parametrize("good", ["m00.q1", "m12.case_2", "m03b.q10", "m99.x"])
def test_valid_item_ids(good):
    assert check_item_id(good) == good
    assert single(good).item_id == good


@pytest.mark.parametrize("bad", [
    "q1", "m0.q1", "m000.q1", "M00.q1", "m00.Q1", "m00-q1", "m00.q1.x", "m00._q", "m00.", "m00.q 1", "", 3, None,
])
def test_invalid_item_ids_are_refused(bad):
    with pytest.raises(ValueError) as err:
        check_item_id(bad)
    assert str(err.value) == (
        f"item id {bad!r} is not valid: use the module, a dot and a name of "
        "lower-case letters, digits or '_', e.g. 'm00.q3'"
    )


def test_exercise_with_invalid_id_is_refused():
    with pytest.raises(ValueError, match=r"item id 'Q1' is not valid"):
        single("Q1")
    assert REGISTRY == {}


@pytest.mark.parametrize(("item", "grade"), [
    ("m00.q3", "m00-q3"), ("m12.case_2", "m12-case_2"), ("m03b.q10", "m03b-q10"),
])
def test_grade_id_and_item_id_are_inverse(item, grade):
    assert grade_id(item) == grade
    assert item_id(grade) == item


@pytest.mark.parametrize("grade", ["m00-q3-widget", "cell-a1b2c3", "intro", "m00-Q3", "m00_q3", ""])
def test_item_id_of_other_grade_ids_is_none(grade):
    assert item_id(grade) is None


def test_grade_id_refuses_invalid_item_ids():
    with pytest.raises(ValueError, match="item id 'm00-q3' is not valid"):
        grade_id("m00-q3")


# -- bilingual prompt --------------------------------------------------------------------------------
def test_prompt_must_be_bilingual():
    with pytest.raises(MissingLanguage) as err:
        SingleChoice("m00.q1", "ما أول خطوة؟", OPTIONS)
    assert str(err.value).startswith("m00.q1 prompt: give the text in both languages")
    with pytest.raises(MissingLanguage) as err:
        FreeText("m00.f1", {"ar": "صف"})
    assert str(err.value) == "m00.f1 prompt: the en text is missing"
    with pytest.raises(MissingLanguage) as err:
        FreeText("m00.f1", {"ar": "Describe", "en": "Describe"})
    assert str(err.value) == "m00.f1 prompt: the 'ar' text has no Arabic letters: 'Describe'"
    assert REGISTRY == {}


def test_explanation_must_be_bilingual():
    with pytest.raises(MissingLanguage, match="m00.q1 explanation: the ar text is missing"):
        single(practice={"answer": "a"}, explain={"en": "Because."})


# -- registry, kinds, lookup -------------------------------------------------------------------------
def test_every_kind_is_registered():
    assert {k: c.__name__ for k, c in KINDS.items()} == {
        "single": "SingleChoice", "multiple": "MultipleChoice", "ordering": "Ordering",
        "matching": "Matching", "classify": "Classify", "numeric": "Numeric",
        "short": "ShortText", "free": "FreeText",
    }


def test_lookup_returns_the_latest_exercise():
    first = single()
    assert lookup("m00.q1") is first
    second = single()
    assert lookup("m00.q1") is second
    assert REGISTRY == {"m00.q1": second}


def test_lookup_of_an_unseen_item_explains():
    with pytest.raises(LookupError) as err:
        lookup("m00.q9")
    assert str(err.value) == "exercise 'm00.q9' has not been shown yet: run its cell first"


def test_lookup_is_exported_by_the_package():
    import curriculum
    assert curriculum.lookup is lookup and curriculum.status is status
    assert exercises.REGISTRY is REGISTRY


def test_repr_is_stable():
    assert repr(single()) == "<SingleChoice m00.q1>"


def test_css_classes():
    ex = single()
    assert ex._dom_classes == ("himaya-exercise", "himaya-single", "himaya-rtl")


# -- status() -----------------------------------------------------------------------------------------
def test_status_unanswered(capsys):
    single()
    status("m00.q1")
    assert capsys.readouterr().out == "لم تُجب بعد.\n"
    settings.language = "en"
    status("m00.q1")
    assert capsys.readouterr().out == "Not answered yet.\n"


def test_status_describes_the_saved_answer(capsys):
    single().value = "a"
    status("m00.q1")
    assert capsys.readouterr().out == "إجابتك المحفوظة: حفظ الأدلة. تُصحَّح بعد التسليم.\n"
    settings.language = "en"
    status("m00.q1")
    assert capsys.readouterr().out == "Your saved answer: Preserve evidence. It is graded after you submit.\n"


def test_status_of_multiple_choice(capsys):
    ex = MultipleChoice("m00.q2", PROMPT, {**OPTIONS, "c": {"ar": "التجاهل", "en": "Ignore"}})
    ex.value = ["a", "c"]
    settings.language = "en"
    status("m00.q2")
    assert capsys.readouterr().out == "Your saved answer: Preserve evidence, Ignore. It is graded after you submit.\n"


def test_status_after_restart_without_the_widget(capsys, restart):
    single().value = "b"
    restart()
    status("m00.q1")
    assert capsys.readouterr().out == "إجابتك المحفوظة: b. تُصحَّح بعد التسليم.\n"


def test_status_reads_the_file_not_the_widget(capsys):
    ex = single()
    ex._radio.value = "b"
    status("m00.q1")
    assert "حذف المحادثة" in capsys.readouterr().out


# -- status line of the widget ------------------------------------------------------------------------
def test_status_line_shows_saving():
    ex = single()
    assert ex._status.value == '<div class="himaya-status" dir="rtl" lang="ar">لم تُجب بعد.</div>'
    ex.value = "a"
    assert ex._status.value.startswith('<div class="himaya-status" dir="rtl" lang="ar">✔ حُفظت إجابتك (')


def test_failed_save_is_reported_and_the_answer_kept(tmp_path):
    ex = single()
    settings.answers_dir = str(tmp_path / "missing-folder")
    ex.value = "a"
    assert ex.value == "a"
    assert "⚠ تعذّر حفظ الإجابة: No such file or directory." in ex._status.value
    assert not (tmp_path / "missing-folder").exists()


def test_bad_saved_answer_counts_as_unanswered(tmp_path):
    (tmp_path / "himaya-answers.json").write_text(json.dumps({
        "schema": 1, "trainee": "t-test", "language": "ar",
        "answers": {"m00.q1": {"value": "zz", "kind": "single"}},
    }), encoding="utf-8")
    ex = single()
    assert ex.value is None
    assert ex._radio.value is None
    assert "الإجابة المحفوظة لهذا السؤال غير صالحة (choose one of a, b; got &#x27;zz&#x27;)" \
        in ex._status.value
    assert ex.describe("zz", "en") == "zz"


def test_restored_numeric_from_file(tmp_path):
    (tmp_path / "himaya-answers.json").write_text(json.dumps({
        "schema": 1, "trainee": "t-test", "language": "ar",
        "answers": {"m00.n1": {"value": {"number": 7, "unit": None}, "kind": "numeric"}},
    }), encoding="utf-8")
    ex = Numeric("m00.n1", PROMPT)
    assert ex.value == {"number": 7.0, "unit": None}
    assert ex._text.value == "7"


# -- practice items ------------------------------------------------------------------------------------
def test_practice_item_has_a_check_button_and_a_tag():
    ex = single(practice={"answer": "a"}, explain=EXPLAIN)
    assert ex._check_button.description == "تحقّق"
    assert "سؤال تدريبي (بلا درجات)" in ex._prompt.value
    assert ex._feedback.value == ""
    settings.language = "en"
    assert ex._check_button.description == "Check"
    assert "Practice item (no points)" in ex._prompt.value


def test_graded_item_has_no_check_button():
    ex = single()
    assert not hasattr(ex, "_check_button")
    assert len(ex.children) == 3
    assert "himaya-tag" not in ex._prompt.value


def test_check_before_answering():
    ex = single(practice={"answer": "a"}, explain=EXPLAIN)
    ex._check_button.click()
    assert ex._feedback.value == '<div class="himaya-feedback" dir="rtl">لم تُجب بعد.</div>'


def test_check_right_and_wrong_answers_in_both_languages():
    ex = single(practice={"answer": "a"}, explain=EXPLAIN)
    ex._radio.value = "a"
    ex._check_button.click()
    assert ex._feedback.value == '<div class="himaya-feedback" dir="rtl">إجابة صحيحة. الأدلة أولًا.</div>'
    ex._radio.value = "b"
    settings.language = "en"
    ex._check_button.click()
    assert ex._feedback.value == '<div class="himaya-feedback" dir="ltr">Not correct. Evidence comes first.</div>'


def test_check_partial_credit_feedback():
    options = {**OPTIONS, "c": {"ar": "التوثيق", "en": "Document"}, "d": {"ar": "التجاهل", "en": "Ignore"}}
    ex = MultipleChoice("m00.p2", PROMPT, options, practice={"answer": ["a", "c"], "options": ["a", "b", "c", "d"]})
    settings.language = "en"
    ex._boxes["a"].value = True
    ex._boxes["b"].value = True
    ex._check_button.click()
    assert ex._feedback.value == (
        '<div class="himaya-feedback" dir="ltr">'
        "You chose 1 of 2 correct options and 1 incorrect ones.</div>"
    )


def test_practice_answers_are_saved_too(saved):
    ex = single(practice={"answer": "a"})
    ex._radio.value = "b"
    assert saved("m00.q1")["value"] == "b"


# -- relabel on language change ---------------------------------------------------------------------
def test_relabel_switches_prompt_direction_and_rtl_class():
    ex = single()
    assert ex._prompt.value == (
        '<div class="himaya-prompt" dir="rtl" lang="ar"><span class="himaya-id">m00.q1</span> ما أول خطوة؟</div>'
    )
    assert "himaya-rtl" in ex._dom_classes
    settings.language = "en"
    assert ex._prompt.value == (
        '<div class="himaya-prompt" dir="ltr" lang="en"><span class="himaya-id">m00.q1</span> What is the first step?</div>'
    )
    assert "himaya-rtl" not in ex._dom_classes
    assert "himaya-exercise" in ex._dom_classes
    settings.language = "ar"
    assert "himaya-rtl" in ex._dom_classes
    assert ex._dom_classes.count("himaya-rtl") == 1


def test_exercise_created_in_english_is_not_rtl():
    settings.language = "en"
    ex = single()
    assert "himaya-rtl" not in ex._dom_classes
    assert 'lang="en"' in ex._prompt.value


def test_every_live_exercise_relabels():
    first = single("m00.q1")
    second = FreeText("m00.f1", {"ar": "اكتب", "en": "Write"})
    settings.language = "en"
    assert "What is the first step?" in first._prompt.value
    assert "Write" in second._prompt.value
    assert "himaya-rtl" not in second._dom_classes


def test_relabel_all_relabels_registered_exercises():
    ex = single()
    settings._trait_values["language"] = "en"  # change without notifying observers
    assert PROMPT["ar"] in ex._prompt.value
    relabel_all()
    assert PROMPT["en"] in ex._prompt.value


def test_relabel_does_not_save(saved_file):
    ex = single()
    settings.language = "en"
    settings.language = "ar"
    assert ex.value is None
    assert saved_file() is None


def test_status_line_follows_the_language():
    """The status line is part of the exercise: it must change language with the rest."""
    ex = single()
    settings.language = "en"
    assert ex._status.value == '<div class="himaya-status" dir="ltr" lang="en">Not answered yet.</div>'


# -- Score -------------------------------------------------------------------------------------------
def test_score_text_in_each_language():
    score = Score(0.5, "pairs_result", {"right": 1, "total": 2})
    assert score.text("en") == "1 of 2 are right."
    assert score.text("ar") == "1 من 2 صحيحة."
