"""The course pipeline on nbgrader's own API: release, fetch, submit, collect, autograde, feedback, export.

:class:`Course` holds one configured :class:`~nbgrader.apps.NbGraderAPI` and
adds only what the course needs around it: a check that no answers file or key
can leak into a release, progress for long runs, and errors that name the
trainee and module instead of stopping the whole cohort.
"""
from __future__ import annotations

import os
import multiprocessing
import shutil
import tempfile
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.utils import temp_attrs
from tqdm.auto import tqdm
from traitlets.config import Config

from curriculum.ids import MODULE  # the one record of the shape of a module name
from curriculum.settings import ANSWERS_FILENAME

from .autograde import OnePassAPI
from .gradebook import shared_engines
from .config import Layout, configure, course_file_settings
from .exchange import REPORTED, printable
from .keys import KeyProblem, parse_key

LEAK_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME", "KEY =")
#: Kept beside the feedback pages: nbgrader's release_feedback reads them to name each page in the
#: exchange (only the pages are released to trainees).
RELEASE_FEEDBACK_NEEDS = ("timestamp.txt", "submission_secret.txt")


class PipelineError(RuntimeError):
    """A step failed for a reason an instructor can act on."""


@dataclass
class StepResult:
    """One trainee's outcome of one step."""

    trainee: str
    ok: bool
    detail: str = ""
    module: str = ""


class Course:
    """A Himaya course on disk: ``notebooks/`` plus nbgrader's folders under ``layout``."""

    #: How grading processes start: "spawn" (a fresh interpreter) is safe in any caller; "fork"
    #: inherits the caller's state, including locks held by its threads.
    pool_start = "spawn"

    def __init__(self, layout: Layout | None = None, config: Config | None = None):
        self.layout = layout or Layout()
        self.config = configure(Config(), self.layout)
        # the course root's nbgrader_config.py (an instructor's own settings), then the caller's
        self._overrides = course_file_settings(self.layout.root)
        self._overrides.merge(config if config is not None else Config())
        self.config.merge(self._overrides)  # the caller's settings win over the course's defaults
        self.layout.base.mkdir(parents=True, exist_ok=True)
        self.layout.exchange.mkdir(parents=True, exist_ok=True)
        self.api = NbGraderAPI(config=self.config)

    # -- modules -------------------------------------------------------------
    @property
    def source(self) -> Path:
        return self.layout.root / "notebooks"

    def modules(self) -> list[str]:
        return sorted(p.name for p in self.source.iterdir() if p.is_dir() and MODULE.match(p.name))

    def check_module(self, module: str) -> None:
        """Fail with the list of modules when ``module`` is not one."""
        if module not in self.modules():
            raise PipelineError(f"unknown module {module!r}; the modules are: {', '.join(self.modules())}")

    def check_released(self, module: str) -> None:
        """Fail when ``module`` has never been released (nothing to collect or grade)."""
        self.check_module(module)
        try:
            with Gradebook(self.layout.db_url) as gb:
                gb.find_assignment(module)
        except MissingEntry:
            raise PipelineError(f"{module} was never released: run `python -m grading release {module}` first") from None

    def check_trainees(self, module: str, trainees: list[str]) -> None:
        """Fail naming every trainee who has no submission of ``module``."""
        unknown = sorted(set(trainees) - set(self.submitted(module)))
        if unknown:
            raise PipelineError(f"no submission of {module} from {', '.join(unknown)}; "
                                f"collected: {', '.join(self.submitted(module)) or 'none'}")

    def release_dir(self, module: str) -> Path:
        return self.layout.step("release") / module

    # -- instructor: release ------------------------------------------------
    def check_source(self, module: str) -> None:
        """Refuse to release a module whose folder holds an answers file (or one moved aside)."""
        stray = list((self.source / module).rglob(ANSWERS_FILENAME.replace(".json", "*.json")))
        if stray:
            raise PipelineError(
                f"{module}: remove {', '.join(str(p) for p in stray)} from the source folder: "
                "nbgrader would release it and then overwrite trainees' answers with it")

    def check_release(self, module: str) -> None:
        """Fail if any released file contains a hidden test, key or mark scheme."""
        for path in self.release_dir(module).rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="ignore")
                found = [m for m in LEAK_MARKERS if m in text]
                if found:
                    raise PipelineError(f"{path}: the release contains {found}; do not hand it out")

    def release(self, module: str, duedate: datetime | None = None) -> Path:
        """Generate the student version of ``module`` and release it to the exchange."""
        self.check_module(module)
        self.check_source(module)
        self._ok(self.api.generate_assignment(module, force=True), f"generate {module}")
        self.check_release(module)
        if duedate is not None:
            with Gradebook(self.layout.db_url) as gb:
                gb.update_or_create_assignment(module, duedate=duedate)
        self._ok(self.api.unrelease(module) if self._released(module) else {"success": True}, f"unrelease {module}")
        self._ok(self.api.release_assignment(module), f"release {module}")
        return self.release_dir(module)

    def _released(self, module: str) -> bool:
        return (self.layout.exchange / self.config.CourseDirectory.course_id / "outbound" / module).exists()

    # -- trainee side of the exchange -----------------------------------------
    @contextmanager
    def _exchange(self, kind: str, module: str, trainee: str, workspace: Path):
        coursedir = self.api.coursedir
        with temp_attrs(coursedir, assignment_id=module, student_id=trainee):
            app = getattr(self.api.exchange, kind)(
                coursedir=coursedir, authenticator=self.api.authenticator, parent=self.api)
            app.assignment_dir = str(workspace)
            app.cache = str(workspace / ".nbgrader-cache")
            yield app

    def fetch(self, module: str, trainee: str, workspace: Path) -> Path:
        """Fetch ``module`` into ``workspace`` as ``trainee`` would in JupyterLab."""
        workspace.mkdir(parents=True, exist_ok=True)
        with self._exchange("FetchAssignment", module, trainee, workspace) as app:
            app.start()
        return workspace / module

    def submit(self, module: str, trainee: str, workspace: Path) -> None:
        """Submit ``workspace/module`` to the exchange as ``trainee``."""
        with self._exchange("Submit", module, trainee, workspace) as app:
            app.start()

    # -- instructor: collect, grade, return ------------------------------------
    def collect(self, module: str) -> list[str]:
        """Collect ``module`` from the exchange; returns what the instructor must know, one line each.

        Links and special files skipped, submission times that disagree or are not times (grading/exchange.py).
        """
        self.check_released(module)
        result = self.api.collect(module)
        self._ok(result, f"collect {module}")
        return [printable(line.split("] ", 1)[-1].strip()) for line in (result.get("log") or "").splitlines()
                if any(marker in line for marker in REPORTED)]

    def collect_zips(self, module: str, folder: Path) -> list[str]:
        """Collect ``module`` from a folder of ``<trainee id>.zip`` files (as a learning platform's download gives them).

        Each zip holds the trainee's module folder or its files; each is
        collected on its own, within limits (grading/zips.py). Returns, as
        :meth:`collect`, one line per zip skipped or entry left out, naming it and why.
        """
        from .zips import ZipCollector, ZipProblem

        self.check_released(module)
        folder = Path(folder)
        if not sorted(folder.glob("*.zip")):
            raise PipelineError(f"{folder}: no .zip files to collect")
        try:
            _, skipped = ZipCollector(config=self.config).collect(
                folder, module, self.release_dir(module), self.layout.step("submitted"),
                self.layout.base / "downloaded" / module)
        except ZipProblem as problem:
            raise PipelineError(str(problem)) from None
        return [printable(line) for line in skipped]

    def submitted(self, module: str) -> list[str]:
        folder = self.layout.step("submitted")
        if not folder.exists():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / module).is_dir())

    def _each(self, label: str, module: str, trainees, action, progress: bool,
              on_result=lambda result: None) -> list[StepResult]:
        return self._each_pair(label, [(module, t) for t in trainees], action, progress, on_result)

    def _each_pair(self, label: str, pairs: list[tuple[str, str]], action, progress: bool,
                   on_result=lambda result: None) -> list[StepResult]:
        results = []
        bar = tqdm(pairs, desc=f"{label} {_label(pairs)}", unit="submission", disable=not progress, leave=False)
        for module, trainee in bar:
            try:
                outcome = action(module, trainee)
            except Exception as err:  # one trainee's failure never stops the cohort
                results.append(StepResult(trainee, False, f"{type(err).__name__}: {err}", module))
                continue
            ok = bool(outcome.get("success"))
            results.append(StepResult(trainee, ok, "" if ok else failure_detail(outcome), module))
            on_result(results[-1])
        return results

    def executes(self, module: str) -> bool:
        """Whether grading ``module`` needs its notebooks run: only where code is graded (analyst labs)."""
        for path in (self.source / module).glob("*.ipynb"):
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code" or not (meta.get("grade") or meta.get("solution")):
                    continue
                if meta.get("solution"):
                    return True
                try:
                    if parse_key(cell.source) is None:
                        return True
                except KeyProblem:
                    pass  # a widget item with a broken key: scored 0 by the grader, no kernel needed
        return False

    @cached_property
    def _api_without_kernel(self) -> NbGraderAPI:
        config = configure(Config(), self.layout, execute=False)
        config.merge(self._overrides)
        return OnePassAPI(config=config)

    def autograde(self, module: str, trainees: list[str] | None = None, progress: bool = True,
                  execute: bool | None = None, jobs: int = 1, force: bool = True) -> list[StepResult]:
        """Autograde ``module`` with nbgrader's own pipeline and gradebook.

        Without a kernel unless the module grades code (``execute``); ``jobs``
        trainees at a time, in separate processes sharing the gradebook.
        ``force=False`` skips trainees already graded on their current
        submission, so an interrupted run can simply be started again.
        """
        if trainees is not None:
            self.check_released(module)
            self.check_trainees(module, trainees)
        return self.autograde_modules([module], trainees, progress, execute, jobs, force)[module]

    def autograde_modules(self, modules: list[str], trainees: list[str] | None = None, progress: bool = True,
                          execute: bool | None = None, jobs: int = 1, force: bool = True,
                          ) -> dict[str, list[StepResult]]:
        """Autograde several modules in one run (as :meth:`autograde`), sharing the grading processes.

        ``trainees`` limits each module to those of them who submitted it.
        Starting grading processes costs seconds; a whole course graded at
        once pays it once per kind of module (with and without a kernel).
        """
        work: dict[bool, list[tuple[str, str]]] = {True: [], False: []}
        for module in modules:
            self.check_released(module)
            submitted = self.submitted(module)
            chosen = submitted if trainees is None else [t for t in trainees if t in submitted]
            if not force:
                chosen = [t for t in chosen if not self.graded_current(module, t)]
            needs_kernel = self.executes(module)
            # code tests that never ran would pass: a module that grades code is always executed
            work[needs_kernel or (execute if execute is not None else needs_kernel)] += [(module, t) for t in chosen]

        def finished(result: StepResult) -> None:  # marked at once: a killed run loses no finished work
            if result.ok:
                self._mark_graded(result.module, result.trainee)

        results = {module: [] for module in modules}
        for executes, pairs in work.items():
            if not pairs:
                continue
            if jobs > 1 and len(pairs) > 1:
                done = self._autograde_parallel(pairs, jobs, progress, executes, finished)
            else:
                api = self.api if executes else self._api_without_kernel
                with shared_engines():
                    done = self._each_pair("autograde", pairs, lambda m, t: api.autograde(m, t, force=True, create=True),
                                           progress, finished)
            for result in done:
                results[result.module].append(result)
        return results

    def _autograde_parallel(self, pairs: list[tuple[str, str]], jobs: int, progress: bool,
                            execute: bool = True, on_result=lambda result: None) -> list[StepResult]:
        """Grade each (module, trainee) in ``jobs`` processes; a process that dies fails only the submission it was grading.

        When a grading process dies (its kernel killed it, say), Python's pool
        fails every unfinished submission. They are graded again in a fresh pool;
        the ones being graded at that moment (each process marks what it grades)
        are graded again one at a time, so the one whose grading kills a process
        is found and reported, and no one else is failed.
        """
        results: dict[tuple[str, str], StepResult] = {}
        bar = tqdm(total=len(pairs), desc=f"autograde {_label(pairs)} ×{jobs}", unit="submission",
                   disable=not progress, leave=False)

        def record(result: StepResult) -> None:
            results[(result.module, result.trainee)] = result
            bar.update(1)
            on_result(result)

        inflight = Path(tempfile.mkdtemp(prefix="himaya-grading-"))
        try:
            pending = list(pairs)
            while pending:
                unfinished, suspects = self._grade_in_pool(pending, jobs, execute, inflight, record)
                if len(suspects) > 1 or not suspects:  # who killed the process: grade each alone
                    suspects = suspects or unfinished
                    for pair in suspects:
                        if self._grade_in_pool([pair], 1, execute, inflight, record)[0]:
                            record(_died(*pair))
                else:
                    record(_died(*suspects[0]))
                pending = [p for p in unfinished if p not in suspects]
        finally:
            bar.close()
            shutil.rmtree(inflight, ignore_errors=True)
        return [results[p] for p in pairs if p in results]

    def _grade_in_pool(self, pairs: list[tuple[str, str]], jobs: int, execute: bool, inflight: Path,
                       record) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """One pool: every finished submission is recorded; returns (unfinished, those being graded when it broke)."""
        unfinished = []
        # spawned, not forked: a fork of a process that runs threads (a notebook server, a browser
        # driver, tqdm's monitor) can inherit a held lock and hang for ever
        with ProcessPoolExecutor(max_workers=min(jobs, len(pairs)), initializer=_start_worker,
                                 initargs=(self.layout, self._overrides, execute, str(inflight)),
                                 mp_context=multiprocessing.get_context(self.pool_start)) as pool:
            futures = {pool.submit(_autograde_one, *pair): pair for pair in pairs}
            for future in as_completed(futures):
                module, trainee = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    unfinished.append((module, trainee))
                    continue
                except Exception as err:  # noqa: BLE001 - this trainee failed, the rest go on
                    record(StepResult(trainee, False, f"{type(err).__name__}: {err}", module))
                    continue
                ok = bool(outcome.get("success"))
                record(StepResult(trainee, ok, "" if ok else failure_detail(outcome), module))
        suspects = [p for p in unfinished if (inflight / _marker_name(*p)).exists()]
        for pair in suspects:
            (inflight / _marker_name(*pair)).unlink(missing_ok=True)
        order = {p: i for i, p in enumerate(pairs)}
        return sorted(unfinished, key=order.get), sorted(suspects, key=order.get)

    # -- resuming an interrupted run -------------------------------------------
    def _marker(self, module: str, trainee: str) -> Path:
        return self.layout.step("autograded") / trainee / module / ".himaya-graded"

    def _submitted_stamp(self, module: str, trainee: str) -> str:
        stamp = self.layout.step("submitted") / trainee / module / "timestamp.txt"
        return stamp.read_text().strip() if stamp.exists() else ""

    def _mark_graded(self, module: str, trainee: str) -> None:
        marker = self._marker(module, trainee)
        if marker.parent.is_dir():
            marker.write_text(self._submitted_stamp(module, trainee))

    def graded_current(self, module: str, trainee: str) -> bool:
        """Whether ``trainee``'s current submission of ``module`` has been graded completely."""
        marker = self._marker(module, trainee)
        return marker.exists() and marker.read_text() == self._submitted_stamp(module, trainee)

    def feedback(self, module: str, trainees: list[str] | None = None, progress: bool = True) -> list[StepResult]:
        self.check_released(module)
        if trainees is not None:
            unknown = sorted(set(trainees) - set(self.graded(module)))
            if unknown:
                raise PipelineError(f"{', '.join(unknown)}: not graded on {module} yet; autograde first")
        trainees = self.graded(module) if trainees is None else trainees
        results = self._each("feedback", module, trainees,
                             lambda m, t: self.api.generate_feedback(m, t, force=True), progress)
        for trainee in trainees:  # nbgrader copies every file of the submission: hand back only the pages
            for path in (self.layout.step("feedback") / trainee / module).glob("*"):
                if path.suffix != ".html" and path.name not in RELEASE_FEEDBACK_NEEDS and (
                        path.is_file() or path.is_symlink()):
                    path.unlink()
        return results

    def graded(self, module: str) -> list[str]:
        folder = self.layout.step("autograded")
        if not folder.exists():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / module).is_dir())

    def feedback_files(self, module: str, trainee: str) -> list[Path]:
        return sorted((self.layout.step("feedback") / trainee / module).glob("*.html"))

    def release_feedback(self, module: str) -> None:
        self._ok(self.api.release_feedback(module), f"release feedback {module}")

    def export(self, path: Path, roster: Path | None = None, by: str = "module") -> Path:
        """The course's grades.csv (grading/reporting/export.py) to ``path``, with ``roster`` merged when given;
        ``by``: a row per trainee and module, item, or written item's criterion."""
        from .reporting.export import CourseExport

        path.parent.mkdir(parents=True, exist_ok=True)
        plugin = CourseExport(config=self.config, to=str(path), roster=str(roster) if roster else "", by=by)
        with Gradebook(self.layout.db_url) as gb:
            plugin.export(gb)
        return path

    def scores(self, module: str) -> dict[str, dict]:
        """Score, maximum and lateness per trainee who submitted ``module``.

        ``score`` is what the items earned; ``late`` and ``late_penalty`` follow the course's late
        policy (grading/late.py), as grades.csv, the cohort report and feedback do.
        """
        from .late import LatePolicy

        policy = LatePolicy(config=self.config)
        out = {}
        with Gradebook(self.layout.db_url) as gb:
            for trainee in self.graded(module):
                try:
                    sub = gb.find_submission(module, trainee)
                except MissingEntry:
                    continue
                out[trainee] = {
                    "score": sub.score, "max_score": sub.max_score,
                    "late": policy.is_late(sub.total_seconds_late),
                    "late_penalty": policy.penalty(sub.score, sub.total_seconds_late),
                    "needs_manual_grade": bool(sub.needs_manual_grade),
                    "items": {g.name: g.score for nb in sub.notebooks for g in nb.grades},
                }
        return out

    @staticmethod
    def _ok(result: dict, what: str) -> None:
        if not result.get("success"):
            raise PipelineError(f"{what} failed:\n{failure_detail(result)}")


_worker_api: NbGraderAPI | None = None
_worker_engines = None
_worker_inflight: Path | None = None
_DIED = ("BrokenProcessPool: the grading process died while grading {trainee}'s {module} (its notebook's kernel may "
         "have killed it); nothing of this submission was graded. The other trainees were graded in a fresh process.")


def _marker_name(module: str, trainee: str) -> str:
    return f"{module}--{trainee}".replace(os.sep, "_")


def _died(module: str, trainee: str) -> StepResult:
    return StepResult(trainee, False, _DIED.format(trainee=trainee, module=module), module)


def _label(pairs: list[tuple[str, str]]) -> str:
    modules = sorted({m for m, _ in pairs})
    return modules[0] if len(modules) == 1 else f"{len(modules)} modules"


def _start_worker(layout: Layout, overrides: Config, execute: bool = True, inflight: str | None = None) -> None:
    """Each grading process gets its own nbgrader API on the shared gradebook."""
    import warnings

    global _worker_api, _worker_inflight
    warnings.filterwarnings("ignore", message=".*not in session.*")
    global _worker_engines
    _worker_engines = shared_engines()  # held: a collected context manager would end at once
    _worker_engines.__enter__()  # for the life of this worker process
    config = configure(Config(), layout, execute=execute)
    config.merge(overrides)
    _worker_api = NbGraderAPI(config=config) if execute else OnePassAPI(config=config)
    _worker_inflight = Path(inflight) if inflight else None


def _autograde_one(module: str, trainee: str) -> dict:
    marker = _worker_inflight / _marker_name(module, trainee) if _worker_inflight else None
    if marker is not None:  # if this process dies, the parent knows whom it was grading
        marker.write_text(str(os.getpid()))
    result = _worker_api.autograde(module, trainee, force=True, create=True)
    if marker is not None:
        marker.unlink(missing_ok=True)
    return {k: result.get(k) for k in ("success", "error", "log")}


def failure_detail(result: dict) -> str:
    """The useful part of an nbgrader API result: its logged errors, else its traceback."""
    log = result.get("log") or ""
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return "\n".join(errors[-15:]) or (result.get("error") or log)[-3000:]
