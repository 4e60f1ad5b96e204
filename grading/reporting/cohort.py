"""Everything the cohort report needs, read once from nbgrader's gradebook and folders.

The gradebook is the record of scores; the syllabus maps items to learning
outcomes; the autograded folders hold each submission's audit; the submitted
folders hold the answers files (compared for evidence of copying: grading/reporting/copying.py).
The course's late policy (grading/late.py) decides what is late and its penalty.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from curriculum import answers as answers_file
from curriculum import syllabus as curriculum_syllabus
from curriculum.exercises.base import item_id
from curriculum.settings import ANSWERS_FILENAME

from .copying import Submission, Suspicion, suspicions
from ..keys import KeyProblem, parse_kind
from ..late import LatePolicy
from ..preprocessors import AUDIT_FILE, AUDIT_LABELS
from .roster import Trainee


@dataclass
class ModuleResults:
    module: str
    items: list[str]                     # grade ids, in notebook order
    max_marks: list[float]
    marks: dict[str, list[float]] = field(default_factory=dict)   # trainee -> marks per item
    late: dict[str, bool] = field(default_factory=dict)   # late under the course's policy (past the grace period)
    needs_grading: dict[str, bool] = field(default_factory=dict)
    seconds_late: dict[str, float] = field(default_factory=dict)  # past the due date, grace period included
    penalty: dict[str, float] = field(default_factory=dict)       # points taken off by the late policy
    written: set[str] = field(default_factory=set)                # grade ids of written answers (task cells)
    kinds: dict[str, str] = field(default_factory=dict)           # item id -> exercise kind (the module's)

    @property
    def max_total(self) -> float:
        return sum(self.max_marks)

    def total(self, trainee: str) -> float:
        """Points earned on the items (what the item analysis uses)."""
        return sum(self.marks[trainee])

    def final(self, trainee: str) -> float:
        """The module's score after the late penalty, as in grades.csv and the trainee's feedback."""
        return self.total(trainee) - self.penalty.get(trainee, 0.0)

    def mean(self) -> float | None:
        """Mean score (after the late penalty) of those who submitted."""
        return sum(map(self.final, self.marks)) / len(self.marks) if self.marks else None


@dataclass
class Cohort:
    modules: dict[str, ModuleResults]
    trainees: list[str]
    outcomes: dict[str, dict]            # outcome id -> {"module", "text", "items" (grade ids)}
    roster: dict[str, Trainee]
    audits: dict[tuple[str, str], dict]  # (module, trainee) -> what the submission changed
    copying: list[Suspicion]             # pairs whose submissions carry evidence of copying, and why
    late_policy: str = ""                # the policy in one sentence (LatePolicy.describe)

    @property
    def identical(self) -> list[tuple[str, list[str]]]:
        """(module, trainees) of each pair in :attr:`copying`."""
        return [(s.module, list(s.trainees)) for s in self.copying]

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


def _module_results(gb: Gradebook, module: str, policy: LatePolicy) -> ModuleResults:
    assignment = gb.find_assignment(module)
    items, max_marks = [], []
    for notebook in assignment.notebooks:
        cells = {c.name: c for c in list(notebook.grade_cells) + list(notebook.task_cells)}
        order = [c.name for c in notebook.source_cells if c.name in cells]
        for name in order:
            items.append(name)
            max_marks.append(float(cells[name].max_score))
    results = ModuleResults(module, items, max_marks)
    results.written = {c.name for notebook in assignment.notebooks for c in notebook.task_cells}
    results.kinds = _kinds(assignment)
    for submission in assignment.submissions:
        trainee = submission.student.id
        scores = {g.name: float(g.score or 0.0) for nb in submission.notebooks for g in nb.grades}
        results.marks[trainee] = [scores.get(name, 0.0) for name in items]
        seconds = float(submission.total_seconds_late or 0.0)
        results.seconds_late[trainee] = seconds
        results.late[trainee] = policy.is_late(seconds)
        results.penalty[trainee] = policy.penalty(sum(results.marks[trainee]), seconds)
        results.needs_grading[trainee] = bool(submission.needs_manual_grade)
    return results


def _kinds(assignment) -> dict[str, str]:
    """Each widget item's kind, from the instructor's exercise cells (never from a trainee's file)."""
    kinds = {}
    for notebook in assignment.notebooks:
        for cell in notebook.source_cells:
            item = item_id(cell.name.removesuffix("-widget")) if cell.name.endswith("-widget") else None
            if item:
                try:
                    kinds[item] = parse_kind(cell.source, item)
                except KeyProblem:
                    continue
    return kinds


def _submission(course, module: str, trainee: str, results: ModuleResults) -> Submission:
    """A trainee's answers file (whoever it names as its owner) and the items they did not get fully right."""
    found = answers_file.read(course.layout.step("submitted") / trainee / module / ANSWERS_FILENAME)
    index = {g: i for i, g in enumerate(results.items)}
    wrong = set()
    for item in found.items:
        i = index.get(item.replace(".", "-", 1))
        if i is not None and results.marks[trainee][i] < results.max_marks[i] - 1e-9:
            wrong.add(item)
    return Submission(trainee, found.items, frozenset(wrong))


def gather(course, modules: list[str] | None = None, roster: dict[str, Trainee] | None = None) -> Cohort:
    modules = modules or course.modules()
    policy = LatePolicy(config=course.config)
    results = {}
    with Gradebook(course.layout.db_url) as gb:
        for module in modules:
            try:
                results[module] = _module_results(gb, module, policy)
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
    audits, copying = {}, []
    for module in results:
        for trainee in results[module].marks:
            audit_path = course.layout.step("autograded") / trainee / module / AUDIT_FILE
            if audit_path.exists():
                for record in json.loads(audit_path.read_text()).values():
                    if any(record.get(key) for key in AUDIT_LABELS):
                        audits[(module, trainee)] = record
        copying += suspicions(module, [_submission(course, module, t, results[module]) for t in results[module].marks],
                              written=frozenset(filter(None, map(item_id, results[module].written))),
                              kinds=results[module].kinds)
    return Cohort(results, trainees, outcomes, roster or {}, audits, copying, policy.describe())


__all__ = ["Cohort", "ModuleResults", "gather", "item_id"]
