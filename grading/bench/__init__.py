"""``make bench``: how long people wait on the course, measured on synthetic cohorts, reported, never asserted.

Each bench writes ``build/bench/<name>.json`` and a short table, ``<name>.txt`` (:mod:`.report`):

- :mod:`.autograde` (``autograde``) — a cohort's submissions graded by nbgrader's usual autograde and by the
  course's, on the same gradebook, and every core module graded by one command (``python -m grading.bench``,
  which then runs the next two);
- :mod:`.trainee` (``trainee``) — every core module executed headless, its time split by stage, and how fast
  an answer reaches the disk (``--trainee`` runs only this one);
- :mod:`.marking` (``marking``) — two scripted graders on the grading page in Chromium: key press to next
  answer shown, key presses per answer (``--marking`` runs only this one);
- ``deploy/bench_hub.py`` (``hub``) — a class opening a module at once on the hub (``make bench``'s last step,
  as root on Linux).
"""
