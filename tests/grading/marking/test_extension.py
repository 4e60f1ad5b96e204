"""The grading page as a jupyter_server extension: registered, switched on for instructors, off for trainees."""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import grading.marking

REPO = Path(__file__).resolve().parents[3]
ENABLED = {"ServerApp": {"jpserver_extensions": {"grading.marking": True}}}


def test_the_package_is_a_server_extension():
    assert grading.marking._jupyter_server_extension_points() == [{"module": "grading.marking"}]
    assert callable(grading.marking._load_jupyter_server_extension)


def test_installing_the_course_switches_it_on_and_the_hub_only_for_instructors():
    installed = REPO / "jupyter-config" / "jupyter_server_config.d" / "himaya-marking.json"
    assert json.loads(installed.read_text()) == ENABLED
    assert "jupyter-config/jupyter_server_config.d/himaya-marking.json" in (REPO / "pyproject.toml").read_text()
    instructor = REPO / "deploy" / "jupyter" / "instructor" / "jupyter_server_config.d" / "himaya-marking.json"
    assert json.loads(instructor.read_text()) == ENABLED
    trainee = json.loads((REPO / "deploy/jupyter/trainee/jupyter_server_config.d/himaya-trainee.json").read_text())
    assert trainee["ServerApp"]["jpserver_extensions"]["grading.marking"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("role, status", [("trainee", 404), ("instructor", 200)])
def test_on_the_hub_a_trainees_server_has_no_grading_page(tmp_path, role, status):
    """The hub's config path for the role, then the course's installed config (which switches the page on)."""
    port, token = _free_port(), secrets.token_hex(16)
    paths = [REPO / "deploy" / "jupyter" / role, REPO / "deploy" / "jupyter" / "common", REPO / "jupyter-config"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIMAYA_", "JUPYTER_"))}
    env.update(JUPYTER_CONFIG_PATH=os.pathsep.join(map(str, paths)), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), HIMAYA_COURSE_DIR=str(REPO),
               HIMAYA_WORK="build/test-marking-extension")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1",
                               f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
                               *(["--allow-root"] if os.geteuid() == 0 else [])],
                              cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.25)
        for path in ("himaya/marking", "himaya/marking/api/items"):
            try:
                got = urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}?token={token}", timeout=10).status
            except urllib.error.HTTPError as err:
                got = err.code
            assert got == status, (path, (tmp_path / "server.log").read_text()[-3000:])
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
