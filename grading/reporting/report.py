"""The cohort report: one self-contained HTML page an instructor can act on.

Figures are drawn with matplotlib and embedded as PNG data, so the file can
be mailed or archived on its own.  Sections: scores per module and
completion per trainee; Moodle's item analysis per module with items to
revise flagged; per written item, the rubric criteria most trainees miss (what to teach again:
grading/reporting/criteria.py); a trainee × outcome mastery heat map; the knowledge check's learning
gain before and after (grading/reporting/gain.py); two graders' agreement
on double-marked written answers and the disagreements to settle
(grading/reporting/agreement.py); results by ministry and country;
submissions to look at (tampering found by the grader, what else it
noticed in a trainee's files (grading/reporting/findings.py), evidence of
copying with its reasons, late submissions and their penalty under the
course's late policy, written answers awaiting a grade).  Every label is drawn
as plain text (:data:`PLAIN_TEXT`), and the page runs no script (its
Content-Security-Policy).  Scores are after
the late penalty, as in grades.csv; the item analysis uses the items' marks.
"""
from __future__ import annotations

import base64
import io
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from curriculum.figures import PALETTE, use_course_style  # noqa: E402

from .cohort import Cohort  # noqa: E402
from ..late import describe_delay  # noqa: E402
from ..preprocessors import AUDIT_LABELS  # noqa: E402
from .statistics import item_statistics, test_statistics  # noqa: E402
from . import gain as learning_gain  # noqa: E402
from . import agreement as double_marking  # noqa: E402
from . import criteria as missed_criteria  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Every label is drawn as the text it is: a trainee id, ministry or module name with ``$…$`` is no
#: formula for matplotlib's mathtext (one that does not parse would stop the whole report) nor for TeX.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def score_distributions(cohort: Cohort) -> str:
    modules = list(cohort.modules.values())
    columns = min(4, len(modules))  # a course of 14 modules wraps onto rows of four
    rows = -(-len(modules) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(max(4.5, 3.6 * columns), 2.6 * rows + 0.4), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[len(modules):]:
        ax.set_visible(False)
    for ax, results in zip(axes.flat, modules):
        shares = [100 * results.final(t) / results.max_total for t in results.marks] if results.max_total else []
        ax.hist(shares, bins=np.linspace(0, 100, 11), color=PALETTE[0], edgecolor="white")
        ax.set_title(results.module, fontsize=9)
        ax.set_xlabel("score (% of max)")
        ax.set_xlim(0, 100)
    for row in axes:
        row[0].set_ylabel("trainees")
    return _png(fig)


def completion(cohort: Cohort) -> str:
    """Trainee × module: score share, blank where nothing was submitted."""
    modules = list(cohort.modules)
    grid = np.full((len(cohort.trainees), len(modules)), np.nan)
    for j, module in enumerate(modules):
        results = cohort.modules[module]
        for i, trainee in enumerate(cohort.trainees):
            if trainee in results.marks and results.max_total:
                grid[i, j] = results.final(trainee) / results.max_total
    return _heatmap(grid, cohort.trainees, modules, "share of the module's points (blank: not submitted)")


def mastery(cohort: Cohort) -> str:
    outcomes = list(cohort.outcomes)
    grid = np.array([[np.nan if (m := cohort.mastery(t, o)) is None else m for o in outcomes]
                     for t in cohort.trainees], dtype=float)
    return _heatmap(grid, cohort.trainees, outcomes, "mastery: share of the outcome's points earned")


def _heatmap(grid, rows, cols, label) -> str:
    longest = max((len(str(c)) for c in cols), default=0)  # room for the rotated column labels
    fig, ax = plt.subplots(figsize=(max(4, 0.55 * len(cols) + 2.5), max(2.5, 0.32 * len(rows) + 1.2) + 0.07 * longest),
                           layout="constrained")
    cmap = matplotlib.colormaps["cividis"].with_extremes(bad="#f2f2f2")  # readable with colour-blindness
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    for (i, j), value in np.ndenumerate(grid):
        if not np.isnan(value):
            ax.text(j, i, f"{100 * value:.0f}", ha="center", va="center", fontsize=7,
                    color="white" if value < 0.55 else "black")
    fig.colorbar(image, ax=ax, label=label, shrink=0.8)
    return _png(fig)


def by_group(cohort: Cohort, attribute: str) -> tuple[list[dict], str | None]:
    """Mean score share per ministry or country and module, with counts."""
    if not cohort.roster:
        return [], None
    groups = sorted({getattr(t, attribute) for t in cohort.roster.values()})
    rows = []
    for group in groups:
        members = [t for t, info in cohort.roster.items() if getattr(info, attribute) == group]
        row = {"group": group, "trainees": len(members), "modules": {}}
        for module, results in cohort.modules.items():
            done = [t for t in members if t in results.marks]
            shares = [results.final(t) / results.max_total for t in done] if results.max_total else []
            row["modules"][module] = {"submitted": len(done),
                                      "mean": (100 * sum(shares) / len(shares)) if shares else None}
        rows.append(row)
    modules = list(cohort.modules)
    # tall enough for the bars and for the legend's one line per module (a course has fourteen)
    fig, ax = plt.subplots(figsize=(8, max(0.45 * len(groups) + 1.2, 0.17 * len(modules) + 0.9)), layout="constrained")
    height = 0.8 / max(1, len(modules))
    for k, module in enumerate(modules):
        values = [r["modules"][module]["mean"] or 0 for r in rows]
        ax.barh([i + k * height for i in range(len(rows))], values, height, label=module,
                color=PALETTE[k % len(PALETTE)], hatch="///" if k >= len(PALETTE) else None,
                edgecolor="white", linewidth=0)  # past the palette's colours, hatched: every module its own look
    ax.set_yticks([i + height * (len(modules) - 1) / 2 for i in range(len(rows))], groups, fontsize=8)
    ax.set_xlabel("mean score (% of max)")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()  # same order as the table below it
    fig.legend(fontsize=7, frameon=False, loc="outside right upper")  # beside the bars, never over them
    return rows, _png(fig)


def item_analysis(cohort: Cohort) -> list[dict]:
    sections = []
    for module, results in cohort.modules.items():
        marks = [results.marks[t] for t in sorted(results.marks)]
        if not marks:
            continue
        sections.append({
            "module": module,
            "items": item_statistics(marks, results.max_marks, results.items),
            "test": test_statistics(marks),
        })
    return sections


def to_look_at(cohort: Cohort) -> list[dict]:
    rows = []
    for (module, trainee), audit in sorted(cohort.audits.items()):
        what = []
        for key, label in AUDIT_LABELS.items():
            value = audit.get(key)
            if value and isinstance(value, int):
                what.append(f"{value} {label}")
            elif value:
                what.append(f"{label}: {', '.join(map(str, value))}")
        rows.append({"module": module, "trainees": trainee, "kind": "tampering (restored; scored on answers only)",
                     "detail": "; ".join(what)})
    for finding in sorted(cohort.findings, key=lambda f: (f.module, f.trainee)):
        rows.append({"module": finding.module or "all", "trainees": finding.trainee, "kind": finding.kind,
                     "detail": finding.reason})
    for suspicion in cohort.copying:
        rows.append({"module": suspicion.module, "trainees": ", ".join(suspicion.trainees), "kind": "possible copying",
                     "detail": "; ".join(suspicion.reasons)})
    for module, results in cohort.modules.items():
        for trainee, late in sorted(results.late.items()):
            if late:
                penalty = results.penalty.get(trainee, 0.0)
                rows.append({"module": module, "trainees": trainee, "kind": "late submission",
                             "detail": f"{describe_delay(results.seconds_late.get(trainee, 0.0))} after the due date; "
                                       + (f"penalty {penalty:g} of {results.total(trainee):g} points" if penalty
                                          else "no penalty")})
        for trainee, pending in sorted(results.needs_grading.items()):
            if pending:
                rows.append({"module": module, "trainees": trainee, "kind": "written answer to grade",
                             "detail": "open formgrader"})
    return rows


def render(cohort: Cohort, path: Path, title: str = "Himaya cohort report") -> Path:
    """Write the report to ``path`` and return it."""
    use_course_style()
    with matplotlib.rc_context(PLAIN_TEXT):
        figures = _figures(cohort)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["agreement_label"] = double_marking.label  # agreement.html.j2: a criterion's row
    html = env.get_template("report.html.j2").render(
        title=title, generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        cohort=cohort, modules=list(cohort.modules.values()), analysis=item_analysis(cohort), look=to_look_at(cohort),
        **figures,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def _figures(cohort: Cohort) -> dict:
    ministries, ministry_figure = by_group(cohort, "ministry")
    countries, country_figure = by_group(cohort, "country")
    return dict(
        distributions=score_distributions(cohort) if cohort.modules else None,
        completion=completion(cohort) if cohort.modules and cohort.trainees else None,
        mastery=mastery(cohort) if cohort.outcomes and cohort.trainees else None,
        ministries=ministries, ministry_figure=ministry_figure, countries=countries, country_figure=country_figure,
        gain_figures={k: _png(f) for k, f in learning_gain.figures(cohort.gain).items()} if cohort.gain else {},
        criteria_figures={k: _png(f) for k, f in missed_criteria.figures(cohort.criteria).items()},
        teach_again=missed_criteria.TEACH_AGAIN,
    )
