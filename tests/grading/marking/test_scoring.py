"""Choices to score and comment (grading/marking/scoring.py)."""
import math

import pytest

from grading.marking import criteria
from grading.marking.scoring import MarkProblem, Marks, compose, score

RUBRIC = criteria.load("m00.q8")  # three criteria of 1 point


def marks(**data) -> Marks:
    return Marks.from_json(data, RUBRIC)


@pytest.mark.parametrize("data, expected", [
    ({"met": []}, 0), ({"met": [1, 3]}, 2), ({"met": [1, 2, 3]}, 3),
    ({"met": [1, 3], "adjustment": -0.5, "reason": "copied"}, 1.5),
    ({"met": [1, 2, 3], "adjustment": 1, "reason": "beyond the rubric"}, 3),   # never above the maximum
    ({"met": [], "adjustment": "−1", "reason": "names a real case"}, 0),       # never below 0; a typographic minus
    ({"met": [2], "adjustment": "0٫5", "reason": "partly"}, 1.5),              # an Arabic decimal separator
])
def test_the_score_is_the_met_points_plus_the_adjustment_within_bounds(data, expected):
    assert score(RUBRIC, marks(**data)) == expected


@pytest.mark.parametrize("data, message", [
    ({"met": [1], "adjustment": -1}, "an adjustment needs its reason"),
    ({"met": [4]}, "m00.q8 has no criterion 4; its criteria are 1–3"),
    ({"met": ["1"]}, "met: a list of criterion numbers"),
    ({"met": [True]}, "met: a list of criterion numbers"),
    ({"met": [], "adjustment": "a lot", "reason": "x"}, "write a number such as -0.5"),
    ({"met": [], "adjustment": math.nan, "reason": "x"}, "between -3 and 3"),
    ({"met": [], "adjustment": 10, "reason": "x"}, "between -3 and 3"),
])
def test_choices_that_cannot_be_saved_say_why(data, message):
    with pytest.raises(MarkProblem, match=message):
        marks(**data)


def test_the_comment_is_composed_in_the_trainees_language():
    chosen = marks(met=[1, 3], adjustment=-0.5, reason="سبب", comment="Free words.")
    ar, en = compose(RUBRIC, chosen, "ar"), compose(RUBRIC, chosen, "en")
    first, second, third = RUBRIC.criteria
    assert ar.split("\n\n") == [f"✓ {first.met['ar']}", f"✗ {second.missed['ar']}", f"✓ {third.met['ar']}",
                                "تعديل الدرجة (−0.5): سبب", "Free words."]
    assert en.split("\n\n")[:4] == [f"✓ {first.met['en']}", f"✗ {second.missed['en']}", f"✓ {third.met['en']}",
                                    "Score adjusted (−0.5): سبب"]
    assert compose(RUBRIC, marks(met=[1, 2, 3]), "en").count("✓") == 3


def test_choices_round_trip_as_saved():
    chosen = marks(met=[3, 1], adjustment=0.5, reason="r", comment="c")
    assert chosen.to_json() == {"met": [1, 3], "adjustment": 0.5, "reason": "r", "comment": "c"}
    assert Marks.from_json(chosen.to_json(), RUBRIC) == chosen
