"""Pseudonyms and each grader's order (grading/marking/order.py)."""
from collections import Counter

from grading.marking.order import _ALPHABET, LENGTH, order, pseudonym

TRAINEES = [f"t-{n:03d}" for n in range(204)]


def test_a_pseudonym_is_stable_short_and_depends_on_the_courses_secret():
    assert pseudonym("secret", "t-alice") == pseudonym("secret", "t-alice")
    assert pseudonym("secret", "t-alice") != pseudonym("other", "t-alice")
    codes = {pseudonym("secret", t) for t in TRAINEES}
    assert len(codes) == len(TRAINEES)  # no two trainees of a cohort share one
    assert all(len(c) == LENGTH and set(c) <= set(_ALPHABET) for c in codes)


def test_each_grader_has_an_order_of_their_own_that_does_not_change():
    alice = order(TRAINEES, "alice", "m00.q8")
    assert sorted(alice) == sorted(TRAINEES)
    assert order(list(reversed(TRAINEES)), "alice", "m00.q8") == alice   # the same on every visit
    assert order(TRAINEES, "bob", "m00.q8") != alice
    assert order(TRAINEES, "alice", "m01.q12") != alice
    assert alice != sorted(TRAINEES)


def test_no_trainee_is_always_first_or_last():
    firsts = Counter(order(TRAINEES, f"grader-{n}", "m00.q8")[0] for n in range(50))
    lasts = Counter(order(TRAINEES, f"grader-{n}", "m00.q8")[-1] for n in range(50))
    assert max(firsts.values()) <= 3 and max(lasts.values()) <= 3
