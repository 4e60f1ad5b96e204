"""Attacks on the cohort report (#16 items 7, 11, 12): one trainee's files never crash it, mislead it or slow it.

Each test hands in what a trainee controls (the answers file, files beside the notebook, the id they
are collected under) into a generated fixture course and runs the report's own readers and renderer
(``cohort.gather`` then ``report.render``, what ``python -m grading report`` runs). Every test checks
that the report is written, that an honest trainee's line is unchanged, and what the instructor is told.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from report_course import FULL, MODULE, RIGHT, START, entries, generate, hand_in

from curriculum.settings import ANSWERS_FILENAME
from grading.preprocessors import AUDIT_FILE
from grading.reporting import cohort
from grading.reporting.report import render


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The fixture module generated once; each test copies it."""
    return generate(tmp_path_factory.mktemp("report-template"))


@pytest.fixture
def course(template, tmp_path):
    import shutil

    from grading.config import Layout
    from grading.course import Course

    shutil.copytree(template.layout.root, tmp_path / "course")
    course = Course(Layout(root=tmp_path / "course", work="build"))
    for n in range(3):
        hand_in(course, f"h{n}", entries(RIGHT, start=START + timedelta(hours=n)))
    folder = hand_in(course, "tamperer", entries(RIGHT))  # what the grader found: a test cell deleted
    (course.layout.step("autograded") / "tamperer" / MODULE / AUDIT_FILE).write_text(json.dumps(
        {MODULE: {"missing_grade_cells": ["m99-q1"], "edited_grade_cells": [], "added_code_cells": 0}}))
    assert folder.is_dir()
    return course


def report(course, tmp_path, **kwargs) -> tuple[cohort.Cohort, str]:
    found = cohort.gather(course, [MODULE], **kwargs)
    html = render(found, tmp_path / "report.html").read_text(encoding="utf-8")
    return found, html.split("Submissions to look at")[1]


def rows(look: str, trainee: str) -> list[str]:
    """The report's lines about ``trainee``, as text."""
    import html

    return [html.unescape(r) for r in look.split("<tr>") if f'<td class="name">{html.escape(trainee)}</td>' in r]


def assert_honest_untouched(found, look):
    assert all(found.modules[MODULE].total(f"h{n}") == sum(FULL.values()) for n in range(3))
    assert not any(rows(look, f"h{n}") for n in range(3))
    assert "deleted or stripped: m99-q1" in "".join(rows(look, "tamperer"))


# -- item 7: a handed-in or malformed audit file ---------------------------------------------------------------

BAD_AUDITS = {
    "a-list": "[1, 2, 3]",
    "a-string": '"hello"',
    "record-not-an-object": json.dumps({MODULE: ["missing_grade_cells"]}),
    "count-not-a-list": json.dumps({MODULE: {"missing_grade_cells": 5}}),
    "number-not-a-count": json.dumps({MODULE: {"added_code_cells": "many"}}),
    "nested-values": json.dumps({MODULE: {"edited_grade_cells": [{"a": [1]}], "unknown_items": [[["x"]]]}}),
    "not-json": "{not json",
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge": json.dumps({MODULE: {"unknown_items": ["x" * 1000] * 3000}}),
}


@pytest.mark.parametrize("text", BAD_AUDITS.values(), ids=BAD_AUDITS.keys())
def test_an_audit_file_of_the_wrong_shape_never_crashes_the_report(course, tmp_path, text):
    hand_in(course, "mallory", entries(RIGHT))
    (course.layout.step("autograded") / "mallory" / MODULE / AUDIT_FILE).write_text(text)
    found, look = report(course, tmp_path)
    assert_honest_untouched(found, look)
    assert any("audit file" in r and "ignored" in r for r in rows(look, "mallory")), rows(look, "mallory")


def test_an_audit_file_handed_in_with_the_submission_is_never_trusted(course, tmp_path):
    """A trainee's own himaya-audit.json (copied by autograde beside the graded notebook) is ignored and named."""
    folder = hand_in(course, "mallory", entries(RIGHT))
    planted = json.dumps({MODULE: {"unknown_items": ["m99.zz"], "added_code_cells": 7},
                          "other-notebook": {"edited_grade_cells": ["m99-q3"]}})
    (folder / AUDIT_FILE).write_text(planted)
    (course.layout.step("autograded") / "mallory" / MODULE / AUDIT_FILE).write_text(planted)  # as autograde copies it
    found, look = report(course, tmp_path)
    assert_honest_untouched(found, look)
    mine = "".join(rows(look, "mallory"))
    assert "m99.zz" not in mine and "7 code cell" not in mine and "m99-q3" not in mine
    assert f"handed in a file named {AUDIT_FILE}" in mine


@pytest.mark.parametrize("trainee", ["$x^$", r"$\frac{1}{0}$", "a$b$c", r"t\$1_{x}"])
def test_a_trainee_id_with_mathtext_is_drawn_as_plain_text(course, tmp_path, trainee):
    from grading.reporting.roster import Trainee

    hand_in(course, trainee, entries(RIGHT))
    roster = {t: Trainee(t, t, "$Ministry^$" if t == trainee else "Ministry", "$\\sqrt{$", "ar")
              for t in [trainee, "h0", "h1", "h2", "tamperer"]}
    found, look = report(course, tmp_path, roster=roster)
    assert_honest_untouched(found, look)
    assert trainee in found.trainees


# -- item 11: what the grader noticed is a line of the report ---------------------------------------------------

def _released(course, when):
    """Release the module at ``when`` as far as the report can tell (the exchange's outbound folder)."""
    import os

    outbound = course.layout.exchange / course.config.CourseDirectory.course_id / "outbound" / MODULE
    outbound.mkdir(parents=True, exist_ok=True)
    os.utime(outbound, (when.timestamp(), when.timestamp()))


def _notebook(course, folder, change=None):
    """The released notebook handed in, changed by ``change(nb)``."""
    import nbformat

    nb = nbformat.read(str(course.release_dir(MODULE) / f"{MODULE}.ipynb"), as_version=4)
    if change:
        change(nb)
    nbformat.write(nb, str(folder / f"{MODULE}.ipynb"))


def _cell_type(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "m99-q1":
            cell.cell_type = "markdown"
            cell.pop("outputs", None), cell.pop("execution_count", None)


def _kernelspec(nb):
    nb.metadata.kernelspec = {"name": "evil", "display_name": "Evil", "language": "python"}


def test_what_the_grader_noticed_becomes_a_line_with_the_trainee_and_the_reason(course, tmp_path):
    from grading.reporting.roster import Trainee

    _released(course, START - timedelta(hours=1))
    honest = hand_in(course, "honest", entries(RIGHT))
    _notebook(course, honest)
    doubled = json.dumps({"schema": 1, "trainee": "doubled", "language": "en", "answers": entries(RIGHT)})
    doubled = doubled.replace('"answers": {', '"answers": {"m99.q1": {"value": "c", "kind": "single", '
                                               '"time": "2026-12-01T09:00:00+00:00"}, ', 1)
    hand_in(course, "doubled", doubled)
    hand_in(course, "malformed", entries({**RIGHT, "m99.q6": ("numeric", {"number": "lots", "unit": "days"}),
                                          "m99.q2": ("multiple", "a,c")}))
    hand_in(course, "future", entries(RIGHT, start=START.replace(year=2099)))
    hand_in(course, "early", entries(RIGHT, start=START - timedelta(days=3)))
    hand_in(course, "thief", entries(RIGHT), owner="h0")
    hand_in(course, "intruder", entries(RIGHT))
    for trainee, change in (("kernel", _kernelspec), ("retyped", _cell_type)):
        _notebook(course, hand_in(course, trainee, entries(RIGHT)), change)
    roster = {t: Trainee(t, t, "M", "C", "en") for t in ["h0", "h1", "h2", "tamperer", "honest", "doubled",
                                                          "malformed", "future", "early", "thief", "kernel",
                                                          "retyped"]}
    found, look = report(course, tmp_path, roster=roster)
    assert_honest_untouched(found, look)
    assert not rows(look, "honest")
    expected = {
        "doubled": "keys given twice (the grader read the last): m99.q1",
        "malformed": "values the scorer refused (scored 0): m99.q2 (",
        "future": "saved after the submission or in the future: m99.q1 (2099-12-01T09:00:00+00:00)",
        "early": "saved before the module was released (2026-12-01 08:00 UTC): m99.q1 (",
        "thief": "belongs to trainee “h0”, not “thief”",
        "intruder": "not on the roster",
        "kernel": "kernelspec changed from 'python3' to 'evil'",
        "retyped": "cell type changed (restored by the grader): m99-q1 (code → markdown)",
    }
    for trainee, reason in expected.items():
        assert reason in "".join(rows(look, trainee)), (trainee, rows(look, trainee))
    assert "m99.q6 (" in "".join(rows(look, "malformed"))


# -- item 12: sizes ---------------------------------------------------------------------------------------------

def test_an_answers_file_past_the_graders_limit_is_never_read(course, tmp_path):
    """A copy of a classmate's answers padded past 1 MB: not read (so not compared), and named with its size."""
    wrong = {**RIGHT, "m99.q1": ("single", "c"), "m99.q7": ("short", "amn raqmi")}
    scores = {**FULL, "m99-q1": 0.0, "m99-q7": 0.0}
    hand_in(course, "source", entries(wrong), scores)
    padded = {"schema": 1, "trainee": "padded", "language": "en", "answers": entries(wrong), "pad": "x" * 1_500_000}
    hand_in(course, "padded", json.dumps(padded), scores)
    found, look = report(course, tmp_path)
    assert_honest_untouched(found, look)
    assert "larger than allowed (1500" in "".join(rows(look, "padded"))
    assert not found.copying


def test_an_answers_file_that_is_a_pipe_or_a_device_is_never_read(course, tmp_path):
    """A named pipe would block the report forever, /dev/zero fill its memory: neither is read."""
    import os

    os.mkfifo(hand_in(course, "piper", None) / ANSWERS_FILENAME)
    (hand_in(course, "zeroes", None) / ANSWERS_FILENAME).symlink_to("/dev/zero")
    found, look = report(course, tmp_path)
    assert_honest_untouched(found, look)
    for trainee in ("piper", "zeroes"):
        assert "not a regular file" in "".join(rows(look, trainee)), rows(look, trainee)


def test_the_roster_keeps_newlines_inside_quoted_fields(tmp_path):
    from grading.reporting import roster

    path = tmp_path / "roster.csv"
    path.write_text('trainee_id,name,ministry,country,language\n'
                    't1,"Amal\nal-Sayed","Ministry of\nInterior",Jordan,ar\n'
                    't2,Omar,"Ministry, Justice",Morocco,en\n', encoding="utf-8")
    found = roster.read(path)
    assert sorted(found) == ["t1", "t2"]
    assert found["t1"].name == "Amal\nal-Sayed" and found["t1"].ministry == "Ministry of\nInterior"
    assert found["t2"].ministry == "Ministry, Justice"


def test_a_roster_problem_names_the_line_it_is_on_after_a_quoted_newline(tmp_path):
    from grading.reporting import roster

    path = tmp_path / "roster.csv"
    path.write_text('trainee_id,name,ministry,country,language\n'
                    't1,"Amal\nal-Sayed",Interior,Jordan,ar\n'
                    't2,Omar,Justice,Morocco,fr\n', encoding="utf-8")
    with pytest.raises(roster.RosterError, match=r"line 4: language must be 'ar' or 'en', not 'fr'"):
        roster.read(path)


@pytest.mark.parametrize("text", [BAD_AUDITS["deep"], BAD_AUDITS["not-json"], "[1]"], ids=["deep", "not-json", "a-list"])
def test_the_grader_writes_its_audit_over_a_handed_in_file_of_any_shape(tmp_path, text):
    """``SaveAudit`` meets the trainee's own himaya-audit.json beside the notebook: it replaces it, never fails."""
    import nbformat

    from grading.preprocessors import AUDIT, SaveAudit

    (tmp_path / AUDIT_FILE).write_text(text)
    resources = {AUDIT: {"added_code_cells": 1}, "metadata": {"path": str(tmp_path)},
                 "nbgrader": {"notebook": MODULE, "student": "mallory", "assignment": MODULE}}
    SaveAudit().preprocess(nbformat.v4.new_notebook(), resources)
    assert json.loads((tmp_path / AUDIT_FILE).read_text()) == {MODULE: {"added_code_cells": 1}}
