"""The page an instructor opens to check a code: genuine and forged codes answered in Arabic then English, nothing
typed into it runs, and it listens on this machine only."""
import threading
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from grading.certificates import issue, page, signature
from grading.certificates.settings import Certificates
from grading.course import Course
from grading.reporting import roster


@pytest.fixture
def served(course_layout):
    records, _, _ = issue.issue(Course(course_layout), roster.read(course_layout.base / "roster.csv"),
                                course_layout.base / "certificates")
    secret = signature.course_secret(course_layout.base / Certificates().secret_file, create=False)
    httpd = page.server(course_layout.base / "certificates" / issue.REGISTER, secret)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", records
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def get(url):
    with urllib.request.urlopen(url) as response:
        return response.read().decode("utf-8"), response.headers


def test_only_this_machine():
    httpd = page.server("register.json", b"s" * 40)
    try:
        assert httpd.server_address[0] == "127.0.0.1"
    finally:
        httpd.server_close()


def test_a_genuine_code(served):
    url, records = served
    record = next(r for r in records if r.trainee == "t-complete")
    body, headers = get(f"{url}/?code={quote(record.code.lower())}")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    arabic, english = body.index("شهادة صحيحة: ليلى سعيد الخطيب (t-complete)"), body.index("genuine: ليلى سعيد الخطيب")
    assert arabic < english and 'class="verdict yes"' in body


def test_a_forged_code_and_what_is_typed_is_only_text(served):
    url, records = served
    forged = ("1" if records[0].code[0] != "1" else "2") + records[0].code[1:]
    body, _ = get(f"{url}/?code={quote(forged)}")
    assert f"شهادة غير صحيحة: لم تُصدر هذه الدورة قطّ الرمز {forged}." in body
    assert f"NOT genuine: {forged} was never issued" in body
    body, _ = get(f"{url}/?code={quote('<script>alert(1)</script>')}")
    assert "<script>" not in body and "&lt;script&gt;" in body and "is not a certificate code" in body
    assert "ليس هذا رمز تحقق" in body
    with pytest.raises(urllib.error.HTTPError):
        get(f"{url}/register.json")
