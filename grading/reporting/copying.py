"""Evidence that two trainees copied, for the cohort report: never "they both got it right".

Trainees who master a module give the same (right) answers, so identical
answers are no evidence at all.  What copying leaves behind, and what this
looks at, for each pair of trainees in a module:

- the same WRONG answer to an item, weighted by how rare that wrong answer is
  among the other trainees: ``1 − share of the others who gave it`` (a wrong
  answer no one else gave weighs 1; a common misconception weighs little);
- the same written (free-text) answer, after normalising case, spacing,
  punctuation and Arabic letter variants, when it is long enough
  (:data:`MIN_WRITTEN_WORDS`) not to match by chance: weighs :data:`WRITTEN_WEIGHT`;
- the answers file's per-item save times: identical to the second on every
  item both answered (a copied file) adds :data:`SAME_TIMES_WEIGHT`; the same
  items saved in the same order, a median of at most :data:`LOCKSTEP_SECONDS`
  apart, adds :data:`LOCKSTEP_WEIGHT`.

Answers are compared as the scorer reads them, never raw: text normalised
(:func:`curriculum.normalize.normalize_text`: case, spacing, punctuation,
Arabic variants, invisible characters), numbers as numbers (82 is 82.0),
option sets and matchings in any order; the kind of each item is the
module's (from the gradebook), not what the trainee's file says, so a copy
cannot be hidden by reordering a set, changing case, adding a space or
writing a number another way.

A pair is reported when the evidence weighs at least :data:`FLAG_AT` AND
includes a shared wrong answer or a shared written text: right answers and
timing are never enough on their own (a class paced by its instructor
answers in step).  Each report says why, item by item.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from curriculum.normalize import normalize_text, parse_number

FLAG_AT = 2.0
WRITTEN_WEIGHT = 2.0
MIN_WRITTEN_WORDS = 8
SAME_TIMES_WEIGHT = 1.0
LOCKSTEP_WEIGHT = 0.5
LOCKSTEP_SECONDS = 120
MIN_TIMED_ITEMS = 3


@dataclass(frozen=True)
class Submission:
    """What one trainee handed in for one module, as far as copying is concerned."""

    trainee: str
    answers: dict[str, dict]  # item id -> the answers file's entry: {"value", "kind", "time", ...}
    wrong: frozenset[str] = frozenset()  # item ids answered but scored below the item's points


@dataclass(frozen=True)
class Suspicion:
    """Two trainees whose submissions of ``module`` carry evidence of copying, and why."""

    module: str
    trainees: tuple[str, str]
    weight: float
    reasons: tuple[str, ...]


def _plain(value):
    """A value with every text normalised and every number a float (82 and 82.0 are one answer)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an int past float's range: compared as written
            return str(value)
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {normalize_text(k): _plain(v) for k, v in value.items()}
    return str(value)


def _number(value):
    try:
        return parse_number(value)
    except (TypeError, ValueError):
        return _plain(value)


def canonical(value, kind: str | None) -> str | None:
    """An answer in a form where equal means the same answer to the scorer of ``kind``.

    Option sets (``multiple``) are sets: in any order, each once; matchings are
    mappings; an ordering keeps its order (reversed, it is another answer).
    """
    if value is None:
        return None
    try:
        if kind == "multiple" and isinstance(value, list):
            value = sorted({json.dumps(_plain(v), sort_keys=True, ensure_ascii=False) for v in value})
        elif kind == "numeric":
            if isinstance(value, dict):
                value = {"number": _number(value.get("number", value.get("value"))),
                         "unit": _plain(value.get("unit"))}
            else:
                value = {"number": _number(value), "unit": None}
        else:
            value = _plain(value)
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return None


def _canonical(entry: dict, kind: str | None = None) -> str | None:
    """:func:`canonical` of an answers-file entry (the module's ``kind``, else the entry's own)."""
    return canonical(entry.get("value"), kind or entry.get("kind"))


def _time(entry: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(entry.get("time")))
    except (TypeError, ValueError):
        return None


def _written(entry: dict, written: bool) -> str | None:
    if not (written or entry.get("kind") == "free") or not isinstance(entry.get("value"), str):
        return None
    text = normalize_text(entry["value"])
    return text if len(text.split()) >= MIN_WRITTEN_WORDS else None


def _timing(a: Submission, b: Submission) -> tuple[float, str | None]:
    times = {}
    for item in set(a.answers) & set(b.answers):
        ta, tb = _time(a.answers[item]), _time(b.answers[item])
        if ta is not None and tb is not None:
            times[item] = (ta, tb)
    if len(times) < MIN_TIMED_ITEMS:
        return 0.0, None
    try:
        gaps = [abs((ta - tb).total_seconds()) for ta, tb in times.values()]
        order_a = sorted(times, key=lambda i: (times[i][0], i))
        order_b = sorted(times, key=lambda i: (times[i][1], i))
    except TypeError:  # a time with a zone beside one without
        return 0.0, None
    if max(gaps) == 0:
        return SAME_TIMES_WEIGHT, (f"the same save time, to the second, on all {len(times)} items both answered "
                                   "(one answers file copied from the other?)")
    if order_a == order_b and statistics.median(gaps) <= LOCKSTEP_SECONDS:
        return LOCKSTEP_WEIGHT, (f"saved the {len(times)} items both answered in the same order, a median of "
                                 f"{statistics.median(gaps):.0f} s apart")
    return 0.0, None


def suspicions(module: str, submissions: list[Submission], written: frozenset[str] = frozenset(),
               kinds: dict[str, str] | None = None) -> list[Suspicion]:
    """Every pair of ``submissions`` of ``module`` whose evidence reaches :data:`FLAG_AT`, strongest first.

    ``written``: the module's written-answer items (nbgrader task cells); an entry of kind "free" is one too.
    ``kinds``: item id -> the module's exercise kind (trusted over the kind an answers file states).
    """
    kinds = kinds or {}
    wrong_answers = {}  # trainee -> item -> canonical wrong answer
    given = Counter()   # (item, canonical wrong answer) -> how many trainees gave it
    answered = Counter()  # item -> how many trainees answered it
    for sub in submissions:
        mine = {}
        for item, entry in sub.answers.items():
            same = _canonical(entry, kinds.get(item)) if isinstance(entry, dict) else None
            if same is None:
                continue
            answered[item] += 1
            free = kinds.get(item, entry.get("kind")) == "free"
            if item in sub.wrong and item not in written and not free:  # written: as text below
                mine[item] = same
                given[(item, same)] += 1
        wrong_answers[sub.trainee] = mine
    found = []
    for a, b in combinations(sorted(submissions, key=lambda s: s.trainee), 2):
        weight, reasons = 0.0, []
        shared = sorted(i for i, v in wrong_answers[a.trainee].items() if wrong_answers[b.trainee].get(i) == v)
        rarity = []
        for item in shared:
            others = answered[item] - 2
            share = (given[(item, wrong_answers[a.trainee][item])] - 2) / others if others > 0 else 0.0
            weight += 1 - share
            rarity.append(f"{item} ({'no one else' if share == 0 else f'{100 * share:.0f} % of the others'})")
        if shared:
            reasons.append(f"the same wrong answer to {len(shared)} item{'s' if len(shared) > 1 else ''}: "
                           + ", ".join(rarity))
        texts = {i: text for i in set(a.answers) & set(b.answers)
                 if isinstance(a.answers[i], dict) and isinstance(b.answers[i], dict)
                 and (text := _written(a.answers[i], i in written or kinds.get(i) == "free")) is not None
                 and text == _written(b.answers[i], i in written or kinds.get(i) == "free")}
        for item in sorted(texts):
            weight += WRITTEN_WEIGHT
            reasons.append(f"the same written answer to {item} ({len(texts[item].split())} words, "
                           "identical once case, spacing and punctuation are set aside)")
        if not shared and not texts:
            continue  # right answers and timing alone are no evidence
        extra, timing = _timing(a, b)
        weight += extra
        if timing:
            reasons.append(timing)
        if weight >= FLAG_AT:
            found.append(Suspicion(module, (a.trainee, b.trainee), round(weight, 2), tuple(reasons)))
    return sorted(found, key=lambda s: (-s.weight, s.trainees))
