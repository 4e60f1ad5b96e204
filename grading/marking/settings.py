"""The grading page's settings, typed in one place (``c.Marking.<name>`` in a Jupyter server's config)."""
from __future__ import annotations

import os

from traitlets import Float, Int, Unicode
from traitlets.config import Configurable


class Marking(Configurable):
    """Where the course is, who grades, and how long an answer handed out by "next ungraded" stays the grader's."""

    lease_minutes = Int(
        10, min=1,
        help="An answer handed out by 'next ungraded' is no one else's for this long; a grader who leaves "
             "without saving gives it back when it runs out.",
    ).tag(config=True)
    double_share = Float(
        0.1, min=0.0, max=1.0,
        help="The share of each item's answers a second grader marks blind (0.1: one answer in ten, at least one "
             "when above 0; 0: no double marking). Which ones is chosen by the course's secret, per item "
             "(grading/marking/double.py); the first grader is not told.",
    ).tag(config=True)
    grader = Unicode(
        "", help="The grader's name (their order, their leases). Empty: the Jupyter server's user "
                 "(on a hub, the instructor's hub name).",
    ).tag(config=True)
    course_root = Unicode(
        "", help="The course root (holding notebooks/ and nbgrader_config.py). Empty: $HIMAYA_COURSE_DIR, "
                 "else the Jupyter server's root folder.",
    ).tag(config=True)
    work = Unicode(
        "", help="The folder under the course root for nbgrader's files. Empty: $HIMAYA_WORK, else build/course.",
    ).tag(config=True)

    def layout(self, server_root: str = ""):
        from pathlib import Path

        from ..config import Layout

        root = self.course_root or os.environ.get("HIMAYA_COURSE_DIR", "").strip() or server_root
        return Layout(root=Path(root).resolve(), work=self.work or os.environ.get("HIMAYA_WORK") or "build/course")
