"""A trainee with modules in every state, made with the real pipeline (for tests/curriculum/progress and tests/browser).

``t-progress`` (the trainee whose page is shown):

* m00-orientation **graded**: q1, q2, q3, q4, q7 right (outcomes m00.o1 and m00.o2 mastered), q5 and q6 left blank
  (m00.o3 not mastered), the written answer q8 awaiting the instructor (m00.o4 awaiting); feedback fetched;
* m01-digital-world **submitted** (3 items answered), not graded;
* m02-grooming-sextortion **in progress**: 3 of its graded items answered;
* m03-bullying-fraud-games **released, not fetched**; later modules not released.

``t-other``, a classmate: m00 all right and submitted, graded, feedback fetched into their own folder; their cached
submission is also copied into ``t-progress``'s nbgrader cache (one machine's shared cache), and their m01 is
submitted to the exchange. None of it may show on ``t-progress``'s page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from curriculum import answers
from curriculum.settings import ANSWERS_FILENAME
from grading.config import Layout
from grading.course import Course
from grading.keys import notebook_keys

TRAINEE, OTHER = "t-progress", "t-other"
GRADED, SUBMITTED, IN_PROGRESS, RELEASED = ("m00-orientation", "m01-digital-world", "m02-grooming-sextortion",
                                            "m03-bullying-fraud-games")
RIGHT = {GRADED: ["m00.q1", "m00.q2", "m00.q3", "m00.q4", "m00.q7"], SUBMITTED: ["m01.q1", "m01.q2", "m01.q3"],
         IN_PROGRESS: ["m02.q1", "m02.q2", "m02.q3"]}
#: t-progress's written answer to m00.q8, which no instructor has graded yet.
WRITTEN = {GRADED: {"m00.q8": "عدد البلاغات يقيس ما أُبلغ عنه، لا عدد الأطفال المتضررين."}}


def right_answers(course: Course, module: str, trainee: str, items: list[str]) -> dict:
    keys = notebook_keys(course.source / module / f"{module}.ipynb")
    out = {}
    for item in items:
        key = keys[item].for_trainee(trainee).key
        truth = key["answer"]
        out[item] = {"numeric": {"number": truth, "unit": key.get("unit")}, "short": truth[0] if isinstance(truth, list)
                     else truth}.get(keys[item].kind, truth)
    return out


def write_answers(folder: Path, trainee: str, language: str, values: dict) -> None:
    items = {item: {"value": value, "kind": "test", "time": "2026-12-01T09:00:00+00:00", "changes": 1}
             for item, value in values.items()}
    answers.write(folder / ANSWERS_FILENAME, answers.Answers(trainee=trainee, language=language, items=items))


def workspace(course: Course, trainee: str) -> Path:
    return course.layout.base / "lab" / trainee


def fetch_feedback(course: Course, module: str, trainee: str) -> None:
    with course._exchange("FetchFeedback", module, trainee, workspace(course, trainee)) as app:
        app.start()


def build(work: str = "build/test-k2/progress") -> Course:
    layout = Layout(work=work)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    for module in (GRADED, SUBMITTED, IN_PROGRESS, RELEASED):
        course.release(module)
    for module in (GRADED, SUBMITTED, IN_PROGRESS):
        folder = course.fetch(module, TRAINEE, workspace(course, TRAINEE))
        write_answers(folder, TRAINEE, "ar", {**right_answers(course, module, TRAINEE, RIGHT[module]),
                                              **WRITTEN.get(module, {})})
    for module in (GRADED, SUBMITTED):
        course.submit(module, TRAINEE, workspace(course, TRAINEE))
    everything = [i for i in notebook_keys(course.source / GRADED / f"{GRADED}.ipynb")]
    for module, items in ((GRADED, everything), (SUBMITTED, RIGHT[SUBMITTED])):
        folder = course.fetch(module, OTHER, workspace(course, OTHER))
        write_answers(folder, OTHER, "en", right_answers(course, module, OTHER, items))
        course.submit(module, OTHER, workspace(course, OTHER))
    course.collect(GRADED)
    assert all(r.ok for r in course.autograde(GRADED, progress=False))
    assert all(r.ok for r in course.feedback(GRADED, progress=False))
    course.release_feedback(GRADED)
    for trainee in (TRAINEE, OTHER):
        fetch_feedback(course, GRADED, trainee)
    # nbgrader's cache where make lab keeps it (grading/lab.py), and, one machine one cache, the classmate's cached
    # submissions beside the trainee's: their m00 and m01, and one of m02 (which the trainee has not submitted)
    cache = lab_cache(course)
    shutil.copytree(workspace(course, TRAINEE) / ".nbgrader-cache", cache)
    for folder in (workspace(course, OTHER) / ".nbgrader-cache").glob(f"*/{OTHER}+*"):
        shutil.copytree(folder, cache / folder.parent.name / folder.name)
        if SUBMITTED in folder.name:
            shutil.copytree(folder, cache / folder.parent.name / f"{OTHER}+{IN_PROGRESS}+{OTHER_TIME}")
    return course


#: When the classmate's m02 submission was made: shown nowhere on t-progress's page.
OTHER_TIME = "2026-11-30 23:59:59.000000 UTC"


def lab_cache(course: Course, trainee: str = TRAINEE) -> Path:
    from grading.lab import TraineeLab

    return TraineeLab(course, trainee).state / "nbgrader-cache"

