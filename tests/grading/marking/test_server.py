"""``python -m grading mark <module>`` (grading/marking/server.py): bad input is one line naming the fix; the server's command."""
import shutil
from pathlib import Path

from grading import cli
from grading.config import Layout
from grading.course import Course
from grading.marking import server

REPO = Path(__file__).resolve().parents[3]


def run(capsys, root: Path, *argv):
    code = cli.main(["--root", str(root), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_unknown_or_unreleased_module_is_named(tmp_path, capsys):
    shutil.copytree(REPO / "notebooks" / "m00-orientation", tmp_path / "notebooks" / "m00-orientation")
    code, _, err = run(capsys, tmp_path, "mark", "m77-nothing")
    assert code == 2 and "unknown module 'm77-nothing'; the modules are: m00-orientation" in err
    code, _, err = run(capsys, tmp_path, "mark", "m00-orientation")
    assert code == 2 and "m00-orientation was never released: run `python -m grading release m00-orientation`" in err
    assert "Traceback" not in err


def test_the_server_is_jupyterlab_at_the_course_root_with_the_grading_page(tmp_path):
    course = Course(Layout(root=tmp_path, work="build/x"))
    argv = server.command(course, 8899, "tok", "alice", ["--debug"])
    assert argv[1:4] == ["-m", "jupyter", "lab"]
    assert "--ServerApp.jpserver_extensions=grading.marking=True" in argv and "--Marking.grader=alice" in argv
    assert f"--ServerApp.root_dir={tmp_path}" in argv and "--ip=127.0.0.1" in argv and argv[-1] == "--debug"
    assert server.environment(course, {})["HIMAYA_WORK"] == "build/x"   # nbgrader_config.py: this course's folders
    assert server.address(8899, "tok", "m00-orientation", "m00.q8", "ar") == \
        "http://127.0.0.1:8899/himaya/marking?token=tok&lang=ar#m00-orientation/m00.q8"
