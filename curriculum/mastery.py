"""When a learning outcome counts as mastered: one threshold for the cohort report and the trainee's progress page.

A trainee has mastered an outcome when they earned at least :data:`MASTERY_SHARE`
of the points of the items that assess it.  The instructor's side reads it as
``c.LearningGain.mastery_share`` (grading/reporting/gain.py) and the trainee's
progress page as ``c.Progress.mastery_share`` (curriculum/progress); both
default to this value, so the two agree unless a course changes one on purpose.
"""
from __future__ import annotations

#: Share of an outcome's points (0–1) that counts as mastery: 80 %, the usual bar of mastery learning
#: (four items in five right), high enough that guessing on a few choice items does not reach it.
MASTERY_SHARE = 0.8


def mastered(earned: float, points: float, share: float = MASTERY_SHARE) -> bool | None:
    """Whether ``earned`` of ``points`` reaches ``share`` (None when there are no points to earn)."""
    if points <= 0:
        return None
    return earned >= share * points - 1e-9
