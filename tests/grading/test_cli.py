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


def test_a_syntax_error_in_the_course_nbgrader_config(course_root, capsys):
    (course_root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = (\n")
    code, _, err = run(capsys, "release", "m00-orientation")
    assert code == 2 and "Traceback" not in err
    assert f"{course_root / 'nbgrader_config.py'}, line 2: SyntaxError" in err and "fix it, or remove it" in err


def test_an_extra_nbgrader_config_that_fails_to_load(course_root, capsys, tmp_path, monkeypatch):
    """A Jupyter configuration folder's nbgrader_config.py (as a hub installs) that raises."""
    folder = tmp_path / "jupyter-config"
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text(
        "import os\nc = get_config()\nc.CourseDirectory.root = os.environ['HIMAYA_NO_SUCH_VARIABLE']\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(folder))
    code, _, err = run(capsys, "autograde", "m00-orientation")
    assert code == 2 and "Traceback" not in err
    assert f"{folder / 'nbgrader_config.py'}, line 3: KeyError: 'HIMAYA_NO_SUCH_VARIABLE'" in err


def test_an_extra_nbgrader_config_that_is_not_json(course_root, capsys):
    (course_root / "nbgrader_config.json").write_text('{"CourseDirectory": {"course_id": "himaya",}}')
    code, _, err = run(capsys, "export", "--to", str(course_root / "grades.csv"))
    assert code == 2 and "Traceback" not in err
    assert f"{course_root / 'nbgrader_config.json'}, line 1: JSONDecodeError" in err


def test_the_repositorys_own_nbgrader_config_loads():
    from grading.config import check_nbgrader_config

    check_nbgrader_config(REPO)


def test_collecting_a_module_never_released(course_root, capsys, tmp_path):
    code, _, err = run(capsys, "collect", "m00-orientation")
    assert code == 2 and "m00-orientation was never released: run `python -m grading release m00-orientation`" in err
    (tmp_path / "zips").mkdir()
    (tmp_path / "zips" / "t1.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    code, _, err = run(capsys, "collect", "m00-orientation", "--zips", str(tmp_path / "zips"))
    assert code == 2 and "m00-orientation was never released" in err and "Traceback" not in err


def test_unknown_module_for_every_command(course_root, capsys):
    for argv in (("collect", "m77-nothing"), ("autograde", "m77-nothing"), ("feedback", "m77-nothing")):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "unknown module 'm77-nothing'; the modules are: m00-orientation" in err, argv


def test_a_roster_that_is_not_utf8_or_missing(course_root, capsys, tmp_path):
    assert run(capsys, "release", "m00-orientation")[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_bytes("trainee_id,name,ministry,country,language\nt1,\xe9,x,y,ar\n".encode("latin-1"))
    code, _, err = run(capsys, "report", "--roster", str(roster), "--to", str(tmp_path / "r.html"))
    assert code == 2 and f"{roster}: not UTF-8 text" in err
    code, _, err = run(capsys, "report", "--roster", str(tmp_path / "nope.csv"), "--to", str(tmp_path / "r.html"))
    assert code == 2 and "no such roster file" in err


def test_a_roster_with_bad_lines_names_each(course_root, capsys, tmp_path):
    assert run(capsys, "release", "m00-orientation")[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id,name,ministry,country,language\nt1,A,MoI,JO,fr\nt1,B,MoI,JO,ar\n,C,MoI,JO,ar\n"
                      "t1,D,MoI,JO,en\n", encoding="utf-8")
    code, _, err = run(capsys, "report", "--roster", str(roster), "--to", str(tmp_path / "r.html"))
    assert code == 2 and "Traceback" not in err
    assert "line 2: language must be 'ar' or 'en', not 'fr'" in err
    assert "line 4: trainee_id is empty" in err and "line 5: trainee 't1' is listed twice" in err


def test_autograde_all_grades_every_collected_module_in_one_run(course_root, capsys):
    from grading.bench.autograde import make_submissions
    from grading.config import Layout
    from grading.course import Course

    code, _, err = run(capsys, "autograde")
    assert code == 2 and "name a module to grade (or --all); the modules are: m00-orientation" in err
    code, _, err = run(capsys, "autograde", "--all")
    assert code == 2 and "no module has collected submissions yet" in err
    course = Course(Layout(root=course_root))
    course.release("m00-orientation")
    make_submissions(course, "m00-orientation", 3)
    code, out, _ = run(capsys, "autograde", "--all", "--jobs", "1")
    assert code == 0 and "3 done, 0 failed" in out
    assert sorted(course.scores("m00-orientation")) == ["t000", "t001", "t002"]
    code, out, _ = run(capsys, "autograde", "--all")  # a rerun grades only what changed: nothing
    assert code == 0 and "0 done, 0 failed" in out
    code, _, err = run(capsys, "autograde", "m00-orientation", "--all")
    assert code == 2 and "give a module or --all, not both" in err


def test_release_feedback_hands_generated_pages_to_trainees(course_root, capsys, tmp_path):
    """#14: `grading feedback` only generated pages; nothing released them to the exchange for trainees."""
    from grading.config import Layout
    from grading.course import Course

    module = "m00-orientation"
    assert run(capsys, "release", module)[0] == 0
    course = Course(Layout(root=course_root))
    desks = {trainee: tmp_path / "desks" / trainee for trainee in ("t1", "t2")}
    for trainee, desk in desks.items():  # through nbgrader's exchange, as from Assignment List
        course.fetch(module, trainee, desk)
        course.submit(module, trainee, desk)
    assert run(capsys, "collect", module)[0] == 0
    assert run(capsys, "autograde", module, "--jobs", "1")[0] == 0

    code, _, err = run(capsys, "release-feedback", module)
    assert code == 2 and f"no feedback of {module} yet: run `python -m grading feedback {module}` first" in err
    assert run(capsys, "feedback", module, "t1")[0] == 0
    code, out, err = run(capsys, "release-feedback", module)
    assert code == 0 and f"released feedback of {module} to 1 trainee\n" in out
    assert f"t2 is graded on {module} but has no feedback yet (not released)" in err
    released = list((course.layout.exchange / "himaya" / "feedback").glob("*.html"))
    assert len(released) == 1

    with course._exchange("FetchFeedback", module, "t1", desks["t1"]) as app:  # the trainee's side
        app.start()
    pages = list((desks["t1"] / module / "feedback").glob("*/*.html"))
    assert len(pages) == 1 and pages[0].read_text() == course.feedback_files(module, "t1")[0].read_text()
    assert 'lang="ar"' in pages[0].read_text() or 'lang="en"' in pages[0].read_text()  # the course's own page

    assert run(capsys, "feedback", module)[0] == 0
    code, out, err = run(capsys, "release-feedback", "--all")
    assert code == 0 and f"released feedback of {module} to 2 trainees" in out and not err
    assert len(list((course.layout.exchange / "himaya" / "feedback").glob("*.html"))) == 2
    code, out, _ = run(capsys, "release-feedback", module, "t2")
    assert code == 0 and f"released feedback of {module} to 1 trainee" in out
    import os  # graded again after its feedback was generated: say so
    graded = course.layout.step("autograded") / "t2" / module / f"{module}.ipynb"
    os.utime(graded, (graded.stat().st_atime, graded.stat().st_mtime + 60))
    code, _, err = run(capsys, "release-feedback", module, "t2")
    assert code == 0 and f"t2's feedback on {module} is older than their grading" in err


def test_release_feedback_bad_input(course_root, capsys):
    code, _, err = run(capsys, "release-feedback")
    assert code == 2 and "name a module to release feedback of (or --all); the modules are: m00-orientation" in err
    code, _, err = run(capsys, "release-feedback", "m77-nothing")
    assert code == 2 and "unknown module 'm77-nothing'" in err
    code, _, err = run(capsys, "release-feedback", "m00-orientation")
    assert code == 2 and "m00-orientation was never released" in err
    code, _, err = run(capsys, "release-feedback", "--all")
    assert code == 2 and "no module has feedback yet: run `python -m grading feedback <module>` first" in err
    code, _, err = run(capsys, "release-feedback", "m00-orientation", "--all")
    assert code == 2 and "give a module or --all, not both" in err
    assert run(capsys, "release", "m00-orientation")[0] == 0
    code, _, err = run(capsys, "release-feedback", "m00-orientation", "t9")
    assert code == 2 and "no feedback of m00-orientation for t9 yet" in err and "Traceback" not in err
