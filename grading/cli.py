"""``python -m grading``: the instructor's command line."""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from .config import REPO, ConfigError, Layout, check_nbgrader_config
from .course import Course, PipelineError
from .reporting.roster import RosterError


def _course(args) -> Course:
    check_nbgrader_config(Path(args.root))  # what formgrader and nbgrader's commands read must load
    return Course(Layout(root=Path(args.root), work=args.work))


def cmd_demo(args) -> int:
    from . import demo

    result = demo.run(work=args.work if args.work != "build/course" else "build/demo", progress=not args.quiet)
    print(demo.table(result))
    return 1 if result.failures else 0


def due_date(text: str):
    """``--due``: a date and time, then optionally a time zone (nbgrader's format); without one, UTC."""
    import dateutil.tz
    from nbgrader.utils import parse_utc

    parts = text.split()
    if len(parts) == 3 and not parts[2].lstrip("+-").isdigit() and dateutil.tz.gettz(parts[2]) is None:
        raise PipelineError(f"--due: unknown time zone {parts[2]!r}; e.g. Asia/Amman, Africa/Casablanca, Asia/Dubai")
    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError, TypeError):
        raise PipelineError(f"--due {text!r}: not a date; write it as \"2026-12-20 17:00 Asia/Amman\" "
                            "(date, time, time zone; without a zone the time is UTC)") from None


def cmd_release(args) -> int:
    course = _course(args)
    due = due_date(args.due) if args.due else None  # the late policy counts from it (grading/late.py)
    for module in args.modules or course.modules():
        print(f"released {module} → {course.release(module, duedate=due)}"
              + (f" (due {due:%Y-%m-%d %H:%M} UTC)" if due else ""))
    return 0


def cmd_collect(args) -> int:
    course = _course(args)
    # links and special files in the exchange: never followed; a bad zip: skipped, the rest collected
    skipped = course.collect_zips(args.module, Path(args.zips)) if args.zips else course.collect(args.module)
    for line in skipped:
        print(f"warning: {line}", file=sys.stderr)
    print(f"collected {len(course.submitted(args.module))} submissions of {args.module}")
    return 0


def _report(results) -> int:
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAILED {r.module + '/' if r.module else ''}{r.trainee}: {r.detail.strip().splitlines()[-1] if r.detail.strip() else ''}", file=sys.stderr)
    print(f"{len(results) - len(failed)} done, {len(failed)} failed")
    return 1 if failed else 0


def cmd_autograde(args) -> int:
    course = _course(args)
    if args.all:  # one run for the whole course: grading processes start once
        if args.module:
            raise PipelineError("give a module or --all, not both")
        modules = [m for m in course.modules() if course.submitted(m)]
        if not modules:
            raise PipelineError("no module has collected submissions yet: run `python -m grading collect <module>`")
        results = course.autograde_modules(modules, jobs=args.jobs, force=args.force)
        return _report([r for module in modules for r in results[module]])
    if not args.module:
        raise PipelineError(f"name a module to grade (or --all); the modules are: {', '.join(course.modules())}")
    return _report(course.autograde(args.module, args.trainees or None, jobs=args.jobs, force=args.force))


def cmd_feedback(args) -> int:
    return _report(_course(args).feedback(args.module, args.trainees or None))


def cmd_release_feedback(args) -> int:
    """Hand generated feedback pages to trainees through nbgrader's exchange (they fetch it in Assignment List)."""
    course = _course(args)
    if args.all and args.module:
        raise PipelineError("give a module or --all, not both")
    if not args.all and not args.module:
        raise PipelineError(f"name a module to release feedback of (or --all); the modules are: "
                            f"{', '.join(course.modules())}")
    modules = [m for m in course.modules() if _with_feedback(course, m)] if args.all else [args.module]
    if args.all and not modules:
        raise PipelineError("no module has feedback yet: run `python -m grading feedback <module>` first")
    for module in modules:
        course.check_released(module)
        ready = _with_feedback(course, module)
        if args.trainees:
            missing = sorted(set(args.trainees) - set(ready))
            if missing:
                raise PipelineError(f"no feedback of {module} for {', '.join(missing)} yet: run "
                                    f"`python -m grading feedback {module} {' '.join(missing)}` first")
            ready = sorted(args.trainees)
        if not ready:
            raise PipelineError(f"no feedback of {module} yet: run `python -m grading feedback {module}` first")
        for trainee in sorted(set(course.graded(module)) - set(ready)) if not args.trainees else []:
            print(f"warning: {trainee} is graded on {module} but has no feedback yet (not released): "
                  f"run `python -m grading feedback {module} {trainee}`", file=sys.stderr)
        for trainee in ready:
            graded = course.layout.step("autograded") / trainee / module
            newest = max((p.stat().st_mtime for p in graded.glob("*.ipynb")), default=0)
            if any(page.stat().st_mtime < newest for page in course.feedback_files(module, trainee)):
                print(f"warning: {trainee}'s feedback on {module} is older than their grading: "
                      f"run `python -m grading feedback {module} {trainee}` to release the new grades", file=sys.stderr)
        if args.trainees:
            for trainee in ready:
                course._ok(course.api.release_feedback(module, trainee), f"release feedback of {module} to {trainee}")
        else:
            course.release_feedback(module)  # every generated page of the module, in one nbgrader run
        print(f"released feedback of {module} to {len(ready)} trainee{'s' if len(ready) != 1 else ''}")
    return 0


def _with_feedback(course: Course, module: str) -> list[str]:
    """The trainees who have a generated feedback page of ``module``."""
    folder = course.layout.step("feedback")
    return sorted(p.name for p in folder.iterdir() if course.feedback_files(module, p.name)) if folder.is_dir() else []


def cmd_export(args) -> int:
    to = Path(args.to) if args.to else REPO / "build" / ("grades.csv" if args.by == "module" else f"grades-by-{args.by}.csv")
    path = _course(args).export(to, roster=Path(args.roster) if args.roster else None, by=args.by)
    print(f"wrote {path}")
    return 0


def cmd_report(args) -> int:
    from .reporting import cohort, report, roster

    course = _course(args)
    trainees = roster.read(Path(args.roster)) if args.roster else None
    path = report.render(cohort.gather(course, args.modules or None, roster=trainees), Path(args.to))
    print(f"wrote {path}")
    return 0


def cmd_certificates(args) -> int:
    """A PDF certificate for each trainee who completed the course by the syllabus's rule (grading/certificates)."""
    from .certificates import issue
    from .reporting import roster

    course = _course(args)
    to = Path(args.to) if args.to else course.layout.base / "certificates"
    roster_file = Path(args.roster) if args.roster else course.layout.base / "roster.csv"
    if not roster_file.is_file():
        raise PipelineError(f"no roster at {roster_file}: give --roster FILE (CSV: trainee_id,name,ministry,country,"
                            "language); the names on certificates come from it")
    try:
        issued, standings, notes = issue.issue(course, roster.read(roster_file), to)
    except issue.CERTIFICATE_ERRORS as err:
        raise PipelineError(str(err)) from None
    for record in issued:
        print(f"{record.trainee}: {record.code}  {to / record.file}")
    for trainee, standing in standings.items():
        if not standing.completed:
            print(f"{trainee}: not yet: {'; '.join(standing.reasons)}")
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    print(f"{len(issued)} certificate{'s' if len(issued) != 1 else ''} in {to} (register: {to / issue.REGISTER})")
    return 0


def cmd_verify(args) -> int:
    """Whether a certificate code is genuine, and for whom."""
    from .certificates import issue, settings, signature

    course = _course(args)
    register = Path(args.register) if args.register else course.layout.base / "certificates" / issue.REGISTER
    try:
        secret = signature.course_secret(course.layout.base / settings.Certificates(config=course.config).secret_file,
                                         create=False)
        if args.page:
            from .certificates import page

            httpd = page.server(register, secret, args.port)
            print(f"checking codes at http://127.0.0.1:{httpd.server_address[1]}/ (this machine only; Ctrl-C stops)")
            try:
                httpd.serve_forever()
            except KeyboardInterrupt:
                pass
            return 0
        if not args.code:
            raise PipelineError("give the code to check (or --page for a page to check codes in)")
        verdict = issue.verify(args.code, register, secret)
    except issue.CERTIFICATE_ERRORS as err:
        raise PipelineError(str(err)) from None
    print(verdict.message)
    return 0 if verdict.genuine else 1


README_MARKERS = ("<!-- modules:start -->\n", "<!-- modules:end -->")


def readme_with_modules(text: str) -> str:
    """The README with its module list regenerated from the syllabus."""
    from curriculum import syllabus

    start, end = README_MARKERS
    head, rest = text.split(start, 1)
    return head + start + syllabus.markdown() + end + rest.split(end, 1)[1]


def cmd_readme(args) -> int:
    path = Path(args.root) / "README.md"
    path.write_text(readme_with_modules(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated the module list in {path}")
    return 0


def cmd_lab(args) -> int:
    """Open JupyterLab as a trainee, set up as on the hub (grading/lab.py)."""
    from . import lab

    return lab.run(_course(args), trainee=args.trainee, lang=args.lang, extra=args.lab_args)


def cmd_mark(args) -> int:
    """The grading page for a module's written answers (grading/marking): start the server, print its address."""
    from .marking import server

    return server.run(_course(args), args.module, grader=args.grader, port=args.port, lang=args.lang or "",
                      extra=args.lab_args, rescore_only=args.rescore)


def main(argv=None) -> int:
    # nbgrader 0.9 trips these on every new submission and notebook; they say nothing to instructors
    warnings.filterwarnings("ignore", message=".*not in session.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Cell is missing an id field")
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    parser.add_argument("--root", default=os.environ.get("HIMAYA_COURSE_DIR") or str(REPO),
                        help="course root holding notebooks/ (default: $HIMAYA_COURSE_DIR, set on a hub, else this repository)")
    parser.add_argument("--work", default="build/course", help="folder under the root for nbgrader's files")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="build the course, simulate a cohort, grade it, print a table")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("release", help="generate and release modules (all by default)")
    p.add_argument("modules", nargs="*")
    p.add_argument("--due", help='due date of these modules, e.g. "2026-12-20 17:00 Asia/Amman" (without a zone: UTC)')
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("collect", help="collect submissions of a module from the exchange or a folder of zips")
    p.add_argument("module")
    p.add_argument("--zips", metavar="FOLDER", help="collect <trainee id>.zip files from FOLDER (nbgrader zip_collect)")
    p.set_defaults(func=cmd_collect)
    for name, func in (("autograde", cmd_autograde), ("feedback", cmd_feedback)):
        p = sub.add_parser(name, help=f"{name} a module's submissions")
        p.add_argument("module", nargs="?" if name == "autograde" else None)
        p.add_argument("trainees", nargs="*")
        p.set_defaults(func=func)
        if name == "autograde":
            p.add_argument("--all", action="store_true",
                           help="every module with collected submissions, in one run")
            p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                           help="submissions graded at once, in separate processes (default: cores)")
            p.add_argument("--force", action="store_true", help="regrade trainees already graded")
    p = sub.add_parser("release-feedback", help="release generated feedback to trainees (nbgrader's exchange)")
    p.add_argument("module", nargs="?")
    p.add_argument("trainees", nargs="*")
    p.add_argument("--all", action="store_true", help="every module with generated feedback")
    p.set_defaults(func=cmd_release_feedback)
    p = sub.add_parser("export", help="write grades.csv: a row per trainee and module, the roster merged")
    p.add_argument("--roster", help="CSV: trainee_id,name,ministry,country,language (names in every row)")
    p.add_argument("--by", choices=("module", "item", "criterion"), default="module",
                   help="a row per trainee and module (default), per trainee and item, or per trainee, written item "
                        "and rubric criterion (met or not, from the grading page)")
    p.add_argument("--to", help="the CSV to write (default: build/grades.csv; build/grades-by-item.csv or "
                                "build/grades-by-criterion.csv with --by)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("report", help="write the cohort report (one self-contained HTML file)")
    p.add_argument("modules", nargs="*")
    p.add_argument("--roster", help="CSV: trainee_id,name,ministry,country,language")
    p.add_argument("--to", default=str(REPO / "build" / "report.html"))
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("certificates", help="a bilingual PDF certificate for each trainee who completed the course "
                                            "(the rule: curriculum/syllabus.yaml), with a verification code")
    p.add_argument("--roster", help="CSV: trainee_id,name,ministry,country,language (default: <work>/roster.csv)")
    p.add_argument("--to", help="folder for the PDFs and their register (default: <work>/certificates)")
    p.set_defaults(func=cmd_certificates)
    p = sub.add_parser("verify", help="say whether a certificate's code is genuine, and for whom")
    p.add_argument("code", nargs="?", help="the code printed on the certificate, e.g. 7K2M-9QXW-3HPD-Z4TB")
    p.add_argument("--page", action="store_true", help="serve a page to check codes in, on this machine only")
    p.add_argument("--port", type=int, default=0, help="the page's port (default: a free one)")
    p.add_argument("--register", help="the register the certificates were issued with "
                                      "(default: <work>/certificates/register.json)")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("readme", help="regenerate the README's module list from the syllabus")
    p.set_defaults(func=cmd_readme)
    p = sub.add_parser("lab", help="JupyterLab as a trainee: fetch, validate and submit from Nbgrader › Assignment "
                                   "List (releases only modules whose source changed; other options go to JupyterLab)")
    p.add_argument("--trainee", help="the trainee's id (default: $USER)")
    p.add_argument("--lang", choices=("ar", "en"), help="the course's language at first (default: Arabic)")
    p.set_defaults(func=cmd_lab)
    p = sub.add_parser("mark", help="grade a module's written answers one item across the cohort, criteria on the "
                                    "keyboard (a Jupyter server with the grading page; prints its address)")
    p.add_argument("module")
    p.add_argument("--grader", default="", help="your name as a grader (default: $HIMAYA_GRADER, else your login)")
    p.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    p.add_argument("--lang", choices=("ar", "en"), help="the page's language at first (default: Arabic)")
    p.add_argument("--rescore", action="store_true",
                   help="only re-score the answers graded with a rubric that changed since, say how many changed, "
                        "and stop (the page does it too when it starts)")
    p.set_defaults(func=cmd_mark)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("lab", "mark"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.lab_args = extra
    try:
        return args.func(args)
    except (PipelineError, RosterError, ConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
