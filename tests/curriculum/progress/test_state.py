"""Each module's state from a trainee's own folder and nbgrader's listings (no server, no exchange needed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from curriculum import answers
from curriculum.progress import state
from curriculum.settings import ANSWERS_FILENAME
from curriculum.syllabus import Module, Outcome

ME, OTHER = "t-me", "t-other"
SYLLABUS = {
    "m00-orientation": Module("m00-orientation", {"ar": "التوجيه", "en": "Orientation"}, 20, (
        Outcome("m00.o1", {"ar": "أ", "en": "one"}, ("m00.q1", "m00.q2")),      # 3 of 3: mastered
        Outcome("m00.o2", {"ar": "ب", "en": "two"}, ("m00.q2", "m00.q3")),      # 2.5 of 4: 62 %, not mastered
        Outcome("m00.o3", {"ar": "ج", "en": "three"}, ("m00.q8",)),            # a written answer not graded yet
    )),
    "m01-digital-world": Module("m01-digital-world", {"ar": "م١", "en": "M1"}, 40, (
        Outcome("m01.o1", {"ar": "د", "en": "four"}, ("m01.q1", "m01.q2", "m01.q3", "m01.q4")),)),
    "m02-grooming-sextortion": Module("m02-grooming-sextortion", {"ar": "م٢", "en": "M2"}, 40, (
        Outcome("m02.o1", {"ar": "هـ", "en": "five"}, ("m02.q1", "m02.q2")),)),
    "m04a-analysis-lab": Module("m04a-analysis-lab", {"ar": "مختبر", "en": "Lab"}, 45, ()),
    "m05-digital-evidence": Module("m05-digital-evidence", {"ar": "م٥", "en": "M5"}, 40, ()),
}
FEEDBACK = """<html><body><div class="panel-heading"><h4>m00-orientation (Score: 5.5 / 12.0)</h4>
<div id="toc"><ol>
<li><a href="#m00-q1">Graded item <code>m00.q1</code></a> (Score: 1.0 / 1.0)</li>
<li><a href="#m00-q2">Graded item <code>m00.q2</code></a> (Score: 2.0 / 2.0)</li>
<li><a href="#m00-q3">Graded item <code>m00.q3</code></a> (Score: 0.5 / 2.0)</li>
<li><a href="#m00-q4">Graded item <code>m00.q4</code></a> (Score: 2.0 / 2.0)</li>
<li><a href="#m00-q8">Written answer <code>m00.q8</code></a> (<span>Awaiting your instructor</span> … / 5.0)</li>
<li class="late-penalty">Late submission penalty (Score: -0.5)</li>
</ol></div></div></body></html>"""


def write_answers(folder: Path, owner: str, values: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    items = {k: {"value": v, "kind": "test", "time": "2026-12-01T09:00:00+00:00", "changes": 1} for k, v in values.items()}
    answers.write(folder / ANSWERS_FILENAME, answers.Answers(trainee=owner, language="ar", items=items))


def submission(trainee: str, module: str, when: str, feedback: str | None = None, ready: bool = False) -> dict:
    return {"student_id": trainee, "assignment_id": module, "timestamp": when, "notebooks": [{"notebook_id": module}],
            "has_local_feedback": feedback is not None, "local_feedback_path": feedback,
            "has_exchange_feedback": ready or feedback is not None, "feedback_updated": False}


@pytest.fixture
def root(tmp_path):
    write_answers(tmp_path / "m00-orientation", ME, {"m00.q1": "b", "m00.q2": ["a"], "m00.q8": "نص"})
    page = tmp_path / "m00-orientation" / "feedback" / "2026-12-01 10:00:00 UTC" / "m00-orientation.html"
    page.parent.mkdir(parents=True)
    page.write_text(FEEDBACK)
    write_answers(tmp_path / "m01-digital-world", ME, {"m01.q1": "x", "m01.q2": {"number": 3, "unit": None},
                                                      "m01.q3": "", "m01.p1": "practice"})
    write_answers(tmp_path / "m02-grooming-sextortion", OTHER, {"m02.q1": "a", "m02.q2": "b"})   # a classmate's file
    (tmp_path / "m04a-analysis-lab").mkdir()
    return tmp_path


def released(*modules: str, fetched: tuple = ()) -> list[dict]:
    return [{"assignment_id": m, "status": "fetched" if m in fetched else "released", "path": m} for m in modules]


def listings():
    rel = released("m00-orientation", "m01-digital-world", "m02-grooming-sextortion", "m04a-analysis-lab",
                   fetched=("m00-orientation", "m01-digital-world", "m02-grooming-sextortion", "m04a-analysis-lab"))
    sub = [
        {"student_id": ME, "assignment_id": "m00-orientation", "submissions": [
            submission(ME, "m00-orientation", "2026-12-01 09:30:00 UTC"),
            submission(ME, "m00-orientation", "2026-12-01 10:00:00 UTC",
                       feedback="m00-orientation/feedback/2026-12-01 10:00:00 UTC")]},
        # a classmate's submission in a shared cache: never shown
        {"student_id": OTHER, "assignment_id": "m02-grooming-sextortion", "submissions": [
            submission(OTHER, "m02-grooming-sextortion", "2026-12-02 08:00:00 UTC",
                       feedback="m02-grooming-sextortion/feedback/x")]},
    ]
    return rel, sub


def by_id(modules):
    return {m.id: m for m in modules}


def test_every_state(root):
    modules = by_id(state.progress(root, ME, *listings(), SYLLABUS))
    assert list(modules) == list(SYLLABUS)   # the syllabus's order
    graded, busy, untouched = modules["m00-orientation"], modules["m01-digital-world"], modules["m02-grooming-sextortion"]
    assert graded.state == "graded" and graded.submitted_at == "2026-12-01 10:00:00 UTC"   # the latest submission
    assert (graded.score, graded.max_score, graded.late_penalty, graded.awaiting) == (5.0, 12.0, 0.5, 1)
    assert graded.feedback == [("m00-orientation",
                                "m00-orientation/feedback/2026-12-01 10:00:00 UTC/m00-orientation.html")]
    outcomes = {o.id: o for o in graded.outcomes}
    assert (outcomes["m00.o1"].earned, outcomes["m00.o1"].points, outcomes["m00.o1"].mastered) == (3.0, 3.0, True)
    assert (outcomes["m00.o2"].earned, outcomes["m00.o2"].points, outcomes["m00.o2"].mastered) == (2.5, 4.0, False)
    assert outcomes["m00.o3"].awaiting and outcomes["m00.o3"].mastered is None
    # two of m01's four graded items answered (an empty text is not an answer; a practice item does not count)
    assert (busy.state, busy.answered, busy.items, busy.share_answered) == ("in_progress", 2, 4, 0.5)
    assert modules["m04a-analysis-lab"].state == "in_progress" and modules["m04a-analysis-lab"].optional
    assert modules["m05-digital-evidence"].state == "not_started" and not modules["m05-digital-evidence"].released


def test_nothing_of_another_trainee(root):
    modules = by_id(state.progress(root, ME, *listings(), SYLLABUS))
    m02 = modules["m02-grooming-sextortion"]
    # the classmate's answers file in the trainee's folder counts for nothing; their submission is not the trainee's
    assert (m02.state, m02.answered, m02.fetched, m02.submitted_at, m02.score) == ("not_started", 0, True, "", None)


def test_a_submission_waiting_for_feedback_and_one_whose_feedback_is_ready(root):
    rel, _ = listings()
    sub = [{"student_id": ME, "assignment_id": "m01-digital-world",
            "submissions": [submission(ME, "m01-digital-world", "2026-12-03 07:00:00 UTC", ready=True)]}]
    m01 = by_id(state.progress(root, ME, rel, sub, SYLLABUS))["m01-digital-world"]
    assert (m01.state, m01.submitted_at, m01.feedback_ready) == ("submitted", "2026-12-03 07:00:00 UTC", True)


def test_paths_outside_the_trainees_folder_are_never_read(root, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    page = elsewhere / "m00-orientation.html"
    page.write_text(FEEDBACK)
    write_answers(elsewhere / "m01-digital-world", ME, {"m01.q1": "x"})
    rel = [{"assignment_id": "m01-digital-world", "status": "fetched", "path": str(elsewhere / "m01-digital-world")}]
    sub = [{"student_id": ME, "assignment_id": "m00-orientation",
            "submissions": [submission(ME, "m00-orientation", "t", feedback=f"../{elsewhere.name}")]}]
    modules = by_id(state.progress(root, ME, rel, sub, SYLLABUS))
    assert modules["m00-orientation"].state == "submitted" and modules["m00-orientation"].score is None
    assert not modules["m01-digital-world"].fetched


def test_the_knowledge_check_comes_first_and_last():
    from curriculum.check import load

    check = load()
    modules = state.progress(Path("/nonexistent"), ME, [], [], SYLLABUS, check)
    assert modules[0].id == check.pre and modules[-1].id == check.post and modules[0].check
    assert modules[0].title["en"] == "Knowledge check before the course"


def test_the_mastery_threshold_is_the_pages_setting(root):
    lenient = by_id(state.progress(root, ME, *listings(), SYLLABUS, mastery_share=0.6))
    assert {o.id: o.mastered for o in lenient["m00-orientation"].outcomes}["m00.o2"] is True
