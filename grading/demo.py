"""``make demo``: build the course, let a simulated cohort work through it, grade it, report.

Every step is the real one: nbgrader generates and releases each module to
its exchange; each simulated trainee fetches it, answers through the widgets
in its own kernel and submits; the instructor collects, autogrades, grades
the written answers (two instructors on the grading page's code path, half
of the answers marked twice, blind: :func:`grade_written`), generates
feedback and exports ``grades.csv``.
"""
from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tqdm.auto import tqdm

from curriculum.ids import is_check
from curriculum.settings import ANSWERS_FILENAME

from . import simulate
from .reporting import cohort, report, roster
from .config import Layout
from .certificates import issue
from .course import Course, StepResult
from .keys import notebook_keys, written_items
from .marking import criteria, queue as marking_queue, scoring


@dataclass
class DemoResult:
    course: Course
    modules: list[str]
    work: dict = field(default_factory=dict)        # (module, trainee) -> simulate.Work
    scores: dict = field(default_factory=dict)      # module -> trainee -> scores
    failures: list = field(default_factory=list)
    grades_csv: Path | None = None
    report: Path | None = None
    results: Path | None = None                     # the full per-module tables
    foreign: set = field(default_factory=set)       # (module, trainee) who handed in a classmate's answers file
    certificates: list = field(default_factory=list)  # grading/certificates: issued to those who completed
    verified: str = ""                              # one certificate code checked, as an instructor would
    marked: dict = field(default_factory=dict)      # module -> (item, trainee) -> roles saved on the grading page
    seconds: float = 0.0


def _make_late(course: Course, module: str, trainee: str, when: datetime) -> None:
    """Submitted at ``when``: the inbound folder's name and its timestamp.txt, as nbgrader's submit writes them then.

    collect takes the time from the folder's name, not from timestamp.txt alone (grading/exchange.py).
    """
    inbound = course.layout.exchange / course.config.CourseDirectory.course_id / "inbound"
    stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    for folder in inbound.glob(f"{trainee}+{module}+*"):
        (folder / "timestamp.txt").write_text(stamp)
        parts = folder.name.rsplit("+", 3)  # <trainee>+<module>+<time>[+<random>]
        folder.rename(folder.with_name("+".join([*parts[:2], stamp, *parts[3:]])))


#: The demo's two graders, on the grading page's code path (grading/marking): they mark the same way, except that
#: the second, marking a partial answer a second time, gives the criterion the first grader gave in part.
GRADERS = ("instructor-a", "instructor-b")
#: The share of answers the demo marks twice: its cohort is small, so half (the course's default is 10 %).
DOUBLE_SHARE = 0.5
PARTLY = {"ar": "يستوفي المعيار التالي جزئيًا", "en": "partly meets the next criterion"}


def demo_marks(rubric, style: str, lang: str, lenient: bool = False) -> scoring.Marks | None:
    """A simulated grader's choices for an answer written in ``style``: the criteria in order, as many as the
    persona's share of the points (simulate.MANUAL_SHARE) covers, and the rest of that share as an adjustment with
    its reason; ``lenient`` gives the partly met criterion whole instead.  None: left for a person to grade."""
    share = simulate.MANUAL_SHARE.get(style)
    if share is None:
        return None
    target = round(rubric.max_points * share, 2)
    met, total = set(), 0.0
    for criterion in rubric.criteria:
        if total + criterion.points > target + 1e-9:
            break
        met.add(criterion.number)
        total += criterion.points
    rest = round(target - total, 2)
    if rest and lenient and len(met) < len(rubric.criteria):
        return scoring.Marks(frozenset(met | {rubric.criteria[len(met)].number}))
    return scoring.Marks(frozenset(met), rest, PARTLY[lang] if rest else "")


def grade_written(course: Course, module: str, styles: dict[str, str], share: float = DOUBLE_SHARE,
                  problems: list | None = None) -> dict:
    """Play two instructors grading ``module``'s written answers on the grading page: each takes "next ungraded"
    in turn (first markings, then the answers chosen for a blind second marking) and saves as the page's handler
    does (grading/marking/queue.py: nbgrader's gradebook through its API, the choices in the page's tables).
    ``styles``: trainee → answering style.  Returns (item, trainee) → the roles saved.  An item the page cannot
    open (no rubric) is left waiting for a person, and what to fix goes to ``problems``."""
    saved = {}
    for written in marking_queue.written_items(course.source, module):
        try:
            queues = [marking_queue.ItemQueue(course.layout, module, written.item, g, double_share=share)
                      for g in GRADERS]
        except criteria.RubricProblem as problem:
            if problems is not None:
                problems.append((module, StepResult("-", False, f"{problem} (its answers wait in formgrader)")))
            continue
        answers = queues[0].answers()
        left = {t for t in answers if simulate.MANUAL_SHARE.get(styles.get(t, "")) is None}  # a person grades these
        moved = True
        while moved:
            moved = False
            for queue in queues:
                trainee = queue.next_ungraded(skip=left)
                if trainee is None:
                    continue
                role = queue.marks(answers)[trainee].role(queue.grader)
                marks = demo_marks(queue.rubric, styles[trainee], answers[trainee].lang,
                                   lenient=role == "second" and queue.grader == GRADERS[1])
                saved.setdefault((written.item, trainee), []).append(queue.save(trainee, marks)["role"])
                moved = True
    return saved


def run(work: str = "build/demo", personas: list[str] | None = None, modules: list[str] | None = None,
        progress: bool = True, root: Path | None = None, jobs: int | None = None) -> DemoResult:
    """Run the whole course for a simulated cohort; ``jobs`` trainees work at once (default: cores)."""
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    layout = Layout(root=root or Layout().root, work=work)
    shutil.rmtree(layout.base, ignore_errors=True)
    course = Course(layout)
    modules = course_order(modules or course.modules())
    personas = personas or list(simulate.PERSONAS)
    result = DemoResult(course, modules)
    due = datetime.now(timezone.utc) + timedelta(days=1)
    folders = {}
    for module in modules:
        course.release(module, duedate=due.replace(tzinfo=None))
        for persona in personas:
            folders[(module, persona)] = course.fetch(module, persona, layout.base / "trainees" / persona)

    def work(persona):  # one trainee works through every module, in one kernel
        done = {}
        with simulate.Session(persona) as session:
            for module in modules:
                if not simulate.takes(persona, module):
                    continue
                for nb_path in sorted(course.release_dir(module).glob("*.ipynb")):
                    source = course.source / module / nb_path.name
                    # the assignment picks a knowledge-check key's form (curriculum/check.py)
                    keys = {item: k.for_trainee(persona, module) for item, k in notebook_keys(source).items()}
                    done[module] = simulate.work_through(folders[(module, persona)], nb_path.name, persona, keys,
                                                         written_items(source), session=session,
                                                         code=simulate.solutions(source),
                                                         style=simulate.style_for(persona, module))
        return persona, done

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for persona, done in tqdm(pool.map(work, personas), total=len(personas), unit="trainee",
                                  desc="trainees work through the course", disable=not progress, leave=False):
            for module, work_done in done.items():
                result.work[(module, persona)] = work_done

    for module in modules:
        for persona in personas:
            if not simulate.takes(persona, module):
                continue
            folder = folders[(module, persona)]
            classmate = folders.get((module, "t-perfect"), Path("/nonexistent")) / ANSWERS_FILENAME
            if persona in simulate.FOREIGN and classmate.exists():  # a classmate's answers file (none in a lab)
                shutil.copy(classmate, folder / ANSWERS_FILENAME)
                result.foreign.add((module, persona))
            course.submit(module, persona, layout.base / "trainees" / persona)
            if persona in simulate.LATE:
                _make_late(course, module, persona, due + timedelta(days=1, hours=3))
        course.collect(module)
        graded = course.autograde(module, progress=progress)
        result.failures += [(module, r) for r in graded if not r.ok]
        result.marked[module] = grade_written(course, module, {p: simulate.PERSONAS[p][1] for p in personas},
                                              problems=result.failures)
        result.failures += [(module, r) for r in course.feedback(module, progress=progress) if not r.ok]
        result.scores[module] = course.scores(module)
    trainees = roster.read(roster.write(layout.base / "roster.csv", demo_roster(personas)))
    result.grades_csv = course.export(layout.base / "grades.csv", roster=layout.base / "roster.csv")
    result.report = report.render(cohort.gather(course, modules, roster=trainees), layout.base / "report.html",
                                  title="Himaya cohort report — simulated demo cohort")
    try:  # certificates for those who completed the course by the syllabus's rule, and one code checked
        result.certificates, result.verified = issue.issue_and_check(course, trainees, layout.base / "certificates")
    except issue.CERTIFICATE_ERRORS as err:
        result.failures.append(("certificates", StepResult("-", False, str(err))))
    result.seconds = time.perf_counter() - started
    result.results = layout.base / "results.txt"
    result.results.write_text(tables(result) + "\n", encoding="utf-8")
    return result


def course_order(modules: list[str]) -> list[str]:
    """``modules`` as a trainee meets them: the knowledge check before, the modules, the knowledge check after."""
    from curriculum import check

    try:
        pre, post = check.load().pre, check.load().post
    except check.CheckError:
        return list(modules)
    return sorted(modules, key=lambda m: (m == post, m != pre, m))


#: The demo's fictional cohort spread over three ministries (no real person).
DEMO_COUNTRIES = [("Jordan", "Public Security Directorate"), ("Morocco", "General Directorate for National Security"),
                  ("United Arab Emirates", "Ministry of Interior")]


def demo_roster(personas: list[str]) -> list[roster.Trainee]:
    out = []
    for i, persona in enumerate(personas):
        country, body = DEMO_COUNTRIES[i % len(DEMO_COUNTRIES)]
        out.append(roster.Trainee(persona, f"Trainee {i + 1}", f"{body} ({country})", country,
                                  simulate.PERSONAS[persona][0]))
    return out


def _notes(result: DemoResult, module: str, trainee: str, scores: dict) -> list[str]:
    work = result.work.get((module, trainee))
    notes = []
    if work and work.tampered:
        notes.append("tampered: graded on answers only")
    if (module, trainee) in result.foreign:
        notes.append("handed in another trainee's answers file")
    if scores["needs_manual_grade"]:
        notes.append("written answer awaits grading")
    return notes


def tables(result: DemoResult) -> str:
    """Every module's per-trainee scores and notes (written to ``results.txt``)."""
    lines = []
    for module in result.modules:
        lines.append(f"\n{module}")
        lines.append(f"  {'trainee':<11} {'lang':<4} {'score':>7} {'max':>5}  {'late':<4} {'penalty':>7}  notes")
        for trainee, s in sorted(result.scores[module].items()):
            work = result.work.get((module, trainee))
            lines.append(f"  {trainee:<11} {work.language if work else '?':<4} {s['score']:>7.2f} {s['max_score']:>5.0f}"
                         f"  {'yes' if s['late'] else 'no':<4} {s['late_penalty']:>7.2f}"
                         f"  {'; '.join(_notes(result, module, trainee, s))}")
    return "\n".join(lines).lstrip("\n")


def table(result: DemoResult) -> str:
    """What ``make demo`` prints: one line per trainee (modules graded, total, what to look at), then where to look."""
    trainees = sorted({t for scores in result.scores.values() for t in scores})
    lines = [f"{len(trainees)} simulated trainees × {len(result.modules)} modules, graded in {result.seconds:.0f} s",
             "", f"  {'trainee':<11} {'lang':<4} {'modules':>7} {'total':>8} {'max':>5}  flags (total after the late policy)"]
    for trainee in trainees:
        graded = {m: result.scores[m][trainee] for m in result.modules  # the knowledge check counts toward no grade
                  if trainee in result.scores[m] and not is_check(m)}
        language = next((w.language for (m, t), w in result.work.items() if t == trainee), "?")
        flags = []
        late = [m for m, s in graded.items() if s["late"]]
        if late:
            lost = sum(graded[m]["late_penalty"] for m in late)
            flags.append(f"late on {len(late)} (−{lost:g} points)")
        for note, label in (("tampered", "tampered ({n})"), ("handed in another", "classmate's answers file ({n})"),
                            ("awaits grading", "written answers to grade ({n})")):
            n = sum(any(note in x for x in _notes(result, m, trainee, s)) for m, s in graded.items())
            if n:
                flags.append(label.format(n=n))
        total = sum(s["score"] - s["late_penalty"] for s in graded.values())  # after the late policy, as grades.csv
        maximum = sum(s["max_score"] for s in graded.values())
        lines.append(f"  {trainee:<11} {language:<4} {len(graded):>7} {total:>8.2f} {maximum:>5.0f}  {'; '.join(flags)}")
    base = result.course.layout
    lines.append("")
    lines.append(f"report:      {result.report}   ← open this in a browser")
    lines.append(f"per module:  {result.results}")
    lines.append(f"grades.csv:  {result.grades_csv}")
    lines.append(f"feedback:    {base.step('feedback')}/<trainee>/<module>/*.html")
    lines.append(f"gradebook:   {base.db_url}")
    if result.verified:
        lines.append(f"certificates: {len(result.certificates)} in {base.base / 'certificates'}; {result.verified}")
    twice = [roles for marked in result.marked.values() for roles in marked.values() if "second" in roles]
    if twice:
        lines.append(f"written answers: graded on the grading page by {' and '.join(GRADERS)}; {len(twice)} marked "
                     "twice, blind (agreement and disagreements to settle: in the report)")
    if result.failures:
        lines.append("\nproblems:")
        lines += [f"  {m} {r.trainee}: {r.detail.splitlines()[-1] if r.detail else 'failed'}" for m, r in result.failures]
    return "\n".join(lines)
