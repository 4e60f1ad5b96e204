"""Evidence of copying: shared wrong answers, identical written text and timing, never shared right answers."""
from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from nbgrader.api import Gradebook

from curriculum.settings import ANSWERS_FILENAME
from grading.reporting import cohort
from grading.reporting.copying import FLAG_AT, Submission, suspicions
from grading.course import Course
from grading.reporting.report import render

MODULE = "m99-fixture"  # the fixture course (tests/grading/conftest.py)
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
RIGHT = {"m99.q1": ("single", "b"), "m99.q2": ("multiple", ["a", "c"]), "m99.q3": ("ordering", ["s1", "s2", "s3", "s4"]),
         "m99.q6": ("numeric", {"number": 90, "unit": "days"}), "m99.q7": ("short", "himaya")}
ESSAY = ("A report count measures what was detected and reported, not how many children were harmed; "
         "platforms that detect more raise it.")


def entries(values: dict, start=START, step=40, wrong=()) -> dict:
    """Answers-file entries saved ``step`` seconds apart from ``start``, in the order given."""
    return {item: {"value": value, "kind": kind, "changes": 1,
                   "time": (start + timedelta(seconds=step * n)).isoformat(timespec="seconds")}
            for n, (item, (kind, value)) in enumerate(values.items())}


def sub(trainee, values, wrong=(), **timing) -> Submission:
    return Submission(trainee, entries(values, **timing), frozenset(wrong))


def test_two_trainees_with_every_answer_right_are_never_flagged():
    """Even answering in the same order a few seconds apart, or with the same save times: right is no evidence."""
    cohort_ = [sub("a", RIGHT), sub("b", RIGHT, start=START + timedelta(seconds=5)), sub("c", RIGHT)]
    assert suspicions(MODULE, cohort_) == []


def test_a_pair_sharing_rare_wrong_answers_is_flagged_with_the_items():
    wrong = {**RIGHT, "m99.q1": ("single", "c"), "m99.q6": ("numeric", {"number": 30, "unit": "days"})}
    honest = [sub(f"h{n}", RIGHT, start=START + timedelta(hours=n)) for n in range(4)]
    pair = [sub("x", wrong, wrong={"m99.q1", "m99.q6"}, start=START + timedelta(hours=1)),
            sub("y", wrong, wrong={"m99.q1", "m99.q6"}, start=START + timedelta(hours=3))]
    found = suspicions(MODULE, honest + pair)
    assert [s.trainees for s in found] == [("x", "y")]
    assert found[0].weight >= FLAG_AT
    assert found[0].reasons[0] == "the same wrong answer to 2 items: m99.q1 (no one else), m99.q6 (no one else)"


def test_a_common_misconception_is_weak_evidence():
    """Half the cohort gives the same two wrong answers: each weighs 1 - (share of the others who gave it)."""
    wrong = {**RIGHT, "m99.q1": ("single", "c"), "m99.q6": ("numeric", {"number": 30, "unit": "days"})}
    misled = [sub(f"m{n}", wrong, wrong={"m99.q1", "m99.q6"}, start=START + timedelta(hours=n)) for n in range(4)]
    honest = [sub(f"h{n}", RIGHT, start=START + timedelta(hours=n)) for n in range(4)]
    assert suspicions(MODULE, misled + honest) == []


def test_one_shared_wrong_answer_needs_corroboration_from_timing():
    wrong = {**RIGHT, "m99.q1": ("single", "c")}
    apart = [sub("x", wrong, wrong={"m99.q1"}), sub("y", wrong, wrong={"m99.q1"}, start=START + timedelta(hours=2))]
    assert suspicions(MODULE, apart) == []
    copied = [sub("x", wrong, wrong={"m99.q1"}), sub("y", wrong, wrong={"m99.q1"})]  # the same save times
    found = suspicions(MODULE, copied)
    assert [s.trainees for s in found] == [("x", "y")]
    assert any("the same save time, to the second, on all 5 items" in r for r in found[0].reasons)


def test_identical_written_answers_are_flagged_after_normalising_short_ones_are_not():
    a = sub("a", {**RIGHT, "m99.q8": ("free", ESSAY)})
    b = sub("b", {**RIGHT, "m99.q8": ("free", "  " + ESSAY.upper().replace(";", ",") + "  ")},
            start=START + timedelta(hours=1))
    found = suspicions(MODULE, [a, b])
    assert [s.trainees for s in found] == [("a", "b")]
    assert found[0].reasons[0].startswith("the same written answer to m99.q8 (21 words")
    short = [sub("a", {"m99.q8": ("free", "I do not know.")}), sub("b", {"m99.q8": ("free", "I do not know")})]
    assert suspicions(MODULE, short) == []


def test_malformed_answers_never_stop_the_comparison():
    odd = Submission("odd", {"m99.q1": {"value": [[[]]], "kind": "single", "time": "yesterday"},
                             "m99.q2": "not an entry", "m99.q8": {"value": 42, "kind": "free"}}, frozenset({"m99.q1"}))
    assert suspicions(MODULE, [odd, sub("b", RIGHT)]) == []


# -- from a real gradebook and submitted answers files, to the report --------------------------------------------

def _hand_in(gb, layout, trainee, values, scores, start):
    gb.add_student(trainee)
    gb.add_submission(MODULE, trainee)
    for grade in gb.find_submission_notebook(MODULE, MODULE, trainee).grades:
        grade.auto_score, grade.needs_manual_grade = scores.get(grade.name, 0.0), False
    folder = layout.step("submitted") / trainee / MODULE
    folder.mkdir(parents=True)
    (folder / ANSWERS_FILENAME).write_text(json.dumps(
        {"schema": 1, "trainee": trainee, "language": "en", "answers": entries(values, start=start)}), encoding="utf-8")


@pytest.fixture
def graded(layout):
    """p1, p2 and p3 all right (p1 and p2 in lockstep); c1 and c2 share two wrong answers; w1 and w2 all right
    with the same essay (its entry's kind says nothing: the module's task cell makes m99.q8 a written answer)."""
    full = {"m99-q1": 1.0, "m99-q2": 2.0, "m99-q3": 2.0, "m99-q6": 1.0, "m99-q7": 1.0}
    wrong = {**RIGHT, "m99.q2": ("multiple", ["b"]), "m99.q7": ("short", "amn")}
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for trainee, offset in (("p1", 0), ("p2", 20), ("p3", 7200)):
            _hand_in(gb, layout, trainee, RIGHT, full, START + timedelta(seconds=offset))
        for trainee, offset in (("c1", 3600), ("c2", 9000)):
            _hand_in(gb, layout, trainee, wrong, {**full, "m99-q2": 0.0, "m99-q7": 0.0}, START + timedelta(seconds=offset))
        for trainee, offset in (("w1", 600), ("w2", 12000)):
            _hand_in(gb, layout, trainee, {**RIGHT, "m99.q8": ("test", ESSAY)}, full, START + timedelta(seconds=offset))
        gb.db.commit()
    return Course(layout)


def test_the_report_flags_the_copying_pair_with_its_reason_and_not_the_right_ones(graded, tmp_path):
    found = cohort.gather(graded, [MODULE])
    assert sorted((s.module, s.trainees) for s in found.copying) == [(MODULE, ("c1", "c2")), (MODULE, ("w1", "w2"))]
    html = render(found, tmp_path / "report.html").read_text()
    look = html.split("Submissions to look at")[1]
    assert "c1, c2</td><td class=\"name\">possible copying</td><td class=\"name\">the same wrong answer to 2 items: " \
           "m99.q2 (no one else), m99.q7 (no one else)" in look
    assert "w1, w2</td><td class=\"name\">possible copying</td><td class=\"name\">the same written answer to m99.q8" in look
    assert "p1" not in look and "p2" not in look
