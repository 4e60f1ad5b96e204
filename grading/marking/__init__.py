"""Written answers marked one item across the cohort, criterion by criterion (issue #17).

The stage's parts, each in its own module:

* :mod:`.criteria` — a rubric (``grading/rubrics/<item>.md``, the one source of the
  criteria) read as numbered criteria, with the short met/missed comments of
  ``grading/rubrics/<item>.comments.yaml``;
* :mod:`.scoring` — a grader's choices (criteria met, a signed adjustment with its
  reason, a free comment) turned into a score and a comment in the trainee's language;
* :mod:`.order` — pseudonyms and a per-grader order that is random but stable;
* :mod:`.store` — the choices and the leases, kept in tables of their own in the
  gradebook's database (SQLite or PostgreSQL);
* :mod:`.queue` — the answers of one item and what saving one writes to nbgrader's gradebook;
* :mod:`.handlers` — the grading page, a jupyter_server extension beside formgrader.
"""
from __future__ import annotations


def _jupyter_server_extension_points():
    return [{"module": "grading.marking"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from .handlers import load

    load(serverapp)
