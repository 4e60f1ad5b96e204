"""The shapes of module and item names, in one place (the grader, the trainee's kernel and the tools share them).

A module is an nbgrader assignment, ``m04-crime-patterns``; an analyst lab adds a letter, ``m04a-analysis-lab``.
The pre/post knowledge check (#19) is two assignments, ``kc-check-pre`` and ``kc-check-post``, that share its items.
An item id is the module's short name, a dot and a name: ``m04.q3``, ``m04a.q1``, ``kc.q01``; nbgrader's grade_id
makes the dot a dash (``m04-q3``), since nbgrader allows no dots.
"""
from __future__ import annotations

import re

#: a module's short name: m04, m04a (an analyst lab) or kc (the knowledge check)
SHORT = r"(?:m\d{2}[a-z]?|kc)"
#: an nbgrader assignment of the course
MODULE = re.compile(rf"^{SHORT}-[a-z0-9-]+$")
#: a graded or practice item
ITEM_ID = re.compile(rf"^{SHORT}\.[a-z0-9][a-z0-9_]*$")
#: an exercise call naming its item, ``ex.SingleChoice("m00.q1", …``: (class name, item id)
CALL = re.compile(rf"\b(?:ex\.|exercises\.)?([A-Z][A-Za-z]+)\(\s*['\"]({SHORT}\.[a-z0-9_]+)['\"]")
#: an optional analyst lab (graded code, not widgets)
LAB = re.compile(r"^m\d{2}[a-z]-")
#: the pre/post knowledge check: not a module of the syllabus, never counted in module grades or certificates
CHECK = re.compile(r"^kc-")
#: the same shapes unanchored, for URL routes (grading/marking/handlers.py): groups that capture a module, an item
MODULE_ROUTE = rf"({SHORT}-[a-z0-9-]+)"
ITEM_ROUTE = rf"({SHORT}\.q\d+)"


def is_lab(module: str) -> bool:
    """An optional analyst lab, ``m04a-analysis-lab``."""
    return bool(LAB.match(module))


def is_check(module: str) -> bool:
    """One of the knowledge check's assignments, ``kc-check-pre`` or ``kc-check-post``."""
    return bool(CHECK.match(module))


def is_core(module: str) -> bool:
    """A core module (m00–m10): neither an analyst lab nor the knowledge check."""
    return bool(MODULE.match(module)) and not is_lab(module) and not is_check(module)


def short_id(module: str) -> str:
    """``m04-crime-patterns`` → ``m04``; ``kc-check-pre`` → ``kc``."""
    return module.split("-")[0]
