"""Where a lab notebook's grading time goes, beyond running its cells (issue #18).

Grading a lab costs more than executing it with nbclient alone.  This grades a
few submissions one at a time in this process, through the course's own path
(:meth:`grading.course.Course.autograde`, nbgrader's ``Autograde``), with a
stopwatch around each part nbgrader runs, and reports seconds per notebook:

- ``kernel``: the execute preprocessor (kernel start, the cells, shutdown), the
  part nbclient alone also pays;
- ``preprocessors``: every other preprocessor of both passes (sanitize, then
  the grading pass: scoring, audit, late policy…);
- ``exports``: nbconvert's own work around the preprocessors in nbgrader's two
  exports of each notebook (copies, validation);
- ``set_up``: nbgrader's assignment set-up (gradebook rows, files copied) and
  each notebook's resources (gradebook lookups);
- ``files``: writing each pass's notebook and reading it back;
- ``rest``: everything else (the app, logging, the gradebook's final writes).

Each part is measured from the outside (the methods are wrapped for the run,
then restored), so the figures add up to the wall time of the same run.
"""
from __future__ import annotations

import contextlib
import time
from collections import defaultdict

PARTS = ("kernel", "preprocessors", "exports", "set_up", "files", "rest")


@contextlib.contextmanager
def _stopwatches(spent: dict[str, float]):
    """Wrap the methods nbgrader's Autograde goes through; ``spent`` collects seconds by part."""
    import nbformat
    from nbconvert.exporters import Exporter
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import BaseConverter

    from ..preprocessors import ExecuteAsTrainee

    def timed(owner, name: str, part):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part(args) if callable(part) else part] += time.perf_counter() - started
        return original, wrapper

    kernel = lambda args: "kernel" if isinstance(args[0], ExecuteAsTrainee) else "preprocessors"
    wrapped = [(Preprocessor, "__call__", kernel), (Exporter, "from_notebook_node", "export_total"),
               (Autograde, "init_assignment", "set_up"), (BaseConverter, "init_single_notebook_resources", "set_up"),
               (BaseConverter, "write_single_notebook", "files"), (nbformat, "read", "files")]
    originals = []
    for owner, name, part in wrapped:
        original, wrapper = timed(owner, name, part)
        originals.append((owner, name, original))
        setattr(owner, name, wrapper)
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def lab_breakdown(course, module: str, trainees: list[str]) -> dict:
    """Seconds per notebook by part (:data:`PARTS`) for grading ``trainees``' submissions of ``module``."""
    spent: dict[str, float] = defaultdict(float)
    started = time.perf_counter()
    with _stopwatches(spent):
        results = course.autograde(module, trainees=trainees, progress=False, jobs=1)
    wall = time.perf_counter() - started
    parts = {"kernel": spent["kernel"], "preprocessors": spent["preprocessors"],
             "exports": spent["export_total"] - spent["kernel"] - spent["preprocessors"],
             "set_up": spent["set_up"], "files": spent["files"]}
    parts["rest"] = wall - sum(parts.values())
    n = max(len(trainees), 1)
    return {"notebooks": len(trainees), "graded": sum(r.ok for r in results), "wall_seconds": round(wall, 2),
            "per_notebook_s": {k: round(v / n, 3) for k, v in parts.items()},
            "share": {k: round(v / wall, 3) if wall else None for k, v in parts.items()},
            "measured": "one notebook at a time in this process, nbgrader's Autograde with the course's "
                        "configuration; each part timed around the methods nbgrader calls"}
