"""A real trainee session: nbgrader release/fetch, JupyterLab, Chromium driven by Playwright.

What is set up here, once per test session:

* the course, built with the real pipeline in ``build/test-browser`` (every
  module released, then fetched by one trainee per language into a
  workspace, exactly as the Assignments tab would);
* one JupyterLab per language, on loopback with a token and a free port,
  rooted at that trainee's workspace, with its own settings folder (news off,
  notebook windowing off: every cell stays in the page);
* one headless Chromium (Debian's ``/usr/bin/chromium``).

Each test case is one module in one language (``case``); its notebook is
opened and run once (:class:`Notebook`), and the tests of
``test_trainee_session.py`` work on it in order: check the layout, answer,
restart, save, submit and grade.

Without Chromium or Playwright the suite is skipped with a message saying how
to install them, except under ``CI=true``, where that is a failure.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# What the benches share with the suite (grading/bench/lab.py): Chromium (Debian's package) and how it is launched,
# a Jupyter server started here, a notebook's page; close_menus and free_port are imported from here by tests.
from grading.bench.lab import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    KERNEL_IDLE_JS,
    PROMPTS_JS,
    TIMEOUT_MS,
    JupyterServer,
    NotebookPage,
    close_menus,
    free_port,
)

REPO = Path(__file__).resolve().parents[2]
WORK = "build/test-browser"
SCREENSHOTS = REPO / "build" / "screenshots"
LANGS = ("ar", "en")
#: Modules a trainee works through in Chromium in `make test`: the orientation (every exercise type) and
#: the capstone (long steps, a scale kept in order, figures, every earlier module's kinds). Every module's
#: widgets are also driven in kernels by the end-to-end suite; HIMAYA_BROWSER_MODULES=all runs them all
#: here (about a minute each), as before a release.
REPRESENTATIVE = ["m00-orientation", "m10-capstone-case"]
_WIDGET_MODULES = sorted(p.name for p in (REPO / "notebooks").iterdir()
                         if p.is_dir() and re.match(r"^m\d{2}-[a-z0-9-]+$", p.name))  # analyst labs have no widgets
EVERY_CASE = os.environ.get("HIMAYA_BROWSER_MODULES") == "all"
MODULES = _WIDGET_MODULES if EVERY_CASE else [m for m in REPRESENTATIVE if m in _WIDGET_MODULES]
HOW_TO_INSTALL = (
    "the browser tests need Chromium and Playwright's Python package: "
    "`apt-get install chromium` and `.venv/bin/pip install playwright` "
    "(never `playwright install`: the suite drives /usr/bin/chromium, or the browser HIMAYA_CHROMIUM names)"
)


def trainee_id(lang: str) -> str:
    return f"t-browser-{lang}"


@dataclass(frozen=True)
class Case:
    """One module opened by one trainee in one language."""

    module: str
    lang: str
    who: str = ""  # the trainee's id, when not the suite's usual one for the language

    @property
    def trainee(self) -> str:
        return self.who or trainee_id(self.lang)

    @property
    def id(self) -> str:
        return f"{self.module}-{self.lang}"




def cases(modules: list[str]) -> list[Case]:
    """Each of ``modules`` in Arabic, the course's first language, and the first of them in English too; with
    HIMAYA_BROWSER_MODULES=all, every one in both (make test's two cores have no time for every pairing)."""
    return [Case(module, lang) for lang in LANGS for module in modules
            if EVERY_CASE or lang == LANGS[0] or module == modules[0]]


CASES = cases(MODULES)


def pytest_generate_tests(metafunc):
    # One session-scoped parameter: pytest keeps every test of a case together,
    # so each notebook is opened once and closed before the next one.
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[c.id for c in CASES], scope="session")


# -- requirements ---------------------------------------------------------------
def _missing_requirement() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return None


def require_browser() -> None:
    """Skip without Chromium or Playwright, saying how to install them; under ``CI=true`` fail instead."""
    missing = _missing_requirement()
    if missing:
        message = f"{missing}: {HOW_TO_INSTALL}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def requirements():
    require_browser()


# -- the course ------------------------------------------------------------------
class Build:
    """The course built with the real pipeline, and the trainees' workspaces."""

    def __init__(self):
        from grading.config import Layout
        from grading.course import Course

        self.layout = Layout(work=WORK)
        shutil.rmtree(self.layout.base, ignore_errors=True)
        self.course = Course(self.layout)
        self._released: set[str] = set()

    def workspace(self, trainee: str) -> Path:
        path = self.layout.base / "trainees" / trainee
        path.mkdir(parents=True, exist_ok=True)
        return path

    def fetched(self, case: Case) -> Path:
        """The module's folder in the trainee's workspace (released and fetched on first use)."""
        if case.module not in self._released:
            self.course.release(case.module)
            self._released.add(case.module)
        folder = self.workspace(case.trainee) / case.module
        if not folder.exists():
            self.course.fetch(case.module, case.trainee, self.workspace(case.trainee))
        return folder


@pytest.fixture(scope="session")
def build(requirements) -> Build:
    return Build()


# -- what each exercise shows (read from the notebook's own code) ----------------
_CATALOGUE_SCRIPT = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
from curriculum.exercises import REGISTRY

out = {}
for path in sys.argv[1:]:
    REGISTRY.clear()
    nb = nbformat.read(path, as_version=4)
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
            exec(compile(cell.source, path, "exec"), namespace)
        plt.close("all")
    items = {}
    for item, ex in REGISTRY.items():
        entry = {"kind": ex.kind, "practice": ex.practice is not None, "shuffle": getattr(ex, "shuffle", True)}
        for name in ("options", "steps", "items", "targets", "units"):
            if isinstance(getattr(ex, name, None), dict):
                entry[name] = getattr(ex, name)
        for name in ("minimum", "maximum"):  # a number's declared range
            if isinstance(getattr(ex, name, None), (int, float)):
                entry[name] = getattr(ex, name)
        items[item] = entry
    out[path] = items
print(json.dumps(out, ensure_ascii=False))
"""


class Catalogue:
    """Every exercise's kind and bilingual texts, per module and trainee.

    The notebook's code cells are run in a plain Python process (no kernel,
    no browser) with the trainee's id, so data-dependent items (lines drawn
    from the trainee's own synthetic log) show the same texts as in the
    browser.  The tests use it to find, by exact text, what to click.
    """

    def __init__(self, base: Path, modules: list[str] = MODULES, trainee=trainee_id):
        self.base, self.modules, self.trainee = base, modules, trainee
        self._cache: dict[Case, dict] = {}
        self._running: dict[str, subprocess.Popen] = {}

    def _env(self, trainee: str, answers_dir: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HIMAYA_")}
        env.update(HIMAYA_TRAINEE=trainee, HIMAYA_ANSWERS_DIR=str(answers_dir), MPLBACKEND="Agg")
        return env

    def start(self, lang: str) -> None:
        """Read every module for ``lang``'s trainee in the background."""
        if lang in self._running:
            return
        trainee = self.trainee(lang)
        scratch = self.base / "catalogue" / trainee
        scratch.mkdir(parents=True, exist_ok=True)
        paths = [str(REPO / "notebooks" / m / f"{m}.ipynb") for m in self.modules]
        self._running[lang] = subprocess.Popen(
            [sys.executable, "-c", _CATALOGUE_SCRIPT, *paths], cwd=scratch, env=self._env(trainee, scratch),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def __call__(self, case: Case) -> dict:
        if case not in self._cache:
            self.start(case.lang)
            proc = self._running[case.lang]
            out, err = proc.communicate(timeout=180)
            if proc.returncode:
                raise RuntimeError(f"reading the notebooks' exercises failed:\n{err[-3000:]}")
            for path, items in json.loads(out).items():
                module = Path(path).stem
                self._cache[Case(module, case.lang, case.who)] = items
        return self._cache[case]


@pytest.fixture(scope="session")
def catalogue(build) -> Catalogue:
    found = Catalogue(build.layout.base)
    for lang in LANGS:
        found.start(lang)
    return found


# -- JupyterLab --------------------------------------------------------------------
class Lab(JupyterServer):
    """One JupyterLab server for one trainee, rooted at the trainee's workspace."""

    def __init__(self, root: Path, trainee: str, state: Path, extra_env: dict[str, str] | None = None):
        """``extra_env``: variables set over the lab's own (e.g. JUPYTER_CONFIG_PATH, HIMAYA_LANG)."""
        self.root, self.trainee = root, trainee
        settings = state / "user-settings"
        for plugin, values in {
            "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        }.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        for name in ("config", "runtime", "ipython", "workspaces"):
            (state / name).mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HIMAYA_")}
        env.update(
            HIMAYA_TRAINEE=trainee,            # what JupyterHub would set for this trainee
            JUPYTER_PREFER_ENV_PATH="1",       # the course's kernel, not a user-level one
            JUPYTER_CONFIG_DIR=str(state / "config"),
            JUPYTER_RUNTIME_DIR=str(state / "runtime"),
            IPYTHONDIR=str(state / "ipython"),
        )
        env.pop("MPLBACKEND", None)
        env.update(extra_env or {})
        self.launch([sys.executable, "-m", "jupyter", "lab", *self.choose_address(),
                     f"--ServerApp.root_dir={root}", "--allow-root",
                     f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={state / 'workspaces'}"],
                    root, env, state / "jupyterlab.log")


class CourseLab(Lab):
    """``make lab``'s JupyterLab for one trainee: environment and command from grading/lab.py, plus a port and token."""

    def __init__(self, trainee_lab):
        self.root, self.trainee = trainee_lab.workspace, trainee_lab.trainee
        trainee_lab.prepare()
        # the test process's own settings (a headless plotting backend) are not the trainee's
        env = trainee_lab.environment({k: v for k, v in os.environ.items() if k != "MPLBACKEND"})
        self.launch(trainee_lab.command(self.choose_address()), trainee_lab.workspace, env,
                    trainee_lab.state / "jupyterlab.log")


@pytest.fixture(scope="session")
def labs(build):
    """JupyterLab per language, started on first use and stopped at the end."""
    running: dict[str, Lab] = {}

    def lab_for(lang: str) -> Lab:
        if lang not in running:
            trainee = trainee_id(lang)
            running[lang] = Lab(build.workspace(trainee), trainee, build.layout.base / "lab" / trainee)
        return running[lang]

    yield lab_for
    for lab in running.values():
        lab.stop()


@pytest.fixture(scope="session")
def browser(requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- one notebook in the browser ---------------------------------------------------
class Notebook(NotebookPage):
    """A released module notebook opened in JupyterLab, as a trainee sees it."""

    def __init__(self, case: Case, lab: Lab, page, folder: Path, exercises: dict):
        super().__init__(page, folder / f"{case.module}.ipynb")
        self.case, self.lab, self.folder = case, lab, folder
        self.exercises = exercises
        self.answers_path = folder / "himaya-answers.json"

    # -- opening and running ----------------------------------------------------
    def open(self) -> None:
        page = self.page
        # a workspace of its own: JupyterLab would otherwise reopen the previous case's notebook
        page.goto(f"{self.lab.url}/lab/workspaces/{self.case.id}/tree/{self.case.module}/{self.path.name}"
                  f"?reset&token={self.lab.token}")
        self.wait_until_idle()
        # more room for the notebook: fold the file browser away
        current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if current.count():
            current.first.click()
        self.run_all()

    def restart_and_run_all(self) -> None:
        """Restart the kernel clearing every output (so no old count can pass for a new one), then run all."""
        self.menu("Kernel", "Restart Kernel and Clear Outputs of All Cells…")
        self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
        self.page.wait_for_function(
            f"() => ({PROMPTS_JS})().every(p => p === null || p === '[ ]:') && "
            "!document.querySelector('.jp-Notebook .jp-OutputArea-output')", timeout=TIMEOUT_MS)
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=TIMEOUT_MS)
        self.run_all()

    def save(self) -> None:
        """Ctrl+S from command mode, as a trainee saves."""
        self.page.locator(".jp-MarkdownCell").first.click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => { const t = document.querySelector('.lm-TabBar-tab.jp-mod-current, .lm-TabBar-tab.lm-mod-current');"
            " return t && !t.classList.contains('jp-mod-dirty'); }", timeout=TIMEOUT_MS)

    # -- exercises ---------------------------------------------------------------
    def exercise(self, item: str):
        """The exercise whose id badge reads exactly ``item`` (m01.q1 is not m01.q10)."""
        return self.page.locator(".himaya-exercise").filter(
            has=self.page.locator(".himaya-id", has_text=re.compile(f"^{re.escape(item)}$")))

    def status(self, item: str) -> str:
        return self.exercise(item).locator(".himaya-status").inner_text().strip()

    def choose_language(self, lang: str) -> None:
        label = {"ar": "العربية", "en": "English"}[lang]
        button = self.page.locator(".himaya-session button.widget-toggle-button").filter(
            has_text=re.compile(f"^{label}$"))
        if "mod-active" not in (button.get_attribute("class") or ""):
            button.click()
        rtl = "true" if lang == "ar" else "false"
        self.page.wait_for_function(
            f"() => [...document.querySelectorAll('.himaya-exercise')].every("
            f"e => e.classList.contains('himaya-rtl') === {rtl})", timeout=TIMEOUT_MS)

    def read_answers(self) -> dict:
        try:
            return json.loads(self.answers_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_for_answers(self, expected: dict, timeout: float = 30) -> dict:
        """Poll the answers file beside the notebook until it holds ``expected`` (item → value)."""
        deadline = time.monotonic() + timeout
        while True:
            data = self.read_answers()
            got = {k: v.get("value") for k, v in data.get("answers", {}).items()}
            if all(got.get(k) == v for k, v in expected.items()) or time.monotonic() > deadline:
                return data
            time.sleep(0.2)

    def screenshot(self, path: Path, height: int = 3000) -> dict:
        """The whole notebook in one picture, stitched from views scrolled down the notebook."""
        from PIL import Image

        page = self.page
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": height})
        outer = page.locator(".jp-NotebookPanel-notebook .jp-WindowedPanel-outer")
        geometry = outer.evaluate(
            """o => { const r = o.getBoundingClientRect(), cells = o.querySelectorAll('.jp-Cell');
                      const last = cells[cells.length - 1].getBoundingClientRect();
                      return {left: r.left, top: r.top, width: r.width, view: o.clientHeight,
                              total: Math.ceil(last.bottom - r.top + o.scrollTop + 16)}; }""")
        picture = Image.new("RGB", (int(geometry["width"]), geometry["total"]), "white")
        parts = path.parent / f".{path.stem}"
        parts.mkdir(parents=True, exist_ok=True)
        offset, n = 0, 0
        while True:
            top = outer.evaluate("(o, y) => { o.scrollTop = y; return o.scrollTop; }", offset)
            page.wait_for_timeout(150)
            part = parts / f"{n}.png"
            page.screenshot(path=str(part), clip={"x": geometry["left"], "y": geometry["top"],
                                                  "width": geometry["width"], "height": geometry["view"]})
            with Image.open(part) as image:
                # the toolbar's shadow falls on the top rows of every view: keep those only from the first
                skip = 8 if n else 0
                picture.paste(image.crop((0, skip, image.width, image.height)), (0, int(top) + skip))
            n += 1
            if top + geometry["view"] >= geometry["total"] or top < offset:
                break
            offset = top + geometry["view"] - 8  # overlap a little: no seam where two views meet
        shutil.rmtree(parts)
        exercises = outer.evaluate(
            """o => [...o.querySelectorAll('.himaya-exercise')].map(e => {
                 const r = e.getBoundingClientRect(), base = o.getBoundingClientRect().top - o.scrollTop;
                 return {top: r.top - base, bottom: r.bottom - base}; })""")
        outer.evaluate("o => { o.scrollTop = 0; }")
        page.set_viewport_size(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        picture.save(path, optimize=True)
        return {"path": path, "size": picture.size, "parts": n, "exercises": exercises}


@pytest.fixture(scope="session")
def notebook(case, build, labs, browser, catalogue):
    """The case's module opened, run and switched to the case's language, in its own page."""
    folder = build.fetched(case)
    lab = labs(case.lang)

    def open_and_choose(nb: Notebook) -> None:
        nb.open()
        nb.choose_language(case.lang)

    with opened_in_page(browser, case, lab, lambda page: Notebook(case, lab, page, folder, catalogue(case)),
                        open_and_choose, f"failed-{case.id}") as nb:
        yield nb


@contextmanager
def opened_in_page(browser, case: Case, lab: Lab, make, prepare, failed: str):
    """A browser page of its own for ``case``: ``make(page)`` gives the notebook object, ``prepare`` opens it.

    If opening fails, the page is saved as ``build/screenshots/<failed>.png`` and the error
    carries JupyterLab's log; at the end the page is closed and the kernels shut down.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar" if case.lang == "ar" else "en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    nb = make(page)
    try:
        prepare(nb)
    except Exception:  # noqa: BLE001 - whatever went wrong: the page's picture and the server's log, then the error
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{failed}.png"))
        context.close()
        raise RuntimeError(f"could not open {case.module} in JupyterLab; server log:\n{lab.log()}")
    try:
        yield nb
    finally:
        context.close()
        lab.shutdown_kernels()
