"""grading.course: nothing that holds answers or keys leaves the instructor's folders."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from curriculum import answers
from curriculum.settings import ANSWERS_FILENAME
from grading.config import Layout
from grading.course import LEAK_MARKERS, MODULE, Course, PipelineError, failure_detail

FIXTURE_MODULE = "m99-fixture"
FIXTURE_NOTEBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "course" / "notebooks"
LEAKS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "KEY =", "KEY=", "BEGIN MARK SCHEME", "END MARK SCHEME", "Rubric")


@pytest.fixture
def course(tmp_path, fixture_notebooks) -> Course:
    shutil.copytree(fixture_notebooks, tmp_path / "notebooks")
    return Course(Layout(root=tmp_path, work="build"))


def _released_text(folder) -> dict:
    return {p: p.read_text(encoding="utf-8", errors="ignore") for p in folder.rglob("*") if p.is_file()}


# -- check_source -----------------------------------------------------------------

def test_check_source_accepts_a_clean_module(course):
    course.check_source(FIXTURE_MODULE)  # no exception


@pytest.mark.parametrize("where", [".", "figures"])
def test_check_source_refuses_an_answers_file(course, where):
    folder = course.source / FIXTURE_MODULE / where
    folder.mkdir(exist_ok=True)
    stray = folder / "himaya-answers.json"
    stray.write_text('{"schema": 1, "trainee": "instructor", "answers": {}}', encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        course.check_source(FIXTURE_MODULE)
    assert str(stray) in str(err.value)
    assert FIXTURE_MODULE in str(err.value)


def test_check_source_refuses_an_answers_file_moved_aside(course):
    """An author who ran the source notebook under two trainee ids has the first
    file moved aside by the kernel (himaya-answers.from-<id>.<time>.json): it holds
    answers too, and nbgrader would release it to every trainee."""
    folder = course.source / FIXTURE_MODULE
    answers_file = folder / ANSWERS_FILENAME
    answers.write(answers_file, answers.Answers(
        trainee="author", items={"m99.q1": {"value": "b"}, "m99.q2": {"value": ["a", "c"]}}))
    store = answers.AnswerStore(answers_file, trainee="someone-else")
    assert store.notice is not None and store.notice.key == "file_foreign_kept"
    assert not answers_file.exists()
    (backup,) = [p for p in folder.iterdir() if p.name.startswith("himaya-answers.")]
    assert '"b"' in backup.read_text(encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        course.check_source(FIXTURE_MODULE)
    assert backup.name in str(err.value)


def test_release_refuses_before_generating_anything(course):
    (course.source / FIXTURE_MODULE / "himaya-answers.json").write_text("{}", encoding="utf-8")
    with pytest.raises(PipelineError, match="himaya-answers.json"):
        course.release(FIXTURE_MODULE)
    assert not course.release_dir(FIXTURE_MODULE).exists()
    assert not (course.layout.exchange / "himaya" / "outbound" / FIXTURE_MODULE).exists()


# -- check_release ------------------------------------------------------------------

def test_leak_markers_cover_keys_hidden_tests_and_mark_schemes():
    assert {"BEGIN HIDDEN TESTS", "KEY =", "BEGIN MARK SCHEME"} <= set(LEAK_MARKERS)


def test_check_release_accepts_a_clean_release(course):
    folder = course.release_dir(FIXTURE_MODULE)
    folder.mkdir(parents=True)
    (folder / "m99-fixture.ipynb").write_text('{"cells": ["status(\\"m99.q1\\")"]}', encoding="utf-8")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    course.check_release(FIXTURE_MODULE)  # no exception


@pytest.mark.parametrize("content", [
    '"source": ["### BEGIN HIDDEN TESTS\\n", "assert True\\n", "### END HIDDEN TESTS"]',
    '"source": ["KEY = {\'answer\': \'b\'}"]',
    "### BEGIN MARK SCHEME\nRubric\n### END MARK SCHEME",
])
@pytest.mark.parametrize("name", ["m99-fixture.ipynb", "data/notes.txt"])
def test_check_release_names_the_leaking_file(course, content, name):
    folder = course.release_dir(FIXTURE_MODULE)
    leaking = folder / name
    leaking.parent.mkdir(parents=True, exist_ok=True)
    (folder / "clean.ipynb").write_text("{}", encoding="utf-8")
    leaking.write_text(content, encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        course.check_release(FIXTURE_MODULE)
    assert str(leaking) in str(err.value)


def test_check_release_reads_files_that_are_not_utf8(course):
    folder = course.release_dir(FIXTURE_MODULE)
    folder.mkdir(parents=True)
    (folder / "blob.bin").write_bytes(b"\xff\xfe\x00KEY = {'answer': 'b'}\xff")
    with pytest.raises(PipelineError, match="blob.bin"):
        course.check_release(FIXTURE_MODULE)


# -- release -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """One release of the fixture module, shared by the tests that only look at it (~3 s)."""
    root = tmp_path_factory.mktemp("released")
    shutil.copytree(FIXTURE_NOTEBOOKS, root / "notebooks")
    course = Course(Layout(root=root, work="build"))
    return course, course.release(FIXTURE_MODULE)


def test_release_leaks_no_key_hidden_test_or_mark_scheme(released):
    course, folder = released
    assert folder == course.release_dir(FIXTURE_MODULE)
    outbound = course.layout.exchange / "himaya" / "outbound" / FIXTURE_MODULE
    for where in (folder, outbound):
        texts = _released_text(where)
        assert any(p.suffix == ".ipynb" for p in texts), where
        assert not [p for p in texts if p.name.startswith("himaya-answers")], where
        for path, text in texts.items():
            for leak in LEAKS:
                assert leak not in text, f"{path} contains {leak!r}"
    # the notebook still has every cell trainees need
    nb = nbformat.read(str(folder / f"{FIXTURE_MODULE}.ipynb"), as_version=4)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells}
    assert sources["m99-q1"].strip() == 'status("m99.q1")'
    assert "ex.SingleChoice(\"m99.q1\"" in sources["m99-q1-widget"]
    assert "double(x)" in sources["lab-double"] and "return 2 * x" not in sources["lab-double"]


def test_release_keeps_the_keys_in_the_gradebook(released):
    course, _ = released
    with Gradebook(course.layout.db_url) as gb:
        assert "KEY = {'answer': 'b'}" in gb.find_source_cell("m99-q1", FIXTURE_MODULE, FIXTURE_MODULE).source
        assert "Rubric" in gb.find_source_cell("m99-q8", FIXTURE_MODULE, FIXTURE_MODULE).source


def test_release_twice_replaces_the_release(released):
    course, folder = released
    again = course.release(FIXTURE_MODULE)
    assert again == folder
    assert (course.layout.exchange / "himaya" / "outbound" / FIXTURE_MODULE / f"{FIXTURE_MODULE}.ipynb").is_file()


def test_everything_generated_stays_under_work(released):
    course, _ = released
    root = course.layout.root
    assert sorted(p.name for p in root.iterdir()) == ["build", "notebooks"]
    assert sorted(p.name for p in (root / "notebooks").iterdir()) == [FIXTURE_MODULE]


# -- modules, failure_detail ----------------------------------------------------------

def test_modules_lists_module_folders_only(tmp_path):
    notebooks = tmp_path / "notebooks"
    for name in ("m01-risks", "m00-orientation", "m99-fixture", "m02b-extra", "shared", ".ipynb_checkpoints",
                 "M03-Upper", "m4-short", "m05_underscore", "m06-", "m07-bad.slug"):
        (notebooks / name).mkdir(parents=True)
    (notebooks / "m08-a-file").write_text("not a folder", encoding="utf-8")
    (notebooks / "README.md").write_text("# notes", encoding="utf-8")
    course = Course(Layout(root=tmp_path, work="build"))
    assert course.modules() == ["m00-orientation", "m01-risks", "m02b-extra", "m99-fixture"]


def test_module_pattern():
    assert MODULE.match("m00-orientation") and MODULE.match("m12a-two-parts")
    assert not MODULE.match("m00") and not MODULE.match("m00-Orientation")


def test_course_creates_its_folders(tmp_path):
    course = Course(Layout(root=tmp_path, work="some/where"))
    assert course.layout.base.is_dir() and course.layout.exchange.is_dir()
    assert course.source == tmp_path / "notebooks"
    assert course.release_dir("m00-x") == tmp_path / "some" / "where" / "release" / "m00-x"


def test_failure_detail_returns_the_error_lines():
    log = "\n".join([
        "[AutogradeApp | INFO] Updating/creating assignment 'm99-fixture'",
        "[AutogradeApp | ERROR] There was an error processing assignment: /x/t1/m99-fixture",
        "[AutogradeApp | WARNING] Removing failed assignment",
        "Traceback (most recent call last):",
        "nbclient.exceptions.DeadKernelError: Kernel died",
        "[AutogradeApp | INFO] done",
    ])
    assert failure_detail({"success": False, "log": log, "error": "Traceback..."}) == "\n".join([
        "[AutogradeApp | ERROR] There was an error processing assignment: /x/t1/m99-fixture",
        "nbclient.exceptions.DeadKernelError: Kernel died",
    ])


def test_failure_detail_keeps_the_last_fifteen_error_lines():
    log = "\n".join(f"[ERROR] problem {i}" for i in range(40))
    lines = failure_detail({"log": log}).splitlines()
    assert lines == [f"[ERROR] problem {i}" for i in range(25, 40)]


def test_failure_detail_without_error_lines_falls_back_to_the_error_then_the_log():
    assert failure_detail({"log": "all fine", "error": "boom"}) == "boom"
    assert failure_detail({"log": "x" * 5000}) == "x" * 3000
    assert failure_detail({}) == ""


def test_pipeline_errors_name_the_failing_step():
    with pytest.raises(PipelineError) as err:
        Course._ok({"success": False, "log": "[ERROR] no such assignment"}, "release m99-fixture")
    assert str(err.value) == "release m99-fixture failed:\n[ERROR] no such assignment"
    Course._ok({"success": True}, "anything")  # no exception


def test_scores_and_lists_are_empty_before_grading(course):
    assert course.submitted(FIXTURE_MODULE) == []
    assert course.graded(FIXTURE_MODULE) == []
    assert course.feedback_files(FIXTURE_MODULE, "t1") == []


def test_export_writes_the_courses_csv(released, tmp_path):
    course, _ = released
    path = course.export(tmp_path / "out" / "grades.csv")
    assert path.is_file()  # its columns: tests/grading/test_export.py
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("trainee_id,name,ministry,")



def test_only_modules_that_grade_code_are_executed(tmp_path):
    """The fixture has an ordinary nbgrader code exercise; m00 has widget items only."""
    import shutil

    from grading.config import Layout
    from grading.course import Course

    repo = Path(__file__).resolve().parent.parent.parent
    shutil.copytree(repo / "tests" / "fixtures" / "course" / "notebooks", tmp_path / "notebooks")
    shutil.copytree(repo / "notebooks" / "m00-orientation", tmp_path / "notebooks" / "m00-orientation")
    course = Course(Layout(root=tmp_path, work="build"))
    assert course.executes("m99-fixture") is True
    assert course.executes("m00-orientation") is False


def test_collect_from_a_folder_of_zip_files(tmp_path):
    """zip_collect: one <trainee>.zip each, the module folder inside or its files at the top."""
    import json
    import zipfile

    from grading.config import Layout
    from grading.course import Course, PipelineError

    repo = Path(__file__).resolve().parent.parent.parent
    shutil.copytree(repo / "notebooks" / "m00-orientation", tmp_path / "notebooks" / "m00-orientation")
    course = Course(Layout(root=tmp_path, work="build"))
    course.release("m00-orientation")
    (tmp_path / "zips").mkdir()
    for trainee, nested in (("t-a", True), ("t-b", False)):
        folder = course.fetch("m00-orientation", trainee, tmp_path / "ws" / trainee)
        (folder / "himaya-answers.json").write_text(json.dumps(
            {"schema": 1, "trainee": trainee, "language": "en", "answers": {"m00.q1": {"value": "b"}}}))
        with zipfile.ZipFile(tmp_path / "zips" / f"{trainee}.zip", "w") as archive:
            for path in folder.iterdir():
                archive.write(path, f"m00-orientation/{path.name}" if nested else path.name)
    assert course.collect_zips("m00-orientation", tmp_path / "zips") == []  # nothing skipped
    assert course.submitted("m00-orientation") == ["t-a", "t-b"]
    for trainee in ("t-a", "t-b"):
        assert (course.layout.step("submitted") / trainee / "m00-orientation" / "himaya-answers.json").exists()
    assert all(r.ok for r in course.autograde("m00-orientation", progress=False))
    assert {t: s["items"]["m00-q1"] for t, s in course.scores("m00-orientation").items()} == {"t-a": 1.0, "t-b": 1.0}
    with pytest.raises(PipelineError, match="no .zip files"):
        course.collect_zips("m00-orientation", tmp_path / "ws")
