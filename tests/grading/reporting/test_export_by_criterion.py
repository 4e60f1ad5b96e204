"""``python -m grading export --by item | criterion`` on a real nbgrader gradebook and the grading page's marks."""
from __future__ import annotations

import csv
import warnings
from datetime import datetime, timedelta

import pytest
from nbgrader.api import Gradebook

from grading import cli
from grading.course import Course
from grading.marking import criteria, revisions
from grading.marking.store import Store
from grading.reporting.export import COLUMNS, CRITERION_COLUMNS, ITEM_COLUMNS
from grading.reporting.roster import Trainee, write

MODULE, ITEM = "m99-fixture", "m99.q8"  # the fixture course (tests/grading/conftest.py); m99-q8 is its written answer
DUE = datetime(2026, 12, 1, 17, 0)
RUBRIC = """# m99.q8 — a written answer of the fixture

**Rubric (3 points) · معايير التقييم (3 درجات)**

1. **1 pt — names the harm.** English one.
   درجة واحدة: الأول.
2. **1 pt — names a source.** English two.
   درجة واحدة: الثاني.
3. **1 pt — says what to check.** English three.
   درجة واحدة: الثالث.
"""
COMMENTS = "".join(f"{n}:\n  met: {{ar: \"نعم {n}\", en: \"Yes {n}\"}}\n  missed: {{ar: \"لا {n}\", en: \"No {n}\"}}\n"
                   for n in (1, 2, 3))


@pytest.fixture
def course(layout, tmp_path, monkeypatch):
    """t1 graded on the grading page (criteria 1 and 3), t2 written answer not graded yet, t3 graded with an older
    rubric and sent back to a grader, t4 graded in formgrader alone, t5 on the roster only."""
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    (rubrics / f"{ITEM}.md").write_text(RUBRIC, encoding="utf-8")
    (rubrics / f"{ITEM}.comments.yaml").write_text(COMMENTS, encoding="utf-8")
    monkeypatch.setattr(criteria, "FOLDER", rubrics)
    rubric = criteria.load(ITEM)
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_assignment(MODULE, duedate=DUE)
        for trainee in ("t1", "t2", "t3", "t4"):
            gb.add_student(trainee)
            gb.add_submission(MODULE, trainee, timestamp=DUE - timedelta(hours=1))
            for grade in gb.find_submission_notebook(MODULE, MODULE, trainee).grades:
                grade.auto_score = {"m99-q1": 1.0}.get(grade.name, 0.0)
                grade.needs_manual_grade = False
            written = gb.find_grade("m99-q8", MODULE, MODULE, trainee)
            written.auto_score, written.needs_manual_grade = None, trainee in ("t2", "t3")
            written.manual_score = {"t1": 2.0, "t3": 1.0, "t4": 3.0}.get(trainee)
        gb.db.commit()
    store = Store(layout.db_url)
    store.save(MODULE, ITEM, "t1", "alice", {"met": [1, 3], "adjustment": 0, "reason": "", "comment": ""}, 2.0)
    revisions.record(store, MODULE, ITEM, "t1", rubric)
    store.save(MODULE, ITEM, "t3", "bob", {"met": [2], "adjustment": 0, "reason": "", "comment": ""}, 1.0)
    older = criteria.Rubric(ITEM, "", 3.0, tuple(c.__class__(c.number, 2.0 if c.number == 1 else 0.5, c.title, c.en, c.ar,
                                                             c.met, c.missed) for c in rubric.criteria))
    revisions.record(store, MODULE, ITEM, "t3", older)  # graded before criterion 1 changed; not re-scored yet
    roster = write(tmp_path / "roster.csv", [Trainee(t, "=cmd|' /C calc'!A0" if t == "t1" else t.upper(),
                                                     "Ministry", "Jordan", "ar") for t in ("t1", "t2", "t3", "t4", "t5")])
    return Course(layout), roster


def _read(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_by_criterion_one_row_per_trainee_written_item_and_criterion(course, tmp_path):
    course, roster = course
    rows = _read(course.export(tmp_path / "c.csv", roster=roster, by="criterion"))
    assert list(rows[0]) == list(CRITERION_COLUMNS)
    got = {(r["trainee_id"], int(r["criterion"])): r for r in rows}
    assert len(rows) == 5 * 3 and {r["item"] for r in rows} == {ITEM}
    assert [(got["t1", n]["met"], got["t1", n]["points_earned"]) for n in (1, 2, 3)] == [("yes", "1"), ("no", "0"),
                                                                                      ("yes", "1")]
    assert got["t1", 2]["criterion_title"] == "names a source" and got["t1", 1]["grader"] == "alice"
    assert got["t1", 1]["name"] == "'=cmd|' /C calc'!A0"             # no formula, as in grades.csv
    for trainee, note in (("t2", "not graded yet"), ("t3", "to grade again: the rubric changed since"),
                          ("t4", "graded without criteria (formgrader, or a blank answer)"), ("t5", "not submitted")):
        assert {(got[trainee, n]["met"], got[trainee, n]["note"]) for n in (1, 2, 3)} == {("", note)}, trainee


def test_by_item_one_row_per_trainee_and_item_with_the_criteria_met(course, tmp_path):
    course, roster = course
    rows = _read(course.export(tmp_path / "i.csv", roster=roster, by="item"))
    assert list(rows[0]) == list(ITEM_COLUMNS)
    got = {(r["trainee_id"], r["item"]): r for r in rows}
    with Gradebook(course.layout.db_url) as gb:
        items = [c.name for nb in gb.find_assignment(MODULE).notebooks for c in nb.grade_cells + nb.task_cells]
    assert len(rows) == 5 * len(items)
    t1 = got["t1", ITEM]
    assert (t1["written"], t1["score"], t1["max_score"], t1["criteria_met"], t1["grader"]) == ("yes", "2", "3", "1 3",
                                                                                             "alice")
    assert (got["t3", ITEM]["criteria_met"], got["t3", ITEM]["awaiting_manual_grading"]) == ("", "yes")
    assert (got["t1", "m99.q1"]["written"], got["t1", "m99.q1"]["score"]) == ("no", "1")
    assert (got["t5", "m99.q1"]["submitted"], got["t5", "m99.q1"]["score"]) == ("no", "")  # blank, never 0


def test_the_default_export_is_unchanged_and_the_command_line_asks_by(course, tmp_path):
    course, roster = course
    base = ["--root", str(course.layout.root), "--work", course.layout.work, "export", "--roster", str(roster)]
    assert cli.main([*base, "--to", str(tmp_path / "m.csv")]) == 0
    assert list(_read(tmp_path / "m.csv")[0]) == list(COLUMNS)
    assert cli.main([*base, "--by", "criterion", "--to", str(tmp_path / "c.csv")]) == 0
    assert list(_read(tmp_path / "c.csv")[0]) == list(CRITERION_COLUMNS)
    assert (tmp_path / "m.csv").read_bytes() == course.export(tmp_path / "again.csv", roster=roster).read_bytes()


def test_a_gradebook_the_grading_page_never_used_gets_no_tables_of_ours(layout, tmp_path, monkeypatch):
    from sqlalchemy import create_engine, inspect

    (tmp_path / f"{ITEM}.md").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / f"{ITEM}.comments.yaml").write_text(COMMENTS, encoding="utf-8")
    monkeypatch.setattr(criteria, "FOLDER", tmp_path)
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_assignment(MODULE, duedate=DUE)
        gb.add_student("t1")
        gb.add_submission(MODULE, "t1", timestamp=DUE)
    rows = _read(Course(layout).export(tmp_path / "c.csv", by="criterion"))
    assert [(r["criterion"], r["note"]) for r in rows] == [("1", "not graded yet"), ("2", "not graded yet"),
                                                           ("3", "not graded yet")]
    engine = create_engine(layout.db_url)
    assert not [t for t in inspect(engine).get_table_names() if t.startswith("himaya_")]
    engine.dispose()
