"""grading.simulate: the simulated cohort's answers earn exactly what each persona should.

The exercises are the fixture module's own widgets, created in this process
(no kernel) with the trainee's state isolated in a temporary folder.
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")

import curriculum.answers as answers_module  # noqa: E402
import curriculum.exercises as exercises_module  # noqa: E402
from curriculum.exercises import KINDS, REGISTRY  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading import simulate  # noqa: E402
from grading.keys import notebook_keys, written_items  # noqa: E402
from fixture_answers import PERFECT  # noqa: E402

FIXTURE_NB = Path(__file__).resolve().parents[1] / "fixtures/course/notebooks/m99-fixture/m99-fixture.ipynb"
KEYS = notebook_keys(FIXTURE_NB)
STYLES = ("right", "partial", "wrong", "blank", "alternate")

#: What each style answers, worked out by hand from the fixture's keys and widgets.
EXPECTED = {
    "right": {**PERFECT, "m99.q7": "حماية"},  # the simulator types the key's first form
    "partial": {
        "m99.q1": "a",  # single choice has no partial answer: another option
        "m99.q2": ["a"],  # one right option, no wrong one
        "m99.q3": ["s2", "s1", "s3", "s4"],  # first two swapped
        "m99.q4": {"x": "one", "y": "one"},  # first half right
        "m99.q5": {"l1": "g", "l2": "o", "l3": "o", "l4": "g"},
        "m99.q6": {"number": 90, "unit": "days"},  # right
        "m99.q7": "  حماية ",  # right, typed with other case and spacing
    },
    "wrong": {
        "m99.q1": "a",
        "m99.q2": ["b", "d"],
        "m99.q3": ["s4", "s3", "s2", "s1"],
        "m99.q4": {"x": "two", "y": "one"},
        "m99.q5": {"l1": "o", "l2": "g", "l3": "o", "l4": "g"},
        "m99.q6": {"number": 187.0, "unit": "days"},  # 90 * 2 + 7
        "m99.q7": "zzz",
    },
}

#: The fraction of the points each style earns, by hand:
#: multiple ['a'] of ['a', 'c'] with no wrong pick: 1/2; ordering s2 s1 s3 s4: the
#: longest run in order (s1 s3 s4) is 3 of 4; matching 1 of 2 pairs; classify 2 of 4.
FRACTIONS = {
    "right": dict.fromkeys(EXPECTED["right"], 1.0),
    "partial": {"m99.q1": 0.0, "m99.q2": 0.5, "m99.q3": 0.75, "m99.q4": 0.5,
                "m99.q5": 0.5, "m99.q6": 1.0, "m99.q7": 1.0},
    "wrong": dict.fromkeys(EXPECTED["wrong"], 0.0),
}


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A clean trainee state (answers in tmp_path, trainee 't-test', Arabic) and the fixture's live exercises."""
    saved = {name: getattr(settings, name) for name in ("answers_dir", "trainee", "language")}
    stores, registry = dict(answers_module._stores), dict(REGISTRY)
    answers_module._stores.clear()
    REGISTRY.clear()
    monkeypatch.chdir(tmp_path)
    settings.answers_dir = str(tmp_path)
    settings.trainee = "t-test"
    settings.language = "ar"
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"].endswith("-widget"):
            exec(cell.source, {"ex": exercises_module})  # noqa: S102 - the fixture's own cells
    try:
        yield dict(REGISTRY)
    finally:
        answers_module._stores.clear()
        REGISTRY.clear()
        for name, value in saved.items():
            setattr(settings, name, value)
        answers_module._stores.update(stores)
        REGISTRY.update(registry)


def _answer(style, item, exercises, index=0):
    spec = KEYS[item]
    return simulate.answer(style, spec.kind, spec.key, exercises[item], index)


# -- answer ----------------------------------------------------------------------

@pytest.mark.parametrize("style", ["right", "partial", "wrong"])
def test_answer_for_each_kind(kernel, style):
    assert {item: _answer(style, item, kernel) for item in KEYS} == EXPECTED[style]


@pytest.mark.parametrize("style", ["right", "partial", "wrong"])
def test_answers_score_exactly_as_documented(kernel, style):
    for item, spec in KEYS.items():
        score = KINDS[spec.kind].score(_answer(style, item, kernel), spec.key)
        assert score.fraction == pytest.approx(FRACTIONS[style][item]), (style, item)


@pytest.mark.parametrize("style", ["right", "partial", "wrong"])
def test_answers_are_values_the_widgets_accept(kernel, style):
    for item in KEYS:
        value = _answer(style, item, kernel)
        assert kernel[item].clean(value) is not None, item  # raises if a widget could not hold it


def test_blank_answers_nothing(kernel):
    for index, item in enumerate(sorted(KEYS)):
        assert _answer("blank", item, kernel, index) is None


def test_alternate_answers_every_other_item_rightly(kernel):
    for index, item in enumerate(sorted(KEYS)):
        expected = EXPECTED["right"][item] if index % 2 == 0 else None
        assert _answer("alternate", item, kernel, index) == expected, item


@pytest.mark.parametrize("style", STYLES)
def test_written_answers_are_not_answered_by_answer(kernel, style):
    assert simulate.answer(style, "free", {}, kernel["m99.q8"]) is None


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        simulate.answer("wrong", "slider", {"answer": 3}, None)


def test_numeric_without_unit():
    key = {"answer": 2.5, "tolerance": 0.1}
    assert simulate.answer("right", "numeric", key, None) == {"number": 2.5, "unit": None}
    assert simulate.answer("wrong", "numeric", key, None) == {"number": 12.0, "unit": None}
    assert KINDS["numeric"].score(simulate.answer("wrong", "numeric", key, None), key).fraction == 0.0


# -- click and drive: the same path as a trainee's clicks ----------------------------------

@pytest.mark.parametrize("style", ["right", "partial", "wrong"])
def test_click_sets_the_widget_and_saves_the_answer(kernel, style):
    for item in KEYS:
        exercise = kernel[item]
        value = _answer(style, item, kernel)
        simulate.click(exercise, value)
        assert exercise.value == exercise.clean(value), item
    saved = json.loads(settings.answers_path.read_text(encoding="utf-8"))["answers"]
    assert {item: saved[item]["value"] for item in KEYS} == {item: kernel[item].value for item in KEYS}


def test_click_confirms_an_order_already_shown(kernel):
    exercise = kernel["m99.q3"]
    shown = list(exercise._order)
    simulate.click(exercise, shown)
    assert exercise.value == shown


def test_click_types_a_written_answer(kernel):
    simulate.click(kernel["m99.q8"], "البلاغات ليست عدد الضحايا.")
    assert kernel["m99.q8"].value == "البلاغات ليست عدد الضحايا."


def test_drive_answers_every_item_as_the_persona(kernel):
    plain = {item: {"kind": k.kind, "key": k.key} for item, k in KEYS.items()}
    given = simulate.drive("t-partial", plain, written_items(FIXTURE_NB))
    expected = {item: kernel[item].clean(v) for item, v in EXPECTED["partial"].items()}
    assert given == {**expected, "m99.q8": simulate.WRITTEN["partial"]["ar"]}
    saved = answers_module.read(settings.answers_path, trainee="t-test")
    assert saved.problem is None
    assert {item: saved.value(item) for item in given} == given


def test_drive_blank_persona_gives_nothing(kernel):
    plain = {item: {"kind": k.kind, "key": k.key} for item, k in KEYS.items()}
    assert simulate.drive("t-blank", plain, written_items(FIXTURE_NB)) == {}
    assert not settings.answers_path.exists()


# -- personas ------------------------------------------------------------------------

def test_personas_are_consistent():
    assert {style for _, style in simulate.PERSONAS.values()} <= set(STYLES)
    assert {lang for lang, _ in simulate.PERSONAS.values()} == {"ar", "en"}
    assert simulate.LATE | simulate.TAMPER | simulate.FOREIGN <= set(simulate.PERSONAS)
    for style, texts in simulate.WRITTEN.items():
        assert set(texts) == {"ar", "en"} and all(t.strip() for t in texts.values())
        assert 0.0 <= simulate.MANUAL_SHARE[style] <= 1.0


# -- tamper ---------------------------------------------------------------------------

def _grade_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]


def test_tamper_strips_edits_and_inserts():
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    first, second = _grade_cells(nb)[:2]
    assert first.metadata["nbgrader"]["grade_id"] == "m99-q1"
    first_at = nb.cells.index(first)
    second_source = second.source
    count = len(nb.cells)

    done = simulate.tamper(nb)

    assert len(done) == 3
    # the first test cell lost its metadata and its test
    assert "nbgrader" not in first.metadata
    assert first.source == 'print("full marks")'
    # the second was edited but kept its metadata
    assert second.metadata["nbgrader"]["grade_id"] == "m99-q2"
    assert second.source == second_source + "\n2.0"
    # two cells were added: one right before the first test cell, one at the end
    assert len(nb.cells) == count + 2
    assert "_steal()" in nb.cells[first_at].source and "curriculum.status = " in nb.cells[first_at].source
    assert nb.cells[first_at + 1] is first
    assert nb.cells[-1].source.startswith("_steal()")
    assert all("nbgrader" not in c.metadata for c in (nb.cells[first_at], nb.cells[-1]))
    # the remaining test cells are untouched
    assert [c.metadata["nbgrader"]["grade_id"] for c in _grade_cells(nb)] == [
        "m99-q2", "m99-q3", "m99-q4", "m99-q5", "m99-q6", "m99-q7", "lab-double-test"]
    nbformat.validate(nb)


def test_tamper_without_test_cells_only_adds_cells():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hello")])
    done = simulate.tamper(nb)
    assert len(done) == 1
    assert len(nb.cells) == 3
    assert nb.cells[0].source == "hello"
    assert "def _steal()" in nb.cells[1].source  # no test cell to stand before: appended
    assert nb.cells[2].source.startswith("_steal()")


FIXTURE_NB = Path(__file__).resolve().parent.parent / "fixtures" / "course" / "notebooks" / "m99-fixture" / "m99-fixture.ipynb"


def test_lab_solutions_are_the_source_code_without_markers():
    assert simulate.solutions(FIXTURE_NB) == {"lab-double": "def double(x):\n    return 2 * x"}


@pytest.mark.parametrize("style, expected", [
    ("right", ["s1", "s2", "s3", "s4"]), ("alternate", ["s1", "s3"]), ("partial", ["s1", "s2"]),
    ("blank", []), ("wrong", []),
])
def test_each_style_solves_its_share_of_a_lab(style, expected):
    assert simulate.solved(style, ["s1", "s2", "s3", "s4"]) == expected


def _released_lab(folder: Path) -> Path:
    nb = nbformat.read(FIXTURE_NB, as_version=4)
    for cell in nb.cells:  # as released: solution cleared; no widget to answer
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "lab-double":
            cell.source = "def double(x):\n    raise NotImplementedError()"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("lab")]
    folder.mkdir()
    nbformat.write(nb, folder / "lab.ipynb")
    return folder


@pytest.mark.parametrize("persona, passes", [("t-perfect", True), ("t-blank", False)])
def test_work_through_writes_the_solved_code_into_the_released_cells(tmp_path, persona, passes):
    folder = _released_lab(tmp_path / persona)
    simulate.work_through(folder, "lab.ipynb", persona, {}, [], code=simulate.solutions(FIXTURE_NB))
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(folder / "lab.ipynb", as_version=4).cells}
    errors = [o for o in cells["lab-double-test"].outputs if o.output_type == "error"]
    assert (not errors) is passes
    assert ("return 2 * x" in cells["lab-double"].source) is passes


def test_a_wrong_number_stays_inside_the_items_declared_range():
    """An hour item (0 to 23) refuses 2 × 20 + 7 = 47: the wrong persona must still answer, wrongly."""
    from types import SimpleNamespace

    hour = SimpleNamespace(item_id="m06.q1", minimum=0, maximum=23)
    for truth in (0, 11, 20, 23):
        key = {"answer": truth, "tolerance": 0}
        given = simulate.answer("wrong", "numeric", key, hour)
        assert 0 <= given["number"] <= 23 and given["number"] != truth
        assert KINDS["numeric"].score(given, key).fraction == 0.0
    with pytest.raises(ValueError, match="no wrong number fits"):
        simulate.wrong_number({"answer": 1, "tolerance": 5}, SimpleNamespace(item_id="m00.x", minimum=0, maximum=3))


def test_the_simulated_cohorts_kernels_print_no_start_up_warnings():
    """ipykernel's 'running over TCP without encryption', once per kernel, buried make demo's results."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from grading.simulate import Session\n"
                           "with Session('t-perfect'):\n    pass"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "without encryption" not in done.stderr and "WARNING" not in done.stderr, done.stderr[-2000:]


def test_grading_kernels_log_only_errors():
    from grading.kernel_launcher import QUIET_KERNEL
    from grading.preprocessors import TraineeKernelManager

    manager = TraineeKernelManager(kernel_name="python3")
    manager.connection_file = "/tmp/kernel-test.json"
    assert manager.format_kernel_cmd()[-len(QUIET_KERNEL):] == QUIET_KERNEL


def test_a_written_answer_is_on_disk_when_the_simulated_trainee_is_done(tmp_path):
    """A written answer is saved at a pause (curriculum/pause.py); the kernel lives on to the next
    module, so the simulated trainee's answers file must hold it as soon as work_through returns."""
    import json

    from grading.simulate import WRITTEN, Session

    folder = tmp_path / "t-perfect"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from curriculum import exercises as ex\n"
        "ex.FreeText('m99.w1', {'ar': 'اكتب ما تفعله أولًا', 'en': 'Write what you do first'})")])
    nbformat.write(nb, folder / "written.ipynb")
    with Session("t-perfect") as session:
        simulate.work_through(folder, "written.ipynb", "t-perfect", {}, ["m99.w1"], session=session)
        saved = json.loads((folder / "himaya-answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["m99.w1"]["value"] == WRITTEN["right"]["ar"]
