"""Feedback pages run nothing and fetch nothing a trainee wrote (#16 item 6), opened in Chromium.

A trainee adds to their notebook a markdown cell, a raw HTML cell, a cell with an attachment and a
code cell whose outputs are HTML, SVG and JavaScript, each carrying a script, an ``onerror`` or
``onload`` handler, a ``javascript:`` link, a remote image, style sheet, frame and redirect. The
module is released, fetched, submitted, collected, graded (with a kernel: the fixture grades code)
and given feedback by the real pipeline; the page is opened as a trainee opens it, with listeners
for dialogs (``alert``), console messages and every request. Nothing may run, nothing may be
requested, the trainee's text is still shown (as text), and their score is the honest one.
Needs Chromium and Playwright (skipped without them, as the browser suite).
"""
from __future__ import annotations

import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell
from traitlets.config import Config

from feedback_course import FIXTURE_NOTEBOOKS, FUTURE, MODULE, passed, set_duedate, write_answers
from fixture_answers import PERFECT, WIDGET_POINTS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "browser"))
from conftest import CHROMIUM, CHROMIUM_ARGS, require_browser  # noqa: E402  (tests/browser/conftest.py)

from grading.config import Layout  # noqa: E402
from grading.course import Course  # noqa: E402

TRAINEE = "t-xss"
TRAP = "http://127.0.0.1:9"  # nothing listens there: a request is seen by the listener, never answered
MARKDOWN = f"""Notes <script>alert('md-script')</script>
<img src="{TRAP}/remote.png" onerror="alert('md-onerror')">
<svg onload="alert('md-svg')"><circle r="4"/></svg>
<a id="js-link" href="javascript:alert('md-link')">open</a> and [also](javascript:alert('md-mdlink'))
<iframe src="{TRAP}/frame"></iframe>
<link rel="stylesheet" href="{TRAP}/style.css">
<div style="background-image: url({TRAP}/background.png)">styled</div>
<meta http-equiv="refresh" content="0; url={TRAP}/redirect">
![remote]({TRAP}/markdown.png)
"""
SVG = "<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert('svg-out')\"><script>alert('svg-script')</script></svg>"
CODE = f"""from IPython.display import HTML, SVG, Javascript, display
display(HTML("<img src=x onerror=\\"alert('out-onerror')\\"><script>alert('out-script')</script>"
             "<img src='{TRAP}/output.png'><a href='javascript:alert(1)'>out link</a>"))
display(SVG({SVG!r}))
display(Javascript("alert('out-js')"))
"""


def attack(nb):
    """The trainee's additions, after the first cells of the released notebook."""
    attached = new_markdown_cell("![attached](attachment:evil.svg) <img src='attachment:evil.svg' onload=\"alert('att')\">")
    attached.attachments = {"evil.svg": {"image/svg+xml": SVG}}
    raw = new_raw_cell(f"<script>alert('raw-script')</script><img src='{TRAP}/raw.png' onerror=\"alert('raw')\">",
                       metadata={"raw_mimetype": "text/html", "format": "text/html"})
    nb.cells[2:2] = [new_markdown_cell(MARKDOWN), raw, attached, new_code_cell(CODE)]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    require_browser()
    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(FIXTURE_NOTEBOOKS, root / "notebooks")
    overrides = Config()
    overrides.LatePolicy.grace_minutes = 0.0
    course = Course(Layout(root=root, work="build"), overrides)
    course.release(MODULE, duedate=FUTURE)
    workspace = root / "trainees" / TRAINEE
    folder = course.fetch(MODULE, TRAINEE, workspace)
    write_answers(folder, TRAINEE, "en", PERFECT)
    path = folder / f"{MODULE}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    attack(nb)
    nbformat.write(nb, str(path))
    course.submit(MODULE, TRAINEE, workspace)
    course.collect(MODULE)
    assert all(r.ok for r in course.autograde(MODULE, progress=False))
    set_duedate(course, passed())
    assert all(r.ok for r in course.feedback(MODULE, progress=False))
    (html,) = course.feedback_files(MODULE, TRAINEE)
    return course, html


def _open_in_chromium(html) -> dict:
    """Open ``html`` in Chromium, click its ``javascript:`` links; what ran, was asked for or logged."""
    from playwright.sync_api import sync_playwright

    seen = {"dialogs": [], "console": [], "requests": []}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = chromium.new_page()
            tab.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            tab.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
            tab.on("request", lambda r: seen["requests"].append(r.url)
                   if not r.url.startswith(("file:", "data:")) else None)
            tab.goto(html.as_uri(), wait_until="load")
            links = tab.locator("a[href^='javascript:']")
            for n in range(links.count()):  # a link a trainee wrote must not run when clicked
                links.nth(n).click()
            seen["text"] = tab.locator("body").inner_text()
            seen["scripts"] = tab.locator("script").count()
            seen["handlers"] = tab.evaluate(
                "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
            tab.close()
        finally:
            chromium.close()
    return seen


def test_a_feedback_page_runs_and_fetches_nothing_a_trainee_wrote(page):
    course, html = page
    # Playwright's sync API refuses a thread whose asyncio loop runs (an earlier test's, on this xdist worker)
    with ThreadPoolExecutor(max_workers=1) as thread:
        seen = thread.submit(_open_in_chromium, html).result()
    dialogs, console, requests, text = seen["dialogs"], seen["console"], seen["requests"], seen["text"]
    script_count, handlers = seen["scripts"], seen["handlers"]
    assert dialogs == []
    assert requests == []
    assert console == []
    assert script_count == 0 and handlers == []
    assert "<script>alert('md-script')</script>" in text  # what the trainee typed is shown, as text
    scores = course_scores(course)
    assert scores == {**{k: v for k, v in WIDGET_POINTS.items()}, "m99-q8": 0.0, "lab-double-test": 0.0}


def course_scores(course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.layout.db_url) as gb:
        return {g.name: float(g.score or 0.0) for g in gb.find_submission_notebook(MODULE, MODULE, TRAINEE).grades}


def test_formgraders_page_of_the_submission_runs_and_fetches_nothing_the_trainee_wrote(page):
    """formgrader renders the autograded notebook with an HTMLExporter of its own, built from the course's
    configuration: the instructor's page must not run the trainee's script either."""
    import re

    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    from grading.config import configure

    course, _ = page
    config = FormgradeExtension().build_extra_config()
    config.merge(configure(layout=course.layout))
    notebook = course.layout.step("autograded") / TRAINEE / MODULE / f"{MODULE}.ipynb"
    resources = {"assignment_id": MODULE, "notebook_id": MODULE, "submission_id": "s1", "index": 0, "total": 1,
                 "base_url": "", "student": TRAINEE, "last_name": None, "first_name": None,
                 "notebook_path": f"autograded/{TRAINEE}/{MODULE}/{MODULE}.ipynb"}
    html, _ = HTMLExporter(config=config).from_filename(str(notebook), resources=resources)
    scripts = [s for s in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S) if "alert(" in s]
    assert scripts == []
    assert not re.search(r"<[^>]+\son(?:error|load)\s*=", html, re.I)
    targets = re.findall(r"""<[^>]+\s(?:src|href|action|data)\s*=\s*["']?([^"' >]*)""", html, re.I)
    assert not [t for t in targets if t.lower().startswith(("javascript:", TRAP))]
    assert "&lt;script&gt;alert(" in html  # the trainee's text is there, as text


def test_added_markdown_and_raw_cells_are_flagged_like_added_code_cells(page, tmp_path):
    """The grader's audit counts them, and the cohort report lists them with the trainee."""
    import json

    from grading.preprocessors import AUDIT_FILE
    from grading.reporting import cohort
    from grading.reporting.report import render

    course, _ = page
    audit = json.loads((course.layout.step("autograded") / TRAINEE / MODULE / AUDIT_FILE).read_text())[MODULE]
    assert audit["added_text_cells"] == 3 and audit["added_code_cells"] == 1
    look = render(cohort.gather(course, [MODULE]), tmp_path / "report.html").read_text().split("Submissions to look at")[1]
    assert f"{TRAINEE}</td>" in look and "3 markdown or raw cell(s) added (shown as text, never as markup)" in look
