"""nbgrader's Validate on a released module: it names every item not (fully) answered, in the trainee's language.

The Validate button of JupyterLab runs nbgrader's :class:`Validator` on the
saved notebook in a fresh kernel with ``NBGRADER_EXECUTION=validate``; each
grade cell's ``status()`` then raises :class:`NotAnswered` for an unanswered or
partly answered item.  These tests run that same Validator on a released copy
of the fixture module (tests/fixtures/course/notebooks/m99-fixture).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

from curriculum.answers import Answers, write
from curriculum.exercises.base import PDI, RLI
from curriculum.settings import ANSWERS_FILENAME
from fixture_answers import PERFECT

TESTS = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # a kernel per test, as nbgrader runs it

MODULE = "m99-fixture"
KINDS = {"m99.q1": "single", "m99.q2": "multiple", "m99.q3": "ordering", "m99.q4": "matching",
         "m99.q5": "classify", "m99.q6": "numeric", "m99.q7": "short", "m99.q8": "free"}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The student version of the fixture module, as nbgrader releases it (hidden tests removed)."""
    from grading.config import Layout
    from grading.course import Course

    root = tmp_path_factory.mktemp("validate")
    shutil.copytree(TESTS / "fixtures" / "course" / "notebooks", root / "notebooks")
    course = Course(Layout(root=root, work="build"))
    result = course.api.generate_assignment(MODULE)
    assert result["success"], result.get("log")
    return course.release_dir(MODULE)


@pytest.fixture
def fetched(released, tmp_path, monkeypatch) -> Path:
    """A trainee's copy of the released module; kernels see its folder as the answers folder."""
    folder = tmp_path / MODULE
    shutil.copytree(released, folder)
    monkeypatch.setenv("HIMAYA_ANSWERS_DIR", str(folder))
    monkeypatch.setenv("HIMAYA_TRAINEE", "t1")
    monkeypatch.delenv("HIMAYA_LANG", raising=False)
    return folder / f"{MODULE}.ipynb"


def answer(notebook: Path, values: dict, language: str) -> None:
    write(notebook.parent / ANSWERS_FILENAME, Answers(trainee="t1", language=language, items={
        item: {"value": value, "kind": KINDS[item], "time": "2026-12-07T01:00:00+00:00", "changes": 1}
        for item, value in values.items()}))


def solve_code_exercise(notebook: Path) -> None:
    """Write the trainee's code in the fixture's ordinary nbgrader exercise (an unlocked solution cell)."""
    nb = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "lab-double"]
    cell.source = "def double(x):\n    return 2 * x"
    nbformat.write(nb, notebook)


TRAINEE_CONFIG = TESTS.parent / "deploy" / "jupyter" / "common" / "nbgrader_config.py"


def trainee_config():
    """The nbgrader settings a trainee's Validate button reads (on the hub and in ``make lab``)."""
    return PyFileConfigLoader(TRAINEE_CONFIG.name, str(TRAINEE_CONFIG.parent)).load_config()


def validate(notebook: Path) -> dict[str, str]:
    """grade_id -> the error nbgrader's Validate shows for each failed cell (empty: "Success!")."""
    result = Validator(config=trainee_config()).validate(str(notebook))
    assert set(result) <= {"failed"}, result
    nb = nbformat.read(notebook, as_version=4)
    ids = {c.source.strip(): c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata}
    return {ids[f["source"]]: f["raw_error"] for f in result.get("failed", [])}


def test_nothing_answered_fails_naming_every_item_in_arabic(fetched):
    """The issue: Validate on a module with nothing answered said "Success! Your notebook passes all the tests"."""
    failed = validate(fetched)
    assert set(failed) == {f"m99-q{i}" for i in range(1, 8)} | {"m99-q8-widget", "lab-double-test"}
    prompts = {"m99-q1": "اختر ب", "m99-q2": "اختر أ وج", "m99-q3": "رتب", "m99-q4": "طابق",
               "m99-q5": "صنف", "m99-q6": "كم يومًا؟", "m99-q7": "اكتب حماية", "m99-q8-widget": "اشرح"}
    for grade_id, prompt in prompts.items():
        item = grade_id.removesuffix("-widget").replace("-", ".")
        # the whole error is the message: no traceback for a trainee to read through
        assert failed[grade_id] == f"{RLI}⚠ {item} «{prompt}»: لم تُجب عن هذا السؤال بعد. أجب عنه ثم أعد التحقّق.{PDI}", grade_id


def test_partial_answer_fails_naming_the_item_and_how_much_in_english(fetched):
    solve_code_exercise(fetched)
    answer(fetched, {**PERFECT, "m99.q5": {"l1": "g", "l3": "g"}, "m99.q8": "Reports are not victims."}, "en")
    failed = validate(fetched)
    assert failed == {"m99-q5": "⚠ m99.q5 “Sort”: only 2 of 4 answered. Complete it, then validate again."}


@pytest.mark.parametrize("written", ["", "   \n  "])
def test_a_written_answer_not_written_fails_naming_it_in_english(fetched, written):
    """A written answer has no grade cell: its widget's own cell is what Validate reports (validate_all)."""
    solve_code_exercise(fetched)
    answer(fetched, {**PERFECT, "m99.q8": written}, "en")
    assert validate(fetched) == {
        "m99-q8-widget": "⚠ m99.q8 “Explain”: not answered yet. Answer it, then validate again."}


def test_everything_answered_passes(fetched, capsys):
    solve_code_exercise(fetched)
    answer(fetched, {**PERFECT, "m99.q1": "a", "m99.q8": "Reports are not victims."}, "ar")  # a wrong answer is an answer
    assert validate(fetched) == {}
    validator = Validator(config=trainee_config())
    validator.stream = __import__("io").StringIO()
    validator.validate_and_print(str(fetched))
    assert validator.stream.getvalue() == "Success! Your notebook passes all the tests.\n"


def test_validate_output_a_trainee_reads(fetched):
    """What `nbgrader validate` prints for one unanswered item: the cell, then our one-line message."""
    solve_code_exercise(fetched)
    answer(fetched, {**{k: v for k, v in PERFECT.items() if k != "m99.q6"}, "m99.q8": "Reports are not victims."}, "en")
    validator = Validator(config=trainee_config())
    validator.stream = __import__("io").StringIO()
    validator.validate_and_print(str(fetched))
    text = validator.stream.getvalue()
    assert "VALIDATION FAILED ON 1 CELL(S)!" in text
    assert re.search(r'The following cell failed:\n\n    status\("m99.q6"\)\n\nThe error was:\n\n'
                     r'    ⚠ m99.q6 “How many days\?”: not answered yet. Answer it, then validate again.\n', text), text
    assert "Traceback" not in text and "File " not in text


def test_library_warnings_under_validate_do_not_fail_a_cell(tmp_path):
    """Validate fails a locked cell with stderr: a library's warning must not reach it, a trainee's error still does."""
    import subprocess
    import sys

    code = ("import curriculum, logging, sys, warnings\n"
            "warnings.warn('deprecated', DeprecationWarning)\nwarnings.warn('a library warning')\n"
            "logging.getLogger('matplotlib.font_manager').warning('Matplotlib is building the font cache')\n"
            "print('an error', file=sys.stderr)")
    env = {**__import__("os").environ, "NBGRADER_EXECUTION": "validate"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=TESTS.parent)
    assert run.stderr == "an error\n"
    env.pop("NBGRADER_EXECUTION")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=TESTS.parent)
    assert "a library warning" in run.stderr and "font cache" in run.stderr  # outside Validate nothing is hidden
