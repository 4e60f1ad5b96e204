"""Kernel-free grading (core modules, ``Course.autograde(..., execute=False)``) of submissions with cells removed.

The corpus's fixture grades code, so its cases are graded with a kernel; a core
module (widget items and written answers only) is graded without one, where
nbgrader's re-inserted cells are never written to disk and read back.  Here the
fixture is made a core module (its code exercise removed) and the cells a
trainee can remove are removed: the written-answer cell, its nbgrader metadata,
every test cell, or the whole notebook replaced by another module's.  Each must
be graded (no "FAILED"), earn no more than its honest answers, leave the control
untouched, and send the written answer to manual grading.
"""
from __future__ import annotations

import pytest

from adversary import (
    BLANK, CONTROL, CONTROL_ESSAY, MODULE, PERFECT, WIDGET_GRADE_IDS, Submission, cell_of, grade,
)
from core_course import grade_id as _grade_id, released_core
from fixture_answers import WIDGET_POINTS

PATH = "kernel-free"
ESSAY = "m99-q8"
ESSAY_POINTS = 3.0
HONEST_ESSAY = "A report count measures detection, not the number of children harmed."


def delete_the_written_answer_cell(sub):
    sub.answer({**PERFECT, "m99.q8": HONEST_ESSAY})
    with sub.edit() as nb:
        nb.cells = [c for c in nb.cells if _grade_id(c) != ESSAY]


def strip_the_written_answer_metadata(sub):
    sub.answer({**PERFECT, "m99.q8": HONEST_ESSAY})
    with sub.edit() as nb:
        cell_of(nb, ESSAY).metadata.pop("nbgrader")


def delete_every_test_cell(sub):
    sub.answer({**PERFECT, "m99.q8": HONEST_ESSAY})
    with sub.edit() as nb:
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")
                    and not c.metadata.get("nbgrader", {}).get("task")]


def strip_every_test_cell(sub):
    """Test cells stripped of their metadata and made to claim full marks (never run without a kernel)."""
    sub.answer({**PERFECT, "m99.q8": HONEST_ESSAY})
    with sub.edit() as nb:
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cell.metadata.pop("nbgrader")
                cell.source = 'print("full marks")\n1.0'


def hand_in_another_modules_notebook(sub):
    """Another module's notebook under this module's name: none of this module's cells, others' grade ids."""
    sub.answer(PERFECT)
    with sub.edit() as nb:
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta:
                meta["grade_id"] = meta["grade_id"].replace("m99", "m98")
                cell.source = cell.source.replace("m99", "m98")


#: name -> (attack, whether a written answer was written: it then waits for the instructor)
CASES = {
    "delete-essay": (delete_the_written_answer_cell, True),
    "strip-essay": (strip_the_written_answer_metadata, True),
    "delete-tests": (delete_every_test_cell, True),
    "strip-tests": (strip_every_test_cell, True),
    "other-module": (hand_in_another_modules_notebook, False),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("kernel-free-restore")
    course = released_core(root)
    assert not course.executes(MODULE), "the core fixture must be graded without a kernel"
    trainees = {CONTROL: None, BLANK: None, **{f"a-{name}": mutate for name, (mutate, _) in CASES.items()}}
    for trainee, mutate in trainees.items():
        sub = Submission(trainee, course.fetch(MODULE, trainee, root / "trainees" / trainee), course)
        if trainee == CONTROL:
            sub.answer({**PERFECT, "m99.q8": CONTROL_ESSAY})
        elif mutate is not None:
            mutate(sub)
        course.submit(MODULE, trainee, root / "trainees" / trainee)
    course.collect(MODULE)
    # attackers first, the references last: whatever an attack leaves behind reaches them
    return grade(course, [*(t for t in trainees if t not in (CONTROL, BLANK)), BLANK, CONTROL], PATH)


def test_the_references_are_graded_without_a_kernel(graded):
    control, blank = graded[CONTROL], graded[BLANK]
    assert control.escaped is None and control.result.ok, control.result
    assert blank.result.ok, blank.result
    assert control.items == {**WIDGET_POINTS, ESSAY: 0.0}
    assert control.scores["needs_manual_grade"]
    assert blank.total == 0.0


@pytest.mark.parametrize("name", list(CASES))
def test_a_submission_with_cells_removed_is_graded_without_a_kernel(graded, name):
    outcome = graded[f"a-{name}"]
    _, wrote = CASES[name]
    assert outcome.escaped is None, outcome.escaped
    assert outcome.result is not None and outcome.result.ok, f"not graded: {outcome.result.detail}"
    assert outcome.scores["max_score"] == sum(WIDGET_POINTS.values()) + ESSAY_POINTS
    assert set(outcome.items) == {*WIDGET_GRADE_IDS, ESSAY}, outcome.items
    for grade_id, earned in outcome.items.items():
        assert earned <= WIDGET_POINTS.get(grade_id, 0.0) + 1e-9, (grade_id, earned)  # honest answers only
    # the written answer came back, earns nothing by itself; written, it waits for the instructor (as the control's)
    assert outcome.items[ESSAY] == 0.0
    assert outcome.scores["needs_manual_grade"] == wrote
    for grade_id in [*WIDGET_GRADE_IDS, ESSAY]:  # every test cell and the written answer are in the graded notebook
        assert outcome.cell(grade_id) is not None, grade_id
    # the control is exactly as an honest trainee on its own
    assert graded[CONTROL].items == {**WIDGET_POINTS, ESSAY: 0.0}


def test_a_removed_written_answer_is_reported(graded):
    for name in ("delete-essay", "strip-essay", "other-module"):
        outcome = graded[f"a-{name}"]
        assert f"Missing task cell {ESSAY} encountered" in outcome.log, name
        assert ESSAY in outcome.audit[MODULE]["missing_grade_cells"], (name, outcome.audit)


def test_the_control_is_not_flagged(graded):
    assert graded[CONTROL].audit[MODULE]["missing_grade_cells"] == []
    assert graded[CONTROL].audit[MODULE]["edited_grade_cells"] == []
