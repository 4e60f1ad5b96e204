"""The cohort report from a small fixed cohort built by hand (no gradebook needed)."""
import re

import pytest

from grading.reporting.cohort import Cohort, ModuleResults
from grading.reporting.copying import Suspicion
from grading.reporting.report import by_group, render, to_look_at
from grading.reporting.roster import Trainee


@pytest.fixture
def cohort():
    m = ModuleResults("m00-orientation", ["m00-q1", "m00-q2", "m00-q3"], [1.0, 2.0, 1.0])
    m.marks = {"A": [1, 2, 0], "B": [1, 1, 1], "C": [0, 1, 0], "D": [0, 0, 1]}
    m.late = {"A": False, "B": True, "C": False, "D": False}
    m.seconds_late = {"A": 0.0, "B": 27 * 3600.0, "C": 0.0, "D": 0.0}
    m.penalty = {"B": 0.6}  # 20 % of 3 points
    m.needs_grading = {"A": False, "B": False, "C": True, "D": False}
    outcomes = {
        "m00.o1": {"module": "m00-orientation", "text": {"ar": "نص", "en": "Text one"}, "items": ["m00-q1", "m00-q2"]},
        "m00.o2": {"module": "m00-orientation", "text": {"ar": "نص", "en": "Text two"}, "items": ["m00-q3"]},
    }
    roster = {t: Trainee(t, t, "Ministry X" if t in "AB" else "Ministry Y", "Jordan" if t in "AB" else "Morocco", "ar")
              for t in "ABCD"}
    audits = {("m00-orientation", "D"): {"missing_grade_cells": ["m00-q1"], "edited_grade_cells": [], "added_code_cells": 2}}
    copying = [Suspicion("m00-orientation", ("A", "C"), 2.0,
                         ("the same wrong answer to 2 items: m00.q3 (no one else), m00.q2 (no one else)",))]
    return Cohort({"m00-orientation": m}, ["A", "B", "C", "D", "E"], outcomes, roster, audits, copying,
                  "60 minutes' grace after the due date; a later submission loses 10 % of its score per started day")


def test_mastery_is_the_share_of_an_outcomes_points(cohort):
    assert cohort.mastery("A", "m00.o1") == pytest.approx(3 / 3)
    assert cohort.mastery("B", "m00.o1") == pytest.approx(2 / 3)
    assert cohort.mastery("C", "m00.o2") == 0.0
    assert cohort.mastery("E", "m00.o1") is None  # did not submit


def test_breakdown_by_ministry(cohort):
    rows, figure = by_group(cohort, "ministry")
    x, y = rows
    assert (x["group"], x["trainees"], x["modules"]["m00-orientation"]["mean"]) == ("Ministry X", 2, pytest.approx(100 * (3 + 2.4) / 8))  # B after its late penalty
    assert (y["group"], y["modules"]["m00-orientation"]["mean"]) == ("Ministry Y", pytest.approx(100 * (1 + 1) / 8))
    assert figure.startswith("data:image/png;base64,")


def test_the_breakdown_of_a_whole_course_lays_out_with_long_ministry_names():
    """Fourteen modules and a few long ministry names: matplotlib must not give up the layout (it only warns)."""
    import warnings

    from curriculum.figures import use_course_style

    use_course_style()  # as render() draws
    modules = {}
    for k in range(14):
        results = ModuleResults(f"m{k:02d}-module-with-a-long-name", ["q1"], [1.0])
        results.marks = {"A": [1], "B": [0], "C": [1]}
        modules[results.module] = results
    names = ["General Directorate for National Security (Morocco)", "Ministry of Interior (United Arab Emirates)",
             "Public Security Directorate (Jordan)"]
    roster = {t: Trainee(t, t, name, "Country", "ar") for t, name in zip("ABC", names)}
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="constrained_layout not applied")
        rows, figure = by_group(Cohort(modules, list("ABC"), {}, roster, {}, []), "ministry")
    assert len(rows) == 3 and figure.startswith("data:image/png;base64,")


def test_submissions_to_look_at(cohort):
    rows = to_look_at(cohort)
    kinds = {(r["trainees"], r["kind"]) for r in rows}
    assert ("D", "tampering (restored; scored on answers only)") in kinds
    assert ("A, C", "possible copying") in kinds
    assert ("B", "late submission") in kinds
    details = {(r["trainees"], r["kind"]): r["detail"] for r in rows}
    assert "the same wrong answer to 2 items" in details[("A, C", "possible copying")]
    assert details[("B", "late submission")] == "1 d 3 h after the due date; penalty 0.6 of 3 points"
    assert ("C", "written answer to grade") in kinds
    assert "m00-q1" in next(r["detail"] for r in rows if r["trainees"] == "D")


def test_the_report_is_one_self_contained_file_with_every_section(cohort, tmp_path):
    html = render(cohort, tmp_path / "report.html").read_text()
    for heading in ("Scores and completion", "Item analysis", "Mastery of learning outcomes",
                    "By ministry and country", "Submissions to look at"):
        assert heading in html
    images = re.findall(r'<img alt="[^"]+" src="([^"]+)"', html)
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    # item analysis of the hand-computed cohort (see test_statistics.py): α = 0, q2 and q3 do not discriminate
    assert "Cronbach's α 0.0 %" in html
    assert html.count(">does not discriminate</td>") == 2
    assert "Text one" in html


def test_scores_in_the_report_are_after_the_late_penalty(cohort, tmp_path):
    """B scored 3 of 4 on the items and lost 0.6 for lateness: the module's mean is (3 + 2.4 + 1 + 1) / 4."""
    assert cohort.modules["m00-orientation"].final("B") == pytest.approx(2.4)
    html = render(cohort, tmp_path / "report.html").read_text()
    assert "<td>1.85</td>" in html
    assert "loses 10 % of its score per started day" in html
    look = html.split("Submissions to look at")[1]
    assert re.search(r"A, C</td><td[^>]*>possible copying</td><td[^>]*>the same wrong answer to 2 items", look)
