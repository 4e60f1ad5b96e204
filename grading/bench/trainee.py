"""What a trainee waits for: where a module's time goes, and how fast an answer reaches the disk.

Part of ``make bench`` (``python -m grading.bench --trainee`` runs only this part).
Two measurements, reported, never asserted:

- **modules** — every core module executed headless by nbclient, as the trainee's
  Run All would, kernel start included (``wall_seconds``: a plain run, nothing
  added).  A second, instrumented run splits the time into stages: kernel start,
  imports (the course package and its libraries), fonts and course style,
  synthetic data, drawing figures, rendering them (layout, Arabic shaping, PNG),
  building widgets, the rest of the cells in the kernel (IPython, display,
  tables), nbclient's messages and the kernel's shutdown; and the kernel's peak
  memory (what one trainee's kernel costs a hub).  A small
  profiler set up in the kernel before the module's first cell charges each
  wrapped call its own time, without its callees' (an import inside a figure
  function counts as import).
- **answers** — in this process, a real exercise widget changed ``n`` times:
  milliseconds from the value change until the answers file is replaced (p50,
  p95); and how many times a written answer is written while 101 keystrokes are
  typed into it.

Writes ``build/bench/trainee.json`` and ``build/bench/trainee.txt`` (a short table).
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync

from ..config import REPO
from .report import write_report

STAGES = ("kernel_start", "import", "fonts", "data", "figure_draw", "figure_render", "widgets", "kernel_other",
          "messages", "shutdown")
LABELS = {
    "kernel_start": "kernel start", "import": "imports", "fonts": "fonts + style", "data": "synthetic data",
    "figure_draw": "figures: draw", "figure_render": "figures: render (layout, shaping, PNG)",
    "widgets": "widgets", "kernel_other": "rest of the cells, in the kernel",
    "messages": "nbclient ↔ kernel messages",
    "shutdown": "kernel shutdown",
}

#: Run in the kernel before the module's cells: wraps what each stage calls, then imports the course.
PROFILER = r'''
import builtins as _b, sys as _sys, time as _time, functools as _ft, json as _json
_HB = {"import": 0.0, "fonts": 0.0, "data": 0.0, "figure_draw": 0.0, "figure_render": 0.0, "widgets": 0.0}
_HB_STACK = [0.0]
_HB_CELLS = [0.0, _time.perf_counter()]  # seconds inside the kernel's run_cell, start of the current one

def _hb_pre(*args):
    _HB_CELLS[1] = _time.perf_counter()

def _hb_post(*args):
    _HB_CELLS[0] += _time.perf_counter() - _HB_CELLS[1]

get_ipython().events.register("pre_run_cell", _hb_pre)
get_ipython().events.register("post_run_cell", _hb_post)

def _hb_timed(stage, fn):
    @_ft.wraps(fn)
    def wrapper(*args, **kwargs):
        _HB_STACK.append(0.0)
        start = _time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        finally:
            spent = _time.perf_counter() - start
            children = _HB_STACK.pop()
            _HB_STACK[-1] += spent
        kind = stage(result) if callable(stage) else stage
        _HB[kind] += spent - children
        return result
    wrapper._hb = True
    return wrapper

def _hb_kind(result):
    fig = type(result).__module__.startswith("matplotlib") or (
        isinstance(result, tuple) and result and type(result[0]).__module__.startswith("matplotlib"))
    return "figure_draw" if fig else "data"

_hb_import = _b.__import__
_hb_done = set()

def _hb_patch():
    mpl = _sys.modules.get("matplotlib.backend_bases")
    if mpl is not None and "render" not in _hb_done:
        _hb_done.add("render")
        canvas = mpl.FigureCanvasBase
        canvas.print_figure = _hb_timed("figure_render", canvas.print_figure)
    for name, module in list(_sys.modules.items()):
        if name in _hb_done or module is None or not (name.startswith("curriculum.datasets.m")
                                                      or name in ("curriculum.figures", "curriculum.session")):
            continue
        _hb_done.add(name)
        for attr, value in list(vars(module).items()):
            if getattr(value, "_hb", False) or not callable(value) or isinstance(value, type):
                continue
            home = getattr(value, "__module__", "") or ""
            if not home.startswith("curriculum"):
                continue
            if attr in ("use_course_style", "available_fonts"):
                stage = "fonts"
            elif attr == "start":
                stage = "widgets"
            else:
                stage = _hb_kind
            setattr(module, attr, _hb_timed(stage, value))
    base = _sys.modules.get("curriculum.exercises.base")
    if base is not None and "widgets" not in _hb_done:
        _hb_done.add("widgets")
        from curriculum import exercises as _ex
        for cls in [base.StatusLine, *_ex.KINDS.values(), base.Exercise]:
            if "__init__" in vars(cls):
                cls.__init__ = _hb_timed("widgets", cls.__init__)

_hb_depth, _hb_seen = [0], [0]

def _hb_importing(name, *args, **kwargs):
    _HB_STACK.append(0.0)
    _hb_depth[0] += 1
    start = _time.perf_counter()
    try:
        return _hb_import(name, *args, **kwargs)
    finally:
        spent = _time.perf_counter() - start
        children = _HB_STACK.pop()
        _HB_STACK[-1] += spent
        _HB["import"] += spent - children
        _hb_depth[0] -= 1
        if _hb_depth[0] == 0 and len(_sys.modules) != _hb_seen[0]:  # something new was imported
            _hb_seen[0] = len(_sys.modules)
            _hb_patch()

_b.__import__ = _hb_importing
'''

IMPORT_DATASET = "import curriculum\n{extra}"
REPORT = ("_b.__import__ = _hb_import\nimport resource as _r\n"
          "print('HIMAYA-BENCH', _json.dumps({**_HB, 'in_kernel': _HB_CELLS[0], "
          "'peak_mb': _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024}))")


def core_notebooks() -> list[Path]:
    """The core modules' notebooks (not the analyst labs), m00 first."""
    return sorted(p for p in (REPO / "notebooks").glob("m[0-9][0-9]-*/m*.ipynb")
                  if not re.match(r"m\d{2}[a-z]-", p.parent.name))


def _client(nb, folder: str):
    from nbclient import NotebookClient

    return NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                          resources={"metadata": {"path": folder}})


def _env(answers_dir: str, lang: str) -> dict:
    return {**os.environ, "HIMAYA_ANSWERS_DIR": answers_dir, "HIMAYA_TRAINEE": "t-bench", "HIMAYA_LANG": lang,
            "HIMAYA_SHUFFLE": os.environ.get("HIMAYA_SHUFFLE", "1")}


def plain_run(path: Path | None, lang: str = "ar") -> float:
    """Wall seconds of nbclient executing ``path`` in a fresh kernel, kernel start included.

    ``None``: a notebook with one empty cell, the bare cost of a kernel (the run's baseline).
    """
    nb = nbformat.read(path, as_version=4) if path else nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    with tempfile.TemporaryDirectory() as answers_dir:
        started = time.perf_counter()
        _client(nb, str(path.parent) if path else answers_dir).execute(env=_env(answers_dir, lang),
                                                                        stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def staged_run(path: Path, lang: str = "ar") -> dict:
    """Seconds per stage of executing ``path`` (an instrumented run: slightly slower than the plain one)."""
    nb = nbformat.read(path, as_version=4)
    dataset = re.match(r"(m\d{2})-", path.parent.name).group(1)
    has_dataset = (REPO / "curriculum" / "datasets" / f"{dataset}.py").exists()
    setup = [nbformat.v4.new_code_cell(PROFILER),
             nbformat.v4.new_code_cell(IMPORT_DATASET.format(
                 extra=f"import curriculum.datasets.{dataset}" if has_dataset else ""))]
    report = nbformat.v4.new_code_cell(REPORT)
    nb.cells = setup + nb.cells + [report]
    client = _client(nb, str(path.parent))
    times, spent = {}, []

    async def execute(answers_dir):
        times["started"] = time.perf_counter()
        async with client.async_setup_kernel(env=_env(answers_dir, lang), stderr=subprocess.DEVNULL):
            times["ready"] = time.perf_counter()
            for index, cell in enumerate(nb.cells[:-1]):
                before = time.perf_counter()
                await client.async_execute_cell(cell, index)
                if index >= len(setup) and cell.cell_type == "code":
                    spent.append((round(time.perf_counter() - before, 3), cell.source.splitlines()[0][:60]))
                if "first_cell" not in times and cell.cell_type == "code" and index >= len(setup):
                    times["first_cell"] = time.perf_counter()
            times["cells"] = time.perf_counter()
            await client.async_execute_cell(report, len(nb.cells) - 1)
            times["reported"] = time.perf_counter()
        times["total"] = time.perf_counter()

    with tempfile.TemporaryDirectory() as answers_dir:
        run_sync(execute)(answers_dir)
    started, ready, cells = times["started"], times["ready"], times["cells"] - times["ready"]
    first_cell, total = times["first_cell"] - started, times["total"] - started
    line = next(o["text"] for o in report.outputs if o.get("name") == "stdout" and "HIMAYA-BENCH" in o["text"])
    stages = json.loads(line.split("HIMAYA-BENCH", 1)[1])
    stages["kernel_start"] = ready - started
    stages["shutdown"] = times["total"] - times["reported"]
    measured = sum(stages[s] for s in ("import", "fonts", "data", "figure_draw", "figure_render", "widgets"))
    stages["kernel_other"] = max(0.0, stages["in_kernel"] - measured)
    stages["messages"] = max(0.0, cells - max(stages["in_kernel"], measured))
    return {"stages": {s: round(stages[s], 3) for s in STAGES}, "first_cell_ready_seconds": round(first_cell, 3),
            "kernel_peak_mb": round(stages["peak_mb"], 1),
            "instrumented_seconds": round(total, 3),
            "slowest_cells": sorted(spent, reverse=True)[:5]}


def import_breakdown() -> dict:
    """``python -X importtime -c 'import curriculum'``: own import milliseconds by top-level package."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import curriculum"],
                         capture_output=True, text=True, cwd=tempfile.gettempdir(), check=True).stderr
    by_package: dict[str, float] = {}
    total = 0.0
    for line in out.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not match:
            continue
        own, name = int(match.group(1)) / 1000, match.group(4)
        top = name.split(".")[0]
        by_package[top] = by_package.get(top, 0.0) + own
        if not match.group(3).strip(" ") and len(match.group(3)) == 1 and name == "curriculum":
            total = int(match.group(2)) / 1000
    biggest = dict(sorted(((k, round(v, 1)) for k, v in by_package.items()), key=lambda kv: -kv[1])[:8])
    return {"import_curriculum_ms": round(total, 1), "own_ms_by_package": biggest}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def answer_latency(changes: int = 200) -> dict:
    """Milliseconds from a widget's value change to its answers file replaced, in this process.

    A SingleChoice exercise in a fresh folder whose answers file already holds a
    module's worth of answers (14 items, one a long written answer), changed
    ``changes`` times; ``os.replace`` of the answers file stamps when each change
    reached the disk.
    """
    from curriculum import answers as answer_file
    from curriculum import exercises as ex
    from curriculum.settings import settings

    before = (settings.answers_dir, settings.trainee)
    with tempfile.TemporaryDirectory() as folder:
        settings.answers_dir, settings.trainee = folder, "t-bench"
        answer_file._stores.clear()
        store = answer_file.store()
        for n in range(13):
            store.answers.items[f"m00.q{n + 2}"] = {"value": "b", "kind": "single", "time": answer_file.now(),
                                                   "changes": 1}
        store.answers.items["m00.q20"] = {"value": "نص " * 400, "kind": "free", "time": answer_file.now(),
                                          "changes": 1}
        exercise = ex.SingleChoice("m00.q1", {"ar": "سؤال", "en": "Question"},
                                   {k: {"ar": f"خيار {k}", "en": f"Option {k}"} for k in "abcd"})
        replaced = []
        real_replace = answer_file.os.replace

        def replace(src, dst):
            real_replace(src, dst)
            replaced.append(time.perf_counter())

        answer_file.os.replace = replace
        try:
            latencies = []
            for n in range(changes):
                replaced.clear()
                started = time.perf_counter()
                exercise.value = "abcd"[n % 4]
                flush = getattr(answer_file, "flush", None)
                if flush:
                    flush()
                latencies.append(1000 * (replaced[-1] - started))
            typing = _typing_writes(ex, answer_file, replaced)
            parts = _write_parts(answer_file, store, changes)
        finally:
            answer_file.os.replace = real_replace
            ex.REGISTRY.clear()
            ex.LINES.clear()
            answer_file._stores.clear()
            settings.answers_dir, settings.trainee = before
    return {"changes": changes, "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(_percentile(latencies, 0.95), 2), "max_ms": round(max(latencies), 2),
            "write_parts_p50_ms": parts, **typing}


def _write_parts(answer_file, store, n: int) -> dict:
    """Median milliseconds of each step of one save, as ``answers.write`` does them: JSON, write, fsync, rename."""
    times = {"json": [], "write": [], "fsync": [], "replace": []}
    path = store.path
    for _ in range(n):
        t0 = time.perf_counter()
        text = json.dumps(store.answers.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
        t1 = time.perf_counter()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            t2 = time.perf_counter()
            os.fsync(handle.fileno())
            t3 = time.perf_counter()
        os.replace(tmp, path)
        t4 = time.perf_counter()
        for key, spent in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times[key].append(1000 * spent)
    return {key: round(statistics.median(values), 3) for key, values in times.items()}


def _typing_writes(ex, answer_file, replaced: list) -> dict:
    """Writes of the answers file while 101 characters are typed steadily into a written answer, a key every 0.15 s.

    Timers run on a hand-moved clock (``curriculum.pause.ManualClock``) as the
    kernel's event loop would run them; with no ``curriculum.pause`` (an older
    course) every keystroke is saved as it comes.
    """
    try:
        from curriculum import pause
    except ImportError:
        pause = None
    clock = pause.ManualClock() if pause else None
    real_clock = pause.clock if pause else None
    if pause:
        pause.clock = clock.call_later
    try:
        area = ex.FreeText("m00.f9", {"ar": "اكتب", "en": "Write"})
        replaced.clear()
        typed = ("البلاغ ليس جريمة مؤكدة؛ نتحقق أولًا من المصدر والتاريخ، ثم نحفظ الأدلة ونبلغ الجهة المختصة "
                 "دون تأخير. " * 2)[:101]
        for n in range(1, len(typed) + 1):
            if clock:
                clock.advance(0.15)
            area._area.value = typed[:n]
        if clock:
            clock.advance(2.0)  # the trainee stops typing
    finally:
        if pause:
            pause.clock = real_clock
    on_disk = answer_file.read(answer_file.store().path).value("m00.f9")
    return {"keystrokes": len(typed), "free_text_writes": len(replaced), "free_text_on_disk": on_disk == typed}


def run(notebooks: list[Path] | None = None, lang: str = "ar", changes: int = 200,
        to: Path = REPO / "build" / "bench") -> dict:
    notebooks = notebooks or core_notebooks()
    modules = []
    empty = []
    for path in notebooks:
        print(f"trainee bench: {path.parent.name}…", file=sys.stderr, flush=True)
        empty.append(plain_run(None, lang))  # one beside each module, as the machine's load changes
        wall = plain_run(path, lang)
        staged = staged_run(path, lang)
        modules.append({"module": path.parent.name, "wall_seconds": round(wall, 3), **staged})
    baseline = statistics.median(empty)  # one empty run is as noisy as the machine; their median less so
    for module in modules:
        module["vs_empty_notebook"] = round(module["wall_seconds"] / baseline, 2)
    result = {"machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()}, "language": lang,
              "empty_notebook_seconds": round(statistics.median(empty), 3),
              "empty_notebook_runs": [round(e, 3) for e in empty], "modules": modules,
              "imports": import_breakdown(), "answers": answer_latency(changes)}
    write_report(to, "trainee", result, table_text(result))
    return result


def table_text(result: dict) -> str:
    """Seconds per stage and module (the instrumented run), the plain wall time, the answers figures."""
    modules = result["modules"]
    names = [m["module"][:3] for m in modules]
    width = max(len(LABELS[s]) for s in STAGES) + 2
    lines = ["stage (s)".ljust(width) + "".join(n.rjust(7) for n in names) + "   total  share"]
    grand = sum(sum(m["stages"].values()) for m in modules) or 1.0
    for stage in STAGES:
        values = [m["stages"][stage] for m in modules]
        lines.append(LABELS[stage].ljust(width) + "".join(f"{v:7.2f}" for v in values)
                     + f"{sum(values):8.2f}  {100 * sum(values) / grand:4.0f}%")
    lines.append("nbclient, plain run".ljust(width) + "".join(f"{m['wall_seconds']:7.2f}" for m in modules)
                 + f"{sum(m['wall_seconds'] for m in modules):8.2f}")
    lines.append("× an empty notebook".ljust(width) + "".join(f"{m['vs_empty_notebook']:7.1f}" for m in modules)
                 + f"   (empty notebook: {result['empty_notebook_seconds']} s, median)")
    lines.append("kernel peak memory (MB)".ljust(width) + "".join(f"{m['kernel_peak_mb']:7.0f}" for m in modules))
    lines.append("first cell done".ljust(width) + "".join(f"{m['first_cell_ready_seconds']:7.2f}" for m in modules))
    imports = result["imports"]
    lines.append(f"import curriculum (-X importtime): {imports['import_curriculum_ms']} ms; own ms by package: "
                 + ", ".join(f"{k} {v}" for k, v in imports["own_ms_by_package"].items()))
    a = result["answers"]
    lines.append(f"widget change → answers file replaced: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms "
                 f"({a['changes']} changes); written answer: {a['free_text_writes']} writes for "
                 f"{a['keystrokes']} keystrokes, final text on disk: {a['free_text_on_disk']}")
    lines.append("one save, p50 ms: " + ", ".join(f"{k} {v}" for k, v in a["write_parts_p50_ms"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grading.bench.trainee", description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="*", help="module folder names (default: every core module)")
    parser.add_argument("--lang", default="ar", choices=("ar", "en"))
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--to", default=str(REPO / "build" / "bench"))
    args = parser.parse_args(argv)
    notebooks = [p for p in core_notebooks() if not args.modules or p.parent.name in args.modules
                 or p.parent.name[:3] in args.modules]
    run(notebooks, args.lang, args.changes, Path(args.to))
    return 0


if __name__ == "__main__":
    sys.exit(main())
