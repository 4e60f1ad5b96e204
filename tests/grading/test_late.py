"""The late policy: a grace period and a penalty, the same in nbgrader's gradebook, feedback and grades.csv."""
from __future__ import annotations

import csv
import re
import warnings
from datetime import datetime, timedelta

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties, GetGrades
from traitlets.config import Config

from grading.config import configure
from grading.course import Course
from grading.late import LatePolicy, describe_delay

MODULE = "m99-fixture"  # the fixture course (tests/grading/conftest.py)
HOUR = 3600
DUE = datetime(2026, 12, 1, 17, 0)


def policy(**settings) -> LatePolicy:
    return LatePolicy(config=Config({"LatePolicy": settings}))


def test_within_the_grace_period_is_on_time():
    p = policy(grace_minutes=60, penalty_method="zero")
    assert not p.is_late(0) and not p.is_late(59 * 60) and not p.is_late(None)
    assert p.penalty(8, 59 * 60) == 0.0
    assert p.is_late(61 * 60) and p.penalty(8, 61 * 60) == 8


def test_a_fraction_per_started_day_after_the_grace_period():
    p = policy(grace_minutes=60, penalty_method="per_day", per_day=0.1)
    assert p.days_late(HOUR + 1) == 1 and p.days_late(25 * HOUR) == 1 and p.days_late(25 * HOUR + 1) == 2
    assert p.penalty(10, 2 * HOUR) == 1.0
    assert p.penalty(10, 27 * HOUR) == 2.0
    assert p.penalty(10, 30 * 24 * HOUR) == 10  # never more than the score
    assert p.penalty(0, 27 * HOUR) == 0.0


def test_none_flags_without_penalty():
    p = policy(penalty_method="none")
    assert p.is_late(3 * HOUR) and p.penalty(10, 3 * HOUR) == 0.0
    assert "flagged, not penalised" in p.describe()


def test_nbgraders_hook_returns_none_when_nothing_is_taken():
    p = policy(grace_minutes=60)
    assert p.late_submission_penalty("t1", 5.0, 30 * 60) is None
    assert p.late_submission_penalty("t1", 5.0, 27 * HOUR) == 1.0


def test_bad_settings_are_refused():
    from traitlets import TraitError

    with pytest.raises(TraitError):
        LatePolicy(per_day=1.5)
    with pytest.raises(TraitError):
        LatePolicy(penalty_method="half")


def test_describe_delay():
    assert describe_delay(27 * HOUR) == "1 d 3 h"
    assert describe_delay(2 * HOUR + 5 * 60) == "2 h 5 min"
    assert describe_delay(40 * 60) == "40 min"


def test_the_course_configures_the_policy_for_autograde_and_feedback(tmp_path):
    c = configure(Config())
    assert c.AssignLatePenalties.plugin_class is LatePolicy
    assert c.GenerateFeedback.preprocessors[0] is AssignLatePenalties
    assert c.GenerateFeedback.preprocessors.index(AssignLatePenalties) < c.GenerateFeedback.preprocessors.index(GetGrades)
    assert LatePolicy(config=c).describe() == (
        "60 minutes' grace after the due date; a later submission loses 10 % of its score per started day")


@pytest.fixture
def late_submission(layout):
    """t1 submitted 1 d 3 h after the due date; the widget items autograded (2 points), the written answer not yet."""
    with Gradebook(layout.db_url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_assignment(MODULE, duedate=DUE)
        gb.add_student("t1")
        gb.add_submission(MODULE, "t1", timestamp=DUE + timedelta(days=1, hours=3))
        for grade in gb.find_submission_notebook(MODULE, MODULE, "t1").grades:
            grade.auto_score = {"m99-q1": 1.0, "m99-q2": 1.0}.get(grade.name, 0.0)
            grade.needs_manual_grade = grade.name == "m99-q8"
        gb.db.commit()
    return layout


def _nbgrader_penalty(layout) -> float:
    """What nbgrader's AssignLatePenalties records and GetGrades hands the feedback page, as generate_feedback runs them."""
    resources = {"nbgrader": {"student": "t1", "assignment": MODULE, "notebook": MODULE, "db_url": layout.db_url}}
    nb = nbformat.read(str(layout.root / "notebooks" / MODULE / f"{MODULE}.ipynb"), as_version=4)
    config = configure(Config(), layout)
    for step in (AssignLatePenalties, GetGrades):
        nb, resources = step(config=config).preprocess(nb, resources)
    return resources["nbgrader"]["late_penalty"]


def test_feedback_and_grades_csv_apply_the_same_penalty_after_manual_grading(late_submission, tmp_path):
    """Autograde records 20 % of 2 points; once the written answer earns 3, feedback and grades.csv take 20 % of 5."""
    layout = late_submission
    assert _nbgrader_penalty(layout) == pytest.approx(0.4)
    with Gradebook(layout.db_url) as gb:
        written = gb.find_grade("m99-q8", MODULE, MODULE, "t1")
        written.manual_score, written.needs_manual_grade = 3.0, False
        gb.db.commit()
    assert _nbgrader_penalty(layout) == pytest.approx(1.0)
    path = Course(layout).export(tmp_path / "grades.csv")
    row = next(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert (row["raw_score"], row["late_penalty"], row["score"], row["late"]) == ("5", "1", "4", "yes")


def test_release_takes_a_due_date_with_its_time_zone(layout, capsys):
    from grading import cli

    code = cli.main(["--root", str(layout.root), "--work", layout.work, "release", MODULE,
                     "--due", "2026-12-20 17:00 Asia/Amman"])
    assert code == 0, capsys.readouterr().err
    assert "(due 2026-12-20 14:00 UTC)" in capsys.readouterr().out
    with Gradebook(layout.db_url) as gb:
        assert gb.find_assignment(MODULE).duedate == datetime(2026, 12, 20, 14, 0)
    assert cli.main(["--root", str(layout.root), "--work", layout.work, "release", MODULE, "--due", "friday-ish"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert cli.main(["--root", str(layout.root), "--work", layout.work, "release", MODULE,
                     "--due", "2026-12-20 17:00 Mars/Olympus"]) == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err


def test_a_late_submission_through_nbgraders_pipeline(tmp_path):
    """Released with a due date, submitted two days late, autograded, the written answer graded by hand,
    feedback generated: the feedback page, grades.csv and the cohort report take the same 20 % off."""
    import json
    import shutil

    from curriculum.settings import ANSWERS_FILENAME
    from grading.bench.autograde import make_submissions
    from grading.reporting import cohort
    from grading.config import REPO, Layout
    from grading.keys import written_items

    module = "m01-digital-world"  # widget items and a written answer: graded without a kernel
    shutil.copytree(REPO / "notebooks" / module, tmp_path / "notebooks" / module)
    course = Course(Layout(root=tmp_path, work="build"))
    course.release(module, duedate=datetime.utcnow() - timedelta(days=2))  # nbgrader's naive UTC
    (trainee,) = make_submissions(course, module, 1, seed=3)
    path = course.layout.step("submitted") / trainee / module / ANSWERS_FILENAME
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in written_items(course.source / module / f"{module}.ipynb"):
        data["answers"][item] = {"value": "A written answer for the instructor to grade.", "kind": "free",
                                 "time": "2026-12-01T10:00:00+00:00", "changes": 1}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert all(r.ok for r in course.autograde(module, progress=False))
    with Gradebook(course.layout.db_url) as gb:
        submission = gb.find_submission(module, trainee)
        auto = submission.score
        assert submission.late_submission_penalty == pytest.approx(round(0.2 * auto, 2), abs=0.011)
        pending = [g for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade]
        assert pending, "the written answer awaits the instructor"
        for grade in pending:
            grade.manual_score, grade.needs_manual_grade = grade.max_score, False
        gb.db.commit()
        raw = gb.find_submission(module, trainee).score
    assert raw > auto
    assert all(r.ok for r in course.feedback(module, progress=False))
    penalty = LatePolicy(config=course.config).penalty(raw, 2 * 24 * HOUR)
    assert penalty == round(0.2 * raw, 2)
    with Gradebook(course.layout.db_url) as gb:
        assert gb.find_submission(module, trainee).late_submission_penalty == pytest.approx(penalty)
    page = "".join(p.read_text(encoding="utf-8") for p in course.feedback_files(module, trainee))
    assert re.search(rf'class="late-penalty">[^<]*-{re.escape(str(round(penalty, 2)))}\)', page), "feedback"
    row = next(csv.DictReader(course.export(tmp_path / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert (row["late"], row["late_penalty"], row["score"]) == ("yes", f"{penalty:g}", f"{round(raw - penalty, 2):g}")
    found = cohort.gather(course, [module])
    assert found.modules[module].penalty[trainee] == pytest.approx(penalty)
    assert found.modules[module].late[trainee] is True
