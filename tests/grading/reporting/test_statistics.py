"""Moodle's quiz statistics against values worked out by hand on a tiny fixed cohort.

Four attempts (A–D), three items with max marks 1, 2, 1:

    A: 1 2 0   total 3
    B: 1 1 1   total 3
    C: 0 1 0   total 1
    D: 0 0 1   total 1

Item 1: x = 1,1,0,0 → F = .5; Var = 1/3; rest = 2,2,1,1 (Var 1/3), Cov = 1/3 → DI = 100; sorted the same → DE = 100.
Item 2: x = 2,1,1,0 → F = 1/2 = .5; SD = √(2/3)/2; rest = 1,2,0,1, Cov = 0 → DI = 0; Cov_max = 2/3 → DE = 0.
Item 3: x = 0,1,0,1 → F = .5; rest = 3,2,1,0 (Var 5/3), Cov = −1/3 → DI = −100/√5; Cov_max = 2/3 → DE = −50.
Totals 3,3,1,1: Var = 4/3 = ΣVar(items) → α = 0, error ratio 100 %, SE = √(4/3).
"""
import math

import pytest

from grading.reporting.statistics import item_statistics, test_statistics

MARKS = [[1, 2, 0], [1, 1, 1], [0, 1, 0], [0, 0, 1]]
MAX = [1, 2, 1]


@pytest.fixture
def items():
    return item_statistics(MARKS, MAX, ["q1", "q2", "q3"])


def test_facility_and_sd(items):
    assert [i.facility for i in items] == pytest.approx([0.5, 0.5, 0.5])
    assert [i.sd for i in items] == pytest.approx([math.sqrt(1 / 3), math.sqrt(2 / 3) / 2, math.sqrt(1 / 3)])


def test_discrimination_index(items):
    assert [i.discrimination_index for i in items] == pytest.approx([100.0, 0.0, -100 / math.sqrt(5)])


def test_discriminative_efficiency(items):
    assert [i.discriminative_efficiency for i in items] == pytest.approx([100.0, 0.0, -50.0])


def test_cronbach_alpha_error_ratio_and_standard_error():
    stats = test_statistics(MARKS)
    assert stats.cronbach_alpha == pytest.approx(0.0, abs=1e-9)
    assert stats.error_ratio == pytest.approx(100.0)
    assert stats.standard_error == pytest.approx(math.sqrt(4 / 3))
    assert stats.mean == pytest.approx(2.0) and stats.sd == pytest.approx(math.sqrt(4 / 3))


def test_a_consistent_test_has_a_high_alpha():
    # two items that always agree: α = 100·2·(1 − (1/3+1/3)/(4/3)) = 100
    stats = test_statistics([[1, 1], [1, 1], [0, 0], [0, 0]])
    assert stats.cronbach_alpha == pytest.approx(100.0)
    assert stats.error_ratio == pytest.approx(0.0) and stats.standard_error == pytest.approx(0.0)


def test_flags(items):
    assert items[0].flags == []
    assert items[1].flags == ["does not discriminate"]
    assert items[2].flags == ["does not discriminate"]
    easy = item_statistics([[1, 0], [1, 1], [1, 0], [1, 1]], [1, 1], ["easy", "x"])[0]
    assert easy.facility == 1.0 and "too easy" in easy.flags
    hard = item_statistics([[0, 0], [0, 1], [0, 0], [0.1, 1]], [1, 1], ["hard", "x"])[0]
    assert "too hard" in hard.flags


def test_no_variance_gives_no_number_rather_than_a_false_one():
    same = item_statistics([[1, 1], [1, 0]], [1, 1], ["same", "x"])[0]
    assert same.discrimination_index is None and same.discriminative_efficiency is None
    assert "does not discriminate" in same.flags
    single = test_statistics([[1, 2]])
    assert single.cronbach_alpha is None and single.sd is None
