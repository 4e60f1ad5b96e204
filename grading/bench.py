"""``make bench``: how long grading a cohort takes, against nbgrader's usual way, in one script.

Builds ``n`` synthetic submissions of a module (answers files written the way
the widgets write them, a mix of right, partial, wrong and blank answers per
trainee), then grades them twice on the same gradebook:

- **baseline** — nbgrader's usual autograde: every notebook executed in a fresh
  kernel, one after another;
- **himaya** — the course's way: a widget-only module graded without a kernel;
  a module that grades code executed ``jobs`` at a time.

Writes ``build/bench/autograde.json`` with both wall times, the speed-up, the
peak memory of the grading processes and ``identical_scores`` (true only when
every trainee's every item scored the same both ways).  A benchmark, not a
test: the numbers are reported, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from curriculum import answers as answer_file
from curriculum.settings import ANSWERS_FILENAME

from . import simulate
from .config import REPO, Layout
from .course import Course
from .keys import notebook_keys

STYLES = ("right", "right", "partial", "wrong", "blank")


def _exercises(source: Path) -> dict:
    """The module's exercises, created in this process (to pick wrong options from)."""
    from curriculum import exercises as ex

    import matplotlib

    matplotlib.use("Agg")
    ex.REGISTRY.clear()
    namespace = {}
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
            exec(cell.source, namespace)  # the instructor's own source: creates the widgets
    return dict(ex.REGISTRY)


def make_submissions(course: Course, module: str, n: int, seed: int = 7) -> list[str]:
    """``n`` collected submissions of ``module``, as ``collect`` would leave them."""
    source = course.source / module / f"{module}.ipynb"
    release = course.release_dir(module) / f"{module}.ipynb"
    exercises = _exercises(source)
    keys = notebook_keys(source)
    rng = random.Random(seed)
    trainees = [f"t{i:03d}" for i in range(n)]
    for trainee in trainees:
        folder = course.layout.step("submitted") / trainee / module
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(release, folder / release.name)
        (folder / "timestamp.txt").write_text(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        items = {}
        for item, key in keys.items():
            value = simulate.answer(rng.choice(STYLES), key.kind, key.for_trainee(trainee).key, exercises[item])
            if value is not None:
                items[item] = {"value": value, "kind": key.kind, "time": answer_file.now(), "changes": 1}
        answer_file.write(folder / ANSWERS_FILENAME,
                          answer_file.Answers(trainee=trainee, language=rng.choice(("ar", "en")), items=items))
    return trainees


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def bench_module(root: Path, module: str, n: int, jobs: int) -> dict:
    layout = Layout(root=root, work=f"build/bench/{module}")
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    course.release(module)
    trainees = make_submissions(course, module, n)
    executes = course.executes(module)

    started = time.perf_counter()
    baseline = course.autograde(module, progress=True, execute=True, jobs=1)
    baseline_seconds = time.perf_counter() - started
    baseline_scores = course.scores(module)

    started = time.perf_counter()
    ours = course.autograde(module, progress=True, jobs=jobs)
    our_seconds = time.perf_counter() - started
    our_scores = course.scores(module)

    return {
        "module": module, "trainees": n, "jobs": jobs, "module_grades_code": executes,
        "himaya_path": f"{'executed, ' + str(jobs) + ' at a time' if executes else 'no kernel'}",
        "baseline_seconds": round(baseline_seconds, 2), "himaya_seconds": round(our_seconds, 2),
        "speedup": round(baseline_seconds / our_seconds, 2) if our_seconds else None,
        "baseline_per_notebook_ms": round(1000 * baseline_seconds / n, 1),
        "himaya_per_notebook_ms": round(1000 * our_seconds / n, 1),
        "failures": sum(not r.ok for r in baseline) + sum(not r.ok for r in ours),
        "peak_memory_mb": _peak_mb(),
        "identical_scores": all(baseline_scores[t]["items"] == our_scores[t]["items"] for t in trainees)
                            and set(baseline_scores) == set(our_scores) == set(trainees),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=int(os.environ.get("BENCH_TRAINEES", 204)))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--modules", nargs="*", default=["m00-orientation"])
    parser.add_argument("--to", default=str(REPO / "build" / "bench" / "autograde.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("HIMAYA_ANSWERS_DIR", str(REPO / "build" / "bench"))  # never beside the sources
    results = [bench_module(REPO, module, args.trainees, args.jobs) for module in args.modules]
    out = Path(args.to)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"cores": os.cpu_count()}, "results": results}, indent=1))
    for r in results:
        print(f"{r['module']}: {r['trainees']} trainees — nbgrader autograde {r['baseline_seconds']} s, "
              f"himaya ({r['himaya_path']}) {r['himaya_seconds']} s, speed-up ×{r['speedup']}, "
              f"identical scores: {r['identical_scores']}")
    print(f"wrote {out}")
    return 0 if all(r["identical_scores"] for r in results) else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
