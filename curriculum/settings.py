"""One typed, documented settings object for everything a trainee's kernel does.

Values come from the environment when the kernel starts (so JupyterHub, the
demo and the tests can set them without touching notebooks) and may be changed
at run time, e.g. by the language picker; widgets observe the ``language``
trait and relabel themselves.
"""
from __future__ import annotations

import getpass
import os
import warnings
from pathlib import Path

from traitlets import Bool, Enum, Float, HasTraits, Int, Unicode, default

LANGUAGES = ("ar", "en")

ANSWERS_FILENAME = "himaya-answers.json"

_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


class Settings(HasTraits):
    """Settings of the trainee's side of the course."""

    language = Enum(
        LANGUAGES, default_value="ar",
        help="Language of widgets, feedback and figure labels (Arabic first).",
    )
    trainee = Unicode(
        help="Trainee id stored in the answers file; the grader checks it "
        "against the nbgrader student id. From HIMAYA_TRAINEE, then "
        "JUPYTERHUB_USER, then the operating-system user.",
    )
    answers_dir = Unicode(
        help="Folder of the answers file: HIMAYA_ANSWERS_DIR, else the kernel's "
        "working directory, which is the notebook's folder in JupyterLab and "
        "in nbgrader.",
    )
    max_answers_bytes = Int(
        1_000_000,
        help="An answers file larger than this is refused as oversized, not parsed.",
    )
    max_text_chars = Int(
        6000, help="Longest written answer kept for one item.",
    )
    text_save_delay = Float(
        0.8, min=0.0,
        help="Seconds of no typing after which a written answer is saved (curriculum/pause.py), "
        "not a write per keystroke. It is also saved with any other answer and when the kernel "
        "shuts down; 0 saves every change.",
    )
    text_max_unsaved = Float(
        1.2, min=0.0,
        help="A trainee who types on without pausing is saved this many seconds after the first "
        "unsaved keystroke: the most typing a killed kernel can lose.",
    )
    module = Unicode(
        help="The module (nbgrader assignment) of the notebook this kernel runs, set by its setup cell's "
        "start(); the knowledge check shows each trainee their form from it (curriculum/check.py).",
    )
    shuffle_options = Bool(
        help="Show each trainee an item's options (choices, matching targets, classify "
        "categories) in an order of their own, drawn from the trainee and item ids "
        "(curriculum/exercises/order.py). HIMAYA_SHUFFLE=0 keeps the authored order; "
        "set it alike for trainees' kernels and the grader, whose feedback pages list "
        "options in the order the trainee saw.",
    )

    @default("language")
    def _language_default(self):
        lang = (_env("HIMAYA_LANG") or "ar").lower()
        return lang if lang in LANGUAGES else "ar"

    @default("shuffle_options")
    def _shuffle_options_default(self):
        value = (_env("HIMAYA_SHUFFLE") or "1").lower()
        if value not in _ON + _OFF:
            warnings.warn(f"HIMAYA_SHUFFLE={value!r} is not understood: write 1 (each trainee's own order) or 0 "
                          "(the authored order); options are shuffled", stacklevel=2)
        return value not in _OFF

    @default("trainee")
    def _trainee_default(self):
        return _env("HIMAYA_TRAINEE") or _env("JUPYTERHUB_USER") or getpass.getuser()

    @default("answers_dir")
    def _answers_dir_default(self):
        return _env("HIMAYA_ANSWERS_DIR") or os.getcwd()

    @property
    def answers_path(self) -> Path:
        return Path(self.answers_dir) / ANSWERS_FILENAME


settings = Settings()
