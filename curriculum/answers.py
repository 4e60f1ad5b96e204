"""The answers file: where a trainee's widget answers live between the browser and the grader.

A widget's state lives in the browser and is lost when nbgrader re-executes
the notebook, so every exercise writes its answer here the moment it changes.
The file sits beside the notebook, travels with ``nbgrader submit`` and
``collect`` (it does not exist in the source folder, so nothing overwrites
it), and is read by the grader in its own process.

Writes are atomic (temporary file, fsync, then rename): a kernel killed
mid-write leaves the previous file whole.  A written answer being typed is
recorded at once and written when the trainee pauses (``save(..., later=True)``,
curriculum/pause.py), with the next save of any item, or at kernel exit.  A missing, corrupt,
foreign or oversized file never raises: :func:`read` reports the problem as
a message id and the items count as unanswered; in the trainee's kernel the
bad file is moved aside, never deleted.
"""
from __future__ import annotations

import atexit
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .settings import ANSWERS_FILENAME, settings

SCHEMA_VERSION = 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Problem:
    """Why an answers file could not be used: a message id and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass
class Answers:
    """The parsed content of an answers file."""

    trainee: str
    language: str = "ar"
    items: dict[str, dict] = field(default_factory=dict)
    problem: Problem | None = None

    def value(self, item_id: str):
        entry = self.items.get(item_id)
        return None if entry is None else entry.get("value")

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "trainee": self.trainee,
            "language": self.language,
            "answers": self.items,
        }


class Oversized(OSError):
    """A file larger than the limit (its ``size`` in bytes, as far as it was read)."""

    def __init__(self, path: Path, size: int):
        super().__init__(f"{path}: larger than allowed ({size} bytes)")
        self.size = size


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, never more than ``max_bytes`` read into memory.

    A named pipe, device or folder in its place raises ``OSError`` at once (a pipe
    would block, ``/dev/zero`` never ends); a file that grows while read still stops
    at the limit.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise Oversized(path, info.st_size)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Oversized(path, len(data))
    return data


def read(path: Path, *, trainee: str | None = None, max_bytes: int | None = None) -> Answers:
    """Read ``path``; on any problem return empty answers carrying a :class:`Problem`.

    ``trainee`` is whom the answers must belong to (``None`` accepts any owner).
    """
    path = Path(path)
    max_bytes = settings.max_answers_bytes if max_bytes is None else max_bytes
    empty = Answers(trainee=trainee or "")
    try:
        raw = read_limited(path, max_bytes)
    except FileNotFoundError:
        empty.problem = Problem("file_missing")
        return empty
    except Oversized as err:
        empty.problem = Problem("file_oversized", {"size": err.size})
        return empty
    except OSError as err:
        # a folder: IsADirectoryError; a pipe or device in its place: read_limited's plain OSError
        what = type(err).__name__ if type(err) is not OSError else "not a regular file"
        empty.problem = Problem("file_corrupt_grading", {"error": what})
        return empty
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError, OSError) as err:  # JSON, UTF-8, depth, huge ints
        empty.problem = Problem("file_corrupt_grading", {"error": type(err).__name__})
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        empty.problem = Problem("file_corrupt_grading", {"error": "not an answers object"})
        return empty
    if data.get("schema") != SCHEMA_VERSION:
        empty.problem = Problem("file_schema", {"version": data.get("schema")})
        return empty
    owner = str(data.get("trainee", ""))
    if trainee is not None and owner != trainee:
        empty.problem = Problem("file_foreign", {"owner": owner, "trainee": trainee})
        return empty
    items = {
        str(k): v for k, v in data.get("answers", {}).items()
        if isinstance(v, dict) and "value" in v
    }
    language = data.get("language") if data.get("language") in ("ar", "en") else "ar"
    return Answers(trainee=owner, language=language, items=items)


def write(path: Path, answers: Answers) -> None:
    """Replace ``path`` atomically with ``answers``."""
    path = Path(path)
    text = json.dumps(answers.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AnswerStore:
    """The trainee's answers file as the kernel sees it.

    Loaded once; every :meth:`save` rewrites the whole (small) file
    atomically.  A bad file found at start is moved aside so the trainee can
    go on and nothing is lost; :attr:`notice` says what happened.
    """

    def __init__(self, path: Path | None = None, trainee: str | None = None):
        self.path = Path(path) if path else settings.answers_path
        self.trainee = trainee or settings.trainee
        self.notice: Problem | None = None
        found = read(self.path)
        if found.problem and found.problem.key != "file_missing":
            backup = self._move_aside("damaged")
            self.notice = Problem("file_corrupt", {**found.problem.params, "error": found.problem.params.get("error", found.problem.key), "backup": backup})
            found = Answers(trainee=self.trainee)
        elif found.problem is None and found.trainee != self.trainee:
            backup = self._move_aside(f"from-{found.trainee or 'unknown'}")
            self.notice = Problem("file_foreign_kept", {"owner": found.trainee, "backup": backup})
            found = Answers(trainee=self.trainee)
        found.trainee = self.trainee
        self.answers = found
        #: Items recorded but not yet on disk (:meth:`save` with ``later``), and who to tell once they are.
        self.unsaved: set[str] = set()
        self.on_written: dict[str, Callable[[], None]] = {}

    def _move_aside(self, reason: str) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in reason)
        for n in range(1000):
            target = self.path.with_name(f"{self.path.stem}.{safe}.{stamp}{f'-{n}' if n else ''}.json")
            try:  # link + unlink: never replaces an earlier backup
                os.link(self.path, target)
            except FileExistsError:
                continue
            self.path.unlink()
            return target.name
        raise OSError(f"cannot move {self.path} aside")

    def get(self, item_id: str):
        return self.answers.value(item_id)

    def save(self, item_id: str, value, kind: str, *, later: bool = False) -> str:
        """Record ``value`` for ``item_id`` and write the file; return the time.

        ``later``: record it now, write it with the next :meth:`flush` or the next
        save of any item (a written answer while the trainee is still typing).
        """
        previous = self.answers.items.get(item_id, {})
        stamp = now()
        self.answers.items[item_id] = {
            "value": value, "kind": kind, "time": stamp,
            "changes": int(previous.get("changes", 0)) + 1,
        }
        self.answers.language = settings.language
        if later:
            self.unsaved.add(item_id)
        else:
            self._write()
        return stamp

    def flush(self, notify: bool = True) -> bool:
        """Write answers recorded with ``later``; True if there were any."""
        if not self.unsaved:
            return False
        self._write(notify)
        return True

    def _write(self, notify: bool = True) -> None:
        """Write every answer, pending ones included; then tell whoever waited for them (:attr:`on_written`)."""
        write(self.path, self.answers)
        written, self.unsaved = self.unsaved, set()
        for item_id in sorted(written):
            listener = self.on_written.pop(item_id, None)
            if listener is not None and notify:
                listener()

    def reassign(self, trainee: str) -> None:
        """The trainee corrected their id: the answers stay and are theirs."""
        self.trainee = self.answers.trainee = trainee
        if self.answers.items:
            self._write()

    def set_language(self, language: str, chosen: bool = False) -> None:
        """Keep ``language`` for this folder; ``chosen``: the trainee picked it, so record it even
        before any answer (an analyst lab has no widget, and its feedback should speak it too)."""
        if self.answers.language != language or (chosen and not self.path.exists()):
            self.answers.language = language
            if self.answers.items or self.path.exists() or chosen:
                self._write()


_stores: dict[Path, AnswerStore] = {}


def flush_all() -> None:
    """Write every answer still waiting (the kernel is shutting down: no one to tell, nothing to raise)."""
    for pending in list(_stores.values()):
        try:
            pending.flush(notify=False)
        except OSError:
            pass


atexit.register(flush_all)


def store() -> AnswerStore:
    """The answers store of the current folder (one per kernel and folder)."""
    key = settings.answers_path.resolve()
    if key not in _stores or _stores[key].trainee != settings.trainee:
        _stores[key] = AnswerStore(key, settings.trainee)
    return _stores[key]


__all__ = ["ANSWERS_FILENAME", "Answers", "AnswerStore", "Problem", "read", "write", "store"]
