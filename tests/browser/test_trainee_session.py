"""A trainee's session in a real browser, for every module in Arabic and in English.

The trainee opens the released notebook in JupyterLab, runs every cell,
picks a language, answers every exercise by clicking, typing and reordering
(some right, some wrong, some partly right), restarts the kernel, runs
everything again, saves and submits.  The course pipeline then grades the
saved folder and the gradebook must hold exactly what those answers deserve.

Expected scores are worked out here from the rules the course promises
(README, notebooks/README.md): single choice all or nothing; multiple choice
right minus wrong (each right option 1/#right, each wrong one −1/#wrong,
never below 0); ordering the longest run of steps in the right relative order
over the number of steps (a run of one counts 0); matching and classify one
share per right item; numbers within the tolerance; short text with case and
surrounding spaces ignored; written answers wait for the instructor.  None of
the course's scoring code is called.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest

from grading.keys import notebook_keys, written_items

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"
ARABIC_DIGITS = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")
SAVED = {"ar": re.compile(r"^✔ حُفظت إجابتك \(\d\d:\d\d:\d\d\)$"),
         "en": re.compile(r"^✔ Answer saved \(\d\d:\d\d:\d\d\)$")}
NOT_ANSWERED = {"ar": "لم تُجب بعد.", "en": "Not answered yet."}
PARTIAL = {"ar": "◐ أجبت عن {n} من {total}. حُفظت إجابتك", "en": "◐ {n} of {total} answered. Answer saved"}
WRITTEN = {
    "ar": "عدد البلاغات يقيس ما رُصد، لا عدد الضحايا؛ أريد أن أعرف مصادر أخرى قبل أن أستنتج.",
    "en": "A report count measures what was detected, not how many children were harmed.",
}
ARABIC = re.compile(r"[\u0600-\u06FF]")


def exact(text: str) -> re.Pattern:
    """A whole-text match: Playwright's plain ``has_text`` matches substrings."""
    return re.compile(f"^{re.escape(text)}$")


def source_notebook(module: str) -> Path:
    return REPO / "notebooks" / module / f"{module}.ipynb"


# -- what the trainee answers, and what that deserves -------------------------------------------
def longest_ordered_run(answer: list[str], key: list[str]) -> int:
    """Longest subsequence of ``answer`` in the key's order (quadratic on purpose: not the course's code)."""
    rank = [key.index(step) for step in answer]
    best = [1] * len(rank)
    for i in range(len(rank)):
        for j in range(i):
            if rank[j] < rank[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def typed_number(number: float, lang: str) -> str:
    """The number as a trainee types it: Arabic-Indic digits and ٫ in Arabic."""
    text = f"{number:.10g}"
    return text.translate(ARABIC_DIGITS) if lang == "ar" else text


@dataclass
class Answer:
    item: str
    kind: str
    value: object               # what the answers file must hold
    fraction: Fraction | None   # share of the points deserved (None: graded by a person)
    typed: str = ""             # what is typed, for text and numbers


def make_plan(case, exercises: dict) -> dict[str, Answer]:
    """One answer per graded item and written answer: a deliberate mix of right, wrong and partial."""
    path = source_notebook(case.module)
    keys = {item: k.for_trainee(case.trainee) for item, k in notebook_keys(path).items()}
    out: dict[str, Answer] = {}
    for index, (item, k) in enumerate(keys.items()):
        key, kind, ex = k.key, k.kind, exercises[item]
        assert ex["kind"] == kind, item
        right = index % 2 == 0
        truth = key["answer"]
        if kind == "single":
            value = truth if right else next(o for o in ex["options"] if o != truth)
            out[item] = Answer(item, kind, value, Fraction(int(value == truth)))
        elif kind == "multiple":
            wrong_options = [o for o in key["options"] if o not in truth]
            chosen = set(truth[:-1] + wrong_options[:1]) if len(truth) > 1 else set(truth + wrong_options[:1])
            earned = Fraction(len(chosen & set(truth)), len(truth)) - Fraction(len(chosen - set(truth)), len(wrong_options))
            out[item] = Answer(item, kind, [o for o in ex["options"] if o in chosen], max(Fraction(0), earned))
        elif kind == "ordering":
            order = list(truth)
            order[0], order[1] = order[1], order[0]
            if len(order) >= 4:
                order[-1], order[-2] = order[-2], order[-1]
            run = longest_ordered_run(order, truth)
            out[item] = Answer(item, kind, order, Fraction(run, len(truth)) if run > 1 else Fraction(0))
        elif kind in ("matching", "classify"):
            value, good = {}, 0
            names = list(ex["items"])
            for i, name in enumerate(names):
                if i % 2 == 0:
                    value[name] = truth[name]
                    good += 1
                elif kind == "matching" and i == len(names) - 1:
                    continue  # left at "— choose —"
                else:
                    value[name] = next(t for t in ex["targets"] if t != truth[name])
            out[item] = Answer(item, kind, value, Fraction(good, len(truth)))
        elif kind == "numeric":
            tolerance = float(key.get("tolerance", 0)) * (abs(float(truth)) if key.get("relative") else 1)
            number = float(truth) if right else float(truth) + tolerance + 7
            if not right and number > ex.get("maximum", number):  # a wrong number the item still accepts
                number = max(float(truth) - tolerance - 1, ex.get("minimum", float("-inf")))
            value = {"number": number, "unit": key.get("unit")}
            ok = abs(number - float(truth)) <= tolerance
            out[item] = Answer(item, kind, value, Fraction(int(ok)), typed_number(number, case.lang))
        elif kind == "short":
            if right:
                accepted = [a for a in truth if bool(ARABIC.search(a)) == (case.lang == "ar")]
                typed = accepted[0] if case.lang == "ar" else f"  {accepted[0].upper()} "
            else:
                typed = "لا أعرف" if case.lang == "ar" else "no idea"
            out[item] = Answer(item, kind, typed.strip(), Fraction(int(right)), typed)
        else:
            raise AssertionError(f"{item}: no plan for kind {kind}")
    for item in written_items(path):
        out[item] = Answer(item, "free", WRITTEN[case.lang], None, WRITTEN[case.lang])
    return out


def points(module: str) -> dict[str, float]:
    nb = nbformat.read(source_notebook(module), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("points")}


# -- doing it in the browser --------------------------------------------------------------------
def label(exercises, item, group, key, lang) -> str:
    return exercises[item][group][key][lang]


def own_order(case, item, options: dict, shuffle: bool = True) -> list[str]:
    """The options' texts in the order this trainee is shown them: their own, drawn from their id and the
    item's (the authored order where the item says ``shuffle=False``: a scale, the ACPO principles' numbers)."""
    from curriculum.exercises.order import shown_order

    return [options[k][case.lang] for k in shown_order(list(options), case.trainee, item, shuffle)]


def step_texts(nb, item, order) -> list[str]:
    ex = nb.exercises[item]["steps"]
    return [f"{i + 1}. {ex[s][nb.case.lang]}" for i, s in enumerate(order)]


def shown_order(nb, item) -> list[str]:
    by_text = {v[nb.case.lang]: k for k, v in nb.exercises[item]["steps"].items()}
    assert len(by_text) == len(nb.exercises[item]["steps"]), f"{item}: two steps read the same"
    texts = nb.exercise(item).locator(".himaya-step").all_inner_texts()
    return [by_text[re.sub(r"^\d+\.\s*", "", t.strip())] for t in texts]


def move(nb, item, row: int, button: int) -> None:
    """Press ▲ (button 0) or ▼ (button 1) on ``row`` and wait until the rows show the new order."""
    from playwright.sync_api import expect

    order = shown_order(nb, item)
    target = row - 1 if button == 0 else row + 1
    order[row], order[target] = order[target], order[row]
    nb.exercise(item).locator(".himaya-order-row").nth(row).locator("button").nth(button).click()
    expect(nb.exercise(item).locator(".himaya-step")).to_have_text(step_texts(nb, item, order))


def saved_status(nb, answer: Answer) -> re.Pattern:
    """The status under a widget once ``answer`` is saved: a matching with rows left empty counts its rows."""
    lang, total = nb.case.lang, len(nb.exercises[answer.item].get("items", ()))
    if answer.kind in ("matching", "classify") and len(answer.value) < total:
        text = PARTIAL[lang].format(n=len(answer.value), total=total)
        return re.compile(f"^{re.escape(text)} \\(\\d\\d:\\d\\d:\\d\\d\\)$")
    return SAVED[lang]


def give(nb, answer: Answer) -> None:
    """Answer one item the way a trainee does: click, select, reorder or type."""
    from playwright.sync_api import expect

    item, lang, ex = answer.item, nb.case.lang, nb.exercises
    box = nb.exercise(item)
    kind = answer.kind
    if kind == "single":
        text = label(ex, item, "options", answer.value, lang)
        box.locator(".widget-radio-box label").filter(has_text=exact(text)).locator("input").click()
    elif kind == "multiple":
        for option in ex[item]["options"]:
            row = box.locator(".widget-checkbox").filter(has=nb.page.locator("span", has_text=exact(
                label(ex, item, "options", option, lang))))
            tick = row.locator("input[type=checkbox]")
            if tick.is_checked() != (option in answer.value):
                tick.click()
    elif kind == "ordering":
        target = answer.value
        order = shown_order(nb, item)
        moved = False
        # the last step goes down with ▼, then every other step up with ▲
        position = order.index(target[-1])
        while position < len(order) - 1:
            move(nb, item, position, 1)
            position += 1
            moved = True
        for place, step in enumerate(target[:-1]):
            position = shown_order(nb, item).index(step)
            while position > place:
                move(nb, item, position, 0)
                position -= 1
                moved = True
        assert shown_order(nb, item) == target
        if not moved:
            box.locator("button").filter(has_text=exact({"ar": "اعتمد الترتيب", "en": "Use this order"}[lang])).click()
    elif kind == "matching":
        for name, target in answer.value.items():
            row = box.locator(".himaya-pair-row").filter(has=nb.page.locator(".himaya-item", has_text=exact(
                label(ex, item, "items", name, lang))))
            row.locator("select").select_option(label=label(ex, item, "targets", target, lang))
    elif kind == "classify":
        for name, target in answer.value.items():
            row = box.locator(".himaya-pair-row").filter(has=nb.page.locator(".himaya-item", has_text=exact(
                label(ex, item, "items", name, lang))))
            row.locator("button.widget-toggle-button").filter(has_text=exact(
                label(ex, item, "targets", target, lang))).click()
    elif kind in ("numeric", "short"):
        if kind == "numeric" and answer.value.get("unit"):
            box.locator("select").select_option(label=label(ex, item, "units", answer.value["unit"], lang))
        field = box.locator("input[type=text]")
        field.click()
        field.press_sequentially(answer.typed)
        field.press("Tab")
    elif kind == "free":
        area = box.locator("textarea")
        area.fill(answer.typed)
        area.press("Tab")
    expect(box.locator(".himaya-status")).to_have_text(saved_status(nb, answer))


# -- session steps, each done once per case ---------------------------------------------------------
@pytest.fixture(scope="session")
def answers(case, notebook) -> dict[str, Answer]:
    """The trainee answers every graded item and written answer in the browser."""
    planned = make_plan(case, notebook.exercises)
    for answer in planned.values():
        give(notebook, answer)
    return planned


@pytest.fixture(scope="session")
def restarted(notebook, answers):
    """Kernel restarted and every cell run again, after all answers were given."""
    notebook.wait_for_answers({a.item: a.value for a in answers.values()})
    notebook.restart_and_run_all()
    return notebook


@pytest.fixture(scope="session")
def graded(case, build, notebook, restarted, answers):
    """Saved with Ctrl+S, submitted, collected and autograded with the course pipeline."""
    notebook.save()
    saved = nbformat.read(notebook.path, as_version=4)
    course = build.course
    course.submit(case.module, case.trainee, build.workspace(case.trainee))
    course.collect(case.module)
    results = course.autograde(case.module, [case.trainee], progress=False)
    assert all(r.ok for r in results), [r.detail for r in results]
    return {"saved": saved, "scores": course.scores(case.module)[case.trainee]}


# -- geometry and colour, read from the page ---------------------------------------------------------
CHOICES_JS = """
(root) => [...root.querySelectorAll('.widget-radio-box input[type=radio], .widget-checkbox input[type=checkbox]')]
  .map(input => {
    const lab = input.closest('label');
    const rects = [];
    const walk = document.createTreeWalker(lab, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim()) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      rects.push(...[...r.getClientRects()].filter(x => x.width > 0));
    }
    const box = input.getBoundingClientRect();
    const first = rects.reduce((a, b) => (b.top < a.top ? b : a), rects[0]);
    const clipped = [lab, ...lab.querySelectorAll('span')].some(e => e.scrollWidth > e.clientWidth + 1);
    return {
      text: lab.textContent.trim(),
      input: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
      textLeft: Math.min(...rects.map(r => r.left)), textRight: Math.max(...rects.map(r => r.right)),
      firstTop: first.top, firstBottom: first.bottom, clipped,
    };
  })
"""

ALIGN_JS = """
() => {
  const out = [];
  const blocks = [...document.querySelectorAll('.jp-MarkdownOutput div[dir][lang]')]
    .flatMap(div => [...div.querySelectorAll('p, h1, h2, h3, h4, li')].map(el => [div.getAttribute('dir'), el]));
  blocks.push(...[...document.querySelectorAll('.himaya-prompt, .himaya-status')].map(el => [el.getAttribute('dir'), el]));
  for (const [dir, el] of blocks) {
    const range = document.createRange(); range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 1);
    if (!rects.length) continue;
    const first = rects.reduce((a, b) => (b.top < a.top ? b : a));
    const line = rects.filter(r => r.top < first.bottom - 2);  // the first line, whatever each font's height
    const box = el.getBoundingClientRect(), cs = getComputedStyle(el);
    out.push({
      dir, direction: cs.direction, text: el.textContent.trim().slice(0, 50),
      gapRight: box.right - parseFloat(cs.paddingRight) - Math.max(...line.map(r => r.right)),
      gapLeft: Math.min(...line.map(r => r.left)) - box.left - parseFloat(cs.paddingLeft),
    });
  }
  return out;
}
"""

CONTRAST_JS = """
(selectors) => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.textContent.trim() || el.closest(':disabled') || !el.getClientRects().length) continue;
      const bg = background(el), fg = over(parse(getComputedStyle(el).color), bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      out.push({selector: sel, text: el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return out;
}
"""
CONTRAST_SELECTORS = [".himaya-status", ".himaya-prompt", ".himaya-id", ".himaya-tag", ".himaya-hint", ".himaya-step",
                      ".himaya-item", ".widget-radio-box label", ".widget-checkbox span",
                      ".himaya-exercise button", ".himaya-exercise select"]


# -- the tests ------------------------------------------------------------------------------------
def test_notebook_runs_and_every_exercise_speaks_the_chosen_language(case, notebook):
    page = notebook.page
    nb = nbformat.read(notebook.path, as_version=4)
    assert page.locator(".jp-Notebook .jp-Cell").count() == len(nb.cells)  # windowing off: all cells attached
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.all_inner_texts()
    shown = page.locator(".himaya-exercise .himaya-id").all_inner_texts()
    assert sorted(shown) == sorted(notebook.exercises), "every exercise of the notebook is shown once"
    active = page.locator(".himaya-session button.widget-toggle-button.mod-active").inner_text()
    assert active == {"ar": "العربية", "en": "English"}[case.lang]
    for item in notebook.exercises:
        box = notebook.exercise(item)
        assert box.evaluate("e => getComputedStyle(e).direction") == ("rtl" if case.lang == "ar" else "ltr"), item
        assert box.locator(".himaya-prompt").get_attribute("lang") == case.lang, item
        assert notebook.status(item) == NOT_ANSWERED[case.lang], item
        assert bool(ARABIC.search(box.locator(".himaya-prompt").inner_text())) == (case.lang == "ar"), item


def test_text_is_aligned_to_its_own_side(case, notebook):
    """Arabic prose, prompts and status lines start at the right edge; English at the left."""
    blocks = notebook.page.evaluate(ALIGN_JS)
    rtl = [b for b in blocks if b["dir"] == "rtl"]
    ltr = [b for b in blocks if b["dir"] == "ltr"]
    assert ltr if case.lang == "en" else rtl  # only the trainee's language is shown (style.css hides the other)
    for b in rtl:
        assert b["direction"] == "rtl" and abs(b["gapRight"]) <= 3, b
    for b in ltr:
        assert b["direction"] == "ltr" and abs(b["gapLeft"]) <= 3, b


def test_every_choice_sits_beside_its_own_label(case, notebook):
    """A radio button or check box is on the reading-start side of its own text, on its first line."""
    choices = []
    for item, ex in notebook.exercises.items():
        if ex["kind"] in ("single", "multiple"):
            found = notebook.exercise(item).evaluate(CHOICES_JS)
            assert [c["text"] for c in found] == own_order(case, item, ex["options"], ex["shuffle"]), item
            choices += found
    assert choices
    for c in choices:
        middle = (c["input"]["top"] + c["input"]["bottom"]) / 2
        assert c["firstTop"] - 2 <= middle <= c["firstBottom"] + 2, c
        if case.lang == "ar":
            gap = c["input"]["left"] - c["textRight"]
        else:
            gap = c["textLeft"] - c["input"]["right"]
        assert 0 <= gap <= 16, c
        assert not c["clipped"], c


def test_labels_and_buttons_are_not_cut_off(case, notebook):
    cut = notebook.page.evaluate("""() => [...document.querySelectorAll(
        '.himaya-exercise button, .himaya-exercise .widget-html-content, .himaya-exercise .widget-label-basic')]
        .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.trim().slice(0, 40) || e.outerHTML.slice(0, 200))""")
    assert cut == []


def test_text_has_enough_contrast(case, notebook):
    """WCAG AA: at least 4.5:1 between text and what lies under it."""
    found = notebook.page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
    assert {f["selector"] for f in found} >= {".himaya-status", ".himaya-prompt"}
    low = [f for f in found if f["ratio"] < 4.5]
    assert low == []


def test_ordering_works_from_the_keyboard(case, notebook):
    """Tab to a ▲ button and press Enter, then Shift+Tab to ▼ and press Space: the order follows."""
    from playwright.sync_api import expect

    items = [i for i, e in notebook.exercises.items() if e["kind"] == "ordering" and not e["practice"]]
    assert items, f"{case.module} has no ordering item"
    item = items[0]
    rows = notebook.exercise(item).locator(".himaya-order-row")
    before = shown_order(notebook, item)
    rows.nth(0).locator("button").nth(1).focus()
    notebook.page.keyboard.press("Tab")
    up = rows.nth(1).locator("button").nth(0)
    assert up.evaluate("b => b === document.activeElement")
    ring = up.evaluate("b => [getComputedStyle(b).outlineStyle, parseFloat(getComputedStyle(b).outlineWidth)]")
    assert ring[0] != "none" and ring[1] >= 2, "the focused ▲ shows where the keyboard is"
    notebook.page.keyboard.press("Enter")
    swapped = [before[1], before[0], *before[2:]]
    expect(notebook.exercise(item).locator(".himaya-step")).to_have_text(step_texts(notebook, item, swapped))
    notebook.page.keyboard.press("Shift+Tab")
    down = rows.nth(0).locator("button").nth(1)
    assert down.evaluate("b => b === document.activeElement")
    notebook.page.keyboard.press("Space")
    expect(notebook.exercise(item).locator(".himaya-step")).to_have_text(step_texts(notebook, item, before))
    expect(notebook.exercise(item).locator(".himaya-status")).to_have_text(SAVED[case.lang])
    saved = notebook.wait_for_answers({item: before})["answers"][item]
    assert saved["value"] == before and saved["changes"] >= 2


def test_every_answer_is_saved_beside_the_notebook(case, notebook, answers):
    data = notebook.wait_for_answers({a.item: a.value for a in answers.values()})
    assert data["trainee"] == case.trainee and data["language"] == case.lang
    got = {k: v["value"] for k, v in data["answers"].items()}
    assert got == {a.item: a.value for a in answers.values()}
    kinds = {a.kind for a in answers.values()}
    assert kinds >= {e["kind"] for e in notebook.exercises.values()}, "every kind of exercise was answered"
    fractions = [a.fraction for a in answers.values() if a.fraction is not None]
    assert 0 < sum(fractions) < len(fractions), "some answers right, some not"


def test_answers_are_shown_again_after_a_kernel_restart(case, restarted, answers):
    nb, lang = restarted, case.lang
    active = nb.page.locator(".himaya-session button.widget-toggle-button.mod-active").inner_text()
    assert active == {"ar": "العربية", "en": "English"}[lang], "the language is remembered"
    for answer in answers.values():
        item, box = answer.item, nb.exercise(answer.item)
        assert saved_status(nb, answer).match(nb.status(item)), (item, nb.status(item))
        if answer.kind in ("single", "multiple"):
            texts = [c["text"] for c in box.evaluate(CHOICES_JS)]
            assert texts == own_order(case, item, nb.exercises[item]["options"], nb.exercises[item]["shuffle"]), (item, "the same order after a restart")
            chosen = [answer.value] if answer.kind == "single" else answer.value
            for option, text in nb.exercises[item]["options"].items():
                tick = box.locator("label").filter(has_text=exact(text[lang])).locator("input")
                assert tick.is_checked() == (option in chosen), (item, option)
        elif answer.kind == "ordering":
            assert shown_order(nb, item) == answer.value
        elif answer.kind in ("matching", "classify"):
            for name, text in nb.exercises[item]["items"].items():
                row = box.locator(".himaya-pair-row").filter(has=nb.page.locator(".himaya-item", has_text=exact(text[lang])))
                offered = row.locator("select").evaluate(
                    "s => [...s.options].slice(1).map(o => o.text.replace(/\\u00a0/g, ' '))"
                ) if answer.kind == "matching" else row.locator("button.widget-toggle-button").all_inner_texts()
                assert offered == own_order(case, item, nb.exercises[item]["targets"], nb.exercises[item]["shuffle"]), (item, name)  # their own order
                target = answer.value.get(name)
                if answer.kind == "matching":
                    shown = row.locator("select").evaluate(
                        "s => s.selectedIndex < 0 ? null : s.options[s.selectedIndex].text.replace(/\\u00a0/g, ' ')")
                    expected = nb.exercises[item]["targets"][target][lang] if target else None
                    assert shown in ((expected,) if target else (None, "— اختر —", "— choose —")), (item, name, shown)
                else:
                    shown = row.locator("button.mod-active").all_inner_texts()
                    assert shown == [nb.exercises[item]["targets"][target][lang]], (item, name)
        elif answer.kind == "numeric":
            assert float(box.locator("input[type=text]").input_value()) == answer.value["number"], item
        elif answer.kind == "short":
            assert box.locator("input[type=text]").input_value() == answer.value, item
        elif answer.kind == "free":
            assert box.locator("textarea").input_value() == answer.value, item
    for item, ex in nb.exercises.items():
        if item not in answers:  # practice items were left alone
            assert nb.status(item) == NOT_ANSWERED[lang], item


def test_screenshot_shows_every_exercise(case, restarted):
    """build/screenshots/<module>-<lang>.png: the whole answered notebook, for a person to look at."""
    shot = restarted.screenshot(SCREENSHOTS / f"{case.id}.png")
    png = shot["path"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == shot["size"] and width > 800
    assert len(shot["exercises"]) == len(restarted.exercises)
    for box in shot["exercises"]:
        assert 0 <= box["top"] < box["bottom"] <= height, "every exercise is in the picture"


def test_the_grade_is_exactly_what_the_answers_deserve(case, graded, answers):
    saved = graded["saved"]
    views = [c for c in saved.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-widget")]
    assert views and all(any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs)
                         for c in views), "Ctrl+S saved the notebook with its widgets shown"
    scores, pts = graded["scores"], points(case.module)
    expected_total = Fraction(0)
    for answer in answers.values():
        grade_id = answer.item.replace(".", "-", 1)
        if answer.fraction is None:
            continue
        deserved = answer.fraction * Fraction(str(pts[grade_id]))
        expected_total += deserved
        # the gradebook keeps points to the hundredth: 2/3 of 2 points is 1.33
        assert scores["items"][grade_id] == pytest.approx(float(deserved), abs=0.005 + 1e-9), answer
    assert scores["max_score"] == pytest.approx(sum(pts.values()))
    assert scores["score"] == pytest.approx(sum(scores["items"].values()))
    assert scores["score"] == pytest.approx(float(expected_total), abs=0.005 * len(answers) + 1e-9)
    assert 0 < scores["score"] < scores["max_score"]
    assert scores["needs_manual_grade"] is True  # the written answer awaits the instructor
    autograded = build_autograded(case)
    text = "".join(c.source for c in nbformat.read(autograded, as_version=4).cells)
    assert WRITTEN[case.lang] in text, "the written answer reaches the instructor"


def build_autograded(case) -> Path:
    return REPO / "build" / "test-browser" / "autograded" / case.trainee / case.module / f"{case.module}.ipynb"
