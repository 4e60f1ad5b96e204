"""What every exercise shares: an id, a bilingual prompt, a ``value`` that saves itself.

An exercise is a real ipywidget (a ``VBox``).  Its ``value`` trait is the
trainee's answer in a JSON-ready canonical form; a click in the browser and
an assignment from code (``exercise.value = ...``) take the same path:
validate, update the controls, write the answers file.  Scoring is a pure
function of (answer, key) defined beside each widget family, so the grader
can run it in its own process, away from anything the trainee's kernel did.
"""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ipywidgets as widgets
from traitlets import Any as AnyTrait
from traitlets import TraitError, validate

from .. import answers as answer_file
from ..language import bilingual, direction, message, pick
from ..settings import settings

ITEM_ID = re.compile(r"^m\d{2}[a-z]?\.[a-z0-9][a-z0-9_]*$")


def grade_id(item_id: str) -> str:
    """nbgrader's grade_id for an item (nbgrader allows no dots): m00.q3 → m00-q3."""
    return check_item_id(item_id).replace(".", "-", 1)


def item_id(grade_id: str) -> str | None:
    """The item id of an nbgrader grade_id, or None if it names no course item."""
    candidate = grade_id.replace("-", ".", 1)
    return candidate if ITEM_ID.match(candidate) else None

#: Every exercise type by its ``kind`` (the grader looks scorers up here).
KINDS: dict[str, type["Exercise"]] = {}
#: Live exercises of this kernel by item id (the latest cell run wins).
REGISTRY: dict[str, "Exercise"] = {}


class KeyError_(ValueError):
    """A key in a hidden test does not fit its exercise."""


@dataclass
class Score:
    """The result of scoring one answer: a fraction of the points and why."""

    fraction: float | None  # None: graded by a person
    message: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return message(self.message, lang, **self.params)


def check_item_id(item_id: str) -> str:
    if not isinstance(item_id, str) or not ITEM_ID.match(item_id):
        raise ValueError(
            f"item id {item_id!r} is not valid: use the module, a dot and a name of "
            "lower-case letters, digits or '_', e.g. 'm00.q3'"
        )
    return item_id


def check_options(options, where: str) -> dict[str, dict[str, str]]:
    """``{option_id: {"ar", "en"}}`` validated; ids are short plain strings."""
    if not isinstance(options, dict) or len(options) < 2:
        raise ValueError(f"{where}: give at least two options as {{id: {{'ar': ..., 'en': ...}}}}")
    checked = {}
    for key, text in options.items():
        if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key):
            raise ValueError(f"{where}: option id {key!r} must be letters, digits, '-' or '_'")
        checked[key] = bilingual(text, f"{where} option {key!r}")
    return checked


class Exercise(widgets.VBox):
    """Base of all exercise widgets; subclasses set ``kind`` and the hooks below."""

    kind: ClassVar[str] = ""
    value = AnyTrait(None, allow_none=True, help="The trainee's answer (None: unanswered).")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            KINDS[cls.kind] = cls

    def __init__(self, item_id: str, prompt, *, practice: dict | None = None, explain=None, **kwargs):
        super().__init__(**kwargs)
        self.item_id = check_item_id(item_id)
        self.prompt = bilingual(prompt, f"{item_id} prompt")
        self.practice = practice
        self.explain = bilingual(explain, f"{item_id} explanation") if explain else None
        if practice is not None:
            self.check_key(practice)
        self._syncing = False
        self._prompt = widgets.HTML()
        self._status = widgets.HTML()
        body = self._build()
        extra = []
        if practice is not None:
            self._check_button = widgets.Button(icon="check")
            self._check_button.on_click(lambda _: self._practice_check())
            self._feedback = widgets.HTML()
            extra = [widgets.HBox([self._check_button]), self._feedback]
        self.children = [self._prompt, body, *extra, self._status]
        self.add_class("himaya-exercise")
        self.add_class(f"himaya-{self.kind}")
        self.layout.width = "100%"
        self.relabel()
        self._restore()
        REGISTRY[self.item_id] = self

    # -- hooks for subclasses -------------------------------------------
    def _build(self) -> widgets.Widget:
        """Create the controls; return the widget that holds them."""
        raise NotImplementedError

    def _label(self, lang: str) -> None:
        """Put texts in ``lang`` on the controls."""

    def clean(self, value):
        """Canonical JSON-ready form of ``value``; raise ValueError naming what to fix."""
        return value

    def _show(self, value) -> None:
        """Make the controls show ``value``."""

    def describe(self, value, lang: str) -> str:
        """The answer in words, for the trainee's status line."""
        return str(value)

    def check_key(self, key: dict) -> None:
        """Raise KeyError_ when ``key`` does not fit this exercise's options."""

    @staticmethod
    def score(answer, key: dict) -> Score:
        raise NotImplementedError

    # -- machinery --------------------------------------------------------
    @validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if value is None:
            return None
        try:
            return self.clean(value)
        except (ValueError, TypeError) as err:
            raise TraitError(f"{self.item_id}: {err}") from None

    @contextmanager
    def _quiet(self):
        """Update controls without their observers writing back."""
        was, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = was

    def _from_controls(self, value) -> None:
        """Controls call this when the trainee changes them."""
        if not self._syncing:
            self.value = value

    def _restore(self) -> None:
        saved = answer_file.store().get(self.item_id)
        if saved is not None:
            try:
                self.set_trait("value", self.clean(saved))
                with self._quiet():
                    self._show(self.value)
                self._set_status("saved", time=self._saved_time())
            except (ValueError, TypeError, TraitError) as err:
                self._set_status("bad_answer", error=err)
        else:
            self._set_status("not_answered")
        self.observe(self._on_value, "value")

    def _saved_time(self) -> str:
        entry = answer_file.store().answers.items.get(self.item_id, {})
        return entry.get("time", "")[11:19]

    def _on_value(self, change) -> None:
        with self._quiet():
            self._show(change["new"])
        try:
            stamp = answer_file.store().save(self.item_id, change["new"], self.kind)
        except OSError as err:
            self._set_status("save_failed", error=err.strerror or err)
            return
        self._set_status("saved", time=stamp[11:19])

    def _set_status(self, key: str, **params) -> None:
        """Show engine message ``key`` under the exercise; it follows the language."""
        self._status_message = (key, params)
        lang = settings.language
        self._status.value = (
            f'<div class="himaya-status" dir="{direction(lang)}" lang="{lang}">'
            f"{html.escape(message(key, lang, **params))}</div>"
        )

    def relabel(self) -> None:
        lang = settings.language
        tag = message("practice_item", lang) if self.practice is not None else ""
        self._prompt.value = (
            f'<div class="himaya-prompt" dir="{direction(lang)}" lang="{lang}">'
            f'<span class="himaya-id">{self.item_id}</span> {pick(self.prompt, lang)}'
            + (f' <em class="himaya-tag">{tag}</em>' if tag else "") + "</div>"
        )
        if lang == "ar":
            self.add_class("himaya-rtl")
        else:
            self.remove_class("himaya-rtl")
        with self._quiet():
            self._label(lang)
            self._show(self.value)
        if self.practice is not None:
            self._check_button.description = message("check", lang)
        if getattr(self, "_status_message", None):
            key, params = self._status_message
            self._set_status(key, **params)

    def _practice_check(self) -> None:
        lang = settings.language
        if self.value is None:
            text = message("not_answered", lang)
        else:
            text = self.score(self.value, self.practice).text(lang)
            if self.explain:
                text += " " + pick(self.explain, lang)
        self._feedback.value = f'<div class="himaya-feedback" dir="{direction(lang)}">{html.escape(text)}</div>'

    def __repr__(self) -> str:  # stable text/plain for nbval
        return f"<{type(self).__name__} {self.item_id}>"


def relabel_all(change=None) -> None:
    """Relabel every live exercise after the trainee changes language."""
    for exercise in list(REGISTRY.values()):
        exercise.relabel()


settings.observe(relabel_all, "language")


def lookup(item_id: str) -> Exercise:
    """The live exercise ``item_id`` (run its cell first)."""
    try:
        return REGISTRY[item_id]
    except KeyError:
        raise LookupError(f"exercise {item_id!r} has not been shown yet: run its cell first") from None


def status(item_id: str) -> None:
    """Print, in the trainee's language, what is saved for ``item_id``.

    Grade cells call this; the grader replaces its output with the score.
    """
    saved = answer_file.store().get(item_id)
    if saved is None:
        print(message("not_answered"))
        return
    exercise = REGISTRY.get(item_id)
    shown = exercise.describe(saved, settings.language) if exercise else str(saved)
    print(message("graded_later", answer=shown))
