"""Collecting a cohort's zips (``python -m grading collect <module> --zips <folder>``) that trainees made.

One ``<trainee id>.zip`` per trainee, as a learning platform's download gives
them.  Attacks: a zip whose entries name a classmate's folder (nbgrader's
zip_collect took the trainee from the extracted path), entry names too long
for the file system or not UTF-8, a file that is not a zip, a notebook twice
in one zip; then bombs: a 1 MB zip expanding to 1 GiB, zips nested 40 deep,
thousands of files, an entry that expands a thousand times, headers that lie.
Every case runs the real command: each bad zip is skipped with a line naming it
and why, no classmate's submission changes, the honest trainees are collected
and graded exactly as handed in, and memory stays bounded.
"""
from __future__ import annotations

import io
import json
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import zip_forge
from adversary import MODULE, NOTEBOOK, PERFECT, Submission, grader_environment, open_course
from core_course import released_core
from curriculum.settings import ANSWERS_FILENAME
from fixture_answers import WIDGET_POINTS
from grading import cli

HONEST = ("t-honest-nested", "t-honest-flat", "t-victim")
LONG_ARABIC = "تقرير_المتدرب_عن_حماية_الأطفال_على_الإنترنت_" * 3  # about 130 letters, 260 bytes: too long a name


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    """``python -m grading --root <root> --work build <argv>``: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with grader_environment(), redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["--root", str(root), "--work", "build", *argv])
    return code, out.getvalue(), err.getvalue()


def files_of(folder: Path) -> list[tuple[str, bytes]]:
    """The module's files of a trainee's fetched folder, as they zip them."""
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]


def honest_zip(path: Path, files, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(prefix + name, data)
    return path


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A released core module; three honest trainees' folders (every widget answer right) and a zip folder."""
    root = tmp_path_factory.mktemp("collect-zips")
    course = released_core(root)
    folders = {}
    for trainee in HONEST:
        sub = Submission(trainee, course.fetch(MODULE, trainee, root / "trainees" / trainee), course)
        sub.answer(PERFECT)
        folders[trainee] = files_of(sub.folder)
    return root, folders


def attacker_files(cohort, trainee: str) -> list[tuple[str, bytes]]:
    """An attacker's own module files: a blank fetched notebook and an answers file claiming every right answer."""
    root, folders = cohort
    files = dict(folders["t-victim"])
    answers = json.loads(files[ANSWERS_FILENAME])
    answers["trainee"] = trainee
    return [(NOTEBOOK, files[NOTEBOOK]), (ANSWERS_FILENAME, json.dumps(answers).encode())]


def forged_for(victim: str, cohort) -> list[tuple[str, bytes]]:
    """A doctored notebook and answers file meant to become ``victim``'s submission."""
    root, folders = cohort
    files = dict(folders[victim])
    answers = json.loads(files[ANSWERS_FILENAME])
    answers["answers"] = {}  # the victim's answers erased
    return [(NOTEBOOK, b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'),
            (ANSWERS_FILENAME, json.dumps(answers).encode())]


@pytest.fixture(scope="module")
def collected(cohort, tmp_path_factory):
    """The attacks of item 2 beside the honest zips, collected in one run of the real command."""
    root, folders = cohort
    zips = tmp_path_factory.mktemp("zips-attacks")
    honest_zip(zips / "t-honest-nested.zip", folders["t-honest-nested"], prefix=f"{MODULE}/")
    honest_zip(zips / "t-honest-flat.zip", folders["t-honest-flat"])
    honest_zip(zips / "t-victim.zip", folders["t-victim"], prefix=f"{MODULE}/")
    # a classmate's folder, through nbgrader's extracted/ path, through '..' and an absolute path; a trainee who does not exist
    honest_zip(zips / "a-traverse.zip", forged_for("t-victim", cohort), prefix=f"x/extracted/t-victim/{MODULE}/")
    with zipfile.ZipFile(zips / "a-traverse-all-ways.zip", "w") as archive:
        for name, data in forged_for("t-victim", cohort):
            archive.writestr(f"../t-victim/{MODULE}/{name}", data)
            archive.writestr(f"/tmp/t-victim/{MODULE}/{name}", data)
            archive.writestr(f"x/extracted/t-ghost/{name}", data)
    # its own files inside a folder named in Arabic longer than any file system allows, beside a long file
    honest_zip(zips / "a-long-names.zip", [*attacker_files(cohort, "a-long-names"), (LONG_ARABIC + ".txt", b"x")],
               prefix=f"{LONG_ARABIC}/")
    # Arabic names in Windows' code page (cp1256, no UTF-8 flag): the folder is not UTF-8, the files are
    folder = "حماية".encode("cp1256") + b"/"
    zip_forge.write(zips / "a-cp1256.zip", [zip_forge.deflated(data, folder + name.encode(), flags=0)
                                            for name, data in attacker_files(cohort, "a-cp1256")])
    # a name marked UTF-8 that is not (Python's zipfile cannot even open it)
    zip_forge.write(zips / "a-bad-utf8-flag.zip", [
        zip_forge.deflated(data, b"\xff\xfe" + name.encode(), flags=zip_forge.UTF8_FLAG)
        for name, data in attacker_files(cohort, "a-bad-utf8-flag")])
    # the learning platform's error page saved as a zip
    (zips / "a-error-page.zip").write_text("<html><body><h1>502 Bad Gateway</h1></body></html>")
    # the same notebook twice
    files = attacker_files(cohort, "a-twice")
    honest_zip(zips / "a-twice.zip", [*files, *((f"copy/{n}", d) for n, d in files)])
    # names that would drive the instructor's terminal (clear the screen, set its title) when a warning names them
    files = attacker_files(cohort, "a-escapes")
    honest_zip(zips / "a-escapes.zip", [*files, *((f"\x1b[2J\x1b]0;graded\x07/{n}", d) for n, d in files)])
    code, out, err = run(root, "collect", MODULE, "--zips", str(zips))
    return {"code": code, "out": out, "err": err, "submitted": root / "build" / "submitted", "root": root}


def test_the_cohort_is_collected_and_each_bad_zip_named_with_its_reason(collected):
    assert collected["code"] == 0, collected["err"]
    err = collected["err"]
    assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
    for name, reason in (("a-error-page.zip", "not a zip file"), ("a-twice.zip", f"holds {NOTEBOOK} twice"),
                         ("a-traverse-all-ways.zip", f"holds {NOTEBOOK} twice"),
                         ("a-escapes.zip", "\\x1b[2J\\x1b]0;graded\\x07/"),
                         ("a-bad-utf8-flag.zip", "marked UTF-8 but is not")):
        assert any(line.startswith(f"warning: {name}: not collected: ") and reason in line
                   for line in err.splitlines()), (name, err)
    submitted = collected["submitted"]
    got = sorted(p.name for p in submitted.iterdir() if (p / MODULE).is_dir())
    assert got == sorted([*HONEST, "a-traverse", "a-long-names", "a-cp1256"]), got
    assert f"collected {len(got)} submissions of {MODULE}" in collected["out"]


def test_a_zip_cannot_write_a_classmates_submission(collected, cohort):
    _, folders = cohort
    submitted = collected["submitted"]
    victim = submitted / "t-victim" / MODULE
    assert sorted(p.name for p in victim.iterdir()) == sorted(n for n, _ in folders["t-victim"])
    for name, data in folders["t-victim"]:
        assert (victim / name).read_bytes() == data, name
    assert not (submitted / "t-ghost").exists()
    assert not Path("/tmp/t-victim").exists()
    assert not (submitted.parent / "t-victim").exists()
    # what the zip held became the attacker's own submission, under the release's names only
    assert sorted(p.name for p in (submitted / "a-traverse" / MODULE).iterdir()) == sorted([NOTEBOOK, ANSWERS_FILENAME])
    assert not (submitted / "a-traverse-all-ways").exists()


def test_long_and_non_utf8_names_never_stop_the_collect(collected, cohort):
    submitted = collected["submitted"]
    for trainee in ("a-long-names", "a-cp1256"):
        assert sorted(p.name for p in (submitted / trainee / MODULE).iterdir()) == sorted([NOTEBOOK, ANSWERS_FILENAME])
        assert json.loads((submitted / trainee / MODULE / ANSWERS_FILENAME).read_text())["trainee"] == trainee


def test_honest_trainees_are_graded_as_handed_in(collected):
    root = collected["root"]
    code, out, err = run(root, "autograde", MODULE, *HONEST, "--jobs", "1")
    assert code == 0, err
    scores = open_course(root).scores(MODULE)
    for trainee in HONEST:
        assert {g: scores[trainee]["items"][g] for g in WIDGET_POINTS} == WIDGET_POINTS, trainee
