"""grading.feedback.items: every exercise of every module rebuilt as its trainee saw it, from the source cells."""
from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

from curriculum.datasets import m04
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
