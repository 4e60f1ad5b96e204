"""grading.preprocessors, run directly (no kernel) against a real gradebook.

The gradebook comes from ``nbgrader generate_assignment`` on the fixture
module (see conftest.py); the notebook graded is the SOURCE fixture unless a
test says otherwise, with the answers file written beside it the way the
widgets write it.
"""
from __future__ import annotations

import html
from pathlib import Path
import json
import re

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, OverwriteCells
from nbgrader.utils import determine_grade

from fixture_answers import PERFECT, WIDGET_POINTS

from curriculum import answers
from curriculum.answers import Answers
from curriculum.language import message
from curriculum.settings import ANSWERS_FILENAME
from grading.preprocessors import (
    ExecuteAsTrainee,
    SNAPSHOT, RedactHiddenTests, RedactMarkScheme, RestoreCells, ScoreWidgetAnswers, SnapshotAnswers,
)

MODULE = "m99-fixture"
STUDENT = "t1"
FIXTURE_NB = Path(__file__).resolve().parent.parent / "fixtures" / "course" / "notebooks" / MODULE / f"{MODULE}.ipynb"

#: Partly right answers and the points they earn, worked out by hand from the keys.
PARTIAL = {
    # single: wrong option
    "m99.q1": ("a", 0.0),
    # multiple: 1 of the 2 right options, no wrong one -> 1/2 of 2 points
    "m99.q2": (["a"], 1.0),
    # ordering: s1 s3 s4 (or s2 s3 s4) in order: 3 of 4 -> 3/4 of 2 points
    "m99.q3": (["s2", "s1", "s3", "s4"], 1.5),
    # matching: x right, y wrong -> 1/2 of 2 points
    "m99.q4": ({"x": "one", "y": "one"}, 1.0),
    # classify: l1, l2 right, l3, l4 wrong -> 2/4 of 2 points
    "m99.q5": ({"l1": "g", "l2": "o", "l3": "o", "l4": "g"}, 1.0),
    # numeric: right number, wrong unit -> nothing
    "m99.q6": ({"number": 90, "unit": "hours"}, 0.0),
    # short: accepted answer with a ta marbuta variant and spaces -> right
    "m99.q7": ("  حمايه ", 1.0),
}


def by_grade_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if "grade_id" in c.metadata.get("nbgrader", {})}


def write_answers(folder, values: dict, *, trainee: str = STUDENT, language: str = "ar") -> None:
    items = {item: {"value": value, "kind": "test", "time": "2025-01-01T00:00:00+00:00", "changes": 1}
             for item, value in values.items()}
    answers.write(folder / ANSWERS_FILENAME, Answers(trainee=trainee, language=language, items=items))


def grade(nb, resources, **snapshot_traits):
    SnapshotAnswers(**snapshot_traits).preprocess(nb, resources)
    return ScoreWidgetAnswers().preprocess(nb, resources)


def stdout(cell) -> str:
    """The grader's message to the trainee (plain-text form of its display output)."""
    return "".join(o.data["text/plain"] for o in cell.outputs if o.output_type == "display_data")


def result(cell) -> str:
    (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return out.data["text/plain"]


def task_grade(layout, name: str = "m99-q8"):
    with Gradebook(layout.db_url) as gb:
        g = gb.find_grade(name, MODULE, MODULE, STUDENT)
        return g.auto_score, g.manual_score, g.needs_manual_grade


def set_task_grade(layout, **values):
    with Gradebook(layout.db_url) as gb:
        g = gb.find_grade("m99-q8", MODULE, MODULE, STUDENT)
        for name, value in values.items():
            setattr(g, name, value)
        gb.db.commit()


# -- scoring the widget items ----------------------------------------------------

def test_perfect_answers_earn_every_point(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    nb, _ = grade(source_nb, resources)
    cells = by_grade_id(nb)
    for grade_id, points in WIDGET_POINTS.items():
        cell = cells[grade_id]
        assert [o.output_type for o in cell.outputs] == ["display_data", "execute_result"], grade_id
        html_out = cell.outputs[0].data["text/html"]
        assert html_out.startswith('<div class="himaya-feedback" dir="rtl" lang="ar">'), grade_id
        assert "stderr" not in json.dumps(cell.outputs)
        assert result(cell) == f"{points:g}"
        assert stdout(cell).endswith(f"الدرجة: {points:g} من {points:g}\n"), grade_id
        assert determine_grade(cell) == (points, points), grade_id


def test_perfect_answers_messages(source_nb, resources, folder):
    write_answers(folder, PERFECT, language="en")
    cells = by_grade_id(grade(source_nb, resources)[0])
    assert stdout(cells["m99-q1"]) == "Correct.\nScore: 1 of 1\n"
    assert stdout(cells["m99-q2"]) == "You chose 2 of 2 correct options and 0 incorrect ones.\nScore: 2 of 2\n"
    assert stdout(cells["m99-q3"]) == "4 of 4 steps are in the right order relative to each other.\nScore: 2 of 2\n"
    assert stdout(cells["m99-q4"]) == "2 of 2 are right.\nScore: 2 of 2\n"
    assert stdout(cells["m99-q5"]) == "4 of 4 are right.\nScore: 2 of 2\n"
    assert stdout(cells["m99-q6"]) == "Correct.\nScore: 1 of 1\n"
    assert stdout(cells["m99-q7"]) == "Correct.\nScore: 1 of 1\n"


def test_the_score_replaces_whatever_the_kernel_printed(source_nb, resources, folder):
    cell = by_grade_id(source_nb)["m99-q1"]
    cell.outputs = [new_output("stream", name="stdout", text="full marks\n"),
                    new_output("execute_result", data={"text/plain": "1"}, execution_count=3)]
    write_answers(folder, {"m99.q1": "a"})
    grade(source_nb, resources)
    assert "full marks" not in stdout(cell)
    assert determine_grade(cell) == (0.0, 1.0)


def test_partial_answers_earn_exact_partial_points(source_nb, resources, folder):
    write_answers(folder, {item: value for item, (value, _) in PARTIAL.items()}, language="en")
    cells = by_grade_id(grade(source_nb, resources)[0])
    for item, (_, earned) in PARTIAL.items():
        grade_id = item.replace(".", "-")
        points = WIDGET_POINTS[grade_id]
        assert determine_grade(cells[grade_id]) == (earned, points), item
        assert stdout(cells[grade_id]).endswith(f"Score: {earned:g} of {points:g}\n"), item
    assert stdout(cells["m99-q3"]).startswith("3 of 4 steps are in the right order")
    assert stdout(cells["m99-q2"]).startswith("You chose 1 of 2 correct options and 0 incorrect ones.")
    assert stdout(cells["m99-q6"]).startswith("The number is within range but the unit is wrong.")


@pytest.mark.parametrize("value, earned", [
    (["a", "c", "b"], 1.0),  # both right, one of two wrong: 1 - 1/2
    (["a", "b"], 0.0),  # 1/2 - 1/2
    (["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
    (["b", "d"], 0.0),  # never below zero
    ([], 0.0),
])
def test_multiple_choice_partial_credit(source_nb, resources, folder, value, earned):
    write_answers(folder, {"m99.q2": value})
    cell = by_grade_id(grade(source_nb, resources)[0])["m99-q2"]
    assert determine_grade(cell) == (earned, 2.0)


@pytest.mark.parametrize("value, earned", [
    (["s4", "s3", "s2", "s1"], 0.0),  # a run of one is no evidence
    (["s1", "s2", "s4", "s3"], 1.5),
    (["s3", "s4", "s1", "s2"], 1.0),
])
def test_ordering_partial_credit(source_nb, resources, folder, value, earned):
    write_answers(folder, {"m99.q3": value})
    cell = by_grade_id(grade(source_nb, resources)[0])["m99-q3"]
    assert determine_grade(cell) == (earned, 2.0)


def test_unanswered_items_score_zero(source_nb, resources, folder):
    write_answers(folder, {"m99.q1": "b"}, language="en")
    cells = by_grade_id(grade(source_nb, resources)[0])
    assert determine_grade(cells["m99-q1"]) == (1.0, 1.0)
    for grade_id in set(WIDGET_POINTS) - {"m99-q1"}:
        points = WIDGET_POINTS[grade_id]
        assert determine_grade(cells[grade_id]) == (0.0, points)
        assert stdout(cells[grade_id]) == f"You did not answer this item: 0 points.\nScore: 0 of {points:g}\n"


@pytest.mark.parametrize("language, correct, score_line", [
    ("ar", "إجابة صحيحة.", "الدرجة: 1 من 1"),
    ("en", "Correct.", "Score: 1 of 1"),
])
def test_messages_are_in_the_language_of_the_answers_file(source_nb, resources, folder, language, correct, score_line):
    write_answers(folder, PERFECT, language=language)
    cell = by_grade_id(grade(source_nb, resources)[0])["m99-q1"]
    assert stdout(cell) == f"{correct}\n{score_line}\n"


def test_keys_come_from_the_gradebook_not_the_submission(resources, folder, submission):
    """The released notebook has no hidden tests; a trainee's edited key changes nothing."""
    released = nbformat.read(str(submission.step("release") / MODULE / f"{MODULE}.ipynb"), as_version=4)
    cells = by_grade_id(released)
    assert "KEY" not in cells["m99-q1"].source
    cells["m99-q1"].source += "\n### BEGIN HIDDEN TESTS\nKEY = {'answer': 'a'}\n### END HIDDEN TESTS"
    write_answers(folder, {**PERFECT, "m99.q1": "a"})
    grade(released, resources)
    assert determine_grade(cells["m99-q1"]) == (0.0, 1.0)
    for grade_id in set(WIDGET_POINTS) - {"m99-q1"}:
        assert determine_grade(cells[grade_id]) == (WIDGET_POINTS[grade_id],) * 2, grade_id


def test_ordinary_code_test_cell_is_left_alone(source_nb, resources, folder):
    cell = by_grade_id(source_nb)["lab-double-test"]
    kernel_output = [new_output("error", ename="AssertionError", evalue="", traceback=[])]
    cell.outputs = kernel_output
    before = (cell.source, json.dumps(cell.outputs), json.dumps(cell.metadata))
    write_answers(folder, PERFECT)
    grade(source_nb, resources)
    assert (cell.source, json.dumps(cell.outputs), json.dumps(cell.metadata)) == before
    assert determine_grade(cell) == (0, 1.0)  # still nbgrader's verdict from the kernel


def test_other_cells_are_left_alone(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    before = {gid: (c.source, json.dumps(c.get("outputs"))) for gid, c in by_grade_id(source_nb).items()}
    nb, _ = grade(source_nb, resources)
    changed = {gid for gid, c in by_grade_id(nb).items() if (c.source, json.dumps(c.get("outputs"))) != before[gid]}
    assert changed == set(WIDGET_POINTS) | {"m99-q8"}


def test_score_without_snapshot_is_refused(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    with pytest.raises(RuntimeError, match="SnapshotAnswers"):
        ScoreWidgetAnswers().preprocess(source_nb, resources)


# -- a bad answers file: every widget item 0, with the reason, never an exception ---------

def _expect_problem(nb, text: str) -> None:
    cells = by_grade_id(nb)
    for grade_id, points in WIDGET_POINTS.items():
        assert determine_grade(cells[grade_id]) == (0.0, points), grade_id
        assert stdout(cells[grade_id]) == f"{text}\nالدرجة: 0 من {points:g}\n", grade_id


def test_missing_answers_file(source_nb, resources, folder, submission):
    nb, _ = grade(source_nb, resources)
    _expect_problem(nb, message("file_missing", "ar"))
    assert task_grade(submission) == (0.0, None, False)


@pytest.mark.parametrize("content, error", [
    (b'{"schema": 1, "trainee": "t1", "answers": {', "JSONDecodeError"),
    (b"", "JSONDecodeError"),
    (b'\xff\xfe{"schema": 1}', "UnicodeDecodeError"),
    ('{"schema": 1, "trainee": "t1", "answers": {"m99.q1": {"value": "b"}}}'.encode("utf-16"), "UnicodeDecodeError"),
    (b'["a list"]', "not an answers object"),
    (b'{"schema": 1, "trainee": "t1", "answers": ["b"]}', "not an answers object"),
])
def test_corrupt_answers_file(source_nb, resources, folder, content, error):
    (folder / ANSWERS_FILENAME).write_bytes(content)
    nb, _ = grade(source_nb, resources)
    _expect_problem(nb, message("file_corrupt_grading", "ar", error=error))


@pytest.mark.parametrize("version", [2, None, "1"])
def test_answers_file_of_another_schema(source_nb, resources, folder, version):
    data = {"trainee": STUDENT, "language": "en", "answers": {k: {"value": v} for k, v in PERFECT.items()}}
    if version is not None:
        data["schema"] = version
    (folder / ANSWERS_FILENAME).write_text(json.dumps(data), encoding="utf-8")
    nb, _ = grade(source_nb, resources)
    _expect_problem(nb, message("file_schema", "ar", version=version))


def test_oversized_answers_file(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    size = (folder / ANSWERS_FILENAME).stat().st_size
    nb, _ = grade(source_nb, resources, max_answers_bytes=size - 1)
    _expect_problem(nb, message("file_oversized", "ar", size=size))


def test_answers_file_at_the_size_limit_is_read(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    size = (folder / ANSWERS_FILENAME).stat().st_size
    cells = by_grade_id(grade(source_nb, resources, max_answers_bytes=size)[0])
    assert all(determine_grade(cells[g]) == (p, p) for g, p in WIDGET_POINTS.items())


def test_answers_file_of_another_trainee(source_nb, resources, folder, submission):
    write_answers(folder, {**PERFECT, "m99.q8": "my own words"}, trainee="t2")
    nb, _ = grade(source_nb, resources)
    text = message("file_foreign", "ar", owner="t2", trainee=STUDENT)
    _expect_problem(nb, text)
    assert "my own words" not in by_grade_id(nb)["m99-q8"].source
    assert task_grade(submission) == (0.0, None, False)


def test_check_trainee_off_accepts_another_trainees_file(source_nb, resources, folder):
    write_answers(folder, PERFECT, trainee="t2")
    cells = by_grade_id(grade(source_nb, resources, check_trainee=False)[0])
    for grade_id, points in WIDGET_POINTS.items():
        assert determine_grade(cells[grade_id]) == (points, points), grade_id


def test_snapshot_reads_the_file_beside_the_notebook(source_nb, resources, folder):
    write_answers(folder, PERFECT, language="en")
    SnapshotAnswers().preprocess(source_nb, resources)
    snap = resources[SNAPSHOT]
    assert snap.problem is None
    assert snap.language == "en"
    assert {item: snap.value(item) for item in PERFECT} == PERFECT


@pytest.mark.parametrize("item, bad, error", [
    ("m99.q1", {"a": 1}, "ValueError"),  # a dict for a single-choice item
    ("m99.q2", "a", "ValueError"),  # text for a multiple-choice item
    ("m99.q2", ["a", "z"], "ValueError"),  # an option that does not exist
    ("m99.q3", ["s1", "s2"], "ValueError"),  # not every step
    ("m99.q4", ["one", "two"], "ValueError"),
    ("m99.q6", {"number": "ninety"}, "ValueError"),
    ("m99.q6", 90, "ValueError"),
    ("m99.q7", ["himaya"], "ValueError"),
])
def test_an_answer_of_the_wrong_shape_scores_that_item_zero(source_nb, resources, folder, item, bad, error):
    write_answers(folder, {**PERFECT, item: bad}, language="en")
    cells = by_grade_id(grade(source_nb, resources)[0])
    grade_id = item.replace(".", "-")
    points = WIDGET_POINTS[grade_id]
    assert determine_grade(cells[grade_id]) == (0.0, points)
    assert stdout(cells[grade_id]) == (
        f"The saved answer to this item is not valid ({error}); it counts as unanswered.\nScore: 0 of {points:g}\n")
    for other in set(WIDGET_POINTS) - {grade_id}:
        assert determine_grade(cells[other]) == (WIDGET_POINTS[other],) * 2, other


def test_a_not_a_number_answer_earns_nothing(source_nb, resources, folder):
    """Python's json reads ``NaN``, and ``abs(nan - 90) > tolerance`` is False: a
    hand-edited answers file must not pass NaN off as a number within range."""
    data = {"schema": 1, "trainee": STUDENT, "language": "en",
            "answers": {"m99.q6": {"value": {"number": float("nan"), "unit": "days"}}}}
    text = json.dumps(data)
    assert "NaN" in text
    (folder / ANSWERS_FILENAME).write_text(text, encoding="utf-8")
    cell = by_grade_id(grade(source_nb, resources)[0])["m99-q6"]
    assert determine_grade(cell) == (0.0, 1.0)
    assert stdout(cell).startswith("The saved answer to this item is not valid (ValueError)")


@pytest.mark.parametrize("cell, source, error", [
    ("m99-q2", 'status("m99.q2")\n### BEGIN HIDDEN TESTS\nKEY = open("x")\n### END HIDDEN TESTS', "KEY must be a literal"),
    ("m99-q2", 'status("m99.q2")\n### BEGIN HIDDEN TESTS\nKEY = {"answer": {["a"]: 1}}\n### END HIDDEN TESTS',
     "KEY must be a literal"),
    ("m99-q2", 'status("m99.q2")\n### BEGIN HIDDEN TESTS\nKEY = {"answer": \n### END HIDDEN TESTS',
     "hidden tests are not valid Python"),
    ("m99-q2", 'status("m99.q2")\n### BEGIN HIDDEN TESTS\nKEY = {"options": ["a"]}\n### END HIDDEN TESTS',
     "KEY must be a dict with an 'answer'"),
    ("m99-q2-widget", 'ex.MultipleChoice("m99.q9", prompt=p, options=o)', "no exercise for m99.q2"),
    # a widget item whose key is missing must not pass as an ordinary test (full marks)
    ("m99-q2", 'status("m99.q2")\n', "m99.q2: its grade cell has no 'KEY = ...'"),
    ("m99-q2", 'status("m99.q2")\n### BEGIN HIDDEN TESTS\nKEY: dict = {"answer": ["a"]}\n### END HIDDEN TESTS',
     "m99.q2: its grade cell has no 'KEY = ...'"),
])
def test_a_broken_key_in_the_gradebook_scores_that_item_zero(source_nb, resources, folder, submission,
                                                             cell, source, error):
    with Gradebook(submission.db_url) as gb:
        gb.find_source_cell(cell, MODULE, MODULE).source = source
        gb.db.commit()
    write_answers(folder, PERFECT, language="en")
    cells = by_grade_id(grade(source_nb, resources)[0])  # no exception
    assert determine_grade(cells["m99-q2"]) == (0.0, 2.0)
    assert stdout(cells["m99-q2"]).startswith(f"The saved answer to this item is not valid ({error}")
    for other in set(WIDGET_POINTS) - {"m99-q2"}:
        assert determine_grade(cells[other]) == (WIDGET_POINTS[other],) * 2, other


# -- the snapshot is taken before the trainee's code runs ------------------------------

def test_score_uses_the_snapshot_not_the_file_rewritten_during_execution(source_nb, resources, folder):
    partial = {item: value for item, (value, _) in PARTIAL.items()}
    write_answers(folder, partial)
    SnapshotAnswers().preprocess(source_nb, resources)
    # …the notebook executes; a trainee's cell rewrites the answers file with the keys
    write_answers(folder, PERFECT)
    ScoreWidgetAnswers().preprocess(source_nb, resources)
    cells = by_grade_id(source_nb)
    for item, (_, earned) in PARTIAL.items():
        grade_id = item.replace(".", "-")
        assert determine_grade(cells[grade_id]) == (earned, WIDGET_POINTS[grade_id]), item


def test_score_uses_the_snapshot_when_the_file_is_deleted_during_execution(source_nb, resources, folder):
    write_answers(folder, PERFECT)
    SnapshotAnswers().preprocess(source_nb, resources)
    (folder / ANSWERS_FILENAME).unlink()
    ScoreWidgetAnswers().preprocess(source_nb, resources)
    cells = by_grade_id(source_nb)
    assert all(determine_grade(cells[g]) == (p, p) for g, p in WIDGET_POINTS.items())


# -- the written answer (task cell m99-q8) ----------------------------------------------

def _shown_answer(source: str, lang: str) -> str:
    """The text a grader reads in the answer box, decoded from the cell's markup."""
    match = re.search(rf'<div class="himaya-free-answer" dir="auto" lang="{lang}">(.*?)</div>', source, re.S)
    assert match, source
    return html.unescape(re.sub(r"<br>\n?", "\n", match.group(1)))


def test_written_answer_is_shown_escaped_and_awaits_manual_grading(source_nb, resources, folder, submission):
    set_task_grade(submission, auto_score=0.0, needs_manual_grade=False)  # as left by an earlier empty run
    text = "Reports are not victims.\n<script>alert(1)</script> & <b>bold</b>"
    write_answers(folder, {**PERFECT, "m99.q8": text}, language="en")
    nb, _ = grade(source_nb, resources)
    source = by_grade_id(nb)["m99-q8"].source
    assert "<script>" not in source and "<b>bold" not in source
    assert "&lt;script&gt;" in source and "&lt;b&gt;" in source
    assert _shown_answer(source, "en") == text  # the grader reads exactly what the trainee wrote
    assert "إجابة المتدرّب · Trainee's answer" in source
    assert source.startswith('<div dir="rtl" lang="ar">\n\n✍ <b>m99.q8</b>')  # the cell's own text stays first
    assert "Rubric: 3 points" in source  # graders still see the mark scheme
    assert task_grade(submission) == (None, None, True)


def test_written_answer_in_arabic_keeps_its_text_and_language(source_nb, resources, folder):
    text = "البلاغات ليست عدد الضحايا.\nسطر ثانٍ"
    write_answers(folder, {"m99.q8": "  " + text + "\n\n"}, language="ar")
    nb, _ = grade(source_nb, resources)
    assert _shown_answer(by_grade_id(nb)["m99-q8"].source, "ar") == text


@pytest.mark.parametrize("breakout", ["\r\r", "\n\n", "\r\n\r\n", "\n \n", "</div>\n\n", " "])
def test_written_answer_never_renders_as_markup(source_nb, resources, folder, breakout):
    """The answer sits in a raw HTML <div>; a blank line (Markdown also ends lines
    at "\\r") would close that block and let the rest render as Markdown in
    formgrader and feedback, where nbconvert keeps javascript: links."""
    text = f"ok{breakout}[see rubric](javascript:alert(document.cookie)) ![x](https://evil.example/p.png) **b**"
    write_answers(folder, {"m99.q8": text})
    cell = by_grade_id(source_nb)["m99-q8"]
    original = cell.source
    grade(source_nb, resources)
    added = cell.source[len(original):]
    assert "javascript:" in added  # the text is there, for the grader to read…
    rendered = markdown2html_mistune(added)
    assert "href=" not in rendered and "<img" not in rendered  # …but never as markup
    inside = re.search(r'<div class="himaya-free-answer" dir="auto" lang="ar">(.*?)</div>', rendered, re.S)
    assert inside, rendered
    assert "<" not in inside.group(1).replace("<br>", ""), rendered  # no tag but line breaks
    assert html.unescape(inside.group(1).replace("<br>", "\n")).startswith("ok")


@pytest.mark.parametrize("value", [None, "", "   \n  ", ["a list"]])
def test_empty_written_answer_scores_zero_without_review(source_nb, resources, folder, submission, value):
    set_task_grade(submission, auto_score=None, needs_manual_grade=True)
    items = dict(PERFECT)
    if value is not None:
        items["m99.q8"] = value
    write_answers(folder, items, language="en")
    nb, _ = grade(source_nb, resources)
    source = by_grade_id(nb)["m99-q8"].source
    assert source.endswith("\n\n---\n\n*لم تُجب عن هذا السؤال: 0 درجة. · You did not answer this item: 0 points.*\n")
    assert "himaya-free-answer" not in source
    assert task_grade(submission) == (0.0, None, False)


def test_empty_written_answer_keeps_a_manual_grade_for_review(source_nb, resources, folder, submission):
    set_task_grade(submission, manual_score=2.0, needs_manual_grade=False)
    write_answers(folder, PERFECT)
    grade(source_nb, resources)
    assert task_grade(submission) == (0.0, 2.0, True)


def test_written_answer_with_a_bad_file_names_the_problem(source_nb, resources, folder, submission):
    (folder / ANSWERS_FILENAME).write_bytes(b"{oops")
    nb, _ = grade(source_nb, resources)
    source = by_grade_id(nb)["m99-q8"].source
    params = {"error": "JSONDecodeError"}
    assert source.endswith(
        f"*{message('file_corrupt_grading', 'ar', **params)} · {message('file_corrupt_grading', 'en', **params)}*\n")
    assert task_grade(submission) == (0.0, None, False)


# -- feedback: no hidden test or mark scheme, wherever it stands -----------------------

def _leaky_notebook(source_nb):
    plain_code = new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nKEY = {'answer': 'b'}\n### END HIDDEN TESTS\ny = 2")
    plain_md = new_markdown_cell("Hello\n### BEGIN MARK SCHEME\nRubric: secret\n### END MARK SCHEME\nBye")
    pasted = new_markdown_cell("### BEGIN HIDDEN TESTS\nKEY = {'answer': 'c'}\n### END HIDDEN TESTS")
    assert all("nbgrader" not in c.metadata for c in (plain_code, plain_md, pasted))
    nb = new_notebook(cells=[*source_nb.cells, plain_code, plain_md, pasted])
    return nb, plain_code, plain_md


def test_redact_hidden_tests_and_mark_scheme_from_every_cell(source_nb):
    nb, plain_code, plain_md = _leaky_notebook(source_nb)
    nb, _ = RedactHiddenTests().preprocess(nb, {})
    nb, _ = RedactMarkScheme().preprocess(nb, {})
    text = "\n".join(c.source for c in nb.cells)
    for leak in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "KEY =", "BEGIN MARK SCHEME", "Rubric"):
        assert leak not in text
    assert plain_code.source == "x = 1\ny = 2"
    assert plain_md.source == "Hello\nBye"
    cells = by_grade_id(nb)
    assert cells["m99-q1"].source == 'status("m99.q1")'
    assert cells["lab-double-test"].source == "assert double(2) == 4"
    assert "✍ <b>m99.q8</b> — a written answer your instructor grades." in cells["m99-q8"].source


def test_nbgraders_own_redaction_fails_on_cells_without_metadata(source_nb):
    """Why RedactHiddenTests and RedactMarkScheme exist."""
    nb, _, _ = _leaky_notebook(source_nb)
    with pytest.raises(RuntimeError, match="non-grade cell"):
        ClearHiddenTests().preprocess(nb, {})
    nb, _, _ = _leaky_notebook(source_nb)
    with pytest.raises(RuntimeError, match="non-grade cell"):
        ClearMarkScheme().preprocess(nb, {})


# -- restoring test cells a trainee removed ---------------------------------------

@pytest.fixture
def released(submission):
    """The notebook trainees get (what a submission starts from)."""
    return nbformat.read(str(submission.step("release") / MODULE / f"{MODULE}.ipynb"), as_version=4)


def _strip(nb, grade_id: str):
    cell = by_grade_id(nb)[grade_id]
    cell.metadata.pop("nbgrader")
    cell.source = 'print("full marks")'
    return cell


def _gradebook_source(layout, name: str) -> str:
    with Gradebook(layout.db_url) as gb:
        return gb.find_source_cell(name, MODULE, MODULE).source


def _ids(nb) -> list:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_restore_cells_puts_a_stripped_test_cell_back_after_its_exercise(released, resources, submission):
    stripped = _strip(released, "m99-q1")
    count = len(released.cells)
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    ids = _ids(nb)
    assert ids.count("m99-q1") == 1
    where = ids.index("m99-q1")
    assert ids[where - 1] == "m99-q1-widget"
    restored = nb.cells[where]
    assert "KEY = {'answer': 'b'}" in restored.source
    assert restored.source.endswith(_gradebook_source(submission, "m99-q1"))
    meta = restored.metadata["nbgrader"]
    assert meta["grade"] is True and meta["solution"] is False and meta["locked"] is True
    assert float(meta["points"]) == 1.0
    assert len(nb.cells) == count + 1
    assert stripped in nb.cells  # the trainee's cell stays, ungraded


def test_nbgrader_overwrite_cells_fails_there(released, resources):
    """Why RestoreCells exists: nbgrader 0.9 looks for the previous *grade or
    solution* cell and fails when it is an ordinary locked cell."""
    _strip(released, "m99-q1")
    with pytest.raises(KeyError, match="m99-q1-widget"):
        OverwriteCells(add_missing_cells=True).preprocess(released, resources)


def test_restore_cells_restores_several_cells(released, resources):
    for grade_id in ("m99-q1", "m99-q2", "m99-q7"):
        _strip(released, grade_id)
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    ids = _ids(nb)
    for grade_id in ("m99-q1", "m99-q2", "m99-q7"):
        assert ids.count(grade_id) == 1
        assert ids[ids.index(grade_id) - 1] == f"{grade_id}-widget"


def test_restore_cells_uses_the_nearest_earlier_cell_still_present(released, resources):
    released.cells = [c for c in released.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") not in ("m99-q2-widget", "m99-q2")]
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    ids = _ids(nb)
    assert ids[ids.index("m99-q2") - 1] == "m99-q1"


def test_restore_cells_puts_a_cell_first_when_nothing_before_it_remains(released, resources):
    first_grade = _strip(released, "m99-q1")
    for cell in released.cells[:released.cells.index(first_grade)]:
        cell.metadata.pop("nbgrader")
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    assert nb.cells[0].metadata["nbgrader"]["grade_id"] == "m99-q1"


def test_restore_cells_changes_nothing_in_a_complete_submission(released, resources):
    before = _ids(released)
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    assert _ids(nb) == before


def test_a_restored_cell_is_scored(released, resources, folder):
    _strip(released, "m99-q1")
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(released, resources)
    write_answers(folder, PERFECT)
    nb, _ = grade(nb, resources)
    cells = by_grade_id(nb)
    assert all(determine_grade(cells[g]) == (p, p) for g, p in WIDGET_POINTS.items())


# -- keys never reach the trainee's kernel; stray markers never stop feedback -----------

def test_widget_keys_are_removed_before_the_kernel_runs(source_nb):
    from grading.preprocessors import HideWidgetKeys

    nb, _ = HideWidgetKeys().preprocess(source_nb, {})
    cells = by_grade_id(nb)
    for grade_id in WIDGET_POINTS:
        assert "KEY" not in cells[grade_id].source and "HIDDEN TESTS" not in cells[grade_id].source
        assert cells[grade_id].source.startswith("status(")
    # ordinary nbgrader hidden tests (analyst labs) still run in the kernel
    assert "assert double(5) == 10" in cells["lab-double-test"].source


@pytest.mark.parametrize("source, kept", [
    ("print(1)\n### BEGIN HIDDEN TESTS\nKEY = 1", "print(1)\n"),
    ("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS", ""),
    ("a\nb\n### BEGIN MARK SCHEME\nrubric", "a\nb\n"),
])
def test_a_stray_marker_pasted_by_a_trainee_is_cut_not_fatal(source, kept):
    from nbformat.v4 import new_code_cell

    from grading.preprocessors import RedactHiddenTests, RedactMarkScheme

    nb = nbformat.v4.new_notebook(cells=[new_code_cell(source)])
    for redact in (RedactHiddenTests(), RedactMarkScheme()):
        nb, _ = redact.preprocess(nb, {})
    assert nb.cells[0].source == kept


def test_a_data_dependent_key_is_computed_for_the_graded_trainee(source_nb, resources, folder, submission):
    from curriculum import synthetic

    peak = synthetic.weekly_screen_time(trainee=STUDENT)["peak_hours"]
    with Gradebook(submission.db_url) as gb:
        gb.find_source_cell("m99-q6", MODULE, MODULE).source = (
            'status("m99.q6")\n### BEGIN HIDDEN TESTS\n'
            'KEY = {"answer": {"$data": "curriculum.synthetic:weekly_screen_time", "$pick": "peak_hours"},'
            ' "tolerance": 0.05, "unit": "days"}\n### END HIDDEN TESTS')
        gb.db.commit()
    answers = dict(PERFECT, **{"m99.q6": {"number": peak, "unit": "days"}})
    write_answers(folder, answers)
    cells = by_grade_id(grade(source_nb, resources)[0])
    assert determine_grade(cells["m99-q6"]) == (1.0, 1.0)
    write_answers(folder, dict(PERFECT, **{"m99.q6": {"number": peak + 1, "unit": "days"}}))
    cells = by_grade_id(grade(nbformat.read(str(FIXTURE_NB), as_version=4), resources)[0])
    assert determine_grade(cells["m99-q6"]) == (0.0, 1.0)


def test_the_rubric_is_shown_to_graders_under_the_answer_and_never_in_feedback(
        source_nb, resources, folder, submission, monkeypatch):
    from grading import rubrics
    from grading.preprocessors import RedactMarkScheme

    monkeypatch.setattr(rubrics, "rubric", lambda item: "1 pt: names reports are not victims" if item == "m99.q8" else None)
    write_answers(folder, dict(PERFECT, **{"m99.q8": "Reports are not victims."}))
    nb, _ = grade(source_nb, resources)
    task = by_grade_id(nb)["m99-q8"]
    assert task.source.index("Reports are not victims") < task.source.index("1 pt: names reports")
    nb, _ = RedactMarkScheme().preprocess(nb, {})
    assert "1 pt: names reports" not in by_grade_id(nb)["m99-q8"].source
    assert "Reports are not victims" in by_grade_id(nb)["m99-q8"].source


def test_graded_kernel_knows_whose_submission_it_runs(tmp_path, monkeypatch):
    """A lab's data is seeded by the trainee's id: the grading kernel must have the student's, not the grader's."""
    monkeypatch.setenv("HIMAYA_TRAINEE", "the-instructor")
    nb = new_notebook(cells=[new_code_cell("from curriculum.settings import settings\nprint(settings.trainee)")])
    resources = {"nbgrader": {"student": "t-amal", "assignment": "m99-fixture", "notebook": "n"},
                 "metadata": {"path": str(tmp_path)}}
    nb, _ = ExecuteAsTrainee(timeout=60).preprocess(nb, resources)
    assert nb.cells[0].outputs[0]["text"].strip() == "t-amal"


def _graded_cell(grade_id, **meta):
    cell = new_code_cell("pass")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                 "grade_id": grade_id, "schema_version": 3, **meta}
    return cell


def test_metadata_check_still_finds_duplicates_and_bad_cells_after_caching():
    from nbgrader.nbgraderformat import ValidationError

    from grading.preprocessors import CheckCellMetadata

    check = CheckCellMetadata()
    check.preprocess(new_notebook(cells=[_graded_cell("a"), _graded_cell("b")]), {})  # valid: cached
    with pytest.raises(ValidationError):  # the same, cached cells twice in one notebook
        check.preprocess(new_notebook(cells=[_graded_cell("a"), _graded_cell("a")]), {})
    bad = _graded_cell("c")
    del bad.metadata["nbgrader"]["points"]
    with pytest.raises(ValidationError):
        check.preprocess(new_notebook(cells=[_graded_cell("a"), bad]), {})
    with pytest.raises(ValidationError):  # a schema violation nbgrader's own check catches
        check.preprocess(new_notebook(cells=[_graded_cell("d", points="many")]), {})


@pytest.mark.parametrize("language", ["en", "ar"])
def test_graded_kernel_speaks_the_language_the_trainee_chose(tmp_path, monkeypatch, language):
    """A lab's checks fail with a message in the trainee's language (from the answers file's snapshot)."""
    monkeypatch.setenv("HIMAYA_LANG", "ar" if language == "en" else "en")
    nb = new_notebook(cells=[new_code_cell("from curriculum.settings import settings\nprint(settings.language)")])
    resources = {"nbgrader": {"student": "t-amal", "assignment": "m99-fixture", "notebook": "n"},
                 "metadata": {"path": str(tmp_path)},
                 "himaya_answers": Answers(trainee="t-amal", language=language)}
    nb, _ = ExecuteAsTrainee(timeout=60).preprocess(nb, resources)
    assert nb.cells[0].outputs[0]["text"].strip() == language


def test_the_answers_scored_are_kept_for_the_feedback_page(source_nb, resources, folder):
    """grading/feedback/teach.py shows these, not the answers file a trainee's cell may rewrite after it was read."""
    from grading.feedback.teach import answers_scored

    write_answers(folder, PERFECT, language="en")
    nb, _ = grade(source_nb, resources)
    write_answers(folder, dict(PERFECT, **{"m99.q1": "a"}), language="en")  # rewritten after the snapshot
    kept = nb.metadata["himaya"]["scored"]
    assert kept == {"problem": None, "values": PERFECT}
    assert answers_scored(kept, STUDENT).value("m99.q1") == "b"
    write_answers(folder, PERFECT, trainee="someone-else")
    nb, _ = grade(nbformat.read(str(FIXTURE_NB), as_version=4), resources)
    found = answers_scored(nb.metadata["himaya"]["scored"], STUDENT)
    assert found.problem.key == "file_foreign" and found.value("m99.q1") is None


def test_the_rubric_reads_well_in_formgrader_and_still_never_reaches_feedback(
        source_nb, resources, folder, monkeypatch):
    """Its title is no page heading, each Arabic line is its own right-to-left block, the region's markers are
    HTML comments (no 'BEGIN MARK SCHEME' headings in formgrader) that RedactMarkScheme still finds."""
    from nbconvert.filters.markdown import markdown2html

    from grading import rubrics
    from grading.preprocessors import RedactMarkScheme

    guide = ("# m99.q8 — reports\n\n**Rubric (3 points) · معايير التقييم (3 درجات)**\n\n"
             "1. **1 pt — reports.** Says so (NCMEC too).\n   درجة واحدة: يوضّح ذلك (وهذا ما يقوله NCMEC نفسه).\n")
    monkeypatch.setattr(rubrics, "rubric", lambda item: guide if item == "m99.q8" else None)
    write_answers(folder, dict(PERFECT, **{"m99.q8": "Reports are not victims."}))
    nb, _ = grade(source_nb, resources)
    task = by_grade_id(nb)["m99-q8"]
    shown = markdown2html(task.source.split("Reports are not victims.", 1)[1])
    assert "<h1" not in shown and "<h3" not in shown and "MARK SCHEME</h" not in shown
    assert "<strong>m99.q8 — reports</strong>" in shown
    assert '<span dir="rtl" lang="ar" style="display: block">درجة واحدة: يوضّح ذلك (وهذا ما يقوله NCMEC نفسه).</span>' in shown
    assert '<span dir="rtl" lang="ar" style="display: block"><strong>معايير التقييم (3 درجات)</strong></span>' in shown
    nb, _ = RedactMarkScheme().preprocess(nb, {})
    kept = by_grade_id(nb)["m99-q8"].source
    assert "Reports are not victims" in kept
    for leak in ("MARK SCHEME", "Rubric", "معايير", "درجة واحدة"):
        assert leak not in kept
