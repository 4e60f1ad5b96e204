"""nbgrader's gradebook, opened many times a second while a cohort is graded.

nbgrader opens a new :class:`nbgrader.api.Gradebook` (a new SQLAlchemy engine,
a schema check and a course check) about ten times per notebook it grades, so
a cohort spends more time connecting and compiling the same SQL than scoring.
:func:`shared_engines` keeps one engine per database URL while it is active:
every Gradebook nbgrader opens is still its own session and commits as before,
but connections, SQLAlchemy's compiled-statement cache and the checks that
nbgrader's tables and the course exist (done on an engine's first Gradebook)
are reused.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

import nbgrader.api
from sqlalchemy import create_engine, event, inspect

_lock = threading.Lock()
_depth = 0
_engines: dict[tuple, object] = {}


def _shared_create_engine(url, *args, **kwargs):
    key = (str(url), tuple(args), tuple(sorted(kwargs.items())))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = create_engine(url, *args, **kwargs)
            if str(url).startswith("sqlite"):
                event.listen(engine, "connect", _sqlite_settings)
            engine.dispose = _kept_open  # Gradebook.close() disposes its engine: this one outlives it
        return engine


def _kept_open(*_args, **_kwargs) -> None:
    """A shared engine's ``dispose``: its connections stay pooled until :func:`shared_engines` ends."""


class _Tables:
    """What ``inspect(engine)`` answers in Gradebook.__init__ once an engine's tables are known to exist."""

    def __init__(self, names: list[str]):
        self.names = names

    def get_table_names(self) -> list[str]:
        return self.names


_tables: dict[int, _Tables] = {}


def _inspect_once(engine):
    if engine in _engines.values():
        if id(engine) not in _tables:
            _tables[id(engine)] = _Tables(inspect(engine).get_table_names())
        return _tables[id(engine)]
    return inspect(engine)


def _create_all_once(bind=None, **kwargs) -> None:
    if bind is not None and id(bind) in _tables and _tables[id(bind)].names:
        return  # nbgrader's tables were checked (and created if missing) on this engine's first Gradebook
    _create_all(bind=bind, **kwargs)
    if bind is not None and id(bind) in _tables:
        _tables[id(bind)] = _Tables(inspect(bind).get_table_names())


_create_all = nbgrader.api.Base.metadata.create_all
_check_course = nbgrader.api.Gradebook.check_course
_courses: set[tuple] = set()


def _check_course_once(self, course_id: str = "default_course", **kwargs):
    """Gradebook.__init__'s check that the course exists, once per shared engine (courses are never removed)."""
    key = (id(self.engine), course_id)
    if key in _courses and not kwargs and self.engine in _engines.values():
        return None  # Gradebook.__init__, the only caller, ignores the result
    found = _check_course(self, course_id=course_id, **kwargs)
    if self.engine in _engines.values():
        _courses.add(key)
    return found


def _sqlite_settings(dbapi_connection, _record) -> None:
    # Still a consistent database after a crash of the grader; only an OS crash
    # or power cut can lose the last commits (SQLite's documented trade-off).
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    # write-ahead log: parallel grading processes' reads never wait for each other's commits (a local disk
    # is needed, as for any SQLite gradebook; the log is folded back into gradebook.db when grading ends)
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


@contextmanager
def shared_engines():
    """While active, nbgrader's Gradebooks reuse one engine per database URL (in this process)."""
    global _depth
    with _lock:
        _depth += 1
        nbgrader.api.create_engine = _shared_create_engine
        nbgrader.api.inspect = _inspect_once
        nbgrader.api.Base.metadata.create_all = _create_all_once
        nbgrader.api.Gradebook.check_course = _check_course_once
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                nbgrader.api.create_engine = create_engine
                nbgrader.api.inspect = inspect
                del nbgrader.api.Base.metadata.create_all
                nbgrader.api.Gradebook.check_course = _check_course
                for engine in _engines.values():
                    type(engine).dispose(engine)
                _engines.clear()
                _tables.clear()
                _records.clear()
                _courses.clear()


@dataclass(frozen=True)
class CellRecord:
    """One source cell of a released notebook, as plain values (what grading reads of it)."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str
    max_score: float | None  # graded (grade or task) cells only
    grade: bool = False  # a grade cell (a task cell is graded but not one)
    solution: bool = False
    task: bool = False


_records: dict[tuple, dict[str, CellRecord]] = {}


def source_record(gb: nbgrader.api.Gradebook, notebook: str, assignment: str) -> dict[str, CellRecord]:
    """Every source cell of ``notebook`` of ``assignment`` by name.

    Grading looks each cell up several times per submission (nbgrader's
    OverwriteCells, then the widget scorer): while :func:`shared_engines` is
    active (one grading run, during which nothing is released) the record is
    read once per process.
    """
    key = (str(gb.engine.url), assignment, notebook)
    if _depth and key in _records:
        return _records[key]
    found = gb.find_notebook(notebook, assignment)
    points = {c.name: c.max_score for c in [*found.grade_cells, *found.task_cells]}
    grades = {c.name for c in found.grade_cells}
    solutions = {c.name for c in found.solution_cells}
    tasks = {c.name for c in found.task_cells}
    record = {c.name: CellRecord(c.name, c.cell_type, bool(c.locked), c.checksum, c.source or "",
                                 points.get(c.name), c.name in grades, c.name in solutions, c.name in tasks)
              for c in found.source_cells}
    if _depth:
        _records[key] = record
    return record


class RecordedGradebook:
    """A Gradebook whose source-cell lookups come from :func:`source_record`; everything else is the Gradebook's."""

    def __init__(self, gb: nbgrader.api.Gradebook, notebook: str, assignment: str):
        self._gb = gb
        self.record = source_record(gb, notebook, assignment)
        self._where = (notebook, assignment)

    def _cell(self, name: str, notebook: str, assignment: str, graded: bool = False) -> CellRecord:
        cell = self.record.get(name) if (notebook, assignment) == self._where else None
        if cell is None or (graded and cell.max_score is None):
            raise nbgrader.api.MissingEntry()
        return cell

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> CellRecord:
        return self._cell(name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> CellRecord:
        return self._cell(name, notebook, assignment, graded=True)

    def __getattr__(self, name):
        return getattr(self._gb, name)


class SubmissionGradebook:
    """A Gradebook whose grade and comment lookups for one submitted notebook come from two queries.

    nbgrader's SaveAutoGrades looks each grade and comment up with its own
    six-table join (a dozen a notebook); these are the same rows, read at once
    into the Gradebook's session.  Everything else is the Gradebook's.
    """

    def __init__(self, gb: nbgrader.api.Gradebook, notebook: str, assignment: str, student: str):
        from nbgrader.api import BaseCell, Comment, Grade

        self._gb = gb
        self._where = (notebook, assignment, student)
        submitted = gb.find_submission_notebook(notebook, assignment, student).id
        self._grades = dict(gb.db.query(BaseCell.name, Grade).join(Grade, Grade.cell_id == BaseCell.id)
                            .filter(Grade.notebook_id == submitted).all())
        self._comments = dict(gb.db.query(BaseCell.name, Comment).join(Comment, Comment.cell_id == BaseCell.id)
                              .filter(Comment.notebook_id == submitted).all())

    def find_grade(self, name: str, notebook: str, assignment: str, student: str):
        if (notebook, assignment, student) == self._where and name in self._grades:
            return self._grades[name]
        return self._gb.find_grade(name, notebook, assignment, student)

    def find_comment(self, name: str, notebook: str, assignment: str, student: str):
        if (notebook, assignment, student) == self._where and name in self._comments:
            return self._comments[name]
        return self._gb.find_comment(name, notebook, assignment, student)

    def __getattr__(self, name):
        return getattr(self._gb, name)
