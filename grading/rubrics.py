"""Rubrics for written answers, kept with the instructors (``grading/rubrics/<item id>.md``).

The grader adds an item's rubric under the trainee's answer in the autograded
notebook, inside a mark-scheme region: graders read it in formgrader, and
feedback never shows it.  The release never contains it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "rubrics"


@lru_cache(maxsize=None)
def rubric(item_id: str) -> str | None:
    """The rubric of a written item, or None if it has none."""
    path = FOLDER / f"{item_id}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def items() -> list[str]:
    """Item ids that have a rubric."""
    return sorted(p.stem for p in FOLDER.glob("*.md"))
