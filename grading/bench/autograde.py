"""``make bench``: how long grading a cohort takes, against nbgrader's usual way, in one script.

Builds ``n`` synthetic submissions of a module (answers files written the way
the widgets write them and, in an analyst lab, the solution code each persona
style writes; a mix of right, partial, wrong and blank work per trainee), then
grades them twice on the same gradebook, each as its own command:

- **baseline** — ``nbgrader autograde <module> --force`` with the course's
  configuration: every notebook executed in a fresh kernel, one after another;
- **himaya** — ``python -m grading autograde <module> --force``: a widget-only
  module graded without a kernel, a lab executed ``jobs`` at a time.

For a lab it also executes every submission with nbclient alone (the bare cost
of running the notebooks) and reports the grading cost per notebook against it:
core-seconds per notebook (wall time × jobs ÷ notebooks) over nbclient's.
Then it grades every core module of the course for the same cohort with one
command of the course, ``python -m grading autograde --all`` (``all_core_modules``),
the 60-second goal of issue #7.

Writes ``build/bench/autograde.json`` with both wall times, the speed-up, the
peak memory of the grading processes and ``identical_scores`` (true only when
every trainee's every item scored the same both ways), and ``autograde.txt``.
A benchmark, not a test: the numbers are reported, never asserted.

``main`` then runs the trainee's bench (:mod:`.trainee`; ``--trainee`` runs only
that one, ``--no-trainee`` skips it), what a trainee waits for in JupyterLab in
Chromium (:mod:`.lab`; ``--lab``, ``--no-lab``) and the grading page's
(:mod:`.marking`; ``--marking``, ``--no-marking``).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from curriculum import answers as answer_file
from curriculum.ids import is_core
from curriculum.settings import ANSWERS_FILENAME

from .. import simulate
from ..config import REPO, Layout
from ..course import Course
from ..keys import notebook_keys
from .breakdown import lab_breakdown
from .report import write_report

STYLES = ("right", "right", "partial", "wrong", "blank")
BREAKDOWN_SAMPLE = 8  # lab notebooks graded one at a time with a stopwatch on each part


def _exercises(source: Path) -> dict:
    """The module's exercises, created in this process (to pick wrong options from)."""
    import matplotlib

    from curriculum import exercises as ex

    matplotlib.use("Agg")
    ex.REGISTRY.clear()
    namespace = {}
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
            exec(cell.source, namespace)  # noqa: S102 - the instructor's own source: creates the widgets
    return dict(ex.REGISTRY)


def make_submissions(course: Course, module: str, n: int, seed: int = 7) -> list[str]:
    """``n`` collected submissions of ``module``, as ``collect`` would leave them."""
    source = course.source / module / f"{module}.ipynb"
    release = course.release_dir(module) / f"{module}.ipynb"
    exercises = _exercises(source)
    keys = notebook_keys(source)
    code = simulate.solutions(source)
    rng = random.Random(seed)
    trainees = [f"t{i:03d}" for i in range(n)]
    for trainee in trainees:
        folder = course.layout.step("submitted") / trainee / module
        folder.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(release, as_version=4)
        written = simulate.solved(rng.choice(STYLES), list(code))
        for cell in nb.cells:  # a lab: the code this trainee wrote
            if cell.metadata.get("nbgrader", {}).get("grade_id") in written:
                cell.source = code[cell.metadata["nbgrader"]["grade_id"]]
        nbformat.write(nb, folder / release.name)
        (folder / "timestamp.txt").write_text(datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
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


def _graded_since(layout: Layout, modules: list[str], since: float) -> int:
    """Notebooks written into ``autograded/`` since ``since`` (epoch seconds): a run's progress, seen from outside."""
    folder = layout.step("autograded")
    return sum(1 for module in modules for path in folder.glob(f"*/{module}/*.ipynb")
               if path.stat().st_mtime >= since)


def _timed(command: list[str], layout: Layout, label: str = "", modules: list[str] = (), total: int = 0) -> float:
    """Wall seconds of ``command`` run in the course root (a fresh process, as an instructor would run it).

    While it runs, a progress bar counts the notebooks it has graded (``modules``, ``total``): a
    204-trainee bench runs for half an hour, and a silent terminal looks hung.
    """
    since = time.time() - 1
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, \
            tqdm(total=total or None, desc=label or " ".join(command[:3]), unit="notebook", leave=True) as bar:
        process = subprocess.Popen(command, cwd=layout.root, stdout=out, stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "HIMAYA_WORK": layout.work})  # read by nbgrader_config.py
        while process.poll() is None:
            time.sleep(1)
            if modules:
                bar.update(_graded_since(layout, modules, since) - bar.n)
        seconds = time.perf_counter() - started
        if modules:
            bar.update(_graded_since(layout, modules, since) - bar.n)
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        print(f"{' '.join(command[:4])}… exited {process.returncode}:\n{tail}", file=sys.stderr)
    return seconds


def _nbgrader(layout: Layout, module: str) -> list[str]:
    return [str(Path(sys.executable).parent / "nbgrader"), "autograde", module, "--force", "--log-level=ERROR"]


def _himaya(layout: Layout, module: str, jobs: int) -> list[str]:
    return [sys.executable, "-m", "grading", "--root", str(layout.root), "--work", layout.work,
            "autograde", module, "--force", "--jobs", str(jobs)]


def bare_execution_seconds(course: Course, module: str, trainees: list[str]) -> float:
    """Seconds to execute every submission with nbclient alone, one after another, each in a fresh kernel."""
    from nbclient import NotebookClient

    started = time.perf_counter()
    for trainee in tqdm(trainees, desc=f"{module}: nbclient alone", unit="notebook"):
        folder = course.layout.step("submitted") / trainee / module
        for path in folder.glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(folder)}}).execute(
                env={**os.environ, "HIMAYA_TRAINEE": trainee}, stderr=subprocess.DEVNULL)  # kernels' start-up notices
    return time.perf_counter() - started


def _ready(root: Path, module: str, n: int, work: str) -> tuple[Course, list[str]]:
    if not (root / "nbgrader_config.py").exists():  # a course copied elsewhere: nbgrader needs the configuration
        shutil.copy(Path(__file__).resolve().parents[2] / "nbgrader_config.py", root / "nbgrader_config.py")
    layout = Layout(root=root, work=work)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    course.release(module)
    return course, make_submissions(course, module, n)


def bench_module(root: Path, module: str, n: int, jobs: int) -> dict:
    course, trainees = _ready(root, module, n, f"build/bench/{module}")
    layout = course.layout
    executes = course.executes(module)

    baseline_seconds = _timed(_nbgrader(layout, module), layout, f"{module}: nbgrader autograde", [module], n)
    baseline_scores = course.scores(module)
    our_seconds = _timed(_himaya(layout, module, jobs), layout, f"{module}: python -m grading autograde", [module], n)
    our_scores = course.scores(module)

    result = {
        "module": module, "trainees": n, "jobs": jobs, "module_grades_code": executes,
        "himaya_path": f"{'executed, ' + str(jobs) + ' at a time' if executes else 'no kernel'}",
        "baseline_seconds": round(baseline_seconds, 2), "himaya_seconds": round(our_seconds, 2),
        "speedup": round(baseline_seconds / our_seconds, 2) if our_seconds else None,
        "baseline_per_notebook_ms": round(1000 * baseline_seconds / n, 1),
        "himaya_per_notebook_ms": round(1000 * our_seconds / n, 1),
        "failures": sum(t not in baseline_scores for t in trainees) + sum(t not in our_scores for t in trainees),
        "peak_memory_mb": _peak_mb(),
        "identical_scores": set(baseline_scores) == set(our_scores) == set(trainees)
                            and all(baseline_scores[t]["items"] == our_scores[t]["items"] for t in trainees),
    }
    if executes:  # a lab: what grading adds to simply running the notebooks
        bare = bare_execution_seconds(course, module, trainees)
        result["bare_nbclient_seconds"] = round(bare, 2)
        result["baseline_cost_vs_nbclient"] = round(baseline_seconds / bare, 2)
        result["himaya_cost_vs_nbclient"] = round(our_seconds * jobs / bare, 2)  # core-seconds per notebook
        # where the time goes, one notebook at a time (grading/bench/breakdown.py), against nbclient's per notebook
        sample = trainees[:BREAKDOWN_SAMPLE]
        parts = lab_breakdown(course, module, sample)
        parts["nbclient_alone_per_notebook_s"] = round(bare_execution_seconds(course, module, sample) / len(sample), 3)
        parts["cost_vs_nbclient"] = round(sum(parts["per_notebook_s"].values())
                                          / parts["nbclient_alone_per_notebook_s"], 2)
        result["breakdown"] = parts
    return result


def core_modules(course: Course) -> list[str]:
    """The course's core modules (every module but the optional analyst labs and the knowledge check)."""
    return [m for m in course.modules() if is_core(m)]


def bench_all_core(root: Path, n: int, jobs: int) -> dict:
    """Every core module of the course for ``n`` trainees, graded by one command: the 60-second goal.

    ``python -m grading autograde --all``, as an instructor grades a course:
    one run, its grading processes started once for every module.
    """
    layout = Layout(root=root, work="build/bench/all")
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    modules = core_modules(course)
    for module in tqdm(modules, desc=f"releasing and writing {n} submissions a module", unit="module"):
        course.release(module)
        make_submissions(course, module, n)
    command = [sys.executable, "-m", "grading", "--root", str(root), "--work", layout.work,
               "autograde", "--all", "--force", "--jobs", str(jobs)]
    seconds = _timed(command, layout, f"every core module ({len(modules)}): autograde --all", modules, n * len(modules))
    graded = {module: len(course.scores(module)) for module in modules}
    return {"trainees": n, "jobs": jobs, "modules": modules, "notebooks": n * len(modules),
            "command": "python -m grading autograde --all --force --jobs " + str(jobs),
            "total_seconds": round(seconds, 2), "per_notebook_ms": round(1000 * seconds / (n * len(modules)), 1),
            "all_graded": all(count == n for count in graded.values())}


def table_text(data: dict) -> str:
    """Each module's two grading paths side by side, then every core module graded by one command."""
    lines = []
    for r in data["results"]:
        lines.append(f"{r['module']}: {r['trainees']} trainees — nbgrader autograde {r['baseline_seconds']} s, "
                     f"himaya ({r['himaya_path']}) {r['himaya_seconds']} s, speed-up ×{r['speedup']}, "
                     f"identical scores: {r['identical_scores']}")
        if "bare_nbclient_seconds" in r:
            lines.append(f"  executing alone with nbclient {r['bare_nbclient_seconds']} s: grading costs "
                         f"×{r['himaya_cost_vs_nbclient']} per notebook "
                         f"(nbgrader serial ×{r['baseline_cost_vs_nbclient']})")
        if "breakdown" in r:
            b = r["breakdown"]
            lines.append(f"  one at a time ({b['notebooks']} notebooks): ×{b['cost_vs_nbclient']} of nbclient alone "
                         f"({b['nbclient_alone_per_notebook_s']} s a notebook); seconds a notebook: "
                         + ", ".join(f"{k} {v}" for k, v in b["per_notebook_s"].items()))
    everything = data["all_core_modules"]
    if everything:
        lines.append(f"every core module ({len(everything['modules'])}) × {everything['trainees']} trainees, "
                     f"one run: {everything['total_seconds']} s ({everything['per_notebook_ms']} ms per notebook)")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=int(os.environ.get("BENCH_TRAINEES", "204")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--modules", nargs="*", default=["m00-orientation", "m04a-analysis-lab"],
                        help="modules compared with nbgrader's serial autograde (default: a core module and a lab)")
    parser.add_argument("--no-all-core", dest="all_core", action="store_false",
                        help="skip grading every core module with the course's command")
    parser.add_argument("--to", default=str(REPO / "build" / "bench" / "autograde.json"))
    parser.add_argument("--trainee", action="store_true",
                        help="only the trainee's side: module execution by stage, answers on disk (bench/trainee.py)")
    parser.add_argument("--no-trainee", dest="trainee_part", action="store_false",
                        help="skip the trainee's side")
    parser.add_argument("--lab", action="store_true",
                        help="only JupyterLab in Chromium: make lab's start-up, each core module opened and run "
                             "(bench/lab.py)")
    parser.add_argument("--no-lab", dest="lab_part", action="store_false", help="skip JupyterLab in Chromium")
    parser.add_argument("--lang", default="ar", choices=("ar", "en"),
                        help="the trainee's language in the trainee's and JupyterLab's parts (default: ar)")
    parser.add_argument("--marking", action="store_true",
                        help="only the grading page: key press to next answer in Chromium (bench/marking.py)")
    parser.add_argument("--no-marking", dest="marking_part", action="store_false", help="skip the grading page")
    args = parser.parse_args(argv)
    if args.trainee:
        from . import trainee

        trainee.run(lang=args.lang, to=Path(args.to).parent)
        return 0
    if args.lab:
        from . import lab

        lab.run(lang=args.lang, to=Path(args.to).parent)
        return 0
    if args.marking:
        from . import marking

        return 0 if marking.run(args.trainees, to=Path(args.to).parent)["gradebook_as_meant"] else 1
    os.environ.setdefault("HIMAYA_ANSWERS_DIR", str(REPO / "build" / "bench"))  # never beside the sources
    results = [bench_module(REPO, module, args.trainees, args.jobs) for module in args.modules]
    everything = bench_all_core(REPO, args.trainees, args.jobs) if args.all_core else None
    out = Path(args.to)
    data = {"machine": {"cores": os.cpu_count()}, "results": results, "all_core_modules": everything}
    write_report(out.parent, out.stem, data, table_text(data))
    if args.trainee_part:
        from . import trainee

        trainee.run(lang=args.lang, to=out.parent)
    if args.lab_part:
        from . import lab

        lab.run(lang=args.lang, to=out.parent)
    if args.marking_part:
        from . import marking

        marking.run(args.trainees, to=out.parent)
    return 0 if all(r["identical_scores"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
