"""Shared looks: every exercise's widgets wear one Layout and one Style model per distinct look."""
from __future__ import annotations

import ipywidgets as widgets
import pytest

from curriculum.exercises import (
    Classify,
    FreeText,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortText,
    SingleChoice,
    look,
)
from curriculum.settings import settings

OPTIONS = {"a": {"ar": "أ", "en": "A"}, "b": {"ar": "ب", "en": "B"}, "c": {"ar": "ج", "en": "C"}}
PROMPT = {"ar": "سؤال", "en": "A question"}


def every_kind(n: int) -> list[widgets.Widget]:
    """One exercise of each kind whose controls share looks, the n-th set (distinct item ids)."""
    return [
        SingleChoice(f"m01.s{n}", PROMPT, OPTIONS, practice={"answer": "a"}),
        MultipleChoice(f"m01.mc{n}", PROMPT, OPTIONS),
        Matching(f"m01.m{n}", PROMPT, OPTIONS, OPTIONS),
        Classify(f"m01.c{n}", PROMPT, OPTIONS, OPTIONS),
        Ordering(f"m01.o{n}", PROMPT, OPTIONS),
        ShortText(f"m01.t{n}", PROMPT),
        Numeric(f"m01.n{n}", PROMPT, OPTIONS),
        FreeText(f"m01.f{n}", PROMPT),
    ]


def tree(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from tree(child)


def models(exercises, trait: str) -> list[widgets.Widget]:
    return [getattr(w, trait) for e in exercises for w in tree(e) if getattr(w, trait, None) is not None]


def test_widgets_wear_one_model_per_look_and_exercises_keep_their_looks():
    exercises = every_kind(1) + every_kind(2)
    layouts, styles = models(exercises, "layout"), models(exercises, "style")
    # one model per distinct look: the same CSS is never two models
    assert len({id(m) for m in layouts}) == len({tuple(sorted(m.get_state().items())) for m in layouts})
    assert len({id(m) for m in layouts}) < len(layouts) / 5
    assert len({id(m) for m in styles}) < len(styles) / 5
    # the looks the controls wore when each had its own model
    matching = exercises[2]
    assert matching.layout.width == "100%"
    row = matching.children[1].children[0]
    assert (row.layout.width, row.layout.align_items) == ("100%", "center")
    assert row.children[0].layout.flex == "1 1 60%"
    assert (row.children[1].layout.width, row.children[1].layout.min_width) == ("auto", "12em")
    assert exercises[3].children[1].children[0].children[1].style.button_width == "auto"
    arrows = exercises[4].children[1].children[1].children[:2]
    assert [(a.layout.width, a.layout.flex) for a in arrows] == [("2.6em", "0 0 auto")] * 2


def test_answering_and_relabelling_change_no_shared_look():
    exercises = every_kind(1)
    shared = {id(m): (m, m.get_state()) for m in models(exercises, "layout") + models(exercises, "style")}
    single, multiple, matching, classify, ordering, short, numeric, free = exercises
    single.value, multiple.value = "b", ["a", "c"]
    matching.value, classify.value = {"a": "b"}, {"a": "c", "b": "a"}
    ordering.move(0, 1)
    short.value, numeric.value, free.value = "نص", {"number": 3, "unit": "a"}, "جواب"
    single._practice_check()
    for lang in ("en", "ar"):
        settings.language = lang
        for exercise in exercises:
            exercise.relabel()
    assert {key: model.get_state() for key, (model, _) in shared.items()} == {
        key: state for key, (_, state) in shared.items()}


def test_a_closed_look_is_made_anew():
    first = look.layout(width="7em")
    assert look.layout(width="7em") is first
    first.close()
    again = look.layout(width="7em")
    assert again is not first and again.comm is not None and again.width == "7em"


def test_a_style_on_a_widget_without_one_is_refused():
    with pytest.raises(TypeError, match="VBox has no style"):
        look.make(widgets.VBox, style={"button_width": "auto"})
