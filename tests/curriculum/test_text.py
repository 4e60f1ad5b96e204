"""ShortText (normalised matching) and FreeText (graded by the instructor)."""
from __future__ import annotations

import pytest
from traitlets import TraitError

from curriculum.exercises import FreeText, ShortText
from curriculum.exercises.base import KeyError_
from curriculum.settings import settings

PROMPT = {"ar": "ما اسم الدورة؟", "en": "What is the course called?"}
ESSAY = {"ar": "صف ما ستفعله أولًا", "en": "Describe what you would do first"}
KEY = {"answer": ["الحماية", "protection"]}


def short(item="m03.s1", **kwargs):
    return ShortText(item, PROMPT, **kwargs)


def free(item="m03.f1", **kwargs):
    return FreeText(item, ESSAY, **kwargs)


# -- ShortText: render, save, restore ---------------------------------------------
def test_short_renders_prompt_in_both_languages():
    ex = short()
    assert PROMPT["ar"] in ex._prompt.value
    assert 'dir="rtl"' in ex._prompt.value
    settings.language = "en"
    assert PROMPT["en"] in ex._prompt.value
    assert 'dir="ltr"' in ex._prompt.value
    assert ex._text.value == ""


def test_short_typing_saves_stripped_text(saved):
    ex = short()
    ex._text.value = "  الحمايه "
    assert ex.value == "الحمايه"
    assert saved("m03.s1")["value"] == "الحمايه"
    assert saved("m03.s1")["kind"] == "short"
    assert ex._text.value == "  الحمايه "  # the box is not rewritten under the cursor


def test_short_clearing_the_box_saves_unanswered(saved):
    ex = short()
    ex._text.value = "x"
    ex._text.value = "  "
    assert ex.value is None
    assert saved("m03.s1")["value"] is None


def test_short_value_from_code_saves_and_shows(saved):
    ex = short()
    ex.value = " protection "
    assert ex.value == "protection"
    assert ex._text.value == "protection"
    assert saved("m03.s1")["value"] == "protection"


def test_short_keeps_at_most_500_characters(saved):
    ex = short()
    ex.value = "ح" * 600
    assert ex.value == "ح" * 500
    assert saved("m03.s1")["value"] == "ح" * 500


def test_short_restores_after_restart(restart):
    short()._text.value = "الحماية"
    restart()
    again = short()
    assert again.value == "الحماية"
    assert again._text.value == "الحماية"
    settings.language = "en"
    assert again._text.value == "الحماية"


@pytest.mark.parametrize("bad", [5, ["الحماية"], {"a": 1}])
def test_short_non_text_raises(bad, file_bytes):
    ex = short()
    ex.value = "الحماية"
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = bad
    assert str(err.value) == "m03.s1: type the answer as text"
    assert ex.value == "الحماية"
    assert file_bytes() == before


def test_short_practice_key_checked():
    with pytest.raises(KeyError_, match="m03.s1: key 'answer' must be a list of accepted answers"):
        short(practice={"answer": "الحماية"})


# -- ShortText: scoring -------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [
    "الحماية",
    "الحمايه",            # ة written as ه
    "الْحِمَايَةُ",        # with diacritics
    "الحـــماية",          # with tatweel
    "  الحماية.  ",       # spacing and punctuation
    "Protection",
    "PROTECTION!",
    " protection ",
])
def test_short_score_accepts_variants(typed):
    score = ShortText.score(typed, KEY)
    assert (score.fraction, score.message) == (1.0, "correct")


def test_short_score_alif_and_ya_variants():
    key = {"answer": ["إبلاغ فوري", "مستشفى"]}
    assert ShortText.score("ابلاغ فوري", key).fraction == 1.0
    assert ShortText.score("أبلاغ  فوري", key).fraction == 1.0
    assert ShortText.score("مستشفي", key).fraction == 1.0


@pytest.mark.parametrize("typed", ["الحمايات", "حماية الطفل", "protect", ""])
def test_short_score_rejects_other_words(typed):
    score = ShortText.score(typed, KEY)
    assert (score.fraction, score.message) == (0.0, "incorrect")


def test_short_score_refuses_non_text():
    with pytest.raises(ValueError, match="expected text"):
        ShortText.score(["الحماية"], KEY)


# -- FreeText -------------------------------------------------------------------------------------------
def test_free_renders_prompt():
    ex = free()
    assert ESSAY["ar"] in ex._prompt.value
    assert "himaya-free" in ex._dom_classes
    settings.language = "en"
    assert ESSAY["en"] in ex._prompt.value


def test_free_typing_saves_text_as_written(saved):
    ex = free()
    ex._area.value = "أطمئن الطفل\nثم أحفظ الأدلة "
    assert ex.value == "أطمئن الطفل\nثم أحفظ الأدلة "
    assert saved("m03.f1")["value"] == "أطمئن الطفل\nثم أحفظ الأدلة "
    assert saved("m03.f1")["kind"] == "free"


def test_free_value_from_code_saves_and_shows(saved):
    ex = free()
    ex.value = "first, listen"
    assert ex._area.value == "first, listen"
    assert saved("m03.f1")["value"] == "first, listen"


def test_free_blank_text_is_unanswered():
    ex = free()
    ex.value = " \n "
    assert ex.value is None


def test_free_restores_after_restart(restart):
    free()._area.value = "نص طويل"
    restart()
    again = free()
    assert again.value == "نص طويل"
    assert again._area.value == "نص طويل"


def test_free_non_text_raises(saved_file):
    ex = free()
    with pytest.raises(TraitError) as err:
        ex.value = 42
    assert str(err.value) == "m03.f1: type the answer as text"
    assert saved_file() is None


def test_free_keeps_at_most_max_text_chars(saved):
    settings.max_text_chars = 10
    ex = free()
    ex._area.value = "abcdefghijKLMNO"
    assert ex.value == "abcdefghij"
    assert saved("m03.f1")["value"] == "abcdefghij"


def test_free_truncation_is_announced():
    """language.MESSAGES["too_long"] exists for this: the trainee must learn the end was cut."""
    settings.max_text_chars = 10
    ex = free()
    ex._area.value = "abcdefghijKLMNO"
    assert "الإجابة أطول من 10 حرف؛ حُفظ أول 10 حرف فقط." in ex._status.value


def test_free_score_is_manual():
    score = FreeText.score("any text", {})
    assert (score.fraction, score.message, score.params) == (None, "manual", {})
    assert score.text("en") == "Written answer; your instructor grades it."


def test_free_describe_shortens_long_answers():
    ex = free()
    assert ex.describe("short", "ar") == "short"
    long = "x" * 100
    assert ex.describe(long, "en") == "x" * 77 + "…"
