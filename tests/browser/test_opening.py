"""What a trainee sees on opening a module, before running any cell, and after a reload.

A released module is fetched and opened in a JupyterLab started with the
trainee's configuration (deploy/jupyter/trainee then deploy/jupyter/common on
JUPYTER_CONFIG_PATH, HIMAYA_LANG as the hub sets it from the roster), in
Chromium.  Before any cell runs the trainee must see: the prose of their
language only (the other hidden, not deleted), Arabic right to left and
right-aligned, the "start here" note, no collapsed-code placeholders
(``ex.Classify( •••``), and a notebook that is not marked unsaved.  After Run
All, the course panel's language picker switches the prose shown.  After a
kernel restart and a page reload, no broken-link widget shows: a note says to
run all cells instead.

Screenshots: build/screenshots/opening-<module>-<lang>-<step>.png.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Build, Case, Lab, Notebook, cases, opened_in_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
WORK = "build/test-opening"
SCREENSHOTS = REPO / "build" / "screenshots"
CONFIG_PATH = os.pathsep.join(str(REPO / "deploy" / "jupyter" / role) for role in ("trainee", "common"))
#: the orientation (every exercise type) and a module with figures
MODULES = ["m00-orientation", "m01-digital-world"]
OPENINGS = cases(MODULES)
START_HERE = {"ar": "ابدأ هنا", "en": "Start here"}
RUN_ALL_NOTE = {"ar": "شغّل كل الخلايا", "en": "Run › Run All Cells"}
OTHER = {"ar": "en", "en": "ar"}

# What the open notebook shows, read in the page: per Markdown cell, each language's block.
_PROSE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  return [...panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')].map(md => {
    const out = {};
    for (const lang of ['ar', 'en']) {
      const blocks = [...md.querySelectorAll(':scope > [lang="' + lang + '"]')];
      out[lang] = {count: blocks.length, shown: blocks.filter(shown).length};
    }
    return out;
  });
}"""

# The first paragraph of the shown language: its direction, alignment, and where its last line ends.
_PARAGRAPH_JS = """lang => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const p = [...panel.querySelectorAll('.jp-RenderedMarkdown > [lang="' + lang + '"] p')]
    .find(p => p.getClientRects().length && p.textContent.trim().length > 40);
  const range = document.createRange();
  range.selectNodeContents(p);
  const lines = [...range.getClientRects()], box = p.getBoundingClientRect();
  return {direction: getComputedStyle(p).direction, align: getComputedStyle(p).textAlign,
          textLeft: Math.min(...lines.map(r => r.left)), textRight: Math.max(...lines.map(r => r.right)),
          left: box.left, right: box.right};
}"""

# Widget outputs: each shows a live widget, or (kernel gone) the course's note; never ipywidgets' broken link.
_WIDGETS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  // the widget renderer's node: a view inside, or (error) the class jupyter-widgets on itself
  const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')].filter(o =>
    o.matches('.jupyter-widgets') || o.querySelector(':scope > .jupyter-widgets') || /Loading widget/.test(o.textContent));
  const before = e => getComputedStyle(e, '::before').content;
  return {
    outputs: outputs.length,
    live: outputs.filter(o => o.querySelector('.jupyter-widgets:not(.jupyter-widgets-disconnected)')).length,
    // what each widget output still on the page says in place of its widget (a live one: nothing)
    notes: outputs.filter(o => o.getClientRects().length).map(o => {
      const top = o.querySelector(':scope > .jupyter-widgets-disconnected') || o;
      return before(top); }).filter(c => c && c !== 'none' && c !== 'normal'),
    shown: outputs.filter(o => o.getClientRects().length).length,
    brokenIcons: [...panel.querySelectorAll('.jupyter-widgets-disconnected')]
      .filter(e => before(e).includes('\\uf127')).length,
    visibleErrors: outputs.filter(o => /Error displaying widget|Loading widget/.test(o.textContent)
      && parseFloat(getComputedStyle(o).fontSize) > 0).length,
  };
}"""


class Course(Build):
    """conftest's Build in this test's own folder."""

    def __init__(self):
        from grading.config import Layout
        from grading.course import Course as Pipeline

        self.layout = Layout(work=WORK)
        shutil.rmtree(self.layout.base, ignore_errors=True)
        self.course = Pipeline(self.layout)
        self._released: set[str] = set()


@pytest.fixture(scope="module")
def course(requirements) -> Course:
    return Course()


@pytest.fixture(scope="module")
def labs(course):
    """A JupyterLab per language, configured as the hub configures a trainee's server."""
    running: dict[str, Lab] = {}

    def lab_for(case: Case) -> Lab:
        if case.lang not in running:
            running[case.lang] = Lab(course.workspace(case.trainee), case.trainee,
                                     course.layout.base / "lab" / case.trainee,
                                     extra_env={"JUPYTER_CONFIG_PATH": CONFIG_PATH, "HIMAYA_LANG": case.lang})
        return running[case.lang]

    yield lab_for
    for lab in running.values():
        lab.stop()


class Opening(Notebook):
    """A module opened as a trainee opens it: nothing run."""

    def open_fresh(self) -> None:
        self.goto(reset=True)

    def goto(self, reset: bool) -> None:
        page = self.page
        page.goto(f"{self.lab.url}/lab/workspaces/opening-{self.case.id}/tree/{self.case.module}/{self.path.name}"
                  f"?{'reset&' if reset else ''}token={self.lab.token}")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown [lang]", state="attached",
                               timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
            ".some(e => /\\| Idle$/.test(e.textContent.trim()))", timeout=TIMEOUT_MS)
        current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if current.count():
            current.first.click()

    def prose(self) -> list[dict]:
        return self.page.evaluate(_PROSE_JS)

    def dirty(self) -> bool:
        return self.page.locator(".jp-MainAreaWidget .lm-TabBar-tab.jp-mod-dirty, "
                                 "#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty").count() > 0

    def widgets(self) -> dict:
        return self.page.evaluate(_WIDGETS_JS)

    def shot(self, step: str) -> Path:
        path = SCREENSHOTS / f"opening-{self.case.id}-{step}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture(scope="module", params=OPENINGS, ids=[c.id for c in OPENINGS])
def opened(request, course, labs, browser):
    case = request.param
    folder = course.fetched(case)
    lab = labs(case)
    with opened_in_page(browser, case, lab, lambda page: Opening(case, lab, page, folder, {}),
                        Opening.open_fresh, f"opening-failed-{case.id}") as nb:
        yield nb


def assert_prose_in(nb: Opening, lang: str) -> None:
    """Only ``lang``'s prose is shown (waiting for the page to settle after a switch), in at least 3 bilingual cells."""
    settled = f"""() => ({_PROSE_JS})().filter(c => c.ar.count && c.en.count)
        .every(c => c['{lang}'].shown === c['{lang}'].count && c['{OTHER[lang]}'].shown === 0)"""
    try:
        nb.page.wait_for_function(settled, timeout=10_000)
    except Exception:
        pass  # the assertions below say what is shown
    cells = nb.prose()
    bilingual = [c for c in cells if c["ar"]["count"] and c["en"]["count"]]
    assert len(bilingual) >= 3, f"the module's Markdown cells should hold both languages: {cells}"
    assert all(c[lang]["shown"] == c[lang]["count"] for c in bilingual), f"{lang} prose hidden: {cells}"
    other = OTHER[lang]
    assert all(c[other]["shown"] == 0 for c in bilingual), f"{other} prose shown beside {lang}: {cells}"


def test_fresh_notebook_speaks_the_trainees_language(opened):
    lang = opened.case.lang
    # the interface language comes from the trainee's settings (JupyterLab sets <html lang>)
    assert opened.page.evaluate("document.documentElement.lang").split("-")[0] == lang
    assert_prose_in(opened, lang)
    paragraph = opened.page.evaluate(_PARAGRAPH_JS, lang)
    if lang == "ar":
        assert (paragraph["direction"], paragraph["align"]) == ("rtl", "right"), paragraph
        assert abs(paragraph["textRight"] - paragraph["right"]) <= 2, f"Arabic prose not against the right edge: {paragraph}"
    else:
        assert paragraph["direction"] == "ltr", paragraph
        assert abs(paragraph["textLeft"] - paragraph["left"]) <= 2, paragraph
    opened.shot("fresh")


def test_fresh_notebook_shows_the_start_here_note_and_no_code_placeholders(opened):
    lang = opened.case.lang
    note = opened.page.locator(f'.jp-RenderedMarkdown > [lang="{lang}"] blockquote').filter(has_text=START_HERE[lang])
    assert note.first.is_visible(), "the 'start here' note is not visible before any cell runs"
    placeholders = opened.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPlaceholder")
    assert placeholders.count() > 0, "no hidden code cell found: the check below would prove nothing"
    shown = [placeholders.nth(i).inner_text() for i in range(placeholders.count()) if placeholders.nth(i).is_visible()]
    assert shown == [], f"collapsed-code placeholders shown: {shown[:3]}"


def test_fresh_notebook_is_not_marked_unsaved(opened):
    assert not opened.dirty(), "the notebook is marked unsaved (dirty) as soon as it opens"


def test_language_picker_switches_the_prose_shown(opened):
    lang = opened.case.lang
    opened.run_all()
    assert_prose_in(opened, lang)  # the panel starts in the trainee's language
    figure = opened.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img")
    if figure.count():  # for a person to look at: the figure's note under it, readable
        figure.first.scroll_into_view_if_needed()
        opened.shot("figure")
    opened.choose_language(OTHER[lang])
    assert_prose_in(opened, OTHER[lang])
    opened.shot("switched")
    opened.choose_language(lang)
    assert_prose_in(opened, lang)


def test_after_a_reload_a_restart_and_a_reload_no_broken_widget_shows(opened):
    lang = opened.case.lang
    opened.save()
    assert opened.widgets()["live"] > 0
    opened.goto(reset=False)  # reopened while its kernel runs: the exercises come back from the kernel, live
    opened.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .himaya-exercise")
    reopened = opened.widgets()
    assert reopened["live"] > 0 and reopened["notes"] == [] and reopened["brokenIcons"] == 0, reopened
    assert_prose_in(opened, lang)
    assert not opened.dirty(), "the reopened notebook is marked unsaved"
    opened.menu("Kernel", "Restart Kernel…")
    opened.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    opened.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jupyter-widgets-disconnected")
    after_restart = opened.widgets()
    opened.page.locator(".jupyter-widgets-disconnected").first.scroll_into_view_if_needed()
    opened.shot("restarted")
    assert after_restart["brokenIcons"] == 0, after_restart
    assert after_restart["notes"] and all(RUN_ALL_NOTE[lang] in n for n in after_restart["notes"]), after_restart
    assert len(after_restart["notes"]) == after_restart["shown"] < after_restart["outputs"], after_restart

    opened.goto(reset=False)  # the page reloaded: the kernel holds no widget any more
    opened.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output.jupyter-widgets")
    after_reload = opened.widgets()
    opened.page.locator(".jp-OutputArea-output.jupyter-widgets").nth(1).scroll_into_view_if_needed()
    opened.shot("reloaded")
    assert after_reload["visibleErrors"] == 0 and after_reload["brokenIcons"] == 0, after_reload
    assert len(after_reload["notes"]) == after_reload["shown"] > 0, after_reload  # each one still shown says what to do
    assert after_reload["shown"] < after_reload["outputs"], after_reload  # one note for an exercise and its status line
    assert all(RUN_ALL_NOTE[lang] in n for n in after_reload["notes"]), after_reload
    assert_prose_in(opened, lang)
    assert not opened.dirty(), "the reopened notebook is marked unsaved"
