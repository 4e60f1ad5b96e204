"""Tampering with the cells the course owns: test cells edited, deleted, duplicated, stripped,
re-typed, re-weighted, given forged outputs; grade cells invented.

Every attacker hands in a blank submission plus the attack: whatever they did,
they must earn what a blank submission earns, on both grading paths.
"""
from __future__ import annotations

import copy
import uuid

import pytest
from nbformat.v4 import new_code_cell, new_output

from adversary import (
    CONTROL, GRADE_IDS, MODULE, PATHS, PERFECT, POINTS, WIDGET_GRADE_IDS, Case, added_cells, assert_contained,
    cell_of, flagged_naming, index_of, register,
)

pytestmark = pytest.mark.slow


def edit_test_cells(sub):
    with sub.edit() as nb:
        cell_of(nb, "m99-q1").source = 'print("Score: 1 of 1")\n1.0'
        cell_of(nb, "m99-q2").source = "status = lambda *a: None\n2"
        cell_of(nb, "lab-double-test").source = "pass"


def delete_test_cells(sub):
    with sub.edit() as nb:
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in GRADE_IDS]


def duplicate_test_cells(sub):
    """A doctored copy placed AFTER the original: nbgrader keeps the last cell with an id."""
    with sub.edit() as nb:
        for grade_id, doctored in (("m99-q1", 'print("Score: 1 of 1")'), ("lab-double-test", "pass")):
            copy_ = copy.deepcopy(cell_of(nb, grade_id))
            copy_.source = doctored
            copy_["id"] = uuid.uuid4().hex[:8]
            nb.cells.insert(index_of(nb, grade_id) + 1, copy_)


def duplicate_a_test_cell_by_accident(sub):
    """An honest trainee copies and pastes a test cell in JupyterLab (its metadata comes along)."""
    sub.answer(PERFECT)
    sub.set_double("def double(x):\n    return 2 * x")
    with sub.edit() as nb:
        copy_ = copy.deepcopy(cell_of(nb, "m99-q1"))
        copy_["id"] = uuid.uuid4().hex[:8]
        nb.cells.insert(index_of(nb, "m99-q1") + 1, copy_)


def strip_test_cell_metadata(sub):
    with sub.edit() as nb:
        for grade_id in GRADE_IDS:
            cell = cell_of(nb, grade_id)
            cell.metadata.pop("nbgrader")
            cell.source = 'print("full marks")\n1.0'


def change_points(sub):
    with sub.edit() as nb:
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                meta["points"] = 100


def change_cell_types(sub):
    """A test cell turned into Markdown never runs, so it cannot fail; a task cell turned into code."""
    with sub.edit() as nb:
        for grade_id in ("lab-double-test", "m99-q1"):
            cell = cell_of(nb, grade_id)
            cell.cell_type = "markdown"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        task = cell_of(nb, "m99-q8")
        task.cell_type, task.source, task.outputs, task.execution_count = "code", "print(3)\n3", [], None


def flip_metadata_flags(sub):
    """Test cells declared not graded, or a written answer (solution), or unlocked and edited."""
    with sub.edit() as nb:
        cell_of(nb, "lab-double-test").metadata["nbgrader"]["grade"] = False
        cell_of(nb, "lab-double-test").source = "pass"
        cell_of(nb, "m99-q1").metadata["nbgrader"]["grade"] = False
        cell_of(nb, "m99-q2").metadata["nbgrader"]["solution"] = True
        cell_of(nb, "m99-q2").source = "2.0"
        cell_of(nb, "m99-q3").metadata["nbgrader"]["locked"] = False
        cell_of(nb, "m99-q3").source = "2.0"


def forge_outputs(sub):
    """Saved outputs that look like full marks: an execute_result with the points, a score message."""
    with sub.edit() as nb:
        for grade_id in GRADE_IDS:
            cell = cell_of(nb, grade_id)
            points = cell.metadata["nbgrader"]["points"]
            cell.execution_count = 9
            cell.outputs = [
                new_output("display_data", data={"text/plain": f"Score: {points} of {points}"}),
                new_output("execute_result", data={"text/plain": str(points)}, execution_count=9),
            ]


def invent_grade_cells(sub):
    """New cells carrying grade metadata of items that do not exist, worth many points."""
    with sub.edit() as nb:
        for grade_id in ("m99-q9", "lab-bonus"):
            cell = new_code_cell("print(100)\n100")
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": 100,
                                         "schema_version": 3, "solution": False, "task": False}
            nb.cells.insert(index_of(nb, "lab-double-test") + 1, cell)


#: what an honest trainee who answered everything right earns (the written answer awaits the instructor)
HONEST_ALL = {g: p for g, p in POINTS.items() if g != "m99-q8"}

CASES = {
    "edit_test_cells": Case(edit_test_cells),
    "delete_test_cells": Case(delete_test_cells),
    "duplicate_test_cells": Case(duplicate_test_cells),
    "duplicate_a_test_cell_by_accident": Case(duplicate_a_test_cell_by_accident, honest=HONEST_ALL),
    "strip_test_cell_metadata": Case(strip_test_cell_metadata),
    "change_points": Case(change_points),
    "change_cell_types": Case(change_cell_types),
    "flip_metadata_flags": Case(flip_metadata_flags),
    "forge_outputs": Case(forge_outputs),
    "invent_grade_cells": Case(invent_grade_cells),
}


BATCH = register("cells", CASES)


@pytest.fixture(scope="module")
def batch(scheduler):
    return scheduler.result(BATCH)


def audit(outcome) -> dict:
    assert outcome.audit is not None, f"no audit file: {outcome.result}"
    return outcome.audit[MODULE]


@pytest.mark.parametrize("path", PATHS)
def test_edited_test_cells_are_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "edit_test_cells", path)
    assert outcome.result.ok
    assert audit(outcome)["edited_grade_cells"] == ["lab-double-test", "m99-q1", "m99-q2"]


@pytest.mark.parametrize("path", PATHS)
def test_deleted_test_cells_are_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "delete_test_cells", path)
    assert outcome.result.ok
    assert audit(outcome)["missing_grade_cells"] == sorted(GRADE_IDS)
    for grade_id in GRADE_IDS:  # put back, and graded
        assert outcome.cell(grade_id) is not None
        assert f"Missing grade cell {grade_id} encountered" in outcome.log


@pytest.mark.parametrize("path", PATHS)
def test_a_doctored_duplicate_of_a_test_cell_is_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "duplicate_test_cells", path)
    assert outcome.result.ok
    assert {"m99-q1", "lab-double-test"} <= set(audit(outcome)["edited_grade_cells"])
    for grade_id in ("m99-q1", "lab-double-test"):
        assert f"Cell with id '{grade_id}' exists multiple times!" in outcome.log


@pytest.mark.parametrize("path", PATHS)
def test_a_test_cell_pasted_twice_by_an_honest_trainee_still_gets_graded(batch, path):
    """Copy-paste of a cell is an everyday accident; it must not cost the trainee their grade."""
    outcome = assert_contained(batch, "duplicate_a_test_cell_by_accident", path)
    assert outcome.result.ok, f"grading failed for an honest submission: {outcome.result.detail}"
    assert outcome.items == batch.template.baseline.scores[path][CONTROL]["items"]
    assert "Cell with id 'm99-q1' exists multiple times!" in outcome.log


@pytest.mark.parametrize("path", PATHS)
def test_test_cells_stripped_of_their_metadata_are_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "strip_test_cell_metadata", path)
    assert outcome.result.ok
    assert audit(outcome)["missing_grade_cells"] == sorted(GRADE_IDS)
    assert added_cells(outcome) == len(GRADE_IDS)


@pytest.mark.parametrize("path", PATHS)
def test_changed_points_are_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "change_points", path)  # max_score unchanged is checked there
    assert outcome.result.ok
    for grade_id in GRADE_IDS:
        assert f"Attribute 'points' for cell {grade_id} has changed!" in outcome.log, grade_id


@pytest.mark.parametrize("path", PATHS)
def test_test_cells_of_another_type_are_restored_and_reported(batch, path):
    outcome = assert_contained(batch, "change_cell_types", path)
    assert outcome.result.ok
    for grade_id in ("lab-double-test", "m99-q1", "m99-q8"):
        assert f"Attribute 'cell_type' for cell {grade_id} has changed!" in outcome.log, grade_id
        assert outcome.cell(grade_id).cell_type == ("markdown" if grade_id == "m99-q8" else "code")


@pytest.mark.parametrize("path", PATHS)
def test_test_cells_declared_ungraded_or_unlocked_earn_nothing_and_are_reported(batch, path):
    outcome = assert_contained(batch, "flip_metadata_flags", path)
    # nbgrader refuses the submission at the first such cell ("Inconsistent checksums for cell m99-q1")
    assert flagged_naming(outcome, "m99-q1"), (outcome.result, outcome.audit, outcome.warnings())


@pytest.mark.parametrize("path", PATHS)
def test_forged_outputs_in_test_cells_earn_nothing_and_are_reported(batch, path):
    outcome = assert_contained(batch, "forge_outputs", path)
    assert outcome.result.ok
    # the grader must tell the instructor that saved outputs of test cells were forged
    assert flagged_naming(outcome, *GRADE_IDS), (
        "forged test-cell outputs are cleared silently: nothing in the audit or the log names them",
        outcome.audit, outcome.warnings())


@pytest.mark.parametrize("path", PATHS)
def test_invented_grade_cells_earn_nothing_and_are_reported(batch, path):
    outcome = assert_contained(batch, "invent_grade_cells", path)
    for grade_id in ("m99-q9", "lab-bonus"):
        assert f"Cell '{grade_id}' does not exist in the database" in outcome.log, grade_id
    assert set(outcome.items) <= set(GRADE_IDS) | {"m99-q8"}


def test_widget_items_of_every_attacker_earn_nothing(batch):
    """However the cells were changed, widget items are scored from the (absent) answers file."""
    for name, paths in batch.outcomes.items():
        if batch.cases[name].honest:
            continue
        for path, outcome in paths.items():
            for grade_id in WIDGET_GRADE_IDS:
                assert outcome.items.get(grade_id, 0.0) == 0.0, (name, path, grade_id)
