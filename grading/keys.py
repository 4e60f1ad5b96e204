"""Reading answer keys from the instructor's record, never from a trainee's notebook.

A graded widget item's key sits in its grade cell between ``### BEGIN HIDDEN
TESTS`` and ``### END HIDDEN TESTS`` as ``KEY = <literal>``.  nbgrader removes
that region from the release and keeps the full cell in the gradebook, so the
grader reads keys from the gradebook's source cells, where no submission can
change them, and parses them with ``ast.literal_eval`` (nothing is executed).
The item's type is read from its exercise cell (``grade_id`` + ``-widget``) in
the same record.
"""
from __future__ import annotations

import ast
import copy
import importlib
import re
from dataclasses import dataclass
from functools import lru_cache

from curriculum import check
from curriculum.exercises import KINDS
from curriculum.ids import CALL as _CALL  # exercise calls, as every item id is shaped

_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\s*\n(.*?)### END HIDDEN TESTS", re.S)

_BY_CLASS = {cls.__name__: kind for kind, cls in KINDS.items()}


class KeyProblem(ValueError):
    """A key or exercise cell in the course source cannot be used (an authoring error)."""


_DATA = re.compile(r"^curriculum(?:\.[a-z_][a-z0-9_]*)+:[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class ItemKey:
    item_id: str
    kind: str
    key: dict

    def for_trainee(self, trainee: str, assignment: str | None = None) -> "ItemKey":
        """This key with its data-dependent parts computed from ``trainee``'s seed (and, for the knowledge
        check, the key of the form ``trainee`` takes in ``assignment``)."""
        return ItemKey(self.item_id, self.kind, resolve(self.key, trainee, assignment))


def resolve(value, trainee: str, assignment: str | None = None):
    """Replace every ``{"$data": "curriculum.module:function", "$pick": "field"}`` in a key.

    A knowledge-check key, ``{"$form": {"A": {…}, "B": {…}}}``, is first replaced by the key of the form
    ``trainee`` takes in ``assignment`` (curriculum/check.py): it cannot be resolved without the assignment.

    Items that read a trainee's own synthetic figure have keys that differ per
    trainee: the key names the seeded generator that drew the figure and the
    field that answers the item, and the grader calls it with the trainee's
    id.  Only functions of the ``curriculum`` package can be named.
    """
    if check.is_form_key(value):
        if not assignment:
            raise KeyProblem("a knowledge-check key has a form per trainee: resolve it with the assignment")
        try:
            chosen = check.form_key(value, check.form(trainee, assignment))
        except check.CheckError as err:
            raise KeyProblem(str(err)) from None
        return resolve(chosen, trainee, assignment)
    if isinstance(value, dict):
        if "$data" in value:
            return _compute(value, trainee)
        return {k: resolve(v, trainee, assignment) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, trainee, assignment) for v in value]
    return value


@lru_cache(maxsize=32)
def _generated(target: str, trainee: str):
    """A trainee's synthetic data, drawn once per grading process (a module's items pick from the same draw)."""
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)(trainee=trainee)


def _compute(spec: dict, trainee: str):
    target = spec.get("$data")
    if not isinstance(target, str) or not _DATA.match(target):
        raise KeyProblem(f"'$data' must name a function as 'curriculum.module:function', got {target!r}")
    try:
        data = _generated(target, trainee)
        return copy.deepcopy(data[spec["$pick"]] if "$pick" in spec else data)
    except KeyProblem:
        raise
    except Exception as err:  # an authoring error: this item scores 0 and is logged
        raise KeyProblem(f"computing {target} for {trainee!r} failed: {type(err).__name__}: {err}") from None


def parse_key(source: str) -> dict | None:
    """The ``KEY`` literal of a grade cell's hidden tests, or None if it has none."""
    match = _HIDDEN.search(source)
    if not match:
        return None
    try:
        tree = ast.parse(match.group(1))
    except SyntaxError as err:
        raise KeyProblem(f"hidden tests are not valid Python: {err}") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["KEY"]:
            try:
                key = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as err:
                raise KeyProblem(f"KEY must be a literal: {err}") from None
            if check.is_form_key(key):  # the knowledge check: a key per form, each with its answer
                try:
                    for which in check.FORMS:
                        check.form_key(key, which)
                except check.CheckError as err:
                    raise KeyProblem(str(err)) from None
                return key
            if not isinstance(key, dict) or "answer" not in key:
                raise KeyProblem("KEY must be a dict with an 'answer'")
            return key
    return None


def explanation(key: dict, item_id: str = "") -> dict | None:
    """The key's ``"explain"`` as ``{"ar", "en"}``, or None when it has none.

    Never scored, and shown in feedback only after the module's due date
    (grading/feedback/teach.py); the scorers and every exercise's ``check_key``
    ignore it.  A malformed one raises :class:`KeyProblem` saying what to write.
    """
    if "explain" not in key:
        return None
    from curriculum.language import MissingLanguage, bilingual

    try:
        return bilingual(key["explain"], f"{item_id or 'KEY'}: KEY['explain']")
    except MissingLanguage as err:
        raise KeyProblem(f"{err} (write 2-3 sentences in each: {{'ar': '...', 'en': '...'}})") from None


def parse_kind(widget_source: str, item_id: str) -> str:
    """The exercise kind that the exercise cell of ``item_id`` creates."""
    for name, found_id in _CALL.findall(widget_source):
        if found_id == item_id and name in _BY_CLASS:
            return _BY_CLASS[name]
    raise KeyProblem(f"no exercise for {item_id} in its exercise cell")


def notebook_keys(path) -> dict[str, ItemKey]:
    """Keys of every graded widget item of a source notebook, by item id.

    For instructors' tools (the demo's simulated cohort, tests); grading itself
    reads keys from the gradebook.
    """
    import nbformat

    from curriculum.exercises.base import item_id as to_item

    nb = nbformat.read(str(path), as_version=4)
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}
    keys = {}
    for grade_id, source in sources.items():
        item = to_item(grade_id or "")
        key = parse_key(source) if item else None
        if key is not None:
            widget = sources.get(f"{grade_id}-widget")
            if widget is None:
                raise KeyProblem(f"{item}: no exercise cell '{grade_id}-widget'")
            for each in ([check.form_key(key, w) for w in check.FORMS] if check.is_form_key(key) else [key]):
                explanation(each, item)  # a malformed explanation is an authoring error to fix, named here
            keys[item] = ItemKey(item, parse_kind(widget, item), key)
    return keys


def written_items(path) -> list[str]:
    """Item ids of the written answers (task cells) of a source notebook."""
    import nbformat

    from curriculum.exercises.base import item_id as to_item

    nb = nbformat.read(str(path), as_version=4)
    return [to_item(c.metadata["nbgrader"]["grade_id"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("task") and to_item(c.metadata["nbgrader"].get("grade_id", ""))]


def code_tests(path) -> list[str]:
    """Item ids of the code tests of a source notebook (an analyst lab's graded test cells)."""
    import nbformat

    from curriculum.exercises.base import item_id as to_item

    nb = nbformat.read(str(path), as_version=4)
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        item = to_item(meta.get("grade_id", ""))
        if cell.cell_type == "code" and meta.get("grade") and item and parse_key(cell.source) is None:
            out.append(item)
    return out
