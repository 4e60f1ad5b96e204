"""Invisible characters (#16 item 9): a right answer typed with a format character still scores.

Arabic keyboards and copy-paste insert Unicode format characters (category Cf: right-to-left and
left-to-right marks, zero-width joiners and non-joiners, the byte-order mark, bidi embeddings and
isolates). A trainee cannot see them, so they must never cost a right answer; nor may they make a
wrong answer right. Scored through the scorer the grader calls (``KINDS[kind].score``).
"""
from __future__ import annotations

import sys
import unicodedata

import pytest

from curriculum.exercises import KINDS

RLM, LRM, ZWJ, ZWNJ, BOM, ALM = "\u200f", "\u200e", "\u200d", "\u200c", "\ufeff", "\u061c"
ISOLATES = "\u2067\u2069"  # RIGHT-TO-LEFT ISOLATE … POP DIRECTIONAL ISOLATE
ALL_CF = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf")

SHORT_KEY = {"answer": ["الحماية", "protection"]}


@pytest.mark.parametrize("typed", [
    RLM + "الحماية",
    "الحماية" + LRM,
    "الح" + ZWJ + "ماية",
    "الحما" + ZWNJ + "ية",
    BOM + "protection",
    "pro" + ALM + "tection",
    ISOLATES[0] + "الحماية" + ISOLATES[1],
    "ال" + ALL_CF + "حماية",
], ids=["rlm", "lrm", "zwj", "zwnj", "bom", "arabic-letter-mark", "isolates", "every-cf"])
def test_a_short_answer_with_invisible_characters_scores_as_typed_without_them(typed):
    assert KINDS["short"].score(typed, SHORT_KEY).fraction == 1.0


def test_invisible_characters_never_make_a_wrong_answer_right():
    assert KINDS["short"].score(RLM + "الحمل" + ZWJ, SHORT_KEY).fraction == 0.0
    assert KINDS["short"].score(ALL_CF, SHORT_KEY).fraction == 0.0


@pytest.mark.parametrize("typed", [RLM + "82", "82" + LRM, "٨" + ZWJ + "٢", ALM + "82.0"])
def test_a_number_typed_with_invisible_characters_is_read(typed):
    from curriculum.exercises.numeric import Numeric
    from curriculum.normalize import parse_number

    assert parse_number(typed) == 82.0
    assert Numeric.score({"number": parse_number(typed), "unit": None}, {"answer": 82}).fraction == 1.0


def test_an_honest_answer_scores_as_before():
    assert KINDS["short"].score("الحمايه", SHORT_KEY).fraction == 1.0
    assert KINDS["short"].score("Protection.", SHORT_KEY).fraction == 1.0
    assert KINDS["short"].score("الحمل", SHORT_KEY).fraction == 0.0
