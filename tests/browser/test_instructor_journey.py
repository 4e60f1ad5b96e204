"""The instructor's journey in a real browser: formgrader, a written answer graded by hand, grades.csv, feedback.

The course is built with the real pipeline in ``build/test-instructor``: m00
is released, two trainees (one answering in Arabic, one in English) fetch it,
answer through the widgets in their own kernels (grading/simulate.py, as the
demo does), submit; the instructor collects and autogrades.  Then, as an
instructor starts it, JupyterLab runs at the course root (formgrader reads
``nbgrader_config.py`` there; ``HIMAYA_WORK`` names the build folder) and
Chromium walks formgrader's own links: Manual Grading → m00-orientation → the
notebook → the Arabic trainee's submission, where the written answer (m00.q8)
must be readable beside the score field.  A score and a comment typed there
must reach the gradebook, ``python -m grading export`` (grades.csv) and the
trainee's feedback page (``python -m grading feedback``), which
``python -m grading release-feedback`` hands to the trainees.

Screenshots: build/screenshots/formgrader-*.png.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Lab

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
WORK = "build/test-instructor"
SCREENSHOTS = REPO / "build" / "screenshots"
MODULE = "m00-orientation"
ITEM = "m00-q8"  # the written answer's task cell (grade id of item m00.q8)
#: simulate.py's personas: both answer every item right, one in Arabic, one in English
TRAINEES = {"ar": "t-perfect", "en": "t-english"}
SCORE = 2.5
COMMENT = "أحسنت: فرّقت بين عدد البلاغات وعدد الضحايا. اذكر أيضًا مصدرًا مستقلًا تقارن به."
ERROR = "Sorry, the formgrader encountered an error"


# -- the course, graded by the machine --------------------------------------------------
@pytest.fixture(scope="module")
def course(requirements):
    """m00 released, answered through the widgets by both trainees, submitted, collected, autograded."""
    from grading import simulate
    from grading.config import Layout
    from grading.course import Course
    from grading.keys import notebook_keys, written_items

    layout = Layout(work=WORK)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    course.release(MODULE)
    source = course.source / MODULE / f"{MODULE}.ipynb"
    for trainee in TRAINEES.values():
        desk = layout.base / "trainees" / trainee
        folder = course.fetch(MODULE, trainee, desk)
        keys = {item: key.for_trainee(trainee) for item, key in notebook_keys(source).items()}
        work = simulate.work_through(folder, source.name, trainee, keys, written_items(source))
        assert "m00.q8" in work.given, f"{trainee} did not write the answer to m00.q8"
        course.submit(MODULE, trainee, desk)
    course.collect(MODULE)
    failed = [r for r in course.autograde(MODULE, progress=False) if not r.ok]
    assert not failed, failed
    return course


def gradebook_entry(course, trainee: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.layout.db_url) as gb:
        grade = gb.find_grade(ITEM, MODULE, MODULE, trainee)
        comment = gb.find_comment(ITEM, MODULE, MODULE, trainee)
        return {"manual_score": grade.manual_score, "needs_manual_grade": grade.needs_manual_grade,
                "comment": comment.manual_comment, "total": gb.find_submission(MODULE, trainee).score}


@pytest.fixture(scope="module")
def before(course) -> dict:
    """What the gradebook held before the instructor opened formgrader."""
    return {trainee: gradebook_entry(course, trainee) for trainee in TRAINEES.values()}


# -- JupyterLab as an instructor starts it ----------------------------------------------
class InstructorLab(Lab):
    """``jupyter lab`` started at the course root, with formgrader (nbgrader's server extension)."""

    def __init__(self, state: Path):
        self.root, self.trainee = REPO, None
        for name in ("config", "runtime", "user-settings", "workspaces"):
            (state / name).mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HIMAYA_", "JUPYTER_"))}
        env.update(
            HIMAYA_WORK=WORK,                  # nbgrader_config.py at the root: this course's folders
            JUPYTER_PREFER_ENV_PATH="1",
            JUPYTER_CONFIG_DIR=str(state / "config"),
            JUPYTER_RUNTIME_DIR=str(state / "runtime"),
        )
        self.launch([sys.executable, "-m", "jupyter", "lab", *self.choose_address(), "--allow-root",
                     f"--LabApp.user_settings_dir={state / 'user-settings'}",
                     f"--LabApp.workspaces_dir={state / 'workspaces'}"],
                    REPO, env, state / "jupyterlab.log")


@pytest.fixture(scope="module")
def lab(course):
    server = InstructorLab(course.layout.base / "instructor-lab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def open_submission(page, lab, trainee: str):
    """Formgrader's own links, as an instructor clicks them, to ``trainee``'s submission; returns the q8 cell."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lab.url}/formgrader?token={lab.token}")
    return open_in_formgrader(page, trainee, lambda: f"page errors: {errors}\nserver log:\n{lab.log()}")


def open_in_formgrader(view, trainee: str, log=lambda: ""):
    """From formgrader's first page in ``view`` (a page, or the frame JupyterLab's Formgrader panel holds):
    Manual Grading → the module → its notebook → ``trainee``'s submission; returns the q8 cell."""
    view.get_by_role("link", name="Manual Grading", exact=True).click()
    view.get_by_role("link", name=MODULE, exact=True).click()   # the module
    view.get_by_role("link", name=MODULE, exact=True).click()   # its notebook
    view.wait_for_function("() => window.models && models.loaded")  # formgrader's table, filled and sorted
    row = view.locator("#main-table tr").filter(
        has=view.locator("a.name-shown", has_text=re.compile(f"^{re.escape(trainee)}$")))
    row.locator("td.reveal").click()  # names are hidden by default (anonymous grading): show this one
    row.locator("a.name-shown").click()
    try:  # formgrader has loaded this submission's grades and comments into its fields
        view.wait_for_function("() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
                               " && formgrader.comments && formgrader.comments.loaded")
    except Exception as err:
        body = view.locator("body").inner_text()
        raise AssertionError(f"{trainee}'s submission did not open in formgrader: {body[:500]!r}\n{log()}") from err
    assert ERROR not in view.locator("body").inner_text()
    # formgrader's script ran to its end (keyboard shortcuts, focus on the first field): on a closed network
    # it stopped at "MathJax is not defined" when nbconvert's page loaded MathJax from a CDN
    assert view.evaluate("() => formgrader.loaded") is True, f"formgrader's script stopped: {log()}"
    view.wait_for_function("() => MathJax.loaded === true")  # formgrader has focused and scrolled to its first field
    return view.locator(".nbgrader_cell").filter(has=view.locator(f"#{ITEM}"))


def grade_in_formgrader(page, cell, score: float, comment: str) -> None:
    """Type a score and a comment in the written answer's fields, as formgrader saves them (on change)."""
    field = cell.locator(f"input.score#{ITEM}")
    with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT") as saved:
        field.fill(str(score))
        field.press("Tab")
    assert saved.value.ok
    # the server's answer: graded, no longer waiting for the instructor
    cell.locator(f"input.score#{ITEM}:not(.needs_manual_grade)").wait_for()
    text = cell.locator(f"textarea#{ITEM}-comment")
    with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url and r.request.method == "PUT") as saved:
        text.fill(comment)
        text.press("Tab")
    assert saved.value.ok


def shoot(page, cell, name: str) -> Path:
    """The written answer's cell: its heading with the score field, the answer, the rubric and the comment box."""
    path = SCREENSHOTS / f"formgrader-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    cell.screenshot(path=str(path))  # the page scrolls inside formgrader's own panes: the element, not the window
    return path


def written_answer(lang: str) -> str:
    from grading import simulate

    return simulate.WRITTEN["right"][lang]


def grading_cli(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIMAYA_")}
    done = subprocess.run([sys.executable, "-m", "grading", "--work", WORK, *argv], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"python -m grading {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}"
    return done


# -- the journey, in order ----------------------------------------------------------------
def test_the_written_answer_is_shown_where_the_score_is_typed(page, lab, before):
    """#14: the submission page was HTTP 500 (TemplateNotFound: himaya.html.j2), so nothing could be graded."""
    trainee = TRAINEES["ar"]
    assert before[trainee]["needs_manual_grade"] and before[trainee]["manual_score"] is None
    cell = open_submission(page, lab, trainee)
    answer = cell.locator(".himaya-free-answer")
    assert answer.inner_text().strip() == written_answer("ar")
    # right to left, from the right edge of the cell, as Arabic is read
    assert answer.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box, panel = answer.bounding_box(), cell.locator(".panel-body").bounding_box()
    assert panel["x"] + panel["width"] - (box["x"] + box["width"]) < 24
    assert "needs_manual_grade" in cell.locator(f"input.score#{ITEM}").get_attribute("class")
    assert cell.locator(f"textarea#{ITEM}-comment").is_visible()
    shoot(page, cell, "submission-ar")


def test_a_score_and_comment_typed_in_formgrader_reach_the_gradebook(page, lab, course, before):
    trainee = TRAINEES["ar"]
    cell = page.locator(".nbgrader_cell").filter(has=page.locator(f"#{ITEM}"))
    assert cell.count() == 1, "the previous test leaves the Arabic trainee's submission open"
    grade_in_formgrader(page, cell, SCORE, COMMENT)
    shoot(page, cell, "graded-ar")

    now = gradebook_entry(course, trainee)
    assert now["manual_score"] == SCORE and now["needs_manual_grade"] is False
    assert now["comment"] == COMMENT
    assert now["total"] == pytest.approx(before[trainee]["total"] + SCORE)
    other = TRAINEES["en"]
    assert gradebook_entry(course, other) == before[other]  # the other trainee is untouched


def test_grades_csv_shows_the_new_total(course, before):
    path = course.layout.base / "grades.csv"
    grading_cli("export", "--to", str(path))
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = rows[0].keys()

    def row(trainee):
        found = [r for r in rows if (r.get("trainee_id") or r.get("student_id")) == trainee
                 and (r.get("module") or r.get("assignment")) == MODULE]
        assert len(found) == 1, (trainee, rows)
        return found[0]

    graded, waiting = row(TRAINEES["ar"]), row(TRAINEES["en"])
    assert float(graded["score"]) == pytest.approx(before[TRAINEES["ar"]]["total"] + SCORE)
    assert float(waiting["score"]) == pytest.approx(before[TRAINEES["en"]]["total"])
    if "awaiting_manual_grading" in header:  # the course's grades.csv (grading/reporting/export.py)
        assert graded["awaiting_manual_grading"].lower() in ("", "no", "false", "0")
        assert waiting["awaiting_manual_grading"].lower() in ("yes", "true", "1")


def test_feedback_shows_the_score_and_comment_and_is_released(course, browser, before):
    grading_cli("feedback", MODULE)
    pages = course.feedback_files(MODULE, TRAINEES["ar"])
    assert len(pages) == 1
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    try:
        view = context.new_page()
        view.goto(pages[0].as_uri())
        text = view.locator("body").inner_text()
        assert COMMENT in text
        assert re.search(r"2[.٫]5\s*(/|من)\s*3", text), "the written answer's score is not on the feedback page"
        total = before[TRAINEES["ar"]]["total"] + SCORE
        assert re.search(rf"{total:g}\s*(/|من)\s*14", text), f"the new total {total:g} / 14 is not on the page"
        where = view.get_by_text(COMMENT, exact=True)
        if where.count():
            where.first.evaluate("e => e.scrollIntoView({block: 'center'})")
        path = SCREENSHOTS / "formgrader-feedback-ar.png"
        view.screenshot(path=str(path))
    finally:
        context.close()
    done = grading_cli("release-feedback", MODULE)
    assert f"released feedback of {MODULE} to 2 trainees" in done.stdout


def test_the_english_submission_reads_left_to_right(page, lab):
    cell = open_submission(page, lab, TRAINEES["en"])
    answer = cell.locator(".himaya-free-answer")
    assert answer.inner_text().strip() == written_answer("en")
    assert answer.evaluate("e => getComputedStyle(e).direction") == "ltr"
    shoot(page, cell, "submission-en")
