"""Issuing certificates for a course, and checking a code against the register they were issued with.

The register (``register.json`` beside the PDFs) records what each code was
issued for. A code is genuine only when it is in the register *and* the
course secret signs that record to the same code: a code typed wrong, made
with another course's secret, or whose record was edited (a name changed)
fails.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from ..reporting.roster import Trainee
from . import rule as rules
from . import signature
from .pdf import Content, render
from .settings import Certificates, FontMissing

REGISTER = "register.json"


class CertificateError(RuntimeError):
    """Certificates cannot be issued or checked; the message says what to fix."""


@dataclass(frozen=True)
class Issued:
    """One certificate, as the register records it."""

    code: str
    trainee: str
    name: str
    date: str
    modules: list[str]
    hours: float
    file: str


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    message: str
    issued: Issued | None = None
    reason: str = ""  # not-a-code, never-issued, altered (for the page's Arabic)


def submission_days(course, modules) -> dict[tuple[str, str], date]:
    """The day (UTC) each trainee's graded submission of each module was handed in."""
    days = {}
    with Gradebook(course.layout.db_url) as gb:
        for module in modules:
            for trainee in course.graded(module):
                try:
                    days[(module, trainee)] = gb.find_submission(module, trainee).timestamp.date()
                except (MissingEntry, AttributeError):
                    continue
    return days


def standings(course, rule: rules.CompletionRule) -> dict[str, rules.Decision]:
    """Every graded trainee's standing against ``rule`` (modules the course has not released count as not sent)."""
    present = [m for m in rule.modules if m in course.modules()]
    scores = {m: course.scores(m) for m in present}
    return rules.decide(rule, scores, submission_days(course, present))


def _filename(trainee: str) -> str:
    """A file name for the trainee's PDF; an id with other characters gets a short hash so two never collide."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", trainee).lstrip(".") or "trainee"
    return safe if safe == trainee else f"{safe}-{hashlib.sha256(trainee.encode()).hexdigest()[:8]}"


def read_register(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        return {"course": "", "certificates": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data.get("certificates"), dict)
        return data
    except (ValueError, AssertionError, AttributeError):
        raise CertificateError(f"{path}: not a certificate register (JSON with a `certificates` mapping); "
                               "restore it from a backup, or issue the certificates again into a new folder") from None


def issue(course, trainees: dict[str, Trainee], to: Path, settings: Certificates | None = None,
          rule: rules.CompletionRule | None = None) -> tuple[list[Issued], dict[str, rules.Decision], list[str]]:
    """Write a certificate for each trainee who completed the course, and the register; returns
    (certificates issued, every trainee's standing, warnings)."""
    settings = settings or Certificates(config=course.config)
    rule = rule or rules.load()
    fonts = settings.font_files()
    secret = signature.course_secret(course.layout.base / settings.secret_file)
    to = Path(to)
    decisions = standings(course, rule)
    register_path = to / REGISTER
    register = read_register(register_path)
    issued, warnings = [], []
    for trainee, decision in decisions.items():
        if not decision.completed:
            continue
        person = trainees.get(trainee)
        if person is None or not person.name:
            warnings.append(f"{trainee} completed the course but has {'no name in' if person else 'no row in'} the "
                            "roster: no certificate (add the name, then run certificates again)")
            continue
        day = (decision.date or date.today()).isoformat()
        modules = list(decision.modules)
        code = signature.code(secret, rule.course, trainee, person.name, day, modules)
        content = Content(person.name, trainee, date.fromisoformat(day), rule.title,
                          [(rule.modules[m].title, rule.modules[m].hours) for m in modules],
                          {"ar": settings.issuing_unit_ar, "en": settings.issuing_unit_en}, code)
        path = render(content, to / f"{_filename(trainee)}.pdf", fonts)
        record = Issued(code, trainee, person.name, day, modules, round(content.hours, 2), path.name)
        register["certificates"][code] = asdict(record)
        issued.append(record)
    register["course"] = rule.course
    to.mkdir(parents=True, exist_ok=True)
    partial = register_path.with_name(f".{REGISTER}.partial")
    partial.write_text(json.dumps(register, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, register_path)  # never half a register
    return issued, decisions, warnings


def verify(text: str, register_path: Path, secret: bytes) -> Verdict:
    """Whether the code ``text`` is genuine, and for whom."""
    code = signature.normalise(text)
    if code is None:
        return Verdict(False, f"{text!r} is not a certificate code: a code has 16 letters and digits, "
                              "as XXXX-XXXX-XXXX-XXXX", reason="not-a-code")
    if Path(register_path).is_dir():  # the certificates' folder given for the register
        register_path = Path(register_path) / REGISTER
    if not Path(register_path).is_file():
        raise CertificateError(f"{register_path}: no certificate register here; give the folder the certificates "
                               "were written to (--register FOLDER/register.json)")
    register = read_register(register_path)
    record = register["certificates"].get(code)
    if record is None:
        return Verdict(False, f"NOT genuine: {code} was never issued by this course", reason="never-issued")
    try:
        issued = Issued(**record)
    except TypeError:
        return Verdict(False, f"NOT genuine: the register's record of {code} is incomplete (altered)",
                       reason="altered")
    expected = signature.code(secret, register.get("course", ""), issued.trainee, issued.name, issued.date,
                              list(issued.modules))
    if not hmac.compare_digest(expected, code):
        return Verdict(False, f"NOT genuine: the register's record of {code} does not match its signature: the record "
                              "was altered, or the code was made with another course's secret", reason="altered")
    return Verdict(True, f"genuine: {issued.name} ({issued.trainee}) completed the course on {issued.date}: "
                         f"{len(issued.modules)} modules, {issued.hours:g} hours ({issued.file})", issued)


#: What the command line reports as one line naming what to fix
CERTIFICATE_ERRORS = (CertificateError, rules.RuleError, signature.SecretProblem, FontMissing)


def issue_and_check(course, trainees: dict[str, Trainee], to: Path) -> tuple[list[Issued], str]:
    """``make demo``'s step: certificates for those who qualify, then the first code checked as an instructor would."""
    records, _, _ = issue(course, trainees, to)
    if not records:
        return records, "no trainee completed the course by the syllabus's rule"
    settings = Certificates(config=course.config)
    secret = signature.course_secret(course.layout.base / settings.secret_file, create=False)
    return records, f"python -m grading verify {records[0].code} → {verify(records[0].code, to / REGISTER, secret).message}"
