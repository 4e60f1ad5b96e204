# JupyterHub configuration for a Himaya cohort: one hub, one Unix account per person.
#
#   jupyterhub -f deploy/jupyterhub_config.py
#
# Everything that differs between cohorts comes from the environment (see
# deploy/README.md); `make hub` and tests/deploy/test_jupyterhub.py start this
# same file through deploy/localhub.py.
#
# * Groups: ``nbgrader-himaya`` (everyone on the course) and ``formgrade-himaya``
#   (instructors), the names nbgrader's JupyterHubAuthPlugin looks for.
# * Each person's single-user server runs as their own Unix user
#   (LocalProcessSpawner), from the course's Python environment, which is
#   also their kernel; file permissions keep trainees apart.
# * nbgrader's exchange is one shared folder (HIMAYA_EXCHANGE, mode 0777 as
#   nbgrader asks); the course directory (HIMAYA_COURSE_DIR) belongs to the
#   instructors' Unix group, and only instructors' servers are given it and the
#   gradebook's URL (HIMAYA_DB_URL).
import csv
import json
import os
import pwd
import sys
from pathlib import Path
from secrets import compare_digest

from jupyterhub.auth import Authenticator
from traitlets import Dict

c = get_config()  # noqa: F821 (provided by traitlets)

HERE = Path(__file__).resolve().parent
COURSE_ID = "himaya"
STUDENTS, GRADERS = f"nbgrader-{COURSE_ID}", f"formgrade-{COURSE_ID}"


def _env(name, default=""):
    return os.environ.get(name, "").strip() or default


def _names(value):
    return [n.strip() for n in value.split(",") if n.strip()]


def _roster(path):
    """trainee_id → language from the course's roster CSV (grading/reporting/roster.py's columns)."""
    if not path:
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {row["trainee_id"].strip(): (row.get("language") or "ar").strip() or "ar"
                for row in csv.DictReader(f) if (row.get("trainee_id") or "").strip()}


INSTRUCTORS = _names(_env("HIMAYA_INSTRUCTORS"))
LANGUAGES = _roster(_env("HIMAYA_ROSTER"))
TRAINEES = sorted(set(_names(_env("HIMAYA_TRAINEES"))) | set(LANGUAGES))
EXCHANGE = _env("HIMAYA_EXCHANGE", "/srv/nbgrader/exchange")
DB_URL = _env("HIMAYA_DB_URL")  # e.g. postgresql+psycopg2://himaya_grader:…@127.0.0.1:5432/himaya_gradebook
PYTHON = _env("HIMAYA_PYTHON", sys.executable)  # the course environment's interpreter, runnable by every user
JUPYTER_CONFIG = Path(_env("HIMAYA_JUPYTER_CONFIG", str(HERE / "jupyter")))

# -- network: loopback unless told otherwise (put TLS in front for a real cohort) --
c.JupyterHub.bind_url = _env("HIMAYA_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(_env("HIMAYA_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_env('HIMAYA_PROXY_API_PORT', '8001')}"
_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"  # `npm ci --prefix deploy`
c.ConfigurableHTTPProxy.command = [_env("HIMAYA_PROXY", str(_local_proxy) if _local_proxy.exists()
                                        else "configurable-http-proxy")]
c.JupyterHub.cleanup_servers = True  # stopping the hub stops everyone's server
c.JupyterHub.cleanup_proxy = True

# -- who may log in --------------------------------------------------------------
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(TRAINEES)
c.Authenticator.admin_users = set(_names(_env("HIMAYA_ADMINS")))


class DemoPasswordAuthenticator(Authenticator):
    """One password per user, read from a root-only JSON file: for `make hub` and the tests only."""

    passwords = Dict(config=True, help="username → password")

    async def authenticate(self, handler, data):
        expected = self.passwords.get(data.get("username", ""))
        if expected and compare_digest(expected.encode(), data.get("password", "").encode()):
            return data["username"]
        return None


if _env("HIMAYA_DEMO_PASSWORDS"):
    c.JupyterHub.authenticator_class = DemoPasswordAuthenticator
    c.DemoPasswordAuthenticator.passwords = json.loads(Path(_env("HIMAYA_DEMO_PASSWORDS")).read_text())
else:
    # A real cohort: the machine's accounts (PAM), or single sign-on (see deploy/README.md).
    c.JupyterHub.authenticator_class = "pam"

# -- the course's groups and what they may do ----------------------------------
c.JupyterHub.load_groups = {
    STUDENTS: {"users": sorted(set(TRAINEES) | set(INSTRUCTORS))},
    GRADERS: {"users": sorted(INSTRUCTORS)},
}
c.JupyterHub.load_roles = [
    # instructors see who is online on the hub's admin page, without entering anyone's server
    {"name": "himaya-instructor", "groups": [GRADERS],
     "scopes": ["admin-ui", "list:users", "read:users", "read:servers"]},
]
if _env("HIMAYA_ADMIN_TOKEN"):
    # a token for scripts that run the cohort through the REST API (deploy/localhub.py, the tests)
    c.JupyterHub.services = [{"name": "himaya-admin", "api_token": _env("HIMAYA_ADMIN_TOKEN")}]
    c.JupyterHub.load_roles.append({
        "name": "himaya-admin", "services": ["himaya-admin"],
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:groups", "read:groups"],
    })
# nbgrader asks the hub which course groups its user is in, with the server's own token
c.Spawner.server_token_scopes = ["access:servers!server", "users:activity!user", "read:users:groups!user"]

# -- each person's server: their Unix account, the course's environment ----------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.ip = "127.0.0.1"  # each server listens on loopback; people reach it through the hub's proxy
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def course_dir(instructor: str) -> str:
    """The course directory as the instructor's server sees it: ``~instructor/himaya``, which is HIMAYA_COURSE_DIR
    (the folder the instructors' group shares) through a symbolic link made here if there is none.

    nbgrader's formgrader works only on a course directory under the server's root (the home folder); a
    shared folder elsewhere would leave it on an error page. Without a local account (containers), the folder
    as it is.
    """
    shared = _env("HIMAYA_COURSE_DIR")
    try:
        account = pwd.getpwnam(instructor)
    except KeyError:
        return shared
    own = os.path.join(account.pw_dir, COURSE_ID)
    if not shared or os.path.abspath(shared) == own:
        return own
    if not os.path.lexists(own):
        os.symlink(shared, own, target_is_directory=True)
        if os.geteuid() == 0:
            os.lchown(own, account.pw_uid, account.pw_gid)
    if os.path.realpath(own) != os.path.realpath(shared):
        print(f"himaya: {own} is not {shared}; {instructor}'s formgrader will not find the course", file=sys.stderr)
        return shared
    return own


if len(INSTRUCTORS) > 1 and not _env("HIMAYA_COURSE_DIR"):
    # each would otherwise grade a course of their own: one gradebook, but answers nobody else can read
    raise ValueError(f"{len(INSTRUCTORS)} instructors ({', '.join(INSTRUCTORS)}) share one course: set "
                     "HIMAYA_COURSE_DIR to a folder of the instructors' Unix group, mode 2770 (deploy/README.md, step 4)")


def pre_spawn_hook(spawner):
    """What a person's server is given: trainees the exchange, instructors also the course and gradebook."""
    name = spawner.user.name
    instructor = name in INSTRUCTORS
    role = "instructor" if instructor else "trainee"
    env = {
        "PATH": os.pathsep.join([str(Path(PYTHON).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "JUPYTER_PREFER_ENV_PATH": "1",
        # first wins: the role's settings, then the course's. A trainee's (trainee/jupyter_server_config.py): the
        # course's CSS before any cell runs, JupyterLab's interface in HIMAYA_LANG (Arabic unless the roster says en)
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(JUPYTER_CONFIG / role), str(JUPYTER_CONFIG / "common")]),
        "HIMAYA_EXCHANGE": EXCHANGE,
    }
    if name in LANGUAGES:  # the language the roster gives; the trainee can still switch
        env["HIMAYA_LANG"] = LANGUAGES[name]
    if _env("HIMAYA_PYTHONPATH"):  # the course's packages, when not installed in the environment
        env["PYTHONPATH"] = _env("HIMAYA_PYTHONPATH")
    if instructor:
        env["HIMAYA_COURSE_DIR"] = course_dir(name)
        if DB_URL:  # the gradebook's password reaches instructors' servers only
            env["HIMAYA_DB_URL"] = DB_URL
    spawner.environment = {**spawner.environment, **env}


c.Spawner.pre_spawn_hook = pre_spawn_hook
