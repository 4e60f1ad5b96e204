"""Numeric: Arabic or Latin digits, optional unit, absolute and relative tolerance."""
from __future__ import annotations

import math

import pytest
from traitlets import TraitError

from curriculum.exercises import Numeric
from curriculum.exercises.base import KeyError_
from curriculum.settings import settings

PROMPT = {"ar": "كم يومًا تُحفظ السجلات؟", "en": "How many days are logs kept?"}
UNITS = {
    "d": {"ar": "أيام", "en": "days"},
    "w": {"ar": "أسابيع", "en": "weeks"},
}


def numeric(item="m02.n1", units=UNITS, **kwargs):
    return Numeric(item, PROMPT, units=units, **kwargs)


def plain(item="m02.n2", **kwargs):
    return Numeric(item, PROMPT, **kwargs)


# -- render ---------------------------------------------------------------------------
def test_renders_units_in_both_languages():
    ex = numeric()
    assert PROMPT["ar"] in ex._prompt.value
    assert ex._unit._options_labels == ("اختر الوحدة.", "أيام", "أسابيع")
    assert ex._unit._options_values == (None, "d", "w")
    assert ex._unit.value is None
    assert ex._text.value == ""
    settings.language = "en"
    assert PROMPT["en"] in ex._prompt.value
    assert ex._unit._options_labels == ("Choose the unit.", "days", "weeks")


def test_without_units_there_is_no_unit_control():
    ex = plain()
    assert not hasattr(ex, "_unit")
    assert ex.units == {}


# -- save on control change --------------------------------------------------------------
def test_typing_arabic_digits_saves(saved):
    ex = numeric()
    ex._text.value = "٩٠"
    assert ex.value == {"number": 90.0, "unit": None}
    assert saved("m02.n1")["value"] == {"number": 90.0, "unit": None}
    assert saved("m02.n1")["kind"] == "numeric"
    assert ex._text.value == "90"
    ex._unit.value = "d"
    assert ex.value == {"number": 90.0, "unit": "d"}
    assert saved("m02.n1")["value"] == {"number": 90.0, "unit": "d"}


def test_typing_arabic_decimal_separator(saved):
    ex = plain()
    ex._text.value = "٢٫٥"
    assert saved("m02.n2")["value"] == {"number": 2.5, "unit": None}
    ex._text.value = "3,5"
    assert saved("m02.n2")["value"] == {"number": 3.5, "unit": None}


def test_unit_first_then_number(saved, saved_file):
    ex = numeric()
    ex._unit.value = "w"
    assert saved_file() is None  # nothing typed yet: nothing to save
    ex._text.value = "12"
    assert saved("m02.n1")["value"] == {"number": 12.0, "unit": "w"}


def test_typing_garbage_keeps_the_previous_answer(file_bytes):
    ex = numeric()
    ex._text.value = "90"
    before = file_bytes()
    ex._text.value = "تسعون"
    assert ex.value == {"number": 90.0, "unit": None}
    assert file_bytes() == before
    assert "⚠ اكتب رقمًا، مثل 90 أو 2.5 (لم يُحفظ: «تسعون»)." in ex._status.value


def test_clearing_the_box_saves_nothing(file_bytes):
    ex = numeric()
    ex._text.value = "90"
    before = file_bytes()
    ex._text.value = "   "
    assert ex.value == {"number": 90.0, "unit": None}
    assert file_bytes() == before


# -- save on value set from code ------------------------------------------------------------
def test_value_from_code_saves_and_shows(saved):
    ex = numeric()
    ex.value = 90
    assert ex.value == {"number": 90.0, "unit": None}
    assert ex._text.value == "90"
    assert saved("m02.n1")["value"] == {"number": 90.0, "unit": None}
    ex.value = {"number": "٣", "unit": "w"}
    assert ex.value == {"number": 3.0, "unit": "w"}
    assert (ex._text.value, ex._unit.value) == ("3", "w")
    assert saved("m02.n1")["value"] == {"number": 3.0, "unit": "w"}


def test_value_from_code_as_text():
    ex = plain()
    ex.value = "1,000"
    assert ex.value == {"number": 1000.0, "unit": None}
    ex.value = "2,5"
    assert ex.value == {"number": 2.5, "unit": None}


# -- restore ---------------------------------------------------------------------------------------
def test_restores_after_restart(restart):
    ex = numeric()
    ex._text.value = "٢٫٥"
    ex._unit.value = "w"
    restart()
    again = numeric()
    assert again.value == {"number": 2.5, "unit": "w"}
    assert (again._text.value, again._unit.value) == ("2.5", "w")
    settings.language = "en"
    assert (again._text.value, again._unit.value) == ("2.5", "w")
    assert again.value == {"number": 2.5, "unit": "w"}


# -- bad values ------------------------------------------------------------------------------------
def test_unit_not_offered_raises(file_bytes):
    ex = numeric()
    ex.value = {"number": 90, "unit": "d"}
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = {"number": 3, "unit": "months"}
    assert str(err.value) == "m02.n1: unit 'months' is not offered; choose from d, w"
    assert ex.value == {"number": 90.0, "unit": "d"}
    assert file_bytes() == before


def test_unit_on_an_item_without_units_raises():
    ex = plain()
    with pytest.raises(TraitError) as err:
        ex.value = {"number": 3, "unit": "d"}
    assert str(err.value) == "m02.n2: unit 'd' is not offered; choose from none"


@pytest.mark.parametrize("bad", ["ninety", "", True, None])
def test_not_a_number_raises(bad, saved_file):
    ex = plain()
    with pytest.raises(TraitError, match=r"^m02\.n2: "):
        ex.value = {"number": bad, "unit": None}
    assert ex.value is None
    assert saved_file() is None


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_from_code_raise(bad, saved_file):
    """A NaN or infinite answer is not a number a trainee can give.

    It must be refused like "inf" typed as text is; otherwise the answers
    file gets ``NaN``/``Infinity`` (not JSON) and a NaN scores full marks.
    """
    ex = plain()
    with pytest.raises(TraitError, match=r"^m02\.n2: "):
        ex.value = bad
    assert ex.value is None
    assert saved_file() is None


def test_changing_the_unit_keeps_a_large_number_exact(saved):
    """The number shown in the box is read back when the unit changes: it must be exact."""
    ex = numeric()
    ex.value = {"number": 1234567, "unit": None}
    assert saved("m02.n1")["value"] == {"number": 1234567.0, "unit": None}
    ex._unit.value = "d"
    assert ex.value == {"number": 1234567.0, "unit": "d"}
    assert saved("m02.n1")["value"] == {"number": 1234567.0, "unit": "d"}


def test_practice_key_checked():
    with pytest.raises(KeyError_, match="m02.n1: key 'answer' must be a number"):
        numeric(practice={"answer": "90", "unit": "d"})
    with pytest.raises(KeyError_, match=r"m02.n1: key 'unit' must be one of \['d', 'w'\]"):
        numeric(practice={"answer": 90})


# -- scoring -----------------------------------------------------------------------------------------
def answer(number, unit=None):
    return {"number": number, "unit": unit}


@pytest.mark.parametrize(("number", "fraction"), [
    (90, 1.0), (90.0, 1.0), (92, 1.0), (88, 1.0), (92.5, 0.0), (87.99, 0.0), (-90, 0.0),
])
def test_score_absolute_tolerance(number, fraction):
    score = Numeric.score(answer(number), {"answer": 90, "tolerance": 2})
    assert score.fraction == fraction
    assert score.message == ("correct" if fraction else "incorrect")


def test_score_exact_without_tolerance():
    assert Numeric.score(answer(90), {"answer": 90}).fraction == 1.0
    assert Numeric.score(answer(90.5), {"answer": 90}).fraction == 0.0


def test_score_tolerance_edge_is_inclusive_despite_float_error():
    # 0.4 − 0.3 is 0.10000000000000003 in binary floating point
    assert Numeric.score(answer(0.4), {"answer": 0.3, "tolerance": 0.1}).fraction == 1.0
    assert Numeric.score(answer(0.41), {"answer": 0.3, "tolerance": 0.1}).fraction == 0.0


@pytest.mark.parametrize(("number", "target", "fraction"), [
    (210, 200, 1.0), (190, 200, 1.0), (211, 200, 0.0), (189.9, 200, 0.0),
    (-210, -200, 1.0), (-211, -200, 0.0),
])
def test_score_relative_tolerance(number, target, fraction):
    key = {"answer": target, "tolerance": 0.05, "relative": True}
    assert Numeric.score(answer(number), key).fraction == fraction


def test_score_unit():
    key = {"answer": 90, "tolerance": 0, "unit": "d"}
    assert Numeric.score(answer(90, "d"), key).fraction == 1.0
    wrong_unit = Numeric.score(answer(90, "w"), key)
    assert (wrong_unit.fraction, wrong_unit.message) == (0.0, "numeric_unit")
    no_unit = Numeric.score(answer(90), key)
    assert (no_unit.fraction, no_unit.message) == (0.0, "numeric_unit")
    wrong_both = Numeric.score(answer(12, "w"), key)
    assert (wrong_both.fraction, wrong_both.message) == (0.0, "incorrect")
    assert wrong_unit.text("en") == "The number is within range but the unit is wrong."


@pytest.mark.parametrize("bad", [answer(True), answer("90"), 90, None, {"unit": "d"}])
def test_score_refuses_non_numbers(bad):
    with pytest.raises(ValueError, match="expected a number"):
        Numeric.score(bad, {"answer": 90})


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_score_refuses_nan_and_infinity(number):
    """NaN compares false with everything: it must not slip through the range check.

    The grader turns this ValueError into 0 points with the 'bad_answer' message.
    """
    with pytest.raises(ValueError, match="expected a number"):
        Numeric.score(answer(number), {"answer": 90, "tolerance": 1})


def test_describe():
    ex = numeric()
    assert ex.describe({"number": 2.5, "unit": "w"}, "ar") == "2.5 أسابيع"
    assert ex.describe({"number": 90.0, "unit": None}, "en") == "90"
