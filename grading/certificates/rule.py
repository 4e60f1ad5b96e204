"""The completion rule: who has earned a certificate, read from ``curriculum/syllabus.yaml``.

The rule is data (the ``certificate:`` section), so a training department can
change it without code; each module's hours come from its ``minutes:``.
A trainee who has not earned a certificate is told why, module by module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

LATE_CHOICES = {
    "penalty": "a late module counts with the course's late penalty taken off (as grades.csv)",
    "ignore": "a late module counts with its full score",
    "refuse": "a late core module counts as not submitted",
}
EXAMPLE = ("certificate:\n  core_modules: all        # or a list of module ids\n  min_share: 0.6\n"
           "  late: penalty            # or ignore, refuse")


class RuleError(ValueError):
    """The ``certificate:`` section of the syllabus cannot be used; the message names what to fix."""


@dataclass(frozen=True)
class SyllabusModule:
    id: str
    title: dict[str, str]
    minutes: int

    @property
    def lab(self) -> bool:
        """An optional analyst lab (m04a-…)."""
        return self.id.split("-")[0][-1].isalpha()

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class CompletionRule:
    """Every core module submitted and graded, and at least ``min_share`` of their points."""

    core_modules: tuple[str, ...]
    min_share: float
    late: str
    modules: dict[str, SyllabusModule] = field(repr=False)
    course: str = "himaya"
    title: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Decision:
    """One trainee's standing against the rule."""

    trainee: str
    completed: bool
    share: float
    modules: tuple[str, ...] = ()       # on the certificate: core modules and labs submitted, in course order
    date: date | None = None            # the day of the last core submission
    reasons: tuple[str, ...] = ()       # why not (yet)

    def hours(self, rule: CompletionRule) -> float:
        return sum(rule.modules[m].hours for m in self.modules)


def syllabus_path() -> Path:
    return Path(str(resources.files("curriculum").joinpath("syllabus.yaml")))


def load(path: Path | None = None) -> CompletionRule:
    """The rule and the modules' hours from the syllabus; :class:`RuleError` names what to fix."""
    path = Path(path) if path else syllabus_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RuleError(f"{path}: cannot be read as YAML ({err})") from None
    modules = {}
    for module_id, spec in sorted((data or {}).get("modules", {}).items()):
        minutes = spec.get("minutes")
        if not isinstance(minutes, int) or minutes <= 0:
            raise RuleError(f"{path}: module {module_id} needs `minutes:` (a whole number above 0): "
                            "a certificate counts hours from it")
        modules[module_id] = SyllabusModule(module_id, spec.get("title", {}), minutes)
    spec = data.get("certificate")
    where = f"{path}: the `certificate:` section"
    if not isinstance(spec, dict):
        raise RuleError(f"{where} is missing or not a mapping; write it as\n{EXAMPLE}")
    unknown = sorted(set(spec) - {"core_modules", "min_share", "late"})
    if unknown:
        raise RuleError(f"{where} has unknown key(s) {', '.join(unknown)}; its keys are core_modules, min_share, late")
    core = spec.get("core_modules", "all")
    if core == "all":
        core = [m for m, module in modules.items() if not module.lab]
    elif not (isinstance(core, list) and core and all(isinstance(m, str) for m in core)):
        raise RuleError(f"{where}: core_modules must be `all` or a list of module ids, not {core!r}")
    missing = [m for m in core if m not in modules]
    if missing:
        raise RuleError(f"{where}: core_modules names {', '.join(missing)}, not a module of the syllabus; "
                        f"the modules are: {', '.join(modules)}")
    share = spec.get("min_share")
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise RuleError(f"{where}: min_share must be a share of the points between 0 and 1 (e.g. 0.6), not {share!r}")
    late = spec.get("late", "penalty")
    if late not in LATE_CHOICES:
        raise RuleError(f"{where}: late must be one of " +
                        "; ".join(f"{k} ({v})" for k, v in LATE_CHOICES.items()) + f", not {late!r}")
    return CompletionRule(tuple(core), float(share), late, modules, data.get("course", "himaya"),
                          data.get("title", {}))


def decide(rule: CompletionRule, scores: dict[str, dict[str, dict]],
           submitted_on: dict[tuple[str, str], date] | None = None) -> dict[str, Decision]:
    """Each trainee's :class:`Decision` from ``scores`` (module → trainee → :meth:`Course.scores` row).

    ``submitted_on`` gives each (module, trainee)'s submission day; the certificate's date is the latest
    core one. Written answers still to grade keep a certificate back: the share is not known yet.
    """
    submitted_on = submitted_on or {}
    trainees = sorted({t for rows in scores.values() for t in rows})
    decisions = {}
    for trainee in trainees:
        reasons, earned, possible = [], 0.0, 0.0
        for module in rule.core_modules:
            row = scores.get(module, {}).get(trainee)
            if row is None:
                reasons.append(f"{module} not submitted (or not graded yet)")
                continue
            if row.get("needs_manual_grade"):
                reasons.append(f"{module}: written answers await grading")
            if row.get("late") and rule.late == "refuse":
                reasons.append(f"{module} submitted late (the rule refuses late core modules)")
                continue
            penalty = row.get("late_penalty", 0.0) if rule.late == "penalty" else 0.0
            earned += max(0.0, (row.get("score") or 0.0) - penalty)
            possible += row.get("max_score") or 0.0
        # the share is of every core module's points: a missing module's maximum is read from those who sent it
        for module in rule.core_modules:
            if trainee not in scores.get(module, {}):
                possible += max((r.get("max_score") or 0.0 for r in scores.get(module, {}).values()), default=0.0)
        share = earned / possible if possible else 0.0
        if share < rule.min_share:
            reasons.append(f"{share:.0%} of the core modules' points, below the {rule.min_share:.0%} required")
        labs = [m for m in rule.modules if m not in rule.core_modules and trainee in scores.get(m, {})]
        days = [submitted_on[(m, trainee)] for m in rule.core_modules if (m, trainee) in submitted_on]
        listed = tuple(m for m in rule.modules if m in rule.core_modules or m in labs)  # in course order
        decisions[trainee] = Decision(trainee, not reasons, share, listed,
                                      max(days) if days else None, tuple(reasons))
    return decisions
