"""What the grading page keeps beside nbgrader's gradebook: the graders' choices, the leases, the course's secret.

Three small tables of our own (``himaya_marks``, ``himaya_leases``,
``himaya_marking``) in the gradebook's own database, through SQLAlchemy: the
same SQLite file or PostgreSQL database formgrader uses, so every grader's
server on a hub sees the same leases, a backup of the gradebook holds the
choices too, and no second file needs sharing.  nbgrader never reads these
tables; the score and comment it shows are written through its own API
(:mod:`.queue`).  The choices are kept so the page can show them again and a
changed rubric can re-score what was graded with it.

Double marking (:mod:`.double`) adds a fourth table, ``himaya_double_marks``:
the second grader's blind marks (role ``second``) and the grade that settles a
disagreement (role ``settled``), with the same columns as ``himaya_marks``,
which keeps the first marks.  The first marks are never overwritten by a second
marking or a settlement, so the agreement figures always compare what the two
graders chose on their own.

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
#: The second grader's marks (role "second") and settled grades (role "settled") of double-marked answers.
double_table = Table(
    "himaya_double_marks", metadata,
    Column("module", String(128), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("trainee", String(128), primary_key=True),
    Column("role", String(16), primary_key=True),  # "second" or "settled"
    Column("grader", String(128), nullable=False),
    Column("marks", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("saved_at", Float, nullable=False),
)
ROLES = ("first", "second", "settled")
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
    @staticmethod
    def _table(role: str):
        if role not in ROLES:
            raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
        return marks_table if role == "first" else double_table

    def save(self, module: str, item: str, trainee: str, grader: str, marks: dict, score: float,
             role: str = "first") -> None:
        """Keep ``grader``'s choices on an answer as its ``role`` mark (first, second or settled)."""
        table = self._table(role)
        row = {"grader": grader, "marks": json.dumps(marks, ensure_ascii=False), "score": score,
               "saved_at": self.clock()}
        ids = {"module": module, "item": item, "trainee": trainee, **({"role": role} if table is double_table else {})}
        key = and_(*(table.c[name] == value for name, value in ids.items()))
        with self.engine.begin() as conn:
            if conn.execute(update(table).where(key).values(**row)).rowcount:
                return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(table).values(**ids, **row))
        except IntegrityError:  # saved by another grader in between: the last save wins, as in the gradebook
            with self.engine.begin() as conn:
                conn.execute(update(table).where(key).values(**row))

    def saved(self, module: str, item: str, role: str = "first") -> dict[str, Saved]:
        """Every saved choice on ``item`` of ``role`` (first, second or settled), by trainee."""
        table = self._table(role)
        where = [table.c.module == module, table.c.item == item]
        if table is double_table:
            where.append(table.c.role == role)
        with self.engine.begin() as conn:
            rows = conn.execute(select(table).where(*where)).mappings().all()
        return {r["trainee"]: Saved(r["grader"], json.loads(r["marks"]), r["score"], r["saved_at"]) for r in rows}

    def all_saved(self, module: str, item: str) -> dict[str, dict[str, Saved]]:
        """Every role's saved choices on ``item``: role → trainee → :class:`Saved` (two queries)."""
        out = {"first": self.saved(module, item)}
        with self.engine.begin() as conn:
            rows = conn.execute(select(double_table).where(double_table.c.module == module,
                                                           double_table.c.item == item)).mappings().all()
        for role in ROLES[1:]:
            out[role] = {r["trainee"]: Saved(r["grader"], json.loads(r["marks"]), r["score"], r["saved_at"])
                         for r in rows if r["role"] == role}
        return out

    def marked_items(self) -> list[tuple[str, str]]:
        """(module, item) of every item with a second mark, for the cohort report's agreement section."""
        with self.engine.begin() as conn:
            return sorted(set(conn.execute(select(double_table.c.module, double_table.c.item)
                                           .where(double_table.c.role == "second")).all()))

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
