"""The fixture module's (tests/fixtures/course/notebooks/m99-fixture) right answers and points, read off it by hand.

Shared by the grading tests and the adversarial corpus (``tests/`` is on pytest's path).
"""

#: The right answer to every graded widget item, in the form the widgets save.
PERFECT = {
    "m99.q1": "b",
    "m99.q2": ["a", "c"],
    "m99.q3": ["s1", "s2", "s3", "s4"],
    "m99.q4": {"x": "one", "y": "two"},
    "m99.q5": {"l1": "g", "l2": "o", "l3": "g", "l4": "o"},
    "m99.q6": {"number": 90, "unit": "days"},
    "m99.q7": "himaya",
}

#: grade_id -> points of the graded widget items.
WIDGET_POINTS = {
    "m99-q1": 1.0, "m99-q2": 2.0, "m99-q3": 2.0, "m99-q4": 2.0,
    "m99-q5": 2.0, "m99-q6": 1.0, "m99-q7": 1.0,
}

#: grade_id -> points of every graded cell: the widget items, the written answer, the code test.
POINTS = {**WIDGET_POINTS, "m99-q8": 3.0, "lab-double-test": 1.0}
