"""What the grading page's API shows a grader (grading/marking/handlers.py): a blind second grader sees nothing of
the first mark, in any response, until both marks are in."""
import json
from types import SimpleNamespace

from grading.marking import handlers, scoring
from grading.marking.queue import ItemQueue

from .test_double import ITEM, MODULE, layout  # noqa: F401  (the ten-trainee gradebook fixture)

FIRST = scoring.Marks(frozenset({1, 3}), 0.5, "سبب-التعديل-الأول", "first-graders-own-comment")


def view(queue, trainee):
    """The JSON the API sends for one answer (AnswerHandler.get), and the progress ItemHandler / NextHandler send."""
    answers = queue.answers()
    marks = queue.marks(answers)
    page = SimpleNamespace(progress=handlers._Api.progress)
    shown = handlers._Api.answer_view(page, queue, trainee, queue.grades(), marks, answers)
    return shown, json.dumps(shown, ensure_ascii=False) + json.dumps(handlers._Api.progress(
        queue, queue.grades(), answers, marks), ensure_ascii=False)


def test_a_second_grader_sees_neither_the_first_criteria_nor_the_score_until_both_marks_are_in(layout):  # noqa: F811
    alice = ItemQueue(layout, MODULE, ITEM, "alice", double_share=1.0)
    bob = ItemQueue(layout, MODULE, ITEM, "bob", double_share=1.0)
    trainee = alice.next_ungraded()
    assert alice.save(trainee, FIRST)["score"] == 2.5
    mine, _ = view(alice, trainee)
    assert mine["marks"]["met"] == [1, 3] and mine["score"] == 2.5 and mine["double"]["role"] == "first"
    shown, text = view(bob, trainee)
    assert shown["marks"] is None and shown["score"] is None and shown["graded"] is False
    assert shown["graded_elsewhere"] is False and shown["double"] == {"role": "second", "state": "blind", "both": []}
    for secret in ("2.5", "سبب-التعديل-الأول", "first-graders-own-comment", "alice"):
        assert secret not in text, secret
    assert shown["progress"]["second"] == {"done": 0, "total": 10}
    # bob saves his own: he sees his, still not hers while they agree
    bob.save(trainee, scoring.Marks(frozenset({1, 3}), 0.5, "other reason"))
    shown, text = view(bob, trainee)
    assert shown["marks"]["reason"] == "other reason" and shown["double"]["state"] == "second"
    assert "first-graders-own-comment" not in text
    # a different mark: now a disagreement, and anyone who settles it sees both
    bob.save(trainee, scoring.Marks(frozenset({1})))
    for queue in (bob, alice, ItemQueue(layout, MODULE, ITEM, "carol", double_share=1.0)):
        shown, _ = view(queue, trainee)
        assert shown["double"]["role"] == "settled" and shown["double"]["state"] == "disagree"
        assert [(m["grader"], m["score"]) for m in shown["double"]["both"]] == [("alice", 2.5), ("bob", 1.0)]
        assert shown["graded"] is False and shown["progress"]["to_settle"] == 1


def test_an_answer_graded_in_formgrader_is_not_counted_as_waiting_for_a_second_marking(layout):  # noqa: F811
    """Chosen for double marking but graded in formgrader (no first mark on the page): no grader is ever handed it
    for a second marking, so the progress line does not count it as one still to do."""
    from nbgrader.api import Gradebook

    from .test_double import GRADE_ID

    alice = ItemQueue(layout, MODULE, ITEM, "alice", double_share=1.0)
    trainees = sorted(alice.answers())
    with Gradebook(layout.db_url) as gb:  # as formgrader saves a score
        grade = gb.find_grade(GRADE_ID, MODULE, MODULE, trainees[0])
        grade.manual_score, grade.needs_manual_grade = 2.0, False
        gb.db.commit()
    shown, _ = view(alice, trainees[1])
    assert shown["progress"]["graded"] == 1 and shown["progress"]["second"] == {"done": 0, "total": 9}
    bob, handed = ItemQueue(layout, MODULE, ITEM, "bob", double_share=1.0), []
    while (trainee := bob.next_ungraded(skip=handed)) is not None:
        handed.append(trainee)
    assert sorted(handed) == trainees[1:]  # every other answer, for a first marking; never formgrader's one again
