"""A small graded course for the certificate tests: the syllabus of files/syllabus.yaml, a real nbgrader gradebook."""
from __future__ import annotations

import shutil
import warnings
from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grading.certificates import rule as rules
from grading.config import Layout
from grading.reporting import roster

FILES = Path(__file__).parent / "files"
DUE = datetime(2026, 12, 1, 17, 0)
ON_TIME = datetime(2026, 12, 1, 9, 0)
#: trainee → module → (score of 10, submitted at)
COHORT = {
    "t-complete": {"m01-one": (8, ON_TIME), "m02-two": (7, datetime(2026, 12, 1, 10, 0)), "m02a-lab": (2, ON_TIME)},
    "t-latin": {"m01-one": (9, ON_TIME), "m02-two": (9, ON_TIME)},
    "t-missing": {"m01-one": (10, ON_TIME)},
    "t-low": {"m01-one": (5, ON_TIME), "m02-two": (6, ON_TIME)},
    # 13 of 20 on time, but m02-two two days late: 0.2 of its 6 points off, 11.8 of 20 is below 60%
    "t-late": {"m01-one": (7, ON_TIME), "m02-two": (6, datetime(2026, 12, 3, 12, 0))},
    "t-unlisted": {"m01-one": (10, ON_TIME), "m02-two": (10, ON_TIME)},
}
NAMES = {"t-complete": "ليلى سعيد الخطيب", "t-latin": "Omar Haddad", "t-missing": "سامي", "t-low": "هدى",
         "t-late": "يوسف"}


@pytest.fixture(autouse=True)
def small_syllabus(monkeypatch):
    monkeypatch.setattr(rules, "syllabus_path", lambda: FILES / "syllabus.yaml")
    monkeypatch.delenv("HIMAYA_CERTIFICATE_SECRET", raising=False)


def make_course(root: Path) -> Layout:
    """A course at ``root`` whose gradebook holds the :data:`COHORT`'s graded submissions."""
    layout = Layout(root=root, work="build")
    for module in ("m01-one", "m02-two", "m02a-lab"):
        (root / "notebooks" / module).mkdir(parents=True)
    layout.base.mkdir(parents=True)
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for module in ("m01-one", "m02-two", "m02a-lab"):
            gb.add_assignment(module, duedate=DUE)
            gb.add_notebook(module, module)
            gb.add_grade_cell("q1", module, module, max_score=10, cell_type="code")
        for trainee, modules in COHORT.items():
            gb.add_student(trainee)
            for module, (score, when) in modules.items():
                gb.add_submission(module, trainee, timestamp=when)
                grade = gb.find_grade("q1", module, module, trainee)
                grade.auto_score, grade.needs_manual_grade = score, False
                (layout.step("autograded") / trainee / module).mkdir(parents=True)
        gb.db.commit()
    roster.write(layout.base / "roster.csv", [
        roster.Trainee(t, name, "Ministry of Interior", "Jordan", "ar") for t, name in NAMES.items()])
    return layout


@pytest.fixture(scope="session")
def course_template(tmp_path_factory) -> Path:
    """Filling a gradebook takes seconds: once per session, copied for each test."""
    return make_course(tmp_path_factory.mktemp("certificates") / "course").root


@pytest.fixture
def course_layout(course_template, tmp_path) -> Layout:
    shutil.copytree(course_template, tmp_path / "course")
    return Layout(root=tmp_path / "course", work="build")
