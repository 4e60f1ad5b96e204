"""The course pipeline on nbgrader's own API: release, fetch, submit, collect, autograde, feedback, export.

:class:`Course` holds one configured :class:`~nbgrader.apps.NbGraderAPI` and
adds only what the course needs around it: a check that no answers file or key
can leak into a release, progress for long runs, and errors that name the
trainee and module instead of stopping the whole cohort.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.plugins import CsvExportPlugin
from nbgrader.utils import temp_attrs
from tqdm.auto import tqdm
from traitlets.config import Config

from curriculum.settings import ANSWERS_FILENAME

from .config import Layout, configure
from .keys import KeyProblem, parse_key

MODULE = re.compile(r"^m\d{2}[a-z]?-[a-z0-9-]+$")
LEAK_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME", "KEY =")


class PipelineError(RuntimeError):
    """A step failed for a reason an instructor can act on."""


@dataclass
class StepResult:
    """One trainee's outcome of one step."""

    trainee: str
    ok: bool
    detail: str = ""


class Course:
    """A Himaya course on disk: ``notebooks/`` plus nbgrader's folders under ``layout``."""

    def __init__(self, layout: Layout | None = None, config: Config | None = None):
        self.layout = layout or Layout()
        self.config = configure(Config(), self.layout)
        self._overrides = config if config is not None else Config()
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
    def collect(self, module: str) -> None:
        self._ok(self.api.collect(module), f"collect {module}")

    def submitted(self, module: str) -> list[str]:
        folder = self.layout.step("submitted")
        if not folder.exists():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / module).is_dir())

    def _each(self, label: str, module: str, trainees, action, progress: bool) -> list[StepResult]:
        results = []
        bar = tqdm(trainees, desc=f"{label} {module}", unit="trainee", disable=not progress, leave=False)
        for trainee in bar:
            try:
                outcome = action(module, trainee)
            except Exception as err:  # one trainee's failure never stops the cohort
                results.append(StepResult(trainee, False, f"{type(err).__name__}: {err}"))
                continue
            ok = bool(outcome.get("success"))
            results.append(StepResult(trainee, ok, "" if ok else failure_detail(outcome)))
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
        return NbGraderAPI(config=config)

    def autograde(self, module: str, trainees: list[str] | None = None, progress: bool = True,
                  execute: bool | None = None) -> list[StepResult]:
        """Autograde with nbgrader; without a kernel unless the module grades code (``execute``)."""
        trainees = self.submitted(module) if trainees is None else trainees
        api = self.api if (self.executes(module) if execute is None else execute) else self._api_without_kernel
        return self._each("autograde", module, trainees,
                          lambda m, t: api.autograde(m, t, force=True, create=True), progress)

    def feedback(self, module: str, trainees: list[str] | None = None, progress: bool = True) -> list[StepResult]:
        trainees = self.graded(module) if trainees is None else trainees
        return self._each("feedback", module, trainees,
                          lambda m, t: self.api.generate_feedback(m, t, force=True), progress)

    def graded(self, module: str) -> list[str]:
        folder = self.layout.step("autograded")
        if not folder.exists():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / module).is_dir())

    def feedback_files(self, module: str, trainee: str) -> list[Path]:
        return sorted((self.layout.step("feedback") / trainee / module).glob("*.html"))

    def release_feedback(self, module: str) -> None:
        self._ok(self.api.release_feedback(module), f"release feedback {module}")

    def export(self, path: Path) -> Path:
        """nbgrader's CSV export of the whole gradebook to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        plugin = CsvExportPlugin(to=str(path))
        with Gradebook(self.layout.db_url) as gb:
            plugin.export(gb)
        return path

    def scores(self, module: str) -> dict[str, dict]:
        """Score, maximum and lateness per trainee who submitted ``module``."""
        out = {}
        with Gradebook(self.layout.db_url) as gb:
            for trainee in self.graded(module):
                try:
                    sub = gb.find_submission(module, trainee)
                except MissingEntry:
                    continue
                out[trainee] = {
                    "score": sub.score, "max_score": sub.max_score,
                    "late": bool(sub.total_seconds_late > 0),
                    "needs_manual_grade": bool(sub.needs_manual_grade),
                    "items": {g.name: g.score for nb in sub.notebooks for g in nb.grades},
                }
        return out

    @staticmethod
    def _ok(result: dict, what: str) -> None:
        if not result.get("success"):
            raise PipelineError(f"{what} failed:\n{failure_detail(result)}")


def failure_detail(result: dict) -> str:
    """The useful part of an nbgrader API result: its logged errors, else its traceback."""
    log = result.get("log") or ""
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return "\n".join(errors[-15:]) or (result.get("error") or log)[-3000:]
