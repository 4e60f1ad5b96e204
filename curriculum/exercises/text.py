"""Written answers: short text (compared after normalising) and free text (graded by a person)."""
from __future__ import annotations

import ipywidgets as widgets

from .. import answers as answer_file
from ..pause import Debounce
from ..normalize import normalize_text
from ..settings import settings
from .base import Exercise, KeyError_, NotAnswered, Score, validating
from .look import make


class ShortText(Exercise):
    """A word or short phrase. Key: ``{"answer": [accepted spellings]}``.

    Case, spacing, punctuation, diacritics and Arabic letter variants
    (أ/إ/آ→ا, ة/ه, ى/ي) are ignored, so "الحماية" matches "الحمايه".
    """

    kind = "short"

    def _build(self):
        self._text = make(widgets.Text, continuous_update=True, look={"width": "24em"})
        self._text.observe(lambda c: self._from_controls(c["new"].strip() or None), "value")
        return self._text

    def _show(self, value):
        if (self._text.value.strip() or None) != value:
            self._text.value = value or ""

    def clean(self, value):
        if not isinstance(value, str):
            raise ValueError("type the answer as text")
        value = value.strip()[:500]
        return value or None

    def check_key(self, key):
        accepted = key.get("answer")
        if not isinstance(accepted, list) or not accepted or not all(isinstance(a, str) for a in accepted):
            raise KeyError_(f"{self.item_id}: key 'answer' must be a list of accepted answers")

    @staticmethod
    def score(answer, key):
        if not isinstance(answer, str):
            raise ValueError("expected text")
        accepted = {normalize_text(a) for a in key["answer"]}
        return Score(1.0, "correct") if normalize_text(answer) in accepted else Score(0.0, "incorrect")


class FreeText(Exercise):
    """A written answer the instructor grades in nbgrader's formgrader.

    The grader copies it into the item's manually graded cell; it has no key.
    Typing is recorded at once but written when the trainee pauses
    (``settings.text_save_delay``), with any other answer saved meanwhile, or
    when the kernel shuts down; until then the status says it is being saved.
    A value set from code is saved at once.
    """

    kind = "free"

    def __init__(self, item_id: str, prompt, **kwargs):
        super().__init__(item_id, prompt, **kwargs)
        # a written answer has no grade cell (the instructor grades it): under nbgrader's Validate, set with
        # ``Validator.validate_all``, this cell's own error is what names it as not written yet
        if validating() and self.value is None:
            raise NotAnswered(self.item_id, 0, 1)

    def _build(self):
        self._typing = False
        self._pause = Debounce(settings.text_save_delay, self._save_pending)
        self._area = make(widgets.Textarea, continuous_update=True, rows=6, look={"width": "100%"})
        self._area.observe(self._typed, "value")
        return self._area

    def _typed(self, change):
        self._typing = True
        try:
            self._from_controls(change["new"])
        finally:
            self._typing = False

    def _show(self, value):
        if self._area.value != (value or ""):
            self._area.value = value or ""

    def clean(self, value):
        if not isinstance(value, str):
            raise ValueError("type the answer as text")
        limit = settings.max_text_chars
        self._cut = len(value) > limit
        if self._cut:
            value = value[:limit]
        return value if value.strip() else None

    def _on_value(self, change):
        self._pause.delay = settings.text_save_delay
        self._pause.max_wait = settings.text_max_unsaved  # a steady typist: about a second at risk, at most
        if self._typing and self._pause.delay > 0 and self._pause.touch():
            store = answer_file.store()
            store.save(self.item_id, change["new"], self.kind, later=True)
            store.on_written[self.item_id] = self._written
            self._set_status("saving")
            return
        self._pause.cancel()  # saved now: nothing left to wait for
        super()._on_value(change)
        if getattr(self, "_cut", False):
            self._set_status("too_long", limit=settings.max_text_chars)

    def _save_pending(self):
        """The trainee paused: write what they typed (unless another save already did)."""
        try:
            answer_file.store().flush()
        except OSError as err:
            self._set_status("save_failed", error=err.strerror or err)

    def _written(self):
        """What was typed is on disk (by the pause, another item's save or a flush)."""
        self._pause.cancel()
        self._set_saved_status(self.value, self._saved_time())
        if getattr(self, "_cut", False):
            self._set_status("too_long", limit=settings.max_text_chars)

    def describe(self, value, lang):
        return value if len(value) < 80 else value[:77] + "…"

    @staticmethod
    def score(answer, key):
        return Score(None, "manual")
