"""A page an instructor opens to check a certificate's code: ``python -m grading verify --page``.

Served on this machine only (127.0.0.1), read-only: it answers each code
with :func:`~grading.certificates.issue.verify`, in Arabic then English. The
secret never leaves the server; a code or record is shown escaped.
"""
from __future__ import annotations

import html
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from . import signature
from .issue import CERTIFICATE_ERRORS, verify

PAGE = """<!doctype html>
<html lang="ar"><head><meta charset="utf-8"><title>التحقق من شهادة · Check a certificate</title>
<style>body{{font-family:Amiri,'Noto Naskh Arabic',serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#192030}}
form{{margin:1rem 0}}input{{font-size:1.3rem;padding:.3rem;letter-spacing:.1em}}button{{font-size:1.1rem}}
.yes{{color:#14642d}}.no{{color:#a01818}}p.verdict{{font-size:1.15rem;border-top:1px solid #967028;padding-top:.6rem}}</style>
</head><body>
<div dir="rtl" lang="ar"><h1>التحقق من شهادة إتمام</h1>
<p>اكتب رمز التحقق المطبوع أسفل الشهادة.</p></div>
<div dir="ltr" lang="en"><h1>Check a certificate of completion</h1>
<p>Type the verification code printed at the foot of the certificate.</p></div>
<form method="get" action="/" dir="ltr"><input name="code" value="{code}" size="22" autofocus
 aria-label="رمز التحقق · verification code"> <button>تحقّق · Check</button></form>
{verdict}
</body></html>"""


ARABIC = {
    "not-a-code": "ليس هذا رمز تحقق: يتكوّن الرمز من 16 حرفًا ورقمًا، على هيئة XXXX-XXXX-XXXX-XXXX.",
    "never-issued": "شهادة غير صحيحة: لم تُصدر هذه الدورة قطّ الرمز {code}.",
    "altered": "شهادة غير صحيحة: سجلّ الرمز {code} لا يطابق توقيعه: عُدِّل السجلّ، أو صُنع الرمز بسرّ دورة أخرى.",
}


def answer(text: str, register: Path, secret: bytes) -> str:
    """The verdict as a paragraph, Arabic then English."""
    try:
        verdict = verify(text, register, secret)
    except CERTIFICATE_ERRORS as err:
        return f'<p class="verdict no" dir="ltr">{html.escape(str(err))}</p>'
    if verdict.genuine:
        issued = verdict.issued
        arabic = (f"شهادة صحيحة: {html.escape(issued.name)} ({html.escape(issued.trainee)})؛ تاريخ الإتمام "
                  f"{issued.date.replace('-', '/')}؛ عدد الوحدات {len(issued.modules)}؛ {issued.hours:g} ساعة تدريبية.")
    else:
        arabic = ARABIC[verdict.reason].format(code=html.escape(signature.normalise(text) or ""))
    kind = "yes" if verdict.genuine else "no"
    return (f'<p class="verdict {kind}" dir="rtl" lang="ar">{arabic}</p>'
            f'<p class="verdict {kind}" dir="ltr" lang="en">{html.escape(verdict.message)}</p>')


def server(register: Path, secret: bytes, port: int = 0) -> ThreadingHTTPServer:
    """The page's server on 127.0.0.1 (``port`` 0: a free one); call ``serve_forever`` on it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            url = urlparse(self.path)
            if url.path != "/":
                self.send_error(404)
                return
            code = (parse_qs(url.query).get("code") or [""])[0][:64]
            body = PAGE.format(code=html.escape(code), verdict=answer(code, register, secret) if code else "")
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # codes are not logged
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)
