"""grades.csv from a real nbgrader gradebook: roster merged, awaiting grading marked, blank when not submitted."""
from __future__ import annotations

import csv
import subprocess
import sys
import warnings
from datetime import datetime, timedelta

import pytest
from nbgrader.api import Gradebook

from grading.course import Course
from grading.reporting.export import COLUMNS, spreadsheet_safe
from grading.reporting.roster import Trainee, write

MODULE = "m99-fixture"  # the fixture course (tests/grading/conftest.py)

DUE = datetime(2026, 12, 1, 17, 0)
ARABIC_NAME = "فاطمة الزهراء"


def _grade(gb, trainee, scores: dict, graded_written: bool):
    """Autograded as the course does: every item scored (``scores``, else 0), the written answer as given."""
    for grade in gb.find_submission_notebook(MODULE, MODULE, trainee).grades:
        grade.auto_score = scores.get(grade.name, 0.0)
        grade.needs_manual_grade = False
    written = gb.find_grade("m99-q8", MODULE, MODULE, trainee)
    if graded_written:
        written.manual_score = 3.0
        written.needs_manual_grade = False
    else:
        written.auto_score, written.needs_manual_grade = None, True


@pytest.fixture
def course(layout, tmp_path):
    """Three trainees: t1 on time with a written answer to grade, t2 a day late and fully graded,
    t3 on the roster only (never submitted)."""
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_assignment(MODULE, duedate=DUE)
        for trainee, stamp in (("t1", DUE - timedelta(hours=2)), ("t2", DUE + timedelta(days=1, hours=3))):
            gb.add_student(trainee)
            gb.add_submission(MODULE, trainee, timestamp=stamp)
        _grade(gb, "t1", {"m99-q1": 1.0, "m99-q2": 2.0}, graded_written=False)
        _grade(gb, "t2", {"m99-q1": 1.0, "m99-q2": 1.0}, graded_written=True)
        gb.db.commit()
    roster = write(tmp_path / "roster.csv", [
        Trainee("t1", ARABIC_NAME, "Ministry of Interior", "Jordan", "ar"),
        Trainee("t2", "=HYPERLINK(\"http://x\")", "@Ministry", "Morocco", "en"),
        Trainee("t3", "Never Submitted", "+Ministry", "-Country", "ar"),
    ])
    return Course(layout), roster


def _rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark: Excel garbles Arabic names"
    return {r["trainee_id"]: r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines())}


def test_names_from_the_roster_are_merged_and_survive_excel(course, tmp_path):
    course, roster = course
    rows = _rows(course.export(tmp_path / "grades.csv", roster=roster))
    assert list(rows["t1"]) == list(COLUMNS)
    assert (rows["t1"]["name"], rows["t1"]["ministry"], rows["t1"]["country"], rows["t1"]["language"]) == (
        ARABIC_NAME, "Ministry of Interior", "Jordan", "ar")
    assert rows["t1"]["module"] == MODULE


def test_awaiting_manual_grading_is_marked_with_the_items(course, tmp_path):
    course, roster = course
    rows = _rows(course.export(tmp_path / "grades.csv", roster=roster))
    assert (rows["t1"]["awaiting_manual_grading"], rows["t1"]["items_to_grade"]) == ("yes", "m99-q8")
    assert (rows["t2"]["awaiting_manual_grading"], rows["t2"]["items_to_grade"]) == ("no", "")


def test_a_module_not_submitted_is_blank_never_zero(course, tmp_path):
    course, roster = course
    rows = _rows(course.export(tmp_path / "grades.csv", roster=roster))
    t3 = rows["t3"]  # on the roster, not in the gradebook
    assert t3["submitted"] == "no"
    assert t3["score"] == t3["raw_score"] == t3["late_penalty"] == t3["awaiting_manual_grading"] == ""
    assert t3["max_score"] == rows["t1"]["max_score"] != ""
    assert rows["t1"]["score"] == "3" and rows["t1"]["submitted"] == "yes"


def test_the_late_policy_is_applied(course, tmp_path):
    """t2: 1 d 3 h late, 1 h grace: 2 started days at 10 % of 5 points (2 + 3 written) = 1 point off."""
    course, roster = course
    rows = _rows(course.export(tmp_path / "grades.csv", roster=roster))
    t1, t2 = rows["t1"], rows["t2"]
    assert (t1["late"], t1["seconds_late"], t1["late_penalty"]) == ("no", "0", "0")
    assert (t2["late"], t2["seconds_late"]) == ("yes", str(27 * 3600))
    assert (t2["raw_score"], t2["late_penalty"], t2["score"]) == ("5", "1", "4")
    assert t2["duedate_utc"] == "2026-12-01 17:00" and t2["submitted_at_utc"] == "2026-12-02 20:00:00"


def test_trainee_text_never_becomes_a_formula(course, tmp_path):
    course, roster = course
    rows = _rows(course.export(tmp_path / "grades.csv", roster=roster))
    assert rows["t2"]["name"] == "'=HYPERLINK(\"http://x\")"
    assert rows["t2"]["ministry"] == "'@Ministry"
    assert (rows["t3"]["ministry"], rows["t3"]["country"]) == ("'+Ministry", "'-Country")
    assert spreadsheet_safe("Ministry") == "Ministry" and spreadsheet_safe(None) == ""


def test_without_a_roster_trainees_are_listed_with_blank_names(course, tmp_path):
    course, _ = course
    rows = _rows(course.export(tmp_path / "grades.csv"))
    assert set(rows) == {"t1", "t2"} and rows["t1"]["name"] == ""


def test_nbgrader_export_writes_the_same_file(course, tmp_path):
    """`nbgrader export` with the course's configuration uses the course's exporter."""
    course, roster = course
    ours = course.export(tmp_path / "ours.csv", roster=roster)
    root = course.layout.root
    (root / "nbgrader_config.py").write_text(
        "from grading.config import Layout, configure\nfrom pathlib import Path\n"
        f"configure(c, Layout(root=Path({str(root)!r}), work={course.layout.work!r}))\n")
    theirs = tmp_path / "theirs.csv"
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--to={theirs}",
                           f"--CourseExport.roster={roster}"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert theirs.read_bytes() == ours.read_bytes()


def test_the_command_line_merges_the_roster(course, tmp_path, capsys):
    from grading import cli

    course, roster = course
    path = tmp_path / "cli.csv"
    assert cli.main(["--root", str(course.layout.root), "--work", course.layout.work,
                     "export", "--roster", str(roster), "--to", str(path)]) == 0
    assert _rows(path)["t1"]["name"] == ARABIC_NAME
    (tmp_path / "bad.csv").write_text("trainee_id,name\nt1,x\n")
    assert cli.main(["--root", str(course.layout.root), "--work", course.layout.work,
                     "export", "--roster", str(tmp_path / "bad.csv"), "--to", str(path)]) == 2
    assert "lacks the column(s) ministry, country, language" in capsys.readouterr().err


@pytest.mark.parametrize("trainee", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tTAB", "a,b", 'say "hi", then', "two\nlines"])
def test_a_trainee_id_of_any_shape_stays_one_cell_and_never_a_formula(layout, tmp_path, trainee):
    """#16 item 8: ids starting with = + - @ became live formulas, an id with a comma shifted the columns."""
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_assignment(MODULE, duedate=DUE)
        for who in (trainee, "t-next"):
            gb.add_student(who)
            gb.add_submission(MODULE, who, timestamp=DUE - timedelta(hours=1))
            _grade(gb, who, {"m99-q1": 1.0}, graded_written=True)
        gb.db.commit()
    path = Course(layout).export(tmp_path / "grades.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body), rows
    ids = [row[header.index("trainee_id")] for row in body]
    assert sorted(ids) == sorted([spreadsheet_safe(trainee), "t-next"])
    assert not any(cell[:1] in "=+-@\t\r" for row in body for cell in row if cell), body
