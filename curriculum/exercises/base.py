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
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar

import ipywidgets as widgets
from IPython.display import display
from traitlets import Any as AnyTrait
from traitlets import TraitError, validate

from .. import answers as answer_file
from ..ids import ITEM_ID  # the one record of the shape of an item id
from ..language import bilingual, direction, message, pick
from ..settings import settings
from .look import make, wearing
from .order import shown_order



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
#: The live status line of each item's grade cell (the latest cell run wins, as in REGISTRY).
LINES: dict[str, "StatusLine"] = {}


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
    #: The constructor argument whose ids each trainee sees in an order of their own (order.py), if any.
    shuffled: ClassVar[str | None] = None
    value = AnyTrait(None, allow_none=True, help="The trainee's answer (None: unanswered).")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            KINDS[cls.kind] = cls

    def __init__(self, item_id: str, prompt, *, practice: dict | None = None, explain=None, **kwargs):
        super().__init__(**{**wearing(widgets.VBox, {"width": "100%"}), **kwargs})
        self.item_id = check_item_id(item_id)
        self.prompt = bilingual(prompt, f"{item_id} prompt")
        self.practice = practice
        self.explain = bilingual(explain, f"{item_id} explanation") if explain else None
        if practice is not None:
            self.check_key(practice)
        self._syncing = False
        self._prompt = make(widgets.HTML)
        self._status = make(widgets.HTML)
        body = self._build()
        extra = []
        if practice is not None:
            self._check_button = make(widgets.Button, icon="check")
            self._check_button.on_click(lambda _: self._practice_check())
            self._feedback = make(widgets.HTML)
            extra = [make(widgets.HBox, children=[self._check_button]), self._feedback]
        self.children = [self._prompt, body, *extra, self._status]
        self.add_class("himaya-exercise")
        self.add_class(f"himaya-{self.kind}")
        self.relabel()
        self._restore()
        REGISTRY[self.item_id] = self
        refresh_lines(self.item_id)

    @staticmethod
    def _arrange(item_id: str, ids, shuffle: bool) -> list[str]:
        """``ids`` in the order this trainee sees them in ``item_id`` (the feedback page lists them alike)."""
        if not isinstance(shuffle, bool):
            raise ValueError(f"{item_id}: shuffle must be True or False, got {shuffle!r}")
        return shown_order(ids, settings.trainee, check_item_id(item_id), shuffle)

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

    def progress(self, value) -> tuple[int, int]:
        """(parts answered, parts in all) of ``value``: fully answered when they are equal."""
        return (0 if value is None else 1), 1

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
                self._set_saved_status(self.value, self._saved_time())
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
        self._set_saved_status(change["new"], stamp[11:19])

    def _set_saved_status(self, value, time: str) -> None:
        """Say what was saved: nothing yet, ``n of N`` parts, or the whole answer."""
        answered, total = self.progress(value)
        if answered == 0:
            self._set_status("not_answered")
        elif answered < total:
            self._set_status("partial", answered=answered, total=total, time=time)
        else:
            self._set_status("saved", time=time)

    def _refuse(self, key: str, **params) -> None:
        """Say why typed input was not saved, and what stays saved (the answer is unchanged)."""
        saved = answer_file.store().get(self.item_id)
        also = []
        if saved is not None:
            also = [("still_saved", {"answer": lambda lang: self.describe(saved, lang)})]
        self._set_status(key, also=also, **params)

    def _set_status(self, key: str, also=(), **params) -> None:
        """Show engine message ``key`` (then the messages ``also``) under the exercise and in
        the item's grade-cell status lines; it follows the language.

        A parameter may be a function of the language (an answer described in words).
        """
        self._status_message = [(key, params), *also]
        lang = settings.language
        self._status.value = (
            f'<div class="himaya-status" dir="{direction(lang)}" lang="{lang}">'
            f"{html.escape(self.status_text(lang))}</div>"
        )
        refresh_lines(self.item_id)

    def status_text(self, lang: str | None = None) -> str:
        """The status under the exercise, in ``lang`` (default: the trainee's language)."""
        lang = lang or settings.language
        return " ".join(
            message(key, lang, **{k: v(lang) if callable(v) else v for k, v in params.items()})
            for key, params in getattr(self, "_status_message", [("not_answered", {})])
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
            (key, params), *also = self._status_message
            self._set_status(key, also=also, **params)

    def _practice_check(self) -> None:
        lang = settings.language
        if self.progress(self.value)[0] == 0:
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
    for item_id in list(LINES):
        refresh_lines(item_id)


settings.observe(relabel_all, "language")


def lookup(item_id: str) -> Exercise:
    """The live exercise ``item_id`` (run its cell first)."""
    try:
        return REGISTRY[item_id]
    except KeyError:
        raise LookupError(f"exercise {item_id!r} has not been shown yet: run its cell first") from None


def validating() -> bool:
    """True in a kernel nbgrader runs for Validate (it sets ``NBGRADER_EXECUTION=validate``)."""
    return os.environ.get("NBGRADER_EXECUTION") == "validate"


def first_words(text: str, words: int = 8) -> str:
    """The start of a prompt, without markup, to name an item in one line."""
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
    parts = plain.split(" ")
    return plain if len(parts) <= words else " ".join(parts[:words]) + "…"


def answered(item_id: str) -> tuple[int, int]:
    """(parts answered, parts in all) of the saved answer to ``item_id``, read from the answers file.

    Counted by the live exercise (a matching item has one part per row); an item
    whose widget has not run counts as wholly answered once anything is saved.
    """
    saved = answer_file.store().get(item_id)
    exercise = REGISTRY.get(item_id)
    if exercise is None:
        return (0 if saved is None else 1), 1
    try:
        saved = None if saved is None else exercise.clean(saved)
    except (ValueError, TypeError):
        saved = None
    return exercise.progress(saved)


RLI, PDI = "\u2067", "\u2069"  # Unicode's right-to-left isolate and its end


class NotAnswered(Exception):
    """Raised by :func:`status` under nbgrader's Validate when an item is not fully answered.

    Its message, in the trainee's language, names the item, the first words of
    its prompt and what is missing; it is all a trainee reads: IPython shows
    :meth:`_render_traceback_` instead of a traceback, and nbgrader's Validate
    reports a grade cell's traceback as the reason it failed.
    """

    def __init__(self, item_id: str, answered: int, total: int, lang: str | None = None):
        self.item_id, self.answered, self.total = item_id, answered, total
        lang = lang or settings.language
        exercise = REGISTRY.get(item_id)
        prompt = first_words(pick(exercise.prompt, lang)) if exercise else "…"
        key = "validate_missing" if answered == 0 else "validate_partial"
        text = message(key, lang, item=item_id, prompt=prompt, answered=answered, total=total)
        if direction(lang) == "rtl":
            # nbgrader's Validate shows it in a left-to-right box: isolate it as right-to-left text,
            # so the item id, the quoted prompt and the final full stop stay where an Arabic reader expects
            text = f"{RLI}{text}{PDI}"
        super().__init__(text)

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class StatusLine(widgets.HTML):
    """A grade cell's live status line: the item's status, updated the moment its answer is saved.

    It says what the status under the exercise says (same words, same
    language), then the saved answer in words.  Before the item's exercise has
    run in this kernel it reads the answers file; the exercise refreshes it
    when it appears, on every save and on a change of language.
    """

    def __init__(self, item_id: str, **kwargs):
        super().__init__(**{**wearing(widgets.HTML), **kwargs})
        self.item_id = check_item_id(item_id)
        previous = LINES.get(self.item_id)
        if previous is not None:
            previous.close()  # its cell was run again: the old line is no longer on the page
        LINES[self.item_id] = self
        self.refresh()

    def text(self, lang: str | None = None) -> str:
        """The line in words, in ``lang`` (default: the trainee's language)."""
        lang = lang or settings.language
        store = answer_file.store()
        saved = store.get(self.item_id)
        exercise = REGISTRY.get(self.item_id)
        if exercise is not None:
            state = exercise.status_text(lang)
        elif saved is None:
            state = message("not_answered", lang)
        else:
            stamp = store.answers.items.get(self.item_id, {}).get("time", "")[11:19]
            state = message("saved", lang, time=stamp)
        if saved is None or answered(self.item_id)[0] == 0 or (
                exercise is not None and any(k == "still_saved" for k, _ in exercise._status_message)):
            return state  # nothing saved, or the status already says what is
        shown = exercise.describe(saved, lang) if exercise else str(saved)
        return f"{state} {message('graded_later', lang, answer=shown)}"

    def refresh(self) -> None:
        lang = settings.language
        self.value = (
            f'<div class="himaya-status himaya-grade-status" dir="{direction(lang)}" lang="{lang}">'
            f"{html.escape(self.text(lang))}</div>"
        )

    def __repr__(self) -> str:  # stable text/plain for nbval
        return f"<StatusLine {self.item_id}>"


def refresh_lines(item_id: str) -> None:
    """Update the live status line of ``item_id``, if its grade cell has run."""
    line = LINES.get(item_id)
    if line is not None:
        line.refresh()


def status(item_id: str) -> None:
    """Show, in the trainee's language, what is saved for ``item_id``: a line that stays current.

    Grade cells call this; the grader replaces its output with the score.
    Under nbgrader's Validate it raises :class:`NotAnswered` unless the item is
    fully answered, so Validate names every item still to answer.
    """
    check_item_id(item_id)
    if validating():
        done, total = answered(item_id)
        if done < total:
            raise NotAnswered(item_id, done, total)
    display(StatusLine(item_id))
