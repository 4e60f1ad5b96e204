"""The harness of the adversarial corpus: real submissions, the real pipeline.

A *template* course is built once per session: the fixture module
``m99-fixture`` is released, an honest control trainee (every answer right,
``double`` written) and an honest blank trainee (nothing done) fetch it,
submit, are collected and graded on both paths (``Course.autograde`` with
``execute=False`` and with the kernel).  Their scores are the baselines.

A *batch* is a copy of the template in which several attacking trainees fetch
the release into a workspace, change it (notebook, answers file, folder)
with their case's ``mutate`` function, submit; the instructor collects once
and autogrades every attacker and then the references (graded last, so
that anything an attack left behind reaches them) on each path in
``PATHS`` and generates feedback after each.  Every trainee's outcome on each
path is an :class:`Outcome`.  The fixture grades code (``double``), and a
module that grades code is executed even when ``execute=False`` is asked
(a code test that never ran would pass): the kernel-free path is then the
executing path again, so the cases are graded on the executing path only, and
the baselines prove the override (``test_kernel_free_grading_gives_no_points_
for_code_it_never_ran``).  A fixture module without code would grade its cases
on both paths.

Attacks that write into the course's shared folders run in a batch of their
own so they cannot spoil other cases.  Test modules ``register`` their
batches when pytest imports them; the session's :class:`Scheduler` runs them
in forked worker processes, two at a time (``HIMAYA_ADVERSARY_WORKERS``
overrides), the first time a test needs one.

Every test then asserts, per grading path: (1) the attacker earns no more
than a blank submission plus its honest answers, (2) nothing escaped
``Course.autograde`` and a failed submission is a failed StepResult with a
detail, (3) the control's scores are exactly its baseline, (4) the specific
flag the instructor gets (audit entry, grader message, logged warning or
failure detail).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell
from traitlets.config import Config

from fixture_answers import PERFECT, POINTS  # noqa: F401 - the corpus's tests import them from here

from curriculum import answers
from curriculum.language import message
from curriculum.settings import ANSWERS_FILENAME
from grading.config import Layout
from grading.course import Course, StepResult
from grading.preprocessors import AUDIT_FILE

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
FIXTURE_NOTEBOOKS = TESTS / "fixtures" / "course" / "notebooks"
MODULE = "m99-fixture"
NOTEBOOK = f"{MODULE}.ipynb"
TIMEOUT = 5  # the grader's per-cell timeout in this corpus (the course uses 60 s)
#: Both grading paths (``Course.autograde(..., execute=False)`` and with a kernel): the baselines.
BASELINE_PATHS = ("kernel-free", "executing")
#: The paths each case is graded on: the fixture grades code, so ``execute=False`` executes too.
PATHS = ("executing",)

CONTROL = "t-control"
BLANK = "t-blank"

CONTROL_ESSAY = "CONTROL-ESSAY-7731: a report count measures detection, not the number of children harmed."
MAX_SCORE = sum(POINTS.values())
WIDGET_GRADE_IDS = [f"m99-q{i}" for i in range(1, 8)]
GRADE_IDS = [*WIDGET_GRADE_IDS, "lab-double-test"]  # the code grade cells (m99-q8 is a task cell)
#: Text of the fixture's hidden tests and keys: none of it may ever reach a trainee.
SECRETS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "double(5) == 10", "KEY =", "'tolerance': 0",
           "BEGIN MARK SCHEME", "Rubric: 3 points")


# -- building submissions ---------------------------------------------------------

def entry(value) -> dict:
    return {"value": value, "kind": "test", "time": "2030-01-01T00:00:00+00:00", "changes": 1}


def write_answers(path: Path, values: dict, trainee: str, language: str = "en") -> None:
    answers.write(path, answers.Answers(trainee=trainee, language=language,
                                        items={k: entry(v) for k, v in values.items()}))


def cell_of(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def index_of(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@dataclass
class Submission:
    """What an attacking trainee can touch: their fetched folder (and, knowing the layout, more)."""

    trainee: str
    folder: Path          # <workspace>/m99-fixture
    course: Course

    @property
    def notebook(self) -> Path:
        return self.folder / NOTEBOOK

    @property
    def answers_file(self) -> Path:
        return self.folder / ANSWERS_FILENAME

    def read(self):
        return nbformat.read(str(self.notebook), as_version=4)

    def write(self, nb) -> None:
        nbformat.write(nb, str(self.notebook))

    @contextmanager
    def edit(self):
        nb = self.read()
        yield nb
        self.write(nb)

    def add_cell(self, source: str, before: str | None = None, after: str | None = None) -> None:
        """Add a code cell before/after the cell ``grade_id`` (default: at the end)."""
        with self.edit() as nb:
            cell = new_code_cell(textwrap.dedent(source).strip() + "\n")
            if before is not None:
                nb.cells.insert(index_of(nb, before), cell)
            elif after is not None:
                nb.cells.insert(index_of(nb, after) + 1, cell)
            else:
                nb.cells.append(cell)

    def set_double(self, source: str) -> None:
        with self.edit() as nb:
            cell_of(nb, "lab-double").source = textwrap.dedent(source).strip() + "\n"

    def answer(self, values: dict, trainee: str | None = None, language: str = "en") -> None:
        write_answers(self.answers_file, values, trainee or self.trainee, language)

    def workspace_of(self, trainee: str) -> Path:
        """A classmate's fetched folder (the references live in the template's ``trainees/``)."""
        return self.course.layout.root / "trainees" / trainee / MODULE


@dataclass
class Case:
    """One way to cheat or break: ``mutate`` changes the fetched submission before it is submitted."""

    mutate: Callable[[Submission], None]
    after_submit: Callable[[Submission, Path], None] | None = None  # (submission, inbound folder)
    honest: dict = field(default_factory=dict)  # grade_id -> points its honest answers earn on top of a blank
    paths: tuple = PATHS


#: Warnings nbgrader logs for every submission, honest ones included: they flag nothing.
#: (Every grade cell with hidden tests "has changed checksum": nbgrader compares the released
#: cell with the source cell.)
NOISE = re.compile(r"Attribute 'checksum' for cell .* has changed|Removing existing assignment")


# -- outcomes -----------------------------------------------------------------------

@dataclass
class Outcome:
    """One trainee's outcome of one grading path."""

    trainee: str
    path: str
    result: StepResult | None
    scores: dict | None                 # Course.scores()[trainee], None if not graded
    audit: dict | None                  # himaya-audit.json of the autograded submission
    notebook: object | None             # the autograded notebook
    log: str                            # nbgrader's captured log of this trainee's autograde
    error: str                          # nbgrader's captured traceback, if any
    seconds: float
    feedback_html: str                  # every feedback HTML file, joined
    feedback_files: dict                # name -> bytes of everything in the feedback folder
    escaped: str | None                 # an exception that escaped Course.autograde (must be None)
    submit_error: str | None = None

    @property
    def total(self) -> float:
        return float(self.scores["score"]) if self.scores else 0.0

    @property
    def items(self) -> dict:
        return dict(self.scores["items"]) if self.scores else {}

    def cell(self, grade_id: str):
        return None if self.notebook is None else cell_of(self.notebook, grade_id)

    def output_text(self, grade_id: str | None = None) -> str:
        """Every output's text (stream, text/plain, text/html, error) of one cell or all cells."""
        if self.notebook is None:
            return ""
        cells = [self.cell(grade_id)] if grade_id else self.notebook.cells
        parts = []
        for cell in cells:
            for out in cell.get("outputs", []):
                parts.append(out.get("text", ""))
                parts += [str(v) for v in out.get("data", {}).values()]
                parts += [out.get("ename", ""), out.get("evalue", ""), "\n".join(out.get("traceback", []))]
        return "\n".join(parts)

    def warnings(self) -> list[str]:
        """Warnings and errors of this trainee's autograde, without those every submission gets."""
        return [line for line in self.log.splitlines()
                if line.startswith(("[WARNING]", "[ERROR]", "[CRITICAL]")) and not NOISE.search(line)]


@dataclass
class Baseline:
    scores: dict       # path -> trainee -> Course.scores() entry
    feedback: dict     # path -> trainee -> feedback html


@dataclass
class Template:
    root: Path
    baseline: Baseline


def course_config() -> Config:
    c = Config()
    c.Execute.timeout = TIMEOUT
    return c


def open_course(root: Path) -> Course:
    return Course(Layout(root=root, work="build"), config=course_config())


@contextmanager
def grader_environment():
    """Grade as an instructor's process would: nothing of the test session's trainee settings.

    tests/conftest.py points every kernel of the session at one shared answers
    folder; a real grader sets no HIMAYA_* variable, so kernels use their
    working directory (the autograded submission).
    """
    saved = {k: os.environ.pop(k) for k in ("HIMAYA_ANSWERS_DIR", "HIMAYA_TRAINEE", "HIMAYA_LANG")
             if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _record_logs(course: Course, sink: dict) -> None:
    """Keep nbgrader's own result (log, traceback, time) of each autograde the course runs."""
    for api in (course.api, course._api_without_kernel):
        api._adversary_sink = sink
        if getattr(api, "_adversary_wrapped", False):
            continue
        original = api.autograde

        def autograde(module, trainee, *args, _original=original, _api=api, **kwargs):
            started = time.perf_counter()
            out = _original(module, trainee, *args, **kwargs)
            _api._adversary_sink[trainee] = {"log": out.get("log") or "", "error": out.get("error") or "",
                                             "seconds": time.perf_counter() - started}
            return out

        api.autograde = autograde
        api._adversary_wrapped = True


def grade(course: Course, trainees: list[str], path: str, jobs: int = 1) -> dict[str, Outcome]:
    """Autograde ``trainees`` (in this order) on ``path``, then generate their feedback.

    ``jobs`` > 1 uses the course's parallel grading processes (nbgrader's logs are then not kept).
    """
    logs: dict = {}
    _record_logs(course, logs)
    escaped = None
    results: dict[str, StepResult] = {}
    with grader_environment():
        try:
            for r in course.autograde(MODULE, trainees=trainees, progress=False, execute=(path == "executing"),
                                      **({"jobs": jobs} if jobs > 1 else {})):
                results[r.trainee] = r
        except BaseException as err:  # noqa: BLE001 - recorded and asserted on by every test
            escaped = f"{type(err).__name__}: {err}"
    autograded = course.layout.step("autograded")
    graded = [t for t in trainees if (autograded / t / MODULE / NOTEBOOK).exists()]
    snapshot = {}
    for t in trainees:
        folder = autograded / t / MODULE
        audit = json.loads((folder / AUDIT_FILE).read_text()) if (folder / AUDIT_FILE).exists() else None
        nb = nbformat.read(str(folder / NOTEBOOK), as_version=4) if t in graded else None
        snapshot[t] = (audit, nb)
    feedback_root = course.layout.step("feedback")
    for t in trainees:
        shutil.rmtree(feedback_root / t / MODULE, ignore_errors=True)
    if graded:
        with grader_environment():
            course.feedback(MODULE, trainees=graded, progress=False)
    scores = course.scores(MODULE)
    out = {}
    for t in trainees:
        folder = feedback_root / t / MODULE
        files = {p.relative_to(folder).as_posix(): p.read_bytes()
                 for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}
        html = "".join(v.decode("utf-8", "replace") for k, v in files.items() if k.endswith(".html"))
        info = logs.get(t, {})
        out[t] = Outcome(t, path, results.get(t), scores.get(t) if t in graded else None, *snapshot[t],
                         info.get("log", ""), info.get("error", ""), info.get("seconds", 0.0), html, files, escaped)
    return out


def build_template(root: Path) -> Template:
    """Release the fixture; the references submit; grade them on both paths (the baselines)."""
    shutil.copytree(FIXTURE_NOTEBOOKS, root / "notebooks")
    course = open_course(root)
    course.release(MODULE)
    for trainee in (BLANK, CONTROL):
        course.fetch(MODULE, trainee, root / "trainees" / trainee)
    control = Submission(CONTROL, root / "trainees" / CONTROL / MODULE, course)
    control.answer({**PERFECT, "m99.q8": CONTROL_ESSAY})
    control.set_double("def double(x):\n    return 2 * x")
    for trainee in (BLANK, CONTROL):
        course.submit(MODULE, trainee, root / "trainees" / trainee)
    course.collect(MODULE)
    scores, feedback = {}, {}
    for path in BASELINE_PATHS:
        graded = grade(course, [BLANK, CONTROL], path)
        for t, o in graded.items():
            assert o.escaped is None and o.result is not None and o.result.ok, (path, t, o.result, o.log[-3000:])
        scores[path] = {t: o.scores for t, o in graded.items()}
        feedback[path] = {t: o.feedback_html for t, o in graded.items()}
    # the baselines the corpus rests on, worked out by hand
    for path in BASELINE_PATHS:
        items = scores[path][CONTROL]["items"]
        assert {g: items[g] for g in WIDGET_GRADE_IDS} == {g: POINTS[g] for g in WIDGET_GRADE_IDS}, items
        assert scores[path][CONTROL]["max_score"] == MAX_SCORE
    assert scores["executing"][CONTROL]["items"] == {**POINTS, "m99-q8": 0.0}
    assert scores["executing"][BLANK]["score"] == 0.0
    return Template(root, Baseline(scores, feedback))


def trainee_id(name: str) -> str:
    return "a-" + name.replace("_", "-")


@dataclass
class Batch:
    root: Path                # the batch's course root
    outcomes: dict            # case name -> path -> Outcome
    references: dict          # path -> trainee -> Outcome
    template: Template
    cases: dict = field(default_factory=dict)          # case name -> Case
    fingerprints: dict = field(default_factory=dict)  # file -> sha256 before grading

    def __getitem__(self, name: str) -> dict:
        return self.outcomes[name]

    @property
    def course(self) -> Course:
        if getattr(self, "_course", None) is None:
            self._course = open_course(self.root)
        return self._course

    def __getstate__(self):  # what a worker process sends back: no course, no case functions
        state = dict(self.__dict__)
        state.pop("_course", None)
        state["cases"] = {}
        return state


def fingerprint(paths) -> dict:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None) for p in paths}


def watched_files(course: Course) -> list[Path]:
    """Files no trainee's grading may change: the source, the references' submissions."""
    base = course.layout
    files = [p for p in (base.root / "notebooks").rglob("*") if p.is_file()]
    files.append(base.root / "notebooks" / MODULE / ANSWERS_FILENAME)  # must stay absent
    for t in (BLANK, CONTROL):
        files += [p for p in (base.step("submitted") / t / MODULE).rglob("*") if p.is_file()]
    return files


def run_batch(template: Template, root: Path, cases: dict[str, Case],
              references: tuple = (CONTROL,), paths: tuple = PATHS, jobs: int = 1) -> Batch:
    """Copy the template into ``root``, let every case attack, grade all on ``paths``."""
    root = root / "course"
    shutil.copytree(template.root, root, symlinks=True)
    course = open_course(root)
    submits = {}
    for name, case in cases.items():
        trainee = trainee_id(name)
        workspace = root / "trainees" / trainee
        sub = Submission(trainee, course.fetch(MODULE, trainee, workspace), course)
        case.mutate(sub)
        try:
            course.submit(MODULE, trainee, workspace)
        except BaseException as err:  # noqa: BLE001 - a refused submission is an outcome too
            submits[name] = f"{type(err).__name__}: {err}"
            continue
        if case.after_submit is not None:
            inbound = course.layout.exchange / "himaya" / "inbound"
            (folder,) = inbound.glob(f"{trainee}+{MODULE}+*")
            case.after_submit(sub, folder)
    course.collect(MODULE)
    batch = Batch(root, {name: {} for name in cases}, {}, template, dict(cases),
                  fingerprint(watched_files(course)))
    batch._course = course
    for path in paths:
        attackers = [trainee_id(n) for n, c in cases.items() if path in c.paths and n not in submits]
        graded = grade(course, [*attackers, *references], path, jobs=jobs)
        for name, case in cases.items():
            if path in case.paths and name not in submits:
                batch.outcomes[name][path] = graded[trainee_id(name)]
            elif path in case.paths:  # never submitted: nothing to grade
                batch.outcomes[name][path] = Outcome(trainee_id(name), path, None, None, None, None, "", "", 0.0,
                                                     "", {}, None, submits[name])
        batch.references[path] = {t: graded[t] for t in references}
    return batch


# -- running batches in parallel worker processes ---------------------------------------------

#: name -> (job, cases): registered by the test modules when pytest imports them
JOBS: dict[str, tuple[Callable, dict]] = {}
WEIGHTS: dict[str, float] = {}  # rough seconds: the heaviest jobs start first


def register(name: str, cases: dict, weight: float | None = None, **options) -> str:
    """Declare a batch; the scheduler runs every declared batch, two at a time, when one is first needed."""
    JOBS[name] = (lambda template, root: run_batch(template, root, cases, **options), cases)
    WEIGHTS[name] = weight if weight is not None else len(cases) + 1
    return name


def register_job(name: str, job: Callable, cases: dict | None = None, weight: float = 5) -> str:
    """Declare any job ``job(template, root) -> picklable result`` (a Batch's cases are re-attached)."""
    JOBS[name] = (job, cases or {})
    WEIGHTS[name] = weight
    return name


class Scheduler:
    """Runs the registered jobs in forked worker processes (two cores: two kernels at a time).

    A job that has not finished after ``JOB_TIMEOUT`` seconds is killed (with every process of its
    session) and reported as failed, so that a hang shows as errors instead of a stuck run.
    """

    JOB_TIMEOUT = 600

    def __init__(self, template: Template, base: Path, workers: int | None = None):
        self.template, self.base = template, base
        self.workers = workers or int(os.environ.get("HIMAYA_ADVERSARY_WORKERS", "0")) or min(2, os.cpu_count() or 1)
        self.pending = sorted(JOBS, key=lambda job: -WEIGHTS.get(job, 1))
        self.running: dict = {}   # connection -> (name, process, started)
        self.done: dict = {}

    def result(self, name: str):
        import multiprocessing
        from multiprocessing.connection import wait

        context = multiprocessing.get_context("fork")
        while name not in self.done:
            while self.pending and len(self.running) < self.workers:
                job = self.pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(JOBS[job][0], self.template, self.base / job, send),
                                          daemon=False)  # the course may start its own pool
                process.start()
                send.close()
                self.running[receive] = (job, process, time.monotonic())
            if not self.running:
                raise KeyError(f"no job {name!r} was registered")
            first_deadline = min(started for _, _, started in self.running.values()) + self.JOB_TIMEOUT
            for ready in wait(list(self.running), timeout=max(1.0, first_deadline - time.monotonic())):
                job, process, _ = self.running.pop(ready)
                try:
                    kind, value = ready.recv()
                except EOFError:
                    kind, value = "error", f"the worker for {job} died (exit code {process.exitcode})"
                process.join()
                self.done[job] = (kind, value)
            for connection, (job, process, started) in list(self.running.items()):
                if time.monotonic() - started > self.JOB_TIMEOUT:
                    self._stop(connection)
                    self.done[job] = ("error", f"{job} did not finish in {self.JOB_TIMEOUT} s: killed")
        kind, value = self.done[name]
        if kind == "error":
            raise RuntimeError(f"batch {name} failed in its worker:\n{value}")
        if isinstance(value, Batch):
            value.cases = JOBS[name][1]
        return value

    def close(self) -> None:
        """Stop the jobs still running when the session ends (a partial run needs only some of them)."""
        for connection in list(self.running):
            self._stop(connection)

    def _stop(self, connection) -> None:
        """Kill a running job with every process of its session."""
        import signal

        _, process, _ = self.running.pop(connection)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.join()
        connection.close()


def _work(job, template, root, send) -> None:
    """In a forked worker: run one job, send back its result, leave without running the parent's exit code."""
    import traceback

    try:
        os.setsid()  # its own session: the scheduler can stop it and everything it started
        root.mkdir(parents=True, exist_ok=True)
        send.send(("ok", job(template, root)))
    except BaseException:  # noqa: BLE001 - reported to the test that needs this batch
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()
        os._exit(0)


# -- the four assertions ---------------------------------------------------------------

def limit(template: Template, path: str, honest: dict | None = None) -> dict:
    """Per grade cell, the most a submission may earn: a blank's score plus its honest answers."""
    blank = template.baseline.scores[path][BLANK]["items"]
    return {g: blank[g] + (honest or {}).get(g, 0.0) for g in blank}


def assert_contained(batch: Batch, name: str, path: str) -> Outcome:
    """(1) no more than its honest answers earn, (2) the pipeline finished, (3) the control is untouched."""
    outcome = batch.outcomes[name][path]
    case_honest = batch.cases[name].honest
    # (2) nothing escaped Course.autograde; the attacker has a StepResult; a failure says why
    assert outcome.submit_error is None, f"the submission could not be handed in: {outcome.submit_error}"
    assert outcome.escaped is None, f"an exception escaped Course.autograde: {outcome.escaped}"
    assert outcome.result is not None, f"no StepResult for {outcome.trainee}"
    if not outcome.result.ok:
        assert outcome.result.detail.strip(), "a failed submission must say why"
    # (1) the score
    most = limit(batch.template, path, case_honest)
    if outcome.scores is not None:
        assert outcome.scores["max_score"] == MAX_SCORE, f"max score changed: {outcome.scores['max_score']}"
        for grade_id, earned in outcome.items.items():
            assert grade_id in most, f"a grade that does not exist was recorded: {grade_id}"
            assert earned <= most[grade_id] + 1e-9, (
                f"{grade_id}: earned {earned}, at most {most[grade_id]} (honest answers only)")
    assert outcome.total <= sum(most.values()) + 1e-9, f"total {outcome.total} > {sum(most.values())}"
    # (3) the honest control (and blank) graded exactly as before
    for trainee, ref in batch.references[path].items():
        assert ref.result is not None and ref.result.ok, f"{trainee} failed: {ref.result}"
        before = batch.template.baseline.scores[path][trainee]
        assert ref.scores == before, f"{trainee}'s scores changed: {before} -> {ref.scores}"
    return outcome


def grader_message(key: str, lang: str, **params) -> str:
    return message(key, lang, **params)


def flagged_naming(outcome: Outcome, *names: str) -> bool:
    """Whether the instructor is told, naming every one of ``names``: failure detail, audit or a warning."""
    places = [outcome.result.detail if outcome.result and not outcome.result.ok else "",
              json.dumps(outcome.audit or {}, ensure_ascii=False), "\n".join(outcome.warnings())]
    return any(all(n in place for n in names) for place in places)


def added_cells(outcome: Outcome) -> int:
    return (outcome.audit or {}).get(MODULE, {}).get("added_code_cells", 0)


def leaks(text: str) -> list[str]:
    """The secrets in ``text``, as written or HTML-escaped."""
    import html

    plain = html.unescape(re.sub(r"<[^>]+>", "", text))  # markup (e.g. colour spans in tracebacks) removed
    return [s for s in SECRETS if s in text or s in plain]


# -- a grader in a process of its own (for attacks on the grader's process) --------------

GRADE_SCRIPT = """
import json, sys
from pathlib import Path
sys.path[:0] = [{here!r}, {tests!r}]  # the corpus, and tests/ for fixture_answers
from adversary import grade, open_course, MODULE
course = open_course(Path({root!r}))
out = grade(course, {trainees!r}, "executing")
print("ADVERSARY-RESULT " + json.dumps({{t: {{"ok": o.result.ok if o.result else None,
    "detail": o.result.detail if o.result else None, "scores": o.scores, "escaped": o.escaped}}
    for t, o in out.items()}}))
"""


def grade_in_subprocess(root: Path, trainees: list[str], timeout: float = 150) -> tuple[int | None, dict, str]:
    """Run the executing path for ``trainees`` of the course at ``root`` in a fresh Python process."""
    script = GRADE_SCRIPT.format(here=str(HERE), tests=str(TESTS), root=str(root), trainees=trainees)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIMAYA_")}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=str(TESTS.parent), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        return None, {}, stderr[-3000:]
    result = {}
    for line in stdout.splitlines():
        if line.startswith("ADVERSARY-RESULT "):
            result = json.loads(line[len("ADVERSARY-RESULT "):])
    return proc.returncode, result, stderr[-3000:]
