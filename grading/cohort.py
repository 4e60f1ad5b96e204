"""Everything the cohort report needs, read once from nbgrader's gradebook and folders.

The gradebook is the record of scores; the syllabus maps items to learning
outcomes; the autograded folders hold each submission's audit; the submitted
folders hold the answers files (compared to find identical ones).
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from curriculum import syllabus as curriculum_syllabus
from curriculum.exercises.base import item_id
from curriculum.settings import ANSWERS_FILENAME

from .preprocessors import AUDIT_FILE, AUDIT_LABELS
from .roster import Trainee


@dataclass
class ModuleResults:
    module: str
    items: list[str]                     # grade ids, in notebook order
    max_marks: list[float]
    marks: dict[str, list[float]] = field(default_factory=dict)   # trainee -> marks per item
    late: dict[str, bool] = field(default_factory=dict)
    needs_grading: dict[str, bool] = field(default_factory=dict)

    @property
    def max_total(self) -> float:
        return sum(self.max_marks)

    def total(self, trainee: str) -> float:
        return sum(self.marks[trainee])


@dataclass
class Cohort:
    modules: dict[str, ModuleResults]
    trainees: list[str]
    outcomes: dict[str, dict]            # outcome id -> {"module", "text", "items" (grade ids)}
    roster: dict[str, Trainee]
    audits: dict[tuple[str, str], dict]  # (module, trainee) -> what the submission changed
    identical: list[tuple[str, list[str]]]  # (module, trainees who handed in the same answers)

    def mastery(self, trainee: str, outcome: str) -> float | None:
        """Share of the points of ``outcome``'s items that ``trainee`` earned (None: not submitted)."""
        info = self.outcomes[outcome]
        results = self.modules.get(info["module"])
        if results is None or trainee not in results.marks:
            return None
        index = {g: i for i, g in enumerate(results.items)}
        chosen = [index[g] for g in info["items"] if g in index]
        top = sum(results.max_marks[i] for i in chosen)
        return sum(results.marks[trainee][i] for i in chosen) / top if top else None


def _module_results(gb: Gradebook, module: str) -> ModuleResults:
    assignment = gb.find_assignment(module)
    items, max_marks = [], []
    for notebook in assignment.notebooks:
        cells = {c.name: c for c in list(notebook.grade_cells) + list(notebook.task_cells)}
        order = [c.name for c in notebook.source_cells if c.name in cells]
        for name in order:
            items.append(name)
            max_marks.append(float(cells[name].max_score))
    results = ModuleResults(module, items, max_marks)
    for submission in assignment.submissions:
        trainee = submission.student.id
        scores = {g.name: float(g.score or 0.0) for nb in submission.notebooks for g in nb.grades}
        results.marks[trainee] = [scores.get(name, 0.0) for name in items]
        results.late[trainee] = bool(submission.total_seconds_late > 0)
        results.needs_grading[trainee] = bool(submission.needs_manual_grade)
    return results


def _fingerprint(path: Path) -> str | None:
    """What a trainee answered, without who or when: equal fingerprints mean identical answers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = {k: v.get("value") for k, v in data.get("answers", {}).items() if v.get("value") is not None}
    except (OSError, ValueError, AttributeError, RecursionError, TypeError):
        return None
    if len(values) < 2:  # a blank or near-blank file is not worth comparing
        return None
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def gather(course, modules: list[str] | None = None, roster: dict[str, Trainee] | None = None) -> Cohort:
    modules = modules or course.modules()
    results = {}
    with Gradebook(course.layout.db_url) as gb:
        for module in modules:
            try:
                results[module] = _module_results(gb, module)
            except MissingEntry:
                continue  # never released
        trainees = sorted({s.id for s in gb.students})
    outcomes = {}
    for module, spec in curriculum_syllabus.load().items():
        if module in results:
            for outcome in spec.outcomes:
                outcomes[outcome.id] = {
                    "module": module, "text": outcome.text,
                    "items": [i.replace(".", "-", 1) for i in outcome.items],
                }
    audits, identical = {}, []
    for module in results:
        groups = defaultdict(list)
        for trainee in results[module].marks:
            audit_path = course.layout.step("autograded") / trainee / module / AUDIT_FILE
            if audit_path.exists():
                for record in json.loads(audit_path.read_text()).values():
                    if any(record.get(key) for key in AUDIT_LABELS):
                        audits[(module, trainee)] = record
            fingerprint = _fingerprint(course.layout.step("submitted") / trainee / module / ANSWERS_FILENAME)
            if fingerprint:
                groups[fingerprint].append(trainee)
        identical += [(module, sorted(group)) for group in groups.values() if len(group) > 1]
    return Cohort(results, trainees, outcomes, roster or {}, audits, identical)


__all__ = ["Cohort", "ModuleResults", "gather", "item_id"]
