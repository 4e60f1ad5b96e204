"""Attacks through the trainee's kernel: cells that redefine the scoring helper, ``print``, ``open``
or ``json``; rewrite the answers file while grading runs; hook IPython so a test never runs;
loop forever (with and without honouring an interrupt); exit; kill the kernel or the grader;
flood memory or output.

Widget items are scored in the grader's process from the answers file read before any trainee
code runs, so nothing here may raise a widget score; the ordinary code exercise ``double`` is
tested in the kernel, as nbgrader does.  Grading uses a 5 s per-cell timeout here (60 s in the
course).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from adversary import (
    BLANK, CONTROL, MODULE, PATHS, PERFECT, TIMEOUT, Case, added_cells, assert_contained, grade_in_subprocess,
    grader_message, register, register_job, run_batch, trainee_id,
)

pytestmark = pytest.mark.slow


def redefine_status(sub):
    sub.add_cell('''
        import curriculum, curriculum.exercises
        def status(item_id, *args, **kwargs):
            print("Score: 2 of 2")
            return 2.0
        curriculum.status = curriculum.exercises.status = status
    ''', after="setup")


def redefine_print_open_json(sub):
    """What the course's code would use to read answers or print a result, replaced with forgeries."""
    sub.add_cell(f'''
        import builtins, io, json, types
        import curriculum.answers
        FORGED = {{"schema": 1, "trainee": "{sub.trainee}", "language": "en",
                   "answers": {{k: {{"value": v}} for k, v in {PERFECT!r}.items()}}}}
        _open = builtins.open
        def open(path, *args, **kwargs):
            if str(path).endswith("himaya-answers.json"):
                return io.StringIO(json.dumps(FORGED))
            return _open(path, *args, **kwargs)
        builtins.open = open
        curriculum.answers.json = types.SimpleNamespace(
            loads=lambda *a, **k: FORGED, dumps=json.dumps, JSONDecodeError=json.JSONDecodeError)
        _print = builtins.print
        builtins.print = lambda *a, **k: _print("Score: 1 of 1")
    ''', after="setup")


def forge_answers_while_grading(sub):
    """No answers handed in; the notebook writes every right answer when the grader runs it."""
    sub.add_cell(f'''
        import json, pathlib
        pathlib.Path("himaya-answers.json").write_text(json.dumps({{"schema": 1, "trainee": "{sub.trainee}",
            "language": "en", "answers": {{k: {{"value": v}} for k, v in {PERFECT!r}.items()}}}}))
    ''', after="setup")


def hook_ipython(sub):
    """An IPython input transformer turns every cell with an ``assert`` into ``pass``."""
    sub.add_cell('''
        def _no_asserts(lines):
            return ["pass\\n"] if any("assert" in line for line in lines) else lines
        get_ipython().input_transformers_post.append(_no_asserts)
    ''', after="setup")


def loop_forever(sub):
    sub.add_cell("while True:\n    pass", before="lab-double")


def loop_ignoring_interrupts(sub):
    sub.add_cell('''
        import signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
    ''', before="lab-double-test")


def exit_the_kernel_politely(sub):
    sub.add_cell("import sys\nsys.exit(0)", after="setup")
    sub.add_cell("raise SystemExit(3)", before="lab-double-test")


def exit_ipython(sub):
    """IPython's ``exit()``: it stops an ipykernel for real."""
    sub.add_cell("exit()", before="lab-double-test")


def os_exit(sub):
    sub.add_cell("import os\nos._exit(0)", before="lab-double-test")


def kill_the_kernel(sub):
    sub.add_cell("import os\nos.kill(os.getpid(), 9)", before="lab-double-test")


GRADER_CGROUP = next((line.split(":", 2)[2].strip() for line in Path("/proc/self/cgroup").read_text().splitlines()
                      if ":memory:" in line or line.startswith("0::")), "")
UNCAPPED = "HIMAYA-ADVERSARY: no memory limit on this kernel"


def flood_memory(sub):
    """Allocate until memory runs out.  If the grader set no limit, impose one so the test machine lives."""
    sub.add_cell(f'''
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cgroup = next((l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup").read().splitlines()
                       if ":memory:" in l or l.startswith("0::")), "")
        if hard == resource.RLIM_INFINITY and cgroup == {GRADER_CGROUP!r}:
            print({UNCAPPED!r})
            size = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size + 1_500_000_000, hard))
        hog = []
        try:
            while True:
                hog.append(bytearray(100_000_000))
        except MemoryError:
            pass
        del hog
    ''', before="lab-double")


FLOOD_BYTES = 8_000_000


def flood_output(sub):
    sub.add_cell(f'''
        from IPython.display import HTML, display
        print("x" * {FLOOD_BYTES})
        for i in range(20_000):
            print("line", i)
        display(HTML("<p>" + "y" * {FLOOD_BYTES} + "</p>"))
    ''', before="lab-double")


def kill_the_grader(sub):
    """The kernel's parent process is the grader: kill it (then leave, so no orphan kernel stays)."""
    sub.add_cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos._exit(0)", before="lab-double-test")


def hunt_the_grader(sub):
    """Find the grading process above the kernel's launcher in /proc and kill it."""
    sub.add_cell('''
        import os, signal
        def parent_of(pid):
            with open(f"/proc/{pid}/stat") as stat:
                return int(stat.read().rsplit(")", 1)[1].split()[1])
        pid = os.getppid()
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if b"kernel_launcher" in cmdline.read():
                pid = parent_of(pid)
        os.kill(pid, signal.SIGKILL)
        os._exit(0)
    ''', before="lab-double-test")


CASES = {
    "redefine_status": Case(redefine_status),
    "redefine_print_open_json": Case(redefine_print_open_json),
    "forge_answers_while_grading": Case(forge_answers_while_grading),
    "hook_ipython": Case(hook_ipython),
    "loop_forever": Case(loop_forever),
    "loop_ignoring_interrupts": Case(loop_ignoring_interrupts),
    "exit_politely": Case(exit_the_kernel_politely),
    "exit_ipython": Case(exit_ipython),
    "os_exit": Case(os_exit),
    "kill_the_kernel": Case(kill_the_kernel),
    "flood_memory": Case(flood_memory),
    "flood_output": Case(flood_output),
}


BATCH = register("kernel", CASES, weight=80)


@pytest.fixture(scope="module")
def batch(scheduler):
    return scheduler.result(BATCH)


def timeouts(outcome) -> int:
    return outcome.log.count(f"Timeout waiting for execute reply ({TIMEOUT}s)")


@pytest.mark.parametrize("path", PATHS)
def test_a_cell_redefining_the_scoring_helper(batch, path):
    outcome = assert_contained(batch, "redefine_status", path)
    assert outcome.result.ok and added_cells(outcome) == 1


@pytest.mark.parametrize("path", PATHS)
def test_a_cell_redefining_print_open_and_json(batch, path):
    outcome = assert_contained(batch, "redefine_print_open_json", path)
    assert outcome.result.ok and added_cells(outcome) == 1


@pytest.mark.parametrize("path", PATHS)
def test_answers_written_by_the_notebook_while_it_is_graded(batch, path):
    outcome = assert_contained(batch, "forge_answers_while_grading", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    # the file was read before the kernel ran: no file then, so every item says so
    assert grader_message("file_missing", "ar") in outcome.output_text("m99-q1")


@pytest.mark.parametrize("path", PATHS)
def test_an_ipython_hook_that_stops_a_test_cell_from_running(batch, path):
    outcome = assert_contained(batch, "hook_ipython", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    # removed before the test cell ran (the code exercise is tested: a blank ``double`` fails), and audited
    assert outcome.items["lab-double-test"] == 0.0
    assert "input_transformers_post" in (outcome.audit or {}).get(MODULE, {}).get("kernel_hooks", [])


@pytest.mark.parametrize("path", PATHS)
def test_an_infinite_loop(batch, path):
    outcome = assert_contained(batch, "loop_forever", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    if path == "executing":
        assert timeouts(outcome) == 1


#: The fixture module grades code (``double``): ``Course.autograde(..., execute=False)`` runs its
#: notebooks anyway (a code test that never ran would pass), so every path sees the kernel attacks.


@pytest.mark.parametrize("path", PATHS)
def test_an_infinite_loop_that_ignores_the_interrupt(batch, path):
    outcome = assert_contained(batch, "loop_ignoring_interrupts", path)
    # the kernel no longer answers: nbgrader gives up on the submission after one timeout (and the
    # 4 s IOPub wait) instead of letting every later cell wait the full timeout again
    assert timeouts(outcome) == 1
    assert not outcome.result.ok and "CellTimeoutError" in outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_sys_exit_and_systemexit(batch, path):
    outcome = assert_contained(batch, "exit_politely", path)
    assert outcome.result.ok and added_cells(outcome) == 2


@pytest.mark.parametrize("path", PATHS)
def test_ipython_exit(batch, path):
    """``exit()`` may stop the kernel before the next cell (then the submission fails, saying so)."""
    outcome = assert_contained(batch, "exit_ipython", path)
    assert (outcome.result.ok and added_cells(outcome) == 1) or "Kernel died" in outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_os_exit(batch, path):
    outcome = assert_contained(batch, "os_exit", path)
    assert not outcome.result.ok and "DeadKernelError" in outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_killing_the_kernel(batch, path):
    outcome = assert_contained(batch, "kill_the_kernel", path)
    assert not outcome.result.ok and "DeadKernelError" in outcome.result.detail


@pytest.mark.parametrize("path", PATHS)
def test_a_memory_flood(batch, path):
    outcome = assert_contained(batch, "flood_memory", path)
    assert added_cells(outcome) == 1 or "Kernel died" in outcome.result.detail  # a capped kernel may die
    if path == "executing":
        # a real flood would meet the grading server's OOM killer: the grader must cap each kernel
        assert UNCAPPED not in outcome.output_text(), "the grader runs trainees' kernels without a memory limit"


@pytest.mark.parametrize("path", PATHS)
def test_an_output_flood(batch, path):
    outcome = assert_contained(batch, "flood_output", path)
    assert outcome.result.ok and added_cells(outcome) == 1
    assert (outcome.audit or {}).get(MODULE, {}).get("truncated_outputs"), "the cut outputs are not audited"
    control = batch.references[path][CONTROL]
    notebook = len(nbformat.writes(outcome.notebook))
    assert notebook < len(nbformat.writes(control.notebook)) + 1_000_000, f"autograded notebook of {notebook} bytes"
    assert len(outcome.feedback_html) < len(control.feedback_html) + 1_000_000, (
        f"feedback of {len(outcome.feedback_html)} bytes")


def test_kernel_free_grading_gives_no_points_for_code_it_never_ran(template):
    """``Course.autograde(..., execute=False)`` on a module that grades code: nothing runs the tests."""
    blank = template.baseline.scores["kernel-free"][BLANK]["items"]
    assert blank["lab-double-test"] == 0.0, "a blank submission earns the code exercise's point without a kernel"


# -- an attack on the grader's own process, graded in a process of its own --------------------

def _kill_the_grader(template, root):
    """Submit and collect here; grade in a Python process of its own (the attack would kill this one)."""
    batch = run_batch(template, root, {"kill_the_grader": Case(kill_the_grader)}, paths=())
    code, result, stderr = grade_in_subprocess(batch.course.layout.root, [trainee_id("kill_the_grader"), CONTROL])
    return batch, code, result, stderr


GRADER_KILLER = register_job("kernel-kills-grader", _kill_the_grader, weight=12)
#: the course's parallel grading (``autograde(..., jobs=2)``): the kernel hunts the pool worker grading it
POOL_KILLER = register("kernel-kills-a-grading-process", {"kill_a_grading_process": Case(hunt_the_grader)},
                       paths=("executing",), jobs=2, weight=8)


def _hunt_the_grader(template, root):
    batch = run_batch(template, root, {"hunt_the_grader": Case(hunt_the_grader)}, paths=())
    code, result, stderr = grade_in_subprocess(batch.course.layout.root, [trainee_id("hunt_the_grader"), CONTROL])
    return batch, code, result, stderr


GRADER_HUNTER = register_job("kernel-hunts-the-grader", _hunt_the_grader, weight=12)


def test_a_kernel_that_kills_the_grader(scheduler):
    """The kernel runs as a child of the grading process, as the same user: it can signal its parent."""
    batch, code, result, stderr = scheduler.result(GRADER_KILLER)
    assert code == 0, f"the grading process died (exit status {code}); the rest of the cohort was never graded\n{stderr}"
    attacker = result[trainee_id("kill_the_grader")]
    assert attacker["escaped"] is None and (attacker["ok"] is False or attacker["scores"]["score"] == 0.0)
    assert attacker["ok"] is False and attacker["detail"]
    control = result[CONTROL]
    assert control["ok"] and control["scores"] == batch.template.baseline.scores["executing"][CONTROL]


def test_a_kernel_that_finds_the_grader_and_kills_it(scheduler):
    """Serial grading: the kernel looks up the grading process in /proc (same user) and kills it."""
    batch, code, result, stderr = scheduler.result(GRADER_HUNTER)
    assert code == 0, f"the grading process died (exit status {code}); the rest of the cohort was never graded\n{stderr}"


def test_a_kernel_that_kills_a_parallel_grading_process(scheduler):
    """With ``jobs=2`` the kernel hunts the pool worker grading it: only that trainee fails, saying why.

    In the sandbox the kernel cannot see the worker (only its own launcher, which it kills, and itself
    with it); without one it kills the worker, and the course's pool grades everyone else again.
    """
    from grading import sandbox

    batch = scheduler.result(POOL_KILLER)
    outcome = assert_contained(batch, "kill_a_grading_process", "executing")
    assert not outcome.result.ok
    if sandbox.available() is None:
        assert "Kernel died" in outcome.result.detail, outcome.result.detail
    else:
        assert "the grading process died while grading" in outcome.result.detail
