"""The grading page's part of ``make bench`` (issue #17): how long a grader waits, and how many keys they press.

Part of ``make bench`` (``python -m grading.bench --marking`` runs only this part,
in a minute or two).  A benchmark, never asserted: the numbers are reported.

- **The cohort**: m00's written item (m00.q8) for ``n`` synthetic trainees (204 by
  default), half in Arabic and half in English, each answer made of sentences that
  meet a known set of the rubric's criteria (Arabic ones sometimes with
  diacritics, as trainees type them); m00 really released, the gradebook's
  submissions made with nbgrader's own API, the answers files where autograde
  leaves them.
- **The graders**: two, at the same time, each with their own server started as
  ``python -m grading mark`` starts it (:mod:`grading.marking.server`), in one
  headless Chromium (Debian's, launched as the browser suite does): one in the
  random order, one with similar answers together.  Each grades what "next
  ungraded" hands them with the keyboard alone: the number keys of the criteria
  the answer meets, then Enter.  Like people, they sometimes tick a wrong
  criterion and untick it (``slip``), and sometimes lower the score with a reason
  (``adjust``: A, the number, Tab, the reason, Enter).
- **Measured**: milliseconds from the Enter key press (in the page, before the
  page's own handler) to the frame that shows the next answer (p50, p95, per
  order and together), read from ``performance.now()`` in the page; key presses
  per answer against the criteria met + 1 the page is built for; and whether the
  gradebook then holds exactly what the keys meant.

Writes ``build/bench/marking.json`` and ``build/bench/marking.txt`` (a short table).
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path

from ..config import REPO, Layout
from .lab import CHROMIUM, CHROMIUM_ARGS, JupyterServer
from .report import write_report

MODULE, ITEM, GRADE_ID = "m00-orientation", "m00.q8", "m00-q8"
GRADERS = {"bench-random": "random", "bench-similar": "similar"}

#: Sentences meeting each of m00.q8's criteria (grading/rubrics/m00.q8.md), a few ways each, per language
MEETS = {
    "en": {
        1: ["A count of reports is not a count of children harmed.",
            "Reports are not victims: one child or one file can appear in many reports.",
            "The number of reports does not tell us how widespread the harm is; duplicates are counted again.",
            "NCMEC itself says reports are not a measure of prevalence, one image can be reported many times."],
        2: ["Platforms changed their detection tools, so more is found and reported.",
            "New legal duties to report and new reporting categories raise the count without more harm.",
            "More platforms report now, and the public is more aware.",
            "Bundling of duplicate reports and new rules change the numbers."],
        3: ["I would ask for the number of users on each platform as a denominator.",
            "I would want the number of victims identified and cases confirmed.",
            "Check trends in other sources: surveys, investigated cases, helpline data.",
            "We need the population and the number of platforms reporting to compare."],
    },
    "ar": {
        1: ["عدد البلاغات ليس عدد الأطفال المتضررين.",
            "البلاغات ليست ضحايا، فالطفل أو الملف الواحد قد يرد في بلاغات كثيرة.",
            "عدد البلاغات لا يقيس انتشار الأذى، والبلاغات المكررة تُحسب مرة أخرى.",
            "يقول NCMEC نفسه إن البلاغات ليست مقياسًا لانتشار الأذى."],
        2: ["غيّرت المنصات أدوات الاكتشاف فازداد ما يُكتشف ويُبلَّغ عنه.",
            "واجبات قانونية جديدة للإبلاغ وفئات بلاغ جديدة ترفع العدد دون أذى أكثر.",
            "ازداد عدد المنصات المبلِّغة وازداد وعي الناس.",
            "دمج البلاغات المكررة وقواعد الإبلاغ الجديدة تغيّر الأرقام."],
        3: ["أودّ معرفة عدد المستخدمين في كل منصة مقامًا للمقارنة.",
            "أريد عدد الضحايا الذين حُدّدت هويتهم والقضايا المؤكدة.",
            "أتحقق من اتجاهات مصادر مستقلة: المسوح والقضايا المحقق فيها وبيانات خطوط المساعدة.",
            "نحتاج عدد السكان وعدد المنصات المبلِّغة للمقارنة."],
    },
}
#: What an answer meeting no criterion says
VAGUE = {"en": ["More reports means more children are being abused online.", "The numbers went up a lot.",
                "Reports are important for the police."],
         "ar": ["زيادة البلاغات تعني زيادة الأطفال الذين يتعرضون للإساءة.", "ارتفعت الأرقام كثيرًا.",
                "البلاغات مهمة للشرطة."]}
#: Diacritics a trainee sometimes types (fatha, damma, kasra, shadda, sukun)
_MARKS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652"]
ADJUST = ("-0.5", "Part of the answer is copied from the module's text.")


def _vowelled(text: str, rng: random.Random) -> str:
    return "".join(c + (rng.choice(_MARKS) if "\u0621" <= c <= "\u064a" and rng.random() < 0.3 else "")
                   for c in text)


def cohort(n: int, seed: int = 17) -> dict[str, dict]:
    """``n`` trainees' answers: trainee → {lang, text, met (criteria the text meets)}."""
    rng = random.Random(seed)
    out = {}
    for i in range(n):
        lang = "ar" if i % 2 == 0 else "en"
        met = sorted(c for c in (1, 2, 3) if rng.random() < (0.75, 0.55, 0.45)[c - 1])
        parts = [rng.choice(MEETS[lang][c]) for c in met] or [rng.choice(VAGUE[lang])]
        if met and rng.random() < 0.3:
            parts.insert(0, rng.choice(VAGUE[lang]))
        text = " ".join(parts)
        if lang == "ar" and rng.random() < 0.3:
            text = _vowelled(text, rng)
        out[f"t{i:03d}"] = {"lang": lang, "text": text, "met": met}
    return out


def build(root: Path, work: str, n: int, seed: int = 17):
    """m00 released in ``root/work``, ``n`` submissions in the gradebook, their answers files as autograded."""
    from nbgrader.api import Gradebook

    from curriculum import answers as answer_file
    from curriculum.settings import ANSWERS_FILENAME

    from ..course import Course

    layout = Layout(root=root, work=work)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    course.release(MODULE)
    answers = cohort(n, seed)
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader 0.9 on every new submission
        for trainee, answer in answers.items():
            gb.update_or_create_student(trainee)
            gb.add_submission(MODULE, trainee)
            folder = layout.step("autograded") / trainee / MODULE
            folder.mkdir(parents=True, exist_ok=True)
            answer_file.write(folder / ANSWERS_FILENAME, answer_file.Answers(
                trainee=trainee, language=answer["lang"],
                items={ITEM: {"value": answer["text"], "kind": "text", "time": answer_file.now(), "changes": 1}}))
    return course, answers


class Server(JupyterServer):
    """A grader's server, the command and environment ``python -m grading mark`` uses, on a port chosen here."""

    def __init__(self, course, grader: str, state: Path):
        from ..marking import server

        self.choose_address()
        self.grader = grader
        for name in ("config", "runtime", "settings", "workspaces"):
            (state / name).mkdir(parents=True, exist_ok=True)
        env = server.environment(course, {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")})
        env.update(JUPYTER_CONFIG_DIR=str(state / "config"), JUPYTER_RUNTIME_DIR=str(state / "runtime"))
        self.page_url = server.address(self.port, self.token, MODULE, ITEM, "en")
        self.launch(server.command(course, self.port, self.token, grader,
                                   [f"--LabApp.user_settings_dir={state / 'settings'}",
                                    f"--LabApp.workspaces_dir={state / 'workspaces'}"]),
                    course.layout.root, env, state / "server.log")


#: In the page, before its own script: the time of each Enter, and the frame after the next answer is shown
TIMER = """
window.__bench = {t0: null, ms: []};
window.addEventListener("keydown", (e) => { if (e.key === "Enter") window.__bench.t0 = performance.now(); }, true);
new MutationObserver(() => {
  const b = window.__bench;
  if (b.t0 === null) return;
  const t0 = b.t0;
  b.t0 = null;
  requestAnimationFrame(() => b.ms.push(performance.now() - t0));
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-code"]});
"""


class Grader:
    """One scripted grader in a page of their own: what they press for each answer, and how many keys.

    ``first`` is shared by the graders: trainee → what the first grader's keys meant (met, adjustment, reason).
    An answer someone else marked first comes back for a blind second mark (double marking): graded the same way,
    counted in the key presses and timings, kept out of ``first``."""

    def __init__(self, browser, server: Server, arrangement: str, codes: dict[str, str], answers: dict,
                 first: dict, rng: random.Random, slip: float, adjust: float):
        self.server, self.arrangement, self.codes, self.answers = server, arrangement, codes, answers
        self.first, self.rng, self.slip, self.adjust = first, rng, slip, adjust
        self.context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
        self.context.add_init_script(TIMER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.goto(server.page_url.replace("#", f"&order={arrangement}#"))
        self.page.locator("body[data-ready=true]").wait_for()
        self.presses: list[tuple[int, int]] = []  # (keys pressed, criteria met) per answer
        self.mine: set[str] = set()
        self.done = False

    def press(self, key: str) -> int:
        self.page.keyboard.press(key)
        return 1

    def type(self, text: str) -> int:
        self.page.keyboard.type(text)
        return len(text)

    def grade_one(self) -> None:
        """Grade the answer on screen with the keys its criteria mean, press Enter, wait for the next one."""
        page = self.page
        code = page.locator("body").get_attribute("data-code")
        if code is None or self.codes[code] in self.mine:  # nothing (more) handed to this grader
            self.done = True
            return
        trainee = self.codes[code]
        met = self.answers[trainee]["met"]
        pressed = sum(self.press(str(n)) for n in met)
        if self.rng.random() < self.slip:  # a wrong criterion ticked, then unticked
            wrong = self.rng.choice([n for n in (1, 2, 3) if n not in met] or [1])
            pressed += self.press(str(wrong)) + self.press(str(wrong))
        adjustment, reason = 0.0, ""
        if met and self.rng.random() < self.adjust:  # A, the number, Tab, the reason; Enter saves from the box
            adjustment, reason = float(ADJUST[0]), ADJUST[1]
            pressed += self.press("a") + self.type(ADJUST[0]) + self.press("Tab") + self.type(reason)
        with page.expect_response(lambda r: r.request.method == "PUT" and "/answers/" in r.url) as saved:
            pressed += self.press("Enter")
        if not saved.value.ok:
            raise RuntimeError(f"{self.server.grader}: saving {code} failed: {saved.value.text()}")
        page.locator("body:not(.busy)").wait_for()  # saved, "next ungraded" asked, the next answer shown
        self.presses.append((pressed, len(met)))
        self.mine.add(trainee)
        self.first.setdefault(trainee, (met, adjustment, reason))
        if page.locator("body").get_attribute("data-code") == code:  # nothing left to hand out: the page says so
            self.done = True

    def timings(self) -> list[float]:
        return list(self.page.evaluate("() => window.__bench.ms"))

    def close(self) -> None:
        self.context.close()


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _summary(ms: list[float]) -> dict:
    return {"answers": len(ms), "p50_ms": round(_percentile(ms, 0.5), 1) if ms else None,
            "p95_ms": round(_percentile(ms, 0.95), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None}


def run(n: int = 204, to: Path = REPO / "build" / "bench", root: Path = REPO, work: str = "build/bench/marking",
        slip: float = 0.05, adjust: float = 0.03, seed: int = 17) -> dict:
    """Build the cohort, grade it with two scripted graders at once in Chromium, write marking.json and .txt."""
    from nbgrader.api import Gradebook
    from playwright.sync_api import sync_playwright

    from ..marking import criteria, order, scoring
    from ..marking.store import Store

    print(f"grading page bench: {n} answers to {ITEM}…", file=sys.stderr, flush=True)
    course, answers = build(root, work, n, seed)
    secret = Store(course.layout.db_url).secret()
    codes = {order.pseudonym(secret, t): t for t in answers}
    servers = [Server(course, grader, course.layout.base / f"server-{grader}") for grader in GRADERS]
    rng = random.Random(seed)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            first: dict = {}
            graders = [Grader(browser, s, GRADERS[s.grader], codes, answers, first, rng, slip, adjust)
                       for s in servers]
            started = time.perf_counter()
            while not all(g.done for g in graders):  # the two graders take turns, answer by answer
                for g in graders:
                    if not g.done:
                        g.grade_one()
            seconds = time.perf_counter() - started
            timings = {g.arrangement: g.timings() for g in graders}
            for g in graders:
                g.close()
            browser.close()
    finally:
        for s in servers:
            s.stop()
    presses = [p for g in graders for p in g.presses]
    meant = first
    rubric = criteria.load(ITEM)
    with Gradebook(course.layout.db_url) as gb:
        held = {t: gb.find_grade(GRADE_ID, MODULE, MODULE, t).manual_score for t in answers}
    as_meant = set(meant) == set(answers) and all(
        held[t] == scoring.score(rubric, scoring.Marks(frozenset(met), adj, reason, ""))
        for t, (met, adj, reason) in meant.items())
    everything = [ms for values in timings.values() for ms in values]
    result = {
        "machine": {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "item": ITEM, "trainees": n, "graders": {g.server.grader: g.arrangement for g in graders},
        "measured": "ms from the Enter key press to the frame showing the next answer, in Chromium",
        "key_to_next_answer": {**_summary(everything), "by_order": {k: _summary(v) for k, v in timings.items()}},
        "graded": len(meant), "marked_by": {g.arrangement: len(g.mine) for g in graders},
        "second_marks": len(presses) - len(meant),
        "seconds": round(seconds, 1),
        "key_presses": {
            "per_answer": round(statistics.mean(p for p, _ in presses), 3) if presses else None,
            "criteria_met_plus_one": round(statistics.mean(m + 1 for _, m in presses), 3) if presses else None,
            "share_at_criteria_met_plus_one": round(sum(p == m + 1 for p, m in presses) / len(presses), 3)
            if presses else None,
            "slips": slip, "adjustments": adjust,
        },
        "gradebook_as_meant": as_meant,
        "goal": "p95 <= 100 ms on 2 cores; key presses per answer = criteria met + 1 on average",
    }
    write_report(to, "marking", result, table_text(result))
    return result


def table_text(result: dict) -> str:
    k, keys = result["key_to_next_answer"], result["key_presses"]
    lines = [(f"grading page, {result['item']}, {result['trainees']} trainees, two graders at once "
              f"({result['machine']['cores']} cores): Enter → next answer shown"),
             f"{'order':<10}{'answers':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    for name, s in [*k["by_order"].items(), ("both", k)]:
        lines.append(f"{name:<10}{s['answers']:>9}{s['p50_ms']!s:>9}{s['p95_ms']!s:>9}{s['max_ms']!s:>9}")
    lines.append(f"key presses per answer: {keys['per_answer']} (criteria met + 1: {keys['criteria_met_plus_one']}; "
                 f"{100 * (keys['share_at_criteria_met_plus_one'] or 0):.0f}% of answers graded with exactly that; "
                 f"slips {keys['slips']:.0%}, adjustments {keys['adjustments']:.0%})")
    lines.append(f"graded {result['graded']} of {result['trainees']} in {result['seconds']} s; "
                 f"gradebook holds what the keys meant: {result['gradebook_as_meant']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grading.bench.marking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=int(os.environ.get("BENCH_TRAINEES", "204")))
    parser.add_argument("--to", default=str(REPO / "build" / "bench"))
    args = parser.parse_args(argv)
    result = run(args.trainees, Path(args.to))
    return 0 if result["gradebook_as_meant"] else 1


if __name__ == "__main__":
    sys.exit(main())
