"""How far two graders agree on the double-marked written answers (issue #17 point 7), and what is left to settle.

For each item with second marks (grading/marking/double.py), the first and
second graders' marks are compared as they chose them on their own (a
settlement never overwrites them): on the score, and criterion by criterion
(met or missed).  Two figures for each: the share of answers on which they
agree, and Cohen's kappa, the agreement beyond what two graders marking at
random with the same habits would reach,
κ = (p_o − p_e) / (1 − p_e), with p_o the observed agreement and p_e the sum
over categories of the product of each grader's share in that category.
When both graders put every answer in the same single category, p_e = 1 and
κ is not defined (reported as such, not as 0 or 1).  Eleven lines, so written
here rather than taking scikit-learn (a large dependency) for one formula.

Disagreements not yet settled are listed by pseudonym, the code the grading
page shows, so the report does not undo blind grading.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import create_engine, inspect

from ..marking import double
from ..marking.store import Saved


def kappa(pairs: list[tuple]) -> float | None:
    """Cohen's kappa of two graders' categories ``[(first, second), …]``; None when undefined (no pairs, or p_e = 1)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    categories = {a for a, _ in pairs} | {b for _, b in pairs}
    chance = sum(sum(a == c for a, _ in pairs) * sum(b == c for _, b in pairs) for c in categories) / n ** 2
    if chance >= 1 - 1e-12:
        return None
    return (observed - chance) / (1 - chance)


@dataclass(frozen=True)
class Agreement:
    """Two graders' agreement on one measure (the score, or one criterion)."""

    pairs: int
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.pairs if self.pairs else None

    @classmethod
    def of(cls, pairs: list[tuple]) -> "Agreement":
        return cls(len(pairs), sum(a == b for a, b in pairs), kappa(pairs))


@dataclass(frozen=True)
class Disagreement:
    """A double-marked answer whose two marks differ and that no one has settled yet."""

    code: str                # the grading page's pseudonym
    first: Saved
    second: Saved


@dataclass
class ItemAgreement:
    module: str
    item: str
    score: Agreement
    criteria: list[tuple[int, str, Agreement]] = field(default_factory=list)  # (number, title, agreement)
    settled: int = 0
    to_settle: list[Disagreement] = field(default_factory=list)


def item_agreement(module: str, item: str, first: dict[str, Saved], second: dict[str, Saved],
                   settled: dict[str, Saved], criteria: list[tuple[int, str]], code=lambda trainee: trainee
                   ) -> ItemAgreement:
    """Agreement on one item from each role's marks (trainee → :class:`Saved`) and the rubric's criteria."""
    both = sorted(t for t in second if t in first)
    scores = [(round(first[t].score, 4), round(second[t].score, 4)) for t in both]
    per_criterion = []
    for number, title in criteria:
        pairs = [(number in first[t].marks.get("met", []), number in second[t].marks.get("met", [])) for t in both]
        per_criterion.append((number, title, Agreement.of(pairs)))
    differing = [t for t in both if double.differ(first[t], second[t])]
    return ItemAgreement(module, item, Agreement.of(scores), per_criterion,
                         settled=sum(t in settled for t in differing),
                         to_settle=sorted((Disagreement(code(t), first[t], second[t]) for t in differing
                                           if t not in settled), key=lambda d: d.code))


def gather(db_url: str, modules: list[str] | None = None) -> list[ItemAgreement]:
    """Every double-marked item of ``modules`` in the gradebook's database (none if the grading page never ran)."""
    from ..marking import criteria as rubrics, order
    from ..marking.store import Store, double_table

    probe = create_engine(db_url)  # looked at before Store(), which would create the grading page's tables
    try:
        if not inspect(probe).has_table(double_table.name):
            return []
    finally:
        probe.dispose()
    store = Store(db_url)
    found = []
    for module, item in store.marked_items():
        if modules is not None and module not in modules:
            continue
        saved = store.all_saved(module, item)
        try:
            listed = [(c.number, c.title) for c in rubrics.load(item).criteria]
        except (rubrics.RubricProblem, OSError):  # a rubric gone since: the criteria the graders used
            listed = [(n, "") for n in sorted({n for role in ("first", "second") for s in saved[role].values()
                                               for n in s.marks.get("met", [])})]
        secret = store.secret()
        found.append(item_agreement(module, item, saved["first"], saved["second"], saved["settled"], listed,
                                    code=lambda trainee: order.pseudonym(secret, trainee)))
    return found


def label(row: tuple[int, str, Agreement]) -> tuple[str, Agreement]:
    """A criterion's row of the report's table: its number (both languages) and title, and its agreement."""
    number, title, found = row
    return (f"criterion {number} · المعيار {number}" + (f": {title}" if title else ""), found)
