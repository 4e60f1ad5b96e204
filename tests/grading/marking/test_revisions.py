"""A rubric that changes (grading/marking/revisions.py): exactly the grades it touches are re-scored or sent back."""
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbgrader.api import Gradebook

from grading import cli
from grading.marking import criteria, handlers, revisions, scoring
from grading.marking.queue import ItemQueue
from tests.grading.conftest import written_answers

REPO = Path(__file__).resolve().parents[3]
MODULE, ITEM, GRADE_ID = "m00-orientation", "m00.q8", "m00-q8"
#: trainee → (language, criteria the grader ticks)
GRADED = {"t1": ("ar", {1}), "t2": ("en", {3}), "t3": ("en", {1, 3}), "t4": ("ar", {2}), "t5": ("en", set())}
CRITERION_1 = "1. **1 pt — reports ≠ victims or prevalence.**"
CRITERION_3 = "3. **1 pt — what else to know.**"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """m00's notebook, a gradebook with its written item, five written answers, and a rubric folder of our own."""
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    for name in (f"{ITEM}.md", f"{ITEM}.comments.yaml"):
        shutil.copy(REPO / "grading" / "rubrics" / name, rubrics)
    monkeypatch.setattr(criteria, "FOLDER", rubrics)
    answers = {t: (lang, f"answer of {t}") for t, (lang, _) in GRADED.items()}
    return written_answers(tmp_path, MODULE, ITEM, 3, answers), rubrics


def grade_all(layout, clock=lambda: 1000.0) -> ItemQueue:
    queue = ItemQueue(layout, MODULE, ITEM, "alice")
    queue.store.clock = clock
    for trainee, (_, met) in GRADED.items():
        queue.save(trainee, scoring.Marks(frozenset(met), comment="" if trainee != "t5" else "See the module's notes."))
    return queue


def edit(rubrics: Path, name: str, *pairs: tuple[str, str]) -> None:
    path = rubrics / name
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def gradebook(layout) -> dict[str, tuple]:
    with Gradebook(layout.db_url) as gb:
        return {t: (gb.find_grade(GRADE_ID, MODULE, MODULE, t).manual_score,
                    gb.find_grade(GRADE_ID, MODULE, MODULE, t).needs_manual_grade,
                    gb.find_comment(GRADE_ID, MODULE, MODULE, t).manual_comment) for t in GRADED}


def test_changing_a_criterions_points_rescores_exactly_the_answers_that_had_it(course):
    layout, rubrics = course
    before_queue = grade_all(layout)
    before_queue.store.save(MODULE, ITEM, "t1", "carol", {"met": [1], "adjustment": 0, "reason": "", "comment": ""},
                            1.0, role="second")                     # double-marked: carol agreed with alice
    before = gradebook(layout)
    edit(rubrics, f"{ITEM}.md", (CRITERION_1, CRITERION_1.replace("1 pt", "1.5 pts")),
         (CRITERION_3, CRITERION_3.replace("1 pt", "0.5 pt")))
    queue = ItemQueue(layout, MODULE, ITEM, "bob")
    queue.store.clock = lambda: 2000.0
    done = revisions.rescore(queue)
    after = gradebook(layout)
    # t1 had criterion 1 only, t2 criterion 3 only; t3 had both (1.5 + 0.5 = 2 as before), t4 and t5 neither
    assert (done.checked, sorted(done.rescored), sorted(done.new_scores)) == (5, ["t1", "t2"], ["t1", "t2"])
    assert sorted(done.unchanged) == ["t3", "t4", "t5"] and not done.review and not done.left
    assert (after["t1"][0], after["t2"][0]) == (1.5, 0.5)
    assert after["t1"][2] == scoring.compose(queue.rubric, scoring.Marks(frozenset({1})), "ar")
    for trainee in ("t3", "t4", "t5"):
        assert after[trainee] == before[trainee]
    saved = queue.store.saved(MODULE, ITEM)
    assert (saved["t1"].score, saved["t1"].grader, saved["t1"].saved_at) == (1.5, "alice", 2000.0)
    assert saved["t3"].saved_at == 1000.0                       # untouched: not even re-saved
    assert queue.store.saved(MODULE, ITEM, "second")["t1"].score == 1.5  # the two graders still agree
    assert saved["t1"].marks == before_queue.store.saved(MODULE, ITEM)["t1"].marks  # the grader's decision stays
    assert "2 re-scored in the gradebook (2 with a new score); 3 unchanged;" in done.message("en")
    assert "أُعيد احتساب إجابتين في سجل الدرجات (تغيّرت الدرجة في إجابتين)، بقيت 3 إجابات كما هي" in done.message("ar")
    assert "run `python -m grading feedback m00-orientation` to deliver the new comments" in done.message("en")
    again = revisions.rescore(ItemQueue(layout, MODULE, ITEM, "bob"))
    assert (again.checked, again.message("en")) == (0, "")        # once re-scored, nothing is left to do


def test_a_grade_given_with_the_new_rubric_is_not_rescored(course):
    layout, rubrics = course
    grade_all(layout)
    edit(rubrics, f"{ITEM}.md", (CRITERION_1, CRITERION_1.replace("1 pt", "1.5 pts")),
         (CRITERION_3, CRITERION_3.replace("1 pt", "0.5 pt")))
    queue = ItemQueue(layout, MODULE, ITEM, "alice")
    queue.save("t1", scoring.Marks(frozenset({1, 2})))                # alice grades t1 again with the new rubric
    done = revisions.rescore(queue)
    assert done.checked == 4 and "t1" not in done.rescored + done.unchanged
    assert gradebook(layout)["t1"][0] == 2.5


def test_a_changed_comment_recomposes_only_the_comments_that_use_it(course):
    layout, rubrics = course
    grade_all(layout)
    edit(rubrics, f"{ITEM}.comments.yaml",
         ("Name a factor that moves the count without moving the harm", "Name one factor that moves the count"))
    done = revisions.rescore(ItemQueue(layout, MODULE, ITEM, "bob"))
    # criterion 2's English 'missed' comment: English answers that missed criterion 2 (t2, t3, t5)
    assert sorted(done.rescored) == ["t2", "t3", "t5"] and done.new_scores == []
    after = gradebook(layout)
    assert "Name one factor that moves the count" in after["t2"][2] and "See the module's notes." in after["t5"][2]


def remove_criterion_2(rubrics: Path) -> None:
    """Criterion 2 removed; criterion 3 becomes 2, worth 2 points (the comments renumbered with it)."""
    text = (rubrics / f"{ITEM}.md").read_text(encoding="utf-8").splitlines(keepends=True)
    two = next(i for i, line in enumerate(text) if line.startswith("2. **"))
    del text[two:two + 2]                                              # criterion 2 and its Arabic line
    (rubrics / f"{ITEM}.md").write_text("".join(text).replace(CRITERION_3, "2. **2 pts — what else to know.**"),
                                        encoding="utf-8")
    comments = (rubrics / f"{ITEM}.comments.yaml").read_text(encoding="utf-8")
    head, rest = comments.split("\n2:\n", 1)
    (rubrics / f"{ITEM}.comments.yaml").write_text(head + "\n2:\n" + rest.split("\n3:\n", 1)[1], encoding="utf-8")


def test_a_removed_criterion_sends_its_grades_back_to_a_grader_and_keeps_the_score(course, capsys):
    layout, rubrics = course
    grade_all(layout)
    before = gradebook(layout)
    remove_criterion_2(rubrics)
    queue = ItemQueue(layout, MODULE, ITEM, "bob", double_share=0.0)
    done = revisions.rescore(queue)
    assert sorted(done.review) == sorted(GRADED) and not done.rescored
    why = done.review["t3"]
    assert "criterion 2 ('a factor that moves counts without moving harm') was removed" in why["en"]
    assert "criterion 'what else to know' moved from 3 to 2" in why["en"] and "حُذف المعيار 2" in why["ar"]
    assert why["before"]["met"] == ["1. reports ≠ victims or prevalence", "3. what else to know"]
    after = gradebook(layout)
    for trainee in GRADED:                                             # nothing guessed, nothing lost
        assert (after[trainee][0], after[trainee][2]) == (before[trainee][0], before[trainee][2])
        assert after[trainee][1] is True                               # formgrader and grades.csv: to grade
    assert "5 to grade again" in done.message("en")
    code = cli.main(["--root", str(layout.root), "--work", "build", "mark", MODULE, "--rescore"])
    assert code == 0 and "m00.q8: 5 answers wait for a grader to look again" in capsys.readouterr().out
    assert revisions.reviews(queue.store, MODULE, ITEM)["t1"]["en"] == why["en"]
    again = queue.next_ungraded()                                      # the page hands them out again
    assert again in GRADED
    queue.save(again, scoring.Marks(frozenset({1, 2})))
    assert again not in revisions.reviews(queue.store, MODULE, ITEM)
    assert gradebook(layout)[again][:2] == (3.0, False)
    assert revisions.rescore(queue).checked == 0                       # waiting ones are not counted twice


def test_a_grade_changed_in_formgrader_since_is_left_as_it_is(course):
    layout, rubrics = course
    grade_all(layout)
    with Gradebook(layout.db_url) as gb:
        gb.find_grade(GRADE_ID, MODULE, MODULE, "t1").manual_score = 2.5
        gb.db.commit()
    edit(rubrics, f"{ITEM}.md", (CRITERION_1, CRITERION_1.replace("1 pt", "1.5 pts")),
         (CRITERION_3, CRITERION_3.replace("1 pt", "0.5 pt")))
    done = revisions.rescore(ItemQueue(layout, MODULE, ITEM, "bob"))
    assert done.left == ["t1"] and done.rescored == ["t2"]
    assert gradebook(layout)["t1"][0] == 2.5
    assert "1 changed in formgrader since, left as they are" in done.message("en")


def test_mark_rescore_says_how_many_answers_changed(course, capsys):
    layout, rubrics = course
    grade_all(layout)
    edit(rubrics, f"{ITEM}.md", (CRITERION_1, CRITERION_1.replace("1 pt", "1.5 pts")),
         (CRITERION_3, CRITERION_3.replace("1 pt", "0.5 pt")))
    code = cli.main(["--root", str(layout.root), "--work", "build", "mark", MODULE, "--rescore"])
    out = capsys.readouterr().out
    assert code == 0
    assert "m00.q8: the rubric changed since 5 answers were graded: 2 re-scored in the gradebook" in out
    assert "m00.q8: تغيّرت المعايير بعد تقييم 5 إجابات: أُعيد احتساب إجابتين" in out
    assert gradebook(layout)["t1"][0] == 1.5
    cli.main(["--root", str(layout.root), "--work", "build", "mark", MODULE, "--rescore"])
    assert "m00.q8: no answer was graded with an older rubric" in capsys.readouterr().out


def test_compare_matches_criteria_by_wording_then_by_number():
    def rubric(*criteria_):
        return criteria.Rubric("m99.q1", "", sum(c[1] for c in criteria_), tuple(
            criteria.Criterion(n, p, title, title + " en", title + " ar", {"ar": "م", "en": "m"}, {"ar": "ف", "en": "x"})
            for n, (title, p) in enumerate(criteria_, 1)))

    old = rubric(("A", 1), ("B", 1), ("C", 1))
    assert not revisions.compare(old, old).changed and not revisions.compare(old, old).structural
    edited = revisions.compare(old, rubric(("A", 2), ("B2", 1), ("C", 1)))
    assert edited.changed == {1: ("points 1 → 2",), 2: ("wording",)} and not edited.structural
    swapped = revisions.compare(old, rubric(("B", 1), ("A", 1), ("C", 1)))
    assert swapped.structural and [(c.title, n) for c, n in swapped.moved] == [("A", 2), ("B", 1)]
    grown = revisions.compare(old, rubric(("A", 1), ("B", 1), ("C", 0.5), ("D", 0.5)))
    assert [c.title for c in grown.added] == ["D"] and grown.changed == {3: ("points 1 → 0.5",)}
    assert "criterion 4 ('D') is new and was not judged" in grown.describe("en")
    assert revisions.version(old) != revisions.version(rubric(("A", 1), ("B", 1), ("C", 1.5)))


def test_the_grading_page_rescores_when_an_item_opens_and_says_why_an_answer_came_back(course):
    """ItemHandler re-scores before it answers (a hub's page, where no one runs `mark`), bilingual; an answer sent
    back carries its reason and the earlier decision, and counts as not graded."""
    layout, rubrics = course
    grade_all(layout)
    remove_criterion_2(rubrics)
    queue = ItemQueue(layout, MODULE, ITEM, "alice", double_share=0.0)
    sent = []
    page = SimpleNamespace(queue=lambda module, item: queue, progress=handlers._Api.progress, write_json=sent.append,
                           marking=SimpleNamespace(lease_minutes=10), current_user="alice")
    handlers.ItemHandler.get.__wrapped__(page, MODULE, ITEM)
    changes = sent[0]["rubric_changes"]
    assert (changes["checked"], changes["review"], changes["waiting"]) == (5, 5, 5)
    assert "5 to grade again" in changes["message"]["en"] and "تحتاج إلى مقيّم يراجعها" in changes["message"]["ar"]
    assert sent[0]["progress"]["graded"] == 0
    answers = queue.answers()
    shown = handlers._Api.answer_view(page, queue, "t3", queue.grades(), queue.marks(answers), answers)
    assert shown["graded"] is False and shown["marks"]["met"] == [1, 3]   # the old ticks: the page does not apply them
    assert shown["review"]["before"]["met"] == ["1. reports ≠ victims or prevalence", "3. what else to know"]
    assert "moved from 3 to 2" in shown["review"]["en"]
    handlers.ItemHandler.get.__wrapped__(page, MODULE, ITEM)               # opened again: nothing re-scored twice
    assert (sent[1]["rubric_changes"]["checked"], sent[1]["rubric_changes"]["waiting"]) == (0, 5)
