"""Grading without a kernel in one pass gives what nbgrader's two passes give, notebook for notebook."""
from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from curriculum.settings import ANSWERS_FILENAME
from grading.autograde import OnePassAPI
from grading.bench.autograde import make_submissions
from grading.config import REPO, Layout, configure
from grading.course import Course
from grading.gradebook import shared_engines

MODULE = "m01-digital-world"  # widget items of several kinds and a written answer


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Eight submissions of a widget-only module, two of them damaged the ways the grader must repair."""
    root = tmp_path_factory.mktemp("onepass")
    shutil.copytree(REPO / "notebooks" / MODULE, root / "notebooks" / MODULE)
    course = Course(Layout(root=root, work="build"))
    course.release(MODULE)
    trainees = make_submissions(course, MODULE, 8, seed=3)
    submitted = course.layout.step("submitted")
    # t000 deletes a graded cell and adds a cell of code; t001 hands in an answers file that is not JSON
    path = submitted / "t000" / MODULE / f"{MODULE}.ipynb"
    nb = nbformat.read(path, as_version=4)
    graded = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]
    del nb.cells[graded[1]]
    nb.cells.append(nbformat.v4.new_code_cell("print('extra')"))
    nbformat.write(nb, path)
    (submitted / "t001" / MODULE / ANSWERS_FILENAME).write_text("{not json")
    return course, trainees


def _grade(course: Course, trainees: list[str], api_class) -> dict:
    """Grade every trainee with ``api_class``; what grading recorded and wrote, per trainee."""
    api = api_class(config=configure(Config(), course.layout, execute=False))
    with shared_engines():
        for trainee in trainees:
            assert api.autograde(MODULE, trainee, force=True, create=True)["success"], trainee
    found = {}
    with Gradebook(course.layout.db_url) as gb:
        for trainee in trainees:
            sub = gb.find_submission_notebook(MODULE, MODULE, trainee)
            folder = course.layout.step("autograded") / trainee / MODULE
            nb = nbformat.read(folder / f"{MODULE}.ipynb", as_version=4)
            found[trainee] = {
                "grades": sorted((g.name, g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades),
                "comments": sorted((c.name, c.auto_comment) for c in sub.comments),
                "cells": [(c.cell_type, c.source, json.dumps(c.get("outputs", []), sort_keys=True),
                           json.dumps(c.metadata, sort_keys=True)) for c in nb.cells],
                "metadata": json.dumps(nb.metadata, sort_keys=True),
                # written character for character alike, but for the random id nbformat gives a restored cell
                "text": re.sub(r'"id": "[0-9a-f-]+"', '"id"', (folder / f"{MODULE}.ipynb").read_text(encoding="utf-8")),
                "files": sorted(p.name for p in folder.iterdir()),
                "audit": (folder / "himaya-audit.json").read_text() if (folder / "himaya-audit.json").exists()
                else None,
            }
    return found


def test_one_pass_writes_what_nbgraders_two_passes_write(cohort):
    course, trainees = cohort
    two_passes = _grade(course, trainees, NbGraderAPI)
    one_pass = _grade(course, trainees, OnePassAPI)
    assert set(one_pass) == set(trainees)
    for trainee in trainees:
        assert one_pass[trainee] == two_passes[trainee], trainee
    # the damaged submissions were repaired and recorded, not skipped
    assert '"missing_grade_cells"' in one_pass["t000"]["audit"] and '"added_code_cells": 1' in one_pass["t000"]["audit"]
    assert all(score == 0 for _, score, _, _ in one_pass["t001"]["grades"] if score is not None)


def test_a_course_is_graded_in_one_run_with_every_module_recorded(cohort):
    course, trainees = cohort
    results = course.autograde_modules([MODULE], jobs=2, progress=False)
    assert [(r.module, r.trainee, r.ok) for r in results[MODULE]] == [(MODULE, t, True) for t in trainees]
    assert all(course.graded_current(MODULE, t) for t in trainees)
    assert course.autograde_modules([MODULE], jobs=2, progress=False, force=False) == {MODULE: []}
