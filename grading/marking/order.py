"""Blind and fair: pseudonyms for trainees, and an order that is random but stable for each grader.

A pseudonym is a keyed hash (HMAC-SHA256) of the trainee id with the course's
own secret: the same trainee always gets the same pseudonym in this course, and
no one can compute it back from the id without the secret.  Each grader's order
sorts the answers by a hash of (grader, item, trainee): every grader sees a
different order, the same one every time they come back, and no trainee is
always graded first (when graders are fresh) or last (when they are tired).
A grader may instead ask for similar answers together (:mod:`.similarity`),
an order that starts from their own random one and is just as stable.
"""
from __future__ import annotations

import hashlib
import hmac

#: Crockford's base 32 without I, L, O, U: a pseudonym read aloud is not misheard
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 5  # 32**5 ≈ 33.5 million codes: two trainees of a 204-trainee cohort share one with odds of about 1 in 1,600


def pseudonym(secret: str, trainee: str) -> str:
    """A short code standing for ``trainee`` in this course (e.g. ``K7Q2M``)."""
    digest = hmac.new(secret.encode(), trainee.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    return "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH))


def order(trainees: list[str], grader: str, item: str) -> list[str]:
    """``trainees`` in ``grader``'s own order for ``item``: random-looking, the same on every visit."""
    def key(trainee: str) -> bytes:
        return hashlib.sha256("\x1f".join((grader, item, trainee)).encode()).digest()

    return sorted(trainees, key=key)


#: The orders a grader can choose: "random" (the default) or "similar" (similar answers side by side)
ARRANGEMENTS = ("random", "similar")


class UnknownArrangement(ValueError):
    """An order the page does not know; the message names the ones it does."""


def arrange(texts: dict[str, str], grader: str, item: str, how: str = "random") -> list[str]:
    """The trainees of ``texts`` (trainee → answer) in ``grader``'s order for ``item``: ``how`` is one of
    :data:`ARRANGEMENTS`; both are the same on every visit."""
    shuffled = order(list(texts), grader, item)
    if how == "random":
        return shuffled
    if how == "similar":
        from .similarity import together  # numpy: imported only when a grader asks for this order

        return together(texts, shuffled)
    raise UnknownArrangement(f"unknown order {how!r}: choose {' or '.join(ARRANGEMENTS)}")
