"""Issuing for a small cohort and checking codes: genuine ones say for whom; a code typed wrong, made with another
course's secret, or whose register record was altered, fails."""
import json
import shutil
import stat

import pytest

from grading.certificates import issue, signature
from grading.certificates.settings import Certificates
from grading.course import Course
from grading.reporting import roster

from grading.config import Layout

from .conftest import NAMES


def issued(layout):
    course = Course(layout)
    return issue.issue(course, roster.read(layout.base / "roster.csv"), layout.base / "certificates")


def secret(layout):
    return signature.course_secret(layout.base / Certificates().secret_file, create=False)


def test_who_gets_a_certificate(course_layout):
    records, standings, notes = issued(course_layout)
    assert sorted(r.trainee for r in records) == ["t-complete", "t-latin"]
    assert {t for t, s in standings.items() if not s.completed} == {"t-missing", "t-low", "t-late"}
    assert notes == ["t-unlisted completed the course but has no row in the roster: no certificate "
                     "(add the name, then run certificates again)"]
    record = next(r for r in records if r.trainee == "t-complete")
    assert record.name == NAMES["t-complete"] and record.date == "2026-12-01"
    assert record.modules == ["m01-one", "m02-two", "m02a-lab"] and record.hours == 3.0
    folder = course_layout.base / "certificates"
    assert (folder / "t-complete.pdf").read_bytes().startswith(b"%PDF")
    register = json.loads((folder / issue.REGISTER).read_text(encoding="utf-8"))
    assert set(register["certificates"]) == {r.code for r in records}
    assert stat.S_IMODE((course_layout.base / "certificate-secret").stat().st_mode) == 0o600


def test_a_genuine_code_says_for_whom(course_layout):
    records, _, _ = issued(course_layout)
    record = next(r for r in records if r.trainee == "t-complete")
    verdict = issue.verify(record.code.lower(), course_layout.base / "certificates" / issue.REGISTER,
                           secret(course_layout))
    assert verdict.genuine and verdict.issued == record
    assert verdict.message.startswith(f"genuine: {NAMES['t-complete']} (t-complete) completed the course on 2026-12-01")


def test_a_code_with_one_character_changed_fails(course_layout):
    records, _, _ = issued(course_layout)
    code = records[0].code
    forged = ("1" if code[0] != "1" else "2") + code[1:]
    verdict = issue.verify(forged, course_layout.base / "certificates" / issue.REGISTER, secret(course_layout))
    assert not verdict.genuine and verdict.message == f"NOT genuine: {forged} was never issued by this course"


def test_a_register_record_altered_fails(course_layout):
    records, _, _ = issued(course_layout)
    path = course_layout.base / "certificates" / issue.REGISTER
    register = json.loads(path.read_text(encoding="utf-8"))
    code = next(r.code for r in records if r.trainee == "t-complete")
    register["certificates"][code]["name"] = "Someone Else"
    path.write_text(json.dumps(register, ensure_ascii=False), encoding="utf-8")
    verdict = issue.verify(code, path, secret(course_layout))
    assert not verdict.genuine and "does not match its signature" in verdict.message


def test_another_courses_secret_fails(course_layout, course_template, tmp_path):
    shutil.copytree(course_template, tmp_path / "other")
    other = Layout(root=tmp_path / "other", work="build")  # the same cohort, its own secret
    issued(other)
    records, _, _ = issued(course_layout)
    code = next(r.code for r in records if r.trainee == "t-complete")
    assert not issue.verify(code, other.base / "certificates" / issue.REGISTER, secret(other)).genuine
    # this course's register, checked with the other course's secret
    assert not issue.verify(code, course_layout.base / "certificates" / issue.REGISTER, secret(other)).genuine


def test_issuing_again_keeps_earlier_codes_verifiable(course_layout):
    first, _, _ = issued(course_layout)
    second, _, _ = issued(course_layout)
    assert [r.code for r in first] == [r.code for r in second]
    register = course_layout.base / "certificates" / issue.REGISTER
    assert all(issue.verify(r.code, register, secret(course_layout)).genuine for r in first)


def test_no_font_is_named_with_what_to_install(course_layout):
    settings = Certificates(fonts=["NoSuchFont-Regular.ttf", "NoSuchFont-Bold.ttf"])
    with pytest.raises(issue.FontMissing, match="apt-get install fonts-hosny-amiri"):
        issue.issue(Course(course_layout), {}, course_layout.base / "certificates", settings=settings)


def test_a_broken_register_is_named(course_layout):
    folder = course_layout.base / "certificates"
    folder.mkdir()
    (folder / issue.REGISTER).write_text("[1, 2", encoding="utf-8")
    with pytest.raises(issue.CertificateError, match="not a certificate register"):
        issued(course_layout)


def test_the_demo_step_issues_and_checks_one(course_layout):
    records, said = issue.issue_and_check(Course(course_layout), roster.read(course_layout.base / "roster.csv"),
                                          course_layout.base / "certificates")
    assert len(records) == 2
    assert said.startswith(f"python -m grading verify {records[0].code} → genuine: {records[0].name}")


def test_odd_trainee_ids_get_their_own_file():
    assert issue._filename("t-1") == "t-1"
    assert issue._filename("../a/b") != issue._filename("../a_b")
    assert "/" not in issue._filename("../a/b") and not issue._filename("../a/b").startswith(".")


def test_the_issuing_unit_comes_from_the_course_settings(course_layout):
    import pypdfium2 as pdfium

    (course_layout.root / "nbgrader_config.py").write_text(
        'c = get_config()\nc.Certificates.issuing_unit_ar = "مديرية التدريب"\n'
        'c.Certificates.issuing_unit_en = "Training Directorate"\n', encoding="utf-8")
    issued(course_layout)
    text = pdfium.PdfDocument(str(course_layout.base / "certificates" / "t-latin.pdf"))[0].get_textpage().get_text_range()
    assert "Training Directorate certifies that" in text and "تشهد مديرية التدريب بإتمام" in text
