"""Submissions collected from a folder of zip files, one per trainee (``python -m grading collect <module> --zips``).

A learning platform's download gives one ``<trainee id>.zip`` per trainee,
holding the module's folder or its files.  nbgrader's ``zip_collect``
extracts every zip of the cohort into one folder under the names its entries
give, then finds each file's trainee from that path: an entry
``x/extracted/<classmate>/…`` wrote a classmate's submission, an entry name too
long for the file system or not UTF-8, a file that is not a zip (a platform's
error page) or a notebook twice in one zip stopped the whole cohort, and a
1 MB zip expanding to 1 GiB or zips nested 40 deep were extracted in full.

:class:`ZipCollector` never writes a file under a name a zip gives:

- the trainee is the zip's own file name; the files taken are the module's
  released notebooks and the answers file, found by their name at any depth of
  the zip (or of a zip inside it) and written under the release's names into
  ``submitted/<trainee>/<module>/``; every other entry is never extracted;
- each zip is collected on its own, into a staging folder that replaces the
  trainee's submission only when the whole zip was read: a bad zip is skipped
  with a line naming it and why (returned to ``python -m grading collect``),
  the trainee's earlier submission stays, the rest of the cohort is collected;
- its limits (typed settings of :class:`ZipCollector`, e.g. ``c.ZipCollector.max_total_bytes``
  in the configuration a ``Course`` is given) are checked against the sizes the zip's directory
  declares before anything is read, and again on the bytes actually
  decompressed while streaming, in chunks (memory stays bounded whatever a
  header claims).
"""
from __future__ import annotations

import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from traitlets import Float, Int
from traitlets.config import LoggingConfigurable

from curriculum.settings import ANSWERS_FILENAME

CHUNK = 64 * 1024
MiB = 1024 * 1024
#: A trainee id as the zip's file name gives it: a single folder name (no path, no hidden or control characters).
TRAINEE_ID = re.compile(r"^(?![.\s])[^/\\\x00-\x1f\x7f]{1,128}(?<!\s)$")


class ZipProblem(ValueError):
    """Why one zip is skipped (the message names what to do)."""


def _size(n: int) -> str:
    return f"{n / (1024 ** 3):.1f} GiB" if n >= 1024 ** 3 else f"{n / MiB:.1f} MiB" if n >= MiB else f"{n} bytes"


class ZipCollector(LoggingConfigurable):
    """Collects one module's submissions from ``<trainee id>.zip`` files, each on its own, within limits."""

    max_total_bytes = Int(100 * MiB, help="Most bytes one trainee's zip may expand to, nested zips included "
                                          "(declared sizes, then bytes actually decompressed).").tag(config=True)
    max_files = Int(1000, help="Most entries one trainee's zip may hold, nested zips' entries included.").tag(config=True)
    max_depth = Int(2, help="Most levels of zips inside a trainee's zip (a zip in the zip is 1).").tag(config=True)
    max_ratio = Float(200.0, help="Largest expansion (uncompressed / compressed size) of one entry larger than "
                                  "ratio_applies_above: more is a zip bomb.").tag(config=True)
    ratio_applies_above = Int(MiB, help="Entries up to this size (bytes) may expand more than max_ratio "
                                        "(small text compresses well).").tag(config=True)

    def collect(self, folder: Path, module: str, release: Path, submitted: Path, work: Path,
                ) -> tuple[list[str], list[str]]:
        """Collect every ``*.zip`` of ``folder`` (staged under ``work``, on the file system of ``submitted``).

        Returns the trainees collected and one line per zip skipped (or entry left out), naming it and why.
        """
        wanted = sorted({p.name for p in Path(release).glob("*.ipynb")})
        if not wanted:
            raise ZipProblem(f"{release}: the release of {module} holds no notebook")
        collected, skipped = [], []
        for path in sorted(Path(folder).glob("*.zip")):
            try:
                notes = self.collect_one(path, module, set(wanted), Path(submitted), Path(work))
            except (ZipProblem, OSError) as problem:  # this zip only: the rest of the cohort is collected
                reason = problem if isinstance(problem, ZipProblem) else f"{type(problem).__name__}: {problem}"
                skipped.append(f"{path.name}: not collected: {reason}")
                self.log.warning("%s: not collected: %s", path, reason)
                continue
            collected.append(path.stem)
            skipped += [f"{path.name}: {note}" for note in notes]
        return collected, skipped

    def collect_one(self, path: Path, module: str, wanted: set[str], submitted: Path, work: Path) -> list[str]:
        """Collect one trainee's zip into ``submitted/<trainee>/<module>``; raises :class:`ZipProblem`."""
        trainee = path.stem
        if not TRAINEE_ID.match(trainee):
            raise ZipProblem(f"{trainee!r} is not a trainee id (the zip's name must be <trainee id>.zip)")
        if not zipfile.is_zipfile(path):
            raise ZipProblem("not a zip file (a download that failed, e.g. the learning platform's error page?): "
                             "download it again")
        dest = submitted / trainee / module
        work.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{module}-collecting-", dir=work))
        try:
            found: dict[str, str] = {}  # released name -> where it was in the zip
            notes: list[str] = []
            budget = _Budget(self, path.name)
            with path.open("rb") as handle:
                self._read(handle, path.name, 0, wanted, staging, found, notes, budget)
            notebooks = sorted(n for n in found if n.endswith(".ipynb"))
            if not notebooks:
                raise ZipProblem(f"holds no {' or '.join(sorted(wanted))} (the module's notebook): "
                                 "ask the trainee to hand in the module's folder")
            if ANSWERS_FILENAME not in found:
                notes.append(f"holds no {ANSWERS_FILENAME}: its widget items will score 0")
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return notes

    def _read(self, handle, where: str, depth: int, wanted: set[str], staging: Path, found: dict, notes: list,
              budget: "_Budget") -> None:
        try:
            archive = zipfile.ZipFile(handle)
        except UnicodeDecodeError:
            raise ZipProblem(f"{where}: an entry's name is marked UTF-8 but is not: ask the trainee to zip "
                             "the module folder again") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as err:
            raise ZipProblem(f"{where} is damaged ({err}): download it again") from None
        with archive:
            entries = archive.infolist()
            budget.declare(entries, where)
            for info in entries:
                name = _entry_name(info)
                if name is None or info.is_dir():
                    continue  # a name that is not UTF-8 is no file of the module's: never extracted
                base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
                is_zip = base.lower().endswith(".zip")
                if base not in wanted and base != ANSWERS_FILENAME and not is_zip:
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    notes.append(f"{where}: {name}: a symbolic link, not collected")
                    continue
                if is_zip:
                    if depth + 1 > self.max_depth:
                        raise ZipProblem(f"zips nested more than {self.max_depth} deep ({where} → {name}; "
                                         "ZipCollector.max_depth): ask the trainee for one zip of the module folder")
                    with tempfile.TemporaryFile(dir=staging) as inner:
                        budget.stream(archive, info, inner, f"{where} → {name}")
                        inner.seek(0)
                        self._read(inner, f"{where} → {name}", depth + 1, wanted, staging, found, notes, budget)
                    continue
                if base in found:
                    raise ZipProblem(f"holds {base} twice ({found[base]} and {where} → {name}): "
                                     "ask the trainee which one to grade")
                found[base] = f"{where} → {name}"
                with (staging / base).open("wb") as out:
                    budget.stream(archive, info, out, f"{where} → {name}")


class _Budget:
    """What one trainee's zip may still expand to: declared sizes first, then the bytes actually read."""

    def __init__(self, limits: ZipCollector, name: str):
        self.limits, self.name = limits, name
        self.declared = self.read = self.files = 0

    def declare(self, entries: list, where: str) -> None:
        limits = self.limits
        self.files += len(entries)
        if self.files > limits.max_files:
            raise ZipProblem(f"holds more than {limits.max_files} files ({where}: {len(entries)}; "
                             "ZipCollector.max_files): a zip bomb, or not a submission")
        self.declared += sum(info.file_size for info in entries)
        if self.declared > limits.max_total_bytes:
            raise ZipProblem(f"expands to {_size(self.declared)} ({where}), more than "
                             f"{_size(limits.max_total_bytes)} (ZipCollector.max_total_bytes): a zip bomb, "
                             "or not a submission")
        for info in entries:
            self._ratio(info.file_size, info.compress_size, f"{where} → {info.filename}")

    def _ratio(self, size: int, compressed: int, what: str) -> None:
        limits = self.limits
        if size > limits.ratio_applies_above and size > limits.max_ratio * max(compressed, 1):
            raise ZipProblem(f"{what} expands {size / max(compressed, 1):.0f} times (more than "
                             f"{limits.max_ratio:.0f}, ZipCollector.max_ratio): a zip bomb")

    def stream(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, out, what: str) -> None:
        """Copy one entry in chunks, counting what is decompressed against its declared size and the budget."""
        written = 0
        try:
            with archive.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    written += len(chunk)
                    self.read += len(chunk)
                    if written > info.file_size:
                        raise ZipProblem(f"{what} holds more than its declared {_size(info.file_size)}: "
                                         "a forged zip")
                    if self.read > self.limits.max_total_bytes:
                        raise ZipProblem(f"expands to more than {_size(self.limits.max_total_bytes)} ({what}; "
                                         "ZipCollector.max_total_bytes): a zip bomb, or not a submission")
                    self._ratio(written, info.compress_size, what)
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as err:
            raise ZipProblem(f"{what} cannot be read ({type(err).__name__}: {err}): damaged or forged; download it "
                             "again, or ask the trainee to zip the module folder again") from None


def _entry_name(info: zipfile.ZipInfo) -> str | None:
    """The entry's name as UTF-8, else its last part (an Arabic folder zipped on Windows holds the notebook); else None.

    Zip tools without the UTF-8 flag write names in the system's code page (cp1256 on an Arabic Windows).
    """
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return "?/" + raw.replace(b"\\", b"/").rsplit(b"/", 1)[-1].decode("utf-8")
        except UnicodeDecodeError:
            return None
