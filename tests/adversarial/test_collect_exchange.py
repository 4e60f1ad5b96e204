"""One trainee's inbound folder never stops ``python -m grading collect`` for the others.

nbgrader's collect stopped at the first submission it could not copy (here one
over ``CourseDirectory.max_dir_size``: a sparse file costs the trainee no disk),
so nobody after them was collected, and a resubmission that failed lost the
trainee's earlier collected submission.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from adversary import MODULE, PERFECT, Submission
from core_course import released_core
from test_collect_timestamps import run

HUGE = 200 * 1000 * 1000  # bytes: over nbgrader's max_dir_size (100 000 kB)


def inflate(folder: Path) -> None:
    with open(folder / "video.mp4", "wb") as handle:
        handle.truncate(HUGE)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("collect-exchange")
    course = released_core(root)
    inbound = course.layout.exchange / "himaya" / "inbound"
    for trainee in ("a-huge", "a-resubmits", "t-honest"):
        workspace = root / "trainees" / trainee
        Submission(trainee, course.fetch(MODULE, trainee, workspace), course).answer(PERFECT)
        course.submit(MODULE, trainee, workspace)
    inflate(next(inbound.glob(f"a-huge+{MODULE}+*")))
    first = run(root, "collect", MODULE)
    earlier = (root / "build" / "submitted" / "a-resubmits" / MODULE / "timestamp.txt").read_text()
    course.submit(MODULE, "a-resubmits", root / "trainees" / "a-resubmits")  # again, now over the limit
    (newest,) = [f for f in inbound.glob(f"a-resubmits+{MODULE}+*") if earlier not in f.name]
    inflate(newest)
    second = run(root, "collect", MODULE)
    return {"root": root, "first": first, "second": second, "earlier": earlier}


def test_a_submission_that_cannot_be_copied_stops_no_one(collected):
    code, out, err = collected["first"]
    assert code == 0 and "Traceback" not in err, err
    assert any("a-huge" in line and "not collected" in line and "Directory size is too big" in line
               for line in err.splitlines()), err
    submitted = collected["root"] / "build" / "submitted"
    assert (submitted / "t-honest" / MODULE).is_dir() and (submitted / "a-resubmits" / MODULE).is_dir()
    assert not (submitted / "a-huge" / MODULE).exists()
    assert f"collected 2 submissions of {MODULE}" in out


def test_a_resubmission_that_cannot_be_copied_keeps_the_earlier_one(collected):
    code, _, err = collected["second"]
    assert code == 0, err
    assert any("a-resubmits" in line and "earlier collected submission is kept" in line for line in err.splitlines()), err
    folder = collected["root"] / "build" / "submitted" / "a-resubmits" / MODULE
    assert (folder / "timestamp.txt").read_text() == collected["earlier"]
    assert not (folder / "video.mp4").exists() and (folder / f"{MODULE}.ipynb").exists()
    assert not folder.with_name(f"{MODULE}.before-collect").exists()
