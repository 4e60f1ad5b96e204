"""The knowledge check graded as any module, without a kernel: each trainee against their own form's keys (#19).

Released, fetched, submitted, collected and autograded with the course's commands (``python -m grading release
kc-check-pre`` …); scores read from nbgrader's gradebook as the learning-gain report reads them
(``find_grade(slot grade_id, notebook, assignment, trainee)``).
"""
from __future__ import annotations

import io
import os
import shutil
from contextlib import contextmanager, redirect_stderr, redirect_stdout

import pytest
from nbgrader.api import Gradebook

from curriculum import answers, check
from curriculum.exercises.base import grade_id
from curriculum.settings import ANSWERS_FILENAME
from grading import cli
from grading.config import REPO, Layout
from grading.course import Course
from grading.keys import notebook_keys

KC = check.load()
KEYS = notebook_keys(REPO / "notebooks" / KC.pre / f"{KC.pre}.ipynb")
FULL = sum(slot.points for slot in KC.slots)


def trainee_with(form: str, start: int = 0) -> str:
    """The first trainee id from ``start`` whose pre check is ``form``."""
    return next(f"t-{n:03d}" for n in range(start, start + 100) if check.form(f"t-{n:03d}", KC.pre) == form)


def value(kind: str, answer):
    """A key's answer as the widget stores it in the answers file."""
    return {"number": answer} if kind == "numeric" else answer


def wrong(kind: str, answer, options: list[str]):
    """An answer of the same form that earns nothing."""
    if kind == "single":
        return next(o for o in options if o != answer)
    if kind == "classify":
        categories = sorted(set(answer.values()))
        return {row: categories[(categories.index(cat) + 1) % len(categories)] for row, cat in answer.items()}
    if kind == "ordering":
        return list(reversed(answer))
    if kind == "numeric":
        return {"number": answer + 7}
    raise AssertionError(f"no wrong answer for {kind}")


def answers_of(form: str, right: bool) -> dict:
    """Every slot answered with form ``form``'s key (``right``) or a wrong answer of that form."""
    import nbformat

    cells = {c.metadata["nbgrader"]["grade_id"]: c.source
             for c in nbformat.read(REPO / "notebooks" / KC.pre / f"{KC.pre}.ipynb", as_version=4).cells}
    out = {}
    for slot, key in KEYS.items():
        answer = check.form_key(key.key, form)["answer"]
        call = check.form_call(cells[grade_id(slot) + "-widget"], slot, form)
        options = [k.value for kw in call.keywords if kw.arg == "options" for k in kw.value.keys]
        out[slot] = {"value": value(key.kind, answer) if right else wrong(key.kind, answer, options), "kind": key.kind}
    return out


@contextmanager
def grader_environment():
    """Grade as an instructor's process would: none of the test session's trainee settings."""
    saved = {k: os.environ.pop(k) for k in ("HIMAYA_ANSWERS_DIR", "HIMAYA_TRAINEE", "HIMAYA_LANG") if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def run(root, *argv) -> str:
    out = io.StringIO()
    with grader_environment(), redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert cli.main(["--root", str(root), "--work", "build", *argv]) == 0, (argv, out.getvalue())
    return out.getvalue()


A_RIGHT, A_WRONG = trainee_with("A"), trainee_with("A", 40)
B_RIGHT, A_GIVES_B = trainee_with("B"), trainee_with("A", 70)
#: trainee → what they hand in: (the form whose answers they give, right or wrong), in the pre and the post check
CASES = {
    A_RIGHT: {KC.pre: ("A", True), KC.post: ("B", True)},
    A_WRONG: {KC.pre: ("A", False), KC.post: ("B", False)},
    B_RIGHT: {KC.pre: ("B", True), KC.post: ("A", True)},
    A_GIVES_B: {KC.pre: ("B", True), KC.post: ("A", True)},  # the other form's right answers, both times
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("check")
    for assignment in KC.assignments:
        shutil.copytree(REPO / "notebooks" / assignment, root / "notebooks" / assignment)
    course = Course(Layout(root=root, work="build"))
    outs = {}
    for assignment in KC.assignments:
        outs[assignment] = [run(root, "release", assignment)]
        for trainee, plan in CASES.items():
            workspace = root / "trainees" / trainee
            folder = course.fetch(assignment, trainee, workspace)
            form, right = plan[assignment]
            answers.write(folder / ANSWERS_FILENAME, answers.Answers(trainee=trainee, items=answers_of(form, right)))
            course.submit(assignment, trainee, workspace)
        outs[assignment] += [run(root, "collect", assignment), run(root, "autograde", assignment),
                             run(root, "feedback", assignment)]
    scores = {}
    with Gradebook(course.layout.db_url) as gb:
        for assignment in KC.assignments:
            for trainee in CASES:
                scores[(assignment, trainee)] = {
                    slot.id: gb.find_grade(grade_id(slot.id), assignment, assignment, trainee).score for slot in KC.slots}
    return course, scores, outs


def test_the_check_is_graded_without_a_kernel(graded):
    course, _, _ = graded
    assert not any(course.executes(a) for a in KC.assignments)
    assert set(KC.assignments) <= set(course.modules())


@pytest.mark.parametrize("assignment", [KC.pre, KC.post])
def test_each_form_answered_right_earns_full_marks_and_wrong_earns_nothing(graded, assignment):
    _, scores, _ = graded
    right, wrong_ = A_RIGHT, A_WRONG
    assert check.form(right, assignment) == CASES[right][assignment][0]
    assert scores[(assignment, right)] == {slot.id: slot.points for slot in KC.slots}
    assert sum(scores[(assignment, B_RIGHT)].values()) == FULL  # the other form, its own keys
    assert scores[(assignment, wrong_)] == {slot.id: 0 for slot in KC.slots}


@pytest.mark.parametrize("assignment", [KC.pre, KC.post])
def test_the_other_forms_right_answers_earn_nothing(graded, assignment):
    _, scores, _ = graded
    given, assigned = CASES[A_GIVES_B][assignment][0], check.form(A_GIVES_B, assignment)
    assert given != assigned
    assert scores[(assignment, A_GIVES_B)] == {slot.id: 0 for slot in KC.slots}


def test_the_check_is_counted_in_no_module_grade_and_no_certificate(graded):
    from grading.certificates import issue, rule

    course, _, _ = graded
    completion = rule.load()
    standings = issue.standings(course, completion)
    assert not set(KC.assignments) & set(completion.core_modules)
    assert all(not d.completed and not set(KC.assignments) & set(d.modules) for d in standings.values())


def _shown(slot: str, form: str, lang: str) -> str:
    """A text only form ``form`` of ``slot`` shows a trainee who answered it right: the key's option, or a row or step."""
    import ast
    import nbformat

    cells = {c.metadata["nbgrader"]["grade_id"]: c.source
             for c in nbformat.read(REPO / "notebooks" / KC.pre / f"{KC.pre}.ipynb", as_version=4).cells}
    call = check.form_call(cells[grade_id(slot) + "-widget"], slot, form)
    choices = ast.literal_eval(next(k.value for k in call.keywords if k.arg in ("options", "items", "steps")))
    answer = check.form_key(KEYS[slot].key, form)["answer"]
    return choices[answer][lang] if isinstance(answer, str) else next(iter(choices.values()))[lang]


@pytest.mark.parametrize("trainee", [A_RIGHT, B_RIGHT])
def test_the_feedback_page_states_the_questions_of_the_trainees_own_form(graded, trainee):
    import html

    course, _, _ = graded
    (page,) = (course.layout.step("feedback") / trainee / KC.pre).glob("*.html")
    text = html.unescape(page.read_text(encoding="utf-8"))
    form = check.form(trainee, KC.pre)
    other = ({"A", "B"} - {form}).pop()
    for slot in KC.slots:
        if KEYS[slot.id].kind == "numeric":  # no choices: the question itself differs
            continue
        assert _shown(slot.id, form, "ar") in text, f"{slot.id}: form {form}'s question is not on the page"
        assert _shown(slot.id, other, "ar") not in text, f"{slot.id}: form {other}'s question is on the page"


def test_grades_and_the_cohort_report_are_made_with_the_check_collected(graded):
    """`python -m grading export` lists each check as its own assignment (never in a module's row); the report runs."""
    import csv

    course, scores, _ = graded
    root = course.layout.root
    run(root, "export", "--to", str(root / "grades.csv"))
    rows = list(csv.DictReader((root / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    by = {(r["module"], r["trainee_id"]): r for r in rows}
    for assignment in KC.assignments:
        assert float(by[(assignment, A_RIGHT)]["score"]) == FULL and float(by[(assignment, A_WRONG)]["score"]) == 0
    run(root, "report", "--to", str(root / "report.html"))
    assert (root / "report.html").stat().st_size > 0
