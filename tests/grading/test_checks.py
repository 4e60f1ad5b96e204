"""The lab checks pass right answers and fail wrong ones with a message naming what to fix."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from curriculum.settings import settings
from grading.checks import check

WHAT = {"ar": "عدد البلاغات", "en": "reports per month"}


@pytest.fixture(autouse=True)
def english():
    before = settings.language
    settings.language = "en"
    yield
    settings.language = before


def test_equal_accepts_numpy_and_lists_alike():
    check.equal(np.array([1, 2, 3]), [1, 2, 3], WHAT)
    check.equal((1, 2), [1, 2], WHAT)


def test_equal_names_what_is_wrong_and_shows_both_values():
    with pytest.raises(AssertionError, match=r"reports per month: the values are not right — expected: \[1, 2\]; got: \[2, 1\]"):
        check.equal([2, 1], [1, 2], WHAT)


def test_messages_follow_the_trainee_language():
    settings.language = "ar"
    with pytest.raises(AssertionError, match="عدد البلاغات: القيم غير صحيحة"):
        check.equal(1, 2, WHAT)


def test_close_uses_tolerance_and_rejects_nan_and_wrong_length():
    check.close(0.1 + 0.2, 0.3, WHAT)
    check.close([1.0, 2.0000001], np.array([1, 2]), WHAT, tol=1e-3)
    with pytest.raises(AssertionError, match="values"):
        check.close(0.31, 0.3, WHAT, tol=1e-3)
    with pytest.raises(AssertionError, match="missing values"):
        check.close([float("nan")], [1.0], WHAT)
    with pytest.raises(AssertionError, match="number of elements"):
        check.close([1, 2], [1, 2, 3], WHAT)
    with pytest.raises(AssertionError, match="wrong type"):
        check.close("3", 3, WHAT)


def test_long_values_are_cut_so_feedback_never_dumps_a_data_set():
    with pytest.raises(AssertionError) as err:
        check.equal(list(range(10_000)), [], WHAT)
    assert len(str(err.value)) < 200


def test_series_compare_labels_and_values_but_not_dtype():
    expected = pd.Series([3, 5], index=["2026-01", "2026-02"])
    check.series_equal(pd.Series([3.0, 5.0], index=["2026-01", "2026-02"]), expected, WHAT)
    with pytest.raises(AssertionError, match="index"):
        check.series_equal(pd.Series([5, 3], index=["2026-02", "2026-01"]), expected, WHAT)
    with pytest.raises(AssertionError, match="wrong type"):
        check.series_equal([3, 5], expected, WHAT)


def test_frames_compare_columns_labels_and_values():
    expected = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    check.frame_equal(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), expected, WHAT)
    with pytest.raises(AssertionError, match="columns"):
        check.frame_equal(pd.DataFrame({"b": ["x", "y"], "a": [1, 2]}), expected, WHAT)
    with pytest.raises(AssertionError, match="values"):
        check.frame_equal(pd.DataFrame({"a": [1, 2], "b": ["x", "z"]}), expected, WHAT)


def test_figure_checks_kind_count_and_labels():
    fig, ax = plt.subplots()
    ax.bar(["a", "b", "c"], [1, 2, 3])
    ax.set_title("t")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    check.figure(fig, WHAT, kind="bar", n=3)
    check.figure(ax, WHAT, kind="bar")
    with pytest.raises(AssertionError, match="number of plotted elements"):
        check.figure(fig, WHAT, kind="bar", n=4)
    with pytest.raises(AssertionError, match="kind of plot"):
        check.figure(fig, WHAT, kind="line")
    ax.set_ylabel("")
    with pytest.raises(AssertionError, match="y axis has no label"):
        check.figure(fig, WHAT, kind="bar")
    with pytest.raises(AssertionError, match="no figure"):
        check.figure(None, WHAT)
    plt.close(fig)


def test_true_fails_without_values():
    check.true(1 < 2, WHAT)
    with pytest.raises(AssertionError, match="condition does not hold"):
        check.true(False, WHAT)
