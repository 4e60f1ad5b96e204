"""The pre/post knowledge check (#19): two parallel forms, each trainee's own, the other one after the course.

Trainees take the check before m01 (``kc-check-pre``) and again after m10 (``kc-check-post``). Each slot assesses
one outcome with one item in form A and a different item, on the same outcome and worth the same points, in form
B, so taking one form does not teach the other. Which form comes first is drawn from the trainee's id alone
(SHA-256, the same on every machine), about half each way; the post check gives the other form. The syllabus's
``knowledge_check:`` block lists the slots; the check counts toward no module grade and no certificate.

A slot's exercise cell names both forms, each as a function that makes its exercise, and only the trainee's form
is made::

    check.slot("kc.q01", A=lambda: ex.SingleChoice("kc.q01", …), B=lambda: ex.SingleChoice("kc.q01", …))

Its grade cell's key holds both forms' keys, ``KEY = {"$form": {"A": {…}, "B": {…}}}``; the grader picks the
trainee's (grading/keys.py), so form B's answers earn nothing from a trainee assigned form A.
"""
from __future__ import annotations

import ast
import copy
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .ids import ITEM_ID, MODULE, is_check
from .settings import settings

FORMS = ("A", "B")


class CheckError(ValueError):
    """The knowledge check is misnamed or misconfigured; the message names what to fix."""


@dataclass(frozen=True)
class Slot:
    id: str       # kc.q01
    outcome: str  # m01.o3
    points: float

    @property
    def module(self) -> str:
        """The short id of the module whose outcome the slot assesses: m01."""
        return self.outcome.split(".")[0]


@dataclass(frozen=True)
class KnowledgeCheck:
    pre: str
    post: str
    forms: tuple[str, ...]
    slots: tuple[Slot, ...]

    @property
    def assignments(self) -> tuple[str, str]:
        return self.pre, self.post


def read(data: dict) -> KnowledgeCheck:
    """The ``knowledge_check:`` block of a syllabus mapping, checked."""
    spec = data.get("knowledge_check")
    if not isinstance(spec, dict):
        raise CheckError("curriculum/syllabus.yaml has no `knowledge_check:` block (pre, post, forms, items)")
    pre, post = spec.get("pre"), spec.get("post")
    for name in (pre, post):
        if not (isinstance(name, str) and MODULE.match(name) and is_check(name)):
            raise CheckError(f"knowledge_check: {name!r} is not a check assignment name (kc-…, e.g. kc-check-pre)")
    if pre == post:
        raise CheckError("knowledge_check: pre and post must be two assignments")
    if tuple(spec.get("forms", ())) != FORMS:
        raise CheckError(f"knowledge_check: forms must be {list(FORMS)}")
    outcomes = {o["id"] for m in data.get("modules", {}).values() for o in m.get("outcomes", [])}
    slots = []
    for entry in spec.get("items") or []:
        slot = Slot(str(entry.get("id")), str(entry.get("outcome")), float(entry.get("points", 0)))
        if not ITEM_ID.match(slot.id) or not slot.id.startswith("kc."):
            raise CheckError(f"knowledge_check: slot id {slot.id!r} must be kc.<name>, e.g. kc.q01")
        if slot.outcome not in outcomes:
            raise CheckError(f"knowledge_check: {slot.id}'s outcome {slot.outcome!r} is not an outcome of the syllabus")
        if slot.points <= 0:
            raise CheckError(f"knowledge_check: {slot.id} needs points above 0")
        slots.append(slot)
    if not slots or len({s.id for s in slots}) != len(slots):
        raise CheckError("knowledge_check: list the slots under items:, each id once")
    return KnowledgeCheck(pre, post, FORMS, tuple(slots))


@lru_cache(maxsize=1)
def load() -> KnowledgeCheck:
    """The course's knowledge check, from curriculum/syllabus.yaml."""
    return read(yaml.safe_load(resources.files("curriculum").joinpath("syllabus.yaml").read_text(encoding="utf-8")))


def form(trainee: str, assignment: str, check: KnowledgeCheck | None = None) -> str:
    """The form ``trainee`` takes in ``assignment`` (the pre or the post check): "A" or "B".

    Drawn from the trainee id alone, so it is the same in the trainee's kernel, the grader and the report;
    the post check gives the other form than the pre check.
    """
    check = check or load()
    if assignment not in check.assignments:
        raise CheckError(f"{assignment!r} is not the knowledge check: its assignments are {check.pre} and {check.post}")
    if not isinstance(trainee, str) or not trainee:
        raise CheckError("a trainee id is needed to choose the form of the knowledge check")
    first = hashlib.sha256(f"himaya-knowledge-check:{trainee}".encode("utf-8")).digest()[0] % 2
    return check.forms[first if assignment == check.pre else 1 - first]


def slot(slot_id: str, **forms):
    """The exercise of ``slot_id`` in this trainee's form (``A=`` and ``B=`` each make one; only one is made)."""
    if set(forms) != set(FORMS) or not all(callable(make) for make in forms.values()):
        raise CheckError(f"{slot_id}: give each form as a function that makes its exercise: A=lambda: …, B=lambda: …")
    if not is_check(settings.module):
        raise CheckError(f"{slot_id}: run the setup cell first (start(\"kc-check-pre\") or start(\"kc-check-post\"))")
    exercise = forms[form(settings.trainee, settings.module)]()
    if getattr(exercise, "item_id", None) != slot_id:
        raise CheckError(f"{slot_id}: each form's exercise must have the slot's id, not {getattr(exercise, 'item_id', None)!r}")
    return exercise


def form_call(source: str, slot_id: str, which: str) -> ast.Call | None:
    """The exercise call of form ``which`` in a slot's exercise cell (the body of its ``A=``/``B=`` function)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and node.args[0].value == slot_id and getattr(node.func, "attr", getattr(node.func, "id", "")) == "slot":
            for keyword in node.keywords:
                if keyword.arg == which and isinstance(keyword.value, ast.Lambda) \
                        and isinstance(keyword.value.body, ast.Call):
                    return keyword.value.body
    return None


def is_form_key(key) -> bool:
    return isinstance(key, dict) and "$form" in key


def form_key(key: dict, which: str) -> dict:
    """Form ``which``'s key of a slot key ``{"$form": {"A": {…}, "B": {…}}}``."""
    forms = key.get("$form")
    if not isinstance(forms, dict) or set(forms) != set(FORMS):
        raise CheckError(f"a knowledge-check key is {{'$form': {{'A': {{…}}, 'B': {{…}}}}}}, not {key!r}"[:200])
    chosen = forms[which]
    if not isinstance(chosen, dict) or "answer" not in chosen:
        raise CheckError(f"form {which}'s key must be a dict with an 'answer'")
    return copy.deepcopy(chosen)


def post_notebook(pre_nb, check: KnowledgeCheck | None = None):
    """The post check's notebook: the pre check's, started as the post assignment (nothing else differs)."""
    check = check or load()
    nb = copy.deepcopy(pre_nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup":
            cell.source = cell.source.replace(f'start("{check.pre}")', f'start("{check.post}")')
    return nb


def main() -> None:
    """Write the post check's notebook from the pre check's: ``python -m curriculum.check``."""
    from pathlib import Path

    import nbformat

    check = load()
    root = Path(__file__).resolve().parent.parent / "notebooks"
    pre = nbformat.read(root / check.pre / f"{check.pre}.ipynb", as_version=4)
    (root / check.post).mkdir(exist_ok=True)
    nbformat.write(post_notebook(pre, check), root / check.post / f"{check.post}.ipynb")
    print(f"wrote notebooks/{check.post}/{check.post}.ipynb from {check.pre}")


if __name__ == "__main__":
    main()
