"""Ordering: arrange steps with ▲/▼ buttons (keyboard-usable, no dragging needed).

Partial credit is Moodle's "longest ordered subset": the length of the
longest run of steps (not necessarily adjacent) that stand in the right
relative order, over the number of steps.  A run of one is no evidence of
knowing the order, so it scores zero.
"""
from __future__ import annotations

from bisect import bisect_left

import ipywidgets as widgets

from ..language import message, pick
from .base import Exercise, KeyError_, Score, check_options
from .look import make

#: the arrows keep their width beside a long step (a step's text wraps instead)
ARROW = {"width": "2.6em", "flex": "0 0 auto"}


def longest_ordered_subset(answer: list[str], key: list[str]) -> int:
    """Length of the longest subsequence of ``answer`` in the order of ``key``."""
    rank = {item: i for i, item in enumerate(key)}
    tails: list[int] = []
    for item in answer:
        if item not in rank:
            continue
        pos = bisect_left(tails, rank[item])
        if pos == len(tails):
            tails.append(rank[item])
        else:
            tails[pos] = rank[item]
    return len(tails)


class Ordering(Exercise):
    """Put steps in order. ``steps`` are listed in the order shown (not the key's!).

    Key: ``{"answer": [step ids in the right order]}``.
    """

    kind = "ordering"

    def __init__(self, item_id, prompt, steps, **kwargs):
        self.steps = check_options(steps, item_id)
        self._order = list(self.steps)
        super().__init__(item_id, prompt, **kwargs)

    def _build(self):
        self._rows = []
        for index in range(len(self.steps)):
            up = make(widgets.Button, icon="arrow-up", look=ARROW)
            down = make(widgets.Button, icon="arrow-down", look=ARROW)
            up.on_click(lambda _, i=index: self.move(i, -1))
            down.on_click(lambda _, i=index: self.move(i, +1))
            label = make(widgets.HTML, look={"flex": "1 1 auto", "min_width": "0"})
            row = make(widgets.HBox, children=[up, down, label], look={"width": "100%", "align_items": "center"})
            row.add_class("himaya-order-row")
            self._rows.append((row, up, down, label))
        self._hint = make(widgets.HTML)
        self._confirm = make(widgets.Button, icon="check", look={"width": "auto"})
        self._confirm.on_click(lambda _: self._from_controls(list(self._order)))
        return make(widgets.VBox, children=[self._hint, *[r[0] for r in self._rows], self._confirm])

    def move(self, position: int, step: int) -> None:
        """Move the step at ``position`` by ``step`` (what ▲/▼ do)."""
        target = position + step
        if not 0 <= target < len(self._order):
            return
        order = list(self._order)
        order[position], order[target] = order[target], order[position]
        self._order = order
        self._from_controls(order)
        self._paint()

    def _paint(self):
        from ..settings import settings
        lang = settings.language
        for index, (row, up, down, label) in enumerate(self._rows):
            step = self._order[index]
            label.value = f'<span class="himaya-step">{index + 1}. {pick(self.steps[step], lang)}</span>'
            up.disabled = index == 0
            down.disabled = index == len(self._rows) - 1
            up.tooltip = f"{message('move_up', lang)}: {pick(self.steps[step], lang)}"
            down.tooltip = f"{message('move_down', lang)}: {pick(self.steps[step], lang)}"

    def _label(self, lang):
        self._hint.value = f'<div class="himaya-hint">{message("order_hint", lang)}</div>'
        self._confirm.description = message("confirm_order", lang)
        self._paint()

    def _show(self, value):
        if value is not None:
            self._order = list(value)
        self._paint()

    def clean(self, value):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise ValueError("give the step ids in order, e.g. ['b', 'a', 'c']")
        value = list(value)
        if sorted(value) != sorted(self.steps):
            raise ValueError(f"give every step exactly once: {', '.join(self.steps)}")
        return value

    def describe(self, value, lang):
        return " ← ".join(pick(self.steps[s], lang) for s in value) if lang == "ar" else \
            " → ".join(pick(self.steps[s], lang) for s in value)

    def check_key(self, key):
        if sorted(key.get("answer", [])) != sorted(self.steps):
            raise KeyError_(f"{self.item_id}: key 'answer' must order exactly {sorted(self.steps)}")
        if key.get("answer") == list(self.steps) and self.practice is None:
            raise KeyError_(f"{self.item_id}: the steps are listed in the key's order; shuffle them")

    @staticmethod
    def score(answer, key):
        if isinstance(answer, str) or not isinstance(answer, list) or sorted(answer) != sorted(key["answer"]):
            raise ValueError("expected every step exactly once")
        run = longest_ordered_subset(answer, key["answer"])
        total = len(key["answer"])
        fraction = run / total if run > 1 else 0.0
        return Score(fraction, "order_result", {"run": run if run > 1 else 0, "total": total})
