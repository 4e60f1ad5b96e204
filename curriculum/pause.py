"""Waiting for the trainee to pause: a written answer is saved when typing stops, not on every key.

A Textarea with ``continuous_update`` sends its value on nearly every
keystroke; rewriting and flushing the answers file each time costs the
trainee's kernel a write per character.  :class:`Debounce` runs its action
once the changes have stopped for ``delay`` seconds, on the kernel's own
event loop (ipykernel handles widget messages on an asyncio loop in the main
thread, so the action runs where every other save runs, never concurrently).

Where no event loop runs (a plain Python script, the grader) there is
nothing to wait on: :func:`call_later` returns ``None`` and the caller saves
at once, as before.  Tests and the bench replace :data:`clock` with a
:class:`ManualClock` and advance it by hand: no sleeping.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Callable, Protocol


class Handle(Protocol):
    def cancel(self) -> None: ...


def call_later(delay: float, action: Callable[[], None]) -> Handle | None:
    """Run ``action`` after ``delay`` seconds on the running event loop; ``None`` when none runs."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later(delay, action)


class ManualClock:
    """A clock that moves only when told to: ``advance(seconds)`` runs what fell due, in order."""

    def __init__(self):
        self.now = 0.0
        self._due: list = []
        self._order = itertools.count()

    class _Handle:
        def __init__(self):
            self.cancelled = False

        def cancel(self) -> None:
            self.cancelled = True

    def call_later(self, delay: float, action: Callable[[], None]) -> Handle:
        handle = self._Handle()
        heapq.heappush(self._due, (self.now + delay, next(self._order), handle, action))
        return handle

    def advance(self, seconds: float) -> None:
        until = self.now + seconds
        while self._due and self._due[0][0] <= until:
            when, _, handle, action = heapq.heappop(self._due)
            self.now = when
            if not handle.cancelled:
                action()
        self.now = until


#: Where timers are set: :func:`call_later` in a kernel; a :class:`ManualClock`'s in tests and the bench.
clock: Callable[[float, Callable[[], None]], Handle | None] = call_later


class Debounce:
    """``touch()`` on every change; ``action`` runs once changes stop for ``delay`` seconds,
    or ``max_wait`` seconds after the first unsaved change if they never stop (a fast, steady typist).

    :meth:`touch` returns False when no timer can be set (no event loop):
    the caller should act at once.
    """

    def __init__(self, delay: float, action: Callable[[], None], max_wait: float | None = None):
        self.delay = delay
        self.max_wait = max_wait
        self.action = action
        self._handle: Handle | None = None
        self._deadline: Handle | None = None

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def touch(self) -> bool:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = clock(self.delay, self._fire)
        if self._handle is None:
            self.cancel()
            return False
        if self._deadline is None and self.max_wait:
            self._deadline = clock(self.max_wait, self._fire)
        return True

    def cancel(self) -> None:
        for handle in (self._handle, self._deadline):
            if handle is not None:
                handle.cancel()
        self._handle = self._deadline = None

    def _fire(self) -> None:
        self.cancel()
        self.action()
