"""A trainee's own progress through the course, on a page of their Jupyter server (issue #19).

* :mod:`.state` — each module's state (not started, in progress, submitted, graded) and the
  outcomes mastered, from the trainee's own files and nbgrader's listings;
* :mod:`.feedback` — the score and each item's score, read back from a fetched feedback page;
* :mod:`.page` — the page itself, ``<base_url>himaya/progress``, a jupyter_server extension
  switched on for trainees (deploy/jupyter/trainee).
"""
from __future__ import annotations


def _jupyter_server_extension_points():
    return [{"module": "curriculum.progress"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from .page import load

    load(serverapp)
