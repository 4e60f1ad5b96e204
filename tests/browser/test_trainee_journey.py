"""A trainee's whole journey in ``make lab``, in Chromium, in Arabic and in English.

The lab is set up exactly as ``make lab`` sets it up (grading/lab.py builds its
environment and command), on a course of its own in ``build/test-journey``.
Everything the trainee does goes through JupyterLab's interface: Nbgrader ›
Assignment List from the menu bar, Fetch, the notebook's link, Run › Run All
Cells, the notebook toolbar's Validate (with nothing answered, then with every
item answered through the widgets), Ctrl+S, Submit, and later Fetch Feedback
and the feedback page.  Only the instructor's side (collect, autograde,
feedback, release feedback) is called through the course's API.

Screenshots of every step: ``build/screenshots/journey-<lang>-<n>-<step>.png``.
"""
from __future__ import annotations

import re
import shutil
import urllib.error
from fractions import Fraction
from pathlib import Path

import pytest

from grading.bench.lab import interface_label
from grading.keys import notebook_keys, written_items

from tests.browser.conftest import LANGS, SCREENSHOTS, TIMEOUT_MS, Case, Catalogue, CourseLab, Notebook
from tests.browser.test_trainee_session import ARABIC, WRITTEN, Answer, exact, give, points, typed_number

pytestmark = pytest.mark.browser

MODULE = "m00-orientation"
SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / MODULE / f"{MODULE}.ipynb"  # with its keys
WORK = "build/test-journey"
SUCCESS = "Success! Your notebook passes all the tests."
#: The screenshots, in the journey's order: build/screenshots/journey-<lang>-<n>-<step>.png
SHOTS = ("assignment-list", "fetched", "notebook-run", "validate-unanswered", "answered-notebook",
         "validate-answered", "submitted", "feedback-fetched", "feedback-page")
NOT_ANSWERED = {"ar": "لم تُجب عن هذا السؤال بعد", "en": "not answered yet"}


def journey_trainee(lang: str) -> str:
    return f"t-journey-{lang}"


class JourneyNotebook(Notebook):
    """The module's notebook, opened from the Assignment List; menus read in the trainee's interface language."""

    def menu(self, menu: str, item: str) -> None:
        super().menu(interface_label(menu, self.case.lang), interface_label(item, self.case.lang))


def right_answers(case: Case, exercises: dict) -> dict[str, Answer]:
    """Every graded item answered right, and the written answer given: what lets Validate pass."""
    out = {}
    for item, k in notebook_keys(SOURCE).items():
        key, kind, ex = k.for_trainee(case.trainee).key, k.kind, exercises[item]
        truth, typed = key["answer"], ""
        if kind == "multiple":
            truth = [o for o in ex["options"] if o in truth]
        elif kind == "numeric":
            typed = typed_number(float(truth), case.lang)
            truth = {"number": float(truth), "unit": key.get("unit")}
        elif kind == "short":
            accepted = [a for a in truth if bool(ARABIC.search(a)) == (case.lang == "ar")] or list(truth)
            typed = truth = accepted[0]
        out[item] = Answer(item, kind, truth, Fraction(1), typed)
    for item in written_items(SOURCE):
        out[item] = Answer(item, "free", WRITTEN[case.lang], None, WRITTEN[case.lang])
    return out


# -- the course, the lab and the page ---------------------------------------------------------
@pytest.fixture(scope="session")
def journey_course(requirements):
    """A course of its own with the module released as ``make lab`` releases it."""
    from grading import lab
    from grading.config import Layout
    from grading.course import Course

    layout = Layout(work=WORK)
    shutil.rmtree(layout.base, ignore_errors=True)
    for old in SCREENSHOTS.glob("journey-*.png"):
        old.unlink()
    course = Course(layout)
    assert lab.release_changed(course, [MODULE]) == [MODULE]
    assert lab.release_changed(course, [MODULE]) == [], "a second start releases nothing"
    return course


@pytest.fixture(scope="session")
def journey_catalogue(journey_course) -> Catalogue:
    found = Catalogue(journey_course.layout.base, [MODULE], journey_trainee)
    for lang in LANGS:
        found.start(lang)
    return found


class Journey:
    """One trainee's lab and browser page, and what they did so far."""

    def __init__(self, lang: str, course, lab, page, exercises: dict):
        self.lang, self.course, self.lab, self.page = lang, course, lab, page
        self.case = Case(MODULE, lang, journey_trainee(lang))
        self.folder = lab.root / MODULE
        self.notebook = JourneyNotebook(self.case, lab, page, self.folder, exercises)

    def shot_path(self, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / f"journey-{self.lang}-{SHOTS.index(step) + 1}-{step}.png"

    def shot(self, step: str) -> Path:
        """What the trainee sees now (the browser's window)."""
        path = self.shot_path(step)
        self.page.screenshot(path=str(path))
        return path

    # -- Nbgrader › Assignment List -------------------------------------------------------
    def assignment_list(self) -> None:
        """Open (or go back to) the Assignment List through the menu bar, and wait until it has loaded."""
        self.notebook.menu("Nbgrader", "Assignment List")
        self.wait_for_list()

    def wait_for_list(self) -> None:
        """Until the list has loaded: the module shows in one of its parts, and none is loading."""
        for part in ("released", "fetched", "submitted"):
            self.page.wait_for_selector(f"#{part}_assignments_list_loading", state="hidden", timeout=TIMEOUT_MS)
        self.row("released").or_(self.row("fetched")).first.wait_for()

    def row(self, part: str):
        """The module's row in the list's ``released``, ``fetched`` or ``submitted`` part."""
        return self.page.locator(f"#{part}_assignments_list > .list_item").filter(
            has=self.page.locator(".item_name", has_text=re.compile(f"^{MODULE}$")))

    def button(self, part: str, label: str):
        return self.row(part).locator("button").filter(has_text=exact(label))

    def open_fetched_notebook(self) -> None:
        """Unfold the fetched module's notebooks in the list and click the module's notebook.

        The list is drawn again when a fetch finishes: a click on the unfold link can land on the row
        that is about to be replaced, so unfold until the notebook's link shows (as a person clicks again).
        """
        row = self.row("fetched")
        link = row.locator(".nested_list_item .item_name a").filter(has_text=exact(MODULE))
        for attempt in range(3):
            if link.is_visible():
                break
            try:
                row.locator("a.assignment-notebooks-link").click(timeout=15_000)
                link.wait_for(state="visible", timeout=10_000)
            except Exception:  # noqa: BLE001 - the row was drawn again, the list is stale, or hidden: back to it
                self.page.screenshot(path=str(self.shot_path("fetched").with_name(
                    f"journey-{self.lang}-unfold-{attempt}.png")))
                self.assignment_list()  # the list's tab again from the menu (CI once lost it here), then refresh
                self.page.locator("#refresh_assignments_list").click()
                self.wait_for_list()
        if not link.is_visible():
            path = self.shot_path("fetched").with_name(f"journey-{self.lang}-failed-open.png")
            self.page.screenshot(path=str(path))
            listing = self.page.locator("#fetched_assignments_list").inner_text()
            raise AssertionError(f"the fetched module's notebook link never showed (screenshot {path.name});"
                                 f" the Downloaded assignments list says: {listing!r}")
        link.click()

    def validate(self) -> str:
        """Press the notebook toolbar's Validate; return what the dialog says, and close it."""
        self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=180_000)  # validation runs the whole notebook in a fresh kernel
        text = dialog.locator(".jp-Dialog-body").inner_text()
        return text

    def close_dialog(self) -> None:
        self.page.locator(".jp-Dialog .jp-Dialog-button").last.click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")


@pytest.fixture(scope="session", params=LANGS, ids=["arabic", "english"])  # -k arabic / -k english
def journey(request, journey_course, journey_catalogue, browser):
    """One trainee per language, in ``make lab``'s JupyterLab, on the lab's start page."""
    from grading import lab

    lang = request.param
    trainee_lab = lab.TraineeLab(journey_course, journey_trainee(lang), lang)
    server = CourseLab(trainee_lab)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar" if lang == "ar" else "en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    found = Journey(lang, journey_course, server, page,
                    journey_catalogue(Case(MODULE, lang, journey_trainee(lang))))
    page.goto(f"{server.url}/lab?reset&token={server.token}")
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=TIMEOUT_MS)
    yield found
    context.close()
    server.stop()


def _step(journey, name: str):
    """Run a journey step once (later tests build on earlier ones even when an earlier assertion failed)."""
    done = journey.__dict__.setdefault("done", {})
    if name not in done:
        done[name] = STEPS[name](journey)
    return done[name]


def fetched(journey: Journey):
    journey.assignment_list()
    if journey.row("fetched").count() == 0:
        journey.button("released", "Fetch").click()
        journey.button("fetched", "Submit").wait_for()
    return journey.shot("fetched")


def opened(journey: Journey):
    _step(journey, "fetched")
    journey.open_fetched_notebook()
    page, nb = journey.page, journey.notebook
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
        ".some(e => /\\| Idle$/.test(e.textContent.trim()))", timeout=TIMEOUT_MS)
    nb.run_all()
    nb.choose_language(journey.lang)
    return journey.shot("notebook-run")


def answered(journey: Journey):
    _step(journey, "opened")
    plan = right_answers(journey.case, journey.notebook.exercises)
    for answer in plan.values():
        give(journey.notebook, answer)
    journey.notebook.wait_for_answers({a.item: a.value for a in plan.values()})
    return plan


def submitted(journey: Journey):
    _step(journey, "answered")
    journey.notebook.save()
    journey.assignment_list()
    journey.button("fetched", "Submit").click()
    journey.row("submitted").first.wait_for()
    return journey.shot("submitted")


STEPS = {"fetched": fetched, "opened": opened, "answered": answered, "submitted": submitted}


# -- the journey --------------------------------------------------------------------------------
def test_the_assignment_list_offers_the_module_and_no_instructor_tools(journey):
    page = journey.page
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=exact("Nbgrader")).click()
    items = [t.strip() for t in page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-item:not(.lm-mod-hidden) "
                                              ".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    assert items == ["Assignment List"], "no Formgrader, Course List or Create Assignment for a trainee"
    page.locator(".lm-Menu-itemLabel").filter(has_text=exact("Assignment List")).click()
    journey.wait_for_list()
    with pytest.raises(urllib.error.HTTPError) as missing:
        journey.lab.api("/formgrader")
    assert missing.value.code == 404, "formgrader's server extension is off too"

    assert page.locator("#released_assignments_list_error").is_hidden(), \
        page.locator("#released_assignments_list_error").inner_text()
    assert journey.button("released", "Fetch").count() == 1, "the released module is offered"
    journey.shot("assignment-list")
    _step(journey, "fetched")
    assert (journey.folder / f"{MODULE}.ipynb").is_file(), "fetched into the trainee's workspace"


def test_the_fetched_notebook_opens_and_runs(journey):
    _step(journey, "opened")
    page = journey.page
    errors = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'
                          '[data-mime-type="application/vnd.jupyter.stderr"], '
                          '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'
                          '[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.all_inner_texts()
    shown = [t.strip() for t in page.locator(".himaya-exercise .himaya-id").all_text_contents()]  # off-screen too
    assert sorted(shown) == sorted(journey.notebook.exercises)


def test_validate_names_every_unanswered_item(journey):
    """With nothing answered, Validate fails and names each graded item, in the trainee's language."""
    _step(journey, "opened")
    text = journey.validate()
    journey.shot("validate-unanswered")
    journey.close_dialog()
    assert SUCCESS not in text, "Validate must not say an unanswered notebook passes"
    graded = [*notebook_keys(SOURCE), *written_items(SOURCE)]  # the written answer too (Validator.validate_all)
    assert graded and written_items(SOURCE)
    missing = [item for item in graded if item not in text]
    assert missing == [], f"not named by Validate: {missing}\n{text}"
    assert NOT_ANSWERED[journey.lang] in text, text


def test_validate_passes_once_every_item_is_answered(journey):
    plan = _step(journey, "answered")
    journey.notebook.screenshot(journey.shot_path("answered-notebook"))  # the whole notebook, stitched
    text = journey.validate()
    journey.shot("validate-answered")
    journey.close_dialog()
    assert SUCCESS in text, text
    saved = journey.notebook.read_answers()
    assert saved["trainee"] == journey.case.trainee, "the answers file names the trainee the lab was started for"
    assert {k: v["value"] for k, v in saved["answers"].items()} == {a.item: a.value for a in plan.values()}


def test_submit_from_the_assignment_list_lists_the_submission(journey):
    _step(journey, "submitted")
    assert journey.row("submitted").count() == 1
    inbound = [p.name for p in (journey.course.layout.exchange / "himaya" / "inbound").iterdir()
               if p.name.startswith(f"{journey.case.trainee}+")]
    assert len(inbound) == 1 and inbound[0].startswith(f"{journey.case.trainee}+{MODULE}+"), inbound


def test_fetched_feedback_shows_the_score(journey):
    course, trainee = journey.course, journey.case.trainee
    _step(journey, "submitted")
    course.collect(MODULE)
    results = course.autograde(MODULE, [trainee], progress=False)
    assert all(r.ok for r in results), [r.detail for r in results]
    assert all(r.ok for r in course.feedback(MODULE, [trainee], progress=False))
    course.release_feedback(MODULE)
    scores = course.scores(MODULE)[trainee]
    auto = {item.replace(".", "-", 1) for item in notebook_keys(SOURCE)}
    pts = points(MODULE)
    assert scores["score"] == pytest.approx(sum(v for k, v in pts.items() if k in auto)), "every item right"
    assert scores["max_score"] == pytest.approx(sum(pts.values()))

    page = journey.page
    page.locator("#refresh_assignments_list").click()
    journey.button("submitted", "Fetch Feedback").click()
    view = journey.row("submitted").locator("a").filter(has_text=re.compile(r"view feedback"))
    view.wait_for()
    journey.shot("feedback-fetched")
    view.click()
    html = f"{MODULE}.html"
    entry = page.locator(".jp-DirListing-item").filter(has=page.locator(".jp-DirListing-itemText",
                                                                       has_text=exact(html)))
    entry.dblclick()
    frame = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe")
    frame.locator("body").wait_for()
    text = frame.locator("body").inner_text()
    journey.shot("feedback-page")
    shown = {(Fraction(a).limit_denominator(100), Fraction(b).limit_denominator(100))
             for a, b in re.findall(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", text)}
    want = (Fraction(str(round(scores["score"], 2))), Fraction(str(round(scores["max_score"], 2))))
    assert want in shown, f"the page shows the score {want[0]} / {want[1]}; it reads:\n{text[:2000]}"
