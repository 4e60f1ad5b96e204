"""A rubric that can change: each grade remembers the rubric it was scored against, and is re-scored with the new one.

Every saved grade records the *version* of its item's criteria (a hash of
their numbers, points, wording and met/missed comments), and each version's
criteria are kept, in two tables of our own beside the gradebook's
(``himaya_rubric_versions``, ``himaya_mark_basis``).  When an item's rubric
(``grading/rubrics/<item>.md`` or its ``.comments.yaml``) no longer matches
the version a grade was scored against, :func:`rescore` compares the two
versions criterion by criterion:

* a criterion whose points or wording (or comments) changed, in the same
  place: the grader's decision still holds, so the answer is re-scored and its
  comment re-composed in the trainee's language, through nbgrader's own
  Gradebook API; an answer whose score and comment come out the same is left
  untouched;
* a criterion removed, added or moved to another number: the grader's ticks no
  longer say which criterion they meant, so nothing is guessed: the grade stays
  as it is, nbgrader's gradebook flags it as needing a manual grade (formgrader
  and grades.csv show it awaiting grading), and the grading page hands it out
  again with the reason and the grader's earlier decision.

A grade changed in formgrader since the grading page saved it is the
grader's, not ours: it is left as it is and counted apart.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy import Column, Float, MetaData, String, Table, Text, and_, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import scoring
from .criteria import Criterion, Rubric

metadata = MetaData()
versions_table = Table(
    "himaya_rubric_versions", metadata,
    Column("item", String(64), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("criteria", Text, nullable=False),  # JSON: the criteria as Rubric.to_json() writes them
    Column("max_points", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
)
basis_table = Table(
    "himaya_mark_basis", metadata,
    Column("module", String(128), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("trainee", String(128), primary_key=True),
    Column("role", String(16), nullable=False),      # the mark that reached the gradebook (store.ROLES)
    Column("version", String(64), nullable=False),   # the criteria it was scored against
    Column("review", Text, nullable=True),           # JSON: why a grader must look again (None: nothing to do)
)

_ready: set[int] = set()
_lock = threading.Lock()


def _engine(store):
    """``store``'s engine, with our two tables created on first use."""
    with _lock:
        if id(store.engine) not in _ready:
            try:
                metadata.create_all(store.engine, checkfirst=True)
            except DBAPIError:  # another grader's server created them between our check and our CREATE
                metadata.create_all(store.engine, checkfirst=True)
            _ready.add(id(store.engine))
    return store.engine


# -- versions -------------------------------------------------------------------------------
def _criteria(rubric: Rubric) -> list[dict]:
    return rubric.to_json()["criteria"]


def version(rubric: Rubric) -> str:
    """The hash of a rubric's criteria (numbers, points, wording, comments); its notes and title do not count."""
    text = json.dumps(_criteria(rubric), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _keep_version(conn, rubric: Rubric, now: float) -> str:
    found = version(rubric)
    exists = conn.execute(select(versions_table.c.version).where(
        versions_table.c.item == rubric.item, versions_table.c.version == found)).first()
    if not exists:
        try:
            with conn.begin_nested():
                conn.execute(insert(versions_table).values(
                    item=rubric.item, version=found, criteria=json.dumps(_criteria(rubric), ensure_ascii=False),
                    max_points=rubric.max_points, seen_at=now))
        except IntegrityError:
            pass  # kept by another server meanwhile: the same criteria
    return found


def stored_rubric(store, item: str, found: str) -> Rubric | None:
    """The criteria of ``item`` as they were in version ``found`` (None if never kept)."""
    with _engine(store).begin() as conn:
        row = conn.execute(select(versions_table).where(versions_table.c.item == item,
                                                        versions_table.c.version == found)).mappings().first()
    if row is None:
        return None
    criteria = tuple(Criterion(c["number"], c["points"], c["title"], c["en"], c["ar"], c["met"], c["missed"])
                     for c in json.loads(row["criteria"]))
    return Rubric(item, "", row["max_points"], criteria)


# -- what each grade was scored against ----------------------------------------------------------
def record(store, module: str, item: str, trainee: str, rubric: Rubric, role: str = "first") -> None:
    """Remember that ``trainee``'s grade on ``item`` (the ``role`` mark) was just scored against ``rubric``.

    Call it whenever a mark reaches nbgrader's gradebook; it clears any request to look again.
    """
    engine, now = _engine(store), time.time()
    row = {"role": role, "review": None}
    key = and_(basis_table.c.module == module, basis_table.c.item == item, basis_table.c.trainee == trainee)
    with engine.begin() as conn:
        row["version"] = _keep_version(conn, rubric, now)
        if conn.execute(update(basis_table).where(key).values(**row)).rowcount:
            return
    try:
        with engine.begin() as conn:
            conn.execute(insert(basis_table).values(module=module, item=item, trainee=trainee, **row))
    except IntegrityError:  # recorded by another server in between: ours is as new
        with engine.begin() as conn:
            conn.execute(update(basis_table).where(key).values(**row))


@dataclass(frozen=True)
class Basis:
    role: str
    version: str
    review: dict | None


def bases(store, module: str, item: str) -> dict[str, Basis]:
    """What each grade on ``item`` was scored against, by trainee."""
    with _engine(store).begin() as conn:
        rows = conn.execute(select(basis_table).where(basis_table.c.module == module,
                                                      basis_table.c.item == item)).mappings().all()
    return {r["trainee"]: Basis(r["role"], r["version"], json.loads(r["review"]) if r["review"] else None)
            for r in rows}


def review(store, module: str, item: str, trainee: str) -> dict | None:
    """Why ``trainee``'s grade on ``item`` waits for a grader to look again (None: it does not)."""
    with _engine(store).begin() as conn:
        found = conn.execute(select(basis_table.c.review).where(
            basis_table.c.module == module, basis_table.c.item == item, basis_table.c.trainee == trainee)).scalar()
    return json.loads(found) if found else None


def reviews(store, module: str, item: str) -> dict[str, dict]:
    """The grades on ``item`` a grader must look at again, by trainee: why (ar, en) and what was decided before."""
    return {t: b.review for t, b in bases(store, module, item).items() if b.review}


# -- comparing two versions -------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    """How an item's criteria changed between the version a grade was scored against and the rubric now."""

    changed: dict[int, tuple[str, ...]]   # number → what changed in place ("points 1 → 2", "wording", "comments")
    removed: tuple[Criterion, ...] = ()
    added: tuple[Criterion, ...] = ()
    moved: tuple[tuple[Criterion, int], ...] = ()  # (criterion as it was, its number now)

    @property
    def structural(self) -> bool:
        """True when the grader's ticks no longer say which criteria they meant."""
        return bool(self.removed or self.added or self.moved)

    def describe(self, lang: str) -> str:
        """The change in words, in ``lang``."""
        ar = lang == "ar"
        parts = []
        for c in self.removed:
            parts.append(f"حُذف المعيار {c.number} («{c.title}»)" if ar else f"criterion {c.number} ('{c.title}') was removed")
        for c in self.added:
            parts.append(f"المعيار {c.number} («{c.title}») جديد لم يُقيَّم" if ar
                         else f"criterion {c.number} ('{c.title}') is new and was not judged")
        for c, now in self.moved:
            parts.append(f"انتقل المعيار «{c.title}» من الرقم {c.number} إلى {now}" if ar
                         else f"criterion '{c.title}' moved from {c.number} to {now}")
        words = {"wording": "الصياغة", "comments": "التعليقات"}
        for number, what in sorted(self.changed.items()):
            if ar:
                said = "، ".join(words.get(w, w.replace("points", "الدرجات")) for w in what)
                parts.append(f"المعيار {number}: {said}")
            else:
                parts.append(f"criterion {number}: {', '.join(what)}")
        return ("؛ " if ar else "; ").join(parts)


def _wording(c: Criterion) -> tuple:
    return (c.title, c.en, c.ar)


def compare(before: Rubric, now: Rubric) -> Difference:
    """What changed from ``before`` to ``now``: criteria matched by their wording first, then by their number.

    A criterion whose wording is found under another number has moved; one whose wording is gone but whose
    number still holds a criterion no other one matched was edited in place; anything else was removed or added.
    """
    old = {c.number: c for c in before.criteria}
    new = {c.number: c for c in now.criteria}
    by_wording = {_wording(c): c.number for c in now.criteria}
    pairs: dict[int, int] = {}  # old number → new number
    for number, c in old.items():
        if _wording(c) in by_wording and by_wording[_wording(c)] not in pairs.values():
            pairs[number] = by_wording[_wording(c)]
    for number in old:
        if number not in pairs and number in new and number not in pairs.values():
            pairs[number] = number  # edited in place
    removed = tuple(old[n] for n in sorted(old) if n not in pairs)
    added = tuple(new[n] for n in sorted(new) if n not in pairs.values())
    moved = tuple((old[a], b) for a, b in sorted(pairs.items()) if a != b)
    changed = {}
    for a, b in sorted(pairs.items()):
        if a != b:
            continue
        was, now_ = old[a], new[b]
        what = []
        if abs(was.points - now_.points) > 1e-9:
            what.append(f"points {was.points:g} → {now_.points:g}")
        if _wording(was) != _wording(now_):
            what.append("wording")
        if (was.met, was.missed) != (now_.met, now_.missed):
            what.append("comments")
        if what:
            changed[a] = tuple(what)
    return Difference(changed, removed, added, moved)


# -- re-scoring --------------------------------------------------------------------------------------
@dataclass
class Rescored:
    """What :func:`rescore` did to one item's grades."""

    module: str
    item: str
    checked: int = 0                                    # grades scored against an older version
    rescored: list[str] = field(default_factory=list)   # trainees whose gradebook score or comment changed
    new_scores: list[str] = field(default_factory=list)  # ... of which the score changed
    unchanged: list[str] = field(default_factory=list)  # re-scored to the same score and comment
    review: dict[str, dict] = field(default_factory=dict)  # trainee → why a grader must look again
    left: list[str] = field(default_factory=list)       # changed in formgrader since: left as they are
    changes: set[str] = field(default_factory=set)      # the changes seen, in English (one per old version)

    @property
    def anything(self) -> bool:
        return bool(self.checked)

    def message(self, lang: str) -> str:
        """One sentence for the instructor in ``lang`` ("" when no grade was scored against an older rubric)."""
        if not self.checked:
            return ""
        n, r, s, v, f = self.checked, len(self.rescored), len(self.new_scores), len(self.review), len(self.left)
        u = len(self.unchanged)
        if lang == "ar":
            parts = []
            if r:
                parts.append(f"أُعيد احتساب {count_ar(r)} في سجل الدرجات" + (f" (تغيّرت الدرجة في {count_ar(s)})" if s else ""))
            if u:
                parts.append(f"بقيت {count_ar(u, True)} كما هي")
            if v:
                parts.append(f"{count_ar(v, True)} تحتاج إلى مقيّم يراجعها (حُذف معيار أو أُضيف أو تغيّر رقمه)")
            if f:
                parts.append(f"{count_ar(f, True)} عُدّلت في formgrader فتُركت كما هي")
            if r:
                parts.append(f"ولتصل التعليقات الجديدة إلى المتدرّبين شغّل python -m grading feedback {self.module}")
            return f"{self.item}: تغيّرت المعايير بعد تقييم {count_ar(n)}: " + "، ".join(parts) + "."
        parts = []
        if r:
            parts.append(f"{r} re-scored in the gradebook ({s} with a new score)")
        if u:
            parts.append(f"{u} unchanged")
        if v:
            parts.append(f"{v} to grade again (a criterion was removed, added or renumbered)")
        if f:
            parts.append(f"{f} changed in formgrader since, left as they are")
        if r:
            parts.append(f"run `python -m grading feedback {self.module}` to deliver the new comments")
        return f"{self.item}: the rubric changed since {n} answer{'s' if n != 1 else ''} were graded: " + \
            "; ".join(parts) + "."

    def to_json(self) -> dict:
        return {"checked": self.checked, "rescored": len(self.rescored), "new_scores": len(self.new_scores),
                "unchanged": len(self.unchanged), "review": len(self.review), "left": len(self.left),
                "message": {"ar": self.message("ar"), "en": self.message("en")}}


def count_ar(n: int, subject: bool = False) -> str:
    """A count of answers in Arabic, the noun agreeing with the number (and, for two, with its place)."""
    if n == 1:
        return "إجابة واحدة"
    if n == 2:
        return "إجابتان" if subject else "إجابتين"
    return f"{n} إجابات" if 3 <= n <= 10 else f"{n} إجابة"


def _marks(saved: dict) -> scoring.Marks:
    """Saved choices as they were (not checked against the new rubric: its maximum may be smaller)."""
    return scoring.Marks(frozenset(saved.get("met", [])), float(saved.get("adjustment") or 0.0),
                         saved.get("reason", ""), saved.get("comment", ""))


def _same(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-6


def rescore(queue) -> Rescored:
    """Re-score every grade of ``queue``'s item that was scored against another version of its criteria.

    ``queue`` is an :class:`~grading.marking.queue.ItemQueue` (its rubric is the one now in
    ``grading/rubrics/``).  Grades recorded before versions were kept count as scored against today's rubric.
    """
    store, module, item, rubric = queue.store, queue.module, queue.item, queue.rubric
    done = Rescored(module, item)
    now = version(rubric)
    found = bases(store, module, item)
    stale = {t: b for t, b in found.items() if b.version != now and not b.review}
    marks = store.all_saved(module, item)  # every role's marks: first, blind second, settled (:mod:`.double`)
    for trainee in sorted((set(marks["first"]) | set(marks["settled"])) - set(found)):  # graded before versions
        record(store, module, item, trainee, rubric, "settled" if trainee in marks["settled"] else "first")
    if not stale:
        return done
    answers = queue.answers()
    written = queue.written
    with Gradebook(queue.layout.db_url) as gb:
        for trainee, basis in sorted(stale.items()):
            saved = marks.get(basis.role, {}).get(trainee)
            before = stored_rubric(store, item, basis.version)
            answer = answers.get(trainee)
            if saved is None or before is None or answer is None:
                continue  # nothing to re-score from: the choices, the old criteria or the answer are gone
            try:
                grade = gb.find_grade(written.grade_id, written.notebook, module, trainee)
                note = gb.find_comment(written.grade_id, written.notebook, module, trainee)
            except MissingEntry:
                continue
            done.checked += 1
            choices = _marks(saved.marks)
            old_score = min(scoring.score(before, choices), grade.max_score) if grade.max_score is not None \
                else scoring.score(before, choices)
            if not (_same(grade.manual_score, old_score) and note.manual_comment == scoring.compose(before, choices, answer.lang)):
                done.left.append(trainee)  # a grader changed it in formgrader: theirs now
                continue
            difference = compare(before, rubric)
            done.changes.add(difference.describe("en"))
            if difference.structural:
                met = [f"{c.number}. {c.title}" for c in before.criteria if c.number in choices.met]
                review = {"ar": difference.describe("ar"), "en": difference.describe("en"),
                          "before": {"met": met, "score": old_score, "adjustment": choices.adjustment}}
                grade.needs_manual_grade = True  # the score stays until a grader looks again
                gb.db.commit()
                with _engine(store).begin() as conn:
                    conn.execute(update(basis_table).where(
                        basis_table.c.module == module, basis_table.c.item == item, basis_table.c.trainee == trainee
                    ).values(review=json.dumps(review, ensure_ascii=False)))
                done.review[trainee] = review
                continue
            score = scoring.score(rubric, choices)
            new_score = min(score, grade.max_score) if grade.max_score is not None else score
            comment = scoring.compose(rubric, choices, answer.lang)
            if _same(new_score, grade.manual_score) and comment == note.manual_comment:
                done.unchanged.append(trainee)
            else:
                if not _same(new_score, grade.manual_score):
                    done.new_scores.append(trainee)
                grade.manual_score = new_score
                note.manual_comment = comment
                gb.db.commit()
                done.rescored.append(trainee)
            for role, by_trainee in marks.items():  # every grader's mark of it, so two graders' scores still compare
                other = by_trainee.get(trainee)
                if other is not None and not _same(other.score, scoring.score(rubric, _marks(other.marks))):
                    store.save(module, item, trainee, other.grader, other.marks,
                               scoring.score(rubric, _marks(other.marks)), role=role)
            record(store, module, item, trainee, rubric, basis.role)
    return done

