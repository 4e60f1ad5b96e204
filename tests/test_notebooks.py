"""Every module notebook follows the module standard (notebooks/README.md)."""
import ast
import re
from pathlib import Path

import nbformat
import pytest

from curriculum import exercises as ex
from curriculum.settings import settings
from curriculum.exercises.base import grade_id
from curriculum.ids import MODULE, is_check
from curriculum.language import bilingual
from grading.keys import code_tests, notebook_keys, parse_key, written_items

REPO = Path(__file__).resolve().parent.parent
#: the modules and the knowledge check's two assignments (kc-check-pre, kc-check-post: curriculum/check.py)
MODULE_NOTEBOOKS = sorted((REPO / "notebooks").glob("m*/*.ipynb")) + sorted((REPO / "notebooks").glob("kc-*/*.ipynb"))

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]{3,}")
AR_BLOCK = re.compile(r'<div dir="rtl" lang="ar">(.*?)</div>', re.S)
EN_BLOCK = re.compile(r'<div dir="ltr" lang="en">(.*?)</div>', re.S)

LAB = re.compile(r"^m\d{2}[a-z]-")  # an optional analyst lab: m04a-analysis-lab


@pytest.fixture(params=MODULE_NOTEBOOKS, ids=lambda p: p.parent.name)
def path(request):
    return request.param


def is_lab(path) -> bool:
    return bool(LAB.match(path.stem))


LAB_NOTEBOOKS = [p for p in MODULE_NOTEBOOKS if is_lab(p)]
#: modules held to the full module standard (the orientation, the labs and the knowledge check have their own shape)
CORE_NOTEBOOKS = [p for p in MODULE_NOTEBOOKS if not is_lab(p) and not p.stem.startswith("m00") and not is_check(p.stem)]


def short_id(path) -> str:
    """m04-crime-patterns → m04; m04a-analysis-lab → m04a."""
    return path.stem.split("-")[0]


def nbg(cell):
    return cell.metadata.get("nbgrader", {})


def test_there_is_a_module():
    assert MODULE_NOTEBOOKS, "no module notebook under notebooks/"


def test_folder_and_notebook_are_named_after_the_module(path):
    assert path.stem == path.parent.name
    assert MODULE.fullmatch(path.stem)


def test_kernelspec_is_set_so_jupyterlab_never_asks(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", [p for p in MODULE_NOTEBOOKS if not is_lab(p)], ids=lambda p: p.parent.name)
def test_code_is_hidden_so_the_notebook_reads_like_a_lesson(path):
    """Labs excepted: an analyst lab shows its code, trainees write code there."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, nbg(cell).get("grade_id")


def test_every_cell_has_nbgrader_metadata_and_unique_ids(path):
    nb = nbformat.read(path, as_version=4)
    ids = [nbg(c).get("grade_id") for c in nb.cells]
    assert all(ids), "a cell has no nbgrader grade_id"
    assert len(ids) == len(set(ids))


def test_every_prose_cell_is_arabic_first_then_english(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        where = f"{path.name} cell {nbg(cell).get('grade_id')}"
        ar, en = AR_BLOCK.search(cell.source), EN_BLOCK.search(cell.source)
        assert ar and en, f"{where}: needs an Arabic and an English block"
        assert ar.start() < en.start(), f"{where}: Arabic must come first"
        assert ARABIC.search(ar.group(1)), f"{where}: the Arabic block has no Arabic"
        assert LATIN.search(en.group(1)), f"{where}: the English block has no English"


def test_no_answers_file_in_the_source_folder(path):
    assert not list(path.parent.rglob("himaya-answers*.json"))


def test_setup_cell_starts_the_module(path):
    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if nbg(c).get("grade_id") == "setup")
    assert f'start("{path.stem}")' in setup.source


def test_last_cell_is_the_references(path):
    nb = nbformat.read(path, as_version=4)
    last = nb.cells[-1]
    assert nbg(last).get("grade_id") == "references"
    assert "المراجع" in last.source and "References" in last.source


def _exercises(path):
    """Create every exercise of the notebook in this process, as its cells do."""
    nb = nbformat.read(path, as_version=4)
    ex.REGISTRY.clear()
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not nbg(cell).get("grade"):
            exec(cell.source, namespace)
    return dict(ex.REGISTRY)


def test_every_exercise_is_bilingual_and_every_key_fits_its_exercise(path):
    live = _exercises(path)
    keys = notebook_keys(path)
    written = written_items(path)
    assert set(keys) | set(written) <= set(live)
    for item, key in keys.items():
        key = key.for_trainee(settings.trainee, path.stem)  # per-trainee keys (data, the check's form) as the grader would
        exercise = live[item]
        assert exercise.kind == key.kind
        exercise.check_key(key.key)
        bilingual(exercise.prompt, item)
    graded = set(keys) | set(written)
    practice = {i for i, e in live.items() if e.practice is not None}
    assert set(live) == graded | practice, f"exercises without grade cell: {set(live) - graded - practice}"


def test_each_module_has_every_exercise_type(path):
    kinds = {k.kind for k in notebook_keys(path).values()} | ({"free"} if written_items(path) else set())
    if path.stem.startswith("m00"):
        assert kinds == set(ex.KINDS)


def test_grade_cells_are_locked_with_points_and_hidden_keys(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = nbg(cell)
        if meta.get("grade") and cell.cell_type == "code" and is_lab(path):  # a code test
            assert re.fullmatch(short_id(path) + r"-q\d+", meta["grade_id"]), meta["grade_id"]
            assert meta["locked"] and meta["points"] > 0
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']}: no hidden test"
        elif meta.get("grade") and cell.cell_type == "code":
            item = re.search(r'status\("([^"]+)"\)', cell.source).group(1)
            assert meta["grade_id"] == grade_id(item)
            assert meta["locked"] and meta["points"] > 0
            assert parse_key(cell.source) is not None
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            assert "KEY" not in visible
        if meta.get("task"):
            assert meta["points"] > 0
            assert "MARK SCHEME" not in cell.source, "rubrics live in grading/rubrics/"


def test_every_written_item_has_a_rubric(path):
    from grading import rubrics

    for item in written_items(path):
        text = rubrics.rubric(item)
        assert text and ARABIC.search(text) and LATIN.search(text), f"grading/rubrics/{item}.md"
        assert re.search(r"\d+\s*(pt|point)", text), f"{item}: the rubric gives no points"


def test_no_key_outside_hidden_tests(path):
    """Exercise cells are visible to trainees: a graded item's answer must not be there."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if nbg(cell).get("grade_id", "").endswith("-widget"):
            call = ast.parse(cell.source).body[0].value
            assert not any(k.arg == "practice" for k in call.keywords) or ".p" in ast.literal_eval(call.args[0])


def test_syllabus_maps_every_graded_item_and_nothing_else(path):
    import yaml

    syllabus = yaml.safe_load((REPO / "curriculum" / "syllabus.yaml").read_text(encoding="utf-8"))
    graded = set(notebook_keys(path)) | set(written_items(path)) | set(code_tests(path))
    if is_check(path.stem):  # the knowledge check: its slots, under knowledge_check:, not a module of the syllabus
        assert path.stem in (syllabus["knowledge_check"]["pre"], syllabus["knowledge_check"]["post"])
        assert {slot["id"] for slot in syllabus["knowledge_check"]["items"]} == graded and not written_items(path)
        return
    module = syllabus["modules"][path.stem]
    mapped = {item for outcome in module["outcomes"] for item in outcome["items"]}
    graded = set(notebook_keys(path)) | set(written_items(path)) | set(code_tests(path))
    assert mapped == graded
    for outcome in module["outcomes"]:
        bilingual(outcome["text"], outcome["id"])
        assert outcome["id"].startswith(short_id(path) + ".o")
    bilingual(module["title"], path.stem)


@pytest.mark.parametrize("path", CORE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_core_modules_meet_the_module_standard(path):
    """m01 on: ≥10 graded items of ≥4 types, practice before the graded items, a written answer."""
    keys, written = notebook_keys(path), written_items(path)
    assert len(keys) + len(written) >= 10
    assert len({k.kind for k in keys.values()} | ({"free"} if written else set())) >= 4
    assert written, "at least one written answer graded by the instructor"
    nb = nbformat.read(path, as_version=4)
    order = [nbg(c).get("grade_id", "") for c in nb.cells]
    practice = [i for i, g in enumerate(order) if re.fullmatch(short_id(path) + r"-p\d+-widget", g)]
    graded = [i for i, g in enumerate(order) if re.fullmatch(short_id(path) + r"-q\d+-widget", g)]
    # a later section may open with practice of its own (#15 §4): the first practice comes before any graded item
    assert practice and min(practice) < min(graded), "practice items come before the graded ones"


@pytest.mark.parametrize("path", LAB_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_labs_grade_code_with_at_least_eight_points(path):
    nb = nbformat.read(path, as_version=4)
    points = sum(nbg(c).get("points", 0) for c in nb.cells if nbg(c).get("grade"))
    assert len(code_tests(path)) >= 4 and points >= 8
    assert any(nbg(c).get("solution") for c in nb.cells)


# -- What widgets and feedback show as they are (#14) ------------------------------------------

HOUR_RANGE = re.compile(r"\b0 to 23\b|0 إلى 23")
MARKDOWN = re.compile(r"\*\*|`[^`]+`|\[[^\]]+\]\([^)]+\)")
#: modules whose graded keys carry an explanation for feedback (contract 1); add a module when its keys have one
EXPLAINED = ("m06", "m07", "m08", "m09", "m10")


def _texts(cell) -> list[str]:
    """The strings a widget or its feedback shows: the exercise call's literals and the key's explanation."""
    if cell.cell_type != "code":
        return []
    if nbg(cell).get("grade_id", "").endswith("-widget"):
        return [n.value for n in ast.walk(ast.parse(cell.source))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    key = parse_key(cell.source) or {}
    return list(key.get("explain", {}).values())


def test_widget_texts_carry_no_markdown(path):
    """Prompts, options and explanations are shown as text or HTML: a literal ** would reach the trainee as **."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for text in _texts(cell):
            assert not MARKDOWN.search(text), f"{nbg(cell).get('grade_id')}: Markdown in a widget text: {text[:80]!r}"


def test_a_numeric_item_declares_the_hour_range_its_prompt_states(path):
    """An hour field labelled “0 to 23” refuses 82 (#14): the prompt's range is the widget's range."""
    for item, exercise in _exercises(path).items():
        if exercise.kind == "numeric" and any(HOUR_RANGE.search(text) for text in exercise.prompt.values()):
            assert (exercise.minimum, exercise.maximum) == (0, 23), f"{item} says 0 to 23 but declares no such range"


@pytest.mark.parametrize("path", [p for p in CORE_NOTEBOOKS if short_id(p) in EXPLAINED], ids=lambda p: p.parent.name)
def test_every_graded_key_explains_its_answer_in_both_languages(path):
    """Feedback after the due date shows why the key is right; every graded widget item has that text."""
    for item, key in notebook_keys(path).items():
        explain = key.key.get("explain")
        assert isinstance(explain, dict) and set(explain) == {"ar", "en"}, f"{item}: KEY has no 'explain' in ar and en"
        assert ARABIC.search(explain["ar"]) and LATIN.search(explain["en"]) and not ARABIC.search(explain["en"]), item


@pytest.mark.parametrize("path", [p for p in CORE_NOTEBOOKS if short_id(p) in EXPLAINED], ids=lambda p: p.parent.name)
def test_every_trainees_numeric_key_lies_in_its_declared_range(path):
    """A range that refused a trainee's own right answer would lock them out of the marks: check many trainees' data."""
    live = _exercises(path)
    for item, key in notebook_keys(path).items():
        exercise = live[item]
        if key.kind == "numeric" and (exercise.minimum is not None or exercise.maximum is not None):
            for n in range(12):
                exercise.check_key(key.for_trainee(f"range-{n:02d}").key)


# -- m00-m05: explanations and ranges (H6, #14) ---------------------------------------------------
#: m00 is not a core module, so H6's modules are listed here rather than in EXPLAINED
EXPLAINED_FIRST_HALF = ("m00", "m01", "m02", "m03", "m04", "m05")
FIRST_HALF = [p for p in MODULE_NOTEBOOKS if short_id(p) in EXPLAINED_FIRST_HALF]


@pytest.mark.parametrize("path", FIRST_HALF, ids=lambda p: p.parent.name)
def test_m00_to_m05_keys_explain_their_answer_and_ranges_hold_for_every_trainee(path):
    test_every_graded_key_explains_its_answer_in_both_languages(path)
    test_every_trainees_numeric_key_lies_in_its_declared_range(path)


@pytest.mark.parametrize("path", FIRST_HALF, ids=lambda p: p.parent.name)
def test_an_item_on_the_trainees_own_data_explains_the_method_not_a_number(path):
    """A per-trainee key differs from trainee to trainee: its explanation gives the method, never one trainee's value."""
    for item, key in notebook_keys(path).items():
        if "$data" not in repr(key.key["answer"]) or key.kind != "numeric":
            continue
        text = " ".join(key.key["explain"].values()).replace(",", "")
        for n in range(12):
            value = key.for_trainee(f"explain-{n:02d}").key["answer"]
            assert not re.search(rf"(?<!\d)(?<!\d\.){re.escape(f'{value:g}')}(?!\.?\d)", text), \
                f"{item}: the explanation states trainee explain-{n:02d}'s answer {value:g}"


@pytest.mark.parametrize("path", FIRST_HALF, ids=lambda p: p.parent.name)
def test_a_numeric_item_asking_for_a_percentage_count_or_hours_refuses_a_negative_number(path):
    """Hours, counts and percentages cannot be negative; a percentage of a whole cannot pass 100 (contract 2)."""
    whole = re.compile(r"percentage of|what percentage|النسبة المئوية ل", re.I)
    for item, exercise in _exercises(path).items():
        if exercise.kind != "numeric":
            continue
        assert exercise.minimum == 0, f"{item}: declares no minimum of 0"
        if whole.search(exercise.prompt["en"]) or whole.search(exercise.prompt["ar"]):
            if "increase" not in exercise.prompt["en"]:
                assert exercise.maximum == 100, f"{item}: a percentage of a whole without maximum=100"
