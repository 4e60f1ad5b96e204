"""A trainee's journey through the real hub, in Chromium, in Arabic and in English.

The hub of ``test_jupyterhub.py`` (``deploy/localhub.py``: Unix accounts,
PostgreSQL, configurable-http-proxy, ``deploy/jupyterhub_config.py``) with one
instructor and two trainees whose roster languages are Arabic and English.  The
instructor releases m00 with the course's command in their own kernel.  Each
trainee then, in Chromium, only through the interface: logs in on the hub's
login page (user name and password), lands in their JupyterLab, opens
Nbgrader › Assignment List from the menu bar (which offers nothing else: no
Formgrader, no Create Assignment), fetches the module, opens it (the prose is
in their language, Arabic right to left, before any cell runs), runs all cells,
answers three items through the widgets, presses Validate (the dialog names
the items still unanswered), saves and submits from the Assignment List.  The
instructor collects, autogrades, generates and releases feedback with the
course's commands; each trainee presses Fetch Feedback and opens the page,
which shows their score in their language.

Playwright's sync API allows one instance per thread, and on an xdist worker
that already ran tests/browser that suite's session-wide Chromium is still
open: the journey is played once in a thread of its own, and the tests below
look at what it saw.  Screenshots: ``build/screenshots/hub-<lang>-<step>.png``.
Two instructors share the course directory (the Unix group ``himaya-instructors``, mode 2770): after
autograde, both open the grading page at the same moment in two browsers, one in English and one in
Arabic, on PostgreSQL's gradebook; each is handed a different written answer and grades it with the
keyboard, and whichever did not mark the answer drawn for double marking marks it blind.  The first
instructor then opens formgrader and grades each written answer there (score and comment), which the
feedback pages then show; the second instructor generates and releases the feedback, in the folders the
first one's commands made.  Skipped only where the hub test or the browser suite would be (never under CI=true).
"""
from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from grading.keys import notebook_keys
from tests.browser.conftest import (CHROMIUM, CHROMIUM_ARGS, LANGS, SCREENSHOTS, TIMEOUT_MS, Case,
                                    Catalogue, close_menus, require_browser)
from tests.browser.test_opening import _PARAGRAPH_JS, _PROSE_JS, assert_prose_in
from tests.browser.test_instructor_journey import ITEM, grade_in_formgrader, open_in_formgrader, shoot
from tests.browser.test_trainee_journey import NOT_ANSWERED, SUCCESS, Journey, JourneyNotebook, right_answers
from tests.browser.test_trainee_session import WRITTEN, exact, give, points
from tests.deploy.test_jupyterhub import (COURSE, MODULE, Person, _load_localhub, gradebook_rows,  # noqa: F401
                                          localhub)  # a fixture

pytestmark = [pytest.mark.slow, pytest.mark.hub]

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "test-hub-journey"
#: answered through the widgets, all right, and the written answer; every other graded item is left for Validate
ANSWERED = ("m00.q1", "m00.q2", "m00.q6", "m00.q8")
WRITTEN_ITEM = "m00.q8"
#: what the instructor gives each trainee's written answer in formgrader, and says of it (in the trainee's language)
MARKS = {"ar": (2.5, "أحسنت التمييز بين البلاغات والضحايا؛ اذكر مصدرًا مستقلًا تقارن به."),
         "en": (2.0, "Good distinction between reports and victims; name an independent source to compare with.")}
SCORE = {"ar": "الدرجة", "en": "Score"}
SPAWN_MS = 180_000  # logging in starts the trainee's server (the hub allows it 120 s)


@pytest.fixture(scope="module")
def chromium_here():
    require_browser()


@pytest.fixture(scope="module")
def hub(localhub, chromium_here):
    tag = secrets.token_hex(3)
    trainees = {lang: f"hj{tag}-{lang}" for lang in LANGS}
    root = Path(tempfile.mkdtemp(prefix="himaya-hub-journey-"))
    hub = localhub.LocalHub(root, instructor=f"hj{tag}-instr", trainees=list(trainees.values()),
                            languages={t: lang for lang, t in trainees.items()}, homes=root / "home",
                            co_instructors=[f"hj{tag}-instr2"])
    hub.by_lang = trainees
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        WORK.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(hub.log_path, WORK / "jupyterhub.log")
        hub.remove()


# -- the trainee in Chromium ---------------------------------------------------------------------------
class HubJourney(Journey):
    """test_trainee_journey's Journey, on the hub: the trainee's home folder, hub-<lang>-<step>.png screenshots."""

    def __init__(self, lang: str, trainee: str, folder: Path, page, exercises: dict):
        self.lang, self.page, self.folder = lang, page, folder
        self.case = Case(MODULE, lang, trainee)
        self.notebook = JourneyNotebook(self.case, None, page, folder, exercises)

    def shot_path(self, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / f"hub-{self.lang}-{step}.png"

    def nbgrader_menu(self) -> list[str]:
        """What the menu bar's Nbgrader menu offers (then closed)."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel").filter(has_text=exact("Nbgrader")).click()
        menu = page.locator(".lm-Menu:not(.lm-mod-hidden)")
        menu.first.wait_for()
        items = [t.strip() for t in menu.locator(".lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
                 .all_inner_texts() if t.strip()]
        self.shot("menu")
        close_menus(page)  # closed before anyone clicks the menu bar again (a click on a menu still open closes it)
        return items


def hub_login(hub, page, user: str, before_submit=lambda: None) -> None:
    """The hub's login page, the user's own name and password; the hub starts their server and opens JupyterLab."""
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(hub.passwords[user])
    before_submit()
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{re.escape(user)}/lab"), timeout=SPAWN_MS)
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=TIMEOUT_MS)


def log_in(hub, browser, lang: str, seen: dict) -> HubJourney:
    """A trainee logs in; the hub starts their server."""
    trainee = hub.by_lang[lang]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar" if lang == "ar" else "en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    journey = HubJourney(lang, trainee, hub.homes / trainee / COURSE / MODULE, page, {})
    hub_login(hub, page, trainee, lambda: journey.shot("login"))
    seen["landed at"] = page.url
    seen["interface language"] = page.evaluate("document.documentElement.lang")
    journey.shot("lab")
    seen["nbgrader menu"] = journey.nbgrader_menu()
    marking = page.request.get(f"{hub.url}/user/{trainee}/himaya/marking")  # the instructors' grading page
    seen["grading page status"] = marking.status
    return journey


def work(journey: HubJourney, exercises: dict, seen: dict) -> None:
    """Fetch, open (look before running), run all, answer a few, validate, save, submit."""
    page, nb = journey.page, journey.notebook
    journey.assignment_list()
    seen["list error"] = page.locator("#released_assignments_list_error").is_visible()
    seen["offered"] = journey.button("released", "Fetch").count()
    journey.shot("assignment-list")
    journey.button("released", "Fetch").click()
    journey.button("fetched", "Submit").wait_for()
    seen["fetched"] = (journey.folder / f"{MODULE}.ipynb").is_file()
    journey.shot("fetched")

    journey.open_fetched_notebook()
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown [lang]", state="attached")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
        ".some(e => /\\| Idle$/.test(e.textContent.trim()))", timeout=TIMEOUT_MS)
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():  # more room for the notebook: fold the file browser away
        current.first.click()
    seen["prose before run"] = page.evaluate(_PROSE_JS)
    seen["paragraph before run"] = page.evaluate(_PARAGRAPH_JS, journey.lang)
    seen["outputs before run"] = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output").count()
    journey.shot("opened")

    nb.exercises = exercises
    nb.run_all()
    rtl = "true" if journey.lang == "ar" else "false"
    page.wait_for_function(  # the kernel speaks the roster's language: no click on the course panel's picker
        f"() => {{ const e = [...document.querySelectorAll('.himaya-exercise')];"
        f" return e.length && e.every(x => x.classList.contains('himaya-rtl') === {rtl}); }}", timeout=TIMEOUT_MS)
    seen["errors after run"] = page.locator(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
    ).all_inner_texts()
    seen["exercises shown"] = sorted(t.strip() for t in page.locator(".himaya-exercise .himaya-id").all_text_contents())
    seen["exercises in the notebook"] = sorted(exercises)
    journey.shot("run")

    plan = {item: answer for item, answer in right_answers(journey.case, exercises).items() if item in ANSWERED}
    for answer in plan.values():
        give(nb, answer)
    saved = nb.wait_for_answers({a.item: a.value for a in plan.values()})
    seen["answers file"] = {"trainee": saved.get("trainee"),
                            "answers": {k: v.get("value") for k, v in saved.get("answers", {}).items()},
                            "planned": {a.item: a.value for a in plan.values()}}
    nb.exercise(ANSWERED[0]).scroll_into_view_if_needed()
    journey.shot("answered")

    seen["validate"] = journey.validate()
    journey.shot("validate")
    journey.close_dialog()

    nb.save()
    journey.assignment_list()
    journey.button("fetched", "Submit").click()
    journey.row("submitted").first.wait_for()
    seen["submitted rows"] = journey.row("submitted").count()
    journey.shot("submitted")


def fetch_feedback(journey: HubJourney, seen: dict) -> None:
    """Fetch Feedback in the Assignment List, then the feedback page from the file browser."""
    page = journey.page
    journey.assignment_list()
    page.locator("#refresh_assignments_list").click()
    journey.wait_for_list()
    journey.button("submitted", "Fetch Feedback").click()
    view = journey.row("submitted").locator("a").filter(has_text=re.compile(r"view feedback"))
    view.wait_for()
    journey.shot("feedback-fetched")
    view.click()
    entry = page.locator(".jp-DirListing-item").filter(
        has=page.locator(".jp-DirListing-itemText", has_text=exact(f"{MODULE}.html")))
    entry.dblclick()
    frame = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe")
    frame.locator("body").wait_for()
    seen["feedback page"] = {"text": frame.locator("body").inner_text(),
                             "lang": frame.locator("body").get_attribute("lang"),
                             "dir": frame.locator("body").get_attribute("dir")}
    journey.shot("feedback-page")


# -- the instructor: formgrader in Chromium, the course's command line in their own kernel ---------------
def formgrade(hub, browser, seen: dict) -> None:
    """The instructor logs in, opens formgrader in a tab of its own and grades each written answer there.

    A tab of its own, as deploy/README.md says: JupyterHub's single-user servers send ``frame-ancestors
    'none'``, so JupyterLab's Nbgrader › Formgrader panel (an iframe) stays empty on a hub.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        hub_login(hub, page, hub.instructor)
        page.goto(f"{hub.url}/user/{hub.instructor}/formgrader")
        panel = page
        panel.get_by_role("link", name="Manual Grading", exact=True).wait_for()
        seen["formgrader at"] = panel.url
        for lang in LANGS:
            cell = open_in_formgrader(panel, hub.by_lang[lang], lambda: hub.log_tail(40))
            answer = cell.locator(".himaya-free-answer")
            seen[lang] = {"answer": answer.inner_text().strip(),
                          "direction": answer.evaluate("e => getComputedStyle(e).direction")}
            grade_in_formgrader(page, cell, *MARKS[lang])
            shoot(page, cell, f"hub-{lang}")  # build/screenshots/formgrader-hub-<lang>.png
            seen[lang]["graded"] = True
        # the grading page (grading/marking) on the hub, on PostgreSQL's gradebook: formgrader's grades show there
        page.goto(f"{hub.url}/user/{hub.instructor}/himaya/marking?lang=en#{MODULE}/{WRITTEN_ITEM}")
        page.locator("body[data-ready=true][data-code]").wait_for()
        seen["marking page"] = {"progress": page.locator("#progress").inner_text(),
                                "state": page.locator("#state").inner_text(),
                                "score": page.locator("#score").inner_text(),
                                "criteria ticked": page.locator("#criteria li.met").count()}
        page.keyboard.press("Enter")  # nothing chosen on the page: formgrader's grade must stay
        page.locator("#message").filter(has_text="is kept").wait_for()
        seen["marking page"]["after Enter"] = page.locator("#message").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "hub-marking.png"), full_page=True)
    except Exception:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / "hub-instructor-failed.png"))
        raise
    finally:
        context.close()


# -- two instructors on the grading page at once ------------------------------------------------------
#: instructor (first, second) → the grading page's language
TOGETHER = ("en", "ar")
BLIND = {"en": "second marking: grade it on your own", "ar": "تصحيح ثانٍ: قيّمها بنفسك"}


def press(page, key: str | None = None, click: str | None = None) -> None:
    """A key (or a click on a button) whose action ends by asking for the next answer; waits until it is shown."""
    page.bring_to_front()  # the window this instructor works in
    with page.expect_response(lambda r: "/next?" in r.url and r.request.method == "POST"):  # ?order=…
        page.keyboard.press(key) if key else page.locator(click).click()
    page.locator("body:not(.busy)").wait_for()


def mark_together(hub, browsers: list, seen: dict) -> None:
    """Both instructors open the grading page at the same moment, each in a browser of their own (two people, two
    computers): each grades the answer handed to them (criterion 1, Enter); the one handed the answer drawn for
    double marking by the other marks it blind, criterion 1 again."""
    names = hub.instructors
    pages = {}
    try:
        for name, lang, browser in zip(names, TOGETHER, browsers):
            context = browser.new_context(viewport={"width": 1360, "height": 900},
                                          locale="ar" if lang == "ar" else "en-US")
            page = pages[name] = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            hub_login(hub, page, name)
        for name, lang in zip(names, TOGETHER):  # both pages load, and ask for an answer, at once
            pages[name].goto(f"{hub.url}/user/{name}/himaya/marking?lang={lang}#{MODULE}/{WRITTEN_ITEM}",
                             wait_until="commit")
        for name in names:
            pages[name].locator("body[data-ready=true][data-code]").wait_for()
            seen[name] = {"first": pages[name].locator("#answer").inner_text().strip()}
        for name, lang in zip(names, TOGETHER):
            page = pages[name]
            page.bring_to_front()
            page.keyboard.press("1")
            press(page, "Enter")
            page.screenshot(path=str(SCREENSHOTS / f"hub-marking-together-{lang}.png"), full_page=True)
        for name, lang in zip(reversed(names), reversed(TOGETHER)):  # the second marking, blind, whoever it is for
            page = pages[name]
            press(page, click="#ungraded")
            seen[name]["blind"] = page.locator("#state").inner_text().startswith(BLIND[lang])
            if seen[name]["blind"]:
                seen[name]["blind answer"] = page.locator("#answer").inner_text().strip()
                seen[name]["criteria ticked when handed"] = page.locator("#criteria li.met").count()
                page.screenshot(path=str(SCREENSHOTS / f"hub-marking-blind-{lang}.png"), full_page=True)
                page.bring_to_front()
                page.keyboard.press("1")
                press(page, "Enter")
            seen[name]["progress"] = page.locator("#progress").inner_text()
    except Exception:
        for name, page in pages.items():
            with contextlib.suppress(Exception):
                seen.setdefault(name, {})["when it stopped"] = page.evaluate(
                    "() => ({focus: document.activeElement && document.activeElement.outerHTML.slice(0, 160), "
                    "body: document.body.className, message: document.getElementById('message').textContent})")
            with contextlib.suppress(Exception):
                page.screenshot(path=str(SCREENSHOTS / f"hub-marking-failed-{name}.png"), full_page=True)
        raise
    finally:
        for page in pages.values():
            page.context.close()
    seen["marks"] = marking_rows(hub)


def marking_rows(hub) -> dict[str, list[tuple]]:
    """The grading page's own tables on PostgreSQL: (trainee, grader, score) of first and of second markings."""
    import psycopg2

    with psycopg2.connect(hub.db_url.replace("+psycopg2", "", 1)) as db, db.cursor() as cur:
        rows = {}
        for kind, table in (("first", "himaya_marks"), ("second", "himaya_double_marks")):
            cur.execute(f"SELECT trainee, grader, score FROM {table} WHERE module = %s AND item = %s"
                        f"{' AND role = %s' if kind == 'second' else ''} ORDER BY trainee",
                        (MODULE, WRITTEN_ITEM, *(("second",) if kind == "second" else ())))
            rows[kind] = cur.fetchall()
        return rows


def shared_files(hub) -> dict[str, dict]:
    """Owner, group and mode of what each instructor's commands wrote in the shared course directory."""
    import grp
    import pwd

    found = {}
    course = hub.course_dir() / "build" / "course"
    for step in ("autograded", "feedback"):
        for path in sorted((course / step).rglob("*")):
            info = path.stat()
            found[str(path.relative_to(course))] = {
                "owner": pwd.getpwuid(info.st_uid).pw_name, "group": grp.getgrgid(info.st_gid).gr_name,
                "mode": info.st_mode & 0o7777, "dir": path.is_dir()}
    return found


def start_servers(hub, names: list[str]) -> None:
    for name in names:
        hub.api("POST", f"/users/{name}/server")
    deadline = time.monotonic() + 150
    while not all(hub.api("GET", f"/users/{n}")["servers"].get("", {}).get("ready") for n in names):
        assert time.monotonic() < deadline, f"servers did not start:\n{hub.log_tail(80)}"
        time.sleep(1)


def course_command(instructor: Person, *commands: list[str]) -> list[str]:
    with instructor.kernel(f"{COURSE}/instructor.ipynb") as kernel:
        return [instructor.run(kernel, ["python", "-m", "grading", *command]) for command in commands]


# -- the whole journey, once --------------------------------------------------------------------------
def play(hub) -> dict:
    from playwright.sync_api import sync_playwright

    seen: dict = {lang: {} for lang in LANGS}
    timings = seen["timings"] = {}
    t0 = time.monotonic()
    catalogue = Catalogue(WORK, [MODULE], lambda lang: hub.by_lang[lang])
    for lang in LANGS:
        catalogue.start(lang)
    start_servers(hub, hub.instructors)
    instructor = Person(hub, hub.instructor)
    course_command(instructor, ["release", MODULE])
    timings["instructor's server up, m00 released"] = time.monotonic() - t0

    journeys: dict[str, HubJourney] = {}
    lang = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for lang in LANGS:
                t0 = time.monotonic()
                journeys[lang] = log_in(hub, browser, lang, seen[lang])
                exercises = catalogue(Case(MODULE, lang, hub.by_lang[lang]))
                work(journeys[lang], exercises, seen[lang])
                timings[f"{lang}: log in … submit"] = time.monotonic() - t0
            lang = None
            t0 = time.monotonic()
            seen["instructor"] = course_command(instructor, ["collect", MODULE], ["autograde", MODULE])
            timings["collect, autograde"] = time.monotonic() - t0
            t0 = time.monotonic()
            other = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                mark_together(hub, [browser, other], seen.setdefault("together", {}))
            finally:
                other.close()
            timings["grading page: two instructors at once"] = time.monotonic() - t0
            t0 = time.monotonic()
            formgrade(hub, browser, seen.setdefault("formgrader", {}))
            timings["formgrader: log in, grade two written answers"] = time.monotonic() - t0
            t0 = time.monotonic()
            second = Person(hub, hub.co_instructors[0])  # in the folders the first instructor's commands made
            seen["second instructor"] = course_command(second, ["feedback", MODULE], ["release-feedback", MODULE])
            seen["shared files"] = shared_files(hub)
            seen["gradebook"] = gradebook_rows(hub)
            timings["feedback, release-feedback"] = time.monotonic() - t0
            for lang in LANGS:
                t0 = time.monotonic()
                fetch_feedback(journeys[lang], seen[lang])
                timings[f"{lang}: fetch feedback, open the page"] = time.monotonic() - t0
        except Exception:
            seen["error"] = (f"{'the ' + lang + ' trainee' if lang else 'the instructor'}: {traceback.format_exc()}"
                             f"\nthe grading page, two instructors: {seen.get('together')}"
                             f"\nthe hub's log:\n{hub.log_tail(60)}")
            for n, open_page in enumerate(p for context in browser.contexts for p in context.pages):
                with contextlib.suppress(Exception):  # every page open when it stopped: hub-failed-<n>.png
                    open_page.screenshot(path=str(SCREENSHOTS / f"hub-failed-{n}.png"))
        finally:
            browser.close()
    report = "\n".join(f"{k}: {v:.1f} s" for k, v in timings.items())
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "timings.txt").write_text(report + "\n")
    print(report, file=sys.stderr)
    return seen


@pytest.fixture(scope="module")
def journey(hub) -> dict:
    """What each trainee saw (the journey runs in a thread of its own: see the module's docstring)."""
    for old in SCREENSHOTS.glob("hub-*.png"):
        old.unlink()
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(play, hub).result()


def seen(journey: dict, lang: str, what: str):
    """What ``lang``'s trainee saw at ``what``; a failure naming where the journey stopped if it never got there."""
    if what not in journey[lang]:
        pytest.fail(f"the journey stopped before '{what}':\n{journey.get('error', '?')}", pytrace=False)
    return journey[lang][what]


BY_LANG = pytest.mark.parametrize("lang", LANGS, ids=["arabic", "english"])


# -- the tests ----------------------------------------------------------------------------------------
@BY_LANG
def test_the_trainee_logs_in_on_the_hubs_page_and_lands_in_their_jupyterlab(hub, journey, lang):
    landed = seen(journey, lang, "landed at")
    assert landed.startswith(f"{hub.url}/user/{hub.by_lang[lang]}/lab"), landed
    assert seen(journey, lang, "interface language").split("-")[0] == lang, "JupyterLab's interface language"


@BY_LANG
def test_the_nbgrader_menu_offers_the_assignment_list_only(journey, lang):
    assert seen(journey, lang, "nbgrader menu") == ["Assignment List"], "no Formgrader or Create Assignment for a trainee"


@BY_LANG
def test_the_released_module_is_offered_and_fetched(journey, lang):
    assert seen(journey, lang, "list error") is False
    assert seen(journey, lang, "offered") == 1
    assert seen(journey, lang, "fetched") is True, "fetched into the trainee's home"


@BY_LANG
def test_the_prose_is_in_the_trainees_language_before_any_cell_runs(journey, lang):
    assert seen(journey, lang, "outputs before run") == 0, "nothing has run yet"
    cells = seen(journey, lang, "prose before run")
    assert_prose_in(SimpleNamespace(prose=lambda: cells), lang)
    paragraph = seen(journey, lang, "paragraph before run")
    if lang == "ar":
        assert (paragraph["direction"], paragraph["align"]) == ("rtl", "right"), paragraph
        assert abs(paragraph["textRight"] - paragraph["right"]) <= 2, f"Arabic prose not against the right edge: {paragraph}"
    else:
        assert paragraph["direction"] == "ltr", paragraph


@BY_LANG
def test_run_all_shows_every_exercise_without_errors(journey, lang):
    assert seen(journey, lang, "errors after run") == []
    assert seen(journey, lang, "exercises shown") == seen(journey, lang, "exercises in the notebook")


@BY_LANG
def test_answers_given_in_the_widgets_are_saved_in_the_trainees_home(hub, journey, lang):
    saved = seen(journey, lang, "answers file")
    assert saved["trainee"] == hub.by_lang[lang], "the answers file names the hub user"
    assert saved["answers"] == saved["planned"] and set(saved["answers"]) == set(ANSWERED)


@BY_LANG
def test_validate_names_the_items_still_unanswered(journey, lang):
    text = seen(journey, lang, "validate")
    assert SUCCESS not in text, "Validate must not pass a partly answered notebook"
    unanswered = [item for item in notebook_keys(REPO / "notebooks" / MODULE / f"{MODULE}.ipynb")
                  if item not in ANSWERED]
    assert [item for item in unanswered if item not in text] == [], text
    assert [item for item in ANSWERED if item in text] == [], f"an answered item was named:\n{text}"
    assert NOT_ANSWERED[lang] in text, text


@BY_LANG
def test_submit_from_the_assignment_list_reaches_the_exchange(hub, journey, lang):
    assert seen(journey, lang, "submitted rows") == 1
    trainee = hub.by_lang[lang]
    inbound = [p.name for p in (hub.exchange / COURSE / "inbound").iterdir() if p.name.startswith(f"{trainee}+")]
    assert len(inbound) == 1 and inbound[0].startswith(f"{trainee}+{MODULE}+"), inbound


@BY_LANG
def test_the_instructor_grades_the_written_answer_in_formgrader(hub, journey, lang):
    graded = journey.get("formgrader", {})
    if not graded.get(lang, {}).get("graded"):
        pytest.fail(f"the instructor did not grade {lang}'s written answer:\n{journey.get('error', '?')}", pytrace=False)
    assert graded["formgrader at"].startswith(f"{hub.url}/user/{hub.instructor}/formgrader"), graded["formgrader at"]
    assert graded[lang]["answer"] == WRITTEN[lang], "the trainee's written answer, beside the score field"
    assert graded[lang]["direction"] == ("rtl" if lang == "ar" else "ltr")
    rows = {r[1]: r for r in journey["gradebook"] if r[0] == hub.by_lang[lang]}
    _, _, _, manual, waiting = rows[ITEM]
    assert (manual, waiting) == (MARKS[lang][0], False), f"PostgreSQL's gradebook: {rows[ITEM]}"


def test_the_grading_page_opens_for_the_instructor_on_postgresql_with_formgraders_grades(journey):
    """The instructor's server has the grading page, on the hub's PostgreSQL gradebook: both written answers,
    graded in formgrader a moment before, count as graded there."""
    page = journey.get("formgrader", {}).get("marking page")
    if page is None:
        pytest.fail(f"the instructor never opened the grading page:\n{journey.get('error', '?')}", pytrace=False)
    assert page["progress"].startswith("graded 2 of 2"), page
    assert page["state"].startswith("graded in formgrader"), page
    # marked on this page before formgrader: the form starts empty, and the score line shows the grade that stays
    assert page["criteria ticked"] == 0 and re.fullmatch(r"[\d.]+ / 3 \(graded in formgrader\)", page["score"]), page
    # Enter with nothing chosen keeps formgrader's grade (the gradebook's scores: the formgrader test above)
    assert re.match(r"Nothing chosen here: the grade given in formgrader \([\d.]+\) is kept\.", page["after Enter"])


@BY_LANG
def test_a_trainee_has_no_grading_page(journey, lang):
    assert seen(journey, lang, "grading page status") == 404


@BY_LANG
def test_the_fetched_feedback_page_shows_the_score_in_the_trainees_language(hub, journey, lang):
    page = seen(journey, lang, "feedback page")
    trainee = hub.by_lang[lang]
    pts = points(MODULE)
    earned = sum(pts[item.replace(".", "-", 1)] for item in ANSWERED if item != WRITTEN_ITEM)  # every one right
    earned += MARKS[lang][0]  # and what the instructor gave the written answer in formgrader
    assert MARKS[lang][1] in page["text"], "the instructor's comment on the written answer"
    rows = [r for r in journey["gradebook"] if r[0] == trainee]
    assert sum((manual if manual is not None else auto) or 0 for _, _, auto, manual, _ in rows) == \
        pytest.approx(earned), f"PostgreSQL's gradebook: {rows}"
    assert (page["lang"], page["dir"]) == (lang, "rtl" if lang == "ar" else "ltr")
    total = re.search(rf"{SCORE[lang]}\s*:\s*([\d.]+)\s*/\s*([\d.]+)", page["text"])
    assert total, f"no '{SCORE[lang]}: x / y' on the feedback page:\n{page['text'][:2000]}"
    assert (float(total.group(1)), float(total.group(2))) == (pytest.approx(earned), pytest.approx(sum(pts.values())))


def test_another_hub_in_this_process_finds_the_course_environment(hub):
    """test_jupyterhub.py loads deploy/localhub.py afresh in the same pytest process: it must not wait on this one's lock."""
    again, found = _load_localhub(), []
    waiting = threading.Thread(target=lambda: found.append(again.shared_python()), daemon=True)
    waiting.start()
    waiting.join(timeout=120)
    assert found == [hub.python], "a second hub in this process waits forever for the course environment's lock"


def test_two_instructors_grade_the_same_item_at_once_on_postgresql(hub, journey):
    """Two instructors, two browsers, one item, the hub's PostgreSQL: never the same answer at once, each grade
    where it belongs, and the answer drawn for double marking marked blind by the instructor who had not marked it."""
    together = journey.get("together", {})
    if "marks" not in together:
        pytest.fail(f"the instructors did not grade together:\n{journey.get('error', '?')}", pytrace=False)
    first, second = hub.instructors
    shown = {together[first]["first"], together[second]["first"]}
    assert shown == set(WRITTEN.values()), f"handed the same answer, or not the trainees' own: {shown}"
    marks = together["marks"]
    assert sorted(grader for _, grader, _ in marks["first"]) == sorted(hub.instructors), marks
    assert all(score == 1.0 for _, _, score in marks["first"]), marks
    blind = [name for name in hub.instructors if together[name]["blind"]]
    assert len(blind) == 1 and len(marks["second"]) == 1, (together, marks)
    trainee, grader, score = marks["second"][0]
    first_grader = {t: g for t, g, _ in marks["first"]}[trainee]
    assert grader == blind[0] != first_grader and score == 1.0, marks
    assert together[blind[0]]["criteria ticked when handed"] == 0, "the first marking shown to the blind grader"
    assert together[blind[0]]["blind answer"] == WRITTEN[next(lang for lang, t in hub.by_lang.items() if t == trainee)]
    said = together[blind[0]]["progress"]  # after the blind marking, in that instructor's language
    assert ("second markings 1 of 1" if blind[0] == first else "التصحيح الثاني 1 من 1") in said, said


def test_a_second_instructor_returns_feedback_from_the_shared_course_directory(hub, journey):
    """The second instructor's commands write beside the first one's: the folders are the instructors' group's,
    group-writable, and nobody else's."""
    if "shared files" not in journey:
        pytest.fail(f"the second instructor never returned the feedback:\n{journey.get('error', '?')}", pytrace=False)
    files = journey["shared files"]
    owners = {step: {f["owner"] for path, f in files.items() if path.startswith(step)} for step in ("autograded", "feedback")}
    assert owners == {"autograded": {hub.instructor}, "feedback": {hub.co_instructors[0]}}, owners
    for path, f in files.items():
        assert f["group"] == "himaya-instructors", (path, f)
        assert f["mode"] & 0o060 == 0o060, f"{path} not writable by the other instructors: {oct(f['mode'])}"
        if f["dir"]:
            assert f["mode"] & 0o2000, f"{path}: without setgid, what is added there leaves the group"
    released = list((hub.exchange / COURSE / "feedback").iterdir())
    assert len(released) == len(LANGS), released
