"""One item across the cohort (grading/marking/queue.py), on a gradebook made with nbgrader's own API."""
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grading.config import Layout
from grading.marking import scoring
from grading.marking.queue import ItemQueue, QueueProblem, _prompt
from tests.grading.conftest import written_answers

REPO = Path(__file__).resolve().parents[3]
MODULE, ITEM, GRADE_ID = "m00-orientation", "m00.q8", "m00-q8"
WRITTEN = {"t-ar": ("ar", "عدد البلاغات ليس عدد الضحايا."), "t-en": ("en", "Reports are not victims."),
           "t-blank": ("ar", "   "), "t-other": ("en", "Someone else's file.")}


@pytest.fixture
def layout(tmp_path) -> Layout:
    """m00's source notebook, a gradebook with its written item's task cell, and four autograded answers files."""
    owner = {"t-other": "t-ar"}  # t-other hands in a classmate's answers file: not this trainee's answer
    return written_answers(tmp_path, MODULE, ITEM, 3,
                           {t: (lang, text, owner.get(t, t)) for t, (lang, text) in WRITTEN.items()})


def test_the_queue_holds_each_written_answer_once_in_the_trainees_language(layout):
    queue = ItemQueue(layout, MODULE, ITEM, "alice")
    answers = queue.answers()
    assert sorted(answers) == ["t-ar", "t-en"]   # blank and foreign answers files: scored by the autograder
    assert answers["t-ar"].lang == "ar" and answers["t-en"].text == "Reports are not victims."
    assert queue.written.prompt["en"].startswith("In two or three sentences")
    assert {queue.trainee(queue.pseudonym(t)) for t in answers} == set(answers)
    with pytest.raises(QueueProblem, match="no answer 'XXXXX'"):
        queue.trainee("XXXXX")
    with pytest.raises(QueueProblem, match="m00-orientation has no written item m00.q9"):
        ItemQueue(layout, MODULE, "m00.q9", "alice")


def test_next_ungraded_resumes_skips_what_is_graded_or_held_and_ends(layout):
    alice, bob = ItemQueue(layout, MODULE, ITEM, "alice"), ItemQueue(layout, MODULE, ITEM, "bob")
    first = alice.next_ungraded()
    assert alice.next_ungraded() == first                  # she resumes on it
    second = bob.next_ungraded()
    assert second not in (None, first)                     # held by alice: bob gets the other
    assert ItemQueue(layout, MODULE, ITEM, "carol").next_ungraded() is None  # both held
    with Gradebook(layout.db_url) as gb:                   # graded in formgrader meanwhile
        grade = gb.find_grade(GRADE_ID, MODULE, MODULE, second)
        grade.manual_score, grade.needs_manual_grade = 2, False   # as formgrader's API does
        gb.db.commit()
    bob.store.release(MODULE, ITEM, second, "bob")
    assert bob.next_ungraded() is None                     # alice still holds the only ungraded one


def test_saving_writes_nbgraders_gradebook_and_keeps_the_choices(layout):
    queue = ItemQueue(layout, MODULE, ITEM, "alice")
    assert queue.next_ungraded() in ("t-ar", "t-en")
    marks = scoring.Marks(frozenset({1, 3}), -0.5, "مثال منسوخ", "")
    for trainee in ("t-ar", "t-en"):
        saved = queue.save(trainee, marks)
        assert saved["score"] == 1.5
    with Gradebook(layout.db_url) as gb:
        for trainee, lang in (("t-ar", "ar"), ("t-en", "en")):
            grade = gb.find_grade(GRADE_ID, MODULE, MODULE, trainee)
            assert grade.manual_score == 1.5 and grade.needs_manual_grade is False
            comment = gb.find_comment(GRADE_ID, MODULE, MODULE, trainee).manual_comment
            assert comment == scoring.compose(queue.rubric, marks, lang)
        assert gb.find_submission(MODULE, "t-en").score == 1.5
    assert queue.store.saved(MODULE, ITEM)["t-ar"].marks == marks.to_json()
    assert queue.store.leases(MODULE, ITEM) == {}          # saving gives the lease back
    assert queue.next_ungraded() is None
    with pytest.raises(QueueProblem, match="no written answer of t-blank"):
        queue.save("t-blank", marks)


@pytest.mark.parametrize("source, prompt", [
    ('ex.FreeText("m00.q8", prompt={"ar": "س", "en": "Q"})', {"ar": "س", "en": "Q"}),
    ('ex.FreeText("m04.q13", prompt={"ar": f"في {m}.", "en": f"in {label(m)[\'en\']}."})', {"ar": "في ….", "en": "in …."}),
    ('ex.FreeText("m9.q1", prompt="Same")', {"ar": "Same", "en": "Same"}),
    ("ex.FreeText(", {}),
])
def test_the_prompt_is_read_from_the_items_cell_without_running_it(source, prompt):
    assert _prompt(source) == prompt


def test_a_requests_queue_reads_grades_once_until_it_saves_and_a_kept_queue_reads_them_each_time(layout):
    """The grading page makes one queue per request (remember=True): what it read stays until it saves; a queue
    kept across requests (the demo's graders) must see another grader's save at once."""
    page, kept, other = (ItemQueue(layout, MODULE, ITEM, "alice", remember=True), ItemQueue(layout, MODULE, ITEM, "alice"),
                         ItemQueue(layout, MODULE, ITEM, "bob"))
    assert page.grades()["t-en"]["manual_score"] is None and kept.grades()["t-en"]["manual_score"] is None
    other.save("t-en", scoring.Marks(frozenset({1}), 0, "", ""))
    assert kept.grades()["t-en"]["manual_score"] == 1.0 and kept.marks()["t-en"].first.grader == "bob"
    assert page.grades()["t-en"]["manual_score"] is None       # read once in this request
    page.save("t-ar", scoring.Marks(frozenset({1, 2}), 0, "", ""))
    assert page.grades()["t-ar"]["manual_score"] == 2.0 and page.grades()["t-en"]["manual_score"] == 1.0
    assert page.marks()["t-ar"].first.grader == "alice"
