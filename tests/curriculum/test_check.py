"""curriculum.check: the pre/post knowledge check's forms, slots and notebooks (#19 point 1)."""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

from curriculum import check
from curriculum import exercises as ex
from curriculum.ids import ITEM_ID, MODULE, is_check, is_core, is_lab
from curriculum.language import bilingual
from curriculum.settings import settings
from grading.keys import KeyProblem, notebook_keys

REPO = Path(__file__).resolve().parents[2]
KC = check.load()
PRE = REPO / "notebooks" / KC.pre / f"{KC.pre}.ipynb"
POST = REPO / "notebooks" / KC.post / f"{KC.post}.ipynb"
CORE = [f"m{n:02d}" for n in range(1, 11)]


def _syllabus() -> dict:
    return yaml.safe_load((REPO / "curriculum" / "syllabus.yaml").read_text(encoding="utf-8"))


# -- which form a trainee takes -----------------------------------------------------------------

def test_the_form_is_the_same_every_time_and_the_post_check_gives_the_other():
    for n in range(200):
        trainee = f"t-{n:03d}"
        first = check.form(trainee, KC.pre)
        assert first in check.FORMS and first == check.form(trainee, KC.pre)
        assert check.form(trainee, KC.post) == ({"A", "B"} - {first}).pop()


@pytest.mark.parametrize("cohort", [[f"t-{n:03d}" for n in range(400)],
                                    [f"officer-{n}@moi.example" for n in range(1, 205)],
                                    ["t-perfect", "t-blank", "t-partial", "t-late", "t-tamper", "t-copy",
                                     "t-half", "t-arabic", "t-english"]])
def test_about_half_of_a_cohort_takes_each_form_first(cohort):
    """Half each way: a share of form A outside what a fair coin gives this cohort 999 times in 1,000 fails."""
    counts = Counter(check.form(t, KC.pre) for t in cohort)
    n = len(cohort)
    spread = 3.3 * (n * 0.25) ** 0.5  # a binomial's 99.9% two-sided bound
    assert abs(counts["A"] - n / 2) <= spread, counts
    assert Counter(check.form(t, KC.post) for t in cohort) == {"A": counts["B"], "B": counts["A"]}


def test_the_form_refuses_what_is_not_the_check():
    with pytest.raises(check.CheckError, match="kc-check-pre and kc-check-post"):
        check.form("t-001", "m01-digital-world")
    with pytest.raises(check.CheckError, match="trainee id"):
        check.form("", KC.pre)


# -- the syllabus block ----------------------------------------------------------------------------

def test_the_syllabus_block_names_the_two_assignments_and_two_slots_per_core_module():
    assert (KC.pre, KC.post, KC.forms) == ("kc-check-pre", "kc-check-post", ("A", "B"))
    assert all(MODULE.match(a) and is_check(a) and not is_core(a) and not is_lab(a) for a in KC.assignments)
    per_module = Counter(slot.module for slot in KC.slots)
    assert per_module == {m: 2 for m in CORE}
    assert len({slot.outcome for slot in KC.slots}) == len(KC.slots)  # a slot per outcome: no outcome twice
    assert all(ITEM_ID.match(slot.id) and slot.points > 0 for slot in KC.slots)


@pytest.mark.parametrize("change, error", [
    (lambda kc: kc.update(pre="m01-digital-world"), "not a check assignment name"),
    (lambda kc: kc.update(post=kc["pre"]), "two assignments"),
    (lambda kc: kc.update(forms=["A"]), "forms must be"),
    (lambda kc: kc["items"].append({"id": "kc.q99", "outcome": "m42.o1", "points": 1}), "not an outcome"),
    (lambda kc: kc["items"].append(dict(kc["items"][0])), "each id once"),
    (lambda kc: kc["items"][0].update(points=0), "points above 0"),
    (lambda kc: kc["items"][0].update(id="m01.q1"), "must be kc."),
])
def test_a_misconfigured_block_is_refused_naming_what_to_fix(change, error):
    data = _syllabus()
    change(data["knowledge_check"])
    with pytest.raises(check.CheckError, match=error):
        check.read(data)


def test_the_check_is_no_module_of_the_syllabus_so_certificates_never_count_it():
    from grading.certificates import rule

    completion = rule.load()
    assert not set(KC.assignments) & set(completion.modules)
    assert not set(KC.assignments) & set(completion.core_modules)
    assert set(completion.core_modules) == {m for m in _syllabus()["modules"] if is_core(m)}


# -- the notebooks -----------------------------------------------------------------------------------

def test_the_post_notebook_is_the_pre_notebook_started_as_the_post_check():
    """Run `python -m curriculum.check` after editing the pre check: the post check must hold the same items."""
    pre, post = nbformat.read(PRE, as_version=4), nbformat.read(POST, as_version=4)
    assert post == check.post_notebook(pre)
    setup = next(c for c in post.cells if c.metadata["nbgrader"]["grade_id"] == "setup")
    assert f'start("{KC.post}")' in setup.source and KC.pre not in setup.source


def test_each_slot_is_one_graded_cell_with_the_slots_points_in_both_assignments():
    for path in (PRE, POST):
        graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                  for c in nbformat.read(path, as_version=4).cells if c.metadata["nbgrader"].get("grade")}
        assert graded == {slot.id.replace(".", "-"): slot.points for slot in KC.slots}


def _cells() -> dict[str, str]:
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(PRE, as_version=4).cells}


def _make(source: str, slot: str, form: str):
    """Form ``form``'s exercise of ``slot``, made in this process from the cell's own call."""
    call = check.form_call(source, slot, form)
    assert call is not None, f"{slot}: no {form}=lambda: ex.…(…) in its exercise cell"
    return eval(compile(ast.Expression(call), slot, "eval"), {"ex": ex})  # noqa: S307 - the course's own source


def _ids(exercise) -> set[str]:
    """The ids a trainee's answer is made of (options, rows or steps)."""
    for name in ("options", "items", "steps"):
        if isinstance(getattr(exercise, name, None), dict):
            return set(getattr(exercise, name))
    return set()


@pytest.mark.parametrize("slot", [s.id for s in KC.slots])
def test_both_forms_are_parallel_items_that_share_nothing_a_trainee_could_carry_over(slot):
    """Same type, same slot id; a different item (prompt, choices) in each form; each key fits its own form and
    explains it in both languages."""
    source = _cells()[slot.replace(".", "-") + "-widget"]
    key = notebook_keys(PRE)[slot]
    made = {form: _make(source, slot, form) for form in check.FORMS}
    a, b = made["A"], made["B"]
    assert a.item_id == b.item_id == slot and a.kind == b.kind == key.kind
    assert a.prompt != b.prompt or _ids(a) != _ids(b)
    if _ids(a):
        assert not _ids(a) & _ids(b), f"{slot}: forms A and B share answer ids {_ids(a) & _ids(b)}"
    for form, exercise in made.items():
        form_key = check.form_key(key.key, form)
        exercise.check_key(form_key)
        bilingual(exercise.prompt, f"{slot}/{form}")
        assert set(bilingual(form_key["explain"], f"{slot}/{form} explain")) == {"ar", "en"}
    assert check.form_key(key.key, "A")["answer"] != check.form_key(key.key, "B")["answer"]


def test_the_kernel_shows_the_trainee_their_own_form(monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "answers_dir", str(tmp_path))
    source = _cells()["kc-q01-widget"]
    for assignment in KC.assignments:
        for trainee in ("t-001", "t-002", "t-003", "t-004"):
            monkeypatch.setattr(settings, "trainee", trainee)
            monkeypatch.setattr(settings, "module", assignment)
            ex.REGISTRY.clear()
            shown = eval(compile(source, "kc-q01-widget", "eval"), {"ex": ex, "check": check})  # noqa: S307
            assert ex.REGISTRY == {"kc.q01": shown}  # one exercise made: the other form never is
            expected = _make(source, "kc.q01", check.form(trainee, assignment))
            assert shown.items == expected.items and shown.prompt == expected.prompt


def test_a_slot_needs_the_setup_cell_and_both_forms(monkeypatch):
    monkeypatch.setattr(settings, "module", "")
    with pytest.raises(check.CheckError, match="setup cell"):
        check.slot("kc.q01", A=lambda: None, B=lambda: None)
    with pytest.raises(check.CheckError, match="each form"):
        check.slot("kc.q01", A=lambda: None)


def test_a_form_key_cannot_be_resolved_without_the_assignment():
    key = notebook_keys(PRE)["kc.q02"]
    with pytest.raises(KeyProblem, match="assignment"):
        key.for_trainee("t-001")
    for assignment in KC.assignments:
        form = check.form("t-001", assignment)
        assert key.for_trainee("t-001", assignment).key == check.form_key(key.key, form)
