"""nbgrader's gradebook, opened many times a second while a cohort is graded.

nbgrader opens a new :class:`nbgrader.api.Gradebook` (a new SQLAlchemy engine,
a schema check and a course check) about ten times per notebook it grades, so
a cohort spends more time connecting and compiling the same SQL than scoring.
:func:`shared_engines` keeps one engine per database URL while it is active:
every Gradebook nbgrader opens is still its own session and commits as before,
but connections and SQLAlchemy's compiled-statement cache are reused.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

import nbgrader.api
from sqlalchemy import create_engine, event

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
        return engine


def _sqlite_settings(dbapi_connection, _record) -> None:
    # Still a consistent database after a crash of the grader; only an OS crash
    # or power cut can lose the last commits (SQLite's documented trade-off).
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def shared_engines():
    """While active, nbgrader's Gradebooks reuse one engine per database URL (in this process)."""
    global _depth
    with _lock:
        _depth += 1
        nbgrader.api.create_engine = _shared_create_engine
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                nbgrader.api.create_engine = create_engine
                for engine in _engines.values():
                    engine.dispose()
                _engines.clear()
