"""Zip bombs handed in through ``python -m grading collect <module> --zips``: limits, a clear line each, bounded memory.

A 1 MB zip expanding to 1 GiB, zips nested 40 deep, thousands of files, one
entry expanding a thousand times, a header that declares 1 KiB of a 1 GiB entry:
each zip is skipped with a line naming it, the limit and the setting
(``ZipCollector.*``, grading/zips.py); an honest zip in the same folder (and an
honest zip inside a zip) is collected; the collect's memory stays bounded.
"""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from traitlets.config import Config

import zip_forge
from adversary import MODULE, NOTEBOOK, PERFECT, Submission
from core_course import released_core
from curriculum.settings import ANSWERS_FILENAME
from grading.config import Layout
from grading.course import Course
from test_collect_attacks import files_of, honest_zip, run

MiB = 1 << 20


def nested(files, depth: int) -> bytes:
    """The module's files in a zip, in a zip… ``depth`` zips deep."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(f"{MODULE}/{name}", content)
    for level in range(depth):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"level-{level}.zip", data.getvalue())
        data = outer
    return data.getvalue()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("zip-limits")
    course = released_core(root)
    files = {}
    for trainee in ("t-honest", "t-honest-inner-zip", "b-bomb", "b-nested", "b-files", "b-ratio", "b-liar"):
        sub = Submission(trainee, course.fetch(MODULE, trainee, root / "trainees" / trainee), course)
        sub.answer(PERFECT)
        files[trainee] = files_of(sub.folder)
    return root, files


@pytest.fixture(scope="module")
def collected(cohort, tmp_path_factory):
    root, files = cohort
    zips = tmp_path_factory.mktemp("zips-bombs")
    honest_zip(zips / "t-honest.zip", files["t-honest"], prefix=f"{MODULE}/")
    (zips / "t-honest-inner-zip.zip").write_bytes(nested(files["t-honest-inner-zip"], 1))
    answers = dict(files["b-bomb"])[ANSWERS_FILENAME]
    zip_forge.write(zips / "b-bomb.zip", [zip_forge.zeros(f"{MODULE}/{NOTEBOOK}", 1024),
                                          zip_forge.deflated(answers, f"{MODULE}/{ANSWERS_FILENAME}")])
    (zips / "b-nested.zip").write_bytes(nested(files["b-nested"], 40))
    with zipfile.ZipFile(zips / "b-files.zip", "w") as archive:
        for name, content in files["b-files"]:
            archive.writestr(name, content)
        for i in range(5000):
            archive.writestr(f"junk/{i}.txt", b"")
    zip_forge.write(zips / "b-ratio.zip", [zip_forge.zeros(NOTEBOOK, 50)])
    liar = zip_forge.zeros(NOTEBOOK, 1024)
    liar.size = 1024  # declares 1 KiB; the data expands to 1 GiB
    zip_forge.write(zips / "b-liar.zip", [liar, zip_forge.deflated(dict(files["b-liar"])[ANSWERS_FILENAME], ANSWERS_FILENAME)])
    assert (zips / "b-bomb.zip").stat().st_size < 2 * MiB
    tracemalloc.start()
    try:
        code, out, err = run(root, "collect", MODULE, "--zips", str(zips))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"code": code, "out": out, "err": err, "peak": peak, "submitted": root / "build" / "submitted", "root": root}


def skipped_line(collected, name: str) -> str:
    lines = [line for line in collected["err"].splitlines() if line.startswith(f"warning: {name}: not collected: ")]
    assert len(lines) == 1, (name, collected["err"])
    return lines[0]


@pytest.mark.parametrize("name, reason", [
    ("b-bomb.zip", "expands to 1.0 GiB"),
    ("b-nested.zip", "zips nested more than 2 deep"),
    ("b-files.zip", "holds more than 1000 files"),
    ("b-ratio.zip", "times (more than 200"),
])
def test_each_bomb_is_skipped_naming_the_limit_and_its_setting(collected, name, reason):
    line = skipped_line(collected, name)
    assert reason in line and "ZipCollector." in line, line
    assert not (collected["submitted"] / name[:-4]).exists()


def test_a_header_that_lies_about_the_size_is_caught_while_streaming(collected):
    line = skipped_line(collected, "b-liar.zip")
    assert NOTEBOOK in line and "cannot be read" in line and "forged" in line, line
    assert not (collected["submitted"] / "b-liar").exists()


def test_the_cohort_goes_on_and_honest_zips_are_collected(collected, cohort):
    _, files = cohort
    assert collected["code"] == 0 and "Traceback" not in collected["err"], collected["err"]
    for trainee in ("t-honest", "t-honest-inner-zip"):
        folder = collected["submitted"] / trainee / MODULE
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == dict(files[trainee]), trainee
    assert f"collected 2 submissions of {MODULE}" in collected["out"]


def test_memory_stays_bounded(collected):
    assert collected["peak"] < 16 * MiB, f"collect's Python allocations peaked at {collected['peak'] / MiB:.0f} MiB"


def test_the_limits_are_settings(cohort, tmp_path):
    root, files = cohort
    zips = tmp_path / "zips"
    zips.mkdir()
    honest_zip(zips / "t-honest.zip", files["t-honest"])
    config = Config({"ZipCollector": {"max_files": 1}})
    course = Course(Layout(root=root, work="build"), config=config)
    skipped = course.collect_zips(MODULE, zips)
    assert len(skipped) == 1 and "holds more than 1 files" in skipped[0] and "ZipCollector.max_files" in skipped[0]

