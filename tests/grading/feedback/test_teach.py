"""Feedback that teaches (grading/feedback/teach.py), on real pages nbgrader generates for the fixture module.

One course is released, fetched, answered, submitted, collected, autograded
and given feedback once for this file (a kernel runs for the fixture's code
test: ~10 s); each test reads the pages, or regenerates them after moving the
module's due date.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from nbgrader.api import Gradebook

from curriculum.exercises.order import shuffled
from curriculum.settings import ANSWERS_FILENAME
from feedback_course import (  # tests/ is on the path
    FUTURE, MODULE, TRAINEES, build, page, passed, set_duedate, write_answers,
)
from fixture_answers import PERFECT


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build(tmp_path_factory.mktemp("feedback"))


@pytest.fixture
def before_due(course):
    """The pages generated again while the due date is still ahead; the past due date restored afterwards."""
    set_duedate(course, FUTURE)
    course.feedback(MODULE, progress=False)
    yield {t: page(course, t) for t in TRAINEES}
    set_duedate(course, passed())
    course.feedback(MODULE, progress=False)


class _Blocks(HTMLParser):
    """Text of each ``himaya-teach`` block, by the class of its parts (the blocks hold no void element)."""

    def __init__(self):
        super().__init__()
        self.blocks, self._stack, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class", "") or "").split()
        if "himaya-teach" in classes:
            self.blocks.append({})
            self._open = len(self._stack)
        self._stack.append(next((c for c in classes if c.startswith("himaya-")), None))

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()
        if self._open is not None and len(self._stack) <= self._open:
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            for cls in set(self._stack[self._open:]) - {None, "himaya-teach"}:  # every part it is in
                part = self.blocks[-1]
                part[cls] = part.get(cls, "") + data


def blocks(html: str) -> dict[str, dict]:
    parser = _Blocks()
    parser.feed(html)
    return {re.sub(r"\s+", "", b.get("himaya-id", "")): b for b in parser.blocks}


# -- the question and the answer in words --------------------------------------------------

def test_each_graded_item_states_its_question_in_the_trainees_language(course):
    ar, en = blocks(page(course, "t-ar")), blocks(page(course, "t-en"))
    assert set(ar) == set(en) == {f"m99.q{n}" for n in range(1, 8)}
    assert "اختر ب" in ar["m99.q1"]["himaya-question"] and "Pick b" not in page(course, "t-ar")
    assert "Pick b" in en["m99.q1"]["himaya-question"]
    assert "How many days?" in en["m99.q6"]["himaya-question"]


def test_the_answer_is_described_in_words_in_the_order_the_options_were_shown(course):
    ar = blocks(page(course, "t-ar"))
    assert ar["m99.q1"]["himaya-yours"].strip().startswith("إجابتك:")
    assert "أ" in ar["m99.q1"]["himaya-yours"]
    html = page(course, "t-ar")
    q2 = html[html.index("m99.q2</span>"):]
    yours = q2[q2.index("himaya-yours"):q2.index("himaya-result")]
    # saved as ["b", "a"], listed in the order t-ar's widget showed them (c, d, b, a: their own), ب (b) before أ (a)
    assert shuffled(list("abcd"), "t-ar", "m99.q2") == ["c", "d", "b", "a"]
    assert re.search(r"<li>ب.*</li><li>أ", yours)
    q3 = html[html.index("m99.q3</span>"):]
    order = re.findall(r"<li>(ثان|أول|ثالث|رابع)", q3[q3.index("himaya-yours"):q3.index("himaya-result")])
    assert order == ["ثان", "أول", "ثالث", "رابع"]  # the trainee's own order
    en = blocks(page(course, "t-en"))
    assert "90 days" in en["m99.q6"]["himaya-yours"]
    assert "x → one" in en["m99.q4"]["himaya-yours"] and "y → two" in en["m99.q4"]["himaya-yours"]


def test_the_result_line_is_kept_and_the_empty_out_box_is_gone(course):
    html = page(course, "t-ar")
    assert blocks(html)["m99.q1"]["himaya-result"] == "إجابة غير صحيحة.الدرجة: 0 من 1"  # the grader's two lines
    assert "Out[" not in html and "output_prompt" not in html.split("<body", 1)[1].replace(
        'class="prompt output_prompt"></div>', "")


def test_the_page_shows_the_answers_that_were_scored_not_the_file_as_it_is_now(course):
    """A cell the trainee added may rewrite the answers file while the notebook runs, after it was read."""
    path = course.layout.step("autograded") / "t-ar" / MODULE / ANSWERS_FILENAME
    saved = path.read_bytes()
    try:
        write_answers(path.parent, "t-ar", "ar", dict(PERFECT, **{"m99.q1": "b"}))
        course.feedback(MODULE, ["t-ar"], progress=False)
        assert re.sub(r"\s+", "", blocks(page(course, "t-ar"))["m99.q1"]["himaya-yours"]) == "إجابتك:أ✘"
    finally:
        path.write_bytes(saved)
        course.feedback(MODULE, ["t-ar"], progress=False)


def test_trainee_text_is_escaped(course):
    html = page(course, "t-ar")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<b>are</b>" not in html


# -- the key and why: after the due date only ----------------------------------------------

def test_after_the_due_date_the_right_answer_and_why_are_shown(course):
    ar, en = blocks(page(course, "t-ar")), blocks(page(course, "t-en"))
    assert "ب" in ar["m99.q1"]["himaya-key"]
    assert "Why" in en["m99.q1"]["himaya-why"] and "B is right" in en["m99.q1"]["himaya-why"]
    assert "لأن" in ar["m99.q1"]["himaya-why"]
    assert "himaya-key" in en["m99.q2"] and "himaya-why" not in en["m99.q2"]  # a key without 'explain'
    assert "✔" in en["m99.q2"]["himaya-yours"] and "✘" in ar["m99.q2"]["himaya-yours"]  # each choice marked
    key = page(course, "t-ar")[page(course, "t-ar").index("m99.q2</span>"):]
    key = key[key.index("himaya-key"):key.index("</ul>", key.index("himaya-key"))]
    assert re.findall(r"<li>(أ|ج)", key) == ["ج", "أ"]  # the key ["a", "c"] in t-ar's own order too
    q3 = page(course, "t-en")
    q3 = q3[q3.index("m99.q3</span>"):]
    assert re.findall(r"<li>(first|second|third|fourth)", q3[q3.index("himaya-key"):]) [:4] == \
        ["first", "second", "third", "fourth"]
    assert "90 days" in en["m99.q6"]["himaya-key"]
    assert re.sub(r"\s+", " ", en["m99.q7"]["himaya-key"]).strip() == "Right answer: حماية or himaya"


def test_before_the_due_date_neither_the_right_answer_nor_why_is_shown(course, before_due):
    for trainee, html in before_due.items():
        found = blocks(html)
        assert found, trainee
        for item, block in found.items():
            assert 'class="himaya-key"' not in block and "himaya-why" not in block, (trainee, item)
        assert 'class="himaya-key"' not in html and 'class="himaya-why"' not in html
        assert "B is right" not in html and "لأن ب" not in html
        assert 'class="himaya-later"' in html
        assert "✔" not in html and "✘" not in html  # per-option marks would give the key away
    assert "Pick b" in before_due["t-en"]  # the question and answer are still there
    assert "after the due date, from" in before_due["t-en"]
    for html in before_due.values():  # when, kept left to right inside Arabic text
        assert f'<bdi dir="ltr">{FUTURE:%Y-%m-%d %H:%M} UTC</bdi>' in html


def test_without_a_due_date_keys_stay_hidden(course):
    set_duedate(course, None)
    try:
        course.feedback(MODULE, ["t-en"], progress=False)
        html = page(course, "t-en")
        assert 'class="himaya-key"' not in html and "B is right" not in html
        assert "once your instructor closes submissions" in html
    finally:
        set_duedate(course, passed())
        course.feedback(MODULE, ["t-en"], progress=False)


def test_an_extension_for_anyone_keeps_the_key_hidden_from_everyone(course):
    with Gradebook(course.layout.db_url) as gb:
        gb.grant_extension(MODULE, "t-ar", days=10)
    try:
        course.feedback(MODULE, ["t-en"], progress=False)
        assert 'class="himaya-key"' not in page(course, "t-en")
    finally:
        with Gradebook(course.layout.db_url) as gb:
            gb.find_submission(MODULE, "t-ar").extension = None
            gb.db.commit()
        course.feedback(MODULE, ["t-en"], progress=False)


def test_the_grace_period_of_the_late_policy_keeps_the_key_hidden(course):
    """Work handed in during the grace period is on time (grading/late.py): no key yet."""
    course.api.config.LatePolicy.grace_minutes = 45.0
    try:
        set_duedate(course, passed() - timedelta(minutes=30))
        course.feedback(MODULE, ["t-en"], progress=False)
        assert 'class="himaya-key"' not in page(course, "t-en")
        set_duedate(course, passed() - timedelta(minutes=46))
        course.feedback(MODULE, ["t-en"], progress=False)
        assert 'class="himaya-key"' in page(course, "t-en")
    finally:
        course.api.config.LatePolicy.grace_minutes = 0.0
        set_duedate(course, passed())
        course.feedback(MODULE, ["t-en"], progress=False)


# -- written answers -------------------------------------------------------------------------

def test_a_written_answer_not_graded_yet_says_awaiting_not_zero(course):
    html = page(course, "t-ar")
    anchor = html.index('name="m99-q8"')
    heading = html[anchor:html.index("</div>", anchor)]
    assert "بانتظار تقييم المدرّب" in heading and "0.0 / 3.0" not in heading
    toc = html[html.index('id="toc"'):html.index("</ol>")]
    assert "بانتظار تقييم المدرّب" in toc


def _grade_written(course, score, comment, awaiting):
    with Gradebook(course.layout.db_url) as gb:
        grade = gb.find_grade("m99-q8", MODULE, MODULE, "t-ar")
        grade.manual_score, grade.needs_manual_grade = score, awaiting
        gb.find_comment("m99-q8", MODULE, MODULE, "t-ar").manual_comment = comment
        gb.db.commit()
    course.feedback(MODULE, ["t-ar"], progress=False)
    return page(course, "t-ar")


def test_a_graded_written_answer_shows_the_score_and_the_instructors_comment(course):
    try:
        html = _grade_written(course, 2.0, "Good: name the victim's needs too.", False)
    finally:
        _grade_written(course, None, None, True)
    anchor = html.index('name="m99-q8"')
    heading = html[anchor:html.index("</div>", anchor)]
    assert "2.0 / 3.0" in heading and "بانتظار" not in heading
    assert "name the victim's needs too" in html.replace("&#39;", "'")


# -- never a hidden test, a rubric or an external script ---------------------------------------

def test_no_hidden_test_or_rubric_reaches_the_page(course):
    for trainee in TRAINEES:
        html = page(course, trainee)
        for leak in ("BEGIN HIDDEN TESTS", "KEY =", "BEGIN MARK SCHEME", "Rubric", "double(5)", "explain"):
            assert leak not in html, (trainee, leak)


class _External(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            value = (attrs.get(name) or "").strip().lower()
            if tag in ("script", "link", "img", "iframe") and re.match(r"(https?:)?//", value):
                self.found.append((tag, value))


def test_the_page_loads_nothing_from_the_network(course):
    for trainee in TRAINEES:
        html = page(course, trainee)
        parser = _External()
        parser.feed(html)
        assert parser.found == [], trainee
        assert "mathjax" not in html.lower()
        assert not re.search(r"<script[^>]+src=", html)


def test_a_written_answer_states_its_question(course):
    for trainee, question in (("t-ar", "اشرح"), ("t-en", "Explain")):
        html = page(course, trainee)
        anchor = html.index('name="m99-q8"')
        panel = html[anchor:html.index("</div></div>", anchor)]
        assert re.search(rf'class="himaya-id">m99.q8</span> {question}</div>', panel), trainee


def test_generating_a_page_logs_no_config_warning_for_the_courses_preprocessors(course, caplog):
    """nbconvert sets every preprocessor's display_data_priority; nbgrader's do not declare it (one warning per page)."""
    course.feedback(MODULE, ["t-en"], progress=False)
    noisy = [r.getMessage() for r in caplog.records if "not recognized" in r.getMessage()]
    assert not [m for m in noisy if any(n in m for n in ("TeachFeedback", "RedactHiddenTests", "RedactMarkScheme"))]


def test_nbgraders_automatic_comment_is_in_the_trainees_language(course):
    html = page(course, "t-ar")
    footer = html[html.index("ملاحظات المدرّب:"):][:200]
    assert "لم تُجب." in footer and "No response" not in html


def test_an_item_whose_block_cannot_be_made_keeps_the_graders_message(course, monkeypatch):
    import grading.feedback.teach

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(grading.feedback.teach, "describe", broken)
    try:
        course.feedback(MODULE, ["t-en"], progress=False)
        html = page(course, "t-en")
        assert 'class="himaya-teach"' not in html and "Score: 1 of 1" in html and "Out[" not in html
    finally:
        monkeypatch.undo()
        course.feedback(MODULE, ["t-en"], progress=False)
