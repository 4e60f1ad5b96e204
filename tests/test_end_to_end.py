"""The whole course, end to end: release, a simulated cohort answering through the widgets
in real kernels, nbgrader's submit/collect/autograde/feedback/export.

Expected scores are worked out here from the keys and the scoring rules the
course promises (Moodle's), not by calling the scoring code.
"""
import csv
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from curriculum.settings import ANSWERS_FILENAME
from grading import demo, simulate
from grading.keys import notebook_keys, written_items

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


MODULES = sorted(p.name for p in (REPO / "notebooks").glob("m*") if p.is_dir())
LABS = [m for m in MODULES if re.match(r"m\d{2}[a-z]-", m)]
#: Every persona works through these: the orientation (every exercise type), a lab (code) and the
#: capstone (data keys); every module is also played by the personas whose scores are exact.
ALL_PERSONAS_ON = ["m00-orientation", "m04a-analysis-lab", "m10-capstone-case"]
EXACT = ["t-perfect", "t-blank", "t-partial", "t-english"]


@pytest.fixture(scope="module")
def run():
    """The whole cohort (every persona) on three modules."""
    return demo.run(work="build/test-e2e", modules=ALL_PERSONAS_ON, progress=False)


@pytest.fixture(scope="module")
def every_module():
    """Every module of the course, by the personas whose scores are known exactly."""
    return demo.run(work="build/test-e2e-all", personas=EXACT, progress=False)


def widget_modules(run):
    return [m for m in run.modules if m not in LABS]


def points(run, module):
    """grade_id -> max points, from the source notebook."""
    import nbformat

    nb = nbformat.read(REPO / "notebooks" / module / f"{module}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("points")}


def expected_partial(module) -> dict[str, float]:
    """What t-partial's answers deserve, item by item (see simulate.answer's 'partial')."""
    path = REPO / "notebooks" / module / f"{module}.ipynb"
    share = {}
    for item, k in notebook_keys(path).items():
        k = k.for_trainee("t-partial")
        n = len(k.key["answer"]) if k.kind not in ("single", "numeric") else 1
        share[item] = {
            "single": Fraction(0),                  # a wrong option
            "multiple": Fraction(1, n),             # one right option, no wrong one
            "ordering": Fraction(n - 1, n),         # first two swapped
            "matching": Fraction(n // 2, n),        # first half right
            "classify": Fraction(n // 2, n),
            "numeric": Fraction(1),
            "short": Fraction(1),                   # right, in other case and spacing
        }[k.kind]
    for item in written_items(path):
        share[item] = Fraction(1, 3)                     # the simulated instructor's grade
    return share


def test_every_step_succeeded(run, every_module):
    assert run.failures == [] and every_module.failures == []
    assert every_module.modules == MODULES
    assert set(LABS) >= {"m04a-analysis-lab", "m06a-timeline-lab", "m08a-hashing-lab"}


def test_perfect_scores_the_maximum_and_blank_zero_in_every_module(every_module):
    for module in every_module.modules:
        scores = every_module.scores[module]
        assert scores["t-perfect"]["score"] == scores["t-perfect"]["max_score"] > 0, module
        assert scores["t-english"]["score"] == scores["t-english"]["max_score"], module
        assert scores["t-blank"]["score"] == 0, module


def test_wrong_answers_score_zero(run):
    for module in run.modules:
        assert run.scores[module]["t-wrong"]["score"] == 0


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


def test_tampering_earns_exactly_what_the_answers_earn(run):
    for module in run.modules:
        tamper, same_answers = run.scores[module]["t-tamper"], run.scores[module]["t-partial"]
        assert run.work[(module, "t-tamper")].tampered
        assert tamper["items"] == same_answers["items"]
        assert tamper["score"] == same_answers["score"]


def test_someone_elses_answers_file_earns_nothing(run):
    for module in widget_modules(run):
        assert run.scores[module]["t-foreign"]["score"] == 0
        html = "".join(p.read_text() for p in run.course.feedback_files(module, "t-foreign"))
        assert "t-perfect" in html and "t-foreign" in html


def test_late_submission_is_flagged(run):
    for module in run.modules:
        assert run.scores[module]["t-late"]["late"] is True
        assert run.scores[module]["t-perfect"]["late"] is False


def test_answers_file_survives_submit_collect_and_autograde(run):
    base = run.course.layout
    for module in widget_modules(run):
        saved = json.loads((base.base / "trainees" / "t-perfect" / module / ANSWERS_FILENAME).read_text())
        for step in ("submitted", "autograded"):
            copy = json.loads((base.step(step) / "t-perfect" / module / ANSWERS_FILENAME).read_text())
            assert copy == saved
        assert saved["trainee"] == "t-perfect" and saved["answers"]


def test_release_holds_no_hidden_test_or_key(run):
    for module in run.modules:
        keys = notebook_keys(REPO / "notebooks" / module / f"{module}.ipynb")
        for path in run.course.release_dir(module).rglob("*"):
            if path.is_file():
                text = path.read_text(errors="ignore")
                assert "HIDDEN TESTS" not in text and "KEY =" not in text and "MARK SCHEME" not in text
                for k in keys.values():
                    assert repr(k.key) not in text and repr(k.for_trainee("t-perfect").key) not in text


def test_feedback_reveals_no_key_and_speaks_the_trainees_language(run):
    for module in run.modules:
        keys = notebook_keys(REPO / "notebooks" / module / f"{module}.ipynb")
        for trainee in simulate.PERSONAS:
            files = run.course.feedback_files(module, trainee)
            assert files, f"no feedback for {trainee}"
            html = "".join(p.read_text() for p in files)
            for marker in ("HIDDEN TESTS", "KEY =", "MARK SCHEME", "Rubric"):
                assert marker not in html, (trainee, marker)
            for k in keys.values():
                assert repr(k.key) not in html and repr(k.for_trainee(trainee).key) not in html
            if module in LABS:
                continue  # a lab's feedback holds the code tests' own messages, no widget score line
            # the grader's messages (nbgrader's own headings stay in English)
            english = re.search(r"Score: [\d.]+ of [\d.]+", html)
            arabic = re.search(r"الدرجة: [\d.]+ من [\d.]+", html)
            if simulate.PERSONAS[trainee][0] == "en":
                assert english and not arabic, trainee
            else:
                assert arabic and not english, trainee


def test_grades_csv_is_nbgraders_export(every_module):
    run = every_module
    rows = list(csv.DictReader(run.grades_csv.open()))
    assert {"assignment", "student_id", "score", "max_score"} <= set(rows[0])
    by = {(r["assignment"], r["student_id"]): r for r in rows}
    for module in run.modules:
        assert float(by[(module, "t-perfect")]["score"]) == float(by[(module, "t-perfect")]["max_score"])
        assert float(by[(module, "t-blank")]["score"]) == 0


def test_table_lists_every_trainee(run):
    text = demo.table(run)
    for trainee in simulate.PERSONAS:
        assert trainee in text
    assert "grades.csv" in text


def test_grading_without_a_kernel_gives_exactly_the_scores_of_executing(run):
    """Widget-only modules are graded without running the notebook: prove nothing changes."""
    course = run.course
    assert all(course.executes(m) for m in LABS)
    for module in widget_modules(run):
        assert course.executes(module) is False
        without_kernel = course.scores(module)
        results = course.autograde(module, progress=False, execute=True, jobs=2)
        assert all(r.ok for r in results), [r.detail for r in results if not r.ok]
        executed = course.scores(module)
        for trainee in simulate.PERSONAS:
            # written answers keep their manual grades across the rerun
            assert executed[trainee]["items"] == without_kernel[trainee]["items"], trainee
            assert executed[trainee]["score"] == without_kernel[trainee]["score"], trainee


def test_the_demo_ends_with_a_cohort_report_that_flags_what_it_should(run):
    html = run.report.read_text()
    assert "Item analysis" in html and "Mastery of learning outcomes" in html
    look = html.split("Submissions to look at")[1]
    assert re.search(r"t-tamper</td><td[^>]*>tampering", look)
    assert re.search(r"t-foreign, [^<]*t-perfect[^<]*</td><td[^>]*>identical answers files", look)
    assert re.search(r"t-late</td><td[^>]*>late submission", look)
    assert "Public Security Directorate (Jordan)" in html  # the demo roster's breakdown


def test_feedback_pages_are_laid_out_in_the_trainees_language(run):
    for module in run.modules:
        for trainee, (language, _) in simulate.PERSONAS.items():
            html = "".join(p.read_text() for p in run.course.feedback_files(module, trainee))
            if language == "ar":
                assert '<body dir="rtl" lang="ar">' in html and "(الدرجة: " in html, trainee
            else:
                assert '<body dir="ltr" lang="en">' in html and "(Score: " in html, trainee
            assert "ex.SingleChoice(" not in html  # the code trainees never see stays hidden
