"""The answers file: read never raises, writes are atomic, bad files are moved aside."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from curriculum import answers
from curriculum.answers import SCHEMA_VERSION, Answers, AnswerStore, Problem, read, write
from curriculum.language import message
from curriculum.settings import settings


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def good(trainee="t-test", **answers_):
    return {
        "schema": SCHEMA_VERSION, "trainee": trainee, "language": "en",
        "answers": {k: {"value": v, "kind": "single", "time": "2025-01-01T10:00:00+00:00", "changes": 1}
                    for k, v in answers_.items()},
    }


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- read --------------------------------------------------------------------------------------
def test_read_missing_file(tmp_path):
    found = read(tmp_path / "himaya-answers.json", trainee="t-test")
    assert found.problem == Problem("file_missing")
    assert (found.trainee, found.items) == ("t-test", {})


def test_read_good_file(tmp_path):
    path = write_json(tmp_path / "a.json", good(**{"m00.q1": "a", "m00.q2": ["a", "b"]}))
    found = read(path, trainee="t-test")
    assert found.problem is None
    assert found.trainee == "t-test"
    assert found.language == "en"
    assert found.value("m00.q1") == "a"
    assert found.value("m00.q2") == ["a", "b"]
    assert found.value("m00.q9") is None


def test_read_drops_entries_without_value(tmp_path):
    data = good(**{"m00.q1": "a"})
    data["answers"]["m00.q2"] = {"kind": "single"}
    data["answers"]["m00.q3"] = "a"
    found = read(write_json(tmp_path / "a.json", data))
    assert list(found.items) == ["m00.q1"]


def test_read_unknown_language_falls_back_to_arabic(tmp_path):
    data = good(**{"m00.q1": "a"})
    data["language"] = "fr"
    assert read(write_json(tmp_path / "a.json", data)).language == "ar"


@pytest.mark.parametrize(("content", "error"), [
    (b"{not json", "JSONDecodeError"),
    (b"", "JSONDecodeError"),
    (b"\xff\xfe\x00{", "UnicodeDecodeError"),
    ('{"schema": 1, "trainee": "ت"}'.encode("utf-16"), "UnicodeDecodeError"),
    (b"[1, 2]", "not an answers object"),
    (b"null", "not an answers object"),
    (b'{"schema": 1, "trainee": "t-test", "answers": []}', "not an answers object"),
])
def test_read_corrupt_files(tmp_path, content, error):
    path = tmp_path / "a.json"
    path.write_bytes(content)
    found = read(path, trainee="t-test")
    assert found.problem == Problem("file_corrupt_grading", {"error": error})
    assert found.items == {}
    assert path.read_bytes() == content  # reading never changes the file


@pytest.mark.parametrize(("schema", "version"), [(2, 2), (None, None), ("1", "1")])
def test_read_unknown_schema(tmp_path, schema, version):
    data = good(**{"m00.q1": "a"})
    if schema is None:
        del data["schema"]
    else:
        data["schema"] = schema
    found = read(write_json(tmp_path / "a.json", data))
    assert found.problem == Problem("file_schema", {"version": version})
    assert found.items == {}


def test_read_foreign_trainee(tmp_path):
    path = write_json(tmp_path / "a.json", good("alice", **{"m00.q1": "a"}))
    found = read(path, trainee="t-test")
    assert found.problem == Problem("file_foreign", {"owner": "alice", "trainee": "t-test"})
    assert found.items == {}
    assert read(path).value("m00.q1") == "a"  # no trainee given: any owner is accepted
    assert read(path).trainee == "alice"


def test_read_oversized(tmp_path):
    path = write_json(tmp_path / "a.json", good(**{"m00.q1": "a" * 200}))
    size = path.stat().st_size
    found = read(path, max_bytes=100)
    assert found.problem == Problem("file_oversized", {"size": size})
    assert found.items == {}
    assert read(path, max_bytes=size).problem is None


def test_read_oversized_uses_the_setting(tmp_path):
    path = write_json(tmp_path / "a.json", good(**{"m00.q1": "a"}))
    settings.max_answers_bytes = 10
    assert read(path).problem.key == "file_oversized"


def test_read_a_folder_does_not_raise(tmp_path):
    found = read(tmp_path)
    assert found.problem.key == "file_corrupt_grading"
    assert found.items == {}


# -- write -------------------------------------------------------------------------------------------
def test_write_is_readable_utf8_json(tmp_path):
    path = tmp_path / "himaya-answers.json"
    data = Answers(trainee="ت-1", language="ar", items={"m00.s1": {"value": "الحماية", "kind": "short"}})
    write(path, data)
    text = path.read_text(encoding="utf-8")
    assert "الحماية" in text  # not \u-escaped
    assert json.loads(text) == {
        "schema": 1, "trainee": "ت-1", "language": "ar",
        "answers": {"m00.s1": {"value": "الحماية", "kind": "short"}},
    }
    assert read(path, trainee="ت-1").value("m00.s1") == "الحماية"
    assert files(tmp_path) == ["himaya-answers.json"]


def test_write_replaces_through_a_temporary_file(tmp_path, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((Path(src), Path(dst), Path(src).read_text(encoding="utf-8")))
        real_replace(src, dst)

    monkeypatch.setattr(answers.os, "replace", spy)
    path = tmp_path / "himaya-answers.json"
    write(path, Answers(trainee="t-test"))
    [(src, dst, content)] = calls
    assert dst == path
    assert src.parent == tmp_path and src.name.startswith(".himaya-answers.json.") and src.suffix == ".tmp"
    assert json.loads(content)["trainee"] == "t-test"


def test_failed_write_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "himaya-answers.json"
    write(path, Answers(trainee="t-test", items={"m00.q1": {"value": "a"}}))
    before = path.read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(answers.os, "replace", broken)
    with pytest.raises(OSError):
        write(path, Answers(trainee="t-test", items={"m00.q1": {"value": "b"}}))
    assert path.read_bytes() == before
    assert files(tmp_path) == ["himaya-answers.json"]


# -- AnswerStore ----------------------------------------------------------------------------------------
def test_store_without_file_starts_empty_and_writes_on_save(tmp_path):
    store = AnswerStore()
    assert store.path == tmp_path / "himaya-answers.json"
    assert store.notice is None
    assert store.get("m00.q1") is None
    assert files(tmp_path) == []
    stamp = store.save("m00.q1", "b", "single")
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data == {
        "schema": 1, "trainee": "t-test", "language": "ar",
        "answers": {"m00.q1": {"value": "b", "kind": "single", "time": stamp, "changes": 1}},
    }
    assert datetime.fromisoformat(stamp).tzinfo is not None
    assert store.get("m00.q1") == "b"


def test_store_counts_changes_and_records_the_language(tmp_path):
    store = AnswerStore()
    store.save("m00.q1", "a", "single")
    settings.language = "en"
    store.save("m00.q1", "b", "single")
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["answers"]["m00.q1"]["changes"] == 2
    assert data["answers"]["m00.q1"]["value"] == "b"
    assert data["language"] == "en"


def test_store_loads_own_file(tmp_path):
    path = write_json(tmp_path / "himaya-answers.json", good(**{"m00.q1": "c"}))
    store = AnswerStore()
    assert store.notice is None
    assert store.get("m00.q1") == "c"
    assert store.answers.language == "en"
    assert files(tmp_path) == ["himaya-answers.json"]
    assert path.exists()


@pytest.mark.parametrize(("content", "error"), [
    (b"{broken", "JSONDecodeError"),
    (b"\xff\xfe\xfa", "UnicodeDecodeError"),
    (b'{"schema": 99, "trainee": "t-test", "answers": {}}', "file_schema"),
    (b'["not", "an", "object"]', "not an answers object"),
])
def test_store_moves_a_bad_file_aside(tmp_path, content, error):
    path = tmp_path / "himaya-answers.json"
    path.write_bytes(content)
    store = AnswerStore()
    assert store.notice.key == "file_corrupt"
    assert store.notice.params["error"] == error
    backup = store.notice.params["backup"]
    assert backup.startswith("himaya-answers.damaged.") and backup.endswith(".json")
    assert files(tmp_path) == [backup]
    assert (tmp_path / backup).read_bytes() == content  # kept, not deleted
    assert store.answers.items == {}
    assert store.answers.trainee == "t-test"
    assert backup in message(store.notice.key, "en", **store.notice.params)
    store.save("m00.q1", "a", "single")
    assert read(path, trainee="t-test").value("m00.q1") == "a"
    assert (tmp_path / backup).read_bytes() == content


def test_store_moves_an_oversized_file_aside(tmp_path):
    path = write_json(tmp_path / "himaya-answers.json", good(**{"m00.q1": "x" * 100}))
    content = path.read_bytes()
    settings.max_answers_bytes = 50
    store = AnswerStore()
    assert store.notice.key == "file_corrupt"
    assert store.notice.params["error"] == "file_oversized"
    assert (tmp_path / store.notice.params["backup"]).read_bytes() == content
    assert not path.exists()


def test_store_moves_a_foreign_file_aside(tmp_path):
    path = write_json(tmp_path / "himaya-answers.json", good("alice", **{"m00.q1": "a"}))
    content = path.read_bytes()
    store = AnswerStore()
    assert store.notice.key == "file_foreign_kept"
    assert store.notice.params["owner"] == "alice"
    backup = store.notice.params["backup"]
    assert backup.startswith("himaya-answers.from-alice.")
    assert files(tmp_path) == [backup]
    assert (tmp_path / backup).read_bytes() == content
    assert store.get("m00.q1") is None
    store.save("m00.q2", "b", "single")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["trainee"] == "t-test"
    assert list(data["answers"]) == ["m00.q2"]
    assert message("file_foreign_kept", "en", **store.notice.params) == \
        f"An answers file of “alice” was found; it was moved to {backup} and a new one started for you."


def test_store_backup_name_is_safe_for_odd_owner_ids(tmp_path):
    write_json(tmp_path / "himaya-answers.json", good("../eve smith", **{"m00.q1": "a"}))
    store = AnswerStore()
    backup = store.notice.params["backup"]
    assert backup.startswith("himaya-answers.from-___eve_smith.")
    assert (tmp_path / backup).exists()


def test_store_file_without_owner_is_moved_aside(tmp_path):
    write_json(tmp_path / "himaya-answers.json", good("", **{"m00.q1": "a"}))
    store = AnswerStore()
    assert store.notice.key == "file_foreign_kept"
    assert store.notice.params["backup"].startswith("himaya-answers.from-unknown.")


def test_two_bad_files_moved_aside_in_the_same_second_are_both_kept(tmp_path, monkeypatch):
    """Moving aside must never delete: a second bad file must not overwrite the first backup."""
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2025, 3, 1, 9, 30, 0, tzinfo=timezone.utc)

    monkeypatch.setattr(answers, "datetime", Frozen)
    path = tmp_path / "himaya-answers.json"
    path.write_bytes(b"{first damaged file")
    AnswerStore()
    path.write_bytes(b"{second damaged file")
    AnswerStore()
    kept = sorted((tmp_path / name).read_bytes() for name in files(tmp_path))
    assert kept == [b"{first damaged file", b"{second damaged file"]


def test_reassign_keeps_the_answers_for_the_new_id(tmp_path):
    store = AnswerStore()
    store.save("m00.q1", "a", "single")
    store.reassign("officer-7")
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["trainee"] == "officer-7"
    assert data["answers"]["m00.q1"]["value"] == "a"
    assert store.trainee == "officer-7"


def test_reassign_without_answers_writes_nothing(tmp_path):
    store = AnswerStore()
    store.reassign("officer-7")
    assert files(tmp_path) == []
    assert store.answers.trainee == "officer-7"


def test_set_language_writes_only_when_there_is_a_file(tmp_path):
    store = AnswerStore()
    store.set_language("en")
    assert files(tmp_path) == []
    store.save("m00.q1", "a", "single")  # settings.language is still 'ar'
    assert json.loads(store.path.read_text(encoding="utf-8"))["language"] == "ar"
    store.set_language("en")
    assert json.loads(store.path.read_text(encoding="utf-8"))["language"] == "en"


# -- store() ----------------------------------------------------------------------------------------------
def test_store_is_one_per_folder_and_trainee(tmp_path):
    first = answers.store()
    assert answers.store() is first
    assert first.path == (tmp_path / "himaya-answers.json").resolve()
    other = tmp_path / "other"
    other.mkdir()
    settings.answers_dir = str(other)
    assert answers.store() is not first
    assert answers.store().path == (other / "himaya-answers.json").resolve()
    settings.answers_dir = str(tmp_path)
    assert answers.store() is first
    settings.trainee = "officer-2"
    assert answers.store() is not first
    assert answers.store().trainee == "officer-2"


def test_kernel_save_is_read_by_the_grader(tmp_path):
    answers.store().save("m00.q1", {"number": 2.5, "unit": None}, "numeric")
    found = read(tmp_path / "himaya-answers.json", trainee="t-test")
    assert found.problem is None
    assert found.value("m00.q1") == {"number": 2.5, "unit": None}


def test_a_chosen_language_is_recorded_without_answers(tmp_path):
    store = AnswerStore()
    store.set_language("ar", chosen=True)  # the default, but picked: recorded
    assert json.loads(store.path.read_text(encoding="utf-8"))["language"] == "ar"
    assert json.loads(store.path.read_text(encoding="utf-8"))["answers"] == {}
