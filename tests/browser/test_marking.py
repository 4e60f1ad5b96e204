"""The grading page (grading/marking, issue #17) in a real browser: one written item graded with the keyboard alone.

A small cohort is built with the real pipeline in ``build/test-marking``: m00
released, four trainees answer through the widgets in their own kernels
(grading/simulate.py): two in Arabic, two in English, one of whose written answer
is made of ``<script>``, ``<img onerror>``, ``javascript:`` links and Markdown
images; they submit; the instructor collects and autogrades.  Then
``python -m grading mark m00-orientation`` starts the server, as an instructor
would, once for grader "alice" and once for grader "bob" (two graders' servers on
one gradebook, as on a hub).  Two graders asking for "next ungraded" at the same
moment get different answers; bob saves his; alice grades the rest in Chromium
with keys 1–9, A (adjustment) and Enter, in the English interface and then in the
Arabic one, where she resumes where she stopped.  The gradebook then holds
exactly the scores those key presses mean, formgrader's API returns them, and
``python -m grading feedback`` shows each trainee the comment in their language.

Then two graders at once on an item of 24 synthetic answers (grading/bench/marking.py's
cohort, whose criteria are known): two browser contexts press Enter back to back
round after round, one in the random order, one with similar answers together;
no answer is handed to both, none is lost.

Screenshots: build/screenshots/marking-*.png.
"""
from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Lab

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
WORK = "build/test-marking"
SCREENSHOTS = REPO / "build" / "screenshots"
MODULE = "m00-orientation"
ITEM = "m00.q8"
GRADE_ID = "m00-q8"
#: trainee → the simulate persona whose answers they give (language, style)
TRAINEES = {"t-perfect": "ar", "t-partial": "ar", "t-english": "en", "t-wrong": "en"}
HOSTILE = "t-wrong"


def hostile_text(port: int) -> str:
    """A written answer that would run script or fetch from ``port`` if the page rendered it as HTML or Markdown."""
    return (f'<script>alert("script")</script> <img src="http://127.0.0.1:{port}/img.png" onerror="alert(\'img\')"> '
            f'[click](javascript:alert("link")) <a href="javascript:alert(\'a\')">a</a> '
            f'![pixel](http://127.0.0.1:{port}/pixel.png) <iframe src="http://127.0.0.1:{port}/frame"></iframe> '
            f'<svg onload="alert(\'svg\')"></svg> <style>body{{background:url(http://127.0.0.1:{port}/css)}}</style>')


class Tripwire:
    """A local HTTP server that records every request: the hostile answer points its images and frames here."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def tripwire():
    wire = Tripwire()
    yield wire
    wire.stop()


# -- the course, graded by the machine ---------------------------------------------------------
@pytest.fixture(scope="module")
def course(requirements, tripwire):
    from grading import simulate
    from grading.config import Layout
    from grading.course import Course
    from grading.keys import notebook_keys, written_items

    layout = Layout(work=WORK)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    course.release(MODULE)
    source = course.source / MODULE / f"{MODULE}.ipynb"
    for trainee, lang in TRAINEES.items():
        desk = layout.base / "trainees" / trainee
        folder = course.fetch(MODULE, trainee, desk)
        keys = {item: key.for_trainee(trainee) for item, key in notebook_keys(source).items()}
        work = simulate.work_through(folder, source.name, trainee, keys, written_items(source))
        assert ITEM in work.given and work.language == lang, (trainee, work)
        if trainee == HOSTILE:  # the trainee's own answers file, edited as any trainee can
            path = folder / "himaya-answers.json"
            data = json.loads(path.read_text(encoding="utf-8"))
            data["answers"][ITEM]["value"] = hostile_text(tripwire.port)
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        course.submit(MODULE, trainee, desk)
    course.collect(MODULE)
    failed = [r for r in course.autograde(MODULE, progress=False) if not r.ok]
    assert not failed, failed
    return course


def queue_for(course, grader: str):
    from grading.marking.queue import ItemQueue

    return ItemQueue(course.layout, MODULE, ITEM, grader)


def gradebook(course) -> dict[str, dict]:
    """Per trainee: the item's manual score and comment, and the submission's total, through nbgrader's Gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(course.layout.db_url) as gb:
        for trainee in TRAINEES:
            grade = gb.find_grade(GRADE_ID, MODULE, MODULE, trainee)
            comment = gb.find_comment(GRADE_ID, MODULE, MODULE, trainee)
            out[trainee] = {"manual_score": grade.manual_score, "needs_manual_grade": grade.needs_manual_grade,
                            "comment": comment.manual_comment, "total": gb.find_submission(MODULE, trainee).score}
    return out


@pytest.fixture(scope="module")
def before(course) -> dict:
    return gradebook(course)


# -- the grading page's server, as `python -m grading mark` starts it ------------------------------
class MarkServer(Lab):
    """``python -m grading --work <work> mark m00-orientation --grader <name>``, its printed address read;
    waiting for it, its log, its API (a JSON body for PUT) and stopping it are :class:`Lab`'s."""

    def __init__(self, grader: str, state: Path, work: str = WORK, extra: list[str] = ()):
        state.mkdir(parents=True, exist_ok=True)
        for name in ("config", "runtime", "user-settings", "workspaces", "data"):
            (state / name).mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HIMAYA_", "JUPYTER_"))}
        env.update(JUPYTER_CONFIG_DIR=str(state / "config"), JUPYTER_RUNTIME_DIR=str(state / "runtime"))
        self.root, self.trainee, self.grader = REPO, grader, grader
        self.log_path = state / "mark.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grading", "--work", work, "mark", MODULE, "--grader", grader,
             f"--LabApp.user_settings_dir={state / 'user-settings'}", f"--LabApp.workspaces_dir={state / 'workspaces'}",
             *extra],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.page_url = self._printed_address()
        found = re.match(r"http://127\.0\.0\.1:(\d+)/himaya/marking\?token=(\w+)#", self.page_url)
        self.port, self.token = int(found.group(1)), found.group(2)
        self._wait_until_up()

    def _printed_address(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(rf"grade {re.escape(ITEM)} \({MODULE}\) as {self.grader}: (\S+)", self.log())
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                raise RuntimeError(f"python -m grading mark exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(0.2)
        raise RuntimeError(f"python -m grading mark printed no address within {timeout} s:\n{self.log()}")

    def item(self, path: str = "", method: str = "GET", body=None):
        return self.api(f"/himaya/marking/api/items/{MODULE}/{ITEM}{path}", method, body, timeout=30)


@pytest.fixture(scope="module")
def alice(course):
    """alice's server; double marking off here (every answer is marked once): see the double-marking test below."""
    server = MarkServer("alice", course.layout.base / "mark-alice", extra=["--Marking.double_share=0"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bob(course):
    server = MarkServer("bob", course.layout.base / "mark-bob", extra=["--Marking.double_share=0"])
    yield server
    server.stop()


class Watched:
    """A browser page with listeners for what must never happen: dialogs, page errors, console errors,
    requests to anywhere but the grading server."""

    def __init__(self, browser, server: MarkServer, locale: str):
        self.context = browser.new_context(viewport={"width": 1360, "height": 900}, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs, self.errors, self.console, self.elsewhere = [], [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: None if r.url.startswith(server.url) else self.elsewhere.append(r.url))

    def close(self):
        self.context.close()


def shoot(page, name: str) -> Path:
    path = SCREENSHOTS / f"marking-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# -- what the grader presses, per trainee (the plan the gradebook must show afterwards) ----------------------
#: trainee → (criteria keys, adjustment typed after "A" with its reason, or None)
PLAN = {
    "t-perfect": ([1, 2, 3], None),
    "t-partial": ([1], None),
    "t-english": ([1, 3, 2, 2], ("-0.5", "The second part is copied from the module's text.")),  # 2 twice: off again
    HOSTILE: ([], None),
}
BOB = {"met": [2], "adjustment": 0, "reason": "", "comment": ""}


def expected_marks(trainee: str) -> dict:
    keys, adjust = PLAN[trainee]
    met = sorted(n for n in set(keys) if keys.count(n) % 2)
    return {"met": met, "adjustment": float(adjust[0]) if adjust else 0.0, "reason": adjust[1] if adjust else "",
            "comment": ""}


# -- the tests, in order ----------------------------------------------------------------------------------
def test_two_graders_never_get_the_same_answer(course, alice, bob, before):
    """Both graders ask for "next ungraded" at the same moment: two different answers, each leased to one."""
    barrier, got = threading.Barrier(2), {}

    def ask(server):
        barrier.wait()
        found = server.item("/next", "POST")
        # the answer comes with its code (the page shows it without a second request), as GET gives it
        assert found["view"] == server.item(f"/answers/{found['code']}"), found
        got[server.grader] = found["code"]

    threads = [threading.Thread(target=ask, args=(s,)) for s in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got["alice"] and got["bob"] and got["alice"] != got["bob"], got
    # alice asks again without saving: her own answer again (she resumes), not bob's
    assert alice.item("/next", "POST")["code"] == got["alice"]
    # bob saves his answer: it reaches the gradebook, and his lease is given back
    view = bob.item(f"/answers/{got['bob']}", "PUT", BOB)
    assert view["graded"] and view["score"] == 1.0
    assert (view["progress"]["graded"], view["progress"]["total"]) == (1, 4)
    queue = queue_for(course, "bob")
    assert queue.store.leases(MODULE, ITEM) == {queue.trainee(got["alice"]): "alice"}
    TestState.first = dict(got)
    TestState.bob_saved = queue.trainee(got["bob"])
    TestState.graded = [(TestState.bob_saved, "bob")]


class TestState:
    """What the tests, run in order, hand on: the answers first handed out, and who graded whom."""

    first: dict = {}
    bob_saved: str = ""  # the trainee whose answer bob saved over HTTP (BOB's choices)
    graded: list = []  # (trainee, grader)


def marks_of(trainee: str) -> dict:
    return BOB if trainee == TestState.bob_saved else expected_marks(trainee)


def grade_with_keys(page, queue, graded_before: int, count: int) -> list[tuple[str, str]]:
    """Grade ``count`` answers as they come, with the keyboard alone; returns (trainee, grader) of each, in order."""
    done = []
    for n in range(count):
        code = page.locator("body").get_attribute("data-code")
        trainee = queue.trainee(code)
        keys, adjust = PLAN[trainee]
        for key in keys:
            page.keyboard.press(str(key))
        if adjust:
            page.keyboard.press("a")
            page.keyboard.type(adjust[0])
            page.keyboard.press("Tab")
            page.keyboard.type(adjust[1])
            page.keyboard.press("Escape")
        met = sorted(k for k in set(keys) if keys.count(k) % 2)
        page.locator("body:not(.busy)").wait_for()
        assert page.evaluate("() => [...document.querySelectorAll('#criteria li.met')].map(l => +l.dataset.number)") == met
        assert page.locator("#score").inner_text() == score_shown(met, adjust, page.locator("html").get_attribute("lang"))
        page.keyboard.press("Enter")
        page.locator(f'#progress[data-graded="{graded_before + n + 1}"]').wait_for()
        page.locator("body:not(.busy)").wait_for()  # saved, and the next answer shown
        done.append((trainee, queue.grader))
    return done


def score_shown(met: list[int], adjust, lang: str) -> str:
    total = min(3.0, max(0.0, len(met) + (float(adjust[0]) if adjust else 0.0)))
    return f"{total:g} من 3" if lang == "ar" else f"{total:g} / 3"


def open_page(watched: Watched, server: MarkServer, lang: str):
    page = watched.page
    page.goto(server.page_url.replace("#", f"&lang={lang}#"))
    page.locator("body[data-ready=true]").wait_for()
    page.locator("body[data-code]").wait_for()
    return page


def test_two_graders_side_by_side_in_english_and_arabic(course, alice, bob, browser, tripwire):
    """alice (English interface) and bob (Arabic) have the page open at the same time: each is handed a different
    answer; alice saves hers with the keyboard and is handed the last one; bob saves his and is told the rest is
    open with another grader."""
    a, b = Watched(browser, alice, "en-US"), Watched(browser, bob, "ar")
    try:
        pa, pb = open_page(a, alice, "en"), open_page(b, bob, "ar")
        ca, cb = (p.locator("body").get_attribute("data-code") for p in (pa, pb))
        assert ca == TestState.first["alice"]                 # alice resumes on the answer she was handed
        assert cb not in (ca, TestState.first["bob"])          # bob: neither hers nor the one he saved
        assert pa.locator("html").get_attribute("dir") == "ltr" and pb.locator("html").get_attribute("dir") == "rtl"
        assert pa.locator("#progress").inner_text() == "graded 1 of 4"
        assert pb.locator("#progress").inner_text() == "قُيّمت 1 من 4"
        for page, code in ((pa, ca), (pb, cb)):                # blind: a pseudonym, no trainee id on the page
            assert page.locator("#pseudonym").inner_text() == code
            assert not any(t in page.locator("body").inner_text() for t in TRAINEES)
        shoot(pa, "en")
        shoot(pb, "ar")
        TestState.graded += grade_with_keys(pa, queue_for(course, "alice"), 1, 1)
        last = pa.locator("body").get_attribute("data-code")
        assert last not in (ca, cb, TestState.first["bob"])    # the one answer nobody holds
        TestState.first["alice-last"] = last
        shoot(pa, "en-after")
        TestState.graded += grade_with_keys(pb, queue_for(course, "bob"), 2, 1)
        pb.locator("#message").filter(has_text="مفتوحة لدى مقيّمين آخرين").wait_for()
        shoot(pb, "ar-others")
        for watched in (a, b):
            assert not watched.dialogs and not watched.errors and not watched.elsewhere, vars(watched)
    finally:
        a.close()
        b.close()


def test_alice_comes_back_in_arabic_and_resumes_where_she_stopped(course, alice, browser, tripwire):
    watched = Watched(browser, alice, "ar")
    try:
        page = open_page(watched, alice, "ar")
        queue = queue_for(course, "alice")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("#progress").inner_text() == "قُيّمت 3 من 4"
        assert page.locator("body").get_attribute("data-code") == TestState.first["alice-last"]
        TestState.graded += grade_with_keys(page, queue, 3, 1)
        assert sorted(t for t, _ in TestState.graded) == sorted(TRAINEES)
        page.locator("#message").filter(has_text="قُيّمت كل الإجابات").wait_for()
        # back with the arrow keys (→ is "previous" in a right-to-left page): the saved choices are shown again
        last = page.locator("body").get_attribute("data-code")
        where = queue.ordered().index(queue.trainee(last))
        page.keyboard.press("ArrowRight" if where > 0 else "ArrowLeft")
        page.locator(f'body:not([data-code="{last}"]):not(.busy)').wait_for()
        shown = queue.trainee(page.locator("body").get_attribute("data-code"))
        assert queue.ordered().index(shown) == (where - 1 if where > 0 else where + 1)
        ticked = page.evaluate("() => [...document.querySelectorAll('#criteria li.met')].map(l => +l.dataset.number)")
        assert ticked == marks_of(shown)["met"]
        shoot(page, "ar-done")
        assert not watched.dialogs and not watched.errors and not watched.elsewhere, vars(watched)
    finally:
        watched.close()


def test_the_gradebook_holds_what_the_keys_meant(course, before, alice):
    from grading.marking import criteria, scoring

    rubric = criteria.load(ITEM)
    now = gradebook(course)
    saved = queue_for(course, "alice").store.saved(MODULE, ITEM)
    for trainee, lang in TRAINEES.items():
        marks = marks_of(trainee)
        chosen = scoring.Marks(frozenset(marks["met"]), marks["adjustment"], marks["reason"], marks["comment"])
        score = scoring.score(rubric, chosen)
        assert now[trainee]["manual_score"] == score, (trainee, now[trainee], marks)
        assert now[trainee]["needs_manual_grade"] is False
        assert now[trainee]["comment"] == scoring.compose(rubric, chosen, lang)
        assert now[trainee]["total"] == pytest.approx(before[trainee]["total"] + score)
        assert saved[trainee].marks == chosen.to_json() and saved[trainee].grader == dict(TestState.graded)[trainee]
    if TestState.bob_saved != "t-english":
        assert now["t-english"]["manual_score"] == 1.5  # criteria 1 and 3, then −0.5
    # formgrader's own API, on the same server: the same totals
    submissions = {s["student"]: s for s in alice.api(f"/formgrader/api/submissions/{MODULE}")}
    for trainee in TRAINEES:
        assert submissions[trainee]["score"] == pytest.approx(now[trainee]["total"])
        assert submissions[trainee]["needs_manual_grade"] is False


def test_feedback_shows_the_comment_in_the_trainees_language(course, browser):
    from grading.marking import criteria

    rubric = criteria.load(ITEM)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIMAYA_")}
    done = subprocess.run([sys.executable, "-m", "grading", "--work", WORK, "feedback", MODULE], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        view = context.new_page()
        for trainee, lang in TRAINEES.items():
            if trainee == TestState.bob_saved:
                continue
            view.goto(course.feedback_files(MODULE, trainee)[0].as_uri())
            text = view.locator("body").inner_text()
            marks = expected_marks(trainee)
            for c in rubric.criteria:
                line = (c.met if c.number in marks["met"] else c.missed)[lang]
                assert line in text, (trainee, line)
                other = (c.met if c.number in marks["met"] else c.missed)["en" if lang == "ar" else "ar"]
                assert other not in text
            if trainee == "t-english":
                assert "Score adjusted (−0.5): The second part is copied from the module's text." in text
            if trainee in ("t-perfect", "t-english"):
                view.get_by_text(rubric.criteria[0].met[lang], exact=False).first.scroll_into_view_if_needed()
                view.screenshot(path=str(SCREENSHOTS / f"marking-feedback-{lang}.png"))
    finally:
        context.close()


def test_a_hostile_answer_runs_and_fetches_nothing(course, alice, browser, tripwire):
    queue = queue_for(course, "alice")
    code = queue.pseudonym(HOSTILE)
    watched = Watched(browser, alice, "en-US")
    try:
        page = open_page(watched, alice, "en")
        position = alice.item()["order"].index(code)
        current = alice.item()["order"].index(page.locator("body").get_attribute("data-code"))
        for _ in range(abs(position - current)):
            page.keyboard.press("ArrowRight" if position > current else "ArrowLeft")
        page.locator(f'body[data-code="{code}"]').wait_for()
        answer = page.locator("#answer")
        assert answer.inner_text() == hostile_text(tripwire.port)  # shown as text, character for character
        assert answer.evaluate("e => e.children.length") == 0     # no element made from it
        assert page.locator("#answer img, #answer script, #answer a, #answer iframe, #answer svg").count() == 0
        shoot(page, "hostile")
        assert not watched.dialogs, watched.dialogs
        assert not watched.errors, watched.errors
        assert not watched.elsewhere and not tripwire.hits, (watched.elsewhere, tripwire.hits)
    finally:
        watched.close()


# -- two graders at once, on an item of more answers ---------------------------------------------------------
CROWD_WORK = "build/test-marking-crowd"
CROWD = 24
TICKED = "() => [...document.querySelectorAll('#criteria li.met')].map(l => +l.dataset.number)"


@pytest.fixture(scope="module")
def crowd(requirements):
    """m00 released and its written item answered by 24 synthetic trainees, as autograde leaves them
    (grading/bench/marking.py's cohort, so which criteria each answer meets is known)."""
    from grading.bench import marking as bench_marking

    return bench_marking.build(REPO, CROWD_WORK, CROWD)


@pytest.fixture(scope="module")
def crowd_graders(crowd):
    """Two graders' servers on that gradebook, double marking off: every answer is marked once."""
    course, _ = crowd
    servers = {name: MarkServer(name, course.layout.base / f"mark-{name}", CROWD_WORK, ["--Marking.double_share=0"])
               for name in ("ben", "amal")}
    yield servers
    for server in servers.values():
        server.stop()


def test_two_browsers_grading_at_once_never_share_an_answer_and_lose_no_grade(crowd, crowd_graders, browser):
    """ben (English interface, random order) and amal (Arabic interface, similar answers together, switched on
    with the key S/س) grade the same item in two browser contexts at once: on every round both press the keys of
    their answer's criteria, then Enter on both pages back to back, so their saves and "next ungraded" requests
    cross on the server.  No answer is open in both, none is handed to both or lost, each grader's answers come
    in their own order, and the gradebook then holds exactly one grade per answer: what its keys meant."""
    from grading.marking import criteria, scoring
    from grading.marking.queue import ItemQueue

    course, answers = crowd
    rubric = criteria.load(ITEM)
    queues = {"ben": ItemQueue(course.layout, MODULE, ITEM, "ben"),
              "amal": ItemQueue(course.layout, MODULE, ITEM, "amal", arrangement="similar")}
    codes = {queues["ben"].pseudonym(t): t for t in answers}
    watched = {"ben": Watched(browser, crowd_graders["ben"], "en-US"), "amal": Watched(browser, crowd_graders["amal"], "ar")}
    try:
        pages = {"ben": open_page(watched["ben"], crowd_graders["ben"], "en"),
                 "amal": open_page(watched["amal"], crowd_graders["amal"], "ar")}
        ben, amal = pages["ben"], pages["amal"]
        toggle = {name: page.locator("#arrangement") for name, page in pages.items()}
        assert toggle["ben"].inner_text().strip() == "Similar answers together"
        assert toggle["amal"].inner_text().strip() == "الإجابات المتشابهة معًا"
        opened = amal.locator("body").get_attribute("data-code")
        press_on_arabic_keyboard(amal, "s")                        # the S key types س on an Arabic keyboard
        amal.locator('#arrangement[aria-pressed="true"]').wait_for()
        amal.locator("body:not(.busy)").wait_for()
        assert amal.locator("body").get_attribute("data-code") == opened   # the open answer stays open
        assert toggle["ben"].get_attribute("aria-pressed") == "false"      # random stays ben's default
        shoot(amal, "together-ar-similar")
        shoot(ben, "together-en")

        handed: dict[str, list[str]] = {"ben": [], "amal": []}
        meant: dict[str, tuple[str, list[int]]] = {}               # trainee → (grader, criteria keys pressed)
        active = dict(pages)
        while active:
            now = {name: page.locator("body").get_attribute("data-code") for name, page in active.items()}
            for name, code in list(now.items()):
                if codes[code] in handed[name]:                     # the page still shows the one saved last
                    del active[name], now[name]
            if len(now) == 2:
                assert now["ben"] != now["amal"], now              # never one answer open in both
            for name, code in now.items():
                trainee = codes[code]
                assert trainee not in meant, (name, trainee, meant.get(trainee))  # never handed out twice
                for n in answers[trainee]["met"]:
                    active[name].keyboard.press(str(n))
                active[name].locator("body:not(.busy)").wait_for()
                assert active[name].evaluate(TICKED) == answers[trainee]["met"]
            if not now:
                break
            with ben.expect_response(lambda r: r.request.method == "PUT") if "ben" in now else _nothing() as saved_b, \
                    amal.expect_response(lambda r: r.request.method == "PUT") if "amal" in now else _nothing() as saved_a:
                for name in now:                                   # Enter on both pages, back to back
                    active[name].keyboard.press("Enter")
            for name, saved in (("ben", saved_b), ("amal", saved_a)):
                if name in now:
                    assert saved.value.ok, saved.value.text()
                    active[name].locator("body:not(.busy)").wait_for()
                    trainee = codes[now[name]]
                    handed[name].append(trainee)
                    meant[trainee] = (name, answers[trainee]["met"])
        assert sorted(meant) == sorted(answers)                     # every answer graded
        assert not set(handed["ben"]) & set(handed["amal"]) and handed["ben"] and handed["amal"]
        for name in ("ben", "amal"):                                # each in their own order (amal's first answer was
            mine = queues[name].ordered()                          # handed before she switched the order)
            places = [mine.index(t) for t in handed[name][(name == "amal"):]]
            assert places == sorted(places), (name, places)
        shoot(ben, "together-en-done")
        shoot(amal, "together-ar-done")
        for w in watched.values():
            assert not w.dialogs and not w.errors and not w.elsewhere, vars(w)
    finally:
        for w in watched.values():
            w.close()

    from nbgrader.api import Gradebook

    saved = queues["ben"].store.saved(MODULE, ITEM)
    with Gradebook(course.layout.db_url) as gb:
        for trainee, (grader, met) in meant.items():
            grade = gb.find_grade(GRADE_ID, MODULE, MODULE, trainee)
            assert grade.manual_score == scoring.score(rubric, scoring.Marks(frozenset(met))), (trainee, met)
            assert grade.needs_manual_grade is False
            assert saved[trainee].grader == grader and saved[trainee].marks["met"] == met
    assert len(saved) == CROWD
    # an order the page does not know is refused, naming the ones it does; the API's similar order is amal's
    with pytest.raises(urllib.error.HTTPError) as refused:
        crowd_graders["ben"].item("?order=alphabetical")
    assert refused.value.code == 400 and "choose random or similar" in refused.value.read().decode()
    similar = crowd_graders["amal"].item("?order=similar")["order"]
    assert [codes[c] for c in similar] == queues["amal"].ordered()


def press_on_arabic_keyboard(page, key: str) -> None:
    """Press a Latin letter's key as an Arabic keyboard layout sends it (Playwright's layout is US English):
    the key event names the Arabic letter (S → س), as a grader's browser reports it."""
    arabic = {"s": "س", "a": "ش", "c": "ؤ"}[key]
    session = page.context.new_cdp_session(page)
    event = {"key": arabic, "code": f"Key{key.upper()}", "windowsVirtualKeyCode": ord(key.upper())}
    session.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": arabic, **event})
    session.send("Input.dispatchKeyEvent", {"type": "keyUp", **event})
    session.detach()


class _nothing:
    """A stand-in for Playwright's expect_response when a page has nothing left to save."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# -- double marking: a blind second grader, then a disagreement settled on the page -------------------------
DOUBLE_WORK = "build/test-marking-double"
#: trainee of the double-marked pair → (nadia's first criteria, omar's blind second criteria)
DOUBLE_KEYS = {0: ([1, 2], [1, 2]), 1: ([1], [2])}  # by the order nadia is handed them: agree, then differ


@pytest.fixture(scope="module")
def doubled(requirements):
    """Two answers, every one double-marked (``--Marking.double_share=1``), two graders' servers on them."""
    from grading.bench import marking as bench_marking

    course, answers = bench_marking.build(REPO, DOUBLE_WORK, 2)
    servers = {name: MarkServer(name, course.layout.base / f"mark-{name}", DOUBLE_WORK, ["--Marking.double_share=1"])
               for name in ("nadia", "omar")}
    yield course, answers, servers
    for server in servers.values():
        server.stop()


def press_criteria(page, keys: list[int], ticked: list[int] | None = None) -> None:
    """Press the criteria's number keys; then exactly ``ticked`` (default: those keys) are ticked."""
    for key in keys:
        page.keyboard.press(str(key))
    page.locator("body:not(.busy)").wait_for()
    assert page.evaluate(TICKED) == sorted(keys if ticked is None else ticked)


def save_with_enter(page) -> None:
    with page.expect_response(lambda r: r.request.method == "PUT") as saved:
        page.keyboard.press("Enter")
    assert saved.value.ok, saved.value.text()
    page.locator("body:not(.busy)").wait_for()


def test_double_marking_blind_then_settled_on_the_page(doubled, browser):
    """nadia (English) marks both answers first; omar (Arabic) is handed them for a blind second marking: the page
    says so and shows none of nadia's criteria nor her score; he agrees on one and differs on the other.  nadia
    presses "Next disagreement": the page shows both markings, she chooses and saves, and the settled grade (not
    the second marking) reaches the gradebook; the first and second marks stay as they were."""
    from nbgrader.api import Gradebook

    from grading.marking import criteria, scoring
    from grading.marking.queue import ItemQueue

    course, answers, servers = doubled
    rubric = criteria.load(ITEM)
    queue = ItemQueue(course.layout, MODULE, ITEM, "nadia", double_share=1.0)
    codes = {queue.pseudonym(t): t for t in answers}

    def score(met):
        return scoring.score(rubric, scoring.Marks(frozenset(met), 0.0, "", ""))

    def in_gradebook(trainee):
        with Gradebook(course.layout.db_url) as gb:
            return gb.find_grade(GRADE_ID, MODULE, MODULE, trainee).manual_score

    nadia, omar = Watched(browser, servers["nadia"], "en-US"), Watched(browser, servers["omar"], "ar")
    try:
        page = open_page(nadia, servers["nadia"], "en")
        assert page.locator("#settle").inner_text().strip() == "Next disagreement"
        order = []
        for n in range(2):
            trainee = codes[page.locator("body").get_attribute("data-code")]
            order.append(trainee)
            press_criteria(page, DOUBLE_KEYS[n][0])
            save_with_enter(page)
        assert sorted(order) == sorted(answers)
        assert page.locator("#progress").inner_text() == "graded 2 of 2 · second markings 0 of 2"
        first = {t: DOUBLE_KEYS[n][0] for n, t in enumerate(order)}
        second = {t: DOUBLE_KEYS[n][1] for n, t in enumerate(order)}

        other = open_page(omar, servers["omar"], "ar")
        assert other.locator("#settle").inner_text().strip() == "الخلاف التالي"
        for n in range(2):
            trainee = codes[other.locator("body").get_attribute("data-code")]
            other.locator("#state").filter(has_text="تصحيح ثانٍ: قيّمها بنفسك (التصحيح الأول مخفي)").wait_for()
            assert other.evaluate(TICKED) == []                        # blind: none of nadia's criteria ticked
            assert other.locator("#both").is_hidden()
            assert "nadia" not in other.locator("body").inner_text()
            if n == 0:
                shoot(other, "double-ar-blind")
            press_criteria(other, second[trainee])
            save_with_enter(other)
            assert in_gradebook(trainee) == score(first[trainee])     # a second mark never reaches the gradebook
        assert other.locator("#progress").inner_text() == "قُيّمت 2 من 2 · التصحيح الثاني 2 من 2 · 1 للحسم"

        differing = next(t for t in answers if first[t] != second[t])
        page.locator("#settle").click()
        page.locator(f'body[data-code="{queue.pseudonym(differing)}"]:not(.busy)').wait_for()
        page.locator("#state").filter(has_text="the two markings differ").wait_for()
        both = page.locator("#both li").all_inner_texts()
        assert both == [f"First marking (nadia): criteria {', '.join(map(str, first[differing]))}, "
                        f"score {score(first[differing]):g}",
                        f"Second marking (omar): criteria {', '.join(map(str, second[differing]))}, "
                        f"score {score(second[differing]):g}"], both
        assert page.evaluate(TICKED) == first[differing]              # the form starts from the first mark
        shoot(page, "double-en-settle")
        settled = sorted(set(first[differing]) | set(second[differing]))
        press_criteria(page, [k for k in settled if k not in first[differing]], settled)
        save_with_enter(page)
        page.locator("#state").filter(has_text="settled").wait_for()
        assert in_gradebook(differing) == score(settled)
        saved = queue.store.saved(MODULE, ITEM)
        assert sorted(saved[differing].marks["met"]) == first[differing]          # the first mark kept as it was
        assert sorted(queue.store.saved(MODULE, ITEM, "second")[differing].marks["met"]) == second[differing]
        page.locator("#settle").click()
        page.locator("#message").filter(has_text="No disagreement to settle in this item.").wait_for()
        shoot(page, "double-en-settled")
        for watched in (nadia, omar):
            assert not watched.dialogs and not watched.errors and not watched.elsewhere, vars(watched)
    finally:
        nadia.close()
        omar.close()
