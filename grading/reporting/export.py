"""grades.csv: one row per trainee and module, with who the trainee is and what is still to do.

On request (``by``: ``python -m grading export --by item`` or ``--by criterion``)
the rows are finer: one per trainee and item (every item's score, and the
criteria met on a written answer), or one per trainee, written item and rubric
criterion (met or not, from the grading page: grading/reporting/criteria.py),
for a spreadsheet's pivot table.  Item scores are the items' marks, before the
module's late penalty (grades.csv by module applies it).

:class:`CourseExport` is an nbgrader export plugin, so ``nbgrader export``
(the course's configuration names it) and ``python -m grading export`` write
the same file.  Compared with nbgrader's own CSV it merges the roster (name,
ministry, country, language), says which submissions still await the
instructor's grading of written answers, applies the course's late policy
(grading/late.py) and leaves the score BLANK where nothing was submitted: a
0 would read as "submitted and failed".

The file is UTF-8 with a byte-order mark, so Excel shows Arabic names, and
no cell can become a formula (a text starting with ``= + - @`` is prefixed
with an apostrophe, as OWASP advises against CSV injection).
"""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Enum, Unicode

from curriculum.exercises.base import item_id

from . import criteria as by_criteria
from . import roster as course_roster
from ..late import LatePolicy

COLUMNS = (
    "trainee_id", "name", "ministry", "country", "language", "module", "submitted", "submitted_at_utc", "duedate_utc",
    "raw_score", "late_penalty", "score", "max_score", "awaiting_manual_grading", "items_to_grade",
    "seconds_late", "late",
)
PERSON = ("trainee_id", "name", "ministry", "country", "language")
#: ``by="item"``: one row per trainee and item
ITEM_COLUMNS = (*PERSON, "module", "item", "written", "submitted", "score", "max_score", "awaiting_manual_grading",
                "criteria_met", "grader")
#: ``by="criterion"``: one row per trainee, written item and rubric criterion
CRITERION_COLUMNS = (*PERSON, "module", "item", "criterion", "criterion_title", "points", "met", "points_earned",
                     "grader", "note")
#: Why a criterion row has no "met": said in the row's note
NOTES = {"absent": "not submitted", "waiting": "not graded yet",
         "elsewhere": "graded without criteria (formgrader, or a blank answer)",
         "again": "to grade again: the rubric changed since"}
#: What a spreadsheet reads as the start of a formula (and tab / carriage return, which some strip first).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """``value`` as CSV text that Excel and LibreOffice show as text, never evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(float(value), 2):g}"


class CourseExport(ExportPlugin):
    """The course's grades.csv (nbgrader ``export --exporter grading.reporting.export.CourseExport``)."""

    roster = Unicode(
        "", help="The cohort roster CSV (trainee_id,name,ministry,country,language) merged into each row.",
    ).tag(config=True)
    by = Enum(
        ("module", "item", "criterion"), "module",
        help="One row per trainee and module (grades.csv), per trainee and item, or per trainee, written item "
             "and rubric criterion.",
    ).tag(config=True)

    def _people(self, gradebook: Gradebook) -> tuple[dict, list[str]]:
        people = course_roster.read(Path(self.roster)) if self.roster else {}
        trainees = sorted({s.id for s in gradebook.students} | set(people))
        if self.student:
            trainees = [t for t in trainees if t in {str(s) for s in self.student}]
        return people, trainees

    def _assignments(self, gradebook: Gradebook) -> list:
        return [a for a in gradebook.assignments
                if not self.assignment or a.name in {str(x) for x in self.assignment}]

    @staticmethod
    def _person(trainee: str, who) -> dict:
        return {"trainee_id": trainee, "name": who.name if who else "", "ministry": who.ministry if who else "",
                "country": who.country if who else "", "language": who.language if who else ""}

    @staticmethod
    def _items(assignment) -> list[tuple[str, str, float, bool]]:
        """(grade id, notebook, max score, written) of each item, in notebook order."""
        found = []
        for notebook in assignment.notebooks:
            cells = {c.name: (c, False) for c in notebook.grade_cells}
            cells.update({c.name: (c, True) for c in notebook.task_cells})
            for source in notebook.source_cells:
                if source.name in cells:
                    cell, written = cells[source.name]
                    found.append((source.name, notebook.name, float(cell.max_score or 0.0), written))
        return found

    @staticmethod
    def _db_url(gradebook: Gradebook) -> str:
        return gradebook.engine.url.render_as_string(hide_password=False)

    def _written(self, gradebook: Gradebook, module: str, grade_id: str):
        """The rubric and the grading page's grades of a written item (None, {} without a readable rubric)."""
        from ..marking import criteria as rubrics

        item = item_id(grade_id)
        try:
            rubric = rubrics.load(item) if item else None
        except (rubrics.RubricProblem, OSError):
            return None, {}
        return rubric, by_criteria.graded(self._db_url(gradebook), module, item, rubric) if rubric else {}

    def item_rows(self, gradebook: Gradebook) -> list[dict]:
        """Every (trainee, item) row; a written item's criteria met as the grading page scored them."""
        people, trainees = self._people(gradebook)
        rows = []
        for assignment in self._assignments(gradebook):
            items = self._items(assignment)
            written = {g: self._written(gradebook, assignment.name, g)[1] for g, _, _, w in items if w}
            for trainee in trainees:
                try:
                    submission = gradebook.find_submission(assignment.name, trainee)
                    grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
                except MissingEntry:
                    grades = None
                for grade_id, _, max_score, is_written in items:
                    row = {**self._person(trainee, people.get(trainee)), "module": assignment.name,
                           "item": item_id(grade_id) or grade_id, "written": "yes" if is_written else "no",
                           "submitted": "no", "score": "", "max_score": _number(max_score),
                           "awaiting_manual_grading": "", "criteria_met": "", "grader": ""}
                    grade = grades.get(grade_id) if grades is not None else None
                    if grade is not None:
                        row.update({"submitted": "yes", "score": _number(grade.score),
                                    "awaiting_manual_grading": "yes" if grade.needs_manual_grade else "no"})
                        page = written.get(grade_id, {}).get(trainee)
                        if page is not None and page.current:
                            row.update({"criteria_met": " ".join(map(str, sorted(page.met))), "grader": page.grader})
                    rows.append(row)
        return rows

    def criterion_rows(self, gradebook: Gradebook) -> list[dict]:
        """Every (trainee, written item, criterion) row: met or not, as the grading page scored it."""
        people, trainees = self._people(gradebook)
        rows = []
        for assignment in self._assignments(gradebook):
            for grade_id, _, _, is_written in self._items(assignment):
                rubric, page = self._written(gradebook, assignment.name, grade_id) if is_written else (None, {})
                if rubric is None:
                    continue
                for trainee in trainees:
                    try:
                        grade = next((g for nb in gradebook.find_submission(assignment.name, trainee).notebooks
                                      for g in nb.grades if g.name == grade_id), None)
                    except MissingEntry:
                        grade = None
                    found = page.get(trainee)
                    if grade is None:
                        note = NOTES["absent"]
                    elif found is not None and not found.current:
                        note = NOTES["again"]
                    elif found is not None and not grade.needs_manual_grade:
                        note = ""
                    else:
                        note = NOTES["waiting"] if grade.needs_manual_grade else NOTES["elsewhere"]
                    for c in rubric.criteria:
                        met = c.number in found.met if not note else None
                        rows.append({**self._person(trainee, people.get(trainee)), "module": assignment.name,
                                     "item": rubric.item, "criterion": c.number, "criterion_title": c.title,
                                     "points": _number(c.points), "met": "" if met is None else ("yes" if met else "no"),
                                     "points_earned": "" if met is None else _number(c.points if met else 0.0),
                                     "grader": found.grader if found is not None and not note else "", "note": note})
        return rows

    def rows(self, gradebook: Gradebook) -> list[dict]:
        """Every (trainee, module) row: gradebook trainees and roster trainees who never submitted anything."""
        people = course_roster.read(Path(self.roster)) if self.roster else {}
        policy = LatePolicy(parent=self)
        trainees = sorted({s.id for s in gradebook.students} | set(people))
        if self.student:
            trainees = [t for t in trainees if t in {str(s) for s in self.student}]
        rows = []
        for assignment in gradebook.assignments:
            if self.assignment and assignment.name not in {str(a) for a in self.assignment}:
                continue
            for trainee in trainees:
                who = people.get(trainee)
                row = {
                    "trainee_id": trainee, "name": who.name if who else "", "ministry": who.ministry if who else "",
                    "country": who.country if who else "", "language": who.language if who else "",
                    "module": assignment.name, "submitted": "no", "submitted_at_utc": "",
                    "duedate_utc": assignment.duedate.isoformat(sep=" ", timespec="minutes") if assignment.duedate else "",
                    "raw_score": "", "late_penalty": "", "score": "", "max_score": _number(assignment.max_score),
                    "awaiting_manual_grading": "", "items_to_grade": "", "seconds_late": "", "late": "",
                }
                try:
                    submission = gradebook.find_submission(assignment.name, trainee)
                except MissingEntry:
                    rows.append(row)  # not submitted: blank, never 0
                    continue
                raw = float(submission.score or 0.0)
                seconds = float(submission.total_seconds_late or 0.0)
                penalty = policy.penalty(raw, seconds)
                pending = [g.name for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade]
                row.update({
                    "submitted": "yes",
                    "submitted_at_utc": submission.timestamp.isoformat(sep=" ", timespec="seconds")
                    if submission.timestamp else "",
                    "raw_score": _number(raw), "late_penalty": _number(penalty), "score": _number(raw - penalty),
                    "awaiting_manual_grading": "yes" if pending else "no", "items_to_grade": " ".join(sorted(pending)),
                    "seconds_late": f"{seconds:.0f}", "late": "yes" if policy.is_late(seconds) else "no",
                })
                rows.append(row)
        return rows

    def export(self, gradebook: Gradebook) -> None:
        dest = Path(self.to or "grades.csv")
        columns, rows = {"module": (COLUMNS, self.rows), "item": (ITEM_COLUMNS, self.item_rows),
                         "criterion": (CRITERION_COLUMNS, self.criterion_rows)}[self.by]
        rows = rows(gradebook)
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.log.info("Exporting %d rows to %s", len(rows), dest)
        with dest.open("w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([spreadsheet_safe(row[c]) for c in columns])
