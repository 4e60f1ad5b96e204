"""The instructor's command line: bad input is one clear line naming what to fix, never a traceback."""
import shutil
from pathlib import Path

import pytest

from grading import cli

REPO = Path(__file__).resolve().parent.parent.parent
ROOT = [REPO]


@pytest.fixture(autouse=True)
def _root(request, tmp_path):
    ROOT[0] = tmp_path


@pytest.fixture
def course_root(tmp_path):
    shutil.copytree(REPO / "notebooks" / "m00-orientation", tmp_path / "notebooks" / "m00-orientation")
    return tmp_path


def run(capsys, *argv, root=None):
    code = cli.main(["--root", str(root or ROOT[0]), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_unknown_module(course_root, capsys):
    code, _, err = run(capsys, "release", "m77-nothing")
    assert code == 2 and "unknown module 'm77-nothing'; the modules are: m00-orientation" in err
    assert "Traceback" not in err


def test_grading_a_module_never_released(course_root, capsys):
    code, _, err = run(capsys, "autograde", "m00-orientation")
    assert code == 2 and "m00-orientation was never released: run `python -m grading release m00-orientation`" in err


def test_unknown_trainee(course_root, capsys):
    assert run(capsys, "release", "m00-orientation")[0] == 0
    code, _, err = run(capsys, "autograde", "m00-orientation", "t-nobody")
    assert code == 2 and "no submission of m00-orientation from t-nobody" in err
    code, _, err = run(capsys, "feedback", "m00-orientation", "t-nobody")
    assert code == 2 and "t-nobody: not graded on m00-orientation yet" in err


def test_malformed_roster(course_root, capsys, tmp_path):
    assert run(capsys, "release", "m00-orientation")[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id,name\nt1,x\n")
    code, _, err = run(capsys, "report", "--roster", str(roster), "--to", str(tmp_path / "r.html"))
    assert code == 2 and "lacks the column(s) ministry, country, language" in err


def test_collect_zips_from_an_empty_folder(course_root, capsys, tmp_path):
    assert run(capsys, "release", "m00-orientation")[0] == 0
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "collect", "m00-orientation", "--zips", str(tmp_path / "empty"))
    assert code == 2 and "no .zip files to collect" in err


def test_unknown_option_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["release", "--frobnicate"])
    assert exit_.value.code == 2 and "unrecognized arguments: --frobnicate" in capsys.readouterr().err
