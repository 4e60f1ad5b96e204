"""The whole course, end to end: release, a simulated cohort answering through the widgets
in real kernels, nbgrader's submit/collect/autograde/feedback/export.

Expected scores are worked out here from the keys and the scoring rules the
course promises (Moodle's), not by calling the scoring code.
"""
import json
import re

import pytest

from curriculum.settings import ANSWERS_FILENAME
from grading import demo, simulate
from grading.keys import notebook_keys

from expectations import ALL_PERSONAS_ON, LABS, REPO, widget_modules  # tests/ is on pytest's pythonpath

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run():
    """The whole cohort (every persona) on three modules."""
    return demo.run(work="build/test-e2e", modules=ALL_PERSONAS_ON, progress=False)


def test_wrong_answers_score_zero(run):
    for module in run.modules:
        assert run.scores[module]["t-wrong"]["score"] == 0


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


def test_table_lists_every_trainee(run):
    text = demo.table(run)
    for trainee in simulate.PERSONAS:
        assert trainee in text
    assert "grades.csv" in text


def test_demo_prints_a_summary_and_keeps_every_modules_table_in_a_file(run):
    """One line a trainee on screen (modules, total, flags); the per-module tables go to results.txt."""
    text = demo.table(run)
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip().startswith("t-")}
    assert set(lines) == set(simulate.PERSONAS)
    assert "late on" in lines["t-late"] and "classmate's answers file" in lines["t-foreign"]
    # the total is after the late policy, as in grades.csv: t-late answered as well as t-perfect and lost points
    total = {t: float(line.split()[3]) for t, line in lines.items()}
    penalty = sum(run.scores[m]["t-late"]["late_penalty"] for m in run.modules)
    assert penalty > 0 and total["t-late"] == pytest.approx(total["t-perfect"] - penalty)
    assert "tampered" in lines["t-tamper"] and "late" not in lines["t-perfect"]
    assert not any(module in text for module in ALL_PERSONAS_ON)  # no per-module tables on screen
    assert f"report:      {run.report}" in text
    full = run.results.read_text(encoding="utf-8")
    for module in ALL_PERSONAS_ON:
        assert f"\n{module}\n" in f"\n{full}"
    # the note says what happened (a classmate's answers file was handed in), not what the persona is
    assert run.foreign and {t for _, t in run.foreign} == simulate.FOREIGN
    for block in full.split("\n\n"):
        module = block.strip().splitlines()[0]
        noted = {line.split()[0] for line in block.splitlines() if "another trainee's answers file" in line}
        assert noted == {t for m, t in run.foreign if m == module}, module


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
    # the classmate's answers file: the same written answer and save times (its right answers are no evidence)
    assert re.search(r"t-foreign, t-perfect</td><td[^>]*>possible copying</td><td[^>]*>[^<]*the same written answer", look)
    # two trainees with every answer right, each in their own words: never suspected
    assert not re.search(r"t-english, t-perfect</td><td[^>]*>possible copying", look)
    # two trainees with every answer right in the same language, each essay in their own words: never suspected
    assert not re.search(r"t-late, t-perfect</td><td[^>]*>possible copying", look)
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


def test_every_step_succeeded(run):
    assert run.failures == []
    assert run.modules == ALL_PERSONAS_ON


def test_the_demo_grades_written_answers_on_the_grading_page_and_reports_the_graders_agreement(run):
    """Written answers go through the grading page's queue (grading/demo.py grade_written), half marked twice."""
    marked = [(m, item, t, roles) for m, found in run.marked.items() for (item, t), roles in found.items()]
    assert marked and all(roles[0] == "first" for *_, roles in marked)
    twice = [(m, item, t) for m, item, t, roles in marked if roles == ["first", "second"]]
    assert twice
    html = run.report.read_text()
    section = html.split("Double marking: graders' agreement")[1].split("Submissions to look at")[0]
    assert "Cohen" in section and "خلافات تنتظر الحسم" in section
    for module, item, _ in twice:
        assert f'<td class="name">{module}</td><td class="name">{item}</td><td class="name">score' in section
    assert "marked twice, blind" in demo.table(run)
