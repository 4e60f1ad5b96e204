"""Shared state for the curriculum tests: every test gets its own answers folder.

The trainee's kernel keeps module-level state (the settings object, the
answers stores, the registry of live exercises); the autouse fixture below
resets all of it before each test and puts it back afterwards, so tests can
run in any order.
"""
from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import curriculum.answers as answers_module  # noqa: E402
import curriculum.exercises as exercises_module  # noqa: E402
from curriculum.settings import settings  # noqa: E402

_SETTINGS = ("answers_dir", "trainee", "language", "max_answers_bytes", "max_text_chars")


@pytest.fixture(autouse=True)
def fresh_state(tmp_path):
    """A clean kernel: empty answers folder, trainee 't-test', Arabic, no live exercises."""
    before = {name: getattr(settings, name) for name in _SETTINGS}
    stores = dict(answers_module._stores)
    registry = dict(exercises_module.REGISTRY)
    lines = dict(exercises_module.LINES)
    answers_module._stores.clear()
    exercises_module.REGISTRY.clear()
    exercises_module.LINES.clear()
    settings.answers_dir = str(tmp_path)
    settings.trainee = "t-test"
    settings.language = "ar"
    with matplotlib.rc_context():
        yield tmp_path
    import matplotlib.pyplot as plt
    plt.close("all")
    answers_module._stores.clear()
    exercises_module.REGISTRY.clear()
    exercises_module.LINES.clear()
    for name, value in before.items():
        setattr(settings, name, value)
    answers_module._stores.update(stores)
    exercises_module.REGISTRY.update(registry)
    exercises_module.LINES.update(lines)


@pytest.fixture
def grade_line(monkeypatch):
    """A grade cell: ``grade_line(item_id)`` runs ``status(item_id)`` and returns its live line."""
    from curriculum.exercises import base

    displayed = []
    monkeypatch.setattr(base, "display", lambda *objs: displayed.extend(objs), raising=False)

    def _status(item_id):
        base.status(item_id)
        (line,) = displayed[-1:]
        return line
    return _status


@pytest.fixture
def validating(monkeypatch):
    """The kernel runs under nbgrader's Validate (as the Validate button starts it)."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")


@pytest.fixture
def restart():
    """Simulate a kernel restart: forget the loaded answers and every live exercise."""
    def _restart():
        answers_module._stores.clear()
        exercises_module.REGISTRY.clear()
        exercises_module.LINES.clear()
    return _restart


@pytest.fixture
def saved_file():
    """The answers file as JSON (None when it does not exist)."""
    def _read():
        path = settings.answers_path
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    return _read


@pytest.fixture
def saved():
    """The saved answer entry of one item, or None."""
    def _entry(item_id):
        path = settings.answers_path
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))["answers"].get(item_id)
    return _entry


@pytest.fixture
def file_bytes():
    """The raw bytes of the answers file (None when missing): to prove it did not change."""
    def _bytes():
        path = settings.answers_path
        return path.read_bytes() if path.exists() else None
    return _bytes
