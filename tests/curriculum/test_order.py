"""curriculum/exercises/order.py: each trainee sees an item's options in an order of their own.

The same trainee sees the same order after a restart (and in another process,
whatever Python's hash seed); answers are saved and scored by option id, so
the order changes nothing but what is shown.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from curriculum.exercises import Classify, Matching, MultipleChoice, Ordering, SingleChoice
from curriculum.exercises.order import shown_order, shuffled
from curriculum.settings import Settings, settings

PROMPT = {"ar": "اختر", "en": "Choose"}
OPTIONS = {k: {"ar": f"خيار {k}", "en": f"Option {k}"} for k in "abcde"}
TARGETS = {k: {"ar": f"فئة {k}", "en": f"Category {k}"} for k in ("t1", "t2", "t3", "t4")}
ROWS = {k: {"ar": f"سطر {k}", "en": f"Line {k}"} for k in ("r1", "r2", "r3")}
STEPS = {k: {"ar": f"خطوة {k}", "en": f"Step {k}"} for k in ("s3", "s1", "s4", "s2")}
TRAINEES = [f"officer-{n}" for n in range(400)]


def as_trainee(trainee, make):
    settings.trainee = trainee
    return make()


# -- the order itself ---------------------------------------------------------------------
def test_an_order_is_a_permutation_fixed_by_trainee_and_item():
    ids = list(OPTIONS)
    order = shuffled(ids, "officer-1", "m02.q4")
    assert sorted(order) == ids
    assert shuffled(ids, "officer-1", "m02.q4") == order
    assert ids == list("abcde"), "the authored list is not changed in place"


def test_trainees_see_different_orders_and_the_key_is_anywhere():
    """Over many trainees: most of the 24 orders of four options occur, and the key is in each place about as often."""
    ids = ["a", "b", "c", "d"]
    orders = [tuple(shuffled(ids, t, "m02.q4")) for t in TRAINEES]
    assert len(set(orders)) == 24
    places = Counter(order.index("b") for order in orders)  # wherever the author put the key
    assert set(places) == {0, 1, 2, 3}
    assert all(0.18 <= places[p] / len(orders) <= 0.32 for p in places), places
    assert Counter(orders).most_common(1)[0][1] <= 0.1 * len(orders), "no order is shared by many"


def test_one_trainee_gets_different_orders_for_different_items():
    ids = list(OPTIONS)
    assert len({tuple(shuffled(ids, "officer-1", f"m02.q{n}")) for n in range(1, 11)}) > 5


def test_the_order_is_the_same_in_another_process_whatever_its_hash_seed():
    """A kernel restart is a new process: the order must not hang on Python's per-process hash()."""
    ids = list(OPTIONS)
    code = ("import json, sys; from curriculum.exercises.order import shuffled; "
            "print(json.dumps([shuffled(list('abcde'), t, 'm05.q3') for t in sys.argv[1:]]))")
    here = [shuffled(ids, t, "m05.q3") for t in TRAINEES[:20]]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, *TRAINEES[:20]], env=env, capture_output=True, text=True,
                             check=True).stdout
        assert json.loads(out) == here


def test_without_a_trainee_the_authored_order_is_kept():
    assert shuffled(list(OPTIONS), "", "m02.q4") == list(OPTIONS)
    assert shuffled(list(OPTIONS), None, "m02.q4") == list(OPTIONS)


def test_the_item_or_the_course_can_keep_the_authored_order(monkeypatch):
    ids = list(OPTIONS)
    trainee = next(t for t in TRAINEES if shuffled(ids, t, "m03.q9") != ids)
    assert shown_order(ids, trainee, "m03.q9") == shuffled(ids, trainee, "m03.q9")
    assert shown_order(ids, trainee, "m03.q9", shuffle=False) == ids
    monkeypatch.setattr(settings, "shuffle_options", False)
    assert shown_order(ids, trainee, "m03.q9") == ids


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), ("false", False), ("Off", False),
                                       ("no", False), ("yes", True)])
def test_himaya_shuffle_turns_it_off(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv("HIMAYA_SHUFFLE", raising=False)
    else:
        monkeypatch.setenv("HIMAYA_SHUFFLE", value)
    assert Settings().shuffle_options is on


# -- the widgets show it ---------------------------------------------------------------------------
def single(item="m02.q4", **kwargs):
    return SingleChoice(item, PROMPT, OPTIONS, **kwargs)


def test_two_trainees_side_by_side_see_different_orders():
    radios = {t: as_trainee(t, single)._radio._options_values for t in TRAINEES[:6]}
    assert len(set(radios.values())) > 1
    for trainee, values in radios.items():
        assert list(values) == shuffled(list(OPTIONS), trainee, "m02.q4")


def test_the_same_trainee_sees_the_same_order_after_a_restart(restart):
    settings.trainee = "officer-7"
    first = single()
    before = (first._radio._options_labels, first._radio._options_values)
    first.value = "c"
    restart()
    again = single()
    assert (again._radio._options_labels, again._radio._options_values) == before
    assert again.value == "c" and again._radio.value == "c"


def test_choices_are_saved_and_scored_by_id_whatever_the_order(restart, saved):
    """Two trainees with different orders pick the same options: same saved values, same scores."""
    a, b = next((x, y) for x in TRAINEES for y in TRAINEES
                if shuffled(list(OPTIONS), x, "m02.q5") != shuffled(list(OPTIONS), y, "m02.q5"))
    key_one, key_many = {"answer": "c"}, {"answer": ["b", "d"], "options": list(OPTIONS)}
    results = []
    for trainee in (a, b):
        restart()
        settings.trainee = trainee
        one = SingleChoice("m02.q4", PROMPT, OPTIONS)
        many = MultipleChoice("m02.q5", PROMPT, OPTIONS)
        one._radio.value = "c"
        for option in ("e", "d", "b"):  # ticked in the order shown would differ; ids are what count
            many._boxes[option].value = True
        results.append((saved("m02.q4")["value"], saved("m02.q5")["value"],
                        SingleChoice.score(one.value, key_one).fraction,
                        MultipleChoice.score(many.value, key_many).fraction))
    assert results[0] == results[1] == ("c", ["b", "d", "e"], 1.0, pytest.approx(2 / 2 - 1 / 3))


def test_multiple_choice_boxes_and_status_follow_the_order_shown():
    settings.trainee = next(t for t in TRAINEES if shuffled(list(OPTIONS), t, "m02.q5")[:2] != ["a", "b"])
    many = MultipleChoice("m02.q5", PROMPT, OPTIONS)
    settings.language = "en"
    assert [box.description for box in many.children[1].children] == [OPTIONS[k]["en"] for k in many.shown]
    many.value = ["a", "b", "c", "d", "e"]
    assert many.describe(many.value, "en") == ", ".join(OPTIONS[k]["en"] for k in many.shown)


def test_matching_targets_and_classify_categories_are_shuffled_rows_are_not():
    for kind in (Matching, Classify):
        orders = set()
        for trainee in TRAINEES[:8]:
            settings.trainee = trainee
            ex = kind("m01.q7", PROMPT, ROWS, TARGETS)
            values = [v for v in ex._controls["r1"]._options_values if v]
            assert values == shuffled(list(TARGETS), trainee, "m01.q7") == ex.shown
            assert all(c._options_values == ex._controls["r1"]._options_values for c in ex._controls.values())
            assert list(ex._controls) == list(ROWS)  # rows as authored: a chat is read in order
            orders.add(tuple(values))
        assert len(orders) > 1, kind


def test_ordering_steps_keep_their_authored_start():
    for trainee in TRAINEES[:5]:
        settings.trainee = trainee
        ex = Ordering("m05.q4", PROMPT, STEPS)
        assert ex._order == list(STEPS)


def test_an_item_may_keep_its_authored_order():
    for trainee in TRAINEES[:8]:
        settings.trainee = trainee
        assert list(single(shuffle=False)._radio._options_values) == list(OPTIONS)
        assert Classify("m01.q7", PROMPT, ROWS, TARGETS, shuffle=False).shown == list(TARGETS)


def test_shuffle_must_be_true_or_false():
    with pytest.raises(ValueError, match=r"m02.q4: shuffle must be True or False, got 'no'"):
        single(shuffle="no")


def test_a_himaya_shuffle_not_understood_says_what_to_write_and_keeps_shuffling(monkeypatch):
    monkeypatch.setenv("HIMAYA_SHUFFLE", "fasle")
    with pytest.warns(UserWarning, match=r"HIMAYA_SHUFFLE='fasle' is not understood: write 1 .* or 0"):
        assert Settings().shuffle_options is True


# -- the course's own items ------------------------------------------------------------------
def test_the_courses_keys_are_seen_in_every_place_not_where_the_author_put_them(monkeypatch):
    """Issue #15 §3: keys were always the second or third option. As trainees see them, each place is about as likely."""
    import nbformat

    from grading.feedback.items import _exercise_call, _shuffle, shown_items
    from grading.keys import notebook_keys

    repo = Path(__file__).resolve().parents[2]
    monkeypatch.setattr(settings, "shuffle_options", False)  # the ids as authored
    places, authors, n = Counter(), 0, 0
    for path in sorted((repo / "notebooks").glob("m*/m*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        cells = [(c.metadata.get("nbgrader", {}).get("grade_id", ""), c.source) for c in nb.cells if c.cell_type == "code"]
        shown = shown_items(cells, "t-amal")
        sources = dict(cells)
        for item, key in notebook_keys(path).items():
            call = _exercise_call(sources.get(item.replace(".", "-", 1) + "-widget", ""), item)
            if key.kind != "single" or not _shuffle(call):  # shuffle=False: a scale, in its own order
                continue
            ids, right = list(shown[item].choices), key.for_trainee("t-amal").key["answer"]
            for trainee in TRAINEES[:200]:
                order = shuffled(ids, trainee, item)
                places[(order.index(right), len(ids))] += 1
                authors += order.index(right) == ids.index(right)
                n += 1
    assert n >= 200 * 10, "the course has graded single-choice items"
    expected = Counter()
    for (_, size), count in places.items():
        expected[size] += count
    for (place, size), count in places.items():
        assert abs(count / expected[size] - 1 / size) < 0.06, (place, size, count, expected[size])
    mean_chance = sum(c / size for (_, size), c in places.items()) / n
    assert abs(authors / n - mean_chance) < 0.03, "the author's place is no likelier than any other"
