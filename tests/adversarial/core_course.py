"""The fixture made a core module (its code exercise removed): graded without a kernel, as the course's core modules.

The corpus's fixture grades code, so its cases are graded with a kernel; the
attacks on kernel-free grading and on collection use this one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from adversary import FIXTURE_NOTEBOOKS, MODULE, NOTEBOOK, open_course

CODE_CELLS = ("lab-double", "lab-double-test")


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def core_module(root: Path) -> None:
    """Copy the fixture under ``root/notebooks`` without its code exercise."""
    shutil.copytree(FIXTURE_NOTEBOOKS, root / "notebooks")
    path = root / "notebooks" / MODULE / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if grade_id(c) not in CODE_CELLS]
    nbformat.write(nb, str(path))


def released_core(root: Path, **release):
    """A course at ``root`` whose one module is the core fixture, released (``release``: e.g. ``duedate=``)."""
    core_module(root)
    course = open_course(root)
    course.release(MODULE, **release)
    return course
