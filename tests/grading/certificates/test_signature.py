"""Verification codes: typable, stable, and a different code for anything changed or another course's secret;
the course secret is made private on first use and refused when others can read it."""
import os
import stat

import pytest

from grading.certificates import signature

SECRET = b"a" * 64
ARGS = ("himaya", "t1", "ليلى سعيد الخطيب", "2026-12-03", ["m01-one", "m02-two"])


def test_a_code_is_four_groups_of_typable_characters_and_stable():
    code = signature.code(SECRET, *ARGS)
    assert len(code) == 19 and code.count("-") == 3
    assert not set(code.replace("-", "")) & set("ILOU")
    assert signature.code(SECRET, *ARGS) == code
    assert signature.code(SECRET, "himaya", "t1", ARGS[2], ARGS[3], ["m02-two", "m01-one"]) == code  # order of modules
    assert signature.normalise(code.lower().replace("-", " ")) == code
    assert signature.normalise(code.replace("0", "O").replace("1", "l")) == code


@pytest.mark.parametrize("changed", [
    ("himaya", "t2", *ARGS[2:]), ("himaya", "t1", "ليلى سعيد", *ARGS[3:]), ("himaya", "t1", ARGS[2], "2026-12-04", ARGS[4]),
    ("himaya", "t1", ARGS[2], ARGS[3], ["m01-one"]), ("other-course", *ARGS[1:]),
])
def test_anything_changed_gives_another_code(changed):
    assert signature.code(SECRET, *changed) != signature.code(SECRET, *ARGS)


def test_another_secret_gives_another_code():
    assert signature.code(b"b" * 64, *ARGS) != signature.code(SECRET, *ARGS)


@pytest.mark.parametrize("text", ["", "ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN-PQRU", "ABCD-EFGH-JKMN-PQRS-T"])
def test_not_a_code(text):
    assert signature.normalise(text) is None


def test_the_secret_file_is_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(signature.ENV, raising=False)
    path = tmp_path / "build" / "certificate-secret"
    with pytest.raises(signature.SecretProblem, match="no course secret here"):
        signature.course_secret(path, create=False)  # checking a code never makes a new secret
    first = signature.course_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) >= 32
    assert signature.course_secret(path) == first
    os.chmod(path, 0o644)
    with pytest.raises(signature.SecretProblem, match="chmod 600"):
        signature.course_secret(path)


def test_the_secret_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(signature.ENV, "s" * 40)
    assert signature.course_secret(tmp_path / "none") == b"s" * 40
    assert not (tmp_path / "none").exists()
