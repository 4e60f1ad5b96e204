"""Attacks through the submission's files and the grader's file system: a notebook that is not
JSON or not a notebook, a missing notebook, an extra notebook, a module that shadows the course
package, and a kernel that writes outside its submission folder (another trainee's submission,
the course's source folder, the gradebook).

The kernel runs in ``autograded/<trainee>/<module>/`` as the grader's own user: the course's
folders are reachable by relative paths (``../../../gradebook.db`` and so on, the same in the
course's real layout).  Attacks that write into shared folders each get a course of their own.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from adversary import (
    CONTROL, MODULE, PATHS, PERFECT, Case, added_cells, assert_contained, fingerprint, flagged_naming,
    register,
)

pytestmark = pytest.mark.slow


def not_json(sub):
    sub.notebook.write_text('{"cells": [ this is not JSON', encoding="utf-8")


def not_a_notebook(sub):
    sub.notebook.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": "all of them", "metadata": 7}),
                            encoding="utf-8")


def missing_notebook(sub):
    sub.notebook.unlink()


def extra_notebook(sub):
    """A second notebook whose cells claim every grade id, with full marks in their outputs."""
    nb = sub.read()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "1.0"
    nbformat.write(nb, str(sub.folder / "bonus.ipynb"))


SHADOW = '''
# a "curriculum" package handed in beside the notebook: the grader's kernel imports it first
def _no_asserts(lines):
    return ["pass\\n"] if any("assert" in line for line in lines) else lines
get_ipython().input_transformers_post.append(_no_asserts)
def start(module): return None
def status(item_id): print("Score: 2 of 2")
class _Anything:
    def __getattr__(self, name): return lambda *a, **k: None
exercises = _Anything()
'''


def shadow_the_course_package(sub):
    package = sub.folder / "curriculum"
    package.mkdir()
    (package / "__init__.py").write_text(SHADOW, encoding="utf-8")


CASES = {
    "notebook_not_json": Case(not_json),
    "notebook_not_a_notebook": Case(not_a_notebook),
    "missing_notebook": Case(missing_notebook),
    "extra_notebook": Case(extra_notebook),
    "shadow_the_course_package": Case(shadow_the_course_package),
}


BATCH = register("files", CASES)


@pytest.fixture(scope="module")
def batch(scheduler):
    return scheduler.result(BATCH)


@pytest.mark.parametrize("path", PATHS)
def test_a_notebook_that_is_not_json(batch, path):
    outcome = assert_contained(batch, "notebook_not_json", path)
    assert not outcome.result.ok and "NotJSONError" in outcome.result.detail, outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_a_notebook_that_is_not_a_notebook(batch, path):
    outcome = assert_contained(batch, "notebook_not_a_notebook", path)
    assert not outcome.result.ok and "ValidationError" in outcome.result.detail, outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_a_missing_notebook(batch, path):
    outcome = assert_contained(batch, "missing_notebook", path)
    assert not outcome.result.ok and "No notebooks were matched" in outcome.result.detail, outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_an_extra_notebook_claiming_the_grade_cells(batch, path):
    outcome = assert_contained(batch, "extra_notebook", path)
    assert outcome.result.ok
    assert any("Skipping unknown notebook" in w and "bonus.ipynb" in w for w in outcome.warnings())


@pytest.mark.parametrize("path", PATHS)
def test_a_module_shadowing_the_course_package(batch, path):
    """No cell was added; the attack sits in a file the kernel imports instead of ``curriculum``."""
    outcome = assert_contained(batch, "shadow_the_course_package", path)
    assert flagged_naming(outcome, "curriculum"), (
        "a Python package handed in beside the notebook is neither removed nor reported",
        outcome.audit, outcome.warnings())


# -- a kernel that writes outside its submission folder: one course per attack ------------------

def write_into_classmates_submission(sub):
    """Blank a classmate's submitted answers (graded later) and plant right answers in one's own."""
    sub.add_cell(f'''
        import json, pathlib
        submitted = pathlib.Path("../../../submitted")
        (submitted / "{CONTROL}" / "{MODULE}" / "himaya-answers.json").write_text(
            json.dumps({{"schema": 1, "trainee": "{CONTROL}", "answers": {{}}}}))
        mine = {{"schema": 1, "trainee": "{sub.trainee}",
                 "answers": {{k: {{"value": v}} for k, v in {PERFECT!r}.items()}}}}
        (submitted / "{sub.trainee}" / "{MODULE}" / "himaya-answers.json").write_text(json.dumps(mine))
    ''', after="setup")


def write_into_the_source_folder(sub):
    """A file in the module's source folder is copied over every later submission's file of that name."""
    sub.add_cell(f'''
        import json, pathlib
        pathlib.Path("../../../../notebooks/{MODULE}/himaya-answers.json").write_text(
            json.dumps({{"schema": 1, "trainee": "{sub.trainee}", "answers": {{}}}}))
    ''', after="setup")


def write_into_the_gradebook(sub):
    """Manual scores override automatic ones in nbgrader: full marks for oneself, zero for a classmate."""
    sub.add_cell(f'''
        import sqlite3
        db = sqlite3.connect("../../../gradebook.db")
        for student, score in (("{sub.trainee}", "grade_cells.max_score"), ("{CONTROL}", "0")):
            db.execute(f"""
                UPDATE grade SET manual_score = (
                    SELECT {{score}} FROM grade_cells WHERE grade_cells.id = grade.cell_id)
                WHERE notebook_id IN (
                    SELECT submitted_notebook.id FROM submitted_notebook
                    JOIN submitted_assignment ON submitted_assignment.id = submitted_notebook.assignment_id
                    WHERE submitted_assignment.student_id = ?)""", (student,))
        db.commit()
    ''', after="setup")


WRITERS = {
    "write_into_classmates_submission": write_into_classmates_submission,
    "write_into_the_source_folder": write_into_the_source_folder,
    "write_into_the_gradebook": write_into_the_gradebook,
}


#: each writer in a course of its own, graded on the executing path (nothing runs otherwise)
for _name, _mutate in WRITERS.items():
    register(_name, {_name: Case(_mutate, paths=("executing",))}, paths=("executing",))


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_kernel_writing_outside_its_submission_folder(scheduler, name):
    batch = scheduler.result(name)
    outcome = assert_contained(batch, name, "executing")
    assert added_cells(outcome) == 1
    after = fingerprint(Path(p) for p in batch.fingerprints)
    changed = sorted(p for p, digest in after.items() if batch.fingerprints[p] != digest)
    assert not changed, f"grading one trainee changed the course's files: {changed}"
