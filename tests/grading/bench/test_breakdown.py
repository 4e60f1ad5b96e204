"""Where a lab's grading time goes (grading/bench/breakdown.py): parts that add up, and nothing left wrapped."""
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def test_the_parts_of_grading_a_lab_add_up_to_its_wall_time_and_the_methods_are_restored(tmp_path):
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.converters import Autograde

    from grading.bench.autograde import make_submissions
    from grading.bench.breakdown import PARTS, lab_breakdown
    from grading.config import Layout
    from grading.course import Course

    module = "m04a-analysis-lab"
    shutil.copytree(REPO / "notebooks" / module, tmp_path / "notebooks" / module)
    course = Course(Layout(root=tmp_path, work="build"))
    course.release(module)
    trainees = make_submissions(course, module, 2)
    before = (Preprocessor.__call__, Autograde.init_assignment)
    found = lab_breakdown(course, module, trainees)
    assert (Preprocessor.__call__, Autograde.init_assignment) == before
    assert found["notebooks"] == found["graded"] == 2 and set(found["per_notebook_s"]) == set(PARTS)
    per = found["per_notebook_s"]
    assert per["kernel"] > 0.2 and all(per[p] >= 0 for p in PARTS), per   # the cells ran, in a kernel
    assert sum(per.values()) * 2 == pytest.approx(found["wall_seconds"], abs=0.05)
    assert sum(found["share"].values()) == pytest.approx(1.0, abs=0.01)
    assert len(course.scores(module)) == 2          # graded for real: the gradebook holds both
