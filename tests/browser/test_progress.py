"""A trainee opens their progress page in Chromium, from make lab's JupyterLab: every module's state, in Arabic then English.

The course is made with the real pipeline (tests/progress_course.py): m00 graded with feedback fetched, m01
submitted, m02 in progress, m03 released and not fetched, the rest not released; a classmate's submissions sit in
the exchange and in the same nbgrader cache.  The server is ``make lab``'s (grading/lab.py: the hub's trainee
configuration, which switches the page on).  Screenshots: build/screenshots/progress-ar.png, progress-en.png.
"""
from __future__ import annotations

import re

import pytest

import progress_course as pc  # tests/ is on the path
from curriculum import syllabus
from grading import lab
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, CourseLab

pytestmark = pytest.mark.browser

EXPECTED = {  # what a person reads: title, the four states, "open the feedback", mastered, not yet, awaiting
    "ar": ("تقدّمي في دورة حماية", {"graded": "قُيِّمت", "submitted": "سُلِّمت", "in_progress": "قيد الإنجاز",
                                    "not_started": "لم تبدأ"}, "افتح صفحة التقييم", "✓ متقَن", "✗ لم يُتقَن بعد",
           "… بانتظار التقييم"),
    "en": ("My progress in the Himaya course", {"graded": "Graded", "submitted": "Submitted",
                                                 "in_progress": "In progress", "not_started": "Not started"},
           "Open the feedback page", "✓ mastered", "✗ not yet mastered", "… awaiting grading"),
}


@pytest.fixture(scope="module")
def course(requirements):
    return pc.build("build/test-progress")


@pytest.fixture(scope="module")
def server(course):
    running = CourseLab(lab.TraineeLab(course, pc.TRAINEE, "ar"))   # the course's language setting: Arabic
    yield running
    running.stop()


def section(page, module: str):
    return page.locator(f"section.module[data-module='{module}']")


def check_page(page, course, lang: str) -> None:
    title, states, open_feedback, mastered, not_yet, waiting = EXPECTED[lang]
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == title
    assert page.evaluate("() => [document.documentElement.lang, getComputedStyle(document.body).direction]") == \
        [lang, "rtl" if lang == "ar" else "ltr"]
    for module, state in ((pc.GRADED, "graded"), (pc.SUBMITTED, "submitted"), (pc.IN_PROGRESS, "in_progress"),
                          (pc.RELEASED, "not_started"), ("m04-crime-patterns", "not_started")):
        block = section(page, module)
        assert block.get_attribute("data-state") == state, module
        assert block.locator(".badge").inner_text() == states[state]
        assert block.locator("h3").inner_text().startswith(syllabus.load()[module].title[lang])
    # graded: the score after the late policy, as the gradebook has it, and the feedback page
    scores = course.scores(pc.GRADED)[pc.TRAINEE]
    score, top = scores["score"] - scores["late_penalty"], scores["max_score"]
    assert f"{score:g} " in section(page, pc.GRADED).locator(".score").inner_text()
    assert f" {top:g} " in section(page, pc.GRADED).locator(".score").inner_text()
    assert section(page, pc.GRADED).locator("a.feedback").inner_text() == open_feedback
    outcomes = {li.get_attribute("data-outcome"): li.inner_text()
                for li in section(page, pc.GRADED).locator("li[data-outcome]").all()}
    assert mastered in outcomes["m00.o1"] and mastered in outcomes["m00.o2"]
    assert not_yet in outcomes["m00.o3"] and waiting in outcomes["m00.o4"]
    # in progress: three of m02's graded items answered
    items = {i for o in syllabus.load()[pc.IN_PROGRESS].outcomes for i in o.items}
    numbers = re.findall(r"\d+", section(page, pc.IN_PROGRESS).locator(".answered").inner_text())
    assert numbers[:2] == ["3", str(len(items))]
    # submitted: the trainee's own submission time
    own = next(p.name.rsplit("+", 1)[1] for p in pc.lab_cache(course).glob(f"*/{pc.TRAINEE}+{pc.SUBMITTED}+*"))
    assert own[:16] in section(page, pc.SUBMITTED).locator(".when").inner_text()
    # nothing of the classmate: not their id, not their m02 submission, not their m00 score
    text = page.locator("body").inner_text()
    assert pc.OTHER not in text and pc.OTHER_TIME[:10] not in text
    assert page.locator("bdi.trainee").inner_text() == pc.TRAINEE


def test_the_progress_page_in_arabic_then_english(server, course, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    scripts = []
    page.on("console", lambda message: scripts.append(message.text))
    try:
        page.goto(f"{server.url}/himaya/progress?token={server.token}")
        check_page(page, course, "ar")
        page.screenshot(path=str(SCREENSHOTS / "progress-ar.png"), full_page=True)
        # the feedback link opens the trainee's own feedback page, served by their server
        with context.expect_page() as opened:
            section(page, pc.GRADED).locator("a.feedback").click()
        feedback = opened.value
        feedback.wait_for_load_state()
        heading = feedback.locator("h4").first.inner_text()
        scores = course.scores(pc.GRADED)[pc.TRAINEE]
        assert pc.GRADED in heading and f"{scores['score']:g}" in heading.replace(".0 ", " ")
        feedback.close()
        # the other language, as a trainee switches it
        page.locator("a.switch").click()
        page.wait_for_url(re.compile(r"lang=en"))
        check_page(page, course, "en")
        page.screenshot(path=str(SCREENSHOTS / "progress-en.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "progress-failed.png"), full_page=True)
        raise
    finally:
        context.close()
    assert scripts == []   # the page runs no script


def test_the_page_needs_the_servers_login(server):
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/himaya/progress", timeout=10) as response:   # no token
        landed, body = response.url, response.read().decode("utf-8", errors="replace")
    assert "/login" in landed and pc.TRAINEE not in body and "تقدّمي" not in body
