"""Killing a grading run at any point and starting it again gives the gradebook an uninterrupted run gives."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading.bench.autograde import make_submissions
from grading.config import REPO, Layout
from grading.course import Course

MODULE = "m00-orientation"
TRAINEES = 14
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def submitted(tmp_path_factory) -> Path:
    """A course root with ``TRAINEES`` collected submissions of m00, not yet graded."""
    root = tmp_path_factory.mktemp("faults") / "course"
    shutil.copytree(REPO / "notebooks" / MODULE, root / "notebooks" / MODULE)
    course = Course(Layout(root=root, work="build"))
    course.release(MODULE)
    make_submissions(course, MODULE, TRAINEES)
    return root


def autograde(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "grading", "--root", str(root), "--work", "build", "autograde",
                             MODULE, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group: workers die with it


def graded_markers(root: Path) -> int:
    return len(list((root / "build" / "autograded").glob(f"*/{MODULE}/.himaya-graded")))


@pytest.fixture(scope="module")
def uninterrupted(submitted, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("whole") / "course"
    shutil.copytree(submitted, root)
    proc = autograde(root, "--jobs", "1")
    assert proc.wait(timeout=600) == 0, proc.stderr.read()
    return Course(Layout(root=root, work="build")).scores(MODULE)


@pytest.mark.parametrize("jobs, after", [("1", 1), ("1", 6), ("2", 3)])
def test_a_killed_run_started_again_gives_the_same_gradebook(submitted, uninterrupted, tmp_path, jobs, after):
    root = tmp_path / "course"
    shutil.copytree(submitted, root)
    proc = autograde(root, "--jobs", jobs)
    deadline = time.monotonic() + 300
    while graded_markers(root) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # no clean-up of any kind: as a power cut or an OOM kill
    proc.wait()
    assert graded_markers(root) < TRAINEES, "the run finished before it could be killed"
    again = autograde(root, "--jobs", jobs)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    course = Course(Layout(root=root, work="build"))
    assert course.scores(MODULE) == uninterrupted
    assert graded_markers(root) == TRAINEES
