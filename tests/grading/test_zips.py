"""grading/zips.py: each trainee's zip on its own; only the release's files, under the release's names."""
from __future__ import annotations

import stat
import zipfile

import pytest

from curriculum.settings import ANSWERS_FILENAME
from grading.zips import ZipCollector

NOTEBOOK = "m99.ipynb"


@pytest.fixture
def where(tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    (release / NOTEBOOK).write_text("{}")
    (tmp_path / "zips").mkdir()
    return tmp_path


def collect(where, **limits):
    return ZipCollector(**limits).collect(where / "zips", "m99", where / "release", where / "submitted",
                                          where / "work")


def make(where, name: str, entries: dict) -> None:
    """``entries``: entry name (or ZipInfo) -> content."""
    with zipfile.ZipFile(where / "zips" / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)


def test_only_the_release_notebooks_and_the_answers_file_are_taken(where):
    make(where, "t1.zip", {f"عربي/{NOTEBOOK}": "nb", f"عربي/{ANSWERS_FILENAME}": "{}", "notes.txt": "x",
                           f"عربي/.ipynb_checkpoints/m99-checkpoint.ipynb": "old"})
    assert collect(where) == (["t1"], [])
    folder = where / "submitted" / "t1" / "m99"
    assert {p.name: p.read_text() for p in folder.iterdir()} == {NOTEBOOK: "nb", ANSWERS_FILENAME: "{}"}
    assert not any((where / "work").iterdir())  # nothing staged is left behind


def test_a_zip_name_that_is_no_trainee_id_is_skipped(where):
    for name in (".hidden.zip", " t1.zip"):
        make(where, name, {NOTEBOOK: "nb"})
    collected, skipped = collect(where)
    assert collected == [] and len(skipped) == 2 and all("is not a trainee id" in line for line in skipped)


def test_a_link_in_a_zip_is_not_collected(where):
    link = zipfile.ZipInfo(ANSWERS_FILENAME)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    make(where, "t1.zip", {NOTEBOOK: "nb", link: "/etc/passwd"})  # an answers file that is a link
    collected, skipped = collect(where)
    assert collected == ["t1"] and not (where / "submitted" / "t1" / "m99" / ANSWERS_FILENAME).exists()
    assert any("a symbolic link, not collected" in line for line in skipped)
    assert any(f"holds no {ANSWERS_FILENAME}" in line for line in skipped)


def test_a_bad_zip_leaves_the_earlier_submission(where):
    make(where, "t1.zip", {NOTEBOOK: "first", ANSWERS_FILENAME: "{}"})
    collect(where)
    make(where, "t1.zip", {NOTEBOOK: "second", f"copy/{NOTEBOOK}": "third"})
    collected, skipped = collect(where)
    assert collected == [] and "twice" in skipped[0]
    assert (where / "submitted" / "t1" / "m99" / NOTEBOOK).read_text() == "first"


def test_a_zip_without_the_notebook_is_skipped_naming_it(where):
    make(where, "t1.zip", {"other.ipynb": "nb"})
    collected, skipped = collect(where)
    assert collected == [] and f"holds no {NOTEBOOK}" in skipped[0]
