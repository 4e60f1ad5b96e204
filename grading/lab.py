"""``make lab``: a trainee's JupyterLab on this machine, set up as the hub sets up a trainee's server.

The hub (deploy/jupyterhub_config.py) gives each trainee's server
``JUPYTER_CONFIG_PATH`` = deploy/jupyter/trainee, deploy/jupyter/common: the
trainee's nbgrader extensions (Assignment List, Validate) without formgrader,
the course list or Create Assignment.  The lab uses those same folders, after
one of its own that says what differs on a single machine: nbgrader's exchange
is the course's (``Layout.exchange``), there is no hub to ask who is on the
course, and the trainee's id is given rather than logged in.  Every folder
JupyterLab writes (configuration, runtime, settings, workspaces, nbgrader's
cache) is under ``build/<work>/lab-state/<trainee>/``; the trainee works in
``build/<work>/lab/<trainee>/`` and fetches modules from Nbgrader › Assignment
List, as on the hub.

Releasing a module (nbgrader's generate_assignment) takes seconds, so the lab
releases only modules whose source changed since their last release: a hash of
the source folder is kept beside the release (``release/.<module>.sha256``).
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import NoReturn

import nbgrader

from .config import COURSE_ID, REPO
from .course import Course, PipelineError

#: The hub's configuration folders for a trainee, highest priority first (as its pre_spawn_hook sets them).
DEPLOY_JUPYTER = REPO / "deploy" / "jupyter"
TRAINEE_CONFIG_PATH = (DEPLOY_JUPYTER / "trainee", DEPLOY_JUPYTER / "common")
#: A trainee id is a folder name and part of nbgrader's submission names (which split on "+").
TRAINEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: What only the instructor's side may be given (the hub gives trainees none of it).
INSTRUCTOR_ONLY = ("HIMAYA_DB_URL", "HIMAYA_COURSE_DIR", "HIMAYA_ANSWERS_DIR", "HIMAYA_WORK")


# -- releasing only what changed ------------------------------------------------------
def source_hash(folder: Path, ignore: list[str] | tuple[str, ...] = ()) -> str:
    """A hash of every file under ``folder`` (names and contents), skipping what nbgrader ignores."""
    digest = hashlib.sha256(f"nbgrader {nbgrader.__version__}\n".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if any(fnmatch(part, pattern) for part in relative.parts for pattern in ignore):
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stamp_path(course: Course, module: str) -> Path:
    """Where the hash of ``module``'s source at its last release is kept: beside the release, not in it."""
    return course.layout.step("release") / f".{module}.sha256"


def _source_hash(course: Course, module: str) -> str:
    return source_hash(course.source / module, course.api.coursedir.ignore)


def is_current(course: Course, module: str) -> bool:
    """Whether ``module``'s release (in the release folder and in the exchange) comes from its source as it is now."""
    stamp = stamp_path(course, module)
    outbound = course.layout.exchange / COURSE_ID / "outbound" / module
    return (stamp.is_file() and course.release_dir(module).is_dir() and outbound.is_dir()
            and stamp.read_text().strip() == _source_hash(course, module))


def release_changed(course: Course, modules: list[str] | None = None, log=lambda line: None) -> list[str]:
    """Release each of ``modules`` (all by default) whose source changed since its last release; return those released."""
    released = []
    for module in modules or course.modules():
        if is_current(course, module):
            continue
        digest = _source_hash(course, module)  # before releasing: a change made meanwhile is released next time
        log(f"releasing {module}")
        course.release(module)
        stamp_path(course, module).write_text(digest + "\n")
        released.append(module)
    return released


# -- the trainee's JupyterLab ---------------------------------------------------------------
def default_trainee() -> str:
    """The trainee id when none is given: the login name ($USER, else the account's name)."""
    return os.environ.get("USER", "").strip() or getpass.getuser()


@dataclass(frozen=True)
class TraineeLab:
    """One trainee's JupyterLab on ``course``: where it works, what it is configured with, how it starts."""

    course: Course
    trainee: str
    lang: str | None = None  # HIMAYA_LANG (as the hub sets it from the roster), else the caller's, else Arabic

    def __post_init__(self):
        if not TRAINEE_ID.match(self.trainee or ""):
            raise PipelineError(
                f"trainee id {self.trainee!r}: use letters, digits, '.', '_' or '-' (it names a folder and "
                "nbgrader's submissions), e.g. --trainee t-alice")
        if self.lang not in (None, "ar", "en"):
            raise PipelineError(f"language {self.lang!r}: use ar or en")

    # -- where -------------------------------------------------------------------
    @property
    def workspace(self) -> Path:
        """The trainee's folder, JupyterLab's root: modules are fetched into it."""
        return self.course.layout.base / "lab" / self.trainee

    @property
    def state(self) -> Path:
        return self.course.layout.base / "lab-state" / self.trainee

    @property
    def config_dir(self) -> Path:
        """JUPYTER_CONFIG_DIR, and first on JUPYTER_CONFIG_PATH: what differs from the hub."""
        return self.state / "config"

    @property
    def settings_dir(self) -> Path:
        return self.state / "user-settings"

    @property
    def config_path(self) -> list[Path]:
        return [self.config_dir, *TRAINEE_CONFIG_PATH]

    # -- what ----------------------------------------------------------------------
    def nbgrader_config(self) -> dict:
        """What the trainee's nbgrader extensions (Assignment List, Validate) read, over deploy/jupyter/common's."""
        return {
            "CourseDirectory": {"course_id": COURSE_ID, "student_id": self.trainee},
            "Exchange": {
                "root": str(self.course.layout.exchange),
                "cache": str(self.state / "nbgrader-cache"),
                "assignment_dir": str(self.workspace),
                "path_includes_course": False,  # the workspace is already the course's
            },
            # no hub to ask which courses the trainee is on: the one course of this machine
            "Authenticator": {"plugin_class": "nbgrader.auth.NoAuthPlugin"},
        }

    def prepare(self) -> None:
        """Make the lab's folders and write its configuration (nothing outside ``lab`` and ``lab-state`` is touched)."""
        for folder in (self.workspace, self.config_dir, self.settings_dir, self.state / "runtime",
                       self.state / "workspaces", self.state / "ipython", self.state / "nbgrader-cache"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "nbgrader_config.json").write_text(json.dumps(self.nbgrader_config(), indent=2) + "\n")

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """The lab's environment: the caller's, with the hub's variables for a trainee and the lab's own folders."""
        env = {k: v for k, v in (os.environ if base is None else base).items()
               if k not in INSTRUCTOR_ONLY and not k.startswith("JUPYTERHUB_")}
        env.update(
            JUPYTER_CONFIG_PATH=os.pathsep.join(str(p) for p in self.config_path),
            JUPYTER_CONFIG_DIR=str(self.config_dir),
            JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
            JUPYTER_PREFER_ENV_PATH="1",  # the course's kernel, not a user-level "python3"
            IPYTHONDIR=str(self.state / "ipython"),
            HIMAYA_TRAINEE=self.trainee,  # the answers file names the trainee nbgrader files the submission under
            HIMAYA_EXCHANGE=str(self.course.layout.exchange),
        )
        # the interface's language (deploy/jupyter/trainee picks its settings by it) and the kernel's first language
        env["HIMAYA_LANG"] = self.lang or env.get("HIMAYA_LANG", "").strip() or "ar"
        return env

    def command(self, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
        """``jupyter lab`` rooted at the workspace, with the lab's own settings and workspaces folders."""
        args = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={self.workspace}",
                f"--LabApp.user_settings_dir={self.settings_dir}",
                f"--LabApp.workspaces_dir={self.state / 'workspaces'}", *extra]
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
            args.append("--allow-root")
        return args


def run(course: Course, trainee: str | None = None, lang: str | None = None, extra: list[str] = ()) -> NoReturn:
    """Release what changed, then become the trainee's JupyterLab until it is stopped (Ctrl-C)."""
    lab = TraineeLab(course, trainee or default_trainee(), lang)
    released = release_changed(course, log=lambda line: print(line, flush=True))
    print(f"released {', '.join(released)}" if released else "every module's release is up to date")
    lab.prepare()
    print(f"JupyterLab for trainee {lab.trainee} on {lab.workspace}\n"
          "Fetch, validate and submit modules from Nbgrader › Assignment List.", flush=True)
    # this process becomes JupyterLab: Ctrl-C or a stop signal reaches it, and it shuts its kernels down (a child
    # would be left running by a signal to this process, or killed before its kernels were)
    command = lab.command(list(extra))
    os.chdir(lab.workspace)
    os.execve(command[0], command, lab.environment())
