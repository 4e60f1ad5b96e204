"""grading.keys: answer keys are read from hidden tests as literals, never executed."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from curriculum.exercises import KINDS
from grading.keys import ItemKey, KeyProblem, notebook_keys, parse_key, parse_kind, written_items


FIXTURE_NB = Path(__file__).resolve().parents[1] / "fixtures/course/notebooks/m99-fixture/m99-fixture.ipynb"


def hidden(body: str, before: str = 'status("m99.q1")\n') -> str:
    return f"{before}### BEGIN HIDDEN TESTS\n{body}\n### END HIDDEN TESTS"


# -- parse_key ---------------------------------------------------------------

@pytest.mark.parametrize("literal, expected", [
    ("{'answer': 'b'}", {"answer": "b"}),
    ('{"answer": ["a", "c"], "options": ["a", "b", "c", "d"]}',
     {"answer": ["a", "c"], "options": ["a", "b", "c", "d"]}),
    ("{'answer': 90, 'tolerance': 0.5, 'relative': False, 'unit': 'days'}",
     {"answer": 90, "tolerance": 0.5, "relative": False, "unit": "days"}),
    ("{'answer': {'x': 'one', 'y': 'two'}}", {"answer": {"x": "one", "y": "two"}}),
    ("{'answer': ['حماية', 'himaya']}", {"answer": ["حماية", "himaya"]}),
    ("{\n    'answer': 'b',\n}", {"answer": "b"}),  # spread over lines
])
def test_parse_key_reads_the_literal_in_the_hidden_region(literal, expected):
    assert parse_key(hidden(f"KEY = {literal}")) == expected


def test_parse_key_ignores_other_statements_in_the_hidden_region():
    source = hidden("import math\nx = 1\nKEY = {'answer': 'c'}\nassert x == 1")
    assert parse_key(source) == {"answer": "c"}


def test_parse_key_reads_only_the_hidden_region():
    # a KEY outside the hidden region is not a key (it would be released)
    source = "KEY = {'answer': 'a'}\n" + hidden("KEY = {'answer': 'b'}")
    assert parse_key(source) == {"answer": "b"}


@pytest.mark.parametrize("source", [
    'status("m99.q1")',
    "KEY = {'answer': 'b'}",  # a KEY, but no hidden region
    "assert double(2) == 4",
    "",
])
def test_parse_key_without_hidden_region_is_none(source):
    assert parse_key(source) is None


@pytest.mark.parametrize("body", [
    "assert double(5) == 10",  # an ordinary nbgrader hidden test
    "key = {'answer': 'b'}",  # not KEY
    "OTHER = {'answer': 'b'}",
    "pass",
])
def test_parse_key_without_key_is_none(body):
    assert parse_key(hidden(body)) is None


def test_parse_key_on_the_fixture_lab_test_is_none():
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "lab-double-test")
    assert "BEGIN HIDDEN TESTS" in cell.source
    assert parse_key(cell.source) is None


@pytest.mark.parametrize("body", [
    "KEY = open('x')",
    "KEY = __import__('os').system('echo pwned')",
    "KEY = {'answer': 1 + 1}",
    "KEY = {'answer': ANSWER}",
    "KEY = dict(answer='b')",
    "KEY = {'answer': [x for x in 'ab']}",
])
def test_parse_key_refuses_non_literal_code(body, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KeyProblem, match="literal"):
        parse_key(hidden(body))
    assert list(tmp_path.iterdir()) == []  # nothing was executed


@pytest.mark.parametrize("body", ["KEY = {'answer': 'b'", "KEY == = 1", "  KEY = {'answer': 'b'}\n x = 1"])
def test_parse_key_refuses_syntax_errors(body):
    with pytest.raises(KeyProblem, match="not valid Python"):
        parse_key(hidden(body))


@pytest.mark.parametrize("body", [
    "KEY = {'options': ['a', 'b']}",
    "KEY = {}",
    "KEY = ['answer']",
    "KEY = 'answer'",
    "KEY = None",
])
def test_parse_key_refuses_a_key_without_answer(body):
    with pytest.raises(KeyProblem, match="'answer'"):
        parse_key(hidden(body))


def test_parse_key_reports_an_unhashable_literal_as_a_key_problem():
    """``ast.literal_eval`` raises TypeError, not ValueError, for a dict or set with an
    unhashable member; it must still be a KeyProblem, the only error
    ScoreWidgetAnswers turns into "this item scores 0" instead of failing the notebook."""
    with pytest.raises(KeyProblem):
        parse_key(hidden("KEY = {'answer': {['a']: 'one'}}"))
    with pytest.raises(KeyProblem):
        parse_key(hidden("KEY = {'answer': {1, []}}"))


def test_key_problem_is_a_value_error():
    assert issubclass(KeyProblem, ValueError)


# -- parse_kind --------------------------------------------------------------

#: class name -> kind, written out by hand (the module standard's list of types).
CLASS_KIND = {
    "SingleChoice": "single", "MultipleChoice": "multiple", "Ordering": "ordering",
    "Matching": "matching", "Classify": "classify", "Numeric": "numeric",
    "ShortText": "short", "FreeText": "free",
}


def test_every_exercise_class_is_covered():
    assert {cls.__name__: kind for kind, cls in KINDS.items()} == CLASS_KIND


@pytest.mark.parametrize("prefix", ["ex.", "", "exercises.", "curriculum.exercises."])
@pytest.mark.parametrize("name, kind", sorted(CLASS_KIND.items()))
def test_parse_kind_maps_class_to_kind(name, kind, prefix):
    source = f'{prefix}{name}("m07.q3", prompt={{"ar": "سؤال", "en": "Question"}})'
    assert parse_kind(source, "m07.q3") == kind


@pytest.mark.parametrize("source", [
    "ex.Ordering(\n    'm07.q3',\n    prompt={'ar': 'رتب', 'en': 'Order'},\n)",  # multi-line, single quotes
    "ex.Ordering( \"m07.q3\", prompt=p)",
])
def test_parse_kind_accepts_layouts(source):
    assert parse_kind(source, "m07.q3") == "ordering"


def test_parse_kind_picks_the_call_for_the_item():
    source = 'ex.SingleChoice("m07.q2", prompt=p, options=o)\nex.Numeric("m07.q3", prompt=p)'
    assert parse_kind(source, "m07.q3") == "numeric"
    assert parse_kind(source, "m07.q2") == "single"


@pytest.mark.parametrize("source", [
    'ex.SingleChoice("m07.q2", prompt=p, options=o)',  # creates another item
    'ex.SingleChoice("m07.q33", prompt=p, options=o)',  # a longer id is another item
    'ex.Slider("m07.q3", prompt=p)',  # not an exercise class
    'ex.SingleChoice(item_id="m07.q3", prompt=p)',  # the id must come first
    'print("m07.q3")',
    "",
])
def test_parse_kind_refuses_a_cell_that_does_not_create_the_item(source):
    with pytest.raises(KeyProblem, match="m07.q3"):
        parse_kind(source, "m07.q3")


# -- notebook_keys / written_items on the fixture ------------------------------

def test_notebook_keys_of_the_fixture():
    assert notebook_keys(FIXTURE_NB) == {
        "m99.q1": ItemKey("m99.q1", "single", {"answer": "b"}),
        "m99.q2": ItemKey("m99.q2", "multiple", {"answer": ["a", "c"], "options": ["a", "b", "c", "d"]}),
        "m99.q3": ItemKey("m99.q3", "ordering", {"answer": ["s1", "s2", "s3", "s4"]}),
        "m99.q4": ItemKey("m99.q4", "matching", {"answer": {"x": "one", "y": "two"}}),
        "m99.q5": ItemKey("m99.q5", "classify", {"answer": {"l1": "g", "l2": "o", "l3": "g", "l4": "o"}}),
        "m99.q6": ItemKey("m99.q6", "numeric", {"answer": 90, "tolerance": 0, "unit": "days"}),
        "m99.q7": ItemKey("m99.q7", "short", {"answer": ["حماية", "himaya"]}),
    }


def test_written_items_of_the_fixture():
    assert written_items(FIXTURE_NB) == ["m99.q8"]


def test_notebook_keys_accepts_a_string_path():
    assert sorted(notebook_keys(str(FIXTURE_NB))) == [f"m99.q{i}" for i in range(1, 8)]


def test_notebook_keys_needs_the_exercise_cell(tmp_path):
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] != "m99-q3-widget"]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(KeyProblem, match="m99-q3-widget"):
        notebook_keys(path)


def test_notebook_keys_refuses_an_exercise_cell_of_another_item(tmp_path):
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    widget = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "m99-q1-widget")
    widget.source = widget.source.replace('"m99.q1"', '"m99.q9"')
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(KeyProblem, match="m99.q1"):
        notebook_keys(path)


def test_notebook_keys_ignores_cells_without_nbgrader_metadata(tmp_path):
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(hidden("KEY = {'answer': 'z'}")))
    path = tmp_path / "extra.ipynb"
    nbformat.write(nb, str(path))
    assert notebook_keys(path) == notebook_keys(FIXTURE_NB)


# -- data-dependent keys ----------------------------------------------------------

def test_resolve_computes_a_key_from_the_trainees_own_data():
    from curriculum import synthetic
    from grading.keys import ItemKey, resolve

    spec = {"$data": "curriculum.synthetic:weekly_screen_time", "$pick": "peak_hours"}
    key = {"answer": spec, "tolerance": 0.05}
    for trainee in ("t-a", "t-b"):
        expected = synthetic.weekly_screen_time(trainee=trainee)["peak_hours"]
        assert resolve(key, trainee) == {"answer": expected, "tolerance": 0.05}
        assert ItemKey("m99.q6", "numeric", key).for_trainee(trainee).key["answer"] == expected
    assert resolve(key, "t-a") != resolve(key, "t-b")  # two trainees, two keys
    assert resolve({"answer": [spec, 1]}, "t-a")["answer"][1] == 1  # nested in lists too


@pytest.mark.parametrize("target", [
    "os:system", "builtins:eval", "curriculum.synthetic", "grading.keys:resolve", "curriculum..x:y", 42,
])
def test_resolve_only_calls_functions_of_the_curriculum_package(target):
    from grading.keys import resolve

    with pytest.raises(KeyProblem, match="must name a function"):
        resolve({"answer": {"$data": target}}, "t-a")


def test_resolve_reports_a_failing_generator_as_a_key_problem():
    from grading.keys import resolve

    with pytest.raises(KeyProblem, match="curriculum.synthetic:no_such_function"):
        resolve({"answer": {"$data": "curriculum.synthetic:no_such_function"}}, "t-a")
    with pytest.raises(KeyProblem, match="KeyError"):
        resolve({"answer": {"$data": "curriculum.synthetic:weekly_screen_time", "$pick": "nope"}}, "t-a")


# -- the explanation a key may carry (TEAM contract 1) ------------------------------------------

EXPLAIN = {"ar": "لأن ب هو الصحيح.", "en": "Because b is right."}


def test_explanation_is_read_from_the_key_and_optional():
    from grading.keys import explanation

    assert explanation(parse_key(hidden(f"KEY = {{'answer': 'b', 'explain': {EXPLAIN!r}}}")), "m99.q1") == EXPLAIN
    assert explanation({"answer": "b"}) is None


@pytest.mark.parametrize("explain, fix", [
    ("Because.", "both languages"),
    ({"en": "Because."}, "ar"),
    ({"ar": "لأن", "en": "  "}, "en"),
    ({"ar": "Because", "en": "Because."}, "no Arabic letters"),
])
def test_a_malformed_explanation_names_the_item_and_what_to_write(explain, fix, tmp_path):
    from grading.keys import explanation

    with pytest.raises(KeyProblem, match=fix) as err:
        explanation({"answer": "b", "explain": explain}, "m99.q1")
    assert "m99.q1" in str(err.value) and "'ar'" in str(err.value)
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "m99-q1")
    cell.source = hidden(f"KEY = {{'answer': 'b', 'explain': {explain!r}}}")
    nbformat.write(nb, str(tmp_path / "m.ipynb"))
    with pytest.raises(KeyProblem, match="m99.q1"):  # the content tests and tools that read keys stop on it
        notebook_keys(tmp_path / "m.ipynb")


def _with_explanations(keys: dict[str, ItemKey]) -> dict[str, ItemKey]:
    return {item: ItemKey(item, k.kind, {**k.key, "explain": EXPLAIN}) for item, k in keys.items()}


def test_every_exercise_accepts_and_ignores_an_explanation():
    """check_key of each widget of the fixture (one of every kind) takes a key with 'explain', and its score is
    the key's without it, for a right and a wrong answer."""
    from curriculum import exercises as ex
    from fixture_answers import PERFECT

    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    ex.REGISTRY.clear()
    namespace = {"ex": ex}
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"].endswith("-widget"):
            exec(cell.source, namespace)  # noqa: S102 - the course's own fixture
    keys = notebook_keys(FIXTURE_NB)
    explained = _with_explanations(keys)
    assert {k.kind for k in keys.values()} == set(KINDS) - {"free"}
    wrong = {"m99.q1": "a", "m99.q2": ["b"], "m99.q3": ["s4", "s3", "s2", "s1"], "m99.q4": {"x": "two"},
             "m99.q5": {"l1": "o"}, "m99.q6": {"number": 9, "unit": "days"}, "m99.q7": "no"}
    for item, key in explained.items():
        ex.REGISTRY[item].check_key(key.key)
        for answer in (PERFECT[item], wrong[item]):
            assert KINDS[key.kind].score(answer, key.key) == KINDS[key.kind].score(answer, keys[item].key), item
