"""The certificates' settings, typed in one place (set them in the course root's ``nbgrader_config.py``).

    c.Certificates.issuing_unit_ar = "…"
    c.Certificates.issuing_unit_en = "…"
"""
from __future__ import annotations

import glob
from pathlib import Path

from traitlets import List, Unicode
from traitlets.config import Configurable

#: Where Debian's fonts-hosny-amiri puts Amiri (Arabic and Latin in one font; installed by .ci/run)
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))


class FontMissing(RuntimeError):
    """No font that shapes Arabic was found; the message says what to install or set."""


class Certificates(Configurable):
    """Who issues a certificate and with what font; the secret that signs its code."""

    issuing_unit_ar = Unicode("وحدة التدريب على حماية الأطفال على الإنترنت",
                              help="the unit that issues certificates, in Arabic (printed and signed)").tag(config=True)
    issuing_unit_en = Unicode("Child Online Protection Training Unit",
                              help="the unit that issues certificates, in English").tag(config=True)
    fonts = List(Unicode(), default_value=["Amiri-Regular.ttf", "Amiri-Bold.ttf"], minlen=2, maxlen=2,
                 help="regular and bold font files (paths, or names found under the system's font folders); "
                      "each must hold Arabic and Latin letters").tag(config=True)
    secret_file = Unicode("certificate-secret",
                          help="the course secret that signs codes, under the course's build folder (created "
                               "0600 on first use; $HIMAYA_CERTIFICATE_SECRET wins). Keep it: without it no "
                               "code issued can be verified").tag(config=True)

    def font_files(self) -> tuple[Path, Path]:
        """The regular and bold font files; :class:`FontMissing` when either cannot be found."""
        found = []
        for name in self.fonts:
            path = Path(name)
            if not path.is_file():
                hits = sorted(p for folder in FONT_FOLDERS for p in glob.glob(f"{folder}/**/{path.name}", recursive=True))
                path = Path(hits[0]) if hits else None
            if path is None:
                raise FontMissing(
                    f"no font file {name!r} for certificates: install Debian's fonts-hosny-amiri "
                    "(`apt-get install fonts-hosny-amiri`), or set c.Certificates.fonts to a regular and a bold "
                    ".ttf that hold Arabic and Latin letters")
            found.append(path)
        return found[0], found[1]
