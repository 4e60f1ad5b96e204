"""Everything the cohort report needs, read once from nbgrader's gradebook and folders.

The gradebook is the record of scores; the syllabus maps items to learning
outcomes; the autograded folders hold each submission's audit; the submitted
folders hold the answers files (compared for evidence of copying: grading/reporting/copying.py).
The course's late policy (grading/late.py) decides what is late and its penalty.
What the grader noticed in each submission (grading/reporting/findings.py) is
read again from the trainee's files, none of them trusted or read past the
grader's size limit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from curriculum import answers as answers_file
from curriculum import syllabus as curriculum_syllabus
from curriculum.exercises.base import item_id
from curriculum.settings import ANSWERS_FILENAME

from .copying import Submission, Suspicion, suspicions
from .findings import Finding, answers_findings, audit_record, item_keys, notebook_findings
from .gain import GainReport, gather as gather_gain
from .agreement import gather as gather_agreement
from .criteria import gather as gather_criteria
from ..gradebook import source_record
from ..keys import KeyProblem, parse_kind
from ..late import LatePolicy
from ..preprocessors import AUDIT_LABELS, SnapshotAnswers
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
    notebooks: list[str] = field(default_factory=list)            # the module's notebook names
    submitted_at: dict[str, datetime] = field(default_factory=dict)  # nbgrader's submission time (UTC)

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
    findings: list[Finding] = field(default_factory=list)  # what the grader noticed, per submission
    gain: GainReport | None = None       # the knowledge check, pre against post (grading/reporting/gain.py)
    agreement: list = field(default_factory=list)  # double-marked written items (grading/reporting/agreement.py)
    criteria: list = field(default_factory=list)   # written items' criteria met and missed (reporting/criteria.py)

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
    results.notebooks = [notebook.name for notebook in assignment.notebooks]
    for submission in assignment.submissions:
        trainee = submission.student.id
        scores = {g.name: float(g.score or 0.0) for nb in submission.notebooks for g in nb.grades}
        results.marks[trainee] = [scores.get(name, 0.0) for name in items]
        seconds = float(submission.total_seconds_late or 0.0)
        results.seconds_late[trainee] = seconds
        results.late[trainee] = policy.is_late(seconds)
        results.penalty[trainee] = policy.penalty(sum(results.marks[trainee]), seconds)
        results.needs_grading[trainee] = bool(submission.needs_manual_grade)
        if submission.timestamp is not None:
            stamp = submission.timestamp
            results.submitted_at[trainee] = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
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


def _submission(course, module: str, trainee: str, results: ModuleResults, max_bytes: int) -> Submission:
    """A trainee's answers file (whoever it names as its owner) and the items they did not get fully right."""
    found = answers_file.read(course.layout.step("submitted") / trainee / module / ANSWERS_FILENAME,
                              max_bytes=max_bytes)
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
    max_bytes = SnapshotAnswers(config=course.config).max_answers_bytes  # the grader's limit
    audits, copying, findings = {}, [], []
    for module in results:
        submissions, context = [], _context(course, module, results[module])
        for trainee in results[module].marks:
            audit, found = _look(course, module, trainee, results[module], max_bytes, context)
            if audit:
                audits[(module, trainee)] = audit
            findings += found
            submissions.append(_submission(course, module, trainee, results[module], max_bytes))
        copying += suspicions(module, submissions,
                              written=frozenset(filter(None, map(item_id, results[module].written))),
                              kinds=results[module].kinds)
    if roster:
        findings += [Finding("", t, "not on the roster", "collected and graded, but not a trainee of this cohort's "
                                 "roster") for t in trainees if t not in roster]
    cohort = Cohort(results, trainees, outcomes, roster or {}, audits, copying, policy.describe(), findings,
                    gather_gain(course, trainees, roster))
    cohort.agreement = gather_agreement(course.layout.db_url, list(results))
    cohort.criteria = gather_criteria(course.layout.db_url, {m: r.written for m, r in results.items()})
    return cohort


def _context(course, module: str, results: ModuleResults) -> dict:
    """What every submission of ``module`` is checked against: the instructor's cells, kernels and release time."""
    record = {}
    with Gradebook(course.layout.db_url) as gb:
        for notebook in results.notebooks:
            record.update(source_record(gb, notebook, module))
    return {"record": record, "released": _released_at(course, module),
            "kernels": {notebook: _kernel(course, module, notebook) for notebook in results.notebooks},
            "cell_types": {name: cell.cell_type for name, cell in record.items()}}


def _look(course, module: str, trainee: str, results: ModuleResults, max_bytes: int,
          context: dict) -> tuple[dict | None, list]:
    """The grader's audit of a submission (never one the trainee handed in) and what else it noticed."""
    submitted = course.layout.step("submitted") / trainee / module
    audit, problems = audit_record(course.layout.step("autograded") / trainee / module, submitted, results.notebooks)
    found = [Finding(module, trainee, "audit file", p) for p in problems]
    found += [Finding(module, trainee, kind, reason) for kind, reason in answers_findings(
        submitted / ANSWERS_FILENAME, trainee, item_keys(context["record"], trainee, module), max_bytes=max_bytes,
        submitted_at=results.submitted_at.get(trainee), released_at=context["released"])]
    for notebook in results.notebooks:
        found += [Finding(module, trainee, kind, reason) for kind, reason in notebook_findings(
            submitted / f"{notebook}.ipynb", context["kernels"][notebook], context["cell_types"])]
    if audit and any(audit.get(key) for key in AUDIT_LABELS):
        return audit, found
    return None, found


def _released_at(course, module: str) -> datetime | None:
    """When the module was released to trainees (its folder in the exchange's outbound), if it was."""
    outbound = course.layout.exchange / course.config.CourseDirectory.course_id / "outbound" / module
    try:
        return datetime.fromtimestamp(outbound.stat().st_mtime, timezone.utc)
    except OSError:
        return None


def _kernel(course, module: str, notebook: str) -> str | None:
    """The kernelspec name of the instructor's notebook (what the release carries)."""
    try:
        nb = json.loads((course.source / module / f"{notebook}.ipynb").read_text(encoding="utf-8"))
        return nb["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


__all__ = ["Cohort", "Finding", "ModuleResults", "gather", "item_id"]
