"""normalize_text and parse_number: what a teacher accepts as the same answer."""
from __future__ import annotations

import pytest

from curriculum.normalize import normalize_text, parse_number


# -- normalize_text ----------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "expected"), [
    ("أمن", "امن"),
    ("إبلاغ", "ابلاغ"),
    ("آمن", "امن"),
    ("ٱلطفل", "الطفل"),
    ("حماية", "حمايه"),
    ("مستشفى", "مستشفي"),
    ("مسؤول", "مسوول"),
    ("طوارئ", "طواري"),
])
def test_arabic_letter_variants_fold(typed, expected):
    assert normalize_text(typed) == expected


def test_alif_forms_compare_equal():
    assert normalize_text("أإآا") == normalize_text("اااا") == "اااا"


def test_diacritics_are_removed():
    assert normalize_text("الْحِمَايَةُ") == "الحمايه"
    assert normalize_text("مُحَمَّدٌ") == "محمد"
    assert normalize_text("هٰذا") == "هذا"  # superscript alif


def test_decomposed_hamza_folds_like_composed():
    decomposed = "\u0627\u0654\u0645\u0646"  # alif + combining hamza above, then م ن
    assert normalize_text(decomposed) == "امن"


def test_tatweel_is_removed():
    assert normalize_text("حـــماية") == "حمايه"


def test_arabic_indic_digits_become_latin():
    assert normalize_text("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_text("۰۱۲۳۴۵۶۷۸۹") == "0123456789"  # Persian / Urdu forms


def test_case_spacing_and_punctuation_fold():
    assert normalize_text("  Child   PROTECTION  ") == "child protection"
    assert normalize_text("«الحماية»، أولًا!") == "الحمايه اولا"
    assert normalize_text("tab\tand\nnewline") == "tab and newline"
    assert normalize_text("child-protection") == "child protection"
    assert normalize_text("ß") == "ss"  # casefold, not lower


def test_arabic_punctuation_folds():
    assert normalize_text("ماذا؟") == normalize_text("ماذا") == "ماذا"
    assert normalize_text("أولا؛ ثانيا") == "اولا ثانيا"


def test_full_width_and_compatibility_forms_fold():
    assert normalize_text("ＡＢＣ") == "abc"
    assert normalize_text("\ufe8d\ufee0\ufec4\ufed4\ufede") == "الطفل"  # presentation forms


def test_non_text_is_converted():
    assert normalize_text(90) == "90"


def test_empty_and_only_punctuation():
    assert normalize_text("") == ""
    assert normalize_text(" ... ؟ ") == ""


# -- parse_number -----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("90", 90.0),
    ("٩٠", 90.0),
    ("۹۰", 90.0),
    ("٢٫٥", 2.5),
    ("2.5", 2.5),
    ("2,5", 2.5),
    ("٢،٥", 2.5),            # Arabic comma as a decimal comma
    ("1,000", 1000.0),
    ("12,345,678", 12345678.0),
    ("١٬٠٠٠", 1000.0),        # Arabic thousands separator
    ("1 000", 1000.0),
    (" 90 ", 90.0),
    ("-3", -3.0),
    ("+4.5", 4.5),
    ("1e3", 1000.0),
    ("0,25", 0.25),
    (7, 7.0),
    (2.5, 2.5),
])
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == expected
    assert type(value) is float


@pytest.mark.parametrize("text", ["", "abc", "تسعون", "9O", "1.2.3", "--1", "nan", "inf", "-Infinity"])
def test_parse_number_refuses_garbage(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("value", [True, False])
def test_parse_number_refuses_booleans(value):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(value)


def test_parse_number_refuses_none():
    with pytest.raises(ValueError):
        parse_number(None)


def test_an_integer_past_floats_range_is_not_a_number_not_a_crash():
    """A crafted answers file's 10**400 crashed the cohort report's copying check (OverflowError)."""
    with pytest.raises(ValueError, match="finite"):
        parse_number(10 ** 400)
