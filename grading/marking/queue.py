"""One written item across the cohort: its answers, the grader's order, "next ungraded", and saving a grade.

An answer is the trainee's text from their autograded answers file (the file
the autograder read, so formgrader shows the same text), in the language the
trainee chose.  It counts as graded when nbgrader's gradebook holds a manual
score for the item's task cell, whoever gave it (this page or formgrader).
Saving writes that manual score and the composed comment through nbgrader's
own Gradebook API, so formgrader, grades.csv and ``python -m grading feedback``
read them as any grade typed in formgrader.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from nbgrader.api import Assignment, BaseCell, Gradebook, Grade, MissingEntry, SubmittedAssignment, SubmittedNotebook

from curriculum import answers as answer_files
from curriculum.settings import ANSWERS_FILENAME

from . import criteria, order, revisions, scoring
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


class ItemQueue:
    """A module's written item as one grader works through it."""

    def __init__(self, layout, module: str, item: str, grader: str, lease_seconds: float = 600,
                 store: Store | None = None):
        self.layout, self.module, self.grader, self.lease_seconds = layout, module, grader, lease_seconds
        found = [w for w in written_items(layout.root / "notebooks", module) if w.item == item]
        if not found:
            raise QueueProblem(f"{module} has no written item {item}")
        self.written = found[0]
        self.item = item
        self.rubric = criteria.load(item)
        self.store = store or Store(layout.db_url)
        self.secret = self.store.secret()

    # -- answers ------------------------------------------------------------------------
    def answers(self) -> dict[str, Answer]:
        """Every trainee's non-empty written answer, as autograded (blank ones scored 0 by the autograder)."""
        out = {}
        folder = self.layout.step("autograded")
        if not folder.is_dir():
            return out
        for path in sorted(folder.iterdir()):
            found = path / self.module / ANSWERS_FILENAME
            if not found.is_file():
                continue
            read = answer_files.read(found, trainee=path.name)
            text = read.value(self.item)
            if isinstance(text, str) and text.strip() and not read.problem:
                out[path.name] = Answer(path.name, text, read.language)
        return out

    def grades(self) -> dict[str, dict]:
        """The gradebook's grade of this item per trainee: manual score, whether it waits, the comment."""
        with Gradebook(self.layout.db_url) as gb:
            rows = (gb.db.query(SubmittedAssignment.student_id, Grade)
                    .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                    .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                    .join(BaseCell, Grade.cell_id == BaseCell.id)
                    .filter(Assignment.name == self.module, BaseCell.name == self.written.grade_id).all())
            return {student: {"manual_score": grade.manual_score, "needs_manual_grade": grade.needs_manual_grade,
                              "max_score": grade.max_score} for student, grade in rows}

    def pseudonym(self, trainee: str) -> str:
        return order.pseudonym(self.secret, trainee)

    def ordered(self, answers: dict[str, Answer] | None = None) -> list[str]:
        """The trainees who wrote an answer, in this grader's order."""
        return order.order(list(answers if answers is not None else self.answers()), self.grader, self.item)

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

    # -- next ungraded -------------------------------------------------------------------
    def next_ungraded(self) -> str | None:
        """The grader's own leased answer if still ungraded (so a grader resumes), else the first ungraded
        answer in their order that no other grader holds, now leased to them; None when all are graded."""
        answers, grades = self.answers(), self.grades()
        ungraded = [t for t in self.ordered(answers) if not self.is_graded(grades.get(t))]
        held = self.store.leases(self.module, self.item)
        mine = [t for t in ungraded if held.get(t) == self.grader]
        for trainee in mine + [t for t in ungraded if t not in held]:
            if self.store.lease(self.module, self.item, trainee, self.grader, self.lease_seconds):
                return trainee
        return None

    # -- saving -------------------------------------------------------------------------------
    def save(self, trainee: str, marks: scoring.Marks) -> dict:
        """Write the score and the comment (in the trainee's language) to nbgrader's gradebook; keep the choices."""
        answer = self.answers().get(trainee)
        if answer is None:
            raise QueueProblem(f"no written answer of {trainee} to {self.item}")
        score = scoring.score(self.rubric, marks)
        comment = scoring.compose(self.rubric, marks, answer.lang)
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
        self.store.save(self.module, self.item, trainee, self.grader, marks.to_json(), score)
        revisions.record(self.store, self.module, self.item, trainee, self.rubric)  # for a rubric that changes
        self.store.release(self.module, self.item, trainee, self.grader)
        return {"score": score, "comment": comment}
