"""The verification code: an HMAC-SHA256 over what a certificate says, keyed with the course secret.

Trainees never see the secret, so they cannot make a code for a changed name,
date or module list; a code is 80 bits of the signature in Crockford's base32
(no I, L, O or U; typed in any case, with or without dashes), ``XXXX-XXXX-XXXX-XXXX``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # characters: 80 bits
ENV = "HIMAYA_CERTIFICATE_SECRET"


class SecretProblem(RuntimeError):
    """The course secret cannot be used safely; the message says what to do."""


def course_secret(path: Path, create: bool = True) -> bytes:
    """``$HIMAYA_CERTIFICATE_SECRET``, else the secret file at ``path``, created (0600) on first use if ``create``."""
    if os.environ.get(ENV, "").strip():
        return os.environ[ENV].strip().encode()
    path = Path(path)
    if not create and not path.is_file():
        raise SecretProblem(f"{path}: no course secret here, so no code can be checked; restore it from your backup "
                            f"(or set ${ENV} as when the certificates were issued)")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretProblem(f"{path}: the certificate secret can be read by others; `chmod 600 {path}` "
                                "(and issue certificates again if a trainee may have read it)") from None
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise SecretProblem(f"{path}: too short to be the course's certificate secret; restore it from your "
                                "backup (a new one would make every issued code fail verification)")
        return secret
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path.read_bytes().strip()


def message(course: str, trainee: str, name: str, day: str, modules: list[str]) -> bytes:
    """What is signed: the course, the trainee's id and name, the completion date and the modules."""
    return json.dumps({"course": course, "trainee": trainee, "name": name, "date": day,
                       "modules": sorted(modules)}, ensure_ascii=False, sort_keys=True).encode()


def code(secret: bytes, course: str, trainee: str, name: str, day: str, modules: list[str]) -> str:
    digest = hmac.new(secret, message(course, trainee, name, day, modules), hashlib.sha256).digest()
    number = int.from_bytes(digest[:10], "big")
    chars = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
    return "-".join(chars[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(text: str) -> str | None:
    """A code as typed (any case, dashes or spaces, O for 0, I or L for 1) in its printed form; None if not a code."""
    chars = "".join(text.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    if len(chars) != LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return "-".join(chars[i:i + 4] for i in range(0, LENGTH, 4))
