"""Numeric answers: a number (Latin or Arabic digits) and, where asked, a unit.

Key: ``{"answer": 90, "tolerance": 0, "relative": False, "unit": "days"}``
(``tolerance`` absolute unless ``relative``; ``unit`` only when the item
offers units).  A right number with the wrong unit earns nothing and says so.
"""
from __future__ import annotations

import math

import ipywidgets as widgets

from ..language import message, pick
from ..normalize import parse_number
from .base import Exercise, KeyError_, Score, check_options


def _show_number(number: float) -> str:
    """The number as typed: exact, without exponent or a trailing '.0'."""
    text = repr(float(number))
    if "e" in text or "E" in text:
        text = f"{number:f}".rstrip("0").rstrip(".")
    return text[:-2] if text.endswith(".0") else text


class Numeric(Exercise):
    kind = "numeric"

    def __init__(self, item_id, prompt, units=None, **kwargs):
        self.units = check_options(units, f"{item_id} units") if units else {}
        super().__init__(item_id, prompt, **kwargs)

    def _build(self):
        self._text = widgets.Text(continuous_update=False, layout=widgets.Layout(width="10em"))
        self._text.observe(self._typed, "value")
        parts = [self._text]
        if self.units:
            self._unit = widgets.Dropdown(options=[], value=None, layout=widgets.Layout(width="auto"))
            self._unit.observe(self._typed, "value")
            parts.append(self._unit)
        return widgets.HBox(parts)

    def _typed(self, change):
        if self._syncing:
            return
        raw = self._text.value.strip()
        if not raw:
            return
        try:
            number = parse_number(raw)
        except ValueError:
            self._set_status("bad_number", text=raw)
            return
        unit = self._unit.value if self.units else None
        self._from_controls({"number": number, "unit": unit})

    def _label(self, lang):
        if self.units:
            self._unit.options = [(message("choose_unit", lang), None)] + [
                (pick(t, lang), k) for k, t in self.units.items()]

    def _show(self, value):
        if value is None:
            return
        number = value["number"]
        self._text.value = _show_number(number)
        if self.units:
            self._unit.value = value.get("unit")

    def clean(self, value):
        if isinstance(value, dict):
            number, unit = value.get("number"), value.get("unit")
        else:
            number, unit = value, None
        number = parse_number(number)
        if unit is not None and unit not in self.units:
            raise ValueError(f"unit {unit!r} is not offered; choose from {', '.join(self.units) or 'none'}")
        return {"number": number, "unit": unit}

    def describe(self, value, lang):
        unit = value.get("unit")
        return _show_number(value["number"]) + (f" {pick(self.units[unit], lang)}" if unit in self.units else "")

    def check_key(self, key):
        if not isinstance(key.get("answer"), (int, float)):
            raise KeyError_(f"{self.item_id}: key 'answer' must be a number")
        if self.units and key.get("unit") not in self.units:
            raise KeyError_(f"{self.item_id}: key 'unit' must be one of {sorted(self.units)}")

    @staticmethod
    def score(answer, key):
        if not isinstance(answer, dict) or isinstance(answer.get("number"), bool) \
                or not isinstance(answer.get("number"), (int, float)):
            raise ValueError("expected a number")
        if not math.isfinite(answer["number"]):
            raise ValueError("expected a number, not NaN or infinity")
        target = float(key["answer"])
        tolerance = float(key.get("tolerance", 0))
        if key.get("relative"):
            tolerance *= abs(target)
        if abs(float(answer["number"]) - target) > tolerance + 1e-9:
            return Score(0.0, "incorrect")
        if key.get("unit") and answer.get("unit") != key["unit"]:
            return Score(0.0, "numeric_unit")
        return Score(1.0, "correct")
