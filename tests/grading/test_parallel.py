"""Parallel autograde gives exactly the serial scores, and an interrupted run resumes.

The fixture module grades code (an analyst-style exercise), so its notebooks
are executed: the path that runs in parallel processes.
"""
import shutil
from pathlib import Path

import pytest

from grading import demo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "course" / "notebooks"
PERSONAS = ["t-perfect", "t-partial", "t-blank", "t-tamper", "t-wrong"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("parallel")
    shutil.copytree(FIXTURES, root / "notebooks")
    return demo.run(work="build", root=root, personas=PERSONAS, progress=False)


def test_parallel_scores_equal_serial_scores(graded):
    course = graded.course
    assert course.executes("m99-fixture")
    serial = course.scores("m99-fixture")
    results = course.autograde("m99-fixture", progress=False, jobs=2)
    assert [r.trainee for r in results] == sorted(PERSONAS) and all(r.ok for r in results)
    parallel = course.scores("m99-fixture")
    assert {t: s["items"] for t, s in parallel.items()} == {t: s["items"] for t, s in serial.items()}
    assert {t: s["score"] for t, s in parallel.items()} == {t: s["score"] for t, s in serial.items()}
    # the fixture's code exercise, scored in the kernel: only t-perfect writes its solution
    assert {t: s["items"]["lab-double-test"] for t, s in parallel.items()} == {
        t: (1.0 if t == "t-perfect" else 0.0) for t in PERSONAS}


def test_a_rerun_without_force_skips_finished_work(graded):
    course = graded.course
    assert course.autograde("m99-fixture", progress=False, force=False, jobs=2) == []
    # an interrupted run: one trainee's grading never completed
    (course.layout.step("autograded") / "t-partial" / "m99-fixture" / ".himaya-graded").unlink()
    before = course.scores("m99-fixture")
    rerun = course.autograde("m99-fixture", progress=False, force=False, jobs=2)
    assert [r.trainee for r in rerun] == ["t-partial"] and rerun[0].ok
    assert course.scores("m99-fixture") == before


def test_a_new_submission_is_graded_again(graded):
    course = graded.course
    stamp = course.layout.step("submitted") / "t-blank" / "m99-fixture" / "timestamp.txt"
    stamp.write_text("2031-01-01 00:00:00.000000 UTC")
    assert [r.trainee for r in course.autograde("m99-fixture", progress=False, force=False)] == ["t-blank"]


def test_a_written_item_without_a_rubric_is_named_and_left_for_a_person(graded):
    """The fixture's written item has no rubric: the demo's graders cannot open it on the grading page, so the
    demo says what to write and leaves those answers ungraded (never a score no one gave)."""
    problems = [(m, r.detail) for m, r in graded.failures if "rubric" in r.detail]
    assert problems == [("m99-fixture", "m99.q8: no rubric; write grading/rubrics/m99.q8.md "
                                        "(its answers wait in formgrader)")]
    assert graded.marked["m99-fixture"] == {}
    assert graded.course.scores("m99-fixture")["t-perfect"]["needs_manual_grade"]  # its written answer waits
