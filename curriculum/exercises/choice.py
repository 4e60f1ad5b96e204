"""Choice questions: one answer (radio buttons) or all that apply (check boxes).

Options are shown in the trainee's own order (``shown``, see order.py) and
saved by id, in the order the item lists them, whatever order was shown.
"""
from __future__ import annotations

import ipywidgets as widgets

from ..language import pick
from .base import Exercise, KeyError_, Score, check_options
from .look import make


class SingleChoice(Exercise):
    """Pick one option. Key: ``{"answer": option_id}``.

    ``shuffle=False`` keeps the authored order for every trainee (a scale such as ages).
    """

    kind = "single"
    shuffled = "options"

    def __init__(self, item_id, prompt, options, *, shuffle=True, **kwargs):
        self.options = check_options(options, item_id)
        #: option ids in the order this trainee sees them
        self.shuffle = shuffle  # False: the authored order for everyone (a scale)
        self.shown = self._arrange(item_id, self.options, shuffle)
        super().__init__(item_id, prompt, **kwargs)

    def _build(self):
        self._radio = make(widgets.RadioButtons, options=[], value=None, look={"width": "auto"})
        self._radio.observe(lambda c: self._from_controls(c["new"]), "value")
        return self._radio

    def _label(self, lang):
        self._radio.options = [(pick(self.options[key], lang), key) for key in self.shown]

    def _show(self, value):
        self._radio.value = value

    def clean(self, value):
        if value not in self.options:
            raise ValueError(f"choose one of {', '.join(self.options)}; got {value!r}")
        return value

    def describe(self, value, lang):
        return pick(self.options[value], lang) if value in self.options else str(value)

    def check_key(self, key):
        if key.get("answer") not in self.options:
            raise KeyError_(f"{self.item_id}: key answer {key.get('answer')!r} is not an option")

    @staticmethod
    def score(answer, key):
        if not isinstance(answer, str):
            raise ValueError("expected one option id")
        return Score(1.0, "correct") if answer == key["answer"] else Score(0.0, "incorrect")


class MultipleChoice(Exercise):
    """Select all that apply.

    Key: ``{"answer": [ids that apply], "options": [every id]}``.  Scored as
    Moodle does: each right choice earns 1/(number right), each wrong choice
    costs 1/(number wrong), never below zero — ticking everything earns
    nothing.
    """

    kind = "multiple"
    shuffled = "options"

    def __init__(self, item_id, prompt, options, *, shuffle=True, **kwargs):
        self.options = check_options(options, item_id)
        #: option ids in the order this trainee sees them
        self.shuffle = shuffle  # False: the authored order for everyone (a scale)
        self.shown = self._arrange(item_id, self.options, shuffle)
        super().__init__(item_id, prompt, **kwargs)

    def _build(self):
        self._boxes = {  # in the order shown
            key: make(widgets.Checkbox, value=False, indent=False, look={"width": "auto"})
            for key in self.shown
        }
        for box in self._boxes.values():
            box.observe(lambda c: self._from_controls(self._ticked()), "value")
        return make(widgets.VBox, children=list(self._boxes.values()), look={"width": "auto"})

    def _ticked(self):
        return [key for key, box in self._boxes.items() if box.value]

    def _label(self, lang):
        for key, box in self._boxes.items():
            box.description = pick(self.options[key], lang)

    def _show(self, value):
        chosen = set(value or ())
        for key, box in self._boxes.items():
            box.value = key in chosen

    def clean(self, value):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise ValueError("give a list of option ids, e.g. ['a', 'c']")
        chosen = set(value)
        unknown = chosen - set(self.options)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; choose from {', '.join(self.options)}")
        return [key for key in self.options if key in chosen]

    def describe(self, value, lang):
        chosen = set(value)
        return ("، " if lang == "ar" else ", ").join(pick(self.options[k], lang) for k in self.shown if k in chosen) or "—"

    def progress(self, value):
        """Nothing ticked is no answer (the saved value is then an empty list)."""
        return (1 if value else 0), 1

    def check_key(self, key):
        if sorted(key.get("options", [])) != sorted(self.options):
            raise KeyError_(f"{self.item_id}: key 'options' must list exactly {sorted(self.options)}")
        if not set(key.get("answer", [])) <= set(self.options) or not key.get("answer"):
            raise KeyError_(f"{self.item_id}: key 'answer' must be a non-empty list of option ids")

    @staticmethod
    def score(answer, key):
        if isinstance(answer, str) or not isinstance(answer, list):
            raise ValueError("expected a list of option ids")
        chosen, right_set, every = set(answer), set(key["answer"]), set(key["options"])
        if not chosen <= every:
            raise ValueError("unknown option ids")
        right = len(chosen & right_set)
        wrong = len(chosen - right_set)
        n_wrong = len(every - right_set)
        fraction = right / len(right_set) - (wrong / n_wrong if n_wrong else 0.0)
        return Score(max(0.0, fraction), "multi_result",
                     {"right": right, "total": len(right_set), "wrong": wrong})
