"""Copying hidden by rewriting the answers (#16 item 10): compared as the scorer reads them, a copy still shows.

A trainee who copies a classmate's wrong answers and disguises them (an option set reversed, the
entry's ``kind`` removed, letter case changed, a space added, 82.0 written as 82) gives exactly
the answers the scorer reads as the classmate's: the cohort report must still list the pair, with
the shared wrong answers as its reason. Honest trainees with different wrong answers, and an
ordering reversed (another answer to the scorer), are never listed.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from report_course import FULL, MODULE, RIGHT, START, entries, generate, hand_in

from grading.reporting import cohort
from grading.reporting import copying
from grading.reporting.copying import Submission, suspicions
from grading.reporting.report import render

#: A wrong answer to four items, as the first trainee saved it …
WRONG = {**RIGHT, "m99.q2": ("multiple", ["b", "d", "a"]), "m99.q6": ("numeric", {"number": 82.0, "unit": "days"}),
         "m99.q7": ("short", "Amn Raqmi"), "m99.q4": ("matching", {"x": "two", "y": "one"})}
#: … and as the copier disguised it: the set reversed and its kind dropped, 82, case and spaces.
DISGUISED = {**RIGHT, "m99.q2": (None, ["a", "d", "b"]), "m99.q6": ("numeric", {"number": 82, "unit": "days"}),
             "m99.q7": ("short", "  amn   RAQMI "), "m99.q4": ("matching", {"y": "one", "x": "two"})}
WRONG_SCORES = {**FULL, "m99-q2": 0.0, "m99-q6": 0.0, "m99-q7": 0.0, "m99-q4": 0.0}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = generate(tmp_path_factory.mktemp("copying"))
    for n in range(4):  # honest trainees, all right, at their own pace
        hand_in(course, f"h{n}", entries(RIGHT, start=START + timedelta(hours=n)))
    hand_in(course, "x", entries(WRONG, start=START + timedelta(hours=1)), WRONG_SCORES)
    hand_in(course, "y", entries(DISGUISED, start=START + timedelta(hours=5), step=300), WRONG_SCORES)
    # another trainee with wrong answers of their own
    own = {**RIGHT, "m99.q2": ("multiple", ["b"]), "m99.q7": ("short", "amn")}
    hand_in(course, "z", entries(own, start=START + timedelta(hours=2)), {**FULL, "m99-q2": 0.0, "m99-q7": 0.0})
    return course


def test_a_disguised_copy_of_wrong_answers_is_listed_with_its_reason(course, tmp_path):
    found = cohort.gather(course, [MODULE])
    assert [s.trainees for s in found.copying] == [("x", "y")]
    assert "the same wrong answer to 4 items: m99.q2 (no one else), m99.q4 (no one else), m99.q6 (no one else), " \
           "m99.q7 (no one else)" in found.copying[0].reasons[0]
    look = render(found, tmp_path / "report.html").read_text().split("Submissions to look at")[1]
    assert "x, y</td><td class=\"name\">possible copying" in look


@pytest.mark.parametrize(("kind", "a", "b"), [
    ("multiple", ["c", "a"], ["a", "c", "a"]),
    ("numeric", {"number": 82, "unit": "days"}, {"number": 82.0, "unit": "days"}),
    ("numeric", {"number": 82, "unit": "days"}, {"number": "٨٢", "unit": "days"}),
    ("short", "Amn", " amn\u200f"),
    ("single", "C", "c "),
    ("matching", {"x": "One", "y": "two"}, {"y": "two", "x": "one"}),
])
def test_answers_the_scorer_reads_alike_compare_equal(kind, a, b):
    assert copying.canonical(a, kind) == copying.canonical(b, kind) is not None


@pytest.mark.parametrize(("kind", "a", "b"), [
    ("ordering", ["s1", "s2", "s3"], ["s3", "s2", "s1"]),
    ("multiple", ["a", "c"], ["a", "b"]),
    ("numeric", {"number": 82, "unit": "days"}, {"number": 82, "unit": "weeks"}),
    ("numeric", {"number": 82, "unit": "days"}, {"number": 28, "unit": "days"}),
])
def test_different_answers_stay_different(kind, a, b):
    assert copying.canonical(a, kind) != copying.canonical(b, kind)


def test_honest_trainees_are_never_listed():
    """All right, or each wrong in their own way: no pair, whatever the kinds."""
    kinds = {item: kind for item, (kind, _) in RIGHT.items()}
    honest = [Submission(f"h{n}", entries(RIGHT, start=START + timedelta(minutes=n))) for n in range(4)]
    own = [Submission(f"w{n}", entries({**RIGHT, "m99.q3": ("ordering", order)}), frozenset({"m99.q3"}))
           for n, order in enumerate([["s4", "s3", "s2", "s1"], ["s1", "s2", "s4", "s3"], ["s2", "s1", "s3", "s4"]])]
    assert suspicions(MODULE, honest + own, kinds=kinds) == []
