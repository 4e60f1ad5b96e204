"""nbgrader's exchange, collected without following what trainees can plant in it.

The exchange's inbound folder is writable by trainees.  nbgrader 0.9's
``collect`` copies each submission with ``shutil.copytree``, which follows
symbolic links: a link to the instructor's source notebook or to a classmate's
answers would be copied into the submission as a file of its own, and a named
pipe would hang the copy.  :class:`SafeCollect` copies regular files and
folders only; every link or special file is skipped and named in a warning
(``Course.collect`` returns them to the instructor).
"""
from __future__ import annotations

import os
import shutil
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns

SKIPPED = "not collected (a symbolic link or special file in the exchange)"


class SafeCollect(ExchangeCollect):
    """``ExchangeCollect`` that never follows a symbolic link and copies no special file."""

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

        shutil.copytree(src, dest, ignore=ignore)
        if self.coursedir.groupshared:  # as nbgrader does: group members keep access
            for dirname, _, filenames in os.walk(dest):
                try:
                    os.chmod(dirname, (os.stat(dirname).st_mode | 0o2770) & 0o2777)
                    for filename in filenames:
                        path = os.path.join(dirname, filename)
                        os.chmod(path, (os.stat(path).st_mode | 0o660) & 0o777)
                except PermissionError:
                    self.log.warning("Could not update permissions of %s to make it groupshared", dirname)
