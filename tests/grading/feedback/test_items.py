"""grading.feedback.items: every exercise of every module rebuilt as its trainee saw it, from the source cells."""
from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

from curriculum import exercises as ex
from curriculum.datasets import m04
from curriculum.exercises.order import shuffled
from curriculum.settings import settings
from grading.feedback.items import _CHOICES, _TARGETS, shown_items
from grading.keys import notebook_keys, written_items

REPO = Path(__file__).resolve().parents[3]
NOTEBOOKS = sorted((REPO / "notebooks").glob("m*/m*.ipynb"))


def cells(path) -> list[tuple[str, str]]:
    nb = nbformat.read(str(path), as_version=4)
    return [(c.metadata.get("nbgrader", {}).get("grade_id", ""), c.source) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_graded_exercise_is_rebuilt_with_its_prompt_and_options(path, caplog):
    caplog.set_level(logging.WARNING)
    shown = shown_items(cells(path), "t-amal", logging.getLogger("test"))
    graded = set(notebook_keys(path)) | set(written_items(path))
    assert graded <= set(shown)
    for item in graded:
        found = shown[item]
        assert found.prompt.get("ar") and found.prompt.get("en"), item
        if _CHOICES[found.kind]:
            assert found.choices and all(v.get("ar") and v.get("en") for v in found.choices.values()), item
        if found.kind in ("matching", "classify"):
            assert found.targets, item
        if _TARGETS.get(found.kind) == "units" and found.targets:
            assert all(v.get("en") for v in found.targets.values()), item
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def test_a_trainees_own_data_gives_their_own_options_and_the_trainee_setting_is_restored():
    path = REPO / "notebooks" / "m04-crime-patterns" / "m04-crime-patterns.ipynb"
    before = settings.trainee
    for trainee in ("t-amal", "t-john"):
        shown = shown_items(cells(path), trainee)
        facts = m04.summary(trainee=trainee)
        assert shown["m04.q1"].choices == facts["month_options"]
        assert list(shown["m04.q9"].choices) == list(facts["claims"])
        assert facts["share_platform"] in shown["m04.q5"].prompt["en"]  # an f-string prompt
    assert m04.summary(trainee="t-amal")["month_options"] != m04.summary(trainee="t-john")["month_options"]
    assert settings.trainee == before


def test_drawing_calls_are_not_run(tmp_path):
    """Only the imports and assignments the exercises need are run: a figure or a file write is left out."""
    marker = tmp_path / "ran"
    source = [
        ("setup", "from curriculum import exercises as ex\nOPTIONS = {'a': {'ar': 'أ', 'en': 'A'}, 'b': {'ar': 'ب', 'en': 'B'}}"),
        ("fig", f"open({str(marker)!r}, 'w').write('x')\nUNUSED = open({str(marker)!r}, 'w')"),
        ("m99-q1-widget", 'ex.SingleChoice("m99.q1", prompt={"ar": "اختر", "en": "Pick"}, options=OPTIONS)'),
    ]
    shown = shown_items(source, "t1")
    assert shown["m99.q1"].choices["b"] == {"ar": "ب", "en": "B"}
    assert not marker.exists()


def test_a_part_that_cannot_be_rebuilt_is_left_empty(caplog):
    source = [("m99-q1-widget", 'ex.SingleChoice("m99.q1", prompt={"ar": "اختر", "en": "Pick"}, options=missing())')]
    shown = shown_items(source, "t1", logging.getLogger("test"))
    assert shown["m99.q1"].prompt == {"ar": "اختر", "en": "Pick"} and shown["m99.q1"].choices == {}
    assert shown["m99.q1"].label("b", "en") == "b"
    assert "m99.q1" in caplog.text


# -- options in the trainee's own order (curriculum/exercises/order.py) -----------------------------
_OPTS = {k: {"ar": f"خيار {k}", "en": f"Option {k}"} for k in "abcde"}
_ROWS = {k: {"ar": f"سطر {k}", "en": f"Line {k}"} for k in ("r1", "r2", "r3")}
_CATS = {k: {"ar": f"فئة {k}", "en": f"Category {k}"} for k in ("c1", "c2", "c3", "c4")}
_STEPS = {k: {"ar": f"خطوة {k}", "en": f"Step {k}"} for k in ("s3", "s1", "s4", "s2")}
_P = "{'ar': 'اختر', 'en': 'Pick'}"
_ORDERED = [
    ("setup", f"from curriculum import exercises as ex\nOPTS = {_OPTS!r}\nROWS = {_ROWS!r}\n"
              f"CATS = {_CATS!r}\nSTEPS = {_STEPS!r}"),
    ("m99-q1-widget", f'ex.SingleChoice("m99.q1", {_P}, options=OPTS)'),
    ("m99-q2-widget", f'ex.MultipleChoice("m99.q2", {_P}, OPTS)'),
    ("m99-q3-widget", f'ex.Matching("m99.q3", {_P}, items=ROWS, targets=CATS)'),
    ("m99-q4-widget", f'ex.Classify("m99.q4", {_P}, ROWS, categories=CATS)'),
    ("m99-q5-widget", f'ex.Ordering("m99.q5", {_P}, steps=STEPS)'),
    ("m99-q6-widget", f'ex.SingleChoice("m99.q6", {_P}, options=OPTS, shuffle=False)'),
]


def widgets_as(trainee, folder):
    """The widgets the trainee's kernel makes from the same cells (their order, as shown)."""
    before = (settings.trainee, settings.answers_dir)
    settings.trainee, settings.answers_dir = trainee, str(folder)
    try:
        made = [ex.SingleChoice("m99.q1", {"ar": "ا", "en": "P"}, _OPTS), ex.MultipleChoice("m99.q2", {"ar": "ا", "en": "P"}, _OPTS),
                ex.Matching("m99.q3", {"ar": "ا", "en": "P"}, _ROWS, _CATS), ex.Classify("m99.q4", {"ar": "ا", "en": "P"}, _ROWS, _CATS),
                ex.SingleChoice("m99.q6", {"ar": "ا", "en": "P"}, _OPTS, shuffle=False)]
        return {w.item_id: w.shown for w in made}
    finally:
        settings.trainee, settings.answers_dir = before
        for item in ("m99.q1", "m99.q2", "m99.q3", "m99.q4", "m99.q6"):
            ex.REGISTRY.pop(item, None)


def test_feedback_lists_options_in_the_order_the_trainees_widget_showed_them(tmp_path):
    """Choices, matching targets and classify categories in the trainee's own order; rows and steps as authored."""
    orders = set()
    for trainee in ("t-amal", "t-john", "t-sara", "t-omar"):
        shown = shown_items(_ORDERED, trainee)
        widget = widgets_as(trainee, tmp_path)
        assert list(shown["m99.q1"].choices) == widget["m99.q1"] == shuffled(list(_OPTS), trainee, "m99.q1")
        assert list(shown["m99.q2"].choices) == widget["m99.q2"]
        assert list(shown["m99.q3"].targets) == widget["m99.q3"] and list(shown["m99.q3"].choices) == list(_ROWS)
        assert list(shown["m99.q4"].targets) == widget["m99.q4"] and list(shown["m99.q4"].choices) == list(_ROWS)
        assert list(shown["m99.q5"].choices) == list(_STEPS)
        assert list(shown["m99.q6"].choices) == widget["m99.q6"] == list(_OPTS)  # shuffle=False
        assert shown["m99.q1"].choices["c"] == _OPTS["c"]  # labels go with their ids
        orders.add(tuple(shown["m99.q1"].choices))
    assert len(orders) > 1, "two trainees' pages list the options in different orders"


def test_feedback_keeps_the_authored_order_when_the_course_turns_shuffling_off(monkeypatch):
    monkeypatch.setattr(settings, "shuffle_options", False)
    shown = shown_items(_ORDERED, "t-amal")
    assert list(shown["m99.q1"].choices) == list(_OPTS) and list(shown["m99.q4"].targets) == list(_CATS)
