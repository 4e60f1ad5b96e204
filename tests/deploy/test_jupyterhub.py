"""A cohort on a real JupyterHub: one instructor, three trainees, a PostgreSQL gradebook.

``deploy/localhub.py`` (the same code as ``make hub``) creates the Unix
accounts (random names, removed afterwards), starts PostgreSQL as the
``postgres`` user on a free loopback port, and starts
``jupyterhub -f deploy/jupyterhub_config.py`` with configurable-http-proxy from
``deploy/node_modules``.  Everything then goes through the hub's REST API (an
admin service token starts servers and issues each person a token) and each
person's own single-user server, which runs as their Unix user:

* the instructor releases m00 with the course's command (``python -m grading``)
  run in their own kernel;
* each trainee lists and fetches it through nbgrader's Assignments endpoints
  (``/assignments``, as the Assignments tab does), opens a notebook session,
  runs every cell and answers through the widgets in their own kernel
  (``grading.simulate.drive``, as the demo does), saves, and submits;
* the instructor collects, autogrades and generates feedback with the cohort
  command, and releases the feedback through formgrader's API;
* each trainee fetches their feedback.

The assertions: the scores in PostgreSQL (worked out from the keys, item by
item), that no trainee can read another's work, the exchange's submissions,
the instructor's source or the gradebook, and that each trainee's feedback
reached them.  Skipped only off Linux-as-root-with-apt, never under CI=true.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODULE = "m00-orientation"
COURSE = "himaya"
#: trainee (by number) → simulated persona and the language the roster gives them
PERSONAS = {1: ("t-perfect", "ar"), 2: ("t-partial", "ar"), 3: ("t-wrong", "en")}
pytestmark = [pytest.mark.slow, pytest.mark.hub]


def load_deploy(name: str):
    """``deploy/<name>.py`` loaded afresh (deploy/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"himaya_{name}", REPO / "deploy" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _load_localhub():
    return load_deploy("localhub")


def _not_here() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the hub test runs on Linux only"
    if os.geteuid() != 0:
        return "the hub test must run as root (it creates Unix accounts and starts PostgreSQL as postgres)"
    if not shutil.which("apt-get"):
        return "the hub test needs a Debian-like machine (apt-get) for PostgreSQL's server"
    return None


@pytest.fixture(scope="module")
def localhub():
    reason = _not_here()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    localhub = _load_localhub()
    localhub.install_proxy()
    problems = localhub.missing()
    if problems:  # on Linux as root these are installable: a failure, never a skip (see .ci/run)
        pytest.fail("the hub test needs: " + "; ".join(problems), pytrace=False)
    return localhub


@pytest.fixture(scope="module")
def hub(localhub):
    tag = secrets.token_hex(3)
    trainees = {n: f"hy{tag}-t{n}" for n in PERSONAS}
    root = Path(tempfile.mkdtemp(prefix="himaya-hub-test-"))
    hub = localhub.LocalHub(root, instructor=f"hy{tag}-instr", trainees=list(trainees.values()),
                            languages={trainees[n]: lang for n, (_, lang) in PERSONAS.items()}, homes=root / "home")
    hub.started = time.monotonic()
    try:
        hub.start()
        yield hub
    except Exception:
        print(hub.log_tail(120), file=sys.stderr)
        raise
    finally:
        hub.stop()
        keep = REPO / "build" / "test-hub"  # the hub's log, for whoever looks into a failure
        keep.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(hub.log_path, keep / "jupyterhub.log")
        hub.remove()


# -- a person at their single-user server -------------------------------------------------
class Person:
    """One hub user, working through their own server with a token the hub issued to them."""

    def __init__(self, hub, name: str):
        import requests

        self.hub, self.name = hub, name
        token = hub.api("POST", f"/users/{name}/tokens", json={"note": "tests/deploy", "expires_in": 3600})
        self.token = token["token"]
        self.base = f"{hub.url}/user/{name}"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def request(self, method: str, path: str, ok=True, **kwargs):
        response = self.http.request(method, f"{self.base}{path}", timeout=120, **kwargs)
        if ok and not response.ok:
            raise AssertionError(f"{self.name}: {method} {path} → {response.status_code} {response.text[:1000]}")
        return response

    # nbgrader's Assignments tab (the assignment_list server extension)
    def assignments(self) -> list[dict]:
        answer = self.request("GET", "/assignments", params={"course_id": COURSE}).json()
        assert answer["success"], f"{self.name}: listing assignments failed: {answer['value']}"
        return answer["value"]

    def assignment_action(self, action: str, module: str = MODULE) -> dict:
        answer = self.request("POST", f"/assignments/{action}",
                              data={"course_id": COURSE, "assignment_id": module}).json()
        assert answer["success"], f"{self.name}: {action} failed: {answer.get('value')}"
        return answer

    # Jupyter Server's contents API
    def read(self, path: str) -> dict:
        return self.request("GET", f"/api/contents/{path}", params={"content": 1}).json()

    def write_notebook(self, path: str, nb: dict) -> None:
        self.request("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})

    @contextmanager
    def kernel(self, notebook_path: str):
        """A notebook session (the kernel starts in the notebook's folder, as in JupyterLab)."""
        session = self.request("POST", "/api/sessions", json={
            "path": notebook_path, "name": Path(notebook_path).name, "type": "notebook",
            "kernel": {"name": "python3"}}).json()
        kernel = Kernel(self, session["kernel"]["id"])
        try:
            yield kernel
        finally:
            kernel.close()
            self.request("DELETE", f"/api/sessions/{session['id']}", ok=False)

    def run(self, kernel: "Kernel", command: list[str]) -> str:
        """Run a shell command in ``kernel`` (as a terminal would); fail with its output if it fails."""
        out = kernel.execute(
            "import json, subprocess, sys\n"
            f"r = subprocess.run([sys.executable if c == 'python' else c for c in {command!r}],"
            " capture_output=True, text=True)\n"
            "print(json.dumps({'code': r.returncode, 'out': r.stdout[-4000:], 'err': r.stderr[-4000:]}))")
        result = json.loads(out.strip().splitlines()[-1])
        assert result["code"] == 0, f"{self.name}: {' '.join(command)} failed:\n{result['out']}\n{result['err']}"
        return result["out"]


class Kernel:
    """A kernel of a single-user server, driven over its websocket (Jupyter's messaging protocol)."""

    def __init__(self, person: Person, kernel_id: str):
        import websocket

        self.person = person
        self.session = uuid.uuid4().hex
        url = person.base.replace("http://", "ws://", 1) + f"/api/kernels/{kernel_id}/channels?session_id={self.session}"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {person.token}"], timeout=180)

    def execute(self, code: str, timeout: float = 180) -> str:
        """Run ``code``; return its stdout, or fail with the traceback."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": self.person.name, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        stdout, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.person.name}: the kernel did not finish within {timeout} s:\n{code[:500]}")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                error = "\n".join(content.get("traceback", [])) or f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        if error:
            raise AssertionError(f"{self.person.name}: the kernel raised:\n{_plain(error)}\nin:\n{code[:800]}")
        return "".join(stdout)

    def close(self) -> None:
        self.ws.close()


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# -- the course, played once ----------------------------------------------------------------
def expected_scores(persona: str, trainee: str) -> dict[str, float]:
    """grade_id → points that ``persona``'s answers deserve on the auto-graded items (see simulate.answer)."""
    import nbformat
    from grading.keys import notebook_keys

    source = REPO / "notebooks" / MODULE / f"{MODULE}.ipynb"
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nbformat.read(source, as_version=4).cells if c.metadata.get("nbgrader", {}).get("points")}
    expected = {}
    for item, key in notebook_keys(source).items():
        key = key.for_trainee(trainee)
        n = len(key.key["answer"]) if key.kind not in ("single", "numeric") else 1
        share = {
            "t-perfect": Fraction(1),
            "t-wrong": Fraction(0),
            "t-partial": {"single": Fraction(0), "multiple": Fraction(1, n), "ordering": Fraction(n - 1, n),
                          "matching": Fraction(n // 2, n), "classify": Fraction(n // 2, n),
                          "numeric": Fraction(1), "short": Fraction(1)}[key.kind],
        }[persona]
        grade_id = item.replace(".", "-", 1)
        expected[grade_id] = round(float(share * points[grade_id]), 2)
    return expected


def work_through(trainee: Person, persona: str) -> dict:
    """Fetch the module, run the notebook, answer through the widgets, save, submit."""
    from grading.keys import notebook_keys, written_items

    listed = {a["assignment_id"]: a for a in trainee.assignments() if a["course_id"] == COURSE}
    assert listed.get(MODULE, {}).get("status") == "released", f"{trainee.name} does not see {MODULE}: {listed}"
    trainee.assignment_action("fetch")
    folder = f"{COURSE}/{MODULE}"
    path = f"{folder}/{MODULE}.ipynb"
    nb = trainee.read(path)["content"]
    source = REPO / "notebooks" / MODULE / f"{MODULE}.ipynb"
    keys = {item: {"kind": k.kind, "key": k.key}
            for item, k in ((i, k.for_trainee(trainee.name)) for i, k in notebook_keys(source).items())}
    with trainee.kernel(path) as kernel:
        who = json.loads(kernel.execute(
            "import json, os\nfrom curriculum.settings import settings\n"
            "print(json.dumps({'trainee': settings.trainee, 'language': settings.language, 'cwd': os.getcwd(),"
            " 'uid': os.getuid(), 'db': 'HIMAYA_DB_URL' in os.environ}))"))
        for cell in nb["cells"]:  # Run All
            if cell["cell_type"] == "code":
                kernel.execute("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
        given = json.loads(kernel.execute(
            "import json\nfrom grading.simulate import drive\n"
            f"print(json.dumps(drive({persona!r}, {keys!r}, {written_items(source)!r})))").strip().splitlines()[-1])
    trainee.write_notebook(path, nb)  # File → Save
    answers = json.loads(trainee.read(f"{folder}/himaya-answers.json")["content"])
    trainee.assignment_action("submit")
    submitted = {a["assignment_id"]: a for a in trainee.assignments() if a["course_id"] == COURSE}
    return {"who": who, "given": given, "answers": answers, "listed_after_submit": submitted.get(MODULE)}


PROBE = r"""
import glob, json, os
def attempt(action):
    try:
        action()
        return "allowed"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "not found"
def read(path):
    with open(path, "rb") as f:
        f.read()
def gradebook():
    import psycopg2
    psycopg2.connect(host="127.0.0.1", port=PORT, dbname="himaya_gradebook", user="himaya_grader",
                     connect_timeout=10).close()
def gradebook_attempt():
    try:
        gradebook()
        return "allowed"
    except Exception as err:
        return "denied: " + type(err).__name__
print(json.dumps({
    "list the exchange's inbound": attempt(lambda: os.listdir(INBOUND)),
    "find submissions in the inbound": glob.glob(INBOUND + "/*"),
    "list the exchange's feedback": attempt(lambda: os.listdir(FEEDBACK)),
    "list another trainee's home": attempt(lambda: os.listdir(OTHER_HOME)),
    "read another trainee's answers": attempt(lambda: read(OTHER_ANSWERS)),
    "read another trainee's notebook": attempt(lambda: read(OTHER_NOTEBOOK)),
    "list the instructor's course": attempt(lambda: os.listdir(COURSE_DIR)),
    "read the instructor's source": attempt(lambda: read(SOURCE)),
    "read the collected submission": attempt(lambda: read(COLLECTED)),
    "read the graded submission": attempt(lambda: read(GRADED)),
    "read another trainee's feedback": attempt(lambda: read(OTHER_FEEDBACK)),
    "connect to the gradebook": gradebook_attempt(),
    "gradebook URL in the environment": "HIMAYA_DB_URL" in os.environ,
}))
"""


@pytest.fixture(scope="module")
def course(hub):
    """Play m00 through the hub; return what happened (the tests below look at it)."""
    try:
        return play(hub)
    except Exception:
        print(f"the hub's log:\n{hub.log_tail(150)}", file=sys.stderr)
        raise


def play(hub) -> dict:
    import requests

    timings = {"hub up": time.monotonic() - hub.started}
    t0 = time.monotonic()
    names = [hub.instructor, *hub.trainees]
    for name in names:
        hub.api("POST", f"/users/{name}/server")
    deadline = time.monotonic() + 150
    while not all(hub.api("GET", f"/users/{n}")["servers"].get("", {}).get("ready") for n in names):
        assert time.monotonic() < deadline, f"servers did not start:\n{hub.log_tail(80)}"
        time.sleep(1)
    timings["servers up"] = time.monotonic() - t0
    people = {name: Person(hub, name) for name in names}
    instructor = people[hub.instructor]
    trainees = [people[t] for t in hub.trainees]
    result = {"people": people, "timings": timings, "logins": {}}

    # logging in through the hub's form with each person's own password, and with another's
    for name in names:
        other = next(n for n in names if n != name)
        for label, password in (("own", hub.passwords[name]), ("other's", hub.passwords[other])):
            browser = requests.Session()
            browser.get(f"{hub.url}/hub/login", timeout=30)
            response = browser.post(f"{hub.url}/hub/login", allow_redirects=False, timeout=30, data={
                "username": name, "password": password, "_xsrf": browser.cookies.get("_xsrf", "")})
            result["logins"][(name, label)] = response.status_code == 302 and "login" not in \
                response.headers.get("Location", "")

    t0 = time.monotonic()
    with instructor.kernel(f"{COURSE}/instructor.ipynb") as kernel:
        instructor.run(kernel, ["python", "-m", "grading", "release", MODULE])
        result["instructor env"] = json.loads(kernel.execute(
            "import json, os\nprint(json.dumps({k: os.environ.get(k, '') for k in "
            "('HIMAYA_COURSE_DIR', 'HIMAYA_EXCHANGE', 'HIMAYA_DB_URL', 'JUPYTERHUB_USER')}))"))
        timings["release"] = time.monotonic() - t0

        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
            work = dict(zip(hub.trainees, pool.map(lambda pair: work_through(*pair),
                                                   [(t, PERSONAS[n][0]) for n, t in zip(PERSONAS, trainees)])))
        result["work"] = work
        timings["trainees work and submit"] = time.monotonic() - t0

        t0 = time.monotonic()
        instructor.run(kernel, ["python", "-m", "grading", "collect", MODULE])
        instructor.run(kernel, ["python", "-m", "grading", "autograde", MODULE])
        instructor.run(kernel, ["python", "-m", "grading", "feedback", MODULE])
        timings["collect, autograde, feedback"] = time.monotonic() - t0
    t0 = time.monotonic()
    result["formgrader assignments"] = instructor.request("GET", "/formgrader/api/assignments").json()
    result["release feedback"] = instructor.request(
        "POST", f"/formgrader/api/assignment/{MODULE}/release_feedback").json()
    for trainee in trainees:
        trainee.assignment_action("fetch_feedback")
    timings["release and fetch feedback"] = time.monotonic() - t0

    # what each trainee now holds, and what they can reach of others'
    course_dir = hub.course_dir()
    exchange = hub.exchange / COURSE
    result["feedback"], result["probes"] = {}, {}
    for i, trainee in enumerate(trainees):
        listing = trainee.read(f"{COURSE}/{MODULE}/feedback")["content"]
        pages = [trainee.read(f"{entry['path']}/{MODULE}.html")["content"] for entry in listing
                 if entry["type"] == "directory"]
        result["feedback"][trainee.name] = pages
        for page in pages:  # kept for whoever wants to look (build/ is git-ignored)
            (REPO / "build" / "test-hub").mkdir(parents=True, exist_ok=True)
            (REPO / "build" / "test-hub" / f"feedback-t{i + 1}.html").write_text(page, encoding="utf-8")
        other = trainees[(i + 1) % len(trainees)].name
        other_home = hub.homes / other
        feedback_dirs = sorted((other_home / COURSE / MODULE / "feedback").iterdir())
        values = {
            "PORT": hub.postgres.port, "INBOUND": str(exchange / "inbound"), "FEEDBACK": str(exchange / "feedback"),
            "OTHER_HOME": str(other_home), "OTHER_ANSWERS": str(other_home / COURSE / MODULE / "himaya-answers.json"),
            "OTHER_NOTEBOOK": str(other_home / COURSE / MODULE / f"{MODULE}.ipynb"),
            "OTHER_FEEDBACK": str(feedback_dirs[-1] / f"{MODULE}.html"),
            "COURSE_DIR": str(course_dir), "SOURCE": str(course_dir / "notebooks" / MODULE / f"{MODULE}.ipynb"),
            "COLLECTED": str(course_dir / "build/course/submitted" / other / MODULE / f"{MODULE}.ipynb"),
            "GRADED": str(course_dir / "build/course/autograded" / other / MODULE / f"{MODULE}.ipynb"),
        }
        assert Path(values["COLLECTED"]).exists() and Path(values["OTHER_FEEDBACK"]).exists()
        code = "".join(f"{k} = {v!r}\n" for k, v in values.items()) + PROBE
        with trainee.kernel(f"{COURSE}/probe.ipynb") as kernel:
            result["probes"][trainee.name] = json.loads(kernel.execute(code).strip().splitlines()[-1])
        result["probes"][trainee.name]["open another trainee's server"] = trainee.http.get(
            f"{hub.url}/user/{other}/api/contents", timeout=60, allow_redirects=False).status_code
        result["probes"][trainee.name]["formgrader"] = trainee.request(
            "GET", "/formgrader/api/assignments", ok=False).status_code
    timings["total"] = time.monotonic() - hub.started
    result["timings"] = timings
    report = "\n".join(f"{k}: {v:.1f} s" for k, v in timings.items())
    (REPO / "build" / "test-hub" / "timings.txt").write_text(report + "\n")
    print(report, file=sys.stderr)
    return result


def gradebook_rows(hub) -> list[tuple]:
    """(trainee, grade id, auto score, manual score, needs manual grade) from PostgreSQL, over TCP with the password."""
    import psycopg2

    with psycopg2.connect(hub.db_url.replace("+psycopg2", "", 1)) as db, db.cursor() as cur:
        cur.execute("""
            SELECT sa.student_id, c.name, g.auto_score, g.manual_score, g.needs_manual_grade
            FROM grade g
            JOIN base_cell c ON g.cell_id = c.id
            JOIN submitted_notebook sn ON g.notebook_id = sn.id
            JOIN submitted_assignment sa ON sn.assignment_id = sa.id
            JOIN assignment a ON sa.assignment_id = a.id
            WHERE a.name = %s ORDER BY sa.student_id, c.name""", (MODULE,))
        return cur.fetchall()


# -- the tests ----------------------------------------------------------------------------------
def test_each_person_logs_in_with_their_own_password_only(hub, course):
    for (name, which), ok in course["logins"].items():
        assert ok is (which == "own"), f"{name} logging in with the {which} password: {'accepted' if ok else 'refused'}"


def test_each_server_runs_as_its_trainee_in_the_course_environment(hub, course):
    import pwd

    for n, trainee in zip(PERSONAS, hub.trainees):
        who = course["work"][trainee]["who"]
        assert who["uid"] == pwd.getpwnam(trainee).pw_uid != 0
        assert who["trainee"] == trainee  # from JUPYTERHUB_USER: the id the grader checks
        assert who["language"] == PERSONAS[n][1]  # from the roster, through the spawner's environment
        assert who["cwd"] == str(hub.homes / trainee / COURSE / MODULE)
        assert who["db"] is False
    env = course["instructor env"]
    assert env["HIMAYA_DB_URL"].startswith("postgresql+psycopg2://")
    # ~/himaya, a link to the course directory the instructors' group shares (formgrader needs it under ~)
    assert Path(env["HIMAYA_COURSE_DIR"]).resolve() == hub.course_dir().resolve()
    assert env["HIMAYA_EXCHANGE"] == str(hub.exchange)


def test_answers_were_saved_through_the_widgets_and_submitted(hub, course):
    for trainee in hub.trainees:
        work = course["work"][trainee]
        assert work["answers"]["trainee"] == trainee
        assert set(work["answers"]["answers"]) >= set(work["given"]) and work["given"]
        submissions = work["listed_after_submit"]["submissions"]
        assert submissions and submissions[-1]["status"] == "submitted"


def test_scores_in_postgresql_are_what_each_trainees_answers_earn(hub, course):
    rows = gradebook_rows(hub)
    assert {r[0] for r in rows} == set(hub.trainees)
    for n, trainee in zip(PERSONAS, hub.trainees):
        persona = PERSONAS[n][0]
        mine = {name: (auto, manual, needs) for student, name, auto, manual, needs in rows if student == trainee}
        for grade_id, points in expected_scores(persona, trainee).items():
            assert mine[grade_id][0] == pytest.approx(points, abs=0.006), f"{trainee} ({persona}) {grade_id}"
        written = set(mine) - set(expected_scores(persona, trainee))
        assert written == {"m00-q8"}
        assert all(mine[g][2] for g in written), "written answers wait for the instructor in formgrader"
    # no SQLite gradebook was made beside the course: PostgreSQL is the only gradebook
    assert not list(hub.course_dir().rglob("gradebook.db"))


def test_formgrader_serves_the_instructor_from_postgresql(hub, course):
    assignments = {a["name"]: a for a in course["formgrader assignments"]}
    assert assignments[MODULE]["num_submissions"] == len(hub.trainees)
    assert course["release feedback"]["success"], course["release feedback"]


def test_no_trainee_reaches_anothers_work_the_source_or_the_gradebook(hub, course):
    for trainee, probe in course["probes"].items():
        assert probe == {
            "list the exchange's inbound": "denied",
            "find submissions in the inbound": [],
            "list the exchange's feedback": "denied",
            "list another trainee's home": "denied",
            "read another trainee's answers": "denied",
            "read another trainee's notebook": "denied",
            "list the instructor's course": "denied",
            "read the instructor's source": "denied",
            "read the collected submission": "denied",
            "read the graded submission": "denied",
            "read another trainee's feedback": "denied",
            "connect to the gradebook": "denied: OperationalError",
            "gradebook URL in the environment": False,
            "open another trainee's server": 403,
            "formgrader": 404,
        }, trainee


def test_feedback_reached_each_trainee_with_their_own_score_in_their_language(hub, course):
    rows = gradebook_rows(hub)
    for n, trainee in zip(PERSONAS, hub.trainees):
        pages = course["feedback"][trainee]
        assert len(pages) == 1, f"{trainee} has {len(pages)} feedback pages"
        label = {"ar": "الدرجة", "en": "Score"}[PERSONAS[n][1]]
        # the page's heading: "<module> (Score: x / y)", then "; written answers awaiting …: n" if any
        total = re.search(rf"<h4>{MODULE} \({label}: ([\d.]+) / ([\d.]+)", pages[0])
        assert total, f"{trainee}: no '{label}' total on the feedback page"
        earned = sum((manual if manual is not None else auto) or 0 for student, _, auto, manual, _ in rows
                     if student == trainee)
        assert float(total.group(1)) == pytest.approx(earned, abs=0.01), trainee
        assert "BEGIN HIDDEN TESTS" not in pages[0] and "KEY =" not in pages[0]
