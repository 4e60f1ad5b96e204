"""Checks for the hidden and visible tests of the analyst labs.

A lab's test cell calls ``check.equal(actual, expected, what=...)`` and the
like.  Each check passes silently or raises :class:`AssertionError` with one
message, in the trainee's language, that names what was checked and what is
wrong, so nbgrader's feedback tells an officer what to fix instead of showing
a bare ``assert``.  Checks never print the trainee's whole data set: long
values are cut to a short preview.
"""
from __future__ import annotations

import math
import reprlib

from curriculum.language import Text, pick

_preview = reprlib.Repr()
_preview.maxlist = _preview.maxtuple = _preview.maxdict = 8
_preview.maxstring = _preview.maxother = 60

_WORDS = {
    "expected": {"ar": "المتوقَّع", "en": "expected"},
    "got": {"ar": "الناتج", "en": "got"},
    "type": {"ar": "النوع غير صحيح", "en": "wrong type"},
    "length": {"ar": "عدد العناصر غير صحيح", "en": "wrong number of elements"},
    "false": {"ar": "الشرط غير متحقق", "en": "the condition does not hold"},
    "index": {"ar": "الفهرس (التسميات) غير صحيح", "en": "the index (labels) is not right"},
    "columns": {"ar": "الأعمدة غير صحيحة", "en": "the columns are not right"},
    "values": {"ar": "القيم غير صحيحة", "en": "the values are not right"},
    "nofigure": {"ar": "لم يُرسم شكل (أعِد Figure أو Axes من matplotlib)",
                 "en": "no figure was drawn (return a matplotlib Figure or Axes)"},
    "kind": {"ar": "نوع الرسم غير صحيح", "en": "the kind of plot is not right"},
    "count": {"ar": "عدد العناصر المرسومة غير صحيح", "en": "the number of plotted elements is not right"},
    "title": {"ar": "الرسم بلا عنوان", "en": "the figure has no title"},
    "xlabel": {"ar": "المحور الأفقي بلا تسمية", "en": "the x axis has no label"},
    "ylabel": {"ar": "المحور العمودي بلا تسمية", "en": "the y axis has no label"},
    "nan": {"ar": "الناتج يحتوي قيمًا مفقودة (NaN)", "en": "the result contains missing values (NaN)"},
}


def _say(key: str) -> str:
    return pick(_WORDS[key])


def _fail(what: Text, problem: str, actual=None, expected=None, show: bool = True) -> None:
    message = f"✗ {pick(what)}: {problem}"
    if show:
        message += f" — {_say('expected')}: {_preview.repr(expected)}; {_say('got')}: {_preview.repr(actual)}"
    raise AssertionError(message)


def _numbers(value) -> list[float] | None:
    """``value`` as a flat list of floats, or None when it is not numeric."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            inner = _numbers(v)
            if inner is None:
                return None
            out += inner
        return out
    return None


class Checks:
    """The checks a lab's test cells call (one shared instance, :data:`check`)."""

    def true(self, condition, what: Text) -> None:
        """Pass when ``condition`` is truthy."""
        if not condition:
            _fail(what, _say("false"), show=False)

    def equal(self, actual, expected, what: Text) -> None:
        """Pass when ``actual == expected`` (sequences and numpy/pandas values compared as lists)."""
        a = actual.tolist() if hasattr(actual, "tolist") else actual
        e = expected.tolist() if hasattr(expected, "tolist") else expected
        if isinstance(a, tuple):
            a = list(a)
        if isinstance(e, tuple):
            e = list(e)
        try:
            same = bool(a == e)
        except Exception:  # an object whose == does not give one answer
            same = False
        if not same:
            _fail(what, _say("values"), actual, expected)

    def close(self, actual, expected, what: Text, tol: float = 1e-6) -> None:
        """Pass when every number of ``actual`` is within ``tol`` (absolute or relative) of ``expected``."""
        a, e = _numbers(actual), _numbers(expected)
        if a is None or e is None:
            _fail(what, _say("type"), actual, expected)
        if len(a) != len(e):
            _fail(what, _say("length"), actual, expected)
        if any(math.isnan(x) for x in a) and not any(math.isnan(x) for x in e):
            _fail(what, _say("nan"), show=False)
        if not all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, e)):
            _fail(what, _say("values"), actual, expected)

    def series_equal(self, actual, expected, what: Text, tol: float = 1e-6) -> None:
        """Pass when two pandas Series have the same labels, in order, and the same values (dtype aside)."""
        if not hasattr(actual, "index") or not hasattr(actual, "tolist"):
            _fail(what, _say("type"), type(actual).__name__, "pandas.Series")
        if list(actual.index) != list(expected.index):
            _fail(what, _say("index"), list(actual.index), list(expected.index))
        self._values(actual.tolist(), expected.tolist(), what, tol)

    def frame_equal(self, actual, expected, what: Text, tol: float = 1e-6) -> None:
        """Pass when two pandas DataFrames have the same columns, labels and values (dtype aside)."""
        if not hasattr(actual, "columns"):
            _fail(what, _say("type"), type(actual).__name__, "pandas.DataFrame")
        if list(map(str, actual.columns)) != list(map(str, expected.columns)):
            _fail(what, _say("columns"), list(actual.columns), list(expected.columns))
        if list(actual.index) != list(expected.index):
            _fail(what, _say("index"), list(actual.index), list(expected.index))
        self._values(actual.values.tolist(), expected.values.tolist(), what, tol)

    def _values(self, a, e, what, tol):
        na, ne = _numbers(a), _numbers(e)
        if na is not None and ne is not None:
            self.close(na, ne, what, tol)
        else:
            self.equal(a, e, what)

    def figure(self, fig, what: Text, kind: str | None = None, n: int | None = None,
               title: bool = True, xlabel: bool = True, ylabel: bool = True) -> None:
        """Pass when ``fig`` (a Figure or Axes) shows a plot of ``kind`` with ``n`` elements, titled and labelled.

        ``kind``: "bar" (rectangles), "line" (lines), "image" (an image such as a heat map),
        "hist" (bars, any number); ``n`` counts bars, lines or points of the first line.
        """
        axes = getattr(fig, "axes", None)
        ax = fig if hasattr(fig, "get_title") else (axes[0] if axes else None)
        if ax is None:
            _fail(what, _say("nofigure"), show=False)
        found = {"bar": len(ax.patches), "hist": len(ax.patches), "line": len(ax.lines), "image": len(ax.images)}
        if kind is not None and not found.get(kind):
            _fail(what, _say("kind"), {k: v for k, v in found.items() if v}, kind)
        if n is not None and kind is not None:
            count = len(ax.lines[0].get_xdata()) if kind == "line" and ax.lines else found[kind]
            if count != n:
                _fail(what, _say("count"), count, n)
        if title and not (ax.get_title() or (ax.figure and ax.figure._suptitle and ax.figure._suptitle.get_text())):
            _fail(what, _say("title"), show=False)
        if xlabel and not ax.get_xlabel():
            _fail(what, _say("xlabel"), show=False)
        if ylabel and not ax.get_ylabel():
            _fail(what, _say("ylabel"), show=False)


#: The checks a lab's test cells call: ``from grading.checks import check``.
check = Checks()
