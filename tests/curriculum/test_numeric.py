"""Numeric: Arabic or Latin digits, optional unit, absolute and relative tolerance."""
from __future__ import annotations

import math

import pytest
from traitlets import TraitError

from curriculum.exercises import NotAnswered, Numeric
from curriculum.exercises.base import RLI, KeyError_
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


# -- declared range (minimum=, maximum=) --------------------------------------------------------
HOUR = {"ar": "في أي ساعة (من 0 إلى 23)؟", "en": "At what hour (0 to 23)?"}


def hour(**kwargs):
    return Numeric("m02.h1", HOUR, minimum=0, maximum=23, **kwargs)


def test_a_number_outside_the_range_is_not_saved(saved, file_bytes):
    """The issue: an hour field labelled "0 to 23" accepted 82."""
    ex = hour()
    ex._text.value = "82"
    assert ex.value is None
    assert file_bytes() is None
    assert ex.status_text() == "⚠ اكتب رقمًا من 0 إلى 23 (لم يُحفظ: «82»)."
    settings.language = "en"
    assert ex.status_text() == "⚠ Type a number from 0 to 23 (not saved: “82”)."
    ex._text.value = "23"
    assert saved("m02.h1")["value"] == {"number": 23.0, "unit": None}


def test_out_of_range_keeps_the_previous_answer_and_says_so(file_bytes, grade_line):
    ex = hour()
    line = grade_line("m02.h1")
    ex._text.value = "٧"
    before = file_bytes()
    ex._text.value = "٨٢"
    assert ex.value == {"number": 7.0, "unit": None}
    assert file_bytes() == before
    assert ex.status_text() == "⚠ اكتب رقمًا من 0 إلى 23 (لم يُحفظ: «٨٢»). ما زالت إجابتك المحفوظة: 7."
    assert line.text() == ex.status_text()
    settings.language = "en"
    assert ex.status_text() == "⚠ Type a number from 0 to 23 (not saved: “٨٢”). Your saved answer is still 7."
    assert "Your saved answer is still 7." in ex._status.value


def test_bounds_are_inclusive_and_negative_numbers_checked(saved):
    ex = hour()
    ex._text.value = "0"
    assert saved("m02.h1")["value"]["number"] == 0
    ex._text.value = "-1"
    assert saved("m02.h1")["value"]["number"] == 0
    assert ex.status_text().startswith("⚠ اكتب رقمًا من 0 إلى 23 (لم يُحفظ: «-1»).")


def test_only_a_minimum_or_only_a_maximum():
    low = plain("m02.c1", minimum=0)
    low._text.value = "-3"
    assert low.value is None
    assert low.status_text() == "⚠ اكتب رقمًا لا يقل عن 0 (لم يُحفظ: «-3»)."
    low._text.value = "1e6"
    assert low.value == {"number": 1e6, "unit": None}
    high = plain("m02.p1", maximum=100)
    settings.language = "en"
    high._text.value = "100.5"
    assert high.value is None
    assert high.status_text() == "⚠ Type a number of at most 100 (not saved: “100.5”)."
    assert low.status_text().startswith("✔ Answer saved (")


def test_range_with_decimals_is_shown_as_typed():
    ex = plain("m02.r1", minimum=0.5, maximum=2.5)
    settings.language = "en"
    ex._text.value = "3"
    assert ex.status_text() == "⚠ Type a number from 0.5 to 2.5 (not saved: “3”)."


def test_value_outside_the_range_from_code_raises(file_bytes):
    ex = hour()
    with pytest.raises(TraitError, match=r"^m02.h1: Type a number from 0 to 23 \(not saved: “82”\)\.$"):
        ex.value = 82
    assert file_bytes() is None


def test_saved_answer_outside_a_range_added_later_counts_as_unanswered(restart):
    plain("m02.h1").value = 82
    restart()
    ex = hour()
    assert ex.value is None
    assert "الإجابة المحفوظة لهذا السؤال غير صالحة" in ex.status_text()


def test_validate_an_out_of_range_attempt_is_not_an_answer(validating, grade_line):
    ex = hour()
    ex._text.value = "82"
    with pytest.raises(NotAnswered, match=f"^{RLI}⚠ m02.h1 «في أي ساعة \\(من 0 إلى 23\\)؟»: لم تُجب"):
        grade_line("m02.h1")


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"minimum": "0"}, "m02.h1: minimum must be a number such as 0 or 23, got '0'"),
    ({"maximum": True}, "m02.h1: maximum must be a number such as 0 or 23, got True"),
    ({"maximum": math.nan}, "m02.h1: maximum must be a number such as 0 or 23, got nan"),
    ({"minimum": 23, "maximum": 0}, "m02.h1: minimum (23) must be less than maximum (0)"),
    ({"minimum": 5, "maximum": 5}, "m02.h1: minimum (5) must be less than maximum (5)"),
])
def test_range_arguments_are_checked_at_construction(kwargs, error):
    with pytest.raises(ValueError) as err:
        Numeric("m02.h1", HOUR, **kwargs)
    assert str(err.value) == error


def test_range_must_be_keyword_arguments():
    with pytest.raises(TypeError):
        Numeric("m02.h1", HOUR, None, 0, 23)


def test_key_outside_the_range_is_refused():
    with pytest.raises(KeyError_, match=r"m02.h1: key 'answer' 30 is outside the item's range"):
        hour(practice={"answer": 30})
    assert hour(practice={"answer": 23}).maximum == 23.0
