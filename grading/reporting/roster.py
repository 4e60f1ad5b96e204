"""The cohort roster: who each trainee is, for the report's breakdown by ministry and country.

A CSV with the columns ``trainee_id, name, ministry, country, language``
(``language`` is ``ar`` or ``en``).  Every problem is reported with its line
and column, and all problems at once, so an instructor fixes the file in one go.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("trainee_id", "name", "ministry", "country", "language")


class RosterError(ValueError):
    """The roster file cannot be used; the message names each line to fix."""


@dataclass(frozen=True)
class Trainee:
    trainee_id: str
    name: str
    ministry: str
    country: str
    language: str


def read(path: Path) -> dict[str, Trainee]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text; save the roster as CSV (UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))  # a quoted field keeps its newlines
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RosterError(f"{path}: line 1 lacks the column(s) {', '.join(missing)}; "
                          f"the header must be: {','.join(COLUMNS)}")
    trainees, problems = {}, []
    for row in reader:
        line = reader.line_num  # the line the row ends on (a quoted field may span lines)
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        empty = [c for c in ("trainee_id", "ministry", "country") if not values[c]]
        if empty:
            problems.append(f"line {line}: {', '.join(empty)} is empty")
            continue
        if values["language"] not in ("ar", "en"):
            problems.append(f"line {line}: language must be 'ar' or 'en', not {values['language']!r}")
            continue
        if values["trainee_id"] in trainees:
            problems.append(f"line {line}: trainee {values['trainee_id']!r} is listed twice")
            continue
        trainees[values["trainee_id"]] = Trainee(**values)
    if problems:
        raise RosterError(f"{path}:\n  " + "\n  ".join(problems))
    return trainees


def write(path: Path, trainees: list[Trainee]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for t in trainees:
            writer.writerow([getattr(t, c) for c in COLUMNS])
    return path
