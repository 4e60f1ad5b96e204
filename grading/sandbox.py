"""A grading kernel in a sandbox of its own: bubblewrap (``bwrap``), as Flatpak uses it.

A trainee's code runs in the grading kernel with the grader's Unix rights.
Wrapped by :func:`wrap`, the kernel

* sees the file system read-only, except the folder of the submission being
  graded (its working directory) and an empty ``/tmp`` and home folder;
* does not see the course's source notebooks, nbgrader's folders (the
  gradebook, every trainee's submission), the exchange, the Jupyter runtime
  folder (other kernels' connection keys) or the grader's home: each is an
  empty folder in the sandbox;
* has its own process, IPC and host-name namespaces: no grading process or
  other kernel is visible in ``/proc`` or can be signalled;
* has no Linux capabilities, even when the grader runs as root, so it cannot
  remount what is hidden; and it dies with the grader.

The network is shared: the kernel talks to the grader over local ZeroMQ
sockets.  Where bubblewrap is missing or cannot create namespaces (some
containers), :func:`available` says why; ``ExecuteAsTrainee.sandbox`` decides
whether grading then goes on without it (``auto``) or stops (``bwrap``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INSTALL = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"


@lru_cache(maxsize=None)
def available(bwrap: str = "bwrap") -> str | None:
    """None when ``bwrap`` can start a sandbox here; else why not, and what to do."""
    path = shutil.which(bwrap)
    if path is None:
        return f"bubblewrap ({bwrap}) is not installed: {INSTALL}"
    probe = [path, *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"{path} could not be run: {err}"
    if done.returncode != 0:
        return (f"{path} cannot create a sandbox on this machine ({done.stderr.strip() or done.returncode}): "
                "allow unprivileged user namespaces, or grade in one container per trainee (SECURITY.md)")
    return None


def _namespaces() -> list[str]:
    return ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--cap-drop", "ALL"]


def _existing(paths) -> list[str]:
    seen, found = set(), []
    for path in paths:
        if path and os.path.isdir(path):
            real = os.path.realpath(path)
            if real not in seen and real != "/":
                seen.add(real)
                found.append(real)
    return found


def wrap(command: list[str], cwd: str, hidden: list[str], files: list[str] = (), bwrap: str = "bwrap",
         launcher: str | None = None) -> list[str]:
    """``command`` to run in a sandbox whose only writable folder is ``cwd``; ``hidden`` folders look empty.

    ``files`` (the kernel's connection file) stay readable wherever they are.
    ``launcher`` (``grading/kernel_launcher.py``) starts bubblewrap with
    interrupts ignored: jupyter_client interrupts a kernel by signalling its
    whole process group, and bubblewrap would die of it, taking the kernel along.
    """
    cwd = os.path.realpath(cwd)
    home = os.path.expanduser("~")
    from jupyter_core.paths import jupyter_runtime_dir

    blank = _existing(["/tmp", home, jupyter_runtime_dir()])
    code = _existing([sys.prefix, sys.base_prefix, str(REPO)])  # Python and the course's packages
    args = [shutil.which(bwrap) or bwrap, *_namespaces(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for path in blank:
        args += ["--tmpfs", path]
    for path in code:
        if any(path == b or path.startswith(b + os.sep) for b in blank):
            args += ["--ro-bind", path, path]
    for path in _existing(hidden):
        args += ["--tmpfs", path]
    args += ["--bind", cwd, cwd]
    for path in files:
        if path and os.path.exists(path):
            real = os.path.realpath(path)
            args += ["--ro-bind", real, real]
    args += ["--chdir", cwd, "--", *command]
    if launcher:
        return [sys.executable, "-I", "-S", launcher, "exec-ignoring-interrupts", "--", *args]
    return args
