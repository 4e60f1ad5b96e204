"""The demo's written answers are graded on the grading page's code path (grading/demo.py ``grade_written``):
two simulated instructors, half the answers marked twice and blind, nbgrader's gradebook written only by the queue."""
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbgrader.api import Gradebook

from grading import demo
from grading.marking import criteria
from grading.marking.queue import ItemQueue
from tests.grading.conftest import written_answers

REPO = Path(__file__).resolve().parents[2]
MODULE, ITEM, GRADE_ID = "m01-digital-world", "m01.q12", "m01-q12"   # 4 criteria of 1 point
STYLES = {"t-right": "right", "t-right2": "right", "t-partial": "partial", "t-partial2": "partial",
          "t-wrong": "wrong", "t-odd": "alternate"}


@pytest.mark.parametrize("style, lenient, met, adjustment", [
    ("right", False, {1, 2, 3, 4}, 0),
    ("wrong", False, set(), 0),
    ("partial", False, {1}, 0.33),          # a third of 4 points: criterion 1 and a third of the next
    ("partial", True, {1, 2}, 0),           # the lenient second grader gives the next criterion whole
])
def test_a_simulated_graders_choices_give_the_personas_share_of_the_points(style, lenient, met, adjustment):
    marks = demo.demo_marks(criteria.load(ITEM), style, "ar", lenient)
    assert set(marks.met) == met and marks.adjustment == pytest.approx(adjustment)
    assert bool(marks.reason) == bool(adjustment)
    assert demo.demo_marks(criteria.load(ITEM), "alternate", "en") is None   # left for a person


@pytest.fixture
def course(tmp_path):
    """m01's source notebook, a gradebook with its written item, and six trainees' autograded answers."""
    layout = written_answers(tmp_path, MODULE, ITEM, 4,
                             {t: ("ar" if n % 2 else "en", f"answer {n}") for n, t in enumerate(STYLES)})
    return SimpleNamespace(layout=layout, source=tmp_path / "notebooks")


def test_the_demo_grades_through_the_queue_with_two_graders_who_mostly_agree(course):
    marked = demo.grade_written(course, MODULE, STYLES, share=1.0)
    with Gradebook(course.layout.db_url) as gb:
        got = {t: gb.find_grade(GRADE_ID, MODULE, MODULE, t) for t in STYLES}
        comments = {t: gb.find_comment(GRADE_ID, MODULE, MODULE, t).manual_comment for t in STYLES}
    # the gradebook holds each first mark: the persona's share of 4 points, as the end-to-end tests expect
    expected = {"right": 4.0, "partial": 1.33, "wrong": 0.0}
    for trainee, style in STYLES.items():
        if style == "alternate":
            assert got[trainee].manual_score is None and got[trainee].needs_manual_grade   # left for a person
            assert (ITEM, trainee) not in marked
        else:
            assert got[trainee].manual_score == pytest.approx(expected[style]), trainee
            assert marked[(ITEM, trainee)] == ["first", "second"]                         # every one twice here
    assert "يستوفي المعيار التالي جزئيًا" in comments["t-partial2"] and "partly meets" in comments["t-partial"]
    queue = ItemQueue(course.layout, MODULE, ITEM, "someone", double_share=1.0)
    marks = queue.marks()
    graders = {t: (m.first.grader, m.second.grader) for t, m in marks.items() if m.second}
    assert all(a != b for a, b in graders.values())                  # never the same grader twice on an answer
    assert queue.to_settle()                                          # (the graders' orders are fixed: see order.py)
    # they disagree exactly on the partial answers instructor-b marked second
    assert set(queue.to_settle()) == {t for t, (_, second) in graders.items()
                                      if STYLES[t] == "partial" and second == "instructor-b"}
    assert {t for t, m in marks.items() if m.state == "agreed"} == {t for t in graders if t not in queue.to_settle()}
