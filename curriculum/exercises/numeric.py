"""Numeric answers: a number (Latin or Arabic digits) and, where asked, a unit.

Key: ``{"answer": 90, "tolerance": 0, "relative": False, "unit": "days"}``
(``tolerance`` absolute unless ``relative``; ``unit`` only when the item
offers units).  A right number with the wrong unit earns nothing and says so.

An item may declare the range its prompt states (``minimum=0, maximum=23``
for an hour): a number outside it is not saved, the status says the range and
the previous saved answer stays.
"""
from __future__ import annotations

import math

import ipywidgets as widgets

from ..language import message, pick
from ..normalize import parse_number
from .base import Exercise, KeyError_, Score, check_options
from .look import make


def _show_number(number: float) -> str:
    """The number as typed: exact, without exponent or a trailing '.0'."""
    text = repr(float(number))
    if "e" in text or "E" in text:
        text = f"{number:f}".rstrip("0").rstrip(".")
    return text[:-2] if text.endswith(".0") else text


def _bound(value, name: str, item_id: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{item_id}: {name} must be a number such as 0 or 23, got {value!r}")
    return float(value)


class Numeric(Exercise):
    """A number, optionally with a unit, optionally within ``minimum``..``maximum`` (both included)."""

    kind = "numeric"

    def __init__(self, item_id, prompt, units=None, *, minimum=None, maximum=None, **kwargs):
        self.units = check_options(units, f"{item_id} units") if units else {}
        self.minimum = _bound(minimum, "minimum", item_id)
        self.maximum = _bound(maximum, "maximum", item_id)
        if self.minimum is not None and self.maximum is not None and self.minimum >= self.maximum:
            raise ValueError(f"{item_id}: minimum ({minimum}) must be less than maximum ({maximum})")
        super().__init__(item_id, prompt, **kwargs)

    def out_of_range(self, number: float) -> tuple[str, dict] | None:
        """The message (id, parameters) saying the allowed range, or None when ``number`` is in it."""
        low, high = self.minimum, self.maximum
        if (low is None or number >= low) and (high is None or number <= high):
            return None
        bounds = {"minimum": _show_number(low) if low is not None else "",
                  "maximum": _show_number(high) if high is not None else ""}
        key = "out_of_range" if low is not None and high is not None else \
            "below_minimum" if low is not None else "above_maximum"
        return key, bounds

    def _build(self):
        self._text = make(widgets.Text, continuous_update=False, look={"width": "10em"})
        self._text.observe(self._typed, "value")
        parts = [self._text]
        if self.units:
            self._unit = make(widgets.Dropdown, options=[], value=None, look={"width": "auto"})
            self._unit.observe(self._typed, "value")
            parts.append(self._unit)
        return make(widgets.HBox, children=parts)

    def _typed(self, change):
        if self._syncing:
            return
        raw = self._text.value.strip()
        if not raw:
            return
        try:
            number = parse_number(raw)
        except ValueError:
            self._refuse("bad_number", text=raw)
            return
        outside = self.out_of_range(number)
        if outside:
            key, bounds = outside
            self._refuse(key, text=raw, **bounds)
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
        outside = self.out_of_range(number)
        if outside:
            key, bounds = outside
            raise ValueError(message(key, "en", text=_show_number(number), **bounds).removeprefix("⚠ "))
        if unit is not None and unit not in self.units:
            raise ValueError(f"unit {unit!r} is not offered; choose from {', '.join(self.units) or 'none'}")
        return {"number": number, "unit": unit}

    def describe(self, value, lang):
        unit = value.get("unit")
        return _show_number(value["number"]) + (f" {pick(self.units[unit], lang)}" if unit in self.units else "")

    def check_key(self, key):
        if not isinstance(key.get("answer"), (int, float)):
            raise KeyError_(f"{self.item_id}: key 'answer' must be a number")
        if self.out_of_range(key["answer"]):
            raise KeyError_(f"{self.item_id}: key 'answer' {key['answer']} is outside the item's range "
                            f"(minimum {self.minimum}, maximum {self.maximum}): no trainee could give it")
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
