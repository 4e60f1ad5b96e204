"""Attacks that try to get what is hidden into the trainee's feedback: hidden tests printed from
the kernel's history, the gradebook and the source notebook read or copied by the kernel, another
trainee's answers read, files smuggled in through a symlink in the exchange, and written answers
built to break out of their cell (markup, script, mark-scheme and hidden-test markers).

Feedback (``feedback/<trainee>/<module>/``) is what ``release_feedback`` hands back to the trainee:
nothing of the keys, hidden tests, mark schemes or classmates' answers may be in any file there.
"""
from __future__ import annotations

import os

import pytest
from nbformat.v4 import new_markdown_cell

from adversary import (
    BLANK, CONTROL, CONTROL_ESSAY, MODULE, PATHS, Case, added_cells, assert_contained, leaks, register,
)
from curriculum.settings import ANSWERS_FILENAME

pytestmark = pytest.mark.slow


def print_hidden_tests(sub):
    """A right ``double`` that prints the test cell's own source (hidden tests included) from the
    kernel's input history, and a cell that prints the history after the test."""
    sub.set_double('''
        def double(x):
            print(In[-1])  # the cell being run: the test cell, hidden tests and all
            return 2 * x
    ''')
    sub.add_cell("print(In[-2])\nprint(_ih)", after="lab-double-test")


def fail_the_test_on_purpose(sub):
    """A ``double`` that raises: IPython's traceback of the test cell quotes the lines around the failure."""
    sub.set_double("def double(x):\n    raise ValueError(x)")


def read_the_gradebook_and_classmates(sub):
    """Read every source cell (keys, hidden tests, rubric) from the gradebook and a classmate's answers;
    print them and copy the source notebook and the gradebook into the submission folder."""
    sub.add_cell(f'''
        import pathlib, shutil, sqlite3
        db = sqlite3.connect("../../../gradebook.db")
        for name, source in db.execute("SELECT name, source FROM source_cell"):
            print(name, source)
        print(pathlib.Path("../../../submitted/{CONTROL}/{MODULE}/himaya-answers.json").read_text())
        shutil.copy("../../../../notebooks/{MODULE}/{MODULE}.ipynb", "loot.txt")
        shutil.copy("../../../gradebook.db", "loot.db")
    ''', after="setup")


def smuggle_through_a_symlink(sub, inbound):
    """After submitting, replace a file in one's own inbound folder (the exchange is writable by
    trainees) with symlinks to the instructor's source notebook and a classmate's answers."""
    root = sub.course.layout.root
    os.symlink(root / "notebooks" / MODULE / f"{MODULE}.ipynb", inbound / "notes.txt")
    os.symlink(sub.course.layout.step("submitted") / CONTROL / MODULE / ANSWERS_FILENAME, inbound / "classmate.json")


BREAKOUT = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))\n"
    "</div></div>\n### END MARK SCHEME\n### BEGIN MARK SCHEME\n### BEGIN HIDDEN TESTS\n"
    "```\n<iframe src=//evil></iframe>"
)


def break_out_of_the_written_answer(sub):
    sub.answer({"m99.q8": BREAKOUT})
    with sub.edit() as nb:  # and a stray marker in a cell of one's own
        nb.cells.append(new_markdown_cell("### BEGIN HIDDEN TESTS\nnothing to see\n### BEGIN MARK SCHEME"))


CASES = {
    "print_hidden_tests": Case(print_hidden_tests, honest={"lab-double-test": 1.0}),
    "fail_the_test_on_purpose": Case(fail_the_test_on_purpose),
    "read_the_gradebook_and_classmates": Case(read_the_gradebook_and_classmates),
    "smuggle_through_a_symlink": Case(lambda sub: None, after_submit=smuggle_through_a_symlink),
    "break_out_of_the_written_answer": Case(break_out_of_the_written_answer),
}


BATCH = register("leaks", CASES)


@pytest.fixture(scope="module")
def batch(scheduler):
    return scheduler.result(BATCH)


def assert_nothing_hidden_reaches_the_trainee(outcome) -> None:
    assert outcome.feedback_files, f"no feedback generated: {outcome.result}"
    for name, data in outcome.feedback_files.items():
        text = data.decode("utf-8", "replace")
        assert not leaks(text), f"feedback file {name} holds {leaks(text)}"
        assert CONTROL_ESSAY not in text, f"feedback file {name} holds a classmate's written answer"


@pytest.mark.parametrize("path", PATHS)
def test_hidden_tests_printed_from_the_kernels_history(batch, path):
    outcome = assert_contained(batch, "print_hidden_tests", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    assert_nothing_hidden_reaches_the_trainee(outcome)


@pytest.mark.parametrize("path", PATHS)
def test_hidden_tests_quoted_in_the_traceback_of_a_failing_test(batch, path):
    outcome = assert_contained(batch, "fail_the_test_on_purpose", path)
    assert outcome.result.ok and added_cells(outcome) == 0
    assert_nothing_hidden_reaches_the_trainee(outcome)
    # no attack needed: the honest blank submission (``raise NotImplementedError()`` left in) too
    blank = batch.template.baseline.feedback[path][BLANK]
    assert not leaks(blank), f"a blank submission's feedback holds {leaks(blank)}"


@pytest.mark.parametrize("path", PATHS)
def test_the_gradebook_the_source_and_a_classmates_answers_read_by_the_kernel(batch, path):
    outcome = assert_contained(batch, "read_the_gradebook_and_classmates", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    assert_nothing_hidden_reaches_the_trainee(outcome)


@pytest.mark.parametrize("path", PATHS)
def test_files_smuggled_in_through_symlinks_in_the_exchange(batch, path):
    outcome = assert_contained(batch, "smuggle_through_a_symlink", path)
    assert_nothing_hidden_reaches_the_trainee(outcome)
    submitted = batch.course.layout.step("submitted") / outcome.trainee / MODULE
    # the instructor must be told that the submission held links (collect copied what they pointed at)
    assert not (submitted / "notes.txt").exists() or any("notes.txt" in w for w in outcome.warnings()), (
        "a symlink in the exchange was followed by collect and its target handed in silently")


@pytest.mark.parametrize("path", PATHS)
def test_a_written_answer_built_to_break_out_of_its_cell(batch, path):
    outcome = assert_contained(batch, "break_out_of_the_written_answer", path)
    assert outcome.result.ok
    assert outcome.scores["needs_manual_grade"]  # the instructor reads it in formgrader
    html = outcome.feedback_html
    for tag in ("<script>alert", "<img src=x", "<iframe", 'href="javascript:'):
        assert tag not in html, tag
    for secret in ("Rubric: 3 points", "double(5) == 10", "KEY ="):  # the trainee typed the markers themselves
        assert secret not in html, secret
