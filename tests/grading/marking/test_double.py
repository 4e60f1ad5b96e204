"""Double marking (grading/marking/double.py, through grading/marking/queue.py): a chosen share of answers is marked
a second time, blind, by another grader; a disagreement is settled and only the settled grade replaces the first."""
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grading.config import Layout
from grading.marking import double, scoring
from grading.marking.queue import ItemQueue
from grading.marking.settings import Marking
from grading.marking.store import Saved
from tests.grading.conftest import written_answers

REPO = Path(__file__).resolve().parents[3]
MODULE, ITEM, GRADE_ID = "m00-orientation", "m00.q8", "m00-q8"
TRAINEES = [f"t-{n:02d}" for n in range(10)]


def saved(grader, met, score):
    return Saved(grader, {"met": met, "adjustment": 0, "reason": "", "comment": ""}, score, 0.0)


def test_the_default_share_is_one_answer_in_ten_and_a_typed_setting():
    assert Marking().double_share == 0.1
    assert Marking(double_share=0.25).double_share == 0.25
    with pytest.raises(Exception):
        Marking(double_share=1.5)


def test_the_chosen_answers_are_a_stable_draw_per_item_of_the_share_asked():
    cohort = [f"t-{n:03d}" for n in range(204)]
    picked = double.chosen("secret", "m00.q8", cohort, 0.1)
    assert len(picked) == 21                                                # ⌈20.4⌉
    assert picked == double.chosen("secret", "m00.q8", list(reversed(cohort)), 0.1)   # not the order given
    assert picked != double.chosen("secret", "m01.q12", cohort, 0.1)       # another draw for another item
    assert picked != double.chosen("other course", "m00.q8", cohort, 0.1)  # unguessable without the course's secret
    assert len(double.chosen("secret", "m00.q8", cohort[:3], 0.1)) == 1    # at least one when the share is above 0
    assert double.chosen("secret", "m00.q8", cohort, 0) == set()
    assert double.chosen("secret", "m00.q8", cohort[:4], 1.0) == set(cohort[:4])
    # fair: over the items of a course, every trainee is drawn about as often
    counts = {t: 0 for t in cohort}
    for n in range(200):
        for t in double.chosen("secret", f"m{n}.q1", cohort, 0.1):
            counts[t] += 1
    assert 5 <= min(counts.values()) and max(counts.values()) <= 40        # mean 20.6; never always, never never


@pytest.mark.parametrize("first, second, state", [
    (saved("a", [1, 2], 2.0), None, "waiting"),
    (saved("a", [1, 2], 2.0), saved("b", [2, 1], 2.0), "agreed"),
    (saved("a", [1, 2], 2.0), saved("b", [1, 3], 2.0), "disagree"),        # same score, other criteria
    (saved("a", [1], 1.0), saved("b", [1], 1.5), "disagree"),              # same criteria, another adjustment
])
def test_two_marks_agree_only_on_the_same_criteria_and_score(first, second, state):
    assert double.Marks(first, second, None, True).state == state


def test_who_saves_what_and_who_sees_what():
    first, second = saved("a", [1, 2], 2.0), saved("b", [1], 1.0)
    waiting = double.Marks(first, None, None, True)
    assert waiting.role("a") == "first" and waiting.own("a") is first
    assert waiting.role("b") == "second" and waiting.own("b") is None and waiting.blind("b")   # blind
    assert waiting.both() == []
    disagree = double.Marks(first, second, None, True)
    assert {disagree.role(g) for g in "abc"} == {"settled"}                # either grader or a third settles
    assert [m["score"] for m in disagree.both()] == [2.0, 1.0] and disagree.in_gradebook is first
    settled = double.Marks(first, second, saved("c", [1, 2], 2.0), True)
    assert settled.state == "settled" and settled.in_gradebook.grader == "c" and settled.own("a").grader == "c"
    single = double.Marks(first, None, None, False)
    assert single.state == "single" and single.role("b") == "first"       # not chosen: last save wins, as before


@pytest.fixture
def layout(tmp_path) -> Layout:
    """m00's source notebook, a gradebook with its written item, and ten trainees' autograded answers."""
    return written_answers(tmp_path, MODULE, ITEM, 3,
                           {t: ("ar" if n % 2 else "en", f"answer {n}") for n, t in enumerate(TRAINEES)})


def manual(layout, trainee):
    with Gradebook(layout.db_url) as gb:
        return gb.find_grade(GRADE_ID, MODULE, MODULE, trainee).manual_score


def grade_all(queue, met_for):
    """Take "next ungraded" until nothing is left; save the criteria ``met_for(trainee)``; return (trainee, role)."""
    done = []
    while (trainee := queue.next_ungraded()) is not None:
        done.append((trainee, queue.save(trainee, scoring.Marks(frozenset(met_for(trainee))))["role"]))
    return done


def test_a_second_grader_gets_the_chosen_answers_blind_and_only_a_settled_grade_changes_the_gradebook(layout):
    alice = ItemQueue(layout, MODULE, ITEM, "alice", double_share=0.3)
    bob = ItemQueue(layout, MODULE, ITEM, "bob", double_share=0.3)
    chosen = double.chosen(alice.secret, ITEM, TRAINEES, 0.3)
    assert len(chosen) == 3
    first = grade_all(alice, lambda t: {1, 2})                             # alice first-marks everything: 2 points
    assert sorted(t for t, role in first) == TRAINEES and {r for _, r in first} == {"first"}
    assert alice.next_ungraded() is None                                    # never her own answers a second time
    lenient = sorted(chosen)[0]
    second = grade_all(bob, lambda t: {1, 2, 3} if t == lenient else {2, 1})
    assert sorted(t for t, _ in second) == sorted(chosen) and {r for _, r in second} == {"second"}
    assert all(manual(layout, t) == 2.0 for t in TRAINEES)                 # a second mark never reaches the gradebook
    marks = alice.marks()
    assert {t for t, m in marks.items() if m.state == "agreed"} == chosen - {lenient}
    assert alice.to_settle() == [lenient] and bob.next_ungraded() is None
    # settling: a third grader takes the next disagreement and saves with the page's usual choices
    carol = ItemQueue(layout, MODULE, ITEM, "carol", double_share=0.3)
    assert carol.next_to_settle() == lenient
    assert alice.next_to_settle() is None                                   # carol holds it
    saved_ = carol.save(lenient, scoring.Marks(frozenset({1, 2, 3}), comment="settled"))
    assert saved_["role"] == "settled" and manual(layout, lenient) == 3.0
    with Gradebook(layout.db_url) as gb:
        assert gb.find_comment(GRADE_ID, MODULE, MODULE, lenient).manual_comment.endswith("settled")
    after = carol.marks()[lenient]
    assert after.state == "settled" and after.first.score == 2.0 and after.second.score == 3.0  # both kept
    assert carol.to_settle() == [] and carol.next_to_settle() is None


def test_the_first_grader_revising_before_the_second_mark_stays_the_first_mark(layout):
    alice = ItemQueue(layout, MODULE, ITEM, "alice", double_share=1.0)
    bob = ItemQueue(layout, MODULE, ITEM, "bob", double_share=1.0)
    trainee = alice.next_ungraded()
    alice.save(trainee, scoring.Marks(frozenset({1})))
    assert alice.save(trainee, scoring.Marks(frozenset({1, 2})))["role"] == "first" and manual(layout, trainee) == 2.0
    assert bob.save(trainee, scoring.Marks(frozenset({1, 2})))["role"] == "second"
    assert alice.marks()[trainee].state == "agreed"
    # a later change of mind by either grader makes it a disagreement again, the gradebook unchanged
    assert bob.save(trainee, scoring.Marks(frozenset({3})))["role"] == "second"
    assert alice.marks()[trainee].state == "disagree" and manual(layout, trainee) == 2.0
    assert alice.save(trainee, scoring.Marks(frozenset({2, 3})))["role"] == "settled"
    assert manual(layout, trainee) == 2.0 and alice.marks()[trainee].settled.marks["met"] == [2, 3]
