"""Every module of the course end to end, by the personas whose scores are known exactly.

Release, simulated trainees answering through the widgets (and writing lab code) in real
kernels, nbgrader's submit/collect/autograde/feedback/export. Expected scores are worked out
from the keys and the scoring rules the course promises, not by calling the scoring code.
The whole cohort of personas, on three modules, is in test_end_to_end.py.
"""
import csv

import pytest

from grading import demo

from expectations import EXACT, LABS, MODULES, expected_partial, points, widget_modules  # tests/ is on pytest's pythonpath

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def every_module():
    """Every module of the course, by the personas whose scores are known exactly."""
    return demo.run(work="build/test-e2e-all", personas=EXACT, progress=False)


def test_every_step_succeeded(every_module):
    from curriculum import check

    assert every_module.failures == []
    # as a trainee meets them: the knowledge check before the course, the modules, the check after it
    assert every_module.modules == [check.load().pre, *MODULES, check.load().post]
    assert set(LABS) >= {"m04a-analysis-lab", "m06a-timeline-lab", "m08a-hashing-lab"}


def test_perfect_scores_the_maximum_and_blank_zero_in_every_module(every_module):
    for module in MODULES:
        scores = every_module.scores[module]
        assert scores["t-perfect"]["score"] == scores["t-perfect"]["max_score"] > 0, module
        assert scores["t-english"]["score"] == scores["t-english"]["max_score"], module
        assert scores["t-blank"]["score"] == 0, module


def test_a_lab_scores_exactly_the_code_tests_each_persona_passes(every_module):
    for module in LABS:
        pts = points(every_module, module)
        tests = sorted(pts, key=lambda g: int(g.rsplit("q", 1)[1]))
        scores = every_module.scores[module]["t-partial"]["items"]
        # t-partial writes the first half of the solutions: at least the first test passes, the last fails
        assert scores[tests[0]] == pts[tests[0]] and scores[tests[-1]] == 0, module
        assert 0 < every_module.scores[module]["t-partial"]["score"] < every_module.scores[module]["t-partial"]["max_score"]


def test_partial_answers_earn_exactly_their_partial_credit(every_module):
    run = every_module
    for module in widget_modules(run):
        pts = points(run, module)
        share = expected_partial(module)
        got = run.scores[module]["t-partial"]["items"]
        for item, fraction in share.items():
            grade_id = item.replace(".", "-", 1)
            expected = round(float(fraction * pts[grade_id]), 2)
            assert got[grade_id] == pytest.approx(expected, abs=0.006), item
        total = sum(round(float(share[i] * pts[i.replace(".", "-", 1)]), 2) for i in share)
        assert run.scores[module]["t-partial"]["score"] == pytest.approx(total, abs=0.02)


def test_grades_csv_is_the_courses_export(every_module):
    run = every_module
    rows = list(csv.DictReader(run.grades_csv.open(encoding="utf-8-sig")))
    assert {"module", "trainee_id", "name", "score", "max_score", "awaiting_manual_grading"} <= set(rows[0])
    by = {(r["module"], r["trainee_id"]): r for r in rows}
    for module in MODULES:
        assert float(by[(module, "t-perfect")]["score"]) == float(by[(module, "t-perfect")]["max_score"])
        assert float(by[(module, "t-blank")]["score"]) == 0


def test_the_knowledge_check_before_and_after_scores_each_personas_own_form(every_module):
    """The check before the course is answered as grading/simulate.PRE_CHECK says (t-perfect in part, t-english
    and t-partial wrong), the check after it in each persona's own style: scored on the form each one was given."""
    from curriculum import check

    pre, post = (every_module.scores[m] for m in (check.load().pre, check.load().post))
    for trainee in ("t-perfect", "t-english"):
        assert post[trainee]["score"] == post[trainee]["max_score"] > 0, trainee
    assert 0 < pre["t-perfect"]["score"] < pre["t-perfect"]["max_score"]
    assert pre["t-english"]["score"] == pre["t-partial"]["score"] == 0
    assert pre["t-blank"]["score"] == post["t-blank"]["score"] == 0
    assert 0 < post["t-partial"]["score"] < post["t-partial"]["max_score"]
