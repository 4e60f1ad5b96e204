"""A grader's choices on one answer, turned into the score and the comment nbgrader's gradebook receives.

The score is the sum of the met criteria's points plus a signed adjustment
(which needs its reason), kept within [0, the rubric's maximum].  The comment
is composed in the trainee's language from each criterion's met or missed
comment (``<item>.comments.yaml``), the adjustment and its reason, and the
grader's free comment, so a trainee reads why, not a bare number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .criteria import Rubric

ADJUSTMENT = {"ar": "تعديل الدرجة ({points}): {reason}", "en": "Score adjusted ({points}): {reason}"}
MARKS = {"met": "✓", "missed": "✗"}


class MarkProblem(ValueError):
    """Choices that cannot be saved; the message says what to fix (nothing is written)."""


@dataclass(frozen=True)
class Marks:
    """What the grader chose for one answer."""

    met: frozenset[int] = frozenset()
    adjustment: float = 0.0
    reason: str = ""
    comment: str = ""

    @classmethod
    def from_json(cls, data: dict, rubric: Rubric) -> "Marks":
        """Choices sent by the grading page, checked against ``rubric``; :class:`MarkProblem` names what is wrong."""
        if not isinstance(data, dict):
            raise MarkProblem("send the choices as an object: met, adjustment, reason, comment")
        met = data.get("met", [])
        if not isinstance(met, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in met):
            raise MarkProblem("met: a list of criterion numbers")
        numbers = {c.number for c in rubric.criteria}
        unknown = sorted(set(met) - numbers)
        if unknown:
            raise MarkProblem(f"{rubric.item} has no criterion {', '.join(map(str, unknown))}; "
                              f"its criteria are 1–{len(numbers)}")
        raw = data.get("adjustment", 0) or 0
        try:
            adjustment = float(str(raw).replace("−", "-").replace("٫", ".").strip() or 0)
        except ValueError:
            raise MarkProblem(f"adjustment {raw!r}: write a number such as -0.5 or 1") from None
        if adjustment != adjustment or abs(adjustment) > rubric.max_points:  # NaN, or beyond the item's points
            raise MarkProblem(f"adjustment {raw!r}: between -{rubric.max_points:g} and {rubric.max_points:g}")
        reason = str(data.get("reason") or "").strip()
        if adjustment and not reason:
            raise MarkProblem("an adjustment needs its reason: the trainee reads it in the feedback")
        return cls(frozenset(met), adjustment, reason, str(data.get("comment") or "").strip())

    def to_json(self) -> dict:
        return {"met": sorted(self.met), "adjustment": self.adjustment, "reason": self.reason, "comment": self.comment}


def score(rubric: Rubric, marks: Marks) -> float:
    """The met criteria's points plus the adjustment, within [0, the rubric's maximum]."""
    total = sum(c.points for c in rubric.criteria if c.number in marks.met) + marks.adjustment
    return round(min(rubric.max_points, max(0.0, total)), 4)


def _points(value: float) -> str:
    return f"{value:+g}".replace("-", "−")


def compose(rubric: Rubric, marks: Marks, lang: str) -> str:
    """The comment the trainee reads, in ``lang`` ("ar" or "en"): a paragraph per criterion, then the rest."""
    lang = lang if lang in ("ar", "en") else "ar"
    lines = []
    for criterion in rubric.criteria:
        kind = "met" if criterion.number in marks.met else "missed"
        lines.append(f"{MARKS[kind]} {getattr(criterion, kind)[lang]}")
    if marks.adjustment:
        lines.append(ADJUSTMENT[lang].format(points=_points(marks.adjustment), reason=marks.reason))
    if marks.comment:
        lines.append(marks.comment)
    return "\n\n".join(lines)  # Markdown paragraphs: the feedback page renders the comment as Markdown
