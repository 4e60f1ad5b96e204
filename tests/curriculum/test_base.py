"""What every exercise shares: ids, bilingual prompts, status, practice feedback, relabelling."""
from __future__ import annotations

import json
import re

import pytest

from curriculum import exercises
from curriculum.exercises import (
    KINDS, LINES, REGISTRY, FreeText, MultipleChoice, NotAnswered, Numeric, SingleChoice, StatusLine, lookup, status,
)
from curriculum.exercises.base import PDI, RLI, Score, check_item_id, grade_id, item_id, relabel_all
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


def test_every_kind_accepts_an_explanation_in_its_key():
    """Contract 1 (TEAM.md): a hidden key may carry ``explain``; exercises accept and ignore it."""
    from curriculum.exercises import Classify, Matching, Ordering, ShortText

    explain = {"explain": {"ar": "لأن الأدلة أولًا.", "en": "Because evidence comes first."}}
    pairs = {"x": {"ar": "س", "en": "x"}, "y": {"ar": "ص", "en": "y"}}
    single(practice={"answer": "a", **explain})
    MultipleChoice("m00.q2", PROMPT, OPTIONS, practice={"answer": ["a"], "options": ["a", "b"], **explain})
    Ordering("m00.q3", PROMPT, OPTIONS, practice={"answer": ["b", "a"], **explain})
    Matching("m00.q4", PROMPT, pairs, OPTIONS, practice={"answer": {"x": "a", "y": "b"}, **explain})
    Classify("m00.q5", PROMPT, pairs, OPTIONS, practice={"answer": {"x": "a", "y": "a"}, **explain})
    Numeric("m00.q6", PROMPT, minimum=0, maximum=10, practice={"answer": 3, **explain})
    ShortText("m00.q7", PROMPT, practice={"answer": ["x"], **explain})


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


# -- status(): the grade cell's live line -------------------------------------------------------------
SAVED_AR = re.compile(r"^✔ حُفظت إجابتك \(\d\d:\d\d:\d\d\)$")
SAVED_EN = re.compile(r"^✔ Answer saved \(\d\d:\d\d:\d\d\)$")


def test_status_shows_a_live_line_not_printed_text(capsys, grade_line):
    single()
    line = grade_line("m00.q1")
    assert isinstance(line, StatusLine)
    assert capsys.readouterr().out == ""
    assert line.text() == "لم تُجب بعد."
    assert line.value == '<div class="himaya-status himaya-grade-status" dir="rtl" lang="ar">لم تُجب بعد.</div>'
    assert repr(line) == "<StatusLine m00.q1>"  # stable text/plain for nbval
    assert line._repr_mimebundle_()["text/plain"] == "<StatusLine m00.q1>"


def test_status_returns_nothing_so_a_grade_cell_shows_one_line(grade_line):
    from curriculum.exercises import base

    single()
    assert base.status("m00.q1") is None


def test_status_line_updates_the_moment_the_answer_is_saved(grade_line):
    """The issue: under «✔ حُفظت إجابتك» the grade cell still said «لم تُجب بعد» until Run All."""
    ex = single()
    line = grade_line("m00.q1")
    ex._radio.value = "a"
    assert SAVED_AR.match(ex.status_text())
    assert line.text() == ex.status_text() + " إجابتك المحفوظة: حفظ الأدلة. تُصحَّح بعد التسليم."
    ex._radio.value = "b"
    assert line.text().endswith("إجابتك المحفوظة: حذف المحادثة. تُصحَّح بعد التسليم.")
    assert "حذف المحادثة" in line.value


def test_status_line_says_what_the_widget_says(grade_line):
    ex = single()
    line = grade_line("m00.q1")
    assert line.text() == ex.status_text() == "لم تُجب بعد."
    ex.value = "a"
    assert line.text().startswith(ex.status_text())
    assert ex._status.value == f'<div class="himaya-status" dir="rtl" lang="ar">{ex.status_text()}</div>'


def test_status_line_follows_a_language_switch(grade_line):
    ex = single()
    line = grade_line("m00.q1")
    ex.value = "a"
    settings.language = "en"
    assert SAVED_EN.match(ex.status_text())
    assert line.text() == ex.status_text() + " Your saved answer: Preserve evidence. It is graded after you submit."
    assert 'dir="ltr" lang="en"' in line.value
    settings.language = "ar"
    assert "حفظ الأدلة" in line.value and 'dir="rtl"' in line.value


def test_status_line_before_its_exercise_runs_reads_the_file_then_follows_it(grade_line, restart):
    single().value = "b"
    restart()
    line = grade_line("m00.q1")  # the grade cell runs before the widget cell after a restart
    assert SAVED_AR.match(line.text().split(" إجابتك المحفوظة")[0])
    assert line.text().endswith("إجابتك المحفوظة: b. تُصحَّح بعد التسليم.")
    ex = single()  # now the widget cell runs: the line describes the answer in words
    assert line.text().endswith("إجابتك المحفوظة: حذف المحادثة. تُصحَّح بعد التسليم.")
    ex._radio.value = "a"
    assert line.text().endswith("إجابتك المحفوظة: حفظ الأدلة. تُصحَّح بعد التسليم.")


def test_status_line_of_an_unanswered_item_without_its_exercise(grade_line):
    line = grade_line("m00.q9")
    assert line.text() == "لم تُجب بعد."
    settings.language = "en"
    assert line.value.endswith(">Not answered yet.</div>")


def test_status_line_of_multiple_choice(grade_line):
    ex = MultipleChoice("m00.q2", PROMPT, {**OPTIONS, "c": {"ar": "التجاهل", "en": "Ignore"}})
    settings.language = "en"
    line = grade_line("m00.q2")
    ex.value = ["a", "c"]
    assert line.text().endswith("Your saved answer: Preserve evidence, Ignore. It is graded after you submit.")


def test_status_reads_the_file_not_the_widget(grade_line):
    ex = single()
    ex._radio.value = "b"
    assert "حذف المحادثة" in grade_line("m00.q1").text()


def test_running_the_grade_cell_again_replaces_its_line(grade_line):
    ex = single()
    first, second = grade_line("m00.q1"), grade_line("m00.q1")
    assert first.comm is None and second.comm is not None  # the old line is closed, not updated forever
    assert LINES == {"m00.q1": second}
    ex.value = "a"
    assert second.text() != "لم تُجب بعد."


def test_status_refuses_an_invalid_item_id(grade_line):
    with pytest.raises(ValueError, match="item id 'm00-q1' is not valid"):
        grade_line("m00-q1")


# -- status() under nbgrader's Validate ------------------------------------------------------------------
def test_validate_raises_for_an_unanswered_item(validating, grade_line):
    single()
    with pytest.raises(NotAnswered) as err:
        grade_line("m00.q1")
    assert str(err.value) == RLI + "⚠ m00.q1 «ما أول خطوة؟»: لم تُجب عن هذا السؤال بعد. أجب عنه ثم أعد التحقّق." + PDI
    assert (err.value.item_id, err.value.answered, err.value.total) == ("m00.q1", 0, 1)
    settings.language = "en"
    with pytest.raises(NotAnswered) as err:
        grade_line("m00.q1")
    assert str(err.value) == "⚠ m00.q1 “What is the first step?”: not answered yet. Answer it, then validate again."


def test_validate_error_shows_only_its_message(validating):
    """IPython renders ``_render_traceback_`` instead of a traceback; nbgrader's Validate prints that."""
    from IPython.core.interactiveshell import InteractiveShell

    single()
    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell('from curriculum import status\nstatus("m00.q1")', store_history=False)
        assert isinstance(result.error_in_exec, NotAnswered)
        stb = result.error_in_exec._render_traceback_()
        assert stb == [RLI + "⚠ m00.q1 «ما أول خطوة؟»: لم تُجب عن هذا السؤال بعد. أجب عنه ثم أعد التحقّق." + PDI]
    finally:
        InteractiveShell.clear_instance()


def test_validate_names_the_first_words_of_a_long_prompt(validating, grade_line):
    prompt = {"ar": "في <b>سجلّك</b> أعلاه: كم هدية عرضها اللاعب المجهول على الطفل قبل أن يطلب الانتقال؟",
              "en": "In your   log above: how many gifts did the unknown player offer before asking to move?"}
    SingleChoice("m00.q5", prompt, OPTIONS)
    settings.language = "en"
    with pytest.raises(NotAnswered, match="^⚠ m00.q5 “In your log above: how many gifts did…”: not answered yet"):
        grade_line("m00.q5")
    settings.language = "ar"
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m00.q5 «في سجلّك أعلاه: كم هدية عرضها اللاعب المجهول…»: لم تُجب"):
        grade_line("m00.q5")


def test_validate_passes_an_answered_item(validating, grade_line):
    single().value = "a"
    assert grade_line("m00.q1").text().endswith("تُصحَّح بعد التسليم.")


def test_validate_without_the_widget_uses_the_answers_file(validating, grade_line, restart):
    with pytest.raises(NotAnswered):
        grade_line("m00.q1")
    single().value = "a"
    restart()
    assert isinstance(grade_line("m00.q1"), StatusLine)


def test_validate_counts_a_bad_saved_answer_as_unanswered(validating, grade_line, tmp_path):
    (tmp_path / "himaya-answers.json").write_text(json.dumps({
        "schema": 1, "trainee": "t-test", "language": "ar",
        "answers": {"m00.q1": {"value": "zz", "kind": "single"}},
    }), encoding="utf-8")
    single()
    with pytest.raises(NotAnswered, match="لم تُجب عن هذا السؤال بعد"):
        grade_line("m00.q1")


def test_autograde_never_raises(monkeypatch, grade_line):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    single()
    assert grade_line("m00.q1").text() == "لم تُجب بعد."


def test_written_answer_counts_when_not_empty(validating, grade_line, monkeypatch):
    prompt = {"ar": "اشرح", "en": "Explain"}
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m00.f1 «اشرح»: لم تُجب"):
        FreeText("m00.f1", prompt)  # no grade cell of its own: under Validate its widget's cell names it
    with monkeypatch.context() as outside:
        outside.delenv("NBGRADER_EXECUTION")
        ex = FreeText("m00.f1", prompt)
    ex._area.value = "   \n "
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m00.f1 «اشرح»: لم تُجب"):
        grade_line("m00.f1")
    with pytest.raises(NotAnswered):
        FreeText("m00.f1", prompt)  # blanks are not an answer
    ex._area.value = "البلاغات لا تساوي الضحايا."
    assert grade_line("m00.f1").text().endswith("إجابتك المحفوظة: البلاغات لا تساوي الضحايا.. تُصحَّح بعد التسليم.")
    assert FreeText("m00.f1", prompt).value == "البلاغات لا تساوي الضحايا."  # written: no error under Validate


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
