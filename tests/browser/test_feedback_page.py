"""A trainee opens their feedback page in Chromium: the question and their answer are on screen, in their language.

The page is the one nbgrader generates (tests/feedback_course.py), opened as a
file, as a trainee opens it from Nbgrader › Assignment List.  It loads nothing
from the network.  Screenshots: build/screenshots/feedback-<lang>.png.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from feedback_course import MODULE, build  # tests/ is on the path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

pytestmark = pytest.mark.browser

EXPECTED = {  # language: trainee, m99.q1's question, their answer in words, the right answer, prose of the other language
    "ar": ("t-ar", "اختر ب", "إجابتك: أ", "الإجابة الصحيحة: ب", "Fixture module"),
    "en": ("t-en", "Pick b", "Your answer: B", "Right answer: B", "وحدة اختبار"),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build(tmp_path_factory.mktemp("feedback-page"))


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_feedback_page_shows_the_question_and_the_answer(browser, course, lang):
    trainee, question, answer, right, other = EXPECTED[lang]
    (path,) = course.feedback_files(MODULE, trainee)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    try:
        page.goto(path.as_uri())
        block = page.locator(".himaya-teach").filter(has=page.locator(".himaya-id", has_text="m99.q1"))
        block.wait_for()
        assert block.locator(".himaya-question").inner_text().split(maxsplit=1)[1] == question
        assert " ".join(block.locator(".himaya-yours").inner_text().split()).startswith(answer)
        assert " ".join(block.locator(".himaya-key").inner_text().split()) == right
        assert block.evaluate("e => getComputedStyle(e).direction") == ("rtl" if lang == "ar" else "ltr")
        assert not page.get_by_text(other, exact=True).is_visible()  # the other language's prose is hidden
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"feedback-{lang}.png"), full_page=True)
    finally:
        page.close()
    assert remote == []
