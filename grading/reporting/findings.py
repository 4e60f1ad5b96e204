"""What the grader noticed in a submission, kept for the cohort report's "submissions to look at".

Grading never stops for a trainee's files: a malformed value scores 0, a
duplicated key is read as the last one, nbgrader restores a cell whose type
was changed, a kernelspec is replaced by the grader's.  Each is logged and
would then be lost; here each becomes a :class:`Finding` (the trainee and the
reason), read again from the files the trainee handed in:

- the answers file: unusable (damaged, oversized, another trainee's, another
  schema), keys given twice, a value the item's scorer refuses, an answer time
  in the future (past the submission, or now) or before the module's release;
- the notebook: a kernelspec other than the release's, a course cell whose type
  was changed (cells added are in the grader's audit);
- the submission's own audit file (``himaya-audit.json``), which only the
  grader writes: one handed in, or one of a shape the grader never writes, is
  ignored and named (:func:`audit_record`);
- a trainee id that is not on the roster.

Every file is read through :func:`curriculum.answers.read_limited`: no
trainee's file is read past the grader's limit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from curriculum import answers as answers_file
from curriculum.exercises import KINDS
from curriculum.exercises.base import item_id
from curriculum.language import message
from curriculum.settings import ANSWERS_FILENAME

from ..keys import KeyProblem, parse_key, resolve
from ..preprocessors import AUDIT_FILE, AUDIT_LABELS

#: The audit file the grader writes holds a few short lists; anything larger is not the grader's.
MAX_AUDIT_BYTES = 1_000_000
#: A submitted notebook larger than this is not read for the checks below (and is named).
MAX_NOTEBOOK_BYTES = 50_000_000
#: Trainees' and the grader's clocks may disagree by this much before a time is called wrong.
CLOCK_SKEW = timedelta(minutes=10)
#: At most this many values of one list are named in a line of the report.
SHOWN = 20


@dataclass(frozen=True)
class Finding:
    """One thing to look at in ``trainee``'s submission of ``module``."""

    module: str
    trainee: str
    kind: str
    reason: str


def _short(value, width: int = 80) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _names(values) -> str:
    values = [_short(v) for v in values]
    return ", ".join(values[:SHOWN]) + (f" and {len(values) - SHOWN} more" if len(values) > SHOWN else "")


# -- the audit file ---------------------------------------------------------------------------------------------

def _valid_record(record) -> dict | None:
    """An audit record as the grader writes it (``added_*``: counts; other known keys: lists of names), else None."""
    if not isinstance(record, dict):
        return None
    clean = {}
    for key, value in record.items():
        if key not in AUDIT_LABELS:
            continue  # a record of a newer grader: what this report cannot name, it leaves out
        if key.startswith("added_"):  # a count ("added_code_cells")
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                return None
            clean[key] = value
        elif isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            clean[key] = [_short(v) for v in value]
        else:
            return None
    return clean


def audit_record(autograded: Path, submitted: Path, notebooks: list[str]) -> tuple[dict | None, list[str]]:
    """The grader's audit of one submission (records of ``notebooks`` merged), and what was wrong with the file.

    A file the trainee handed in (it is in ``submitted``; autograde copies it beside the graded
    notebook) is never trusted: a record equal to the handed-in one is not the grader's.
    """
    problems, handed_in = [], {}
    if (submitted / AUDIT_FILE).exists() or (submitted / AUDIT_FILE).is_symlink():
        problems.append(f"handed in a file named {AUDIT_FILE} (only the grader writes it; ignored)")
        try:
            handed_in = json.loads(answers_file.read_limited(submitted / AUDIT_FILE, MAX_AUDIT_BYTES))
        except (OSError, ValueError, RecursionError):
            handed_in = {}
        handed_in = handed_in if isinstance(handed_in, dict) else {}
    path = autograded / AUDIT_FILE
    if not path.exists():
        return None, problems
    try:
        records = json.loads(answers_file.read_limited(path, MAX_AUDIT_BYTES))
        if not isinstance(records, dict):
            raise ValueError("not an object")
        merged = {}
        for name in notebooks:
            record = records.get(name)
            if record is None or record == handed_in.get(name):
                continue
            clean = _valid_record(record)
            if clean is None:
                raise ValueError(f"a record of {name} the grader never writes")
            for key, value in clean.items():
                merged[key] = merged.get(key, 0 if isinstance(value, int) else []) + value
    except (OSError, ValueError, RecursionError, TypeError) as err:
        if not handed_in:
            problems.append(f"its audit file ({AUDIT_FILE}) is not the grader's ({_short(err, 120)}); ignored")
        return None, problems
    return merged, problems


# -- the answers file -----------------------------------------------------------------------------------------

def _duplicates(pairs, found: list[str]):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            found.append(key)
        seen.add(key)
    return dict(pairs)


def _time(text) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def answers_findings(path: Path, trainee: str, keys: dict[str, tuple[str, dict]], *, max_bytes: int,
                     submitted_at: datetime | None, released_at: datetime | None) -> list[tuple[str, str]]:
    """(kind, reason) for each problem of the answers file at ``path``; ``keys``: item -> (kind, key)."""
    found = answers_file.read(path, trainee=trainee, max_bytes=max_bytes)
    if found.problem and found.problem.key != "file_missing":
        return [("answers file not used", message(found.problem.key, "en", **found.problem.params))]
    if found.problem:
        return []
    out = []
    twice: list[str] = []
    try:  # read again, as it is written: json keeps the last of two equal keys without a word
        json.loads(answers_file.read_limited(path, max_bytes).decode("utf-8"),
                   object_pairs_hook=lambda pairs: _duplicates(pairs, twice))
    except (OSError, ValueError, RecursionError):
        pass
    if twice:
        out.append(("answers file edited", f"keys given twice (the grader read the last): {_names(sorted(set(twice)))}"))
    bad, untimed, future, early = [], [], [], []
    latest = (submitted_at or datetime.now(timezone.utc)) + CLOCK_SKEW
    for item, entry in sorted(found.items.items()):
        if item in keys:
            kind, key = keys[item]
            try:
                KINDS[kind].score(entry.get("value"), key)
            except Exception as err:  # noqa: BLE001 - as the grader scored it: bad_answer
                bad.append(f"{item} ({type(err).__name__}: {_short(err, 60)})")
        moment = _time(entry.get("time"))
        if moment is None:
            untimed.append(item)
        elif moment > latest or moment > datetime.now(timezone.utc) + CLOCK_SKEW:
            future.append(f"{item} ({_short(entry.get('time'), 40)})")
        elif released_at is not None and moment < released_at - CLOCK_SKEW:
            early.append(f"{item} ({_short(entry.get('time'), 40)})")
    if bad:
        out.append(("malformed answer", f"values the scorer refused (scored 0): {_names(bad)}"))
    if untimed:
        out.append(("answers file edited", f"answers without a valid save time: {_names(untimed)}"))
    if future:
        out.append(("answers file edited", "saved after the submission or in the future: " + _names(future)))
    if early:
        out.append(("answers file edited", f"saved before the module was released ({released_at:%Y-%m-%d %H:%M} UTC): "
                                           + _names(early)))
    return out


# -- the notebook ---------------------------------------------------------------------------------------------

def notebook_findings(path: Path, kernel: str | None, cell_types: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, reason) for a changed kernelspec and changed cell types of the notebook at ``path``.

    Cells added are the grader's audit's (``added_code_cells``, ``added_text_cells``).

    ``kernel``: the release's kernelspec name; ``cell_types``: grade id -> cell type of the course's cells.
    """
    try:
        nb = json.loads(answers_file.read_limited(path, MAX_NOTEBOOK_BYTES))
    except FileNotFoundError:
        return []
    except answers_file.Oversized as err:
        return [("notebook not checked", f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB "
                                         f"({err.size} bytes)")]
    except (OSError, ValueError, RecursionError) as err:
        return [("notebook not checked", f"{path.name} is not a notebook ({_short(err, 80)})")]
    if not isinstance(nb, dict):
        return [("notebook not checked", f"{path.name} is not a notebook")]
    out = []
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    spec = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    if kernel and spec.get("name") != kernel:
        out.append(("notebook edited", f"kernelspec changed from {kernel!r} to {_short(spec.get('name'), 60)!r} "
                                       "(graded with the course's kernel)"))
    changed = []
    for cell in nb.get("cells") if isinstance(nb.get("cells"), list) else []:
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        grade_id = (meta.get("nbgrader") or {}).get("grade_id") if isinstance(meta.get("nbgrader"), dict) else None
        kind = cell.get("cell_type")
        if isinstance(grade_id, str) and grade_id in cell_types:
            if kind != cell_types[grade_id]:
                changed.append(f"{grade_id} ({cell_types[grade_id]} → {_short(kind, 20)})")
    if changed:
        out.append(("notebook edited", f"cell type changed (restored by the grader): {_names(changed)}"))
    return out


def item_keys(record: dict, trainee: str, assignment: str | None = None) -> dict[str, tuple[str, dict]]:
    """item id -> (kind, key) of each widget item, from the gradebook's source cells (as the grader scores;
    the knowledge check's keys need the ``assignment`` to pick the trainee's form)."""
    from ..keys import parse_kind

    keys = {}
    for name, cell in record.items():
        item = item_id(name)
        widget = record.get(f"{name}-widget")
        if not item or widget is None:
            continue
        try:
            key = parse_key(cell.source)
            if key is not None:
                keys[item] = (parse_kind(widget.source, item), resolve(key, trainee, assignment))
        except (KeyProblem, ValueError, TypeError):
            continue
    return keys


__all__ = ["ANSWERS_FILENAME", "Finding", "answers_findings", "audit_record", "item_keys", "notebook_findings"]
