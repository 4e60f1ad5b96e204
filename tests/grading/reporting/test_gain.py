"""The knowledge check's learning gain against a small cohort worked out by hand.

Three slots: kc.q1 (m01.o1, 1 point) and kc.q2 (m01.o2, 1 point) in module m01, kc.q3 (m02.o1, 2 points) in m02.
Scores q1, q2, q3 (share of the 4 points):

    trainee  ministry  order  pre            post
    a        X         A→B    0 1 1  (50 %)  1 1 2 (100 %)
    b        X         B→A    0 0 0   (0 %)  1 1 1  (75 %)
    c        Y         A→B    1 0 1  (50 %)  1 1 1  (75 %)
    d        Y         B→A    1 0 0  (25 %)  —              only a pre check
    e        Y         A→B    —              0 1 2  (75 %)  only a post check
    f        Z         B→A    1 1 2 (100 %)  1 1 2 (100 %)  the only trainee of ministry Z
    g        X                —              —              on the roster, took neither

Whole check, paired trainees a, b, c, f: pre (50 + 0 + 50 + 100)/4 = 50, post (100 + 75 + 75 + 100)/4 = 87.5;
differences 50, 75, 25, 0: mean 37.5, squared deviations 156.25 + 1406.25 + 156.25 + 1406.25 = 3125,
s² = 3125/3, s = 32.2749, SE = s/√4 = 16.1374, t(0.975, 3) = 3.182446 → ±51.3565: (−13.8565, 88.8565).
Hake's g = (87.5 − 50)/(100 − 50) = 0.75. Mastered (≥ 80 %): before f = 1/4, after a, f = 2/4.
"""
from __future__ import annotations

import math

import pytest

from grading.reporting import gain
from grading.reporting.gain import Score
from grading.reporting.roster import Trainee

T_975 = {1: 12.706204736, 2: 4.302652730, 3: 3.182446305}   # Student's t, two-sided 95 % (printed tables)

SLOTS = {"kc.q1": ("m01.o1", "m01", 1.0), "kc.q2": ("m01.o2", "m01", 1.0), "kc.q3": ("m02.o1", "m02", 2.0)}
ORDER = {"a": "AB", "b": "BA", "c": "AB", "d": "BA", "e": "AB", "f": "BA"}
TAKEN = {
    ("a", "pre"): (0, 1, 1), ("a", "post"): (1, 1, 2),
    ("b", "pre"): (0, 0, 0), ("b", "post"): (1, 1, 1),
    ("c", "pre"): (1, 0, 1), ("c", "post"): (1, 1, 1),
    ("d", "pre"): (1, 0, 0),
    ("e", "post"): (0, 1, 2),
    ("f", "pre"): (1, 1, 2), ("f", "post"): (1, 1, 2),
}
ROSTER = {t: Trainee(t, t.upper(), ministry, "Country " + ministry, "ar")
          for t, ministry in {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y", "f": "Z", "g": "X"}.items()}


def scores() -> list[Score]:
    rows = []
    for (trainee, phase), marks in TAKEN.items():
        form = ORDER[trainee][0 if phase == "pre" else 1]
        for (slot, (outcome, module, points)), mark in zip(SLOTS.items(), marks):
            rows.append(Score(trainee, phase, form, slot, outcome, module, float(mark), points))
    return rows


@pytest.fixture(scope="module")
def report():
    return gain.analyse(scores(), "kc-check-pre", "kc-check-post", trainees=["a", "b", "c", "d", "e", "f"],
                        roster=ROSTER)


def by_group(rows):
    return {g.group: g for g in rows}


def test_the_whole_check_matches_the_hand_worked_values(report):
    g = report.overall
    assert (g.paired, g.pre_only, g.post_only, g.neither) == (4, 1, 1, 1)
    assert g.pre == pytest.approx(50) and g.post == pytest.approx(87.5) and g.gain == pytest.approx(37.5)
    half = T_975[3] * math.sqrt(3125 / 3) / 2
    assert (g.low, g.high) == (pytest.approx(37.5 - half), pytest.approx(37.5 + half))
    assert (g.low, g.high) == (pytest.approx(-13.8565, abs=1e-4), pytest.approx(88.8565, abs=1e-4))
    assert g.g == pytest.approx(0.75)
    assert (g.mastered_pre, g.mastered_post) == (pytest.approx(0.25), pytest.approx(0.5))
    assert not g.interval_excludes_zero


def test_missing_checks_are_counted_and_named_never_dropped(report):
    assert report.missing == [("d", "pre only"), ("e", "post only"), ("g", "neither")]


def test_per_module(report):
    modules = by_group(report.modules)
    m01, m02 = modules["m01"], modules["m02"]
    # m01 (q1 + q2, 2 points): a 50→100, b 0→100, c 50→100, f 100→100; differences 50, 100, 50, 0
    assert (m01.pre, m01.post, m01.gain, m01.g) == (pytest.approx(50), pytest.approx(100), pytest.approx(50),
                                                    pytest.approx(1.0))
    half = T_975[3] * math.sqrt(5000 / 3) / 2   # squared deviations 0 + 2500 + 0 + 2500
    assert (m01.low, m01.high) == (pytest.approx(50 - half), pytest.approx(50 + half))
    assert (m01.mastered_pre, m01.mastered_post) == (pytest.approx(0.25), pytest.approx(1.0))
    assert (m01.pre_only, m01.post_only) == (1, 1)
    # m02 (q3, 2 points): a 50→100, b 0→50, c 50→50, f 100→100; differences 50, 50, 0, 0
    assert (m02.pre, m02.post, m02.gain, m02.g) == (pytest.approx(50), pytest.approx(75), pytest.approx(25),
                                                    pytest.approx(0.5))
    half = T_975[3] * math.sqrt(2500 / 3) / 2
    assert (m02.low, m02.high) == (pytest.approx(25 - half), pytest.approx(25 + half))
    assert m02.mastered_post == pytest.approx(0.5)


def test_per_outcome(report):
    o1 = by_group(report.outcomes)["m01.o1"]
    # q1: a 0→100, b 0→100, c 100→100, f 100→100
    assert (o1.pre, o1.post, o1.gain, o1.g) == (pytest.approx(50), pytest.approx(100), pytest.approx(50),
                                                pytest.approx(1.0))
    half = T_975[3] * math.sqrt(4 * 2500 / 3) / 2
    assert (o1.low, o1.high) == (pytest.approx(50 - half), pytest.approx(50 + half))
    assert sorted(by_group(report.outcomes)) == ["m01.o1", "m01.o2", "m02.o1"]


def test_per_ministry_including_one_with_a_single_trainee(report):
    ministries = by_group(report.ministries)
    x, y, z = ministries["X"], ministries["Y"], ministries["Z"]
    # X: a 50→100, b 0→75 (differences 50, 75: s = 17.6777, SE = 12.5); g took neither
    assert (x.paired, x.neither, x.pre, x.post, x.gain) == (2, 1, pytest.approx(25), pytest.approx(87.5),
                                                           pytest.approx(62.5))
    assert (x.low, x.high) == (pytest.approx(62.5 - T_975[1] * 12.5), pytest.approx(62.5 + T_975[1] * 12.5))
    assert x.g == pytest.approx(62.5 / 75)
    # Y: only c has both (50→75); d only pre, e only post: one pair, no interval
    assert (y.paired, y.pre_only, y.post_only, y.gain, y.low, y.high) == (1, 1, 1, pytest.approx(25), None, None)
    assert y.g == pytest.approx(0.5)
    # Z: f alone, 100 → 100: a gain of 0, no interval, and no g at a full pre score
    assert (z.paired, z.gain, z.low, z.g) == (1, pytest.approx(0), None, None)
    assert by_group(report.countries)["Country Z"] == z.__class__(**{**z.__dict__, "group": "Country Z"})


def test_form_check_compares_form_a_with_form_b_at_each_check(report):
    pre, post = report.forms
    # pre: form A a, c (50, 50); form B b, d, f (0, 25, 100): mean 41.667, s² = 2708.33.
    # Welch: SE = √(0/2 + 2708.33/3) = 30.046, df = 2 (form A has no spread); t = 8.333/30.046 = 0.27735,
    # two-sided p with 2 df = 1 − t/√(2 + t²) = 0.80755
    assert (pre.phase, pre.n_a, pre.n_b) == ("pre", 2, 3)
    assert (pre.mean_a, pre.mean_b, pre.difference) == (pytest.approx(50), pytest.approx(125 / 3),
                                                        pytest.approx(25 / 3))
    se = math.sqrt((5416.6667 / 2) / 3)
    assert (pre.low, pre.high) == (pytest.approx(25 / 3 - T_975[2] * se, abs=1e-3),
                                   pytest.approx(25 / 3 + T_975[2] * se, abs=1e-3))
    t = (25 / 3) / se
    assert pre.p == pytest.approx(1 - t / math.sqrt(2 + t * t), abs=1e-5)
    assert pre.differs is False and "within chance" in pre.meaning()["en"]
    # post: those who took A first took B: a, c, e (100, 75, 75); b, f took A (75, 100)
    assert (post.n_a, post.n_b, post.mean_a, post.mean_b) == (2, 3, pytest.approx(87.5), pytest.approx(250 / 3))


def test_a_form_clearly_harder_is_said_so():
    rows = [Score(f"t{i}", "pre", "A" if i % 2 else "B", "kc.q1", "m01.o1", "m01", s, 10.0)
            for i, s in enumerate([9, 2, 8, 3, 9, 2, 10, 1, 9, 3])]   # form A (odd) ~20 %, form B (even) ~90 %
    check = gain.form_check(rows, "pre")
    assert check.differs is True and check.difference < 0
    assert "Form A looks harder" in check.meaning()["en"] and "النموذج A" in check.meaning()["ar"]


def test_too_few_to_tell():
    rows = [Score("a", "pre", "A", "kc.q1", "m01.o1", "m01", 1.0, 1.0),
            Score("b", "pre", "B", "kc.q1", "m01.o1", "m01", 0.0, 1.0)]
    check = gain.form_check(rows, "pre")
    assert check.differs is None and check.difference == pytest.approx(100)
    assert gain.gain("all", rows).paired == 0 and gain.gain("all", rows).gain is None


def test_mastery_threshold_is_a_setting():
    lenient = gain.analyse(scores(), settings=gain.LearningGain(mastery_share=0.75))
    assert lenient.overall.mastered_post == pytest.approx(1.0)   # 100, 75, 75, 100 all reach 75 %
    with pytest.raises(Exception, match="mastery_share"):
        gain.LearningGain(mastery_share=1.5)


def test_hake_g_is_the_class_average_and_undefined_at_the_ceiling():
    assert gain.hake(40, 70) == pytest.approx(0.5)
    assert gain.hake(100, 100) is None and gain.hake(None, 50) is None


def test_the_syllabus_block_is_read_with_each_outcomes_module():
    text = """
modules:
  m01-digital-world:
    outcomes: [{id: m01.o1, text: {en: x, ar: y}, items: [m01.q1]}]
knowledge_check:
  pre: kc-check-pre
  post: kc-check-post
  forms: [A, B]
  items:
    - {id: kc.q01, outcome: m01.o1, points: 1}
    - {id: kc.q02, outcome: m01.o1, points: 2}
"""
    check = gain.check_from_syllabus(text)
    assert (check.pre, check.post) == ("kc-check-pre", "kc-check-post")
    assert check.slots["kc.q02"] == {"outcome": "m01.o1", "points": 2.0, "module": "m01-digital-world"}
    assert gain.check_from_syllabus("modules: {}\n") is None


def test_read_takes_each_slot_from_the_gradebook(tmp_path):
    from nbgrader.api import Gradebook

    check = gain.Check("kc-check-pre", "kc-check-post", {
        "kc.q01": {"outcome": "m01.o1", "points": 1.0, "module": "m01"},
        "kc.q02": {"outcome": "m02.o1", "points": 2.0, "module": "m02"}})
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        for assignment in (check.pre, check.post):
            gb.add_assignment(assignment)
            gb.add_notebook(assignment, assignment)
            gb.add_grade_cell("kc-q01", assignment, assignment, max_score=1, cell_type="code")
            gb.add_grade_cell("kc-q02", assignment, assignment, max_score=2, cell_type="code")
        for trainee in ("a", "b"):
            gb.add_student(trainee)
        gb.add_submission(check.pre, "a")
        gb.add_submission(check.pre, "b")
        gb.add_submission(check.post, "a")   # b has only a pre check
        for (assignment, trainee, slot), score in {(check.pre, "a", "kc-q01"): 1, (check.pre, "a", "kc-q02"): 0.5,
                                                   (check.pre, "b", "kc-q02"): 2, (check.post, "a", "kc-q02"): 2}.items():
            gb.find_grade(slot, assignment, assignment, trainee).auto_score = score
        gb.db.commit()
    rows = gain.read(url, check, form=lambda trainee, assignment: "A" if (trainee == "a") == assignment.endswith("pre")
                     else "B")
    found = {(r.trainee, r.phase, r.slot): (r.form, r.score, r.points, r.module) for r in rows}
    assert found[("a", "pre", "kc.q02")] == ("A", 0.5, 2.0, "m02")
    assert found[("a", "post", "kc.q02")] == ("B", 2.0, 2.0, "m02")
    assert found[("b", "pre", "kc.q01")] == ("B", 0.0, 1.0, "m01")   # ungraded counts as 0, as in the report
    assert not any(t == "b" and phase == "post" for t, phase, _ in found)
    result = gain.analyse(rows, trainees=["a", "b"])
    assert result.missing == [("b", "pre only")]
    assert result.overall.gain == pytest.approx(100 * 2 / 3 - 100 * 1.5 / 3)


def test_the_report_shows_the_section_with_its_figures(report, tmp_path):
    import re

    from grading.reporting.cohort import Cohort
    from grading.reporting.report import render

    cohort = Cohort({}, list("abcdefg"), {}, ROSTER, {}, [], gain=report)
    html = render(cohort, tmp_path / "report.html").read_text()
    section = html[html.index("Learning gain"):html.index("By ministry and country")]
    assert "مكسب التعلّم" in section
    assert "a gain of <b>+37.5 points</b> (95 % interval -13.9 to +88.9" in section
    assert "not distinguishable from no change" in section and "Hake's g 0.75" in section
    assert "1 with only the check before, 1 with only the check after,\n1 with neither" in section
    for trainee, took in (("d", "pre only"), ("e", "post only"), ("g", "neither")):
        assert f'<td class="name">{trainee}</td><td class="name">{took}</td>' in section
    assert section.count("No sign that one form is harder") == 2
    assert "fewer than 2" in section   # ministries Y and Z: one pair each, no interval
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', section)
    assert images == ["Mean score before and after, per outcome", "Gain with its confidence interval, per module and ministry"]


def test_without_a_check_the_report_says_how_to_get_one(tmp_path):
    from grading.reporting.cohort import Cohort
    from grading.reporting.report import render

    html = render(Cohort({}, [], {}, {}, {}, []), tmp_path / "report.html").read_text()
    assert "No knowledge check in the gradebook yet" in html
