"""The benchmark's own machinery: synthetic submissions, both grading paths, the JSON it writes."""
import json
import shutil
from pathlib import Path

import pytest

from grading import bench

REPO = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.slow


def test_a_small_bench_compares_both_paths_on_the_same_submissions(tmp_path, monkeypatch):
    shutil.copytree(REPO / "notebooks" / "m00-orientation", tmp_path / "notebooks" / "m00-orientation")
    monkeypatch.setattr(bench, "REPO", tmp_path)
    out = tmp_path / "autograde.json"
    assert bench.main(["--trainees", "3", "--jobs", "2", "--to", str(out)]) == 0
    (result,) = json.loads(out.read_text())["results"]
    assert result["trainees"] == 3 and result["failures"] == 0
    assert result["identical_scores"] is True and result["himaya_path"] == "no kernel"
    assert result["speedup"] == pytest.approx(result["baseline_seconds"] / result["himaya_seconds"], rel=0.02)
    answers = sorted((tmp_path / "build" / "bench" / "m00-orientation" / "submitted").glob("*/*/himaya-answers.json"))
    assert len(answers) == 3 and all(json.loads(p.read_text())["trainee"] == p.parent.parent.name for p in answers)
