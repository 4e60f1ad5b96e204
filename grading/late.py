"""The course's late policy: a due date per module, a grace period, and a penalty.

The due date is nbgrader's own (each assignment's ``duedate`` in the
gradebook: ``python -m grading release --due``, ``Course.release(duedate=…)``
or formgrader's Manage Assignments).  nbgrader counts a submission's seconds
late from it; :class:`LatePolicy` turns those seconds into a penalty.

It is nbgrader's :class:`~nbgrader.plugins.LateSubmissionPlugin` (the one
``AssignLatePenalties`` calls while autograding and, in this course, again
before feedback is generated) with what nbgrader lacks: a grace period and a
fraction of the score lost per started day.  That plugin hook receives the
score and the seconds late and returns a penalty in points, so a per-day
fraction fits it exactly; a fixed number of points per day would not (the
hook cannot see the maximum score).  The CSV export and the cohort report
call the same :meth:`LatePolicy.penalty` on the current score, so the three
always agree, also after written answers are graded by hand.
"""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float

DAY = 24 * 3600


class LatePolicy(LateSubmissionPlugin):
    """Late penalty after a grace period: none, the whole score, or a fraction per started day."""

    penalty_method = Enum(
        ("none", "zero", "per_day"), default_value="per_day",
        help="'none': late work is flagged, never penalised; 'zero': late work scores 0; "
             "'per_day': late work loses `per_day` of its score for each started day past the grace period.",
    ).tag(config=True)
    grace_minutes = Float(
        60.0, min=0.0,
        help="Minutes after the due date during which a submission is on time (no flag, no penalty): "
             "a slow hub or network at the deadline is not the trainee's lateness.",
    ).tag(config=True)
    per_day = Float(
        0.1, min=0.0, max=1.0,
        help="With penalty_method 'per_day': the share of the score lost for each started day late (0.1 = 10 %).",
    ).tag(config=True)

    def is_late(self, seconds_late: float | None) -> bool:
        """Late under the policy: past the due date by more than the grace period."""
        return bool(seconds_late) and seconds_late > 60 * self.grace_minutes

    def days_late(self, seconds_late: float | None) -> int:
        """Started days past the end of the grace period (0 when on time)."""
        if not self.is_late(seconds_late):
            return 0
        return math.ceil((seconds_late - 60 * self.grace_minutes) / DAY)

    def penalty(self, score: float | None, seconds_late: float | None) -> float:
        """Points taken off ``score`` (never more than the score, rounded to hundredths)."""
        score = float(score or 0.0)
        if not self.is_late(seconds_late) or self.penalty_method == "none" or score <= 0:
            return 0.0
        if self.penalty_method == "zero":
            return score
        return round(min(score, score * self.per_day * self.days_late(seconds_late)), 2)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        """nbgrader's hook (one notebook's score); None, as nbgrader's own plugin, when nothing is taken."""
        penalty = self.penalty(score, total_seconds_late)
        return penalty if penalty > 0 else None

    def describe(self) -> str:
        """The policy in one sentence, for the report and the README."""
        grace = f"{self.grace_minutes:g} minutes' grace after the due date"
        if self.penalty_method == "none":
            return f"{grace}; later submissions are flagged, not penalised"
        if self.penalty_method == "zero":
            return f"{grace}; a later submission scores 0"
        return f"{grace}; a later submission loses {100 * self.per_day:g} % of its score per started day"


def describe_delay(seconds: float) -> str:
    """A delay as an instructor reads it: '1 d 3 h', '2 h 5 min', '40 min'."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
