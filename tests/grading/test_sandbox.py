"""grading.sandbox: a grading kernel sees only its submission's folder, its own processes, no capabilities."""
from __future__ import annotations

import logging
import os
import signal

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from grading import sandbox
from grading.preprocessors import KERNEL_LAUNCHER, ExecuteAsTrainee, TraineeKernelManager


@pytest.fixture
def bwrap():
    problem = sandbox.available()
    if problem:  # the protection does not exist on this machine: an expected failure, saying why
        pytest.xfail(problem)


def test_hidden_folders_are_hidden_after_the_code_is_shown_and_the_submission_is_writable_last(tmp_path):
    course, work = tmp_path / "course", tmp_path / "course" / "build" / "autograded" / "t1" / "m01"
    work.mkdir(parents=True)
    (course / "notebooks").mkdir()
    command = sandbox.wrap(["kernel"], cwd=str(work), hidden=[str(course / "notebooks"), str(course / "build"),
                                                                 str(tmp_path / "absent")])
    joined = " ".join(command)
    assert "--cap-drop ALL" in joined and "--unshare-pid" in joined and "--die-with-parent" in joined
    hide_build = command.index(str(course / "build"))
    assert command[hide_build - 1] == "--tmpfs"
    assert command.index("--bind") > hide_build and command[command.index("--bind") + 1] == str(work)
    assert str(tmp_path / "absent") not in command  # nothing to hide: no mount point made
    assert command[-2:] == ["--", "kernel"]
    wrapped = sandbox.wrap(["kernel"], cwd=str(work), hidden=[], launcher=str(KERNEL_LAUNCHER))
    assert wrapped[3:6] == [str(KERNEL_LAUNCHER), "exec-ignoring-interrupts", "--"]


def _run(cells: list[str], cwd, hidden, timeout=30) -> list[str]:
    """Run ``cells`` in a sandboxed grading kernel; the text each printed."""
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                            kernel_manager_class=TraineeKernelManager, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(cwd)}})
    client.km = client.create_kernel_manager()
    client.km.sandbox, client.km.hidden_paths = True, [str(h) for h in hidden]
    client.execute()
    return ["".join(o.get("text", "") + o.get("ename", "") for o in cell.outputs) for cell in nb.cells]


def test_a_sandboxed_kernel_sees_nothing_it_must_not_and_writes_only_its_folder(bwrap, tmp_path):
    course = tmp_path / "course"
    work = course / "build" / "autograded" / "t1" / "m01"
    work.mkdir(parents=True)
    (course / "build" / "gradebook.db").write_text("scores")
    (course / "notebooks").mkdir()
    (course / "notebooks" / "key.txt").write_text("KEY = 1")
    out = _run([
        f"import os; print(sorted(os.listdir({str(course / 'build')!r})), os.listdir({str(course / 'notebooks')!r}))",
        f"open({str(course / 'build' / 'gradebook.db')!r}).read()",
        "open('mine.txt', 'w').write('ok'); print('wrote')",
        f"open({str(course / 'stray.txt')!r}, 'w').write('x'); open({str(sandbox.REPO / 'stray.txt')!r}, 'w')",
        f"print({os.getpid()} in [int(p) for p in os.listdir('/proc') if p.isdigit()], os.getppid() > 0)",
        "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])",
    ], work, [course / "notebooks", course / "build"])
    assert out[0].strip() == "['autograded'] []"  # only the way to its own folder; no gradebook, no source
    assert "FileNotFoundError" in out[1]
    assert out[2].strip() == "wrote" and (work / "mine.txt").read_text() == "ok"
    # read-only everywhere else (the course's /tmp folder is an empty one of the sandbox's own)
    assert "OSError" in out[3] and not (course / "stray.txt").exists() and not (sandbox.REPO / "stray.txt").exists()
    assert out[4].strip() == "False True"  # the grader (this process) is not among its processes
    assert out[5].strip() == "0000000000000000"  # no capabilities, even as root
    assert (course / "build" / "gradebook.db").read_text() == "scores"


def test_an_interrupt_reaches_the_sandboxed_kernel_and_the_sandbox_survives_it(bwrap, tmp_path):
    out = _run(["import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('interrupted')",
                "print('still alive')"], tmp_path, [], timeout=3)
    assert out == ["interrupted\n", "still alive\n"]


def test_required_sandbox_that_cannot_run_stops_grading_with_what_to_install(monkeypatch):
    monkeypatch.setattr(sandbox, "available", lambda *a: f"bubblewrap (bwrap) is not installed: {sandbox.INSTALL}")
    execute = ExecuteAsTrainee(sandbox="bwrap")
    with pytest.raises(RuntimeError, match="apt-get install bubblewrap"):
        execute._sandboxed()
    assert ExecuteAsTrainee(sandbox="none")._sandboxed() is False


def test_without_a_sandbox_auto_grades_on_and_warns_once(monkeypatch, caplog):
    from grading import preprocessors

    monkeypatch.setattr(sandbox, "available", lambda *a: "bubblewrap (bwrap) is not installed")
    monkeypatch.setattr(preprocessors, "_warned_unsandboxed", [])
    execute = ExecuteAsTrainee(sandbox="auto")
    execute.log = logging.getLogger("test-sandbox")
    with caplog.at_level(logging.WARNING, logger="test-sandbox"):
        assert execute._sandboxed() is False and execute._sandboxed() is False
    assert [r.getMessage() for r in caplog.records] == [
        "grading kernels run with the grader's rights (not sandboxed): bubblewrap (bwrap) is not installed"]


def test_a_missing_bwrap_is_named_with_what_to_install():
    assert "apt-get install bubblewrap" in sandbox.available("bwrap-that-does-not-exist")
