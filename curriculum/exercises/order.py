"""The order in which one trainee sees an item's options: their own, the same every time.

Two trainees sitting side by side see an item's options in different orders,
so "the second option" or "the longest one, third" tells a neighbour nothing.
The order is drawn from the trainee's id and the item's id alone (SHA-256, not
Python's ``hash()``, which changes with every process), so the same trainee sees
the same order after a kernel restart, on another machine and on their feedback
page, which the grader rebuilds with :func:`shown_order` for the nbgrader
student id.  Answers are stored and scored by option id: the order changes
nothing but what is shown.

Without a trainee id (an instructor previewing the source) the authored order
is kept; ``settings.shuffle_options`` (``HIMAYA_SHUFFLE=0``) keeps it for
everyone, and an item keeps it with ``shuffle=False`` (a scale whose order
means something: ages, "now / later / never").
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable

from ..settings import settings


def shuffled(ids: Iterable[str], trainee: str | None, item_id: str) -> list[str]:
    """``ids`` in the order ``trainee`` sees them in ``item_id``; as given when there is no trainee."""
    ids = list(ids)
    if not trainee:
        return ids
    digest = hashlib.sha256(f"{trainee}:{item_id}".encode("utf-8")).digest()
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(ids)
    return ids


def shown_order(ids: Iterable[str], trainee: str | None, item_id: str, shuffle: bool = True) -> list[str]:
    """What the widget shows and the feedback page lists: :func:`shuffled` unless the item
    (``shuffle=False``) or the course (``settings.shuffle_options``) keeps the authored order."""
    if not (shuffle and settings.shuffle_options):
        return list(ids)
    return shuffled(ids, trainee, item_id)
