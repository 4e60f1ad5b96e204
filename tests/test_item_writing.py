"""The item-writing rules of notebooks/README.md that can be measured, over every module's graded choice items.

Rules after Haladyna, Downing and Rodriguez (2002), "A review of multiple-choice item-writing guidelines for
classroom assessment", Applied Measurement in Education 15(3): options of similar length (a guesser who picks the
longest option must do no better than chance), no "all/none of the above".  Options are read from the exercise
call's literal ``options=`` and keys from the hidden grade cell (grading.keys.notebook_keys), as the grader reads
them.  Data-dependent keys (``$data``) change with the trainee's own figure, so only fixed keys are measured.
"""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from curriculum import check
from grading.keys import notebook_keys

REPO = Path(__file__).resolve().parent.parent
#: the modules and the knowledge check (its pre notebook: the post one holds the same items)
MODULE_NOTEBOOKS = sorted((REPO / "notebooks").glob("m*/*.ipynb")) + [REPO / "notebooks" / "kc-check-pre" / "kc-check-pre.ipynb"]
LANGS = ("ar", "en")

#: mean key length over mean distractor length, above which the key stands out (per item, per language)
MAX_KEY_LENGTH_RATIO = 1.5
#: a course-wide rate of "the key is the longest option" this unlikely under chance fails (one-sided)
ALPHA = 0.05

ALL_OR_NONE = re.compile(
    r"\b(all|none|both|neither) of the (above|options|answers)\b|\ball (of )?these\b"
    r"|(جميع|كل|كلّ) (ما سبق|ما ذكر|ما ذُكر|الإجابات|الخيارات)|(لا شيء|ولا واحد|لا أحد) (مما|ممّا) (سبق|ذكر|ذُكر)"
    r"|ليس (أيّ|أي) مما سبق",
    re.I,
)
#: absolute words that cue a distractor as false (a warning list: "only" and «فقط» are often legitimate)
ABSOLUTE = re.compile(r"\b(always|never|only|all|none|every|completely|impossible)\b"
                      r"|دائمًا|دائما|أبدًا|أبدا|فقط|مستحيل|تمامًا|إطلاقًا|إطلاقا", re.I)


@dataclass(frozen=True)
class ChoiceItem:
    item: str
    kind: str  # "single" or "multiple"
    options: dict = field(repr=False)  # id -> {"ar", "en"}
    key: tuple  # option ids keyed correct

    def lengths(self, lang: str) -> dict:
        return {o: len(" ".join(text[lang].split())) for o, text in self.options.items()}

    def key_ratio(self, lang: str) -> float:
        """Mean length of the keyed options over the mean length of the distractors."""
        lengths = self.lengths(lang)
        keyed = [lengths[o] for o in self.key]
        others = [n for o, n in lengths.items() if o not in self.key]
        return (sum(keyed) / len(keyed)) / (sum(others) / len(others)) if others else 1.0

    def key_is_longest(self, lang: str) -> bool:
        """True when the (single) key is strictly longer than every distractor."""
        lengths = self.lengths(lang)
        (key,) = self.key
        return all(lengths[key] > n for o, n in lengths.items() if o != key)


def _options(widget_source: str, item: str) -> dict:
    for node in ast.walk(ast.parse(widget_source)):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "options":
                    try:
                        return ast.literal_eval(kw.value)
                    except ValueError:
                        pytest.fail(f"{item}: options must be a literal dict in the exercise cell to be checked")
    pytest.fail(f"{item}: no options= in its exercise cell")


def choice_items(path: Path) -> list[ChoiceItem]:
    """The graded single and multiple choice items of a module with a fixed key, with their options."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nbformat.read(path, as_version=4).cells}
    out = []
    for item, key in notebook_keys(path).items():
        if check.is_form_key(key.key):  # the knowledge check: each form is an item of its own
            widget = cells[item.replace(".", "-") + "-widget"]
            for form in check.FORMS:
                answer = check.form_key(key.key, form)["answer"]
                if key.kind in ("single", "multiple"):
                    options = ast.literal_eval(next(k.value for k in check.form_call(widget, item, form).keywords
                                                    if k.arg == "options"))
                    out.append(ChoiceItem(f"{item}/{form}", key.kind, options,
                                          (answer,) if isinstance(answer, str) else tuple(answer)))
            continue
        answer = key.key["answer"]
        if key.kind not in ("single", "multiple") or isinstance(answer, dict):
            continue  # other kinds, or a data-dependent key ($data)
        options = _options(cells[item.replace(".", "-") + "-widget"], item)
        out.append(ChoiceItem(item, key.kind, options, (answer,) if isinstance(answer, str) else tuple(answer)))
    return out


COURSE = [i for p in MODULE_NOTEBOOKS for i in choice_items(p)]


def chance_tail(probabilities: list[float], observed: int) -> float:
    """P(at least ``observed`` successes) for independent trials with these probabilities (Poisson binomial)."""
    dist = [1.0]
    for p in probabilities:
        dist = [(dist[i] if i < len(dist) else 0) * (1 - p) + (dist[i - 1] * p if i else 0) for i in range(len(dist) + 1)]
    return sum(dist[observed:])


# -- the rules, over the course ------------------------------------------------------------------

def test_the_course_has_choice_items_to_check():
    assert len([i for i in COURSE if i.kind == "single"]) >= 10


@pytest.mark.parametrize("lang", LANGS)
def test_the_key_is_not_the_longest_option_more_often_than_chance(lang):
    """A guesser who always picks the longest option must do no better than chance, across the course."""
    singles = [i for i in COURSE if i.kind == "single"]
    longest = [i.item for i in singles if i.key_is_longest(lang)]
    p = chance_tail([1 / len(i.options) for i in singles], len(longest))
    expected = sum(1 / len(i.options) for i in singles)
    assert p >= ALPHA, (
        f"[{lang}] the key is the longest option in {len(longest)} of {len(singles)} single-choice items "
        f"(chance: {expected:.1f}; p = {p:.4f} < {ALPHA}). Items: {', '.join(longest)}. "
        f"Fix: give distractors the key's length and detail (or shorten the key) so the key is not the longest."
    )


@pytest.mark.parametrize("item", COURSE, ids=lambda i: i.item)
def test_the_key_is_not_much_longer_than_the_distractors(item):
    for lang in LANGS:
        ratio = item.key_ratio(lang)
        lengths = item.lengths(lang)
        assert ratio <= MAX_KEY_LENGTH_RATIO, (
            f"{item.item} [{lang}]: the key{'s' if len(item.key) > 1 else ''} {list(item.key)} average "
            f"{ratio:.2f}× the distractors' length (limit {MAX_KEY_LENGTH_RATIO}; lengths {lengths}). "
            f"Fix: write distractors as long and as qualified as the key, or shorten the key."
        )


@pytest.mark.parametrize("item", COURSE, ids=lambda i: i.item)
def test_no_all_or_none_of_the_above(item):
    for option, text in item.options.items():
        for lang in LANGS:
            assert not ALL_OR_NONE.search(text[lang]), (
                f"{item.item} option {option!r} [{lang}] is an 'all/none of the above' option: {text[lang]!r}. "
                f"Fix: replace it with a plausible distractor of its own (for several right answers, use MultipleChoice)."
            )


def test_absolute_words_in_distractors_are_listed_for_review():
    """A warning list, not a failure: "only"/«فقط» is often legitimate, so an editor decides."""
    found = [f"{i.item}:{o}[{lang}] {m.group(0)!r}" for i in COURSE for o, t in i.options.items() if o not in i.key
             for lang in LANGS for m in [ABSOLUTE.search(t[lang])] if m]
    if found:
        warnings.warn("absolute words in distractors (review as cues): " + "; ".join(found), UserWarning)


# -- the checks themselves catch a bad item ------------------------------------------------------

def _item(key_len: int, other_len: int, options=4) -> ChoiceItem:
    texts = {chr(97 + n): {"ar": "س" * (key_len if n == 1 else other_len), "en": "x" * (key_len if n == 1 else other_len)}
             for n in range(options)}
    return ChoiceItem("m99.q1", "single", texts, ("b",))


def test_a_long_key_is_caught_and_a_balanced_one_passes():
    assert _item(40, 20).key_ratio("en") == 2.0 and _item(40, 20).key_is_longest("ar")
    assert _item(22, 20).key_ratio("ar") <= MAX_KEY_LENGTH_RATIO
    assert not _item(20, 20).key_is_longest("en")  # a tie is not a cue


def test_the_chance_tail_flags_the_reviewed_rate_and_allows_chance():
    quarters = [0.25] * 19
    assert chance_tail(quarters, 17) < 1e-6  # #15: 17 of 19 keys were the longest
    assert chance_tail(quarters, 5) > 0.5  # about what chance gives
    assert chance_tail(quarters, 0) == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["All of the above", "none of the above.", "Both of the above", "جميع ما سبق",
                                  "كل ما سبق", "لا شيء مما سبق", "لا شيء ممّا ذُكر"])
def test_all_or_none_of_the_above_is_recognised(text):
    assert ALL_OR_NONE.search(text)


@pytest.mark.parametrize("text", ["Preserve all the evidence", "جميع الأجهزة المتصلة", "none of the images were sent"])
def test_ordinary_wording_is_not_taken_for_all_or_none_of_the_above(text):
    assert not ALL_OR_NONE.search(text)
