"""The course's JupyterHub on this machine, with a PostgreSQL gradebook: ``make hub`` and tests/deploy.

It does, as root on Linux, what an administrator does once for a cohort
(deploy/README.md), then starts ``jupyterhub -f deploy/jupyterhub_config.py``:

* one Unix account per person (the instructor and the trainees), homes 0700;
* a PostgreSQL server (Debian's package, run as the ``postgres`` user) on a
  free loopback port, with a database and a role for the gradebook;
* nbgrader's exchange, a root-created folder with mode 0777;
* the course directory (``<root>/course``: the source notebooks and the
  repository's ``nbgrader_config.py``), shared by the instructors' Unix group
  (``himaya-instructors``, mode 2770), with ``~/himaya`` pointing to it in each
  instructor's home;
* a Python environment every user can run: this one if it is, else a venv
  made once from the machine's python3 with the course's dependencies (the
  course's own packages are copied beside it for the servers' PYTHONPATH;
  never the source notebooks, which hold the keys);
* the hub, its proxy (configurable-http-proxy from ``npm ci --prefix deploy``)
  and, through the hub, each person's server, all on 127.0.0.1.

``python deploy/localhub.py`` keeps its state in /srv/himaya-hub and its demo
accounts between runs; Ctrl-C stops the hub, every server and PostgreSQL.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "himaya"
ENVS = Path(os.environ.get("HIMAYA_HUB_ENVS") or "/opt/himaya")  # shared course environments, by content
INSTRUCTORS_GROUP = "himaya-instructors"  # the Unix group that shares the course directory
NEEDED_IMPORTS = "import jupyterhub.singleuser, nbgrader, ipykernel, ipywidgets, matplotlib, pandas, psycopg2"


class HubError(RuntimeError):
    """The local hub could not be set up or started."""


def log(message: str) -> None:
    print(f"[localhub] {message}", file=sys.stderr, flush=True)


def sh(*cmd, check: bool = True, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise HubError(f"`{' '.join(map(str, cmd))}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- what this machine must have ------------------------------------------------------
def postgres_bin() -> Path | None:
    """The newest PostgreSQL server's bin folder (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def missing() -> list[str]:
    """What this machine lacks to run the hub, each with how to get it."""
    problems = []
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        problems.append("run as root on Linux (the hub creates Unix accounts and runs servers as them)")
    if postgres_bin() is None:
        problems.append("PostgreSQL's server: `apt-get install postgresql`")
    if not PROXY.exists():
        problems.append("configurable-http-proxy: `npm ci --prefix deploy` (Node.js 20 or newer)")
    for module in ("jupyterhub", "psycopg2"):
        try:
            __import__(module)
        except ImportError:
            problems.append(f"the Python package {module}: `pip install -e '.[hub]'`")
    return problems


def install_proxy() -> None:
    """``npm ci --prefix deploy`` when the proxy is missing and npm is here (a project-local install)."""
    if not PROXY.exists() and shutil.which("npm"):
        log("installing configurable-http-proxy into deploy/node_modules (npm ci)")
        sh("npm", "ci", "--prefix", DEPLOY, "--no-audit", "--no-fund", timeout=600)


# -- a Python environment every user can run ------------------------------------------
def runs_for_everyone(python: str | Path, imports: str = NEEDED_IMPORTS) -> bool:
    """Whether an unprivileged user (``nobody``) can run ``python`` and import the course's dependencies."""
    result = subprocess.run(["runuser", "-u", "nobody", "--", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp",
                             str(python), "-c", imports], capture_output=True, timeout=120, cwd="/")
    return result.returncode == 0


def course_requirements() -> list[str]:
    """The course's dependencies and the hub extra (what a trainee's server and kernel need)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return sorted(project["dependencies"] + project["optional-dependencies"].get("hub", []))


def shared_python() -> Path:
    """This environment's Python if every user can run it, else a shared venv made once for these requirements."""
    if runs_for_everyone(sys.executable):
        return Path(sys.executable)
    base = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3")
                 if Path(p).exists() and runs_for_everyone(p, "import sys, venv; assert sys.version_info >= (3, 11)")),
                None)
    if base is None:
        raise HubError("no Python 3.11+ that every user can run: `apt-get install python3 python3-venv`")
    requirements = course_requirements()
    digest = hashlib.sha256(json.dumps([base, requirements]).encode()).hexdigest()[:12]
    env = ENVS / f"hub-env-{digest}"
    python = env / "bin" / "python"
    ENVS.mkdir(parents=True, exist_ok=True)
    ENVS.chmod(0o755)
    lock = open(ENVS / f".hub-env-{digest}.lock", "w")
    # Shared while this process lives: the environment is in use. Shared first, since this process may
    # already hold it for an earlier hub (flock belongs to each open file: asking for it exclusively
    # would wait on ourselves forever); exclusive only while making it.
    fcntl.flock(lock, fcntl.LOCK_SH)
    if not (env / ".himaya-complete").exists():
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be making the same environment
        if not (env / ".himaya-complete").exists():
            log(f"making the course environment every user runs: {env} (once; about a minute)")
            shutil.rmtree(env, ignore_errors=True)
            sh(base, "-m", "venv", "--without-pip", env)
            sh(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
               *requirements, timeout=1200)
            sh("chmod", "-R", "a+rX", env)
            if not runs_for_everyone(python):
                raise HubError(f"{python} was made but an unprivileged user cannot use it")
            (env / ".himaya-complete").write_text("\n".join(requirements) + "\n")
        fcntl.flock(lock, fcntl.LOCK_SH)
    _IN_USE.append(lock)
    _prune_environments(keep=env)
    return python


_IN_USE: list = []


def _prune_environments(keep: Path) -> None:
    """Remove the environments made for older requirements that no running hub or test uses."""
    for other in ENVS.glob(".hub-env-*.lock"):
        folder = ENVS / other.name[1:-len(".lock")]
        if folder == keep:
            continue
        with open(other, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # in use, or being made
            shutil.rmtree(folder, ignore_errors=True)
            other.unlink(missing_ok=True)


def stage(folder: Path) -> Path:
    """Copy what every user's server reads (the course's packages, the Jupyter settings) into ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")
    for package in ("curriculum", "grading"):
        shutil.copytree(REPO / package, folder / "packages" / package, ignore=ignore)
    shutil.copytree(DEPLOY / "jupyter", folder / "jupyter", ignore=ignore)
    sh("chmod", "-R", "a+rX,go-w", folder)
    return folder


# -- accounts ---------------------------------------------------------------------------
def home_of(user: str) -> Path:
    import pwd

    return Path(pwd.getpwnam(user).pw_dir)


def user_exists(user: str) -> bool:
    return sh("id", "-u", user, check=False).returncode == 0


def create_user(user: str, home: Path | None = None) -> None:
    """A Unix account with a private home (0700); kept if it exists."""
    if not user_exists(user):
        sh("useradd", "--create-home", *(["--home-dir", home] if home else []), "--shell", "/bin/bash",
           "--user-group", user)
    home_of(user).chmod(0o700)


def processes_of(uid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("Uid:"):
                    if int(line.split()[1]) == uid:
                        pids.append(int(status.parent.name))
                    break
    return pids


def stop_processes_of(user: str) -> None:
    """End what still runs as ``user`` (servers and kernels the hub started for this run's accounts)."""
    import pwd

    with contextlib.suppress(KeyError):
        uid = pwd.getpwnam(user).pw_uid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = processes_of(uid)
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while pids and processes_of(uid) and time.monotonic() < deadline:
                time.sleep(0.1)


def delete_user(user: str) -> None:
    if user_exists(user):
        stop_processes_of(user)
        sh("userdel", "--remove", user, check=False)


def make_group(group: str, members: list[str]) -> None:
    """A Unix group (kept if it exists) with ``members`` in it."""
    added = sh("groupadd", group, check=False)
    if added.returncode not in (0, 9):  # 9: it exists (perhaps made a moment ago by another hub)
        raise HubError(f"groupadd {group}: {added.stderr.strip()}")
    for member in members:
        sh("usermod", "--append", "--groups", group, member)


def make_course_dir(instructors: list[str], folder: Path, group: str = INSTRUCTORS_GROUP) -> Path:
    """The course directory, shared by the instructors' group: the source notebooks and nbgrader_config.py.

    Mode 2770: the instructors read and write everything in it and nobody else sees in; the setgid bit
    gives whatever they add the group (and tells the course's nbgrader configuration to keep it group-writable,
    grading/config.Layout.group_shared). The hub links ``~/himaya`` in each instructor's home to it
    (deploy/jupyterhub_config.course_dir).
    """
    make_group(group, instructors)
    if not folder.exists():
        folder.mkdir(parents=True)
        shutil.copytree(REPO / "notebooks", folder / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "himaya-answers*.json"))
        shutil.copy(REPO / "nbgrader_config.py", folder / "nbgrader_config.py")
    sh("chown", "-R", f"{instructors[0]}:{group}", folder)
    sh("chmod", "-R", "u+rwX,g+rwX,o-rwx", folder)
    sh("find", folder, "-type", "d", "-exec", "chmod", "g+s", "{}", "+")
    return folder


def make_exchange_course(exchange: Path, group: str = INSTRUCTORS_GROUP) -> Path:
    """The course's folder in nbgrader's exchange, the instructors' group's (2775): whichever instructor releases,
    collects or returns feedback first, the others can too (nbgrader leaves this to the administrator when
    several instructors share a course). Trainees read ``outbound/`` and write ``inbound/`` as before."""
    import grp

    folder = exchange / COURSE_ID
    folder.mkdir(exist_ok=True)
    os.chown(folder, 0, grp.getgrnam(group).gr_gid)
    folder.chmod(0o2775)
    return folder


# -- PostgreSQL -------------------------------------------------------------------------
class Postgres:
    """A PostgreSQL server in ``folder``, run as the ``postgres`` user, on a free loopback port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.sockets = folder / "sockets"
        self.bin = postgres_bin()
        self.port = free_port()

    def _as_postgres(self, *cmd, **kwargs):
        return sh("runuser", "-u", "postgres", "--", *cmd, cwd="/", **kwargs)

    def start(self) -> "Postgres":
        if self.bin is None:
            raise HubError("PostgreSQL's server is not installed: `apt-get install postgresql`")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(exist_ok=True)
        sh("chown", "postgres:postgres", self.folder, self.sockets)
        self.folder.chmod(0o700)
        self.sockets.chmod(0o700)  # only postgres (and root) use the socket; everyone else needs a password over TCP
        if not (self.data / "PG_VERSION").exists():
            self._as_postgres(self.bin / "initdb", "--pgdata", self.data, "--username", "postgres",
                              "--auth-local", "peer", "--auth-host", "scram-sha-256", "--encoding", "UTF8",
                              "--locale", "C")
        self._as_postgres(self.bin / "pg_ctl", "--pgdata", self.data, "--log", self.folder / "postgres.log",
                          "--wait", "--timeout", "60", "start", "--options",
                          f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                          f"-c unix_socket_directories={self.sockets}")
        return self

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._as_postgres(self.bin / "psql", "--host", self.sockets, "--port", self.port, "--dbname",
                                 database, "--no-psqlrc", "--tuples-only", "--no-align", "--set",
                                 "ON_ERROR_STOP=1", "--command", sql).stdout

    def gradebook(self, database: str = "himaya_gradebook", role: str = "himaya_grader",
                  password: str | None = None) -> str:
        """A database and its owner role for the course's gradebook; returns its SQLAlchemy URL."""
        password = password or secrets.token_urlsafe(18)
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'").strip():
            self.psql(f"CREATE ROLE {role} LOGIN")
        self.psql(f"ALTER ROLE {role} PASSWORD '{password}'")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip():
            self.psql(f"CREATE DATABASE {database} OWNER {role}")
        self.psql(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
        return f"postgresql+psycopg2://{role}:{password}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        result = sh("runuser", "-u", "postgres", "--", self.bin / "pg_ctl", "--pgdata", self.data, "--wait",
                    "--timeout", "30", "--mode", "fast", "stop", check=False, cwd="/")
        if result.returncode != 0 and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ValueError, ProcessLookupError, OSError):
                os.kill(int((self.data / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)


# -- the hub ----------------------------------------------------------------------------
@dataclass
class LocalHub:
    """A cohort on a hub on this machine: accounts, exchange, course directory, gradebook, hub."""

    root: Path
    instructor: str = "himaya-instr"
    trainees: list[str] = field(default_factory=lambda: [f"himaya-t{i}" for i in (1, 2, 3)])
    languages: dict[str, str] = field(default_factory=dict)  # trainee → ar/en, as a roster gives
    port: int | None = None
    homes: Path | None = None  # where new accounts' homes go (default /home)
    co_instructors: list[str] = field(default_factory=list)  # more instructors, sharing the course directory

    def __post_init__(self):
        self.root = Path(self.root)
        self.hub_dir = self.root / "hub"  # the hub's database, cookie secret, passwords, log: root's alone
        self.exchange = self.root / "exchange"
        self.shared = self.root / "shared"  # course packages and Jupyter settings every server reads
        self.postgres = Postgres(self.root / "postgres")
        self.admin_token = secrets.token_hex(32)
        self.process: subprocess.Popen | None = None
        self.passwords: dict[str, str] = {}
        self.db_url = ""
        self.url = ""
        self.log_path = self.hub_dir / "jupyterhub.log"

    @property
    def instructors(self) -> list[str]:
        return [self.instructor, *self.co_instructors]

    @property
    def users(self) -> list[str]:
        return [*self.instructors, *self.trainees]

    def course_dir(self) -> Path:
        return self.root / "course"

    # set up ------------------------------------------------------------------------
    def prepare(self) -> None:
        problems = missing()
        if problems:
            raise HubError("cannot start the hub here: " + "; ".join(problems))
        os.umask(0o022)
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.hub_dir.mkdir(exist_ok=True)
        self.hub_dir.chmod(0o700)
        self.exchange.mkdir(exist_ok=True)
        self.exchange.chmod(0o777)  # nbgrader's exchange: everyone writes, nbgrader sets each folder's mode
        if self.homes:
            self.homes.mkdir(parents=True, exist_ok=True)
            self.homes.chmod(0o755)
        for user in self.users:
            create_user(user, self.homes / user if self.homes else None)
        make_course_dir(self.instructors, self.course_dir())
        make_exchange_course(self.exchange)
        stage(self.shared)
        self.python = shared_python()
        self.postgres.start()
        self.db_url = self.postgres.gradebook()
        passwords = self.hub_dir / "passwords.json"
        if passwords.exists():
            self.passwords = json.loads(passwords.read_text())
        for user in self.users:
            self.passwords.setdefault(user, secrets.token_urlsafe(9))
        passwords.write_text(json.dumps(self.passwords, indent=1))
        passwords.chmod(0o600)
        roster = self.hub_dir / "roster.csv"
        with roster.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["trainee_id", "name", "ministry", "country", "language"])
            for i, trainee in enumerate(self.trainees, 1):
                writer.writerow([trainee, f"Trainee {i}", "Demo ministry", "Demo", self.languages.get(trainee, "ar")])
        self.roster = roster

    # run -----------------------------------------------------------------------------
    def start(self, timeout: float = 90) -> "LocalHub":
        self.prepare()
        port = self.port or free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
            "HIMAYA_HUB_URL": self.url, "HIMAYA_HUB_API_PORT": str(free_port()),
            "HIMAYA_PROXY_API_PORT": str(free_port()), "HIMAYA_PROXY": str(PROXY),
            "HIMAYA_INSTRUCTORS": ",".join(self.instructors), "HIMAYA_ROSTER": str(self.roster),
            "HIMAYA_COURSE_DIR": str(self.course_dir()),
            "HIMAYA_EXCHANGE": str(self.exchange), "HIMAYA_DB_URL": self.db_url,
            "HIMAYA_PYTHON": str(self.python), "HIMAYA_PYTHONPATH": str(self.shared / "packages"),
            "HIMAYA_JUPYTER_CONFIG": str(self.shared / "jupyter"),
            "HIMAYA_DEMO_PASSWORDS": str(self.hub_dir / "passwords.json"),
            "HIMAYA_ADMIN_TOKEN": self.admin_token,
        }
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
                cwd=self.hub_dir, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub exited ({self.process.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    return
            time.sleep(0.5)
        raise HubError(f"the hub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def api(self, method: str, path: str, **kwargs):
        """The hub's REST API with the admin service's token."""
        import requests

        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {self.admin_token}"}, **kwargs)
        if not response.ok:
            raise HubError(f"{method} /hub/api{path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def stop(self) -> None:
        """Stop the hub (which stops every server and its proxy), then anything left, then PostgreSQL."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        pid_file = self.hub_dir / "jupyterhub-proxy.pid"
        if pid_file.exists():  # the proxy runs in its own session; end it if the hub could not
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        for user in self.users:
            stop_processes_of(user)
        self.postgres.stop()

    def remove(self) -> None:
        """Delete this hub's accounts and folder (the tests' hubs; never the demo's)."""
        for user in self.users:
            delete_user(user)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


#: ``make hub``'s cohort: two instructors sharing the course, three trainees (one in English)
DEMO = {"co_instructors": ["himaya-instr2"], "languages": {"himaya-t3": "en"}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Start the course's JupyterHub on this machine (Ctrl-C stops it).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HIMAYA_HUB_PORT", "8000")))
    parser.add_argument("--root", default=os.environ.get("HIMAYA_HUB_ROOT", "/srv/himaya-hub"),
                        help="the hub's state: database, passwords, exchange, PostgreSQL (kept between runs)")
    parser.add_argument("--prepare", action="store_true",
                        help="only install the proxy and make the Python environment every user runs, then exit")
    parser.add_argument("--remove", action="store_true",
                        help="delete the demo accounts (and their homes) and the hub's state, then exit")
    args = parser.parse_args(argv)
    if args.remove:
        LocalHub(Path(args.root), **DEMO).remove()
        print(f"removed the demo accounts and {args.root}")
        return 0
    install_proxy()
    if args.prepare:
        try:
            print(f"the hub users' Python: {shared_python()}; the proxy: {PROXY}")
        except HubError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        return 0
    problems = missing()
    if problems:
        print("make hub needs:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    hub = LocalHub(Path(args.root), port=args.port, **DEMO)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        hub.start()
        width = max(map(len, hub.users))
        print(f"\nHimaya's hub: {hub.url}/\n", flush=True)
        print(f"  {'user':<{width}}  password      role")
        for user in hub.users:
            role = "instructor (formgrader: /user/%s/formgrader)" % user if user in hub.instructors else \
                f"trainee ({hub.languages.get(user, 'ar')})"
            print(f"  {user:<{width}}  {hub.passwords[user]:<12}  {role}")
        print(f"\nThe instructor releases a module from a terminal on the hub:\n"
              f"  python -m grading release m00-orientation\n"
              f"then trainees fetch it from Nbgrader → Assignment List.\n"
              f"Gradebook: PostgreSQL on 127.0.0.1:{hub.postgres.port}; hub log: {hub.log_path}\n"
              f"Ctrl-C stops the hub, every server and PostgreSQL.", flush=True)
        while not stopping and hub.process.poll() is None:
            time.sleep(0.5)
        if hub.process.poll() is not None:
            print(f"the hub exited:\n{hub.log_tail()}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        pass
    except HubError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        print("\nstopping the hub…", file=sys.stderr)
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
