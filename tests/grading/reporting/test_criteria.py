"""Criteria most missed per written item (grading/reporting/criteria.py): counted from the grading page's marks."""
from __future__ import annotations

import re

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, inspect

from grading.marking import criteria as rubrics, revisions
from grading.marking.store import Store
from grading.reporting import criteria
from grading.reporting.cohort import Cohort, ModuleResults
from grading.reporting.report import render

MODULE, ITEM = "m00-orientation", "m00.q8"


def marks(met) -> dict:
    return {"met": sorted(met), "adjustment": 0, "reason": "", "comment": ""}


def test_the_most_missed_criteria_come_first_and_those_half_missed_are_flagged():
    rubric = rubrics.load(ITEM)
    grades = {f"t{i}": criteria.Graded(frozenset(met), "alice", 0.0, True)
              for i, met in enumerate([{1, 2}, {1}, {1, 2, 3}, {1}, {2}])}
    grades["t9"] = criteria.Graded(frozenset(), "bob", 0.0, False)    # waiting for a grader: not counted
    found = criteria.item_criteria(MODULE, ITEM, rubric, grades)
    assert (found.graded, found.waiting) == (5, 1)
    assert [(c.number, c.missed) for c in found.most_missed] == [(3, 4), (2, 2), (1, 1)]
    assert [c.teach_again for c in found.most_missed] == [True, False, False]   # 80 %, 40 %, 20 % missed
    assert criteria.CriterionResult(1, "x", "س", 1.0, 1, 2).teach_again            # exactly half: flagged


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url):
        pass
    return url


def test_gather_counts_the_grade_that_reached_the_gradebook_against_the_rubric_now(db):
    rubric = rubrics.load(ITEM)
    store = Store(db)
    for trainee, met in (("t1", {1}), ("t2", {1, 2}), ("t3", {3}), ("t4", {1, 2, 3})):
        store.save(MODULE, ITEM, trainee, "alice", marks(met), float(len(met)))
        revisions.record(store, MODULE, ITEM, trainee, rubric)
    store.save(MODULE, ITEM, "t2", "carol", marks({2, 3}), 2.0, role="settled")  # a settled disagreement wins
    older = rubrics.Rubric(ITEM, "", 3.0, tuple(rubrics.Criterion(c.number, c.points, c.title + " (old)", c.en, c.ar,
                                                                  c.met, c.missed) for c in rubric.criteria))
    revisions.record(store, MODULE, ITEM, "t4", older)                 # scored against older wording: not counted
    [found] = criteria.gather(db, {MODULE: {"m00-q8"}, "m01-other": set()})
    assert (found.item, found.graded, found.waiting) == (ITEM, 3, 1)
    assert {c.number: c.met for c in found.criteria} == {1: 1, 2: 1, 3: 2}     # t1 {1}, t2 settled {2, 3}, t3 {3}


def test_gather_on_a_gradebook_the_page_never_used_creates_nothing(db):
    assert criteria.gather(db, {MODULE: {"m00-q8"}}) == []
    assert not [t for t in inspect(create_engine(db)).get_table_names() if t.startswith("himaya_")]


def test_the_report_shows_what_to_teach_again_in_both_languages(tmp_path):
    rubric = rubrics.load(ITEM)
    grades = {f"t{i}": criteria.Graded(frozenset(met), "alice", 0.0, True)
              for i, met in enumerate([{1, 2}, {1}, {1, 2}, {1}])}
    results = ModuleResults(MODULE, ["m00-q8"], [3.0])
    results.marks = {f"t{i}": [1.0] for i in range(4)}
    cohort = Cohort({MODULE: results}, [f"t{i}" for i in range(4)], {}, {}, {}, [])
    cohort.criteria = [criteria.item_criteria(MODULE, ITEM, rubric, grades)]
    html = render(cohort, tmp_path / "report.html").read_text(encoding="utf-8")
    section = html.split("criteria most missed", 1)[1]
    assert "الإجابات المكتوبة: المعايير الأكثر إخفاقًا" in html
    assert re.search(r'<img alt="Share of answers that missed each criterion of m00.q8" src="data:image/png;base64,',
                     section)
    rows = re.findall(r"<tr><td class=\"name\">(\d)\. ", section.split("</table>", 1)[0])
    assert rows == ["3", "2", "1"]                                    # most missed first: 4, 2 and 0 of 4
    assert section.count("teach again · يُعاد تدريسه") == 2          # 100 % and 50 % missed
    assert "4 / 4" in section and rubric.criterion(3).ar in section
    plain = render(Cohort({MODULE: results}, [], {}, {}, {}, []), tmp_path / "none.html").read_text(encoding="utf-8")
    assert "criteria most missed" not in plain                        # no marks from the page: no section
