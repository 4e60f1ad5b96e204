"""Attacks through the answers file (himaya-answers.json): corrupt, empty, huge, foreign, symlinked,
relabelled, of another schema, a folder, answering items that do not exist, values of the wrong
types or built to crash the parser or the scorers.

The answers file is read in the grader's process (SnapshotAnswers) before any trainee code runs;
the README promises that a missing, damaged, oversized or someone else's file "scores 0 with a
message; it never crashes grading", and curriculum.answers.read "never raises".
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil

import pytest

from adversary import (
    CONTROL, PATHS, PERFECT, POINTS, WIDGET_GRADE_IDS, Case, assert_contained, entry, flagged_naming,
    grader_message, register,
)
from curriculum.settings import ANSWERS_FILENAME
from grading.reporting import cohort

pytestmark = pytest.mark.slow

WIDGET_POINTS = {g: POINTS[g] for g in WIDGET_GRADE_IDS}


def raw(sub, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    sub.answers_file.write_bytes(data)


def file_of(trainee: str, values: dict, **extra) -> str:
    return json.dumps({"schema": 1, "trainee": trainee, "language": "en",
                       "answers": {k: entry(v) for k, v in values.items()}, **extra})


def corrupt(sub):
    raw(sub, b'{"schema": 1, "trainee": "' + sub.trainee.encode() + b'", "answers": {"m99.q1": \xff\xfe}}')


def empty(sub):
    raw(sub, b"")


def huge(sub):
    """Every right answer, padded past the grader's 1 MB limit."""
    raw(sub, file_of(sub.trainee, PERFECT, padding="x" * 3_000_000))


def foreign(sub):
    shutil.copy(sub.workspace_of(CONTROL) / ANSWERS_FILENAME, sub.answers_file)


def symlinked(sub):
    os.symlink(sub.workspace_of(CONTROL) / ANSWERS_FILENAME, sub.answers_file)


def relabelled(sub):
    """A classmate's file with the trainee id changed to one's own."""
    data = json.loads((sub.workspace_of(CONTROL) / ANSWERS_FILENAME).read_text(encoding="utf-8"))
    data["trainee"] = sub.trainee
    raw(sub, json.dumps(data))


def other_schema(sub):
    raw(sub, json.dumps({**json.loads(file_of(sub.trainee, PERFECT)), "schema": 2}))


def a_folder(sub):
    sub.answers_file.mkdir()
    (sub.answers_file / "answers.json").write_text(file_of(sub.trainee, PERFECT))


UNKNOWN_ITEMS = {"m99.q99": "b", "m00.q1": "b", "m99.q1_": "b"}


def unknown_items(sub):
    raw(sub, file_of(sub.trainee, UNKNOWN_ITEMS))


WRONG_TYPES = {
    "m99.q1": ["b"],                                    # single choice: a list
    "m99.q2": "ac",                                     # multiple choice: a string of the right letters
    "m99.q3": "s1 s2 s3 s4",                            # ordering: a string
    "m99.q4": [["x", "one"], ["y", "two"]],             # matching: pairs instead of a mapping
    "m99.q5": "g",                                      # classify: one category for everything
    "m99.q6": {"number": "90", "unit": "days"},         # numeric: the number as text
    "m99.q7": ["himaya"],                               # short text: a list
    "m99.q8": {"text": "an essay in a dict"},           # written answer: not text
}


def wrong_types(sub):
    raw(sub, file_of(sub.trainee, WRONG_TYPES))


def huge_number(sub):
    """One honest answer, and a number too large for a float where the numeric item expects one."""
    text = file_of(sub.trainee, {"m99.q1": "b", "m99.q6": {"number": "__N__", "unit": "days"}})
    raw(sub, text.replace('"__N__"', "1" + "0" * 400))


def deeply_nested(sub):
    """Valid JSON, 300 kB, nested deeper than Python's recursion limit."""
    depth = 100_000
    raw(sub, file_of(sub.trainee, {"m99.q1": "__DEEP__"}).replace('"__DEEP__"', "[" * depth + "]" * depth))


def long_integer(sub):
    """Valid JSON: an integer of 5000 digits, more than Python converts from text by default."""
    raw(sub, file_of(sub.trainee, {"m99.q6": {"number": "__N__", "unit": "days"}}).replace('"__N__"', "7" * 5000))


HONEST_Q1 = {"m99-q1": 1.0}

CASES = {
    "corrupt_answers": Case(corrupt),
    "empty_answers": Case(empty),
    "huge_answers": Case(huge),
    "foreign_answers": Case(foreign),
    "symlinked_answers": Case(symlinked),
    "relabelled_answers": Case(relabelled, honest=WIDGET_POINTS),  # see its test
    "other_schema_answers": Case(other_schema),
    "answers_folder": Case(a_folder),
    "unknown_items": Case(unknown_items),
    "wrong_types": Case(wrong_types),
}
#: files built to crash a parser or a scorer: a batch of their own, so that what they break
#: (the cohort report reads every answers file) does not spoil the cases above
CRASHERS = {
    "huge_number": Case(huge_number, honest=HONEST_Q1),
    "deeply_nested_answers": Case(deeply_nested),
    "long_integer_answers": Case(long_integer),
}


BATCH = register("answers", CASES)
CRASHERS_BATCH = register("answers-crashers", CRASHERS)


@pytest.fixture(scope="module")
def batch(scheduler):
    return scheduler.result(BATCH)


@pytest.fixture(scope="module")
def crashers(scheduler):
    return scheduler.result(CRASHERS_BATCH)


def pattern(key: str, lang: str) -> re.Pattern:
    """A grader message with any parameter values."""
    text = grader_message(key, lang, **{name: "\x00" for name in re.findall(r"{(\w+)}", _template(key, lang))})
    return re.compile(".*?".join(re.escape(part) for part in text.split("\x00")))


def _template(key, lang):
    from curriculum.language import MESSAGES
    return MESSAGES[key][lang]


def assert_every_item_says(outcome, text: str, grade_ids=WIDGET_GRADE_IDS) -> None:
    """The grader's message is in every widget item's grade cell and in the feedback."""
    assert outcome.notebook is not None, f"not graded: {outcome.result}"
    for grade_id in grade_ids:
        assert text in outcome.output_text(grade_id), (grade_id, outcome.output_text(grade_id))
    assert html.escape(text) in outcome.feedback_html or text in outcome.feedback_html


@pytest.mark.parametrize("path", PATHS)
def test_corrupt_answers_file(batch, path):
    outcome = assert_contained(batch, "corrupt_answers", path)
    assert_every_item_says(outcome, grader_message("file_corrupt_grading", "ar", error="UnicodeDecodeError"))
    assert flagged_naming(outcome, "The answers file is damaged (UnicodeDecodeError)")


@pytest.mark.parametrize("path", PATHS)
def test_empty_answers_file(batch, path):
    outcome = assert_contained(batch, "empty_answers", path)
    assert_every_item_says(outcome, grader_message("file_corrupt_grading", "ar", error="JSONDecodeError"))


@pytest.mark.parametrize("path", PATHS)
def test_huge_answers_file_of_right_answers(batch, path):
    outcome = assert_contained(batch, "huge_answers", path)
    size = (batch.course.layout.step("submitted") / outcome.trainee / "m99-fixture" / ANSWERS_FILENAME).stat().st_size
    assert_every_item_says(outcome, grader_message("file_oversized", "ar", size=size))


@pytest.mark.parametrize("path", PATHS)
def test_another_trainees_answers_file(batch, path):
    outcome = assert_contained(batch, "foreign_answers", path)
    assert_every_item_says(outcome, grader_message("file_foreign", "ar", owner=CONTROL, trainee=outcome.trainee))


@pytest.mark.parametrize("path", PATHS)
def test_answers_file_symlinked_to_another_trainees(batch, path):
    outcome = assert_contained(batch, "symlinked_answers", path)
    assert_every_item_says(outcome, grader_message("file_foreign", "ar", owner=CONTROL, trainee=outcome.trainee))
    submitted = batch.course.layout.step("submitted") / outcome.trainee / "m99-fixture" / ANSWERS_FILENAME
    assert not submitted.is_symlink()


@pytest.mark.parametrize("path", PATHS)
def test_a_classmates_answers_file_relabelled_as_ones_own(batch, path):
    """No grader can tell a copied answer from a known one; the copy must reach the instructor's report.

    (1) here is "earns exactly what those answers earn, nothing more": the copy is
    scored like any answers file, and the cohort report lists the two trainees
    as having handed in identical answers.
    """
    outcome = assert_contained(batch, "relabelled_answers", path)
    control = batch.template.baseline.scores[path][CONTROL]["items"]
    assert {g: outcome.items[g] for g in WIDGET_GRADE_IDS} == {g: control[g] for g in WIDGET_GRADE_IDS}
    found = cohort.gather(batch.course, ["m99-fixture"])
    assert any({CONTROL, outcome.trainee} <= set(group) for _, group in found.identical), found.identical


@pytest.mark.parametrize("path", PATHS)
def test_answers_file_of_another_schema(batch, path):
    outcome = assert_contained(batch, "other_schema_answers", path)
    assert_every_item_says(outcome, grader_message("file_schema", "ar", version=2))


@pytest.mark.parametrize("path", PATHS)
def test_answers_file_that_is_a_folder(batch, path):
    outcome = assert_contained(batch, "answers_folder", path)
    assert_every_item_says(outcome, grader_message("file_corrupt_grading", "ar", error="IsADirectoryError"))


@pytest.mark.parametrize("path", PATHS)
def test_answers_to_items_that_do_not_exist(batch, path):
    outcome = assert_contained(batch, "unknown_items", path)
    assert_every_item_says(outcome, grader_message("unanswered", "en"))
    # harmless to the score, but a file answering items this module does not have was not
    # written by this module's widgets: the instructor must be told which ids
    assert flagged_naming(outcome, *UNKNOWN_ITEMS), (
        "answers to unknown items are ignored silently", outcome.audit, outcome.warnings())


@pytest.mark.parametrize("path", PATHS)
def test_answers_of_the_wrong_types(batch, path):
    outcome = assert_contained(batch, "wrong_types", path)
    assert outcome.result.ok
    assert_every_item_says(outcome, grader_message("bad_answer", "en", error="ValueError"))


@pytest.mark.parametrize("path", PATHS)
def test_a_number_too_large_for_a_float_scores_that_item_zero(crashers, path):
    """The README: a bad answer scores 0 with a message; it never crashes grading."""
    outcome = assert_contained(crashers, "huge_number", path)
    assert outcome.result.ok, f"one malformed answer failed the whole submission: {outcome.result.detail}"
    assert outcome.items["m99-q1"] == 1.0  # the honest answer still counts
    assert outcome.items["m99-q6"] == 0.0
    assert pattern("bad_answer", "en").search(outcome.output_text("m99-q6"))


@pytest.mark.parametrize("path", PATHS)
def test_an_answers_file_nested_too_deep_is_damaged_not_fatal(crashers, path):
    outcome = assert_contained(crashers, "deeply_nested_answers", path)
    assert outcome.result.ok, f"the answers file failed the whole submission: {outcome.result.detail}"
    for grade_id in WIDGET_GRADE_IDS:
        assert pattern("file_corrupt_grading", "ar").search(outcome.output_text(grade_id)), grade_id


@pytest.mark.parametrize("path", PATHS)
def test_an_answers_file_with_a_huge_integer_is_damaged_not_fatal(crashers, path):
    outcome = assert_contained(crashers, "long_integer_answers", path)
    assert outcome.result.ok, f"the answers file failed the whole submission: {outcome.result.detail}"
    for grade_id in WIDGET_GRADE_IDS:
        assert pattern("file_corrupt_grading", "ar").search(outcome.output_text(grade_id)), grade_id


def test_the_cohort_report_survives_answers_files_built_to_crash_a_parser(crashers):
    """The cohort report compares every submitted answers file (grading/reporting/cohort.py): none may stop it."""
    found = cohort.gather(crashers.course, ["m99-fixture"])
    assert CONTROL in found.modules["m99-fixture"].marks
