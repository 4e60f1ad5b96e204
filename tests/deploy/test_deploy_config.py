"""deploy/: the hub's configuration, the Zero to JupyterHub values and the course's settings on a hub (fast)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config, PyFileConfigLoader

from grading.config import Layout, configure

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def spawner(name: str, user_id: int = 7):
    return SimpleNamespace(user=SimpleNamespace(name=name, id=user_id), environment={"KEEP": "1"}, extra_labels={})


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("trainee_id,name,ministry,country,language\n"
                    "t1,Trainee 1,Ministry,Jordan,ar\nt2,Trainee 2,Ministry,Morocco,en\n", encoding="utf-8")
    return path


@pytest.fixture
def hub_config(monkeypatch, roster, tmp_path):
    pytest.importorskip("jupyterhub")
    passwords = tmp_path / "passwords.json"
    passwords.write_text('{"instr": "pw-instr", "t1": "pw-t1"}')
    for name, value in {
        "HIMAYA_INSTRUCTORS": "instr", "HIMAYA_ROSTER": str(roster), "HIMAYA_TRAINEES": "t3",
        "HIMAYA_EXCHANGE": "/srv/x/exchange", "HIMAYA_DB_URL": "postgresql+psycopg2://g:secret@db/gb",
        "HIMAYA_PYTHON": "/opt/env/bin/python", "HIMAYA_COURSE_DIR": "/home/instr/himaya",
        "HIMAYA_DEMO_PASSWORDS": str(passwords), "HIMAYA_PYTHONPATH": "/opt/course/packages",
    }.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()


def test_hub_groups_are_the_ones_nbgrader_looks_for(hub_config):
    groups = hub_config.JupyterHub.load_groups
    assert groups["formgrade-himaya"]["users"] == ["instr"]
    assert groups["nbgrader-himaya"]["users"] == ["instr", "t1", "t2", "t3"]
    assert hub_config.Authenticator.allowed_users == {"instr", "t1", "t2", "t3"}
    assert "read:users:groups!user" in hub_config.Spawner.server_token_scopes


def test_servers_run_the_course_environment_as_each_user(hub_config):
    assert hub_config.Spawner.cmd == ["/opt/env/bin/python", "-m", "jupyterhub.singleuser"]
    assert hub_config.JupyterHub.spawner_class == "localprocess"
    assert hub_config.JupyterHub.bind_url.startswith("http://127.0.0.1:")


def test_only_instructors_are_given_the_gradebook_and_course(hub_config):
    hook = hub_config.Spawner.pre_spawn_hook
    instructor, trainee = spawner("instr"), spawner("t2")
    hook(instructor)
    hook(trainee)
    assert instructor.environment["HIMAYA_DB_URL"] == "postgresql+psycopg2://g:secret@db/gb"
    assert instructor.environment["HIMAYA_COURSE_DIR"] == "/home/instr/himaya"
    assert instructor.environment["JUPYTER_CONFIG_PATH"].split(":")[0].endswith("jupyter/instructor")
    assert "HIMAYA_DB_URL" not in trainee.environment and "HIMAYA_COURSE_DIR" not in trainee.environment
    assert trainee.environment["JUPYTER_CONFIG_PATH"].split(":")[0].endswith("jupyter/trainee")
    assert trainee.environment["HIMAYA_LANG"] == "en"  # from the roster
    for env in (instructor.environment, trainee.environment):
        assert env["HIMAYA_EXCHANGE"] == "/srv/x/exchange" and env["KEEP"] == "1"
        assert env["PYTHONPATH"] == "/opt/course/packages"


def test_demo_passwords_are_each_users_own(hub_config):
    from jupyter_core.utils import run_sync  # works whether or not an earlier test left an event loop running

    authenticator = hub_config.JupyterHub.authenticator_class(config=hub_config)
    login = lambda user, password: run_sync(authenticator.authenticate)(None, {"username": user, "password": password})  # noqa: E731
    assert login("t1", "pw-t1") == "t1"
    assert login("t1", "pw-instr") is None and login("t2", "") is None and login("nobody", "pw-t1") is None


def test_a_real_cohort_logs_in_with_pam_by_default(monkeypatch):
    pytest.importorskip("jupyterhub")
    monkeypatch.delenv("HIMAYA_DEMO_PASSWORDS", raising=False)
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    assert config.JupyterHub.authenticator_class == "pam"


def test_trainees_servers_have_no_formgrader():
    import json

    trainee = DEPLOY / "jupyter" / "trainee"
    extensions = json.loads((trainee / "jupyter_server_config.d" / "himaya-trainee.json").read_text())
    assert extensions["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    lab = json.loads((trainee / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert lab["@jupyter/nbgrader:formgrader"] and lab["@jupyter/nbgrader:create-assignment"]


def test_everyones_nbgrader_uses_the_shared_exchange_and_the_hubs_groups(monkeypatch):
    monkeypatch.setenv("HIMAYA_EXCHANGE", "/srv/x/exchange")
    common = PyFileConfigLoader("nbgrader_config.py", path=str(DEPLOY / "jupyter" / "common")).load_config()
    assert common.Exchange.root == "/srv/x/exchange" and common.Exchange.path_includes_course is True
    assert common.CourseDirectory.course_id == "himaya"
    assert common.Authenticator.plugin_class.__name__ == "JupyterHubAuthPlugin"
    monkeypatch.setenv("HIMAYA_COURSE_DIR", "/home/instr/himaya")
    instructor = PyFileConfigLoader("nbgrader_config.py", path=str(DEPLOY / "jupyter" / "instructor")).load_config()
    assert instructor.CourseDirectory.root == "/home/instr/himaya"


def test_gradebook_and_exchange_come_from_the_environment_on_a_hub(monkeypatch, tmp_path):
    layout = Layout(root=tmp_path, work="build/w")
    assert layout.db_url.startswith("sqlite:///") and layout.exchange == tmp_path / "build/w/exchange"
    monkeypatch.setenv("HIMAYA_DB_URL", "postgresql+psycopg2://g:secret@127.0.0.1:5432/gb")
    monkeypatch.setenv("HIMAYA_EXCHANGE", "/srv/nbgrader/exchange")
    c = configure(layout=layout)
    assert c.CourseDirectory.db_url == layout.db_url == "postgresql+psycopg2://g:secret@127.0.0.1:5432/gb"
    assert c.Exchange.root == "/srv/nbgrader/exchange"


def test_a_copy_of_the_course_is_its_own_course_root(tmp_path):
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert config.CourseDirectory.root == str(tmp_path)
    # reached through a symbolic link (~/himaya on a hub), the course root is the link's path: formgrader
    # works only on a course under the server's root, and relpath does not follow links
    (tmp_path / "course").mkdir()
    shutil.move(tmp_path / "nbgrader_config.py", tmp_path / "course" / "nbgrader_config.py")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "himaya").symlink_to(tmp_path / "course")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path / "home" / "himaya")).load_config()
    assert config.CourseDirectory.root == str(tmp_path / "home" / "himaya")


def test_the_cli_works_on_the_hubs_course_directory(monkeypatch, tmp_path):
    from grading import cli

    seen = {}
    monkeypatch.setenv("HIMAYA_COURSE_DIR", str(tmp_path))
    monkeypatch.setattr(cli, "cmd_export", lambda args: seen.setdefault("root", args.root) and 0)
    cli.main(["export"])
    assert seen["root"] == str(tmp_path)


# -- Zero to JupyterHub --------------------------------------------------------------------
@pytest.fixture
def z2jh(monkeypatch, roster):
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())
    monkeypatch.setenv("HIMAYA_ROSTER", str(roster))
    monkeypatch.setenv("HIMAYA_INSTRUCTORS", values["hub"]["extraEnv"]["HIMAYA_INSTRUCTORS"])
    c = Config()
    exec(compile(values["hub"]["extraConfig"]["himaya"], "values.yaml:hub.extraConfig.himaya", "exec"), {"c": c})
    return values, c


def test_z2jh_values_give_the_course_groups_and_roles(z2jh):
    values, c = z2jh
    assert set(c.JupyterHub.load_groups) == {"nbgrader-himaya", "formgrade-himaya"}
    assert c.JupyterHub.load_groups["formgrade-himaya"]["users"] == ["instructor1"]
    assert values["hub"]["loadRoles"]["himaya-instructor"]["groups"] == ["formgrade-himaya"]
    assert c.Authenticator.allowed_users == {"instructor1", "t1", "t2"}


def test_z2jh_pods_keep_trainees_apart_and_the_gradebook_with_instructors(z2jh):
    values, c = z2jh
    assert c.KubeSpawner.uid(spawner("t1", 3)) != c.KubeSpawner.uid(spawner("t2", 4))
    instructor, trainee = spawner("instructor1"), spawner("t1")
    c.KubeSpawner.pre_spawn_hook(instructor)
    c.KubeSpawner.pre_spawn_hook(trainee)
    secret = instructor.environment["HIMAYA_DB_URL"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "himaya-gradebook", "key": "url"}
    assert "HIMAYA_DB_URL" not in trainee.environment
    assert instructor.extra_labels == {"himaya/role": "instructor"} and trainee.extra_labels == {}
    single = values["singleuser"]
    assert single["storage"]["extraVolumeMounts"][0]["mountPath"] == trainee.environment["HIMAYA_EXCHANGE"]
    assert single["networkPolicy"]["enabled"] and single["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is False


# -- feedback through nbgrader's exchange, as trainees on a hub fetch it ------------------
@pytest.mark.slow
def test_feedback_from_the_cohort_command_can_be_released_and_fetched(tmp_path, monkeypatch):
    from grading.course import Course

    monkeypatch.delenv("HIMAYA_DB_URL", raising=False)
    monkeypatch.delenv("HIMAYA_EXCHANGE", raising=False)
    module = "m99-fixture"
    shutil.copytree(REPO / "tests" / "fixtures" / "course" / "notebooks", tmp_path / "notebooks")
    course = Course(Layout(root=tmp_path, work="build"))
    course.release(module)
    workspace = tmp_path / "t1"
    course.fetch(module, "t1", workspace)
    course.submit(module, "t1", workspace)
    course.collect(module)
    assert all(r.ok for r in course.autograde(module, progress=False))
    assert all(r.ok for r in course.feedback(module, progress=False))
    course.release_feedback(module)  # nbgrader reads the submission's timestamp and secret beside the pages
    with course._exchange("FetchFeedback", module, "t1", workspace) as app:
        app.start()
    pages = list((workspace / module / "feedback").glob(f"*/{module}.html"))
    assert len(pages) == 1
    assert re.search(r"\((?:Score|الدرجة): [\d.]+ / [\d.]+\)", pages[0].read_text(encoding="utf-8"))


def test_several_instructors_need_a_course_directory_they_share(monkeypatch, tmp_path):
    """Two instructors without HIMAYA_COURSE_DIR would each grade a course of their own: the hub refuses to start."""
    pytest.importorskip("jupyterhub")
    monkeypatch.setenv("HIMAYA_INSTRUCTORS", "instr,instr2")
    monkeypatch.delenv("HIMAYA_COURSE_DIR", raising=False)
    with pytest.raises(ValueError, match="HIMAYA_COURSE_DIR"):
        PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    monkeypatch.setenv("HIMAYA_COURSE_DIR", "/srv/himaya/course")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    for name in ("instr", "instr2"):  # no such accounts here (as in a container): the folder as it is
        server = spawner(name)
        config.Spawner.pre_spawn_hook(server)
        assert server.environment["HIMAYA_COURSE_DIR"] == "/srv/himaya/course"


def test_each_instructor_sees_the_shared_course_as_himaya_in_their_home(monkeypatch, tmp_path):
    """formgrader needs the course under the server's root (the home folder): the hub links ~/himaya to the shared
    folder, and gives the link's path; an existing ~/himaya that is something else is left alone, and said."""
    import pwd

    pytest.importorskip("jupyterhub")
    shared, homes = tmp_path / "course", tmp_path / "home"
    shared.mkdir()
    (homes / "instr").mkdir(parents=True)
    (homes / "instr2" / "himaya").mkdir(parents=True)  # a folder of their own in the way
    accounts = {name: SimpleNamespace(pw_dir=str(homes / name), pw_uid=os.getuid(), pw_gid=os.getgid())
                for name in ("instr", "instr2")}
    monkeypatch.setattr(pwd, "getpwnam", lambda name: accounts[name])
    monkeypatch.setenv("HIMAYA_INSTRUCTORS", "instr,instr2")
    monkeypatch.setenv("HIMAYA_COURSE_DIR", str(shared))
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    given = {}
    for name in accounts:
        server = spawner(name)
        config.Spawner.pre_spawn_hook(server)
        given[name] = server.environment["HIMAYA_COURSE_DIR"]
    assert given == {"instr": str(homes / "instr" / "himaya"), "instr2": str(shared)}
    assert (homes / "instr" / "himaya").resolve() == shared.resolve()
    assert not (homes / "instr2" / "himaya").is_symlink()


def test_a_course_directory_shared_by_a_group_keeps_nbgrader_s_files_group_writable(tmp_path):
    """Mode 2770 (setgid, group-writable) says several instructors share the course: nbgrader's groupshared."""
    tmp_path.chmod(0o2770)
    assert Layout(root=tmp_path).group_shared and configure(layout=Layout(root=tmp_path)).CourseDirectory.groupshared
    tmp_path.chmod(0o700)
    assert not configure(layout=Layout(root=tmp_path)).CourseDirectory.groupshared
    tmp_path.chmod(0o2750)  # setgid, but the group may only read: not shared for writing
    assert not Layout(root=tmp_path).group_shared


def test_instructors_servers_write_for_their_group_only():
    """Instructors' servers (and so their kernels and terminals) run with umask 007: what they write in the shared
    course directory, the other instructors can replace; nobody else can read it."""
    import os

    before = os.umask(0o022)
    try:
        PyFileConfigLoader("jupyter_server_config.py", path=str(DEPLOY / "jupyter" / "instructor")).load_config()
        assert os.umask(0o022) == 0o007
    finally:
        os.umask(before)
