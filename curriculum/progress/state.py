"""Where one trainee stands in each module, from their own files only.

For every module of the syllabus (and the knowledge check before and after),
in course order:

* **not started**: not fetched yet, or fetched with nothing answered;
* **in progress**: fetched, with the share of the module's graded items answered,
  read from the answers file beside its notebook (an analyst lab's code is not
  in that file: it shows as in progress once fetched);
* **submitted**: nbgrader's own record of the trainee's submission (the cached
  copy ``nbgrader submit`` keeps), with its time, and whether feedback is
  waiting to be fetched;
* **graded**: the feedback fetched into the module's folder: the score after
  any late penalty, written answers still awaiting the instructor, a link to
  the page, and which of the module's outcomes are mastered
  (curriculum/mastery.py).

The inputs are nbgrader's own listings (what the Assignment List shows) and
files under the trainee's folder.  Every submission listed is checked to be
the trainee's (``student_id``), every path to lie inside the trainee's folder,
and answers files to name the trainee: another trainee's files, in the
exchange or copied in, are never read into the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import answers as answers_file
from ..ids import is_check, is_lab
from ..mastery import MASTERY_SHARE, mastered
from ..settings import ANSWERS_FILENAME
from . import feedback as feedback_page

STATES = ("not_started", "in_progress", "submitted", "graded")


@dataclass
class Outcome:
    id: str
    text: dict[str, str]
    earned: float
    points: float
    awaiting: bool = False          # a written answer of the outcome is not graded yet
    mastered: bool | None = None


@dataclass
class Module:
    id: str
    title: dict[str, str]
    state: str = "not_started"
    released: bool = False
    fetched: bool = False
    optional: bool = False           # an analyst lab
    check: bool = False              # the knowledge check (counts toward no grade)
    answered: int = 0
    items: int = 0
    submitted_at: str = ""           # nbgrader's timestamp of the latest submission
    feedback_ready: bool = False     # released by the instructor, not fetched yet
    score: float | None = None       # after the late penalty
    max_score: float | None = None
    late_penalty: float = 0.0
    awaiting: int = 0                # written answers awaiting the instructor
    feedback: list[tuple[str, str]] = field(default_factory=list)   # (notebook, path relative to the trainee's folder)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.items if self.items else None


def _inside(root: Path, relative: str | None) -> Path | None:
    """``root/relative`` if it stays inside ``root`` (None otherwise)."""
    if not relative:
        return None
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def _answered(folder: Path, trainee: str, items: set[str]) -> int:
    found = answers_file.read(folder / ANSWERS_FILENAME, trainee=trainee)  # another trainee's file: nothing
    return sum(1 for item in items if found.value(item) not in (None, "", [], {}))


def progress(root: Path, trainee: str, released: list[dict], submitted: list[dict], syllabus: dict,
             check=None, mastery_share: float = MASTERY_SHARE) -> list[Module]:
    """Every module's state for ``trainee`` working in ``root``.

    ``released`` and ``submitted``: nbgrader's listings (``AssignmentList.list_released_assignments`` and
    ``list_submitted_assignments`` values, paths relative to ``root``); ``syllabus``: curriculum.syllabus.load();
    ``check``: curriculum.check.load() (or None).
    """
    root = Path(root)
    modules: dict[str, Module] = {}
    items: dict[str, set[str]] = {}
    outcomes: dict[str, list] = {}
    if check is not None:
        modules[check.pre] = Module(check.pre, CHECK_TITLES["pre"], check=True)
    for spec in syllabus.values():
        modules[spec.id] = Module(spec.id, dict(spec.title), optional=is_lab(spec.id))
        items[spec.id] = {i for o in spec.outcomes for i in o.items}
        outcomes[spec.id] = list(spec.outcomes)
    if check is not None:
        modules[check.post] = Module(check.post, CHECK_TITLES["post"], check=True)
        items[check.pre] = items[check.post] = {s.id for s in check.slots}
    for entry in released:
        module = modules.setdefault(entry["assignment_id"], Module(entry["assignment_id"],
                                                                   {"ar": entry["assignment_id"], "en": entry["assignment_id"]},
                                                                   check=is_check(entry["assignment_id"])))
        module.released = True
        folder = _inside(root, entry.get("path")) if entry.get("status") == "fetched" else None
        if folder is not None and folder.is_dir():
            module.fetched = True
            module.items = len(items.get(module.id, ()))
            module.answered = _answered(folder, trainee, items.get(module.id, set()))
            if module.answered or module.optional or not module.items:
                module.state = "in_progress"
    for entry in submitted:
        if entry.get("student_id") not in (trainee, None) or entry["assignment_id"] not in modules:
            continue
        own = [s for s in entry.get("submissions", []) if s.get("student_id", trainee) == trainee]
        if not own:
            continue
        module, latest = modules[entry["assignment_id"]], own[-1]   # nbgrader sorts them by time
        module.state, module.submitted_at = "submitted", latest.get("timestamp", "")
        module.feedback_ready = bool(latest.get("has_exchange_feedback")) and (
            not latest.get("has_local_feedback") or bool(latest.get("feedback_updated")))
        folder = _inside(root, latest.get("local_feedback_path")) if latest.get("has_local_feedback") else None
        if folder is not None:
            _graded(module, root, folder, [nb["notebook_id"] for nb in latest.get("notebooks", [])],
                    outcomes.get(module.id, []), mastery_share)
    return list(modules.values())


def _graded(module: Module, root: Path, folder: Path, notebooks: list[str], outcomes: list,
            mastery_share: float) -> None:
    scores: dict[str, tuple[float | None, float]] = {}
    total = top = penalty = 0.0
    for notebook in notebooks:
        page = folder / f"{notebook}.html"
        found = feedback_page.read(page)
        if found is None:
            return  # a page missing or not the course's: the module stays "submitted"
        total, top, penalty = total + found.score, top + found.max_score, penalty + found.late_penalty
        scores.update(found.items)
        module.feedback.append((notebook, page.relative_to(root.resolve()).as_posix()))
    module.state = "graded"
    module.score, module.max_score, module.late_penalty = max(0.0, total - penalty), top, penalty
    module.awaiting = sum(score is None for score, _ in scores.values())
    for outcome in outcomes:
        graded = [scores[i] for i in outcome.items if i in scores]
        if not graded:
            continue
        earned = sum(score or 0.0 for score, _ in graded)
        points = sum(points for _, points in graded)
        waiting = any(score is None for score, _ in graded)
        module.outcomes.append(Outcome(outcome.id, dict(outcome.text), earned, points, waiting,
                                       None if waiting else mastered(earned, points, mastery_share)))


CHECK_TITLES = {
    "pre": {"ar": "اختبار المعرفة قبل الدورة", "en": "Knowledge check before the course"},
    "post": {"ar": "اختبار المعرفة بعد الدورة", "en": "Knowledge check after the course"},
}
