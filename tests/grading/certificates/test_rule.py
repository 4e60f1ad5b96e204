"""The completion rule: complete, a core module not submitted, below the share, late, awaiting grading; and a
malformed rule named with what to fix."""
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from grading.certificates import rule as rules

FILES = Path(__file__).parent / "files"


def row(score, max_score=10.0, late=False, late_penalty=0.0, manual=False):
    return {"score": score, "max_score": max_score, "late": late, "late_penalty": late_penalty,
            "needs_manual_grade": manual}


@pytest.fixture
def rule():
    return rules.load(FILES / "syllabus.yaml")


def cohort():
    return {
        "m01-one": {"complete": row(8), "missing": row(10), "low": row(5), "late": row(8), "pending": row(9)},
        "m02-two": {"complete": row(7), "low": row(6), "late": row(7, late=True, late_penalty=3.5),
                    "pending": row(8, manual=True)},
        "m02a-lab": {"complete": row(2)},
    }


def test_the_course_syllabus_has_a_rule_every_module_has_hours():
    rule = rules.load(Path(str(resources.files("curriculum").joinpath("syllabus.yaml"))))
    assert rule.min_share == 0.6 and rule.late == "penalty"
    assert "m04a-analysis-lab" not in rule.core_modules and "m10-capstone-case" in rule.core_modules
    assert all(m.minutes > 0 for m in rule.modules.values())


def test_who_completed_and_why_the_others_did_not(rule):
    days = {("m01-one", "complete"): date(2026, 12, 1), ("m02-two", "complete"): date(2026, 12, 3)}
    decided = rules.decide(rule, cohort(), days)
    complete = decided["complete"]
    assert complete.completed and complete.share == pytest.approx(0.75)
    assert complete.modules == ("m01-one", "m02-two", "m02a-lab")  # the lab they submitted is listed too
    assert complete.date == date(2026, 12, 3) and complete.hours(rule) == pytest.approx(3.0)
    assert not decided["missing"].completed
    assert decided["missing"].reasons[0] == "m02-two not submitted (or not graded yet)"
    low = decided["low"]
    assert not low.completed and low.share == pytest.approx(0.55)
    assert low.reasons == ("55% of the core modules' points, below the 60% required",)
    assert not decided["late"].completed  # 8 + 7 − 3.5 = 11.5 of 20: 57.5% after the late penalty
    assert decided["pending"].reasons == ("m02-two: written answers await grading",)


@pytest.mark.parametrize("late, completed", [("penalty", False), ("ignore", True), ("refuse", False)])
def test_late_as_the_rule_says(rule, late, completed):
    from dataclasses import replace

    decided = rules.decide(replace(rule, late=late), cohort())["late"]
    assert decided.completed is completed
    if late == "refuse":
        assert "m02-two submitted late (the rule refuses late core modules)" in decided.reasons


@pytest.mark.parametrize("section, message", [
    ("certificate:\n  core_modules: all\n  min_share: 60\n", "min_share must be a share of the points between 0 and 1"),
    ("certificate:\n  core_modules: [m01-one, m09-nothing]\n  min_share: 0.6\n",
     "core_modules names m09-nothing, not a module of the syllabus; the modules are: m01-one, m02-two, m02a-lab"),
    ("certificate:\n  min_share: 0.6\n  late: sometimes\n", "late must be one of penalty"),
    ("certificate:\n  min_share: 0.6\n  share: 0.6\n", "unknown key(s) share"),
    ("", "the `certificate:` section is missing"),
])
def test_a_malformed_rule_names_what_to_fix(tmp_path, section, message):
    text = (FILES / "syllabus.yaml").read_text(encoding="utf-8")
    start, end = text.index("certificate:"), text.index("modules:\n")
    path = tmp_path / "syllabus.yaml"
    path.write_text(text[:start] + section + text[end:], encoding="utf-8")
    with pytest.raises(rules.RuleError) as err:
        rules.load(path)
    assert message in str(err.value) and str(path) in str(err.value)
