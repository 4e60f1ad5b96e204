"""Written answers criterion by criterion: what each trainee met, and which criteria most trainees miss.

The grading page (grading/marking) keeps each grader's ticks beside the
gradebook; the grade that reached the gradebook is the settled one of a
double-marked answer, else the first.  Two readers use it:

* ``python -m grading export --by criterion`` (grading/reporting/export.py):
  one row per trainee, written item and criterion;
* the cohort report's "what to teach again" section: per written item, the
  share of graded answers that missed each criterion, most missed first, with
  those missed by at least :data:`TEACH_AGAIN` of the answers flagged.

Only grades scored against the rubric as it is now count (a rubric that
changed re-scores them: grading/marking/revisions.py); grades sent back to a
grader after a criterion was removed, added or renumbered are counted as
waiting, never guessed.  Answers graded in formgrader alone carry no criteria.
Nothing here writes to the gradebook's database, nor creates a table in it.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from sqlalchemy import create_engine, inspect

from curriculum.exercises.base import item_id

#: A criterion missed by at least this share of an item's graded answers is flagged "teach again".
TEACH_AGAIN = 0.5


@dataclass(frozen=True)
class Graded:
    """One trainee's grade on a written item, as the grading page scored it."""

    met: frozenset[int]
    grader: str
    adjustment: float
    current: bool        # scored against the rubric as it is now (else: waiting for a grader to look again)


@dataclass(frozen=True)
class CriterionResult:
    number: int
    title: str
    ar: str
    points: float
    met: int             # graded answers that met it
    graded: int          # graded answers (against the current rubric)

    @property
    def missed(self) -> int:
        return self.graded - self.met

    @property
    def share_missed(self) -> float | None:
        return self.missed / self.graded if self.graded else None

    @property
    def teach_again(self) -> bool:
        return self.graded > 0 and self.share_missed >= TEACH_AGAIN


@dataclass
class ItemCriteria:
    """Which criteria of one written item the cohort met and missed."""

    module: str
    item: str
    title: str
    graded: int
    waiting: int                                  # sent back to a grader by a rubric change: not counted
    criteria: list[CriterionResult] = field(default_factory=list)  # in the rubric's order

    @property
    def most_missed(self) -> list[CriterionResult]:
        return sorted(self.criteria, key=lambda c: (-(c.share_missed or 0.0), c.number))


def _has_marks(db_url: str) -> bool:
    probe = create_engine(db_url)  # looked at before Store(), which would create the grading page's tables
    try:
        return inspect(probe).has_table("himaya_marks")
    finally:
        probe.dispose()


def graded(db_url: str, module: str, item: str, rubric) -> dict[str, Graded]:
    """Every trainee's grade on ``item`` scored on the grading page, by trainee (empty if the page never ran)."""
    if not _has_marks(db_url):
        return {}
    from ..marking import revisions
    from ..marking.store import Store

    store = Store(db_url)
    saved = store.all_saved(module, item)
    bases = revisions.bases(store, module, item)
    now = revisions.version(rubric)
    out = {}
    for trainee in set(saved["first"]) | set(saved["settled"]):
        mark = saved["settled"].get(trainee) or saved["first"][trainee]
        basis = bases.get(trainee)
        current = basis is None or (basis.version == now and not basis.review)  # None: graded before versions
        out[trainee] = Graded(frozenset(mark.marks.get("met", [])), mark.grader,
                              float(mark.marks.get("adjustment") or 0.0), current)
    return out


def item_criteria(module: str, item: str, rubric, grades: dict[str, Graded]) -> ItemCriteria:
    counted = [g for g in grades.values() if g.current]
    return ItemCriteria(module, item, rubric.title, len(counted), len(grades) - len(counted), [
        CriterionResult(c.number, c.title, c.ar, c.points, sum(c.number in g.met for g in counted), len(counted))
        for c in rubric.criteria])


def gather(db_url: str, written: dict[str, set[str]]) -> list[ItemCriteria]:
    """Per written item with answers graded on the grading page: its criteria met and missed.

    ``written``: module → grade ids of its written answers (ModuleResults.written).
    """
    from ..marking import criteria as rubrics

    if not _has_marks(db_url):
        return []
    found = []
    for module, grade_ids in written.items():
        for grade_id in sorted(grade_ids):
            item = item_id(grade_id)
            try:
                rubric = rubrics.load(item) if item else None
            except (rubrics.RubricProblem, OSError):
                rubric = None  # a rubric the page cannot read: nothing to count against
            if rubric is None:
                continue
            grades = graded(db_url, module, item, rubric)
            if grades:
                found.append(item_criteria(module, item, rubric, grades))
    return found


def figure(found: ItemCriteria):
    """Share of graded answers that missed each criterion, most missed on top; "teach again" ones in orange."""
    import matplotlib.pyplot as plt

    from curriculum.figures import PALETTE

    rows = found.most_missed
    labels = [textwrap.shorten(f"{c.number}. {c.title}", 48, placeholder="…") for c in rows]
    shares = [100 * (c.share_missed or 0.0) for c in rows]
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(rows) + 1.1), layout="constrained")
    ax.barh(range(len(rows)), shares, color=[PALETTE[1] if c.teach_again else PALETTE[0] for c in rows],
            edgecolor="white")
    for y, (share, c) in enumerate(zip(shares, rows)):
        ax.text(min(share + 1.5, 88), y, f"{c.missed} / {c.graded}", va="center", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})  # readable over the dashed line
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()  # most missed on top, as in the table
    ax.axvline(100 * TEACH_AGAIN, color="#6b7280", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"answers that missed the criterion (% of graded); orange: {100 * TEACH_AGAIN:.0f} % or more, "
                  "teach again")
    ax.set_title(f"{found.item} ({found.graded} graded)", fontsize=9)
    return fig


def figures(found: list[ItemCriteria]) -> dict[str, object]:
    """One figure per item (by item id), as matplotlib figures for the report to embed."""
    return {f.item: figure(f) for f in found if f.graded}
