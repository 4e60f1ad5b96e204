"""A rubric's criteria as data, read from its Markdown (the one place they are written).

``grading/rubrics/<item>.md`` lists each criterion as a numbered line,
``N. **P pt — title.** English…``, followed by the same criterion in Arabic on
the next, indented line.  The grading page shows these, keys 1–9 toggle them
and the score is the sum of the met ones' points, so a rubric edited in its
Markdown changes the grading page with it.

The short comments a trainee reads for a criterion met or missed are new
text, kept beside the rubric in ``<item>.comments.yaml`` keyed by criterion
number; :func:`load` fails, naming the file and what to fix, when the two
disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..rubrics import FOLDER

LANGS = ("ar", "en")
_CRITERION = re.compile(r"^(\d+)\.\s+\*\*\s*(\d+(?:\.\d+)?)\s*pts?\b\s*[—–-]\s*(.+?)\*\*\s*(.*)$")
_TOTAL = re.compile(r"\*\*Rubric \((\d+(?:\.\d+)?) points?")
_HEADING = re.compile(r"^#\s+(\S+)\s+[—–-]\s+(.+)$")


class RubricProblem(ValueError):
    """A rubric or its comments file the grading page cannot use; the message names the file and the fix."""


@dataclass(frozen=True)
class Criterion:
    """One numbered criterion of a rubric."""

    number: int
    points: float
    title: str
    en: str
    ar: str
    #: the trainee's comment when the criterion is met / missed, per language ({"ar": …, "en": …})
    met: dict = field(default_factory=dict)
    missed: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rubric:
    """An item's rubric: its criteria in order, and the notes for graders around them."""

    item: str
    title: str
    max_points: float
    criteria: tuple[Criterion, ...]
    notes: tuple[str, ...] = ()

    def criterion(self, number: int) -> Criterion:
        for found in self.criteria:
            if found.number == number:
                return found
        raise KeyError(f"{self.item} has no criterion {number}")

    def to_json(self) -> dict:
        return {"item": self.item, "title": self.title, "max_points": self.max_points, "notes": list(self.notes),
                "criteria": [{"number": c.number, "points": c.points, "title": c.title, "en": c.en, "ar": c.ar,
                              "met": c.met, "missed": c.missed} for c in self.criteria]}


def parse(item: str, text: str, source: str = "") -> Rubric:
    """The criteria of a rubric's Markdown ``text`` (without comments); ``source`` names the file in errors."""
    where = source or f"{item}.md"
    lines = text.splitlines()
    title, total = "", None
    criteria: list[dict] = []
    notes: list[str] = []
    for number, line in enumerate(lines, 1):
        heading = _HEADING.match(line)
        if heading and not title:
            title = heading.group(2).strip()
            continue
        found = _TOTAL.search(line)
        if found and total is None:
            total = float(found.group(1))
            continue
        criterion = _CRITERION.match(line)
        if criterion:
            criteria.append({"number": int(criterion.group(1)), "points": float(criterion.group(2)),
                             "title": criterion.group(3).strip().rstrip("."), "en": criterion.group(4).strip(),
                             "ar": "", "line": number})
        elif line.startswith((" ", "\t")) and line.strip() and criteria and not criteria[-1]["ar"] \
                and criteria[-1]["line"] == number - 1:
            criteria[-1]["ar"] = line.strip()
        elif line.strip() and not line.startswith("#"):
            notes.append(line.strip())
    if not criteria:
        raise RubricProblem(f"{where}: no criteria found; write each as a numbered line "
                            "'1. **1 pt — title.** English text' followed by its Arabic on an indented line")
    numbers = [c["number"] for c in criteria]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RubricProblem(f"{where}: criteria are numbered {numbers}; number them 1, 2, 3… in order")
    if len(criteria) > 9:
        raise RubricProblem(f"{where}: {len(criteria)} criteria; the grading page's keys 1–9 reach nine at most")
    for c in criteria:
        if not c["ar"]:
            raise RubricProblem(f"{where}, line {c['line']}: criterion {c['number']} has no Arabic line; "
                                "add it, indented, on the line after the English")
    summed = sum(c["points"] for c in criteria)
    if total is not None and abs(summed - total) > 1e-9:
        raise RubricProblem(f"{where}: the criteria's points add up to {summed:g}, the heading says {total:g} points")
    return Rubric(item, title, summed,
                  tuple(Criterion(c["number"], c["points"], c["title"], c["en"], c["ar"]) for c in criteria),
                  tuple(notes))


def comments_path(item: str, folder: Path | None = None) -> Path:
    return (folder or FOLDER) / f"{item}.comments.yaml"


def _comments(item: str, rubric: Rubric, path: Path) -> dict[int, dict]:
    if not path.is_file():
        raise RubricProblem(f"{path.name}: missing; write the met/missed comments of {item}'s "
                            f"{len(rubric.criteria)} criteria (keyed 1…{len(rubric.criteria)}) in it")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise RubricProblem(f"{path.name}: not valid YAML ({err})") from None
    if not isinstance(data, dict) or not all(isinstance(k, int) for k in data):
        raise RubricProblem(f"{path.name}: write a mapping from criterion number (1, 2, …) to its comments")
    want, got = [c.number for c in rubric.criteria], sorted(data)
    if got != want:
        raise RubricProblem(f"{path.name}: comments for criteria {got}, but {item}.md has criteria {want}; "
                            "keep one entry per criterion, keyed by its number")
    for number, entry in data.items():
        for kind in ("met", "missed"):
            texts = entry.get(kind) if isinstance(entry, dict) else None
            if not isinstance(texts, dict) or not all(isinstance(texts.get(lang), str) and texts[lang].strip()
                                                      for lang in LANGS):
                raise RubricProblem(f"{path.name}: criterion {number} needs '{kind}' with both 'ar' and 'en' text")
    return data


def _stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def load(item: str, folder: Path | None = None) -> Rubric:
    """The rubric of ``item`` with each criterion's comments; :class:`RubricProblem` names what to fix.

    Read again only when the rubric or its comments file changes: the grading page loads the rubric on every
    request, and parsing the comments' YAML cost about 60 ms of each key press's wait."""
    folder = folder or FOLDER  # read at each call: a course (or a test) may point FOLDER elsewhere
    return _load(item, folder, _stamp(folder / f"{item}.md"), _stamp(comments_path(item, folder)))


@lru_cache(maxsize=256)
def _load(item: str, folder: Path, *stamps) -> Rubric:
    path = folder / f"{item}.md"
    if not path.is_file():
        raise RubricProblem(f"{item}: no rubric; write grading/rubrics/{item}.md")
    rubric = parse(item, path.read_text(encoding="utf-8"), path.name)
    comments = _comments(item, rubric, comments_path(item, folder))
    criteria = tuple(Criterion(c.number, c.points, c.title, c.en, c.ar,
                               {lang: comments[c.number]["met"][lang].strip() for lang in LANGS},
                               {lang: comments[c.number]["missed"][lang].strip() for lang in LANGS})
                     for c in rubric.criteria)
    return Rubric(rubric.item, rubric.title, rubric.max_points, criteria, rubric.notes)


def items(folder: Path | None = None) -> list[str]:
    """Items that have a rubric."""
    return sorted(p.stem for p in (folder or FOLDER).glob("*.md"))
