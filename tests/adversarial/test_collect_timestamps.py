"""A trainee's own ``timestamp.txt`` (and inbound folder name) against ``python -m grading collect``.

The module is due a day ago; everyone submits now, so everyone is late.  The
attackers then edit their inbound folder as its owner can: back-date, empty,
delete or write text into ``timestamp.txt``, rename the folder to a back-dated
time, or to a name that holds no time.  With nbgrader's collect the first three
were never late and the text stopped every later collect.  Each must stay late,
be named in a warning collect prints, and stop nobody; the honest trainee's
timestamp is exactly the one nbgrader's submit wrote.
"""
from __future__ import annotations

import datetime
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from adversary import MODULE, PERFECT, Submission, grader_environment, open_course
from core_course import released_core
from grading import cli

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
DUE = NOW - datetime.timedelta(days=1)
EARLY = (NOW - datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with grader_environment(), redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["--root", str(root), "--work", "build", *argv])
    return code, out.getvalue(), err.getvalue()


def backdate(folder: Path) -> Path:
    (folder / "timestamp.txt").write_text(EARLY)
    return folder


def empty(folder: Path) -> Path:
    (folder / "timestamp.txt").write_text("")
    return folder


def delete(folder: Path) -> Path:
    (folder / "timestamp.txt").unlink()
    return folder


def text(folder: Path) -> Path:
    (folder / "timestamp.txt").write_text("on time, honestly")
    return folder


def rename_backdated(folder: Path) -> Path:
    """The folder's name and timestamp.txt both say two days ago (only the files' change times tell)."""
    trainee, module, _, rest = folder.name.split("+", 3)
    backdate(folder)
    return folder.rename(folder.with_name(f"{trainee}+{module}+{EARLY}+{rest}"))


def rename_to_no_time(folder: Path) -> Path:
    trainee, module, _, rest = folder.name.split("+", 3)
    return folder.rename(folder.with_name(f"{trainee}+{module}+whenever+{rest}"))


ATTACKS = {"a-backdated": backdate, "a-emptied": empty, "a-deleted": delete, "a-text": text,
           "a-renamed": rename_backdated}
HONEST = "t-honest"


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("timestamps")
    course = released_core(root, duedate=DUE)
    inbound = course.layout.exchange / "himaya" / "inbound"
    folders = {}
    for trainee in [HONEST, *ATTACKS, "a-no-time"]:
        workspace = root / "trainees" / trainee
        Submission(trainee, course.fetch(MODULE, trainee, workspace), course).answer(PERFECT)
        course.submit(MODULE, trainee, workspace)
        (folder,) = inbound.glob(f"{trainee}+{MODULE}+*")
        folders[trainee] = ATTACKS.get(trainee, rename_to_no_time if trainee == "a-no-time" else Path)(folder)
    code, out, err = run(root, "collect", MODULE)
    return {"root": root, "course": course, "folders": folders, "code": code, "out": out, "err": err}


def submitted_time(root: Path, trainee: str) -> datetime.datetime:
    return parse_utc((root / "build" / "submitted" / trainee / MODULE / "timestamp.txt").read_text())


def test_the_collect_goes_on_and_names_every_tampered_time(course_root):
    assert course_root["code"] == 0 and "Traceback" not in course_root["err"], course_root["err"]
    warnings = [line for line in course_root["err"].splitlines() if line.startswith("warning: ")]
    for trainee in [*ATTACKS, "a-no-time"]:
        assert any(trainee in line and "submission time" in line for line in warnings), (trainee, warnings)
    assert not any(HONEST in line for line in warnings), warnings
    assert f"collected {len(ATTACKS) + 1} submissions of {MODULE}" in course_root["out"]


@pytest.mark.parametrize("trainee", list(ATTACKS))
def test_a_tampered_timestamp_never_makes_a_late_submission_on_time(course_root, trainee):
    assert submitted_time(course_root["root"], trainee) > DUE + datetime.timedelta(hours=12)


def test_the_honest_timestamp_is_the_one_submit_wrote(course_root):
    inbound = course_root["folders"][HONEST] / "timestamp.txt"
    submitted = course_root["root"] / "build" / "submitted" / HONEST / MODULE / "timestamp.txt"
    assert submitted.read_text() == inbound.read_text()


def test_a_timestamp_that_is_not_a_time_never_stops_the_next_collect(course_root):
    root = course_root["root"]
    stamp = root / "build" / "submitted" / HONEST / MODULE / "timestamp.txt"
    stamp.write_text("not a time")  # as nbgrader's own collect left a trainee's text
    code, _, err = run(root, "collect", MODULE)
    assert code == 0 and "Traceback" not in err, err
    assert any("submission time" in line and str(stamp) in line for line in err.splitlines()), err
    assert stamp.read_text() == (course_root["folders"][HONEST] / "timestamp.txt").read_text()


def test_late_penalties_follow_the_trustworthy_time(course_root):
    root = course_root["root"]
    trainees = [HONEST, *ATTACKS]
    code, _, err = run(root, "autograde", MODULE, *trainees, "--jobs", "1")
    assert code == 0, err
    scores = open_course(root).scores(MODULE)
    with Gradebook(open_course(root).layout.db_url) as gb:
        stamps = {t: gb.find_submission(MODULE, t).timestamp for t in trainees}
    for trainee in trainees:
        assert scores[trainee]["late"] and scores[trainee]["late_penalty"] > 0, (trainee, scores[trainee], stamps[trainee])
    honest = parse_utc((course_root["folders"][HONEST] / "timestamp.txt").read_text())
    assert stamps[HONEST] == honest
