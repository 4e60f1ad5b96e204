"""Normalise written answers before comparing them with a key.

Arabic is written with optional diacritics, several forms of alif, and
interchangeable final letters; officers type on different keyboards.  Two
spellings that a teacher would accept as the same word must compare equal.
Keyboards and copy-paste also insert invisible format characters (Unicode
category Cf: right-to-left marks, zero-width joiners, the byte-order mark…),
which a trainee cannot see and so must never cost a right answer.
"""
from __future__ import annotations

import math
import re
import unicodedata

# Harakat, tanwin, shadda, sukun, superscript alif, Quranic marks.
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_TATWEEL = "\u0640"
_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و", "ئ": "ي",
    # Arabic-Indic and Eastern Arabic-Indic digits
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
    "٫": ".", "،": ",", "؛": ";", "؟": "?",
})
_PUNCT = re.compile(r"[\"'“”‘’«»()\[\]{}.,;:!?؟،؛\-–—_/\\]+")
_SPACE = re.compile(r"\s+")


def drop_format_characters(text: str) -> str:
    """``text`` without Unicode format characters (category Cf): invisible, typed by keyboards, never meant."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def normalize_text(text: str) -> str:
    """Case, spacing, punctuation, Arabic letter variants and diacritics folded; format characters dropped."""
    text = drop_format_characters(unicodedata.normalize("NFKC", str(text)))
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_LETTERS).casefold()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def parse_number(text) -> float:
    """Read a number typed with Latin or Arabic digits; raise ValueError if none."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, (int, float)):
        try:
            return _finite(float(text))
        except OverflowError:  # an int past float's range (a crafted answers file)
            raise ValueError("give a finite number") from None
    raw = drop_format_characters(unicodedata.normalize("NFKC", str(text))).strip()
    raw = raw.translate(_LETTERS).replace("٬", "").replace(" ", "")
    if raw.count(",") == 1 and "." not in raw and len(raw.split(",")[1]) != 3:
        raw = raw.replace(",", ".")  # decimal comma, e.g. 2,5
    raw = raw.replace(",", "")  # thousands separators
    return _finite(float(raw))


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("give a finite number")
    return value
