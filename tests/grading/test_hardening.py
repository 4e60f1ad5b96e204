"""The grader against a trainee's code and files: limits, hooks, forged outputs, unknown items, links.

Each protection here is also attacked end to end by the adversarial corpus (tests/adversarial/).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from traitlets.config import Config
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grading.preprocessors import (
    AUDIT, AUDIT_FILE, KERNEL_LAUNCHER, REDACTED_LINE, AuditOutputs, ExecuteAsTrainee, LimitOutputBytes,
    RedactHiddenTests, SaveAudit, SnapshotAnswers, TraineeKernelManager, audit,
)

from .conftest import MODULE, STUDENT


def _grade_cell(source: str, grade_id: str = "lab-test", points: int = 1):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": grade_id, "schema_version": 3, "task": False}
    return cell


def _resources(path: Path, student: str = "t-amal") -> dict:
    return {"nbgrader": {"student": student, "assignment": MODULE, "notebook": "n"},
            "metadata": {"path": str(path)}}


# -- the kernel: memory, parent, imports, hooks ---------------------------------------------------

def test_a_grading_kernel_is_capped_has_a_launcher_for_parent_and_imports_the_course_not_a_handed_in_copy(
        tmp_path):
    (tmp_path / "curriculum").mkdir()
    (tmp_path / "curriculum" / "__init__.py").write_text("FAKE = True\n")
    (tmp_path / "helper_of_mine.py").write_text("VALUE = 42\n")
    nb = new_notebook(cells=[new_code_cell(
        "import os, resource, curriculum, helper_of_mine\n"
        "print(resource.getrlimit(resource.RLIMIT_AS))\n"
        "print(open(f'/proc/{os.getppid()}/cmdline', 'rb').read().split(b'\\0')[3].decode())\n"
        "print(hasattr(curriculum, 'FAKE'), helper_of_mine.VALUE)")])
    nb, _ = ExecuteAsTrainee(timeout=60, memory_limit=1_500_000_000).preprocess(nb, _resources(tmp_path))
    limits, parent, imported = nb.cells[0].outputs[0]["text"].strip().splitlines()
    assert limits == "(1500000000, 1500000000)"
    assert parent == str(KERNEL_LAUNCHER)
    assert imported == "False 42"  # the course's own package; the trainee's own module still imports


def test_a_grading_kernel_gets_none_of_the_graders_credentials(tmp_path, monkeypatch):
    monkeypatch.setenv("HIMAYA_DB_URL", "postgresql://grader:hunter2@db/himaya")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "instructor-token")
    monkeypatch.setenv("PGPASSWORD", "hunter2")
    monkeypatch.setenv("HIMAYA_LANG", "en")
    nb = new_notebook(cells=[new_code_cell(
        "import os\nprint(sorted(k for k in ('HIMAYA_DB_URL', 'JUPYTERHUB_API_TOKEN', 'PGPASSWORD', 'HIMAYA_LANG') "
        "if k in os.environ))")])
    nb, _ = ExecuteAsTrainee(timeout=60).preprocess(nb, _resources(tmp_path))
    assert nb.cells[0].outputs[0]["text"].strip() == "['HIMAYA_LANG']"


class _DiesOnStart(TraineeKernelManager):
    """The first kernel started is killed before it can answer, as one that lost its port would be."""

    killed = 0

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if _DiesOnStart.killed == 0:
            _DiesOnStart.killed += 1
            await self.provisioner.kill()


def test_a_kernel_that_dies_while_starting_is_started_again_and_the_notebook_graded(tmp_path):
    _DiesOnStart.killed = 0
    nb = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    nb, _ = ExecuteAsTrainee(timeout=60, kernel_manager_class=_DiesOnStart).preprocess(nb, _resources(tmp_path))
    assert _DiesOnStart.killed == 1
    assert nb.cells[0].outputs[0]["text"].strip() == "42"


def test_a_kernel_that_keeps_dying_fails_after_the_tries_configured(tmp_path):
    class _AlwaysDies(TraineeKernelManager):
        starts = 0

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            type(self).starts += 1
            await self.provisioner.kill()

    nb = new_notebook(cells=[new_code_cell("print(1)")])
    with pytest.raises(Exception):
        ExecuteAsTrainee(timeout=20, kernel_manager_class=_AlwaysDies, kernel_start_attempts=2).preprocess(
            nb, _resources(tmp_path))
    assert _AlwaysDies.starts == 2


def test_ipython_hooks_are_removed_before_a_test_cell_and_audited(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("def _no_asserts(lines):\n    return ['pass\\n'] if any('assert' in l for l in lines) else lines\n"
                      "get_ipython().input_transformers_post.append(_no_asserts)\n"
                      "import sys; sys.settrace(lambda *a: None)"),
        _grade_cell("assert 1 == 2"),
    ])
    resources = _resources(tmp_path)
    nb, resources = ExecuteAsTrainee(timeout=60).preprocess(nb, resources)
    assert [o["output_type"] for o in nb.cells[1].outputs] == ["error"]  # the test ran, and failed
    assert {"input_transformers_post", "sys.settrace"} <= set(audit(resources)["kernel_hooks"])


def test_the_kernel_launcher_dies_with_its_kernel_and_the_kernel_with_it(tmp_path):
    pid_file = tmp_path / "pid"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    launcher = subprocess.Popen([sys.executable, "-I", "-S", str(KERNEL_LAUNCHER), "0", "--",
                                 sys.executable, "-c", child], start_new_session=True)
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.05)
    kernel = int(pid_file.read_text())
    os.kill(launcher.pid, signal.SIGKILL)  # what a kernel killing its parent does
    launcher.wait(10)
    for _ in range(100):
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(kernel, signal.SIGKILL)
        pytest.fail("the kernel outlived its launcher")


def test_the_kernel_launcher_passes_the_exit_status_on():
    code = subprocess.call([sys.executable, "-I", "-S", str(KERNEL_LAUNCHER), "0", "--",
                            sys.executable, "-c", "raise SystemExit(7)"])
    assert code == 7


# -- outputs: size limits ------------------------------------------------------------------------

def test_outputs_are_limited_in_bytes_per_output_and_per_notebook_and_audited(tmp_path):
    flood = new_code_cell("print('x')")
    flood.outputs = [new_output("stream", name="stdout", text="x" * 3_000_000),
                     new_output("display_data", data={"text/html": "<p>" + "y" * 3_000_000 + "</p>",
                                                      "text/plain": "<HTML>"})]
    many = [new_code_cell("1") for _ in range(80)]
    for cell in many:
        cell.outputs = [new_output("stream", name="stdout", text="z" * 90_000)]
    nb = new_notebook(cells=[flood, *many])
    resources = _resources(tmp_path)
    nb, resources = LimitOutputBytes().preprocess(nb, resources)
    sizes = [len(o.get("text", "")) + sum(len(v) for v in o.get("data", {}).values())
             for c in nb.cells for o in c.outputs]
    assert max(sizes) < 110_000 and sum(sizes) < 5_300_000
    assert "characters cut by the grader" in nb.cells[0].outputs[0]["text"]
    assert "cell 1" in audit(resources)["truncated_outputs"]


def test_cutting_outputs_keeps_what_nbgrader_grades_by():
    """An error stays an error, stderr stays non-empty, a number shown by a test stays that number."""
    cell = _grade_cell("x")
    cell.outputs = [
        new_output("stream", name="stderr", text="w" * 300_000),
        new_output("error", ename="AssertionError", evalue="e" * 300_000, traceback=["t" * 1000] * 500),
        new_output("execute_result", data={"text/plain": "0" * 300_000 + "0.5"}, execution_count=1),
    ]
    nb, _ = LimitOutputBytes().preprocess(new_notebook(cells=[cell]), {})
    stderr, error, result = nb.cells[0].outputs
    assert stderr["name"] == "stderr" and stderr["text"].startswith("www")
    assert error["output_type"] == "error" and error["ename"] == "AssertionError" and len(error["traceback"]) < 200
    assert result["data"]["text/plain"] == "0.5"


# -- forged outputs, unknown items, the audit written after the kernel ran ------------------------------

def test_forged_outputs_of_test_cells_are_recorded_before_they_are_cleared():
    widget = _grade_cell('status("m99.q1")', "m99-q1")
    widget.outputs = [new_output("execute_result", data={"text/plain": "1"}, execution_count=3)]
    claim = _grade_cell("assert double(2) == 4", "lab-double-test")
    claim.outputs = [new_output("display_data", data={"text/plain": "Score: 1 of 1"})]
    honest = _grade_cell('status("m99.q2")', "m99-q2")
    honest.outputs = [new_output("stream", name="stdout", text="Your answer is saved.\n")]
    partial = _grade_cell("score = 0.5\nscore", "lab-partial")  # a test that shows a number: not forged
    partial.outputs = [new_output("execute_result", data={"text/plain": "0.5"}, execution_count=4)]
    nb, _ = AuditOutputs().preprocess(new_notebook(cells=[widget, claim, honest, partial]), {})
    assert nb.metadata["himaya"]["forged_outputs"] == ["lab-double-test", "m99-q1"]


def test_answers_to_items_the_module_does_not_have_are_flagged(source_nb, resources, folder):
    from curriculum import answers
    from curriculum.settings import ANSWERS_FILENAME

    items = {item: {"value": "b"} for item in ("m99.q1", "m99.q99", "m00.q1")}
    answers.write(folder / ANSWERS_FILENAME, answers.Answers(trainee=STUDENT, language="en", items=items))
    _, resources = SnapshotAnswers().preprocess(source_nb, resources)
    assert audit(resources)["unknown_items"] == ["m00.q1", "m99.q99"]
    assert resources["himaya_answers"].value("m99.q1") == "b"  # the known item is still scored


def test_the_audit_is_written_again_after_the_kernel_ran(tmp_path):
    nb = new_notebook()
    nb.metadata["himaya"] = {"audit": {"missing_grade_cells": [], "edited_grade_cells": [], "added_code_cells": 1}}
    resources = {"nbgrader": {"student": STUDENT, "assignment": MODULE, "notebook": "n"},
                 "metadata": {"path": str(tmp_path)}}
    SaveAudit().preprocess(nb, resources)
    (tmp_path / AUDIT_FILE).write_text("{}")  # what a trainee's cell could do
    resources[AUDIT]["kernel_hooks"] = ["input_transformers_post"]
    SaveAudit().preprocess(nb, resources)
    assert json.loads((tmp_path / AUDIT_FILE).read_text())["n"]["kernel_hooks"] == ["input_transformers_post"]


# -- feedback: hidden tests quoted in outputs --------------------------------------------------------

def test_hidden_test_lines_quoted_in_outputs_and_tracebacks_are_redacted_from_feedback():
    test = _grade_cell("assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(5) == 10\n### END HIDDEN TESTS")
    test.outputs = [
        new_output("stream", name="stdout", text="assert double(2) == 4\n### BEGIN HIDDEN TESTS\n"
                                                 "assert double(5) == 10\n### END HIDDEN TESTS\nmine\n"),
        new_output("error", ename="ValueError", evalue="2", traceback=[
            "\x1b[0;31mValueError\x1b[0m Traceback",
            "Cell In[3], line 1\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;28;01massert\x1b[39;00m double(\x1b[38;5;241m2"
            "\x1b[39m) \x1b[38;5;241m==\x1b[39m \x1b[38;5;241m4\x1b[39m\n      2 ### BEGIN HIDDEN TESTS\n"
            "      3 \x1b[38;5;28;01massert\x1b[39;00m double(\x1b[38;5;241m5\x1b[39m) \x1b[38;5;241m==\x1b[39m "
            "\x1b[38;5;241m10\x1b[39m"]),
    ]
    html = new_code_cell("x")
    html.outputs = [new_output("display_data", data={"text/html": "<pre>assert double(<b>5</b>) == 10</pre>",
                                                     "text/plain": "ok"})]
    short = _grade_cell("### BEGIN HIDDEN TESTS\nx = 1\n### END HIDDEN TESTS", "lab-short")
    short.outputs = [new_output("stream", name="stdout", text="x = 1\nmax = 10\n")]
    nb, _ = RedactHiddenTests().preprocess(new_notebook(cells=[test, html, short]), {})
    assert nb.cells[2].outputs[0]["text"] == f"{REDACTED_LINE}\nmax = 10\n"  # a short line only as a whole line
    text = json.dumps([*nb.cells[0].outputs, *nb.cells[1].outputs], ensure_ascii=False)
    assert "double(5)" not in text.replace("\\u001b", "") and "HIDDEN" not in text
    assert "5\\u001b[39m) \\u001b[38;5;241m==" not in text
    assert nb.cells[0].outputs[0]["text"].splitlines()[-1] == "mine" and REDACTED_LINE in text
    assert "BEGIN HIDDEN TESTS" not in nb.cells[0].source


# -- collect: links in the exchange ---------------------------------------------------------------

def test_collect_skips_links_and_special_files_in_the_exchange(tmp_path, caplog):
    from nbgrader.coursedir import CourseDirectory

    from grading.exchange import SKIPPED, SafeCollect

    secret = tmp_path / "secret.txt"
    secret.write_text("the instructor's")
    inbound = tmp_path / "inbound" / "t1+m99+2030"
    inbound.mkdir(parents=True)
    (inbound / "notebook.ipynb").write_text("{}")
    os.symlink(secret, inbound / "notes.txt")
    os.mkfifo(inbound / "pipe")
    collect = SafeCollect(coursedir=CourseDirectory(root=str(tmp_path)), authenticator=None)
    collect.do_copy(str(inbound), str(tmp_path / "submitted"))
    # timestamp.txt: the folder had none, so collect writes the time its name gives (grading/exchange.py)
    assert sorted(p.name for p in (tmp_path / "submitted").iterdir()) == ["notebook.ipynb", "timestamp.txt"]
    os.symlink(inbound, tmp_path / "inbound" / "t2+m99+2030")
    collect.do_copy(str(tmp_path / "inbound" / "t2+m99+2030"), str(tmp_path / "submitted-t2"))
    assert not (tmp_path / "submitted-t2").exists()


# -- parallel grading: a dead grading process --------------------------------------------------------

class _KillerAPI:
    """Stands in for nbgrader's API in the grading processes: grading 't-killer' kills the process."""

    def __init__(self, config=None):
        pass

    def autograde(self, module, trainee, force=True, create=True):
        time.sleep(0.3)
        if trainee == "t-killer":
            os.kill(os.getpid(), signal.SIGKILL)
        return {"success": True, "log": ""}


def test_a_dead_grading_process_fails_only_the_trainee_it_was_grading(layout, monkeypatch):
    from grading import course as course_module
    from grading.course import Course

    monkeypatch.setattr(course_module, "NbGraderAPI", _KillerAPI)
    course = Course.__new__(Course)
    course.layout, course._overrides = layout, Config()
    course.pool_start = "fork"  # the workers must inherit the patched API
    trainees = ["t-a", "t-b", "t-killer", "t-c", "t-d"]
    finished = []
    results = course._autograde_parallel([(MODULE, t) for t in trainees], 2, False, True, finished.append)
    assert [(r.module, r.trainee) for r in results] == [(MODULE, t) for t in trainees]
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert f"the grading process died while grading t-killer's {MODULE}" in results[2].detail
    assert sorted(r.trainee for r in finished) == sorted(trainees)
