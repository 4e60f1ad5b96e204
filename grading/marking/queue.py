"""One written item across the cohort: its answers, the grader's order, "next ungraded", and saving a grade.

An answer is the trainee's text from their autograded answers file (the file
the autograder read, so formgrader shows the same text), in the language the
trainee chose.  It counts as graded when nbgrader's gradebook holds a manual
score for the item's task cell, whoever gave it (this page or formgrader).
Saving writes that manual score and the composed comment through nbgrader's
own Gradebook API, so formgrader, grades.csv and ``python -m grading feedback``
read them as any grade typed in formgrader.

Double marking (:mod:`.double`): after the first markings, "next ungraded"
hands a grader the chosen answers someone else marked first, to mark blind; a
second mark stays out of the gradebook; a disagreement is settled by whoever
saves it next (:meth:`ItemQueue.next_to_settle` finds them), and the settled
grade replaces the first in the gradebook.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from sqlalchemy.orm import Session
from nbgrader.api import Assignment, BaseCell, Gradebook, Grade, MissingEntry, SubmittedAssignment, SubmittedNotebook

from curriculum import answers as answer_files
from curriculum.settings import ANSWERS_FILENAME

from . import criteria, double, order, revisions, scoring
from .settings import Marking
from .store import Store


class QueueProblem(LookupError):
    """An item or answer the page cannot open; the message names it and what exists."""


@dataclass(frozen=True)
class Answer:
    trainee: str
    text: str
    lang: str


@dataclass(frozen=True)
class WrittenItem:
    """A written item of a module's source notebook."""

    module: str
    item: str
    notebook: str
    grade_id: str
    points: float
    prompt: dict


def _text(node) -> str | None:
    """A string literal, or an f-string with each value it would compute shown as "…" (they differ per trainee)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values)
    return None


def _prompt(cell_source: str) -> dict:
    """The ``prompt={"ar": …, "en": …}`` of the item's ``ex.FreeText(…)`` cell, read without running it."""
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "prompt" and isinstance(keyword.value, ast.Dict):
                    return {key.value: _text(value) or "" for key, value in zip(keyword.value.keys, keyword.value.values)
                            if isinstance(key, ast.Constant) and isinstance(key.value, str)}
                if keyword.arg == "prompt" and _text(keyword.value) is not None:
                    return {"ar": _text(keyword.value), "en": _text(keyword.value)}
    return {}


@lru_cache(maxsize=64)
def _written_items(folder: str, stamp: float) -> tuple[WrittenItem, ...]:
    found = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        widgets = {c.metadata.get("nbgrader", {}).get("grade_id", ""): c.source for c in nb.cells}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            if meta.get("task") and grade_id:
                item = grade_id.replace("-", ".", 1)
                found.append(WrittenItem(Path(folder).name, item, path.stem, grade_id, float(meta.get("points", 0)),
                                         _prompt(widgets.get(f"{grade_id}-widget", ""))))
    return tuple(found)


def written_items(source: Path, module: str) -> list[WrittenItem]:
    """The written items of ``module`` (task cells of its source notebooks)."""
    folder = source / module
    stamp = max((p.stat().st_mtime for p in folder.glob("*.ipynb")), default=0.0)
    return list(_written_items(str(folder), stamp))


@lru_cache(maxsize=8192)
def _answer_in(path: str, stamp: tuple, trainee: str, item: str) -> Answer | None:
    """``trainee``'s answer to ``item`` in the answers file at ``path``, read again only when ``stamp`` (its
    modification time, size and inode) changes: every page request needs every answer, and reading 204 files
    each time cost about 100 ms of each key press's wait."""
    read = answer_files.read(Path(path), trainee=trainee)
    text = read.value(item)
    if isinstance(text, str) and text.strip() and not read.problem:
        return Answer(trainee, text, read.language)
    return None


class ItemQueue:
    """A module's written item as one grader works through it.

    ``remember``: a queue made for one request of the grading page keeps the answers, grades and marks it
    reads until it saves (a request asks for them two or three times; each read of 204 costs milliseconds).
    A queue kept longer (the demo's graders, the command line) reads them afresh each time: others save meanwhile.
    """

    def __init__(self, layout, module: str, item: str, grader: str, lease_seconds: float = 600,
                 store: Store | None = None, arrangement: str = "random", double_share: float | None = None,
                 remember: bool = False):
        """``arrangement``: the grader's order, one of :data:`.order.ARRANGEMENTS` (similar answers together or not)."""
        if arrangement not in order.ARRANGEMENTS:
            raise order.UnknownArrangement(f"unknown order {arrangement!r}: choose {' or '.join(order.ARRANGEMENTS)}")
        self.layout, self.module, self.grader, self.lease_seconds = layout, module, grader, lease_seconds
        self.arrangement = arrangement
        self.double_share = Marking().double_share if double_share is None else double_share  # share marked twice
        found = [w for w in written_items(layout.root / "notebooks", module) if w.item == item]
        if not found:
            raise QueueProblem(f"{module} has no written item {item}")
        self.written = found[0]
        self.item = item
        self.rubric = criteria.load(item)
        self.store = store or Store(layout.db_url)
        self.secret = self.store.secret()
        self.remember = remember
        self._answers: dict[str, Answer] | None = None
        self._grades: dict[str, dict] | None = None
        self._marks: dict[str, double.Marks] | None = None

    def forget(self) -> None:
        """Read grades and marks again next time (after a save, or a rubric change re-scored them)."""
        self._grades = self._marks = None

    # -- answers ------------------------------------------------------------------------
    def answers(self) -> dict[str, Answer]:
        """Every trainee's non-empty written answer, as autograded (blank ones scored 0 by the autograder)."""
        if self._answers is None or not self.remember:
            self._answers = self._read_answers()
        return self._answers

    def _read_answers(self) -> dict[str, Answer]:
        out = {}
        folder = self.layout.step("autograded")
        if not folder.is_dir():
            return out
        for path in sorted(folder.iterdir()):
            found = path / self.module / ANSWERS_FILENAME
            try:
                stat = found.stat()
            except OSError:
                continue
            if not found.is_file():
                continue
            answer = _answer_in(str(found), (stat.st_mtime_ns, stat.st_size, stat.st_ino), path.name, self.item)
            if answer is not None:
                out[path.name] = answer
        return out

    def grades(self) -> dict[str, dict]:
        """The gradebook's grade of this item per trainee: manual score, whether it waits, the maximum."""
        if self._grades is not None and self.remember:
            return self._grades
        # nbgrader's tables read on the page's own engine: opening a Gradebook checks the schema and the course
        # each time (about 9 ms of each request)
        with Session(self.store.engine) as db:
            # the columns themselves, in one query: a Grade object would load its deferred max_score (and more)
            # with a query of its own per trainee, about a second for 204 answers on every page request
            rows = (db.query(SubmittedAssignment.student_id, Grade.manual_score, Grade.needs_manual_grade,
                                Grade.max_score)
                    .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                    .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                    .join(BaseCell, Grade.cell_id == BaseCell.id)
                    .filter(Assignment.name == self.module, BaseCell.name == self.written.grade_id).all())
        self._grades = {student: {"manual_score": manual, "needs_manual_grade": waits, "max_score": most}
                        for student, manual, waits, most in rows}
        return self._grades

    def pseudonym(self, trainee: str) -> str:
        return order.pseudonym(self.secret, trainee)

    def ordered(self, answers: dict[str, Answer] | None = None) -> list[str]:
        """The trainees who wrote an answer, in this grader's order (random, or similar answers together)."""
        answers = answers if answers is not None else self.answers()
        return order.arrange({t: a.text for t, a in answers.items()}, self.grader, self.item, self.arrangement)

    def trainee(self, code: str) -> str:
        """The trainee behind a pseudonym of this item."""
        for trainee in self.answers():
            if self.pseudonym(trainee) == code:
                return trainee
        raise QueueProblem(f"no answer {code!r} to {self.item}")

    @staticmethod
    def is_graded(grade: dict | None) -> bool:
        """A manual score that no rubric change sent back for a grader to look at again (:mod:`.revisions`)."""
        return bool(grade) and grade["manual_score"] is not None and not grade.get("needs_manual_grade")

    # -- double marking -------------------------------------------------------------------------
    def marks(self, answers: dict[str, Answer] | None = None) -> dict[str, double.Marks]:
        """Every answer's marks (first, second, settled) and whether it is chosen for double marking."""
        kept = self.remember and (answers is None or answers is self._answers)
        if kept and self._marks is not None:
            return self._marks
        answers = self.answers() if answers is None else answers
        chosen = double.chosen(self.secret, self.item, answers, self.double_share)
        found = double.answers_marks(self.store.all_saved(self.module, self.item), chosen, answers)
        if kept:
            self._marks = found
        return found

    # -- next ungraded -------------------------------------------------------------------
    def next_ungraded(self, skip=()) -> str | None:
        """The grader's own leased answer if it still waits for them (so a grader resumes), else the first
        ungraded answer in their order that no other grader holds, else the first chosen answer another grader
        marked first and no one marked second; now leased to them.  None when nothing is left for them.
        ``skip``: trainees this grader leaves for now (nothing is kept)."""
        answers, grades = self.answers(), self.grades()
        marks = self.marks(answers)
        ordered = [t for t in self.ordered(answers) if t not in skip]
        ungraded = [t for t in ordered if not self.is_graded(grades.get(t))]
        second = [t for t in ordered if self.is_graded(grades.get(t)) and marks[t].state == "waiting"
                  and marks[t].first.grader != self.grader]
        held = self.store.leases(self.module, self.item)
        waiting = ungraded + second
        mine = [t for t in waiting if held.get(t) == self.grader]
        for trainee in mine + [t for t in waiting if t not in held]:
            if self.store.lease(self.module, self.item, trainee, self.grader, self.lease_seconds):
                return trainee
        return None

    def to_settle(self, answers: dict[str, Answer] | None = None) -> list[str]:
        """Trainees whose two marks disagree and are not settled yet, in this grader's order."""
        answers = self.answers() if answers is None else answers
        marks = self.marks(answers)
        return [t for t in self.ordered(answers) if marks[t].state == "disagree"]

    def next_to_settle(self) -> str | None:
        """The first disagreement in this grader's order that no other grader holds, now leased to them."""
        held = self.store.leases(self.module, self.item)
        for trainee in self.to_settle():
            if held.get(trainee) in (None, self.grader) and \
                    self.store.lease(self.module, self.item, trainee, self.grader, self.lease_seconds):
                return trainee
        return None

    # -- saving -------------------------------------------------------------------------------
    def save(self, trainee: str, marks: scoring.Marks) -> dict:
        """Keep the choices as this grader's first mark, blind second mark or settled grade (:mod:`.double`);
        a first mark or a settled grade also goes to nbgrader's gradebook: the score and the comment in the
        trainee's language.  A second mark does not: while two marks disagree the gradebook keeps the first."""
        answers = self.answers()
        answer = answers.get(trainee)
        if answer is None:
            raise QueueProblem(f"no written answer of {trainee} to {self.item}")
        role = self.marks(answers)[trainee].role(self.grader)
        score = scoring.score(self.rubric, marks)
        comment = scoring.compose(self.rubric, marks, answer.lang)
        if role != "second":
            self._to_gradebook(trainee, score, comment)
        self.store.save(self.module, self.item, trainee, self.grader, marks.to_json(), score, role=role)
        if role != "second":  # what the gradebook's grade was scored against, for a rubric that changes
            revisions.record(self.store, self.module, self.item, trainee, self.rubric, role)
        self.store.release(self.module, self.item, trainee, self.grader)
        self.forget()
        return {"score": score, "comment": comment, "role": role}

    def _to_gradebook(self, trainee: str, score: float, comment: str) -> None:
        with Gradebook(self.layout.db_url) as gb:
            try:
                grade = gb.find_grade(self.written.grade_id, self.written.notebook, self.module, trainee)
                note = gb.find_comment(self.written.grade_id, self.written.notebook, self.module, trainee)
            except MissingEntry:
                raise QueueProblem(f"{trainee} has no grade for {self.item} in the gradebook: autograde "
                                   f"{self.module} first") from None
            grade.manual_score = min(score, grade.max_score) if grade.max_score is not None else score
            grade.needs_manual_grade = False  # as formgrader does when a score is typed
            note.manual_comment = comment
            gb.db.commit()
