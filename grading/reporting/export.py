"""grades.csv: one row per trainee and module, with who the trainee is and what is still to do.

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
from traitlets import Unicode

from . import roster as course_roster
from ..late import LatePolicy

COLUMNS = (
    "trainee_id", "name", "ministry", "country", "language", "module", "submitted", "submitted_at_utc", "duedate_utc",
    "raw_score", "late_penalty", "score", "max_score", "awaiting_manual_grading", "items_to_grade",
    "seconds_late", "late",
)
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
        rows = self.rows(gradebook)
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.log.info("Exporting %d rows to %s", len(rows), dest)
        with dest.open("w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([spreadsheet_safe(row[c]) for c in COLUMNS])
