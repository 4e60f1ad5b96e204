"""The syllabus: modules, their learning outcomes, and the item ids that assess each outcome.

``syllabus.yaml`` is the one record; the cohort report's mastery map and the
README's module list are drawn from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Outcome:
    id: str
    text: dict[str, str]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    id: str
    title: dict[str, str]
    minutes: int
    outcomes: tuple[Outcome, ...]

    @property
    def lab(self) -> bool:
        """An optional analyst lab (m04a-…): graded code, not widgets."""
        return self.id.split("-")[0][-1].isalpha()


@lru_cache(maxsize=1)
def load() -> dict[str, Module]:
    """Every module of the syllabus, in course order."""
    data = yaml.safe_load(resources.files("curriculum").joinpath("syllabus.yaml").read_text(encoding="utf-8"))
    modules = {}
    for module_id, spec in sorted(data["modules"].items()):
        outcomes = tuple(Outcome(o["id"], o["text"], tuple(o["items"])) for o in spec.get("outcomes", []))
        modules[module_id] = Module(module_id, spec["title"], int(spec.get("minutes", 0)), outcomes)
    return modules


def markdown() -> str:
    """The module list for the README: each module, its length and its outcomes, in both languages."""
    lines = []
    for module in load().values():
        kind = " — *optional analyst lab (Python code)*" if module.lab else ""
        lines.append(f"**{module.id}** — {module.title['en']} · {module.title['ar']} (~{module.minutes} min){kind}")
        lines.append("")
        for outcome in module.outcomes:
            lines.append(f"- `{outcome.id}` {outcome.text['en']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
