"""Matching and classifying: give each item one target.

Matching pairs each item with one target from a drop-down list (e.g. a risk
with its 4C category); classifying sorts each item into one of a few
categories shown as buttons (e.g. chat lines: grooming indicator or ordinary
talk).  Both store ``{item_id: target_id}`` and earn one share per right item.

Targets and categories are shown in the trainee's own order (``shown``, see
order.py); the rows keep the authored order (a chat is read in sequence).
"""
from __future__ import annotations

import ipywidgets as widgets

from ..language import message, pick
from .base import Exercise, KeyError_, Score, check_options
from .look import make


class Matching(Exercise):
    """Pair each item with one target. Key: ``{"answer": {item_id: target_id}}``.

    ``shuffle=False`` keeps the authored order of the targets for every trainee (a scale such as ages).
    """

    kind = "matching"
    shuffled = "targets"
    #: The control's value while nothing is chosen: the drop-down's "— choose —" entry.
    _empty = ""

    def __init__(self, item_id, prompt, items, targets, *, shuffle=True, **kwargs):
        self.items = check_options(items, f"{item_id} items")
        self.targets = check_options(targets, f"{item_id} targets")
        #: target ids in the order this trainee sees them
        self.shuffle = shuffle  # False: the authored order for everyone (a scale)
        self.shown = self._arrange(item_id, self.targets, shuffle)
        super().__init__(item_id, prompt, **kwargs)

    def _control(self) -> widgets.ValueWidget:
        return make(widgets.Dropdown, options=[], look={"width": "auto", "min_width": "12em"})

    def _build(self):
        self._labels, self._controls = {}, {}
        rows = []
        for key in self.items:
            label = make(widgets.HTML, look={"flex": "1 1 60%"})
            control = self._control()
            control.observe(lambda c: self._from_controls(self._chosen()), "value")
            self._labels[key], self._controls[key] = label, control
            row = make(widgets.HBox, children=[label, control], look={"width": "100%", "align_items": "center"})
            row.add_class("himaya-pair-row")
            rows.append(row)
        return make(widgets.VBox, children=rows, look={"width": "100%"})

    def _chosen(self):
        chosen = {k: c.value for k, c in self._controls.items() if c.value not in (None, "")}
        return chosen or None

    def _target_options(self, lang):
        return [(message("choose", lang), self._empty)] + [(pick(self.targets[k], lang), k) for k in self.shown]

    def _label(self, lang):
        for key, label in self._labels.items():
            label.value = f'<span class="himaya-item">{pick(self.items[key], lang)}</span>'
            self._controls[key].options = self._target_options(lang)

    def _show(self, value):
        value = value or {}
        for key, control in self._controls.items():
            control.value = value.get(key) or self._empty

    def clean(self, value):
        if not isinstance(value, dict):
            raise ValueError("give a mapping {item: target}")
        unknown = set(value) - set(self.items)
        if unknown:
            raise ValueError(f"unknown items {sorted(unknown)}; items are {', '.join(self.items)}")
        bad = {v for v in value.values() if v is not None and v not in self.targets}
        if bad:
            raise ValueError(f"unknown targets {sorted(bad)}; choose from {', '.join(self.targets)}")
        cleaned = {k: value[k] for k in self.items if value.get(k) is not None}
        return cleaned or None

    def describe(self, value, lang):
        return ("؛ " if lang == "ar" else "; ").join(
            f"{pick(self.items[k], lang)} ← {pick(self.targets[v], lang)}" if lang == "ar"
            else f"{pick(self.items[k], lang)} → {pick(self.targets[v], lang)}"
            for k, v in value.items() if k in self.items and v in self.targets
        )

    def progress(self, value):
        """One part per item: 2 of 5 rows given is a partial answer."""
        return len(value or {}), len(self.items)

    def check_key(self, key):
        answer = key.get("answer", {})
        if sorted(answer) != sorted(self.items) or not set(answer.values()) <= set(self.targets):
            raise KeyError_(f"{self.item_id}: key must give a target of {sorted(self.targets)} "
                            f"for each of {sorted(self.items)}")

    @staticmethod
    def score(answer, key):
        if not isinstance(answer, dict):
            raise ValueError("expected a mapping of items to targets")
        right = sum(1 for item, target in key["answer"].items() if answer.get(item) == target)
        total = len(key["answer"])
        return Score(right / total, "pairs_result", {"right": right, "total": total})


class Classify(Matching):
    """Sort each item into a category shown as buttons. Key as :class:`Matching`."""

    kind = "classify"
    shuffled = "categories"
    _empty = None  # toggle buttons: none pressed

    def __init__(self, item_id, prompt, items, categories, *, shuffle=True, **kwargs):
        super().__init__(item_id, prompt, items, categories, shuffle=shuffle, **kwargs)

    def _control(self):
        control = make(widgets.ToggleButtons, options=[], value=None, style={"button_width": "auto"})
        control.add_class("himaya-categories")
        return control

    def _target_options(self, lang):
        return [(pick(self.targets[k], lang), k) for k in self.shown]
