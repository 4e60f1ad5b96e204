"""``python -m grading``: the instructor's command line."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .config import REPO, Layout
from .course import Course, PipelineError


def _course(args) -> Course:
    return Course(Layout(work=args.work))


def cmd_demo(args) -> int:
    from . import demo

    result = demo.run(work=args.work if args.work != "build/course" else "build/demo", progress=not args.quiet)
    print(demo.table(result))
    return 1 if result.failures else 0


def cmd_release(args) -> int:
    course = _course(args)
    for module in args.modules or course.modules():
        print(f"released {module} → {course.release(module)}")
    return 0


def cmd_collect(args) -> int:
    course = _course(args)
    course.collect(args.module)
    print(f"collected {len(course.submitted(args.module))} submissions of {args.module}")
    return 0


def _report(results) -> int:
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAILED {r.trainee}: {r.detail.strip().splitlines()[-1] if r.detail.strip() else ''}", file=sys.stderr)
    print(f"{len(results) - len(failed)} done, {len(failed)} failed")
    return 1 if failed else 0


def cmd_autograde(args) -> int:
    return _report(_course(args).autograde(args.module, args.trainees or None))


def cmd_feedback(args) -> int:
    return _report(_course(args).feedback(args.module, args.trainees or None))


def cmd_export(args) -> int:
    path = _course(args).export(Path(args.to))
    print(f"wrote {path}")
    return 0


def cmd_lab(args) -> int:
    """Open JupyterLab on a trainee's copy of the released modules."""
    course = _course(args)
    workspace = course.layout.base / "lab"
    for module in course.modules():
        course.release(module)
        if not (workspace / module).exists():
            course.fetch(module, os.environ.get("USER", "trainee"), workspace)
    print(f"JupyterLab on {workspace}")
    return subprocess.call([sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={workspace}", *args.lab_args],
                           cwd=workspace)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    parser.add_argument("--work", default="build/course", help="folder (under the repository) for nbgrader's files")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="build the course, simulate a cohort, grade it, print a table")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("release", help="generate and release modules (all by default)")
    p.add_argument("modules", nargs="*")
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("collect", help="collect submissions of a module from the exchange")
    p.add_argument("module")
    p.set_defaults(func=cmd_collect)
    for name, func in (("autograde", cmd_autograde), ("feedback", cmd_feedback)):
        p = sub.add_parser(name, help=f"{name} a module's submissions")
        p.add_argument("module")
        p.add_argument("trainees", nargs="*")
        p.set_defaults(func=func)
    p = sub.add_parser("export", help="export the gradebook as nbgrader's CSV")
    p.add_argument("--to", default=str(REPO / "build" / "grades.csv"))
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("lab", help="open JupyterLab on a trainee's copy of the course")
    p.add_argument("lab_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_lab)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
