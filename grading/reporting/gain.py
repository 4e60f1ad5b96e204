"""Did the training work? The knowledge check's learning gain, for the cohort report (issue #19).

Trainees take the knowledge check before m01 (``pre``) and after m10 (``post``)
in two parallel forms, half the cohort A then B, the other half B then A
(``curriculum.check.form``).  Each check has the same slots: one item per slot in
each form, on the same outcome, for the same points (syllabus.yaml's
``knowledge_check``).

The core is pure functions over a plain table of :class:`Score` rows (trainee,
pre/post, form, slot, outcome, module, score, points), so the statistics are
tested on a cohort worked out by hand; :func:`read` is the thin layer that fills
the table from nbgrader's gradebook.  Definitions, for a group of slots (one
outcome, one module, or the whole check) and a group of trainees (the cohort,
a ministry, a country); a trainee's score is the share of the group's points
they earned, in %:

* **paired**: trainees with both checks.  The pre and post means, the gain and
  the mastery shares are over them only, so the gain is exactly post − pre;
  trainees with only one check are **counted** (``pre_only``, ``post_only``,
  and in :attr:`GainReport.missing` by name), never mixed in unseen.
* **gain**: the mean of each paired trainee's post − pre, in percentage points,
  with its two-sided 95 % confidence interval from Student's t with n − 1
  degrees of freedom (the paired t interval; none with fewer than two trainees).
* **normalised gain, Hake's g**: the *class-average* ⟨g⟩ = (⟨post⟩ − ⟨pre⟩) /
  (100 − ⟨pre⟩) of the paired means, Hake's own definition (Am. J. Phys. 66,
  64, 1998).  Not the mean of per-trainee g: a trainee with a full pre score has
  no g at all (0/0) and one who starts at 90 % moves their g by ±1 with a single
  item, so on a 15-minute check the per-trainee mean is dominated by the
  strongest starters.  None when ⟨pre⟩ is 100 %.
* **mastered**: the share of paired trainees whose score reaches
  ``c.LearningGain.mastery_share`` (curriculum/mastery.py, 80 %), before and after.
* **form check**: at each check, the trainees who took form A against those who
  took form B (Welch's t test and its 95 % interval of A − B).  Forms were
  assigned by chance, so a difference larger than chance means one form is
  harder: each trainee's own gain is then off by that much (up for those who
  took the harder form first, down for the others), while the cohort's gain
  stays fair because half took each order.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

import yaml
from traitlets import Float
from traitlets.config import Configurable

from curriculum.mastery import MASTERY_SHARE

PHASES = ("pre", "post")


class LearningGain(Configurable):
    """Settings of the cohort report's learning-gain section (``c.LearningGain`` in the course's nbgrader_config.py)."""

    mastery_share = Float(
        MASTERY_SHARE, min=0.0, max=1.0, config=True,
        help="Share of a group's points (0–1) a trainee must earn for it to count as mastered; the trainee's "
             "progress page uses c.Progress.mastery_share, by default the same (curriculum/mastery.py).",
    )
    confidence = Float(
        0.95, min=0.5, max=0.999, config=True,
        help="Confidence level of the gain's interval and of the form check (two-sided).",
    )


@dataclass(frozen=True)
class Score:
    """One trainee's score on one slot of one check."""

    trainee: str
    phase: str      # "pre" or "post"
    form: str       # "A" or "B": the form this trainee took at this check
    slot: str       # kc.q01
    outcome: str    # m01.o1
    module: str     # m01-digital-world
    score: float
    points: float


@dataclass(frozen=True)
class Gain:
    """The learning gain of one group of slots for one group of trainees (scores in %, gain in points)."""

    group: str
    paired: int
    pre_only: int
    post_only: int
    pre: float | None
    post: float | None
    gain: float | None
    low: float | None
    high: float | None
    g: float | None
    mastered_pre: float | None   # share 0–1 of the paired trainees
    mastered_post: float | None
    neither: int = 0             # trainees of the group (roster) who took no check

    @property
    def interval_excludes_zero(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class FormCheck:
    """Form A against form B at one check (scores in %, difference A − B in points)."""

    phase: str
    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    difference: float | None
    low: float | None
    high: float | None
    p: float | None
    confidence: float = 0.95

    @property
    def differs(self) -> bool | None:
        """True when the forms differ by more than chance at this check (None: too few trainees to tell)."""
        return None if self.p is None else self.p < 1 - self.confidence

    def meaning(self) -> dict[str, str]:
        """What an instructor should take from it, in both languages."""
        if self.differs is None:
            return {"en": "Too few trainees on one form to compare the forms.",
                    "ar": "عدد المتدرّبين على أحد النموذجين قليل جدًّا للمقارنة بين النموذجين."}
        if not self.differs:
            return {"en": "No sign that one form is harder: the difference is within chance.",
                    "ar": "لا دليل على أن أحد النموذجين أصعب: الفرق في حدود الصدفة."}
        harder = "B" if self.difference > 0 else "A"
        return {"en": f"Form {harder} looks harder: each trainee's own gain is off by about this much (the cohort's "
                      f"gain is not, since half took each order). Review form {harder}'s items.",
                "ar": f"يبدو النموذج {harder} أصعب: مكسب كل متدرّب وحده منحرف بهذا القدر تقريبًا (أما مكسب الدفعة فلا، "
                      f"لأن نصفها أخذ كل ترتيب). راجع أسئلة النموذج {harder}."}


@dataclass
class GainReport:
    """Everything the report's learning-gain section shows."""

    pre: str
    post: str
    overall: Gain
    outcomes: list[Gain]
    modules: list[Gain]
    ministries: list[Gain] = field(default_factory=list)
    countries: list[Gain] = field(default_factory=list)
    forms: list[FormCheck] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)   # (trainee, "pre only" / "post only" / "neither")
    outcome_text: dict[str, dict] = field(default_factory=dict)    # outcome id -> {"en", "ar"}
    mastery_share: float = MASTERY_SHARE
    confidence: float = 0.95


# -- the statistics -----------------------------------------------------------------------------------------------
def shares(scores: Iterable[Score], select: Callable[[Score], bool] = lambda s: True) -> dict[tuple[str, str], float]:
    """(trainee, phase) → % of the selected slots' points earned."""
    earned, points = defaultdict(float), defaultdict(float)
    for s in scores:
        if select(s):
            earned[(s.trainee, s.phase)] += s.score
            points[(s.trainee, s.phase)] += s.points
    return {key: 100 * earned[key] / points[key] for key in points if points[key] > 0}


def paired_interval(differences: list[float], confidence: float = 0.95) -> tuple[float | None, float | None]:
    """The t interval of the mean of paired differences (None, None with fewer than two)."""
    if len(differences) < 2:
        return None, None
    from scipy import stats

    mean = sum(differences) / len(differences)
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (len(differences) - 1))
    half = stats.t.ppf((1 + confidence) / 2, len(differences) - 1) * sd / math.sqrt(len(differences))
    return float(mean - half), float(mean + half)


def hake(pre: float | None, post: float | None) -> float | None:
    """Hake's class-average normalised gain from mean scores in % (None at a 100 % pre mean)."""
    if pre is None or post is None or pre >= 100 - 1e-9:
        return None
    return (post - pre) / (100 - pre)


def gain(group: str, scores: list[Score], select: Callable[[Score], bool] = lambda s: True,
         trainees: Iterable[str] | None = None, mastery_share: float = MASTERY_SHARE,
         confidence: float = 0.95) -> Gain:
    """The learning gain of the selected slots for ``trainees`` (all in ``scores`` by default)."""
    found = shares(scores, select)
    members = set(trainees) if trainees is not None else {t for t, _ in found}
    pre = {t: v for (t, phase), v in found.items() if phase == "pre" and t in members}
    post = {t: v for (t, phase), v in found.items() if phase == "post" and t in members}
    both = sorted(set(pre) & set(post))
    took_any = {s.trainee for s in scores}  # a trainee who took a check, though not these slots, is not "neither"
    mean = (lambda values: sum(values) / len(values) if values else None)
    pre_mean, post_mean = mean([pre[t] for t in both]), mean([post[t] for t in both])
    low, high = paired_interval([post[t] - pre[t] for t in both], confidence)
    bar = 100 * mastery_share - 1e-9
    return Gain(
        group=group, paired=len(both), pre_only=len(set(pre) - set(post)), post_only=len(set(post) - set(pre)),
        pre=pre_mean, post=post_mean, gain=None if pre_mean is None else post_mean - pre_mean, low=low, high=high,
        g=hake(pre_mean, post_mean),
        mastered_pre=mean([float(pre[t] >= bar) for t in both]), mastered_post=mean([float(post[t] >= bar) for t in both]),
        neither=len(members - took_any),
    )


def form_check(scores: list[Score], phase: str, confidence: float = 0.95) -> FormCheck:
    """Form A against form B at ``phase`` (Welch's t test on the trainees' whole-check scores)."""
    forms = {(s.trainee, s.phase): s.form for s in scores}
    found = {key: v for key, v in shares(scores).items() if key[1] == phase}
    a = [v for key, v in sorted(found.items()) if forms[key] == "A"]
    b = [v for key, v in sorted(found.items()) if forms[key] == "B"]
    mean = (lambda values: sum(values) / len(values) if values else None)
    result = FormCheck(phase, len(a), len(b), mean(a), mean(b),
                       None if not a or not b else mean(a) - mean(b), None, None, None, confidence)
    if len(a) < 2 or len(b) < 2:
        return result
    from scipy import stats

    test = stats.ttest_ind(a, b, equal_var=False)
    if math.isnan(test.pvalue):  # no spread on either form: nothing to tell chance from a difference
        return result
    interval = test.confidence_interval(confidence)
    return FormCheck(phase, len(a), len(b), mean(a), mean(b), mean(a) - mean(b),
                     float(interval.low), float(interval.high), float(test.pvalue), confidence)


def analyse(scores: list[Score], pre: str = "pre", post: str = "post", trainees: Iterable[str] = (),
            roster: dict | None = None, settings: LearningGain | None = None,
            outcome_text: dict[str, dict] | None = None) -> GainReport:
    """Every table of the section: the whole check, per outcome, per module, per ministry and country, the forms.

    ``trainees``: everyone of the cohort (the gradebook's students), so those who took neither check are counted;
    ``roster``: trainee id → grading.reporting.roster.Trainee (ministry, country), as the rest of the report.
    """
    settings = settings or LearningGain()
    options = dict(mastery_share=settings.mastery_share, confidence=settings.confidence)
    everyone = sorted(set(trainees) | set(roster or {}) | {s.trainee for s in scores})
    outcomes = sorted({s.outcome for s in scores})
    modules = sorted({s.module for s in scores})
    report = GainReport(
        pre=pre, post=post, overall=gain("all", scores, trainees=everyone, **options),
        outcomes=[gain(o, scores, lambda s, o=o: s.outcome == o, **options) for o in outcomes],
        modules=[gain(m, scores, lambda s, m=m: s.module == m, **options) for m in modules],
        forms=[form_check(scores, phase, settings.confidence) for phase in PHASES],
        outcome_text=outcome_text or {}, mastery_share=settings.mastery_share, confidence=settings.confidence,
    )
    if roster:
        for attribute, target in (("ministry", report.ministries), ("country", report.countries)):
            groups = defaultdict(list)
            for trainee in everyone:
                info = roster.get(trainee)
                groups[getattr(info, attribute) if info else "(not on the roster)"].append(trainee)
            target += [gain(name, scores, trainees=members, **options) for name, members in sorted(groups.items())]
    took = {(s.trainee, s.phase) for s in scores}
    for trainee in everyone:
        state = ((trainee, "pre") in took, (trainee, "post") in took)
        if state != (True, True):
            report.missing.append((trainee, {(True, False): "pre only", (False, True): "post only",
                                             (False, False): "neither"}[state]))
    return report


# -- the gradebook ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """The knowledge check as the syllabus declares it (``knowledge_check:``)."""

    pre: str
    post: str
    slots: dict[str, dict]   # slot id -> {"outcome", "points", "module"}


def check_from_syllabus(text: str | None = None) -> Check | None:
    """The syllabus's ``knowledge_check`` block, each outcome's module found in ``modules:`` (None: no check)."""
    if text is None:
        from importlib import resources

        text = resources.files("curriculum").joinpath("syllabus.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    block = data.get("knowledge_check")
    if not block:
        return None
    module_of = {o["id"]: module for module, spec in (data.get("modules") or {}).items()
                 for o in spec.get("outcomes", [])}
    slots = {str(item["id"]): {"outcome": str(item["outcome"]), "points": float(item.get("points", 1)),
                               "module": module_of.get(str(item["outcome"]), str(item["outcome"]).split(".")[0])}
             for item in block.get("items", [])}
    return Check(str(block["pre"]), str(block["post"]), slots)


def read(db_url: str, check: Check, form: Callable[[str, str], str] | None = None) -> list[Score]:
    """Every submitted check's slot scores from nbgrader's gradebook (a slot's grade_id is its id, dot made dash).

    ``form(trainee, assignment)`` says which form a trainee took (default: ``curriculum.check.form``).
    """
    from nbgrader.api import Gradebook, MissingEntry

    if form is None:
        from curriculum.check import form  # K1's: deterministic, half each way
    by_grade_id = {slot.replace(".", "-", 1): slot for slot in check.slots}
    rows = []
    with Gradebook(db_url) as gb:
        for phase, assignment in (("pre", check.pre), ("post", check.post)):
            try:
                submissions = gb.find_assignment(assignment).submissions
            except MissingEntry:
                continue  # not released yet
            for submission in submissions:
                trainee = submission.student.id
                taken = form(trainee, assignment)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        slot = by_grade_id.get(grade.name) or (grade.name if grade.name in check.slots else None)
                        if slot is None:
                            continue
                        spec = check.slots[slot]
                        rows.append(Score(trainee, phase, taken, slot, spec["outcome"], spec["module"],
                                          float(grade.score or 0.0), float(grade.max_score or spec["points"])))
    return rows


def gather(course, trainees: Iterable[str] = (), roster: dict | None = None) -> GainReport | None:
    """The section for ``course`` (None when the syllabus has no knowledge check or no trainee took it)."""
    check = check_from_syllabus()
    if check is None:
        return None
    scores = read(course.layout.db_url, check)
    if not scores:
        return None
    from curriculum import syllabus

    text = {o.id: o.text for module in syllabus.load().values() for o in module.outcomes}
    return analyse(scores, check.pre, check.post, trainees=trainees, roster=roster,
                   settings=LearningGain(config=course.config), outcome_text=text)


# -- figures --------------------------------------------------------------------------------------------------------
def figures(report: GainReport) -> dict:
    """Matplotlib figures of the section (the report turns them into PNG data, as its own)."""
    import matplotlib.pyplot as plt

    from curriculum.figures import PALETTE

    out = {}
    # before → after per outcome: one line per outcome, its two ends the paired means
    rows = [g for g in report.outcomes if g.paired]
    if rows:
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.3), layout="constrained")
        for i, g in enumerate(rows):
            ax.plot([g.pre, g.post], [i, i], color="#9aa5b1", linewidth=2, zorder=1)
        ax.scatter([g.pre for g in rows], range(len(rows)), color=PALETTE[1], s=36, label="before (pre check)", zorder=2)
        ax.scatter([g.post for g in rows], range(len(rows)), color=PALETTE[0], s=36, label="after (post check)", zorder=3)
        ax.set_yticks(range(len(rows)), [g.group for g in rows], fontsize=8)
        ax.axvline(100 * report.mastery_share, color="#6b7280", linestyle=":", linewidth=1)
        ax.set_xlim(-2, 102)
        ax.set_xlabel("mean score of the trainees who took both checks (% of the outcome's points)")
        ax.invert_yaxis()
        fig.legend(fontsize=8, frameon=False, loc="outside upper center", ncols=2)
        out["gain_outcomes"] = fig
    # the gain with its 95 % interval: the whole check, each module, each ministry
    rows = [("whole check", report.overall)] + [(g.group, g) for g in report.modules] \
        + [(g.group, g) for g in report.ministries]
    rows = [(name, g) for name, g in rows if g.gain is not None]
    if rows:
        fig, ax = plt.subplots(figsize=(8, 0.34 * len(rows) + 1.3), layout="constrained")
        for i, (name, g) in enumerate(rows):
            colour = PALETTE[0] if g.interval_excludes_zero else "#6b7280"
            if g.low is not None:  # a gain lies between −100 and +100 points: a wider interval is drawn to the edge
                ax.plot([max(g.low, -100), min(g.high, 100)], [i, i], color=colour, linewidth=2)
                for end, marker in ((g.low, "<"), (g.high, ">")):
                    if abs(end) > 100:
                        ax.scatter([100 if end > 0 else -100], [i], color=colour, marker=marker, s=30)
            ax.scatter([g.gain], [i], color=colour, s=36, marker="o" if g.low is not None else "D", zorder=3)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-104, 104)
        ax.set_yticks(range(len(rows)), [f"{name} (n={g.paired})" for name, g in rows], fontsize=8)
        ax.set_xlabel(f"gain, post − pre (percentage points), with its {100 * report.confidence:.0f} % interval "
                      "(diamond: one trainee, no interval; arrow: the interval goes past ±100)")
        ax.invert_yaxis()
        out["gain_intervals"] = fig
    return out
