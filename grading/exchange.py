"""nbgrader's exchange, collected without following what trainees can plant in it.

The exchange's inbound folder is writable by trainees.  nbgrader 0.9's
``collect`` copies each submission with ``shutil.copytree``, which follows
symbolic links: a link to the instructor's source notebook or to a classmate's
answers would be copied into the submission as a file of its own, and a named
pipe would hang the copy.  :class:`SafeCollect` copies regular files and
folders only; every link or special file is skipped and named in a warning
(``Course.collect`` returns them to the instructor).

A submission's time is not taken from its ``timestamp.txt`` alone: the trainee
owns their inbound folder and can edit, empty, delete or back-date that file (and
rename the folder), and a file that is not a time stopped nbgrader's collect for
everyone.  The time is the one nbgrader's submit put in the folder's name
(``<trainee>+<module>+<time>+<random>``), unless the folder's files were changed
later than that (their change times, ``st_ctime``, which no trainee can set
back): then the latest change.  Every disagreement is a warning the instructor
sees; a folder whose name or timestamp is not a time is collected (or skipped)
with a warning, never stopping the others.

On a hub every trainee can write the inbound folder: a folder named for a
classmate, owned by someone else than that classmate (or the instructor who
collects), is refused with a warning, and the classmate's own newest submission
is collected (nbgrader only logged "cheating attempt?" and collected it).
"""
from __future__ import annotations

import datetime
import glob
import os
import shutil
import stat
from contextlib import contextmanager

try:
    import pwd
except ImportError:  # Windows: no owners to check
    pwd = None

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode, ignore_patterns, parse_utc, temp_attrs
from traitlets import Float

SKIPPED = "not collected (a symbolic link or special file in the exchange)"
NOT_COLLECTED = "not collected"
#: In every warning about a submission's time (``Course.collect`` returns those lines to the instructor).
TIMESTAMP = "submission time"
#: What ``Course.collect`` returns to the instructor: lines of nbgrader's log holding one of these.
REPORTED = (SKIPPED, NOT_COLLECTED, TIMESTAMP)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
#: In the warning about a submission handed in under a classmate's name.
IMPERSONATION = "a submission under another trainee's name"


def printable(text: str) -> str:
    """``text`` for the instructor's terminal: control characters (a name can hold escape sequences) shown escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _link_or_copy(src: str, dest: str) -> None:
    try:
        os.link(src, dest)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dest)


def _parse(text: str) -> datetime.datetime | None:
    try:
        return parse_utc(text.strip()) if text.strip() else None
    except (ValueError, OverflowError, TypeError):
        return None


def _changed(folder: str) -> datetime.datetime:
    """The latest change time (``st_ctime``: set by the kernel, never back-dated) of ``folder`` and its contents."""
    latest = os.lstat(folder).st_ctime
    for dirname, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            try:
                latest = max(latest, os.lstat(os.path.join(dirname, name)).st_ctime)
            except OSError:  # gone while collecting: the copy reports it
                pass
    return datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).replace(tzinfo=None)


class SafeCollect(ExchangeCollect):
    """``ExchangeCollect`` that never follows a symbolic link, copies no special file, and checks submission times."""

    timestamp_tolerance = Float(600.0, help="Seconds a submission's files may have changed after the time its "
                                            "folder's name gives (copying takes time); later, the change time is "
                                            "the submission time, with a warning.").tag(config=True)

    def _path_to_record(self, path):
        """nbgrader's, with a name that holds no time giving ``None`` (skipped with a warning) instead of stopping."""
        parts = os.path.basename(path).rsplit("+", 3)
        when = _parse(parts[2]) if len(parts) >= 3 else None
        if when is None:
            self.log.warning("%s: not collected: its name holds no %s (<trainee>+<module>+<time>+…); "
                             "ask the trainee to submit again", path, TIMESTAMP)
            return None
        return {"username": parts[0], "filename": os.path.basename(path), "timestamp": when}

    def init_src(self):
        """nbgrader's, skipping inbound folders whose name holds no time (nbgrader stopped the whole collect)."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = [r for r in map(self._path_to_record, glob.glob(pattern)) if r is not None and self._owned(r)]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in groupby(records, lambda item: item["username"]).values():
            ordered = self._sort_by_timestamp(group)
            before = [r for r in ordered if self.duedate is not None and r["timestamp"] <= self.duedate]
            # nbgrader's choice: the newest, or with before_duedate the newest before the due date
            self.src_records.append((before if self.before_duedate and before else ordered)[0])

    def _owned(self, record) -> bool:
        """Whether the inbound folder is the named trainee's own, or the instructor's (who collects).

        On a hub the inbound folder is writable by every trainee: a folder named for a classmate, with a
        later time, would be collected as theirs (nbgrader only logs "cheating attempt?"). It is refused,
        named in a warning, and the classmate's genuine submission is collected. Run by one user (a
        laptop, ``make demo``) every folder is the collector's own, and accepted.
        """
        if not self.check_owner or pwd is None:
            return True
        path = os.path.join(self.inbound_path, record["filename"])
        try:
            uid = os.lstat(path).st_uid
        except OSError:
            return True  # gone: nbgrader's copy will say so
        if uid == os.geteuid():
            return True
        try:
            owner = pwd.getpwuid(uid).pw_name
        except KeyError:
            owner = f"user id {uid}"
        if owner == record["username"]:
            return True
        self.log.warning("%s: %s: it is named for %s but belongs to %s (%s); %s's own submissions are collected",
                         path, NOT_COLLECTED, record["username"], owner, IMPERSONATION, record["username"])
        return False

    def copy_files(self):
        """nbgrader's, one submission at a time: one that cannot be copied is reported, the rest are collected.

        nbgrader stopped the whole collect at the first error (a submission over ``max_dir_size``, a file the
        instructor cannot read); the trainee's earlier collected submission is kept (hard links, no copy of the data).
        """
        records = list(self.src_records)
        try:
            with self._tolerant_timestamps():
                if not records:
                    return super().copy_files()  # nbgrader's "No submissions" warning
                for record in records:
                    self.src_records = [record]
                    self._copy_one(record)
        finally:
            self.src_records = records

    def _copy_one(self, record) -> None:
        src = os.path.join(self.inbound_path, record["filename"])
        dest = self.coursedir.format_path(self.coursedir.submitted_directory, record["username"],
                                          self.coursedir.assignment_id)
        kept = dest + ".before-collect"
        shutil.rmtree(kept, ignore_errors=True)
        if os.path.isdir(dest):
            shutil.copytree(dest, kept, copy_function=_link_or_copy)
        try:
            super().copy_files()
        except Exception as err:  # noqa: BLE001 - this trainee only: the others are collected
            shutil.rmtree(dest, ignore_errors=True)
            if os.path.isdir(kept):
                os.rename(kept, dest)
            self.log.warning("%s: %s (%s: %s)%s", src, NOT_COLLECTED, type(err).__name__, err,
                             "; the earlier collected submission is kept" if os.path.isdir(dest) else "")
        finally:
            shutil.rmtree(kept, ignore_errors=True)

    @contextmanager
    def _tolerant_timestamps(self):
        """An already collected ``timestamp.txt`` that is not a time counts as none (nbgrader stopped the collect)."""
        coursedir = self.coursedir
        original = coursedir.get_existing_timestamp

        def existing(dest_path):
            path = os.path.join(dest_path, "timestamp.txt")
            text = open(path, encoding="utf-8", errors="replace").read() if os.path.isfile(path) else ""
            if text.strip() and _parse(text) is None:
                self.log.warning("%s: not a %s (%r): collected again", path, TIMESTAMP, text[:40])
                return None
            return original(dest_path)

        with temp_attrs(coursedir, get_existing_timestamp=existing):
            yield

    def submission_time(self, src: str) -> tuple[datetime.datetime | None, list[str]]:
        """The submission time of inbound folder ``src`` and what disagreed (see the module's docstring)."""
        parts = os.path.basename(src).rsplit("+", 3)
        named = _parse(parts[2]) if len(parts) >= 3 else None
        stamp = os.path.join(src, "timestamp.txt")
        text = None
        if os.path.isfile(stamp) and not os.path.islink(stamp):
            with open(stamp, encoding="utf-8", errors="replace") as handle:
                text = handle.read(200)
        problems = []
        if text is None:
            problems.append("timestamp.txt is missing")
        elif not text.strip():
            problems.append("timestamp.txt is empty")
        elif _parse(text) is None:
            problems.append(f"timestamp.txt is not a time ({text.strip()[:40]!r})")
        elif named is not None and abs((_parse(text) - named).total_seconds()) > 1:
            problems.append(f"timestamp.txt says {_parse(text):%Y-%m-%d %H:%M:%S} UTC")
        changed = _changed(src)
        when = named
        if named is None or (changed - named).total_seconds() > self.timestamp_tolerance:
            problems.append(f"its files were changed at {changed:%Y-%m-%d %H:%M:%S} UTC"
                            + (f", later than the time its folder's name gives" if named else ""))
            when = changed
        return when, problems

    def do_copy(self, src, dest, log=None):
        if os.path.islink(src):
            self.log.warning("%s: %s", src, SKIPPED)
            return
        dir_size = self.get_size(src)
        if dir_size > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError(f"Directory size is too big. Size is {dir_size}, "
                               f"maximum size is {1000 * self.coursedir.max_dir_size}")
        usual = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                max_file_size=self.coursedir.max_file_size, log=self.log)

        def ignore(directory, names):
            ignored = set(usual(directory, names))
            for name in names:
                path = os.path.join(directory, name)
                mode = os.lstat(path).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    self.log.warning("%s: %s", path, SKIPPED)
                    ignored.add(name)
            return ignored

        when, problems = self.submission_time(src)
        shutil.copytree(src, dest, ignore=ignore)
        if problems:  # an honest submission keeps nbgrader's timestamp.txt as it was written
            with open(os.path.join(dest, "timestamp.txt"), "w", encoding="utf-8") as handle:
                handle.write(when.strftime(TIME_FORMAT))
            self.log.warning("%s: %s %s UTC used (%s): edited by the trainee?", src, TIMESTAMP,
                             f"{when:%Y-%m-%d %H:%M:%S}", "; ".join(problems))
        if self.coursedir.groupshared:  # as nbgrader does: group members keep access
            for dirname, _, filenames in os.walk(dest):
                try:
                    os.chmod(dirname, (os.stat(dirname).st_mode | 0o2770) & 0o2777)
                    for filename in filenames:
                        path = os.path.join(dirname, filename)
                        os.chmod(path, (os.stat(path).st_mode | 0o660) & 0o777)
                except PermissionError:
                    self.log.warning("Could not update permissions of %s to make it groupshared", dirname)
