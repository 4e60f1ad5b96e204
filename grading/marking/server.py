"""``python -m grading mark <module>``: JupyterLab at the course root with the grading page, its address printed.

The same server an instructor starts with ``jupyter lab`` at the course root
(formgrader included: nbgrader_config.py there brings the course's settings),
with the ``grading.marking`` extension switched on whatever the installed
Jupyter configuration says, on loopback, with a token of its own.
"""
from __future__ import annotations

import getpass
import os
import secrets
import socket
import sys

from ..course import Course, PipelineError
from .queue import written_items


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def address(port: int, token: str, module: str, item: str, lang: str = "") -> str:
    query = f"token={token}" + (f"&lang={lang}" if lang else "")
    return f"http://127.0.0.1:{port}/himaya/marking?{query}#{module}/{item}"


def command(course: Course, port: int, token: str, grader: str, extra: list[str] = ()) -> list[str]:
    return [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course.layout.root}",
            "--ServerApp.jpserver_extensions=grading.marking=True",
            f"--Marking.grader={grader}", *(["--allow-root"] if os.geteuid() == 0 else []), *extra]


def environment(course: Course, base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    env["HIMAYA_WORK"] = course.layout.work  # nbgrader_config.py at the root: this course's folders
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    return env


def rescore(course: Course, module: str, grader: str) -> list[str]:
    """Re-score the module's grades whose rubric changed since (:mod:`.revisions`): lines per item, Arabic then
    English, saying how many answers changed and how many wait for a grader to look again."""
    from . import revisions
    from .criteria import RubricProblem
    from .queue import ItemQueue

    lines = []
    for written in written_items(course.source, module):
        try:
            queue = ItemQueue(course.layout, module, written.item, grader)
        except RubricProblem as problem:
            raise PipelineError(str(problem)) from None
        done = revisions.rescore(queue)
        if done.checked:
            lines += [done.message("ar"), done.message("en")]
        else:
            lines += [f"{written.item}: لم تُقيَّم أي إجابة بمعايير أقدم",
                      f"{written.item}: no answer was graded with an older rubric"]
        waiting = len(revisions.reviews(queue.store, module, written.item))
        if waiting:
            lines += [f"{written.item}: {revisions.count_ar(waiting, True)} تنتظر مقيّمًا يراجعها بعد تغيّر المعايير "
                      "(تعود في «التالية غير المقيّمة»)",
                      f"{written.item}: {waiting} answer{'s' if waiting != 1 else ''} wait for a grader to look "
                      "again after the rubric changed (they come back in 'next ungraded')"]
    return lines


def run(course: Course, module: str, grader: str = "", port: int = 0, lang: str = "", extra: list[str] = (),
        rescore_only: bool = False) -> int:
    """Re-score what a changed rubric touched, print the grading page's address, then become the server (in the
    course root) until it is stopped; with ``rescore_only``, re-score and stop."""
    course.check_released(module)
    found = [w for w in written_items(course.source, module)]
    if not found:
        raise PipelineError(f"{module} has no written answer to grade")
    grader = grader or os.environ.get("HIMAYA_GRADER") or getpass.getuser()
    for line in rescore(course, module, grader):
        print(line, flush=True)
    if rescore_only:
        return 0
    port, token = port or _free_port(), secrets.token_hex(24)
    for written in found:
        print(f"grade {written.item} ({module}) as {grader}: {address(port, token, module, written.item, lang)}",
              flush=True)
    print("formgrader: " + f"http://127.0.0.1:{port}/formgrader?token={token}", flush=True)
    # the server takes this process's place: Ctrl+C, or a signal to the printed command's process, stops it
    os.chdir(course.layout.root)
    os.execve(sys.executable, command(course, port, token, grader, list(extra)), environment(course))
