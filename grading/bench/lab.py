"""What a trainee waits for in JupyterLab, in Chromium: ``make lab``'s start-up, then each core module opened and run.

Part of ``make bench`` (``python -m grading.bench --lab`` runs only this part, a few minutes).
A benchmark: the figures are reported against issue #18's goals, never asserted.

- **make lab's start-up** — the command ``make lab`` runs, ``python -m grading lab``
  (grading/lab.py), for trainee ``t-bench`` on a free port with a token, in a course
  folder of its own (``build/bench/lab``, emptied first): seconds from the process's start
  until the server's API answers (``/api/status``), twice.  The first start releases every
  module (a fresh clone's first ``make lab``); the second has nothing to release (goal
  ≤ 10 s).  Each is split at the line the lab prints once it has released what changed:
  the release check, then JupyterLab's own start.
- **each core module, in Chromium** — with the second server up, each module fetched into
  the trainee's folder as the Assignment List fetches it, then, in a page of its own in one
  headless Chromium (Debian's, launched as the browser suite launches it; the browser's
  cache warmed by one load of JupyterLab first): JupyterLab loaded (timed, apart), the
  module's folder opened in the file browser, and from the double click on the notebook
  until its kernel is idle (the status bar's "| Idle"); then, as the module's "start here"
  note asks (no cell runs by itself), Run › Run All Cells, from the click until every cell
  has run and every widget the cells displayed is drawn: together, ``ready_seconds`` (goal
  ≤ 3 s).  Then Run All again on the now warm kernel, to the same end (goal ≤ 2 s).  The
  notebook's kernel is shut down before the next module.

Writes ``build/bench/lab.json`` and ``build/bench/lab.txt`` (a short table).

The browser suite (tests/browser/conftest.py) starts its servers and drives its notebooks
with what is defined here: :class:`JupyterServer`, :class:`NotebookPage`, :func:`close_menus`.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..config import REPO
from .report import write_report

#: Debian's Chromium, and how the browser suite and the benches launch it
CHROMIUM = Path(os.environ.get("HIMAYA_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 60_000
TRAINEE = "t-bench"
WORK = "build/bench/lab"
#: Issue #18's goals, in seconds, on 2 cores
GOALS = {"ready_seconds": 3.0, "run_all_warm_seconds": 2.0, "make_lab_unchanged_seconds": 10.0}
MEASURED = {
    "make_lab": "seconds from starting `python -m grading lab --trainee t-bench` (make lab's command; a free port, "
                "a token, --no-browser) until its /api/status answers; `release_check_seconds` until it printed "
                "that it had released what changed, `jupyterlab_seconds` the rest. `first`: a course folder of its "
                "own, emptied (every module released); `unchanged`: started again, nothing changed",
    "lab_page_cold_seconds": "the first load of JupyterLab in a fresh browser (cold cache) until its menu bar shows",
    "lab_page_seconds": "per module, JupyterLab loaded in a new page (cache warm, a workspace of its own) until its "
                        "file browser lists the module's folder; not part of ready_seconds",
    "kernel_idle_seconds": "from the double click on the notebook in JupyterLab's file browser (JupyterLab loaded, the "
                           "module's folder open: a trainee's JupyterLab is already open) until the notebook's kernel "
                           "is idle: the toolbar's indicator and the status bar's '| Idle' (page clock)",
    "notebook_shown_seconds": "the part of kernel_idle_seconds until the notebook's cells are in the page (the rest: "
                              "the kernel's start and connection)",
    "run_all_first_seconds": "from the click on Run › Run All Cells (no cell runs by itself: the module's note asks "
                             "the trainee to run all cells) until every cell has run, every widget output is drawn "
                             "and at least one exercise per graded item shows (page clock)",
    "ready_seconds": "kernel_idle_seconds + run_all_first_seconds: open → ready to answer, without the trainee's "
                     "own clicks between the two",
    "run_all_warm_seconds": "Run All Cells again on the same kernel, from the click to the same end",
    "run_all_kernel_seconds": "the part of run_all_first_seconds until the kernel said it was idle after the last cell "
                              "(the kernel's own clock: the time stamp of its last 'idle' message; the machine's one "
                              "clock): importing, computing, drawing figures, making widgets and sending it all",
    "run_all_browser_seconds": "run_all_first_seconds - run_all_kernel_seconds: JupyterLab, after the kernel was done, "
                               "still taking in its messages and drawing outputs and widget views",
    "kernel_message_lag_seconds": "how long after the kernel sent its last 'idle' the page took it in (the page's "
                                  "one thread busy drawing what came before)",
    "widget_models": "the widget models the first Run All made (comm_open messages from the kernel): each one a "
                     "message and a model the browser builds before it draws",
}
#: Each module's figures, as the table heads them
COLUMNS = {"lab_page_seconds": "page", "notebook_shown_seconds": "cells shown", "kernel_idle_seconds": "open → idle",
           "run_all_first_seconds": "Run All → widgets", "ready_seconds": "ready",
           "run_all_kernel_seconds": "kernel part", "run_all_browser_seconds": "browser part",
           "run_all_warm_seconds": "warm Run All"}


# -- a Jupyter server started here ------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """A Jupyter server this process started on loopback, with a token: its API, its log, stopping it.

    A subclass chooses ``port`` and ``token`` (:meth:`choose_address`) and starts its command with
    :meth:`launch`, which waits until the server's API answers.
    """

    port: int
    token: str
    log_path: Path
    process: subprocess.Popen

    def choose_address(self) -> list[str]:
        """A free port and a new token: the server's options that say so."""
        self.port, self.token = free_port(), secrets.token_hex(16)
        return ["--no-browser", "--ip=127.0.0.1", f"--port={self.port}", f"--IdentityProvider.token={self.token}"]

    def launch(self, command: list[str], cwd: Path, env: dict[str, str], log_path: Path, timeout: float = 90,
               every: float = 0.25, **popen) -> float:
        """Start ``command``, its output to ``log_path``; the seconds until its API answered."""
        self.log_path = log_path
        self._log = log_path.open("w")
        started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, **popen)
        self._wait_until_up(timeout, every)
        return time.perf_counter() - started

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str, method: str = "GET", body=None, timeout: float = 10):
        """``body``: sent as JSON (e.g. a PUT to the grading page's API)."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
        return json.loads(answer) if answer else None

    def _wait_until_up(self, timeout: float = 90, every: float = 0.25) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Jupyter server exited ({self.process.returncode}):\n{self.log()}")
            try:
                self.api("/api/status")
                return
            except OSError:
                self._waiting()
                time.sleep(every)
        raise RuntimeError(f"the Jupyter server did not start within {timeout} s:\n{self.log()}")

    def _waiting(self) -> None:
        """Called between two tries while the server is not up yet."""

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def shutdown_kernels(self) -> None:
        for session in self.api("/api/sessions") or []:
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


class MakeLab(JupyterServer):
    """``make lab``'s command, ``python -m grading lab``, for a trainee, on a free port with a token.

    ``seconds``: from its start until its API answered; ``release_check_seconds``: until it printed that
    it had released what changed (the rest is JupyterLab's own start); ``released``: the modules it released.
    """

    def __init__(self, root: Path, work: str, log_path: Path, trainee: str = TRAINEE, lang: str = "ar",
                 extra: tuple[str, ...] = ()):
        options = self.choose_address()
        self.command = [sys.executable, "-m", "grading", "--root", str(root), "--work", work, "lab",
                        "--trainee", trainee, "--lang", lang, *options, *extra]
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the bench's plotting backend is not the trainee's
        env["JUPYTER_PREFER_ENV_PATH"] = "1"  # as the Makefile exports it
        self._started, self.release_check_seconds = time.perf_counter(), None
        log_path.parent.mkdir(parents=True, exist_ok=True)
        # a session of its own: if the lab ignores the API's shutdown, its JupyterLab (a child) is stopped with it
        self.seconds = self.launch(self.command, root, env, log_path, timeout=900, every=0.1, start_new_session=True)
        self._waiting()
        self.released = re.findall(r"^releasing (\S+)$", self.log_path.read_text(errors="replace"), re.MULTILINE)

    def _waiting(self) -> None:
        if self.release_check_seconds is None and "JupyterLab for trainee" in self.log_path.read_text(errors="replace"):
            self.release_check_seconds = time.perf_counter() - self._started

    def figures(self) -> dict:
        check = self.release_check_seconds or 0.0
        return {"seconds": round(self.seconds, 2), "released": len(self.released),
                "release_check_seconds": round(check, 2), "jupyterlab_seconds": round(self.seconds - check, 2)}

    def stop(self) -> None:
        """As a trainee ends it: the server shuts its kernels down and exits, then ``python -m grading lab`` returns."""
        try:
            self.api("/api/shutdown", method="POST")
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGTERM)  # the session started above: the lab and its JupyterLab
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# -- a notebook open in JupyterLab, in a Playwright page --------------------------------------------
#: Per code cell, in order: its input prompt if the input is shown, else the prompt of its
#: first output (a cell whose code is hidden shows a placeholder without a count).
PROMPTS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell')].map(cell => {
    const input = cell.querySelector('.jp-InputArea-prompt');
    if (input) return input.textContent.trim();
    const output = [...cell.querySelectorAll('.jp-OutputArea-prompt')].find(p => p.textContent.trim());
    return output ? output.textContent.trim() : null;
})"""
#: The kernel is connected once the status bar names it and says it is idle
KERNEL_IDLE_JS = ("() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
                  ".some(e => /\\| Idle$/.test(e.textContent.trim()))")
#: The widgets the cells displayed: their outputs (ipywidgets' renderer is the one output that is a Lumino panel,
#: empty until the widget's view is made), those drawn (a view inside), and the course's exercises shown
WIDGETS_JS = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const outputs = panel ? [...panel.querySelectorAll('.jp-OutputArea-output.lm-Panel')] : [];
    return {outputs: outputs.length,
            drawn: outputs.filter(o => o.querySelector(':scope > .jupyter-widgets:not(.jupyter-widgets-disconnected)')).length,
            exercises: panel ? panel.querySelectorAll('.himaya-exercise').length : 0};
}"""
#: Once the notebook's kernel is connected (JupyterLab exposed to the page, as the bench starts it): every message the
#: kernel sends on iopub is watched; its last 'idle' (the kernel's time stamp and when the page took it in) and how
#: many widget models it opened
KERNEL_WATCH_JS = """() => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const watch = window.__himayaKernel = {idleSent: null, idleSeen: null, comms: 0};
    kernel.iopubMessage.connect((_, msg) => {
        if (msg.header.msg_type === 'comm_open') watch.comms += 1;
        if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') {
            watch.idleSent = Date.parse(msg.header.date) - performance.timeOrigin;
            watch.idleSeen = performance.now();
        }
    });
}"""
#: In every page: when a menu item or a file browser's item was first clicked since ``__himayaClick`` was set to
#: null (page clock, ms)
CLICK_TIMER = """window.__himayaClick = null;
window.addEventListener('pointerup', e => {
    if (window.__himayaClick === null && e.target instanceof Element
            && e.target.closest('.lm-Menu, .jp-DirListing-item'))
        window.__himayaClick = performance.now();
}, true);"""


def interface_label(text: str, lang: str) -> str:
    """JupyterLab's label ``text`` as an interface in ``lang`` shows it (Arabic where the language pack has it)."""
    if lang != "ar":
        return text
    try:
        import jupyterlab_language_pack_ar_SA as pack
    except ImportError:
        return text
    found = json.loads((Path(pack.__file__).parent / "locale" / "ar_SA" / "LC_MESSAGES" / "jupyterlab.json")
                       .read_text(encoding="utf-8")).get(text)
    return found[0] if isinstance(found, list) and found and found[0] else text


def close_menus(page) -> None:
    """Close an open menu as a person would: Escape, or, if the key went elsewhere (JupyterLab, still loading on a
    busy hub, can move the keyboard's focus out of a menu that is open), a click on the menu bar's empty end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    menus = page.locator(".lm-Menu:not(.lm-mod-hidden)")
    page.keyboard.press("Escape")
    for _ in range(3):
        try:
            menus.first.wait_for(state="hidden", timeout=3_000)
            return
        except PlaywrightTimeout:
            box = page.locator(".lm-MenuBar").first.bounding_box()
            page.mouse.click(box["x"] + box["width"] - 12, box["y"] + box["height"] / 2)
    menus.first.wait_for(state="hidden")


class NotebookPage:
    """The notebook at ``path`` open in JupyterLab in ``page``: its menus, its kernel's state, its cells' run."""

    def __init__(self, page, path: Path):
        self.page, self.path = page, path

    def wait_until_idle(self, timeout_ms: int = TIMEOUT_MS) -> None:
        """Until the notebook's kernel is connected and idle."""
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]", timeout=timeout_ms)
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms)

    def menu(self, menu: str, item: str) -> None:
        """Menu bar › item, as a person does: if the menu did not open (a click on a menu already open closes it,
        as when a previous Escape had not yet landed on a loaded hub), close what is open and open it again."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        bar = self.page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile(f"^{re.escape(menu)}$"))
        entry = self.page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-item:not(.lm-mod-disabled) "
                                  ".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(item)}$"))
        for _ in range(2):
            bar.click()
            try:
                entry.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                close_menus(self.page)
        entry.click()

    def expected_prompts(self, after: int = 0) -> list[str | None]:
        """What each code cell's prompt reads after a run that follows ``after`` executions in its kernel
        (0: a fresh kernel; empty cells do not count)."""
        import nbformat

        nb = nbformat.read(self.path, as_version=4)
        out, count = [], after
        for cell in nb.cells:
            if cell.cell_type == "code":
                count += bool(cell.source.strip())
                out.append(f"[{count}]:" if cell.source.strip() else None)
        return out

    def executed_cells(self) -> int:
        """How many cells one run of the notebook executes (its code cells that are not empty)."""
        return sum(p is not None for p in self.expected_prompts())

    def run_done_js(self, after: int = 0) -> str:
        """In the page, whether every code cell has run, in order, after ``after`` executions: the prompts read
        [after + 1] … A cell whose code is hidden shows its count only beside its output; the last code cell must
        show its count, and no count shown may be wrong."""
        return f"""() => {{
            const want = {json.dumps(self.expected_prompts(after))}, got = ({PROMPTS_JS})();
            const last = want.length - 1 - [...want].reverse().findIndex(w => w !== null);
            return got.length === want.length && got[last] === want[last]
                && got.every((g, i) => g === null || want[i] === null || g === want[i]);
        }}"""

    def wait_until_run(self, timeout_ms: int = 120_000, after: int = 0) -> None:
        """Every code cell has run, in order, after ``after`` executions in its kernel (0: a fresh kernel)."""
        try:
            self.page.wait_for_function(self.run_done_js(after), timeout=timeout_ms)
        except Exception as err:
            prompts = self.page.evaluate(PROMPTS_JS)
            errors = self.page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
            raise AssertionError(f"the cells did not all run: expected prompts {self.expected_prompts(after)}, got "
                                 f"{prompts}; errors: {[e[-1500:] for e in errors]}") from err
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]", timeout=TIMEOUT_MS)

    def start_run_all(self) -> None:
        """Run › Run All Cells, once more if nothing was queued (the kernel was not taking requests yet)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.menu("Run", "Run All Cells")
        started = f"() => ({PROMPTS_JS})().some(p => p !== null && p !== '[ ]:')"
        try:
            self.page.wait_for_function(started, timeout=20_000)
        except PlaywrightTimeout:
            self.menu("Run", "Run All Cells")

    def run_all(self, after: int = 0) -> None:
        self.start_run_all()
        self.wait_until_run(after=after)


class BenchNotebook(NotebookPage):
    """A module's notebook in the trainee's JupyterLab, opened and run as the bench measures it."""

    def __init__(self, page, server: JupyterServer, workspace: Path, module: str, lang: str, graded_items: int):
        super().__init__(page, workspace / module / f"{module}.ipynb")
        self.server, self.module, self.lang, self.graded_items = server, module, lang, graded_items

    def menu(self, menu: str, item: str) -> None:
        super().menu(interface_label(menu, self.lang), interface_label(item, self.lang))

    def item(self, name: str):
        """The file browser's item named exactly ``name``."""
        return self.page.locator(".jp-DirListing-item").filter(
            has=self.page.locator(".jp-DirListing-itemText", has_text=re.compile(f"^{re.escape(name)}$")))

    def until(self, condition: str) -> float:
        """Milliseconds on the page's clock when ``condition`` (JavaScript, an expression) first held."""
        return self.page.wait_for_function(f"() => ({condition}) && performance.now()").json_value()

    def load(self) -> float:
        """JupyterLab in this page, in a workspace of its own (no earlier notebook reopens); seconds until its file
        browser lists the module's folder."""
        started = time.perf_counter()
        self.page.goto(f"{self.server.url}/lab/workspaces/bench-{self.module}?reset&token={self.server.token}")
        self.item(self.module).wait_for()
        return time.perf_counter() - started

    def open(self) -> tuple[float, float]:
        """Open the notebook from the file browser as a trainee does (its folder, then a double click on it);
        seconds from the double click until its cells show, and until its kernel is idle."""
        self.item(self.module).dblclick()
        notebook = self.item(self.path.name)
        notebook.wait_for()
        self.page.evaluate("() => { window.__himayaClick = null; }")
        notebook.dblclick()
        shown = self.until("document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')")
        idle = self.until(f"document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                          f".jp-Notebook-ExecutionIndicator[data-status=idle]') && ({KERNEL_IDLE_JS})()")
        clicked = self.page.evaluate("() => window.__himayaClick")
        self.page.evaluate(KERNEL_WATCH_JS)
        return (shown - clicked) / 1000, (idle - clicked) / 1000

    def timed_run_all(self, after: int = 0, timeout_ms: int = 180_000) -> tuple[float, dict]:
        """Run All Cells; seconds from the click until every cell has run and the widgets are drawn, and those
        widgets with the kernel's part (``kernel``: seconds until it sent its last 'idle'; ``lag``: until the page
        took that in; ``models``: the widget models it opened)."""
        self.page.evaluate("() => { window.__himayaClick = null; Object.assign(window.__himayaKernel, "
                           "{idleSent: null, idleSeen: null, comms: 0}); }")
        self.start_run_all()
        done = self.run_done_js(after)
        shown = f"""() => {{ const w = ({WIDGETS_JS})();
            return w.drawn === w.outputs && w.exercises >= {self.graded_items} && (w.outputs > 0 || {self.graded_items} === 0); }}"""
        try:
            ended = self.page.wait_for_function(f"() => ({done})() && ({shown})() && performance.now()",
                                                timeout=timeout_ms).json_value()
        except Exception as err:
            raise AssertionError(f"{self.module}: Run All did not end with every widget drawn: prompts "
                                 f"{self.page.evaluate(PROMPTS_JS)}, widgets {self.page.evaluate(WIDGETS_JS)}") from err
        clicked = self.page.evaluate("() => window.__himayaClick")
        kernel = self.page.evaluate("() => window.__himayaKernel")
        return (ended - clicked) / 1000, {**self.page.evaluate(WIDGETS_JS), "models": kernel["comms"],
                                          "kernel": (kernel["idleSent"] - clicked) / 1000,
                                          "lag": (kernel["idleSeen"] - kernel["idleSent"]) / 1000}


# -- the bench -----------------------------------------------------------------------------------
def _graded_items(course, module: str) -> int:
    from ..keys import notebook_keys

    return len(notebook_keys(course.source / module / f"{module}.ipynb"))


def _spread(values: list[float]) -> dict:
    return {"p50": round(statistics.median(values), 2), "max": round(max(values), 2)} if values else {}


def _verdict(values: list[float], goal: float) -> dict:
    """How many figures meet ``goal`` and by how much the worst misses it."""
    return {"goal_seconds": goal, "met": sum(v <= goal for v in values), "of": len(values),
            "worst_miss_seconds": round(max([0.0, *(v - goal for v in values)]), 2)}


def measure_module(context, server: JupyterServer, workspace: Path, module: str, lang: str,
                   graded_items: int) -> dict:
    """One module opened, run, and run again in a page of its own; its kernel shut down after."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    nb = BenchNotebook(page, server, workspace, module, lang, graded_items)
    try:
        page_load = nb.load()
        shown, idle = nb.open()
        first, widgets = nb.timed_run_all()
        warm, _ = nb.timed_run_all(after=nb.executed_cells())
    finally:
        page.close()
        server.shutdown_kernels()
    return {"module": module, "lab_page_seconds": round(page_load, 2), "notebook_shown_seconds": round(shown, 2),
            "kernel_idle_seconds": round(idle, 2), "run_all_first_seconds": round(first, 2),
            "ready_seconds": round(idle + first, 2), "run_all_warm_seconds": round(warm, 2),
            "run_all_kernel_seconds": round(widgets["kernel"], 2),
            "run_all_browser_seconds": round(first - widgets["kernel"], 2),
            "kernel_message_lag_seconds": round(widgets["lag"], 2), "widget_models": widgets["models"],
            "cells_run": nb.executed_cells(), "widget_outputs": widgets["outputs"],
            "exercises_shown": widgets["exercises"], "graded_items": graded_items}


def run(modules: list[str] | None = None, lang: str = "ar", to: Path = REPO / "build" / "bench",
        root: Path = REPO, work: str = WORK) -> dict:
    """Start ``make lab`` twice, open each of ``modules`` (every core module by default) in Chromium; write lab.json."""
    from playwright.sync_api import sync_playwright

    from ..config import Layout
    from ..course import Course
    from ..lab import TraineeLab
    from .autograde import core_modules

    layout = Layout(root=root, work=work)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    modules = modules or core_modules(course)
    workspace = TraineeLab(course, TRAINEE, lang).workspace
    print(f"lab bench: make lab, first start (releases every module) in {layout.base}…", file=sys.stderr, flush=True)
    first = MakeLab(root, work, layout.base / "make-lab-first.log", lang=lang)
    first.stop()
    for module in modules:  # as Nbgrader › Assignment List › Fetch does
        course.fetch(module, TRAINEE, workspace)
    print("lab bench: make lab again, nothing changed…", file=sys.stderr, flush=True)
    # JupyterLab's application in the page, for KERNEL_WATCH_JS (the page looks and works as the trainee's)
    server = MakeLab(root, work, layout.base / "make-lab-unchanged.log", lang=lang,
                     extra=("--LabApp.expose_app_in_browser=True",))
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="ar" if lang == "ar" else "en-US")
            context.add_init_script(CLICK_TIMER)
            page = context.new_page()
            started = time.perf_counter()
            page.goto(f"{server.url}/lab?reset&token={server.token}")
            page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=TIMEOUT_MS)
            lab_page = time.perf_counter() - started
            page.close()
            for module in modules:
                print(f"lab bench: {module} in Chromium…", file=sys.stderr, flush=True)
                results.append(measure_module(context, server, workspace, module, lang, _graded_items(course, module)))
            context.close()
            browser.close()
        kernels_left = len(server.api("/api/kernels") or [])
    finally:
        server.stop()
    ready = [m["ready_seconds"] for m in results]
    warm = [m["run_all_warm_seconds"] for m in results]
    result = {
        "machine": {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "language": lang, "trainee": TRAINEE, "measured": MEASURED, "goals": GOALS,
        "make_lab": {"command": " ".join(["python", *server.command[1:]]).replace(server.token, "…"),
                     "first": first.figures(), "unchanged": server.figures()},
        "lab_page_cold_seconds": round(lab_page, 2),
        "modules": results,
        "summary": {key: _spread([m[key] for m in results]) for key in COLUMNS},
        "verdicts": {"ready_seconds": _verdict(ready, GOALS["ready_seconds"]),
                     "run_all_warm_seconds": _verdict(warm, GOALS["run_all_warm_seconds"]),
                     "make_lab_unchanged_seconds": _verdict([server.seconds], GOALS["make_lab_unchanged_seconds"])},
        "kernels_left": kernels_left,
    }
    write_report(to, "lab", result, table_text(result))
    return result


def table_text(result: dict) -> str:
    """``make lab``'s two start-ups, then seconds per module and their p50 and max, then the goals."""
    machine, start = result["machine"], result["make_lab"]
    lines = [(f"JupyterLab in Chromium, trainee language {result['language']}, {machine['cores']} cores, "
              f"load average {' '.join(f'{x:g}' for x in machine['load_average'])}")]
    for name, label in (("first", "make lab, first start"), ("unchanged", "make lab, nothing changed")):
        s = start[name]
        lines.append(f"{label}: {s['seconds']} s (released {s['released']} modules; release check "
                     f"{s['release_check_seconds']} s, JupyterLab {s['jupyterlab_seconds']} s)")
    lines.append(f"JupyterLab's page, first load (cold cache): {result['lab_page_cold_seconds']} s; in a new page "
                 f"(cache warm), p50 {result['summary']['lab_page_seconds'].get('p50')} s (not counted in ready)")
    columns = [(label, key) for key, label in COLUMNS.items()]
    width = max([len(m["module"]) for m in result["modules"]] + [10]) + 2
    lines.append("module (s)".ljust(width) + "".join(label.rjust(len(label) + 3) for label, _ in columns)
                 + "  exercises")
    rows = [(m["module"], m) for m in result["modules"]]
    rows += [(f"{stat} of {len(result['modules'])}", {key: result["summary"][key].get(stat, "")
                                                        for _, key in columns}) for stat in ("p50", "max")]
    for name, values in rows:
        lines.append(name.ljust(width) + "".join(f"{values[key]!s:>{len(label) + 3}}" for label, key in columns)
                     + (f"  {values['exercises_shown']:>9}" if "exercises_shown" in values else ""))
    goals = []
    for key, label in (("ready_seconds", "ready"), ("run_all_warm_seconds", "warm Run All"),
                       ("make_lab_unchanged_seconds", "make lab, nothing changed")):
        v = result["verdicts"][key]
        miss = f", worst misses by {v['worst_miss_seconds']} s" if v["met"] < v["of"] else ""
        goals.append(f"{label} ≤ {v['goal_seconds']:g} s: {v['met']} of {v['of']}{miss}")
    lines.append("goals: " + "; ".join(goals))
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grading.bench.lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="*", help="module folder names (default: every core module)")
    parser.add_argument("--lang", default="ar", choices=("ar", "en"), help="the trainee's language (default: ar)")
    parser.add_argument("--to", default=str(REPO / "build" / "bench"))
    args = parser.parse_args(argv)
    run(args.modules, args.lang, Path(args.to))
    return 0


if __name__ == "__main__":
    sys.exit(main())
