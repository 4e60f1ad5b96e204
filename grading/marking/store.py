"""What the grading page keeps beside nbgrader's gradebook: the graders' choices, the leases, the course's secret.

Three small tables of our own (``himaya_marks``, ``himaya_leases``,
``himaya_marking``) in the gradebook's own database, through SQLAlchemy: the
same SQLite file or PostgreSQL database formgrader uses, so every grader's
server on a hub sees the same leases, a backup of the gradebook holds the
choices too, and no second file needs sharing.  nbgrader never reads these
tables; the score and comment it shows are written through its own API
(:mod:`.queue`).  The choices are kept so the page can show them again and a
changed rubric can re-score what was graded with it.

A lease says who is grading an answer until when.  Taking one is a single
INSERT (the primary key makes two graders' INSERTs of the same answer fail
for one of them) or a single UPDATE of an expired or own lease (its WHERE
clause decides atomically), so no two graders hold the same answer on SQLite
or PostgreSQL.
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import (Column, Float, MetaData, String, Table, Text, and_, create_engine, delete, insert, or_,
                        select, update)
from sqlalchemy.exc import DBAPIError, IntegrityError

metadata = MetaData()

marks_table = Table(
    "himaya_marks", metadata,
    Column("module", String(128), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("trainee", String(128), primary_key=True),
    Column("grader", String(128), nullable=False),
    Column("marks", Text, nullable=False),  # JSON: met, adjustment, reason, comment (scoring.Marks)
    Column("score", Float, nullable=False),
    Column("saved_at", Float, nullable=False),  # seconds since the epoch, UTC
)
leases_table = Table(
    "himaya_leases", metadata,
    Column("module", String(128), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("trainee", String(128), primary_key=True),
    Column("grader", String(128), nullable=False),
    Column("expires_at", Float, nullable=False),
)
settings_table = Table(
    "himaya_marking", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

_engines: dict[str, object] = {}
_lock = threading.Lock()


def engine_for(db_url: str):
    """One engine per database URL in this process; our tables created on first use."""
    with _lock:
        if db_url not in _engines:
            engine = create_engine(db_url)
            try:
                metadata.create_all(engine, checkfirst=True)
            except DBAPIError:  # another grader's server created them between our check and our CREATE
                metadata.create_all(engine, checkfirst=True)
            _engines[db_url] = engine
        return _engines[db_url]


@dataclass(frozen=True)
class Saved:
    """A grader's saved choices on one answer."""

    grader: str
    marks: dict
    score: float
    saved_at: float


class Store:
    """The grading page's tables in the gradebook's database at ``db_url``."""

    def __init__(self, db_url: str, clock=time.time):
        self.engine = engine_for(db_url)
        self.clock = clock

    # -- the course's secret (pseudonyms) ----------------------------------------------
    def secret(self) -> str:
        """The course's pseudonym secret, made once (the first server to ask writes it; the others read it)."""
        with self.engine.begin() as conn:
            found = conn.execute(select(settings_table.c.value).where(settings_table.c.name == "secret")).scalar()
        if found:
            return found
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(settings_table).values(name="secret", value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another server wrote it first: use theirs
        with self.engine.begin() as conn:
            return conn.execute(select(settings_table.c.value).where(settings_table.c.name == "secret")).scalar_one()

    # -- choices ----------------------------------------------------------------------
    def save(self, module: str, item: str, trainee: str, grader: str, marks: dict, score: float) -> None:
        row = {"grader": grader, "marks": json.dumps(marks, ensure_ascii=False), "score": score,
               "saved_at": self.clock()}
        key = and_(marks_table.c.module == module, marks_table.c.item == item, marks_table.c.trainee == trainee)
        with self.engine.begin() as conn:
            if conn.execute(update(marks_table).where(key).values(**row)).rowcount:
                return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(marks_table).values(module=module, item=item, trainee=trainee, **row))
        except IntegrityError:  # saved by another grader in between: the last save wins, as in the gradebook
            with self.engine.begin() as conn:
                conn.execute(update(marks_table).where(key).values(**row))

    def saved(self, module: str, item: str) -> dict[str, Saved]:
        """Every saved choice on ``item``, by trainee."""
        with self.engine.begin() as conn:
            rows = conn.execute(select(marks_table).where(marks_table.c.module == module,
                                                          marks_table.c.item == item)).mappings().all()
        return {r["trainee"]: Saved(r["grader"], json.loads(r["marks"]), r["score"], r["saved_at"]) for r in rows}

    # -- leases -----------------------------------------------------------------------
    def lease(self, module: str, item: str, trainee: str, grader: str, seconds: float) -> bool:
        """Take (or renew) ``grader``'s lease on an answer; False if another grader holds an unexpired one."""
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(leases_table).values(module=module, item=item, trainee=trainee, grader=grader,
                                                         expires_at=now + seconds))
            return True
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            taken = conn.execute(update(leases_table).where(
                leases_table.c.module == module, leases_table.c.item == item, leases_table.c.trainee == trainee,
                or_(leases_table.c.grader == grader, leases_table.c.expires_at <= now),
            ).values(grader=grader, expires_at=now + seconds))
            return taken.rowcount == 1

    def release(self, module: str, item: str, trainee: str, grader: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(leases_table).where(
                leases_table.c.module == module, leases_table.c.item == item, leases_table.c.trainee == trainee,
                leases_table.c.grader == grader))

    def leases(self, module: str, item: str) -> dict[str, str]:
        """Unexpired leases on ``item``: trainee → grader."""
        with self.engine.begin() as conn:
            rows = conn.execute(select(leases_table.c.trainee, leases_table.c.grader).where(
                leases_table.c.module == module, leases_table.c.item == item,
                leases_table.c.expires_at > self.clock())).all()
        return dict(rows)
