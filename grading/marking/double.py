"""Double marking: which answers a second grader marks blind, what each grader may see, and what is settled.

A share of each item's answers (``c.Marking.double_share``, 10 % by default)
is chosen by a keyed hash of (item, trainee) with the course's secret: the
same answers every time, a different draw for every item, and no grader can
tell in advance which of their answers will be marked again, so no one grades
those more carefully than the rest.  An answer that already has a second mark
stays double-marked whatever the cohort's size becomes.

Each answer then goes through these states (``state``):

* ``new``: no mark yet; whoever saves gives the **first** mark, which reaches
  nbgrader's gradebook as any grade does;
* ``waiting``: chosen, first-marked, no second mark; any other grader who
  opens it marks it **second**, blind: the page and its API show them neither
  the first grader's criteria nor the score, and their mark stays out of the
  gradebook;
* ``agreed``: both marks exist and choose the same criteria and score;
* ``disagree``: both marks exist and differ (criteria met or score): a
  disagreement to settle.  Anyone who opens it now sees both marks, and saving
  (the page's usual keys) **settles** it: the settled grade replaces the first
  in the gradebook.  While it is unsettled the gradebook keeps the first mark,
  the one the trainee's feedback already showed, so a second opinion never
  changes a trainee's grade until a person decides;
* ``settled``: a settled grade exists; saving again changes it;
* ``single``: not chosen for double marking (or marked outside this page).

The first and second marks are never overwritten by a settlement, so the
agreement figures (grading/reporting/agreement.py) compare what the two graders
chose on their own.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass

from .store import Saved


def chosen(secret: str, item: str, trainees, share: float) -> set[str]:
    """The trainees of ``item`` whose answers are double-marked: ⌈share × n⌉ of them (none when share is 0)."""
    trainees = list(trainees)
    if share <= 0 or not trainees:
        return set()
    count = min(len(trainees), math.ceil(share * len(trainees) - 1e-9))

    def draw(trainee: str) -> bytes:
        return hmac.new(secret.encode(), "\x1f".join(("double", item, trainee)).encode(), hashlib.sha256).digest()

    return set(sorted(trainees, key=draw)[:count])


def differ(first: Saved, second: Saved) -> bool:
    """Two marks disagree when they meet different criteria or give different scores (comments may differ)."""
    return sorted(first.marks.get("met", [])) != sorted(second.marks.get("met", [])) or \
        abs(first.score - second.score) > 1e-9


@dataclass(frozen=True)
class Marks:
    """Every mark kept on one answer, and whether it is chosen for double marking."""

    first: Saved | None = None
    second: Saved | None = None
    settled: Saved | None = None
    double: bool = False

    @property
    def state(self) -> str:
        if self.settled is not None:
            return "settled"
        if self.first is not None and self.second is not None:
            return "disagree" if differ(self.first, self.second) else "agreed"
        if self.double and self.first is not None:
            return "waiting"
        if self.double or self.second is not None:
            return "new"
        return "single" if self.first is not None else "new"

    @property
    def in_gradebook(self) -> Saved | None:
        """The mark nbgrader's gradebook holds: the settled grade, else the first mark."""
        return self.settled or self.first

    def role(self, grader: str) -> str:
        """What ``grader`` saving this answer gives: its first mark, its second mark, or the settled grade."""
        state = self.state
        if state in ("settled", "disagree"):
            return "settled"
        if state == "agreed":
            if grader == self.first.grader:
                return "first"
            return "second" if grader == self.second.grader else "settled"
        if state == "waiting" and grader != self.first.grader:
            return "second"
        return "first"

    def blind(self, grader: str) -> bool:
        """True while ``grader`` is the answer's second grader and must not see the first mark."""
        return self.role(grader) == "second"

    def own(self, grader: str) -> Saved | None:
        """The mark the page shows ``grader`` (and fills the form with): never another grader's while blind."""
        role = self.role(grader)
        if role == "second":
            return self.second if self.second is not None and self.second.grader == grader else None
        if role == "settled":
            return self.settled or self.first
        return self.first

    def both(self) -> list[dict]:
        """The two graders' marks, for settling: shown only once both are in and they differ (or were settled)."""
        if self.state not in ("disagree", "settled") or self.first is None or self.second is None:
            return []
        return [{"role": role, "grader": mark.grader, "met": sorted(mark.marks.get("met", [])),
                 "adjustment": mark.marks.get("adjustment", 0), "reason": mark.marks.get("reason", ""),
                 "comment": mark.marks.get("comment", ""), "score": mark.score}
                for role, mark in (("first", self.first), ("second", self.second))]


def answers_marks(saved: dict[str, dict[str, Saved]], double: set[str], trainees) -> dict[str, Marks]:
    """Each trainee's :class:`Marks` from :meth:`Store.all_saved` and the chosen set."""
    return {t: Marks(saved["first"].get(t), saved["second"].get(t), saved["settled"].get(t),
                     t in double or t in saved["second"]) for t in trainees}
