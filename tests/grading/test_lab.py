"""``make lab`` (grading/lab.py): releases only what changed, and the trainee's nbgrader finds the course's exchange.

The exchange is driven here through nbgrader's own Assignment List code (the
server extension behind Nbgrader › Assignment List), loading its configuration
the way it does in a running lab: from the working directory and the Jupyter
configuration path the lab's environment sets.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from grading import lab
from grading.config import COURSE_ID, Layout
from grading.course import Course, PipelineError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "course" / "notebooks"
FIRST, SECOND = "m98-copy", "m99-fixture"


@pytest.fixture
def course(tmp_path) -> Course:
    """A course of two modules (the fixture module and a copy of it) in a folder of its own."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / SECOND, root / "notebooks" / SECOND)
    shutil.copytree(FIXTURES / SECOND, root / "notebooks" / FIRST)
    (root / "notebooks" / FIRST / f"{SECOND}.ipynb").rename(root / "notebooks" / FIRST / f"{FIRST}.ipynb")
    return Course(Layout(root=root, work="build"))


def outbound(course: Course, module: str) -> Path:
    return course.layout.exchange / COURSE_ID / "outbound" / module


def test_a_second_start_releases_nothing_and_a_changed_module_only_itself(course):
    assert lab.release_changed(course) == [FIRST, SECOND]
    assert all((outbound(course, m) / f"{m}.ipynb").is_file() for m in (FIRST, SECOND))
    released_at = {m: (outbound(course, m) / f"{m}.ipynb").stat().st_mtime_ns for m in (FIRST, SECOND)}

    assert lab.release_changed(course) == []
    assert {m: (outbound(course, m) / f"{m}.ipynb").stat().st_mtime_ns for m in (FIRST, SECOND)} == released_at

    # the instructor edits one module's notebook: only that module is generated and released again
    path = course.source / SECOND / f"{SECOND}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A new paragraph for trainees."))
    nbformat.write(nb, path)
    assert lab.release_changed(course) == [SECOND]
    assert "A new paragraph for trainees." in (outbound(course, SECOND) / f"{SECOND}.ipynb").read_text()
    assert (outbound(course, FIRST) / f"{FIRST}.ipynb").stat().st_mtime_ns == released_at[FIRST]

    # a new file in a module's folder changes it too; what nbgrader never releases does not
    (course.source / FIRST / "data.csv").write_text("a,b\n1,2\n")
    (course.source / SECOND / ".ipynb_checkpoints").mkdir()
    (course.source / SECOND / ".ipynb_checkpoints" / f"{SECOND}-checkpoint.ipynb").write_text("{}")
    assert lab.release_changed(course) == [FIRST]
    assert (outbound(course, FIRST) / "data.csv").is_file()
    assert lab.release_changed(course) == []


def test_a_module_taken_out_of_the_exchange_is_released_again(course):
    assert lab.release_changed(course, [SECOND]) == [SECOND]
    assert course.api.unrelease(SECOND)["success"]
    assert lab.release_changed(course, [SECOND]) == [SECOND]
    assert outbound(course, SECOND).is_dir()


def test_the_hash_stays_beside_the_release_never_in_what_trainees_fetch(course):
    lab.release_changed(course, [SECOND])
    assert lab.stamp_path(course, SECOND).is_file()
    assert lab.stamp_path(course, SECOND).parent == course.release_dir(SECOND).parent
    assert sorted(p.name for p in outbound(course, SECOND).rglob("*")) == [f"{SECOND}.ipynb"]


@pytest.fixture
def trainee_lab(course, monkeypatch) -> lab.TraineeLab:
    """A prepared lab for trainee t-lab, its environment applied to this process, in its workspace."""
    trainee_lab = lab.TraineeLab(course, "t-lab", "en")
    trainee_lab.prepare()
    for name in ("JUPYTER_CONFIG_PATH", "JUPYTER_CONFIG_DIR", "HIMAYA_EXCHANGE", "HIMAYA_TRAINEE"):
        monkeypatch.setenv(name, trainee_lab.environment()[name])
    monkeypatch.chdir(trainee_lab.workspace)
    return trainee_lab


def assignment_list(trainee_lab):
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    manager = AssignmentList()
    manager.root_dir = str(trainee_lab.workspace)
    return manager


def test_the_labs_assignment_list_fetches_and_submits_through_the_courses_exchange(course, trainee_lab):
    lab.release_changed(course, [SECOND])
    manager = assignment_list(trainee_lab)
    listed = manager.list_assignments()
    assert listed["success"], listed["value"]
    assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed["value"]] == [
        (COURSE_ID, SECOND, "released")]
    assert Path(listed["value"][0]["path"]).is_relative_to(course.layout.exchange)

    assert manager.fetch_assignment(COURSE_ID, SECOND)["success"]
    assert (trainee_lab.workspace / SECOND / f"{SECOND}.ipynb").is_file()  # in the workspace, no course folder
    result = manager.submit_assignment(COURSE_ID, SECOND)
    assert result["success"], result.get("value")
    inbound = [p.name for p in (course.layout.exchange / COURSE_ID / "inbound").iterdir()]
    assert len(inbound) == 1 and inbound[0].startswith(f"t-lab+{SECOND}+"), "filed under the trainee's id"
    submitted = manager.list_submitted_assignments(COURSE_ID)
    assert submitted["success"] and [a["assignment_id"] for a in submitted["value"]] == [SECOND]
    course.collect(SECOND)
    assert course.submitted(SECOND) == ["t-lab"]


def test_the_labs_configuration_comes_after_its_own_only_what_differs_from_the_hub(course):
    trainee_lab = lab.TraineeLab(course, "t-lab")
    env = trainee_lab.environment({"HIMAYA_DB_URL": "postgresql://secret", "HIMAYA_COURSE_DIR": "/srv/course",
                                   "JUPYTERHUB_API_TOKEN": "t", "PATH": "/usr/bin", "HIMAYA_LANG": "en"})
    deploy = Path(lab.__file__).resolve().parent.parent / "deploy" / "jupyter"
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(trainee_lab.config_dir), str(deploy / "trainee"), str(deploy / "common")]
    assert Path(env["JUPYTER_CONFIG_DIR"]) == trainee_lab.config_dir
    assert Path(env["JUPYTER_RUNTIME_DIR"]).is_relative_to(course.layout.base / "lab-state" / "t-lab")
    assert env["HIMAYA_TRAINEE"] == "t-lab" and env["HIMAYA_LANG"] == "en" and env["PATH"] == "/usr/bin"
    assert not {"HIMAYA_DB_URL", "HIMAYA_COURSE_DIR", "JUPYTERHUB_API_TOKEN"} & set(env), "the hub gives trainees none"
    assert lab.TraineeLab(course, "t-lab", "ar").environment({"HIMAYA_LANG": "en"})["HIMAYA_LANG"] == "ar"
    assert lab.TraineeLab(course, "t-lab").environment({})["HIMAYA_LANG"] == "ar"
    command = trainee_lab.command(["--port=8890"])
    assert f"--ServerApp.root_dir={trainee_lab.workspace}" in command and "--port=8890" in command
    assert f"--LabApp.user_settings_dir={trainee_lab.settings_dir}" in command


@pytest.mark.parametrize("bad", ["", "a+b", "../x", "t alice", "*"])
def test_a_trainee_id_nbgrader_cannot_file_is_refused_with_what_to_use(course, bad):
    with pytest.raises(PipelineError, match="letters, digits"):
        lab.TraineeLab(course, bad)


def test_the_trainee_is_the_login_name_unless_given(monkeypatch):
    monkeypatch.setenv("USER", "t-login")
    assert lab.default_trainee() == "t-login"
    monkeypatch.setenv("USER", "")
    assert lab.default_trainee()  # the account's name


def test_python_m_grading_lab_starts_the_trainees_lab_with_its_options(course, monkeypatch, capsys):
    from grading import cli

    started = {}

    class Became(Exception):
        """os.execve does not return: the process is JupyterLab from then on."""

    def execve(path, command, env):
        started.update(path=path, command=command, env=env)
        raise Became

    monkeypatch.setattr(lab.os, "execve", execve)
    monkeypatch.setattr(lab.os, "chdir", lambda folder: started.update(cwd=Path(folder)))
    monkeypatch.setattr(lab, "release_changed", lambda course, log=None: [])
    root = str(course.layout.root)
    with pytest.raises(Became):
        cli.main(["--root", root, "--work", "build", "lab", "--trainee", "t-cli", "--lang", "en", "--port=8890"])
    workspace = course.layout.base / "lab" / "t-cli"
    assert started["cwd"] == workspace and f"--ServerApp.root_dir={workspace}" in started["command"]
    assert started["path"] == started["command"][0]
    assert "--port=8890" in started["command"], "other options go to JupyterLab"
    assert started["env"]["HIMAYA_TRAINEE"] == "t-cli" and started["env"]["HIMAYA_LANG"] == "en"
    assert (course.layout.base / "lab-state" / "t-cli" / "config" / "nbgrader_config.json").is_file()
    assert "Nbgrader › Assignment List" in capsys.readouterr().out

    assert cli.main(["--root", root, "--work", "build", "lab", "--trainee", "t+x"]) == 2
    assert "letters, digits" in capsys.readouterr().err


@pytest.mark.slow
def test_a_stop_signal_to_make_lab_stops_its_jupyterlab_too(course, tmp_path):
    """``python -m grading lab`` becomes JupyterLab: a SIGTERM (or Ctrl-C) to it ends JupyterLab, which shuts its
    kernels down; it used to leave JupyterLab running as an orphan, still serving the trainee's folder."""
    import signal
    import urllib.request

    from grading.bench.lab import MakeLab

    server = MakeLab(course.layout.root, "build", tmp_path / "lab.log", trainee="t-stop")
    try:
        assert server.api("/api/status") is not None
        os.kill(server.process.pid, signal.SIGTERM)           # to the command's own process only
        assert server.process.wait(timeout=30) is not None
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{server.url}/api/status", timeout=5)   # nothing serves the lab any more
    finally:
        if server.process.poll() is None:
            server.stop()
