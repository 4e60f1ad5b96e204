"""What a trainee saw of each exercise: its prompt and its options, rebuilt from the instructor's record.

The feedback page states each question and describes the trainee's answer in
words, in the order the options were shown.  The exercise cells that made the
widgets are read from the gradebook's source cells (never from the
submission, which a trainee can edit).  Most arguments are literals; some
name data the notebook computed for this trainee (``options=facts["..."]``,
``items=m02.chat()["items"]``, an f-string prompt).  For those, only the
statements those names need (imports and assignments, no figure or display
call) are run, in the grader's process, with ``settings.trainee`` set to the
trainee: the same seeded data the trainee's kernel drew.

Options are listed in the trainee's own order: the one the widget showed them,
drawn from their id and the item's (curriculum/exercises/order.py, the
nbgrader student id being the trainee id), for the part each exercise kind
shuffles (``Exercise.shuffled``: choices, matching targets, classify
categories) unless the cell says ``shuffle=False``.  Rows and an ordering
item's steps keep the order the cell lists them (its author shuffled the steps).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import inspect
import io
from dataclasses import dataclass, field

from curriculum.check import CheckError, form, form_call
from curriculum.exercises import KINDS
from curriculum.ids import is_check
from curriculum.exercises.base import item_id as to_item
from curriculum.exercises.order import shown_order
from curriculum.settings import settings

#: The argument of each kind's constructor that lists what the trainee chooses from, and its targets.
_CHOICES = {"single": "options", "multiple": "options", "ordering": "steps", "matching": "items",
            "classify": "items", "numeric": None, "short": None, "free": None}
_TARGETS = {"matching": "targets", "classify": "categories", "numeric": "units"}
_BY_CLASS = {cls.__name__: kind for kind, cls in KINDS.items()}
_BUILTINS = set(dir(builtins))


@dataclass
class Shown:
    """One exercise as the trainee saw it; a part that could not be rebuilt is empty."""

    item_id: str
    kind: str
    prompt: dict = field(default_factory=dict)  # {"ar": ..., "en": ...}
    choices: dict = field(default_factory=dict)  # option / step / row id -> {"ar", "en"}, in shown order
    targets: dict = field(default_factory=dict)  # target / category / unit id -> {"ar", "en"}

    def label(self, choice: str, lang: str) -> str:
        return _text(self.choices.get(choice), lang, choice)

    def target(self, choice: str, lang: str) -> str:
        return _text(self.targets.get(choice), lang, choice)


def _text(value, lang: str, fallback: str) -> str:
    if isinstance(value, dict) and isinstance(value.get(lang), str):
        return value[lang]
    return str(fallback)


def _exercise_call(source: str, item: str) -> ast.Call | None:
    """The ``ex.Kind("item", ...)`` call of ``item`` in an exercise cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and node.args[0].value == item:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _BY_CLASS:
                return node
    return None


def _free_names(node: ast.AST) -> set[str]:
    """Names an expression or statement reads (those bound inside a comprehension included: harmless)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - _BUILTINS


def _bound_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _definitions(sources: list[str]) -> list[ast.stmt]:
    """The top-level imports and assignments of the cells before an exercise (calls that draw are left out)."""
    found = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        found += [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign))
                  and not (isinstance(s, ast.AnnAssign) and s.value is None)]
    return found


def _needed(definitions: list[ast.stmt], names: set[str]) -> list[ast.stmt]:
    """The statements, in order, that the expressions reading ``names`` depend on."""
    kept, wanted = [], set(names)
    for stmt in reversed(definitions):
        bound = _bound_names(stmt)
        if bound & wanted:
            kept.append(stmt)
            wanted = (wanted - bound) | _free_names(stmt.value if hasattr(stmt, "value") else stmt)
    return list(reversed(kept))


@contextlib.contextmanager
def _as_trainee(trainee: str):
    """``settings.trainee`` is the trainee's while their data are drawn; what is printed is dropped."""
    before = settings.trainee
    settings.trainee = trainee
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        settings.trainee = before


def shown_items(cells: list[tuple[str, str]], trainee: str, log=None, assignment: str | None = None) -> dict[str, Shown]:
    """Every exercise of a notebook as ``trainee`` saw it, by item id.

    ``cells``: (grade_id, source) of the notebook's cells in order, sources
    from the instructor's record.  Never raises: a part that cannot be rebuilt
    is left empty (and logged), and the page shows what it has.  In the knowledge check (``assignment``
    kc-…) a slot's cell holds two forms: the trainee's form is the one they saw.
    """
    calls = []
    for index, (grade_id, source) in enumerate(cells):
        if not grade_id.endswith("-widget"):
            continue
        item = to_item(grade_id[: -len("-widget")])
        call = _exercise_call(source, item) if item else None
        if item and is_check(assignment or ""):
            try:
                call = form_call(source, item, form(trainee, assignment))
            except CheckError as err:
                call = None
                if log:
                    log.warning("feedback: %s: %s", item, err)
        if call is not None:
            calls.append((index, item, call))
    if not calls:
        return {}
    wanted = set().union(*(_free_names(a) for _, _, c in calls for a in [*c.args, *c.keywords]))
    earlier = [source for grade_id, source in cells[: calls[-1][0]] if not grade_id.endswith("-widget")]
    namespace: dict = {}
    with _as_trainee(trainee):
        for stmt in _needed(_definitions(earlier), wanted):
            try:
                exec(compile(ast.Module([stmt], type_ignores=[]), "<exercise data>", "exec"), namespace)  # noqa: S102
            except Exception as err:  # noqa: BLE001 - the page then shows less, never fails
                if log:
                    log.warning("feedback: %s for %s could not be computed: %s: %s",
                                ast.unparse(stmt)[:60], trainee, type(err).__name__, err)
        return {item: _shown(item, call, namespace, log, trainee) for _, item, call in calls}


def _shuffle(call: ast.Call) -> bool:
    """The cell's ``shuffle=`` (a literal; anything else is the default, as the widget would refuse it)."""
    for keyword in call.keywords:
        if keyword.arg == "shuffle" and isinstance(keyword.value, ast.Constant):
            return keyword.value.value is not False
    return True


def _shown(item: str, call: ast.Call, namespace: dict, log, trainee: str = "") -> Shown:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
    kind = _BY_CLASS[name]
    values = {}

    def value(node):
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError):
            return eval(compile(ast.Expression(node), "<exercise argument>", "eval"), dict(namespace))  # noqa: S307

    parameters = [p for p in inspect.signature(KINDS[kind].__init__).parameters if p not in ("self", "kwargs")]
    named = [*zip(parameters, call.args), *[(k.arg, k.value) for k in call.keywords if k.arg]]
    for arg, node in named:
        if arg in ("prompt", _CHOICES[kind], _TARGETS.get(kind)):
            try:
                values[arg] = value(node)
            except Exception as err:  # noqa: BLE001
                if log:
                    log.warning("feedback: %s's %s could not be rebuilt: %s: %s", item, arg, type(err).__name__, err)
    shown = Shown(item, kind, _bilingual(values.get("prompt")), _labels(values.get(_CHOICES[kind])),
                  _labels(values.get(_TARGETS.get(kind))))
    shuffled = KINDS[kind].shuffled
    part = "choices" if shuffled and shuffled == _CHOICES[kind] else \
        "targets" if shuffled and shuffled == _TARGETS.get(kind) else None
    if part:  # in the order this trainee saw them
        labels = getattr(shown, part)
        setattr(shown, part, {k: labels[k] for k in shown_order(labels, trainee, item, _shuffle(call))})
    return shown


def _bilingual(value) -> dict:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def _labels(value) -> dict:
    if not isinstance(value, dict):
        return {}
    return {str(k): _bilingual(v) for k, v in value.items()}
