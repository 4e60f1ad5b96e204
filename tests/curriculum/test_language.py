"""Bilingual texts: both languages required, errors say where and which is missing."""
from __future__ import annotations

import string

import pytest

from curriculum.language import MESSAGES, MissingLanguage, bilingual, direction, message, pick
from curriculum.settings import LANGUAGES, settings


# -- bilingual ---------------------------------------------------------------------------
def test_bilingual_returns_both_languages():
    assert bilingual({"ar": "نعم", "en": "Yes", "fr": "Oui"}, "m00.q1 prompt") == {"ar": "نعم", "en": "Yes"}


def test_bilingual_accepts_numbers_only_arabic_text():
    assert bilingual({"ar": "90", "en": "90"}, "x") == {"ar": "90", "en": "90"}
    assert bilingual({"ar": "2.5 %", "en": "2.5 %"}, "x") == {"ar": "2.5 %", "en": "2.5 %"}


@pytest.mark.parametrize(("text", "expected"), [
    ({"ar": "نعم"}, "m00.q1 prompt: the en text is missing"),
    ({"en": "Yes"}, "m00.q1 prompt: the ar text is missing"),
    ({"ar": "نعم", "en": "   "}, "m00.q1 prompt: the en text is missing"),
    ({"ar": "", "en": "Yes"}, "m00.q1 prompt: the ar text is missing"),
    ({}, "m00.q1 prompt: the ar and en text is missing"),
])
def test_bilingual_names_the_place_and_the_missing_language(text, expected):
    with pytest.raises(MissingLanguage) as err:
        bilingual(text, "m00.q1 prompt")
    assert str(err.value) == expected


@pytest.mark.parametrize(("text", "type_name"), [("Yes", "str"), (["نعم", "Yes"], "list"), (None, "NoneType")])
def test_bilingual_refuses_plain_text(text, type_name):
    with pytest.raises(MissingLanguage) as err:
        bilingual(text, "m00.q7 option 'b'")
    assert str(err.value) == (
        "m00.q7 option 'b': give the text in both languages, e.g. "
        '{"ar": "...", "en": "..."}; got ' + type_name
    )


def test_bilingual_arabic_slot_must_hold_arabic():
    with pytest.raises(MissingLanguage) as err:
        bilingual({"ar": "Yes", "en": "Yes"}, "m00.q1 prompt")
    assert str(err.value) == "m00.q1 prompt: the 'ar' text has no Arabic letters: 'Yes'"


def test_missing_language_is_a_value_error():
    assert issubclass(MissingLanguage, ValueError)


@pytest.mark.parametrize(("text", "missing"), [
    ({"ar": "نعم", "en": None}, "en"),
    ({"ar": None, "en": "Yes"}, "ar"),
])
def test_bilingual_none_counts_as_missing(text, missing):
    """A blank entry (e.g. ``en:`` left empty in YAML gives None) is a missing language,
    not the word "None" shown to trainees, and not a bare TypeError."""
    with pytest.raises(MissingLanguage) as err:
        bilingual(text, "m00.q1 prompt")
    assert str(err.value) == f"m00.q1 prompt: the {missing} text is missing"


# -- pick, direction, message --------------------------------------------------------------------
def test_pick_follows_the_settings_or_an_explicit_language():
    text = {"ar": "نعم", "en": "Yes"}
    assert pick(text) == "نعم"
    assert pick(text, "en") == "Yes"
    settings.language = "en"
    assert pick(text) == "Yes"
    assert pick(text, "ar") == "نعم"


def test_direction():
    assert direction() == "rtl"
    assert direction("en") == "ltr"
    settings.language = "en"
    assert direction() == "ltr"
    assert direction("ar") == "rtl"


def test_message_in_both_languages():
    assert message("score_line", "en", score=2, points=3) == "Score: 2 of 3"
    assert message("score_line", "ar", score=2, points=3) == "الدرجة: 2 من 3"
    assert message("not_answered") == "لم تُجب بعد."
    settings.language = "en"
    assert message("not_answered") == "Not answered yet."


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    formatter = string.Formatter()
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: {f for _, f, _, _ in formatter.parse(texts[lang]) if f} for lang in LANGUAGES}
        assert fields["ar"] == fields["en"], key
        assert texts["ar"].strip() and texts["en"].strip(), key


def test_arabic_messages_are_arabic():
    import re
    for key, texts in MESSAGES.items():
        assert re.search(r"[\u0600-\u06FF]", texts["ar"]), key


def test_no_message_misspells_ijabatuka():
    """«أجابتك» (he answered you) was written for «إجابتك» (your answer) in the save-failed message."""
    for key, texts in MESSAGES.items():
        assert "أجابتك" not in texts["ar"], key
    assert message("save_failed", "ar", error="x") == (
        "⚠ تعذّر حفظ الإجابة: x. إجابتك ما زالت في الخانة؛ أعد المحاولة.")


def test_new_messages_are_bilingual_and_take_the_same_fields():
    for key in ("partial", "still_saved", "out_of_range", "below_minimum", "above_maximum",
                "validate_missing", "validate_partial"):
        fields = [{f for _, f, _, _ in string.Formatter().parse(MESSAGES[key][lang]) if f} for lang in ("ar", "en")]
        assert fields[0] == fields[1], key
