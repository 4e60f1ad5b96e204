"""grading/exchange.py: a submission's time comes from what a trainee cannot set back, and never stops a collect."""
from __future__ import annotations

import datetime
import os

import pytest
from nbgrader.coursedir import CourseDirectory

from grading.exchange import TIMESTAMP, SafeCollect

NAME_TIME = "2026-12-07 10:00:00.000000 UTC"


@pytest.fixture
def collect(tmp_path):
    return SafeCollect(coursedir=CourseDirectory(root=str(tmp_path)), authenticator=None)


def inbound(tmp_path, name_time: str = NAME_TIME, stamp: str | None = NAME_TIME):
    """An inbound folder as nbgrader's submit writes it (``stamp`` None: no timestamp.txt)."""
    folder = tmp_path / "inbound" / f"t1+m99+{name_time}+abc"
    folder.mkdir(parents=True)
    (folder / "m99.ipynb").write_text("{}")
    if stamp is not None:
        (folder / "timestamp.txt").write_text(stamp)
    return folder


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f UTC")


def test_an_honest_submission_keeps_the_time_submit_wrote(collect, tmp_path, monkeypatch):
    folder = inbound(tmp_path)
    monkeypatch.setattr("grading.exchange._changed", lambda src: at(NAME_TIME) + datetime.timedelta(seconds=5))
    assert collect.submission_time(str(folder)) == (at(NAME_TIME), [])


@pytest.mark.parametrize("stamp, problem", [
    (None, "timestamp.txt is missing"), ("", "timestamp.txt is empty"), ("soon", "timestamp.txt is not a time"),
    ("2026-12-01 10:00:00.000000 UTC", "timestamp.txt says 2026-12-01 10:00:00 UTC"),
])
def test_a_tampered_timestamp_file_gives_way_to_the_folders_name(collect, tmp_path, monkeypatch, stamp, problem):
    folder = inbound(tmp_path, stamp=stamp)
    monkeypatch.setattr("grading.exchange._changed", lambda src: at(NAME_TIME))
    when, problems = collect.submission_time(str(folder))
    assert when == at(NAME_TIME) and len(problems) == 1 and problems[0].startswith(problem), problems


def test_files_changed_after_the_named_time_give_their_change_time(collect, tmp_path):
    """A back-dated folder name (and timestamp): the files' change times, which no one can set back, decide."""
    early = "2020-01-01 00:00:00.000000 UTC"
    folder = inbound(tmp_path, name_time=early, stamp=early)
    os.utime(folder / "m99.ipynb", (0, 0))  # modification times can be back-dated; change times cannot
    when, problems = collect.submission_time(str(folder))
    assert when > datetime.datetime(2026, 1, 1) and "its files were changed at" in problems[-1], problems


def test_the_tolerance_is_a_setting(tmp_path, monkeypatch):
    from traitlets.config import Config

    config = Config({"SafeCollect": {"timestamp_tolerance": 10.0}})
    collect = SafeCollect(coursedir=CourseDirectory(root=str(tmp_path)), authenticator=None, config=config)
    folder = inbound(tmp_path)
    monkeypatch.setattr("grading.exchange._changed", lambda src: at(NAME_TIME) + datetime.timedelta(seconds=60))
    assert collect.submission_time(str(folder))[0] == at(NAME_TIME) + datetime.timedelta(seconds=60)


def test_a_folder_name_without_a_time_is_skipped_with_a_warning(collect, tmp_path, caplog):
    assert collect._path_to_record(str(tmp_path / "t1+m99+whenever+abc")) is None
    assert collect._path_to_record(str(tmp_path / "t1+m99")) is None
    assert TIMESTAMP in caplog.text and "t1+m99+whenever+abc" in caplog.text
    record = collect._path_to_record(str(tmp_path / f"t1+m99+{NAME_TIME}+abc"))
    assert record["username"] == "t1" and record["timestamp"] == at(NAME_TIME)


def test_a_copy_writes_the_trustworthy_time_and_warns(collect, tmp_path, monkeypatch, caplog):
    folder = inbound(tmp_path, stamp="2026-12-01 10:00:00.000000 UTC")
    monkeypatch.setattr("grading.exchange._changed", lambda src: at(NAME_TIME))
    collect.do_copy(str(folder), str(tmp_path / "submitted"))
    assert (tmp_path / "submitted" / "timestamp.txt").read_text() == NAME_TIME
    assert TIMESTAMP in caplog.text and str(folder) in caplog.text
