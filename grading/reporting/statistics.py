"""Moodle's quiz statistics for one module: how each item and the whole test behave.

Formulas as Moodle documents them (``s`` attempts; ``x`` an item's marks;
``X_i`` each attempt's total without item ``i``; ``T`` the totals; ``P`` items;
variances with ``s − 1``):

- facility ``F = mean(x) / max mark``
- standard deviation ``SD = sqrt(Σ(x − x̄)² / (s − 1))`` (as a share of the max mark)
- discrimination index ``DI = 100 · Cov(x, X_i) / sqrt(Var(x) · Var(X_i))``
- discriminative efficiency ``DE = 100 · Cov(x, X_i) / Cov_max``, with ``Cov_max``
  the covariance of ``x`` and ``X_i`` each sorted
- Cronbach's α ``CIC = 100 · P/(P − 1) · (1 − ΣVar(x_i) / Var(T))``,
  error ratio ``ER = 100 · sqrt(1 − CIC/100)``, standard error ``SE = ER · SD(T) / 100``.

A statistic that divides by zero (everyone scored the same) is ``None``: it
says nothing, and the report shows it as such instead of inventing a number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

#: Items outside these bounds are flagged for the instructor.
TOO_EASY = 0.90      # facility above: nearly everyone gets it
TOO_HARD = 0.20      # facility below: nearly no one gets it
WEAK_DISCRIMINATION = 20.0  # DI below (in %): does not separate stronger from weaker trainees


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _cov(a: Sequence[float], b: Sequence[float]) -> float | None:
    if len(a) < 2:
        return None
    ma, mb = _mean(a), _mean(b)
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (len(a) - 1)


def _var(a: Sequence[float]) -> float | None:
    return _cov(a, a)


@dataclass(frozen=True)
class ItemStatistics:
    item: str
    max_mark: float
    attempts: int
    facility: float | None              # 0..1
    sd: float | None                    # share of the max mark
    discrimination_index: float | None  # %
    discriminative_efficiency: float | None  # %

    @property
    def flags(self) -> list[str]:
        """Why an instructor should look at this item (empty when it behaves)."""
        found = []
        if self.facility is not None and self.facility > TOO_EASY:
            found.append("too easy")
        if self.facility is not None and self.facility < TOO_HARD:
            found.append("too hard")
        if self.discrimination_index is None or self.discrimination_index < WEAK_DISCRIMINATION:
            found.append("does not discriminate")
        return found


@dataclass(frozen=True)
class TestStatistics:
    attempts: int
    items: int
    mean: float | None
    sd: float | None
    cronbach_alpha: float | None   # % (CIC)
    error_ratio: float | None      # %
    standard_error: float | None   # marks


def item_statistics(marks: Sequence[Sequence[float]], max_marks: Sequence[float],
                    names: Sequence[str]) -> list[ItemStatistics]:
    """Statistics of every item; ``marks[attempt][item]``."""
    attempts = len(marks)
    totals = [sum(row) for row in marks]
    out = []
    for i, (name, top) in enumerate(zip(names, max_marks)):
        x = [row[i] for row in marks]
        rest = [t - xi for t, xi in zip(totals, x)]
        facility = _mean(x) / top if attempts and top else None
        var_x, var_rest, cov = _var(x), _var(rest), _cov(x, rest)
        sd = math.sqrt(var_x) / top if var_x is not None and top else None
        di = de = None
        if cov is not None and var_x and var_rest:
            di = 100 * cov / math.sqrt(var_x * var_rest)
            cov_max = _cov(sorted(x), sorted(rest))
            de = 100 * cov / cov_max if cov_max else None
        out.append(ItemStatistics(name, top, attempts, facility, sd, di, de))
    return out


def test_statistics(marks: Sequence[Sequence[float]]) -> TestStatistics:
    """Cronbach's α and the standard error of the module's totals."""
    attempts = len(marks)
    p = len(marks[0]) if marks else 0
    totals = [sum(row) for row in marks]
    var_t = _var(totals)
    mean = _mean(totals) if attempts else None
    sd = math.sqrt(var_t) if var_t is not None else None
    alpha = er = se = None
    if var_t and p > 1:
        item_vars = [_var([row[i] for row in marks]) for i in range(p)]
        alpha = 100 * p / (p - 1) * (1 - sum(item_vars) / var_t)
        if alpha <= 100:
            er = 100 * math.sqrt(max(0.0, 1 - alpha / 100))
            se = er * sd / 100
    return TestStatistics(attempts, p, mean, sd, alpha, er, se)


test_statistics.__test__ = False  # a function named test_*: not a pytest test
