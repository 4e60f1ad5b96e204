"""Shared fixtures for the grading tests.

The course fixture ``tests/fixtures/course/notebooks/m99-fixture`` holds one
graded item of every exercise type, a task cell with a mark scheme and an
ordinary nbgrader code exercise.  Generating it with nbgrader fills a real
gradebook; that takes about two seconds, so it is done once per session and
every test gets its own copy of the generated course folder.
"""
from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.config import Layout

TESTS = Path(__file__).resolve().parent.parent
FIXTURE_NOTEBOOKS = TESTS / "fixtures" / "course" / "notebooks"
MODULE = "m99-fixture"
FIXTURE_NB = FIXTURE_NOTEBOOKS / MODULE / f"{MODULE}.ipynb"
STUDENT = "t1"


@pytest.fixture(scope="session")
def generated_template(tmp_path_factory) -> Path:
    """A course root where nbgrader has generated m99-fixture (gradebook filled with source cells)."""
    from grading.course import Course

    root = tmp_path_factory.mktemp("generated")
    shutil.copytree(FIXTURE_NOTEBOOKS, root / "notebooks")
    course = Course(Layout(root=root, work="build"))
    result = course.api.generate_assignment(MODULE)
    assert result["success"], result.get("log")
    return root


@pytest.fixture
def layout(generated_template, tmp_path) -> Layout:
    """This test's own copy of the generated course (its own gradebook)."""
    root = tmp_path / "course"
    shutil.copytree(generated_template, root)
    return Layout(root=root, work="build")


@pytest.fixture
def submission(layout) -> Layout:
    """The gradebook holds a submission of m99-fixture by trainee 't1'."""
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        # nbgrader 0.9's add_submission trips SQLAlchemy's autoflush warnings; harmless
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.add_student(STUDENT)
        gb.add_submission(MODULE, STUDENT)
    return layout


@pytest.fixture
def folder(tmp_path) -> Path:
    """The submission folder (where the answers file sits beside the notebook)."""
    path = tmp_path / "submission"
    path.mkdir()
    return path


@pytest.fixture
def resources(submission, folder) -> dict:
    return {
        "nbgrader": {
            "student": STUDENT, "assignment": MODULE, "notebook": MODULE,
            "db_url": submission.db_url,
        },
        "metadata": {"path": str(folder)},
    }


@pytest.fixture
def fixture_notebooks() -> Path:
    """The fixture course's ``notebooks`` folder (read only: copy it before changing anything)."""
    return FIXTURE_NOTEBOOKS


@pytest.fixture
def source_nb():
    """A fresh copy of the SOURCE fixture notebook (hidden tests and mark scheme included)."""
    return nbformat.read(str(FIXTURE_NB), as_version=4)


def written_answers(root: Path, module: str, item: str, max_score: float, answers: dict[str, tuple]) -> Layout:
    """A course at ``root`` as autograde leaves one written item: ``module``'s source notebook, a gradebook with
    the item's task cell and a submission per trainee, and each trainee's autograded answers file.
    ``answers``: trainee → (language, text), or (language, text, whose answers file it is)."""
    layout = Layout(root=root, work="build")
    (root / "notebooks" / module).mkdir(parents=True)
    shutil.copy(TESTS.parent / "notebooks" / module / f"{module}.ipynb", root / "notebooks" / module)
    layout.base.mkdir()
    with Gradebook(layout.db_url) as gb:
        gb.add_assignment(module)
        gb.add_notebook(module, module)
        gb.add_task_cell(item.replace(".", "-", 1), module, module, max_score=max_score, cell_type="markdown")
        for trainee, (lang, text, *owner) in answers.items():
            gb.add_student(trainee)
            gb.add_submission(module, trainee)
            folder = layout.step("autograded") / trainee / module
            folder.mkdir(parents=True)
            (folder / "himaya-answers.json").write_text(json.dumps(
                {"schema": 1, "trainee": owner[0] if owner else trainee, "language": lang,
                 "answers": {item: {"value": text}}}), encoding="utf-8")
    return layout
