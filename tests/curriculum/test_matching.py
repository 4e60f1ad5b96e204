"""Matching (drop-downs) and Classify (toggle buttons): one target per item."""
from __future__ import annotations

import pytest
from traitlets import TraitError

from curriculum.exercises import Classify, Matching, NotAnswered
from curriculum.exercises.base import PDI, RLI, KeyError_
from curriculum.settings import settings

PROMPT = {"ar": "صِل كل خطر بفئته", "en": "Match each risk with its category"}
ITEMS = {
    "i1": {"ar": "غريب يطلب صورًا", "en": "A stranger asks for photos"},
    "i2": {"ar": "محتوى عنيف", "en": "Violent content"},
    "i3": {"ar": "تنمّر بين الزملاء", "en": "Bullying between classmates"},
    "i4": {"ar": "شراء داخل لعبة", "en": "In-game purchase"},
}
TARGETS = {
    "contact": {"ar": "التواصل", "en": "Contact"},
    "content": {"ar": "المحتوى", "en": "Content"},
    "conduct": {"ar": "السلوك", "en": "Conduct"},
    "contract": {"ar": "التعاقد", "en": "Contract"},
}
KEY = {"answer": {"i1": "contact", "i2": "content", "i3": "conduct", "i4": "contract"}}

LINES = {
    "l1": {"ar": "لا تخبر والديك", "en": "Don't tell your parents"},
    "l2": {"ar": "هل أنهيت الواجب؟", "en": "Did you finish the homework?"},
}
CATEGORIES = {
    "groom": {"ar": "مؤشر استدراج", "en": "Grooming sign"},
    "ok": {"ar": "حديث عادي", "en": "Ordinary talk"},
}


def matching(item="m01.m1", **kwargs):
    return Matching(item, PROMPT, ITEMS, TARGETS, **kwargs)


def classify(item="m01.c1", **kwargs):
    return Classify(item, {"ar": "صنّف كل سطر", "en": "Classify each line"}, LINES, CATEGORIES, **kwargs)


def shown(ex):
    return {k: c.value for k, c in ex._controls.items()}


def labels(ex, targets, lang):
    """The targets' texts in the order this trainee is shown them (their own: tests/curriculum/test_order.py)."""
    assert sorted(ex.shown) == sorted(targets)
    return tuple(targets[k][lang] for k in ex.shown)


# -- Matching: render ------------------------------------------------------------------
def test_matching_renders_items_and_targets_in_arabic():
    ex = matching()
    assert ex._labels["i1"].value == '<span class="himaya-item">غريب يطلب صورًا</span>'
    assert ex._controls["i1"]._options_labels == ("— اختر —", *labels(ex, TARGETS, "ar"))
    assert ex._controls["i1"]._options_values == ("", *ex.shown)
    assert shown(ex) == {"i1": "", "i2": "", "i3": "", "i4": ""}
    assert ex.value is None


def test_matching_relabels_in_english():
    ex = matching()
    settings.language = "en"
    assert PROMPT["en"] in ex._prompt.value
    assert ex._labels["i4"].value == '<span class="himaya-item">In-game purchase</span>'
    assert ex._controls["i4"]._options_labels == ("— choose —", *labels(ex, TARGETS, "en"))


# -- Matching: save ---------------------------------------------------------------------
def test_matching_choosing_saves_each_pair(saved):
    ex = matching()
    ex._controls["i2"].value = "content"
    assert ex.value == {"i2": "content"}
    assert saved("m01.m1")["value"] == {"i2": "content"}
    assert saved("m01.m1")["kind"] == "matching"
    ex._controls["i1"].value = "conduct"
    assert ex.value == {"i1": "conduct", "i2": "content"}
    assert saved("m01.m1")["value"] == {"i1": "conduct", "i2": "content"}
    ex._controls["i1"].value = ""  # back to "choose"
    assert saved("m01.m1")["value"] == {"i2": "content"}


def test_matching_value_from_code_saves_and_shows(saved):
    ex = matching()
    ex.value = {"i3": "conduct", "i1": "contact", "i2": None}
    assert ex.value == {"i1": "contact", "i3": "conduct"}
    assert shown(ex) == {"i1": "contact", "i2": "", "i3": "conduct", "i4": ""}
    assert saved("m01.m1")["value"] == {"i1": "contact", "i3": "conduct"}


def test_matching_all_none_is_unanswered():
    ex = matching()
    ex.value = {"i1": None}
    assert ex.value is None


# -- Matching: restore --------------------------------------------------------------------
def test_matching_restores_after_restart(restart):
    ex = matching()
    ex._controls["i1"].value = "contact"
    ex._controls["i4"].value = "content"
    restart()
    again = matching()
    assert again.value == {"i1": "contact", "i4": "content"}
    assert shown(again) == {"i1": "contact", "i2": "", "i3": "", "i4": "content"}
    settings.language = "en"
    assert shown(again) == {"i1": "contact", "i2": "", "i3": "", "i4": "content"}
    assert again.value == {"i1": "contact", "i4": "content"}


# -- Matching: bad values -----------------------------------------------------------------------
def test_matching_unknown_item_raises(file_bytes):
    ex = matching()
    ex.value = {"i1": "contact"}
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = {"i9": "contact"}
    assert str(err.value) == "m01.m1: unknown items ['i9']; items are i1, i2, i3, i4"
    assert ex.value == {"i1": "contact"}
    assert file_bytes() == before


def test_matching_unknown_target_raises(file_bytes):
    ex = matching()
    ex.value = {"i1": "contact"}
    before = file_bytes()
    with pytest.raises(TraitError) as err:
        ex.value = {"i1": "conduct", "i2": "cyber"}
    assert str(err.value) == "m01.m1: unknown targets ['cyber']; choose from contact, content, conduct, contract"
    assert shown(ex)["i1"] == "contact"
    assert file_bytes() == before


def test_matching_needs_a_mapping(saved_file):
    ex = matching()
    with pytest.raises(TraitError) as err:
        ex.value = ["contact"]
    assert str(err.value) == "m01.m1: give a mapping {item: target}"
    assert saved_file() is None


def test_matching_items_and_targets_must_be_bilingual():
    with pytest.raises(ValueError, match=r"m01.m1 targets option 'x': the ar text is missing"):
        Matching("m01.m1", PROMPT, ITEMS, {"x": {"en": "X"}, "y": {"ar": "ص", "en": "Y"}})


def test_matching_practice_key_checked():
    with pytest.raises(KeyError_, match="m01.m1: key must give a target"):
        matching(practice={"answer": {"i1": "contact"}})


# -- Matching: scoring ---------------------------------------------------------------------------
@pytest.mark.parametrize(("answer", "fraction", "right"), [
    (dict(KEY["answer"]), 1.0, 4),
    ({"i1": "contact", "i2": "content", "i3": "conduct", "i4": "content"}, 0.75, 3),
    ({"i1": "contact", "i2": "content"}, 0.5, 2),           # two items missing
    ({"i1": "contact"}, 0.25, 1),
    ({"i1": "content", "i2": "contact"}, 0.0, 0),
    ({}, 0.0, 0),
    ({"i1": "contact", "zz": "content"}, 0.25, 1),          # extra items earn nothing
])
def test_matching_score(answer, fraction, right):
    score = Matching.score(answer, KEY)
    assert score.fraction == fraction
    assert score.message == "pairs_result"
    assert score.params == {"right": right, "total": 4}


def test_matching_score_text():
    assert Matching.score({"i1": "contact"}, KEY).text("ar") == "1 من 4 صحيحة."


@pytest.mark.parametrize("answer", [["contact"], "contact", None])
def test_matching_score_refuses_non_mapping(answer):
    with pytest.raises(ValueError, match="expected a mapping"):
        Matching.score(answer, KEY)


def test_matching_describe():
    ex = matching()
    assert ex.describe({"i1": "contact"}, "en") == "A stranger asks for photos → Contact"
    assert ex.describe({"i1": "contact", "i2": "content"}, "ar") == \
        "غريب يطلب صورًا ← التواصل؛ محتوى عنيف ← المحتوى"


# -- Classify ---------------------------------------------------------------------------------------
def test_classify_renders_categories_as_buttons():
    ex = classify()
    assert "himaya-classify" in ex._dom_classes
    assert ex._controls["l1"]._options_labels == labels(ex, CATEGORIES, "ar")
    assert ex._controls["l1"]._options_values == tuple(ex.shown)
    assert shown(ex) == {"l1": None, "l2": None}
    assert ex.value is None
    settings.language = "en"
    assert ex._controls["l2"]._options_labels == labels(ex, CATEGORIES, "en")
    assert ex._labels["l2"].value == '<span class="himaya-item">Did you finish the homework?</span>'
    assert shown(ex) == {"l1": None, "l2": None}
    assert ex.value is None


def test_classify_click_saves(saved):
    ex = classify()
    ex._controls["l1"].value = "groom"
    assert ex.value == {"l1": "groom"}
    assert saved("m01.c1")["value"] == {"l1": "groom"}
    assert saved("m01.c1")["kind"] == "classify"
    ex._controls["l2"].value = "ok"
    assert saved("m01.c1")["value"] == {"l1": "groom", "l2": "ok"}


def test_classify_value_from_code_saves(saved):
    ex = classify()
    ex.value = {"l2": "groom"}
    assert shown(ex) == {"l1": None, "l2": "groom"}
    assert saved("m01.c1")["value"] == {"l2": "groom"}


def test_classify_restores_after_restart(restart):
    classify().value = {"l1": "groom", "l2": "ok"}
    restart()
    again = classify()
    assert again.value == {"l1": "groom", "l2": "ok"}
    assert shown(again) == {"l1": "groom", "l2": "ok"}
    settings.language = "en"
    assert shown(again) == {"l1": "groom", "l2": "ok"}


def test_classify_unknown_category_raises(saved_file):
    ex = classify()
    with pytest.raises(TraitError) as err:
        ex.value = {"l1": "spam"}
    assert str(err.value) == "m01.c1: unknown targets ['spam']; choose from groom, ok"
    assert ex.value is None
    assert saved_file() is None


def test_classify_score_is_one_share_per_item():
    key = {"answer": {"l1": "groom", "l2": "ok"}}
    assert Classify.score({"l1": "groom", "l2": "ok"}, key).fraction == 1.0
    assert Classify.score({"l1": "groom"}, key).fraction == 0.5
    assert Classify.score({"l1": "ok", "l2": "groom"}, key).fraction == 0.0


def test_an_unchosen_drop_down_shows_its_choose_entry():
    """An empty box reads as broken: the placeholder "— choose —" is selected, in the trainee's language."""
    ex = matching()
    assert all(c.index == 0 and c.label == "— اختر —" for c in ex._controls.values())
    ex.value = {"i1": "contact"}
    ex.value = None
    assert all(c.label == "— اختر —" for c in ex._controls.values())


# -- partial answers: "2 of 4 answered", not "saved" -------------------------------------------------
TIME = r"\(\d\d:\d\d:\d\d\)"


def test_matching_partial_answer_says_how_many_rows_are_answered(saved):
    """The issue: a classify item with 2 of 5 rows answered showed "saved" and counted as answered."""
    import re

    ex = matching()
    ex._controls["i1"].value = "contact"
    ex._controls["i3"].value = "conduct"
    assert saved("m01.m1")["value"] == {"i1": "contact", "i3": "conduct"}  # still saved (partial credit)
    assert re.fullmatch(f"◐ أجبت عن 2 من 4. حُفظت إجابتك {TIME}", ex.status_text())
    settings.language = "en"
    assert re.fullmatch(f"◐ 2 of 4 answered. Answer saved {TIME}", ex.status_text())
    assert "◐ 2 of 4 answered. Answer saved (" in ex._status.value
    for key, target in KEY["answer"].items():
        ex._controls[key].value = target
    assert re.fullmatch(f"✔ Answer saved {TIME}", ex.status_text())


def test_classify_partial_answer_and_its_grade_cell(grade_line):
    import re

    ex = classify()
    line = grade_line("m01.c1")
    ex._controls["l1"].value = "groom"
    assert re.match(f"◐ أجبت عن 1 من 2. حُفظت إجابتك {TIME} إجابتك المحفوظة: ", line.text())
    assert line.text().startswith(ex.status_text())


def test_partial_answer_restored_after_restart_is_still_partial(restart):
    matching().value = {"i2": "content"}
    restart()
    ex = matching()
    assert ex.status_text().startswith("◐ أجبت عن 1 من 4. حُفظت إجابتك (")


def test_clearing_every_row_is_not_answered(saved):
    ex = matching()
    ex._controls["i1"].value = "contact"
    ex._controls["i1"].value = ""
    assert ex.value is None
    assert ex.status_text() == "لم تُجب بعد."


def test_validate_reports_a_partial_matching(validating, grade_line):
    ex = classify()
    ex.value = {"l2": "ok"}
    with pytest.raises(NotAnswered) as err:
        grade_line("m01.c1")
    assert str(err.value) == RLI + "⚠ m01.c1 «صنّف كل سطر»: أجبت عن 1 من 2 فقط. أكمل الإجابة ثم أعد التحقّق." + PDI
    assert (err.value.answered, err.value.total) == (1, 2)
    settings.language = "en"
    with pytest.raises(NotAnswered, match=r"^⚠ m01.c1 “Classify each line”: only 1 of 2 answered\. "
                                          r"Complete it, then validate again\.$"):
        grade_line("m01.c1")
    ex.value = {"l1": "groom", "l2": "ok"}
    assert grade_line("m01.c1").text().startswith("✔ Answer saved (")


def test_progress_counts_rows():
    ex = matching()
    assert ex.progress(None) == (0, 4)
    assert ex.progress({"i1": "contact", "i4": "contract"}) == (2, 4)
