"""The autograde bench's own machinery: synthetic submissions, both grading paths, the JSON and table it writes."""
import json
import re
import shutil
from pathlib import Path

import pytest

from grading.bench import autograde as bench

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow
#: two trainees: both grading paths, two at a time, and the breakdown all have more than one notebook
TRAINEES = 2


def test_a_small_bench_compares_both_paths_on_the_same_submissions(tmp_path, monkeypatch, capsys):
    for module in ("m00-orientation", "m04a-analysis-lab"):
        shutil.copytree(REPO / "notebooks" / module, tmp_path / "notebooks" / module)
    monkeypatch.setattr(bench, "REPO", tmp_path)
    out = tmp_path / "autograde.json"
    # the trainee's, JupyterLab's and the grading page's benches have tests of their own (test_trainee.py,
    # test_lab.py, test_marking.py)
    assert bench.main(["--trainees", str(TRAINEES), "--jobs", "2", "--to", str(out), "--no-trainee", "--no-lab",
                       "--no-marking"]) == 0
    # every long step shows its progress, counted in graded notebooks
    shown = capsys.readouterr().err
    for step in ("m00-orientation: nbgrader autograde", "m00-orientation: python -m grading autograde",
                 "m04a-analysis-lab: nbclient alone", "autograde --all"):
        assert re.search(re.escape(step) + rf".*\b{TRAINEES}/{TRAINEES}\b", shown), step
    data = json.loads(out.read_text())
    core, lab = data["results"]
    for result in (core, lab):
        assert result["trainees"] == TRAINEES and result["failures"] == 0
        assert result["identical_scores"] is True
        assert result["speedup"] == pytest.approx(result["baseline_seconds"] / result["himaya_seconds"], rel=0.02)
    assert core["himaya_path"] == "no kernel" and "bare_nbclient_seconds" not in core
    assert lab["module_grades_code"] and lab["himaya_path"] == "executed, 2 at a time"
    parts = lab["breakdown"]  # where a lab notebook's grading time goes, one at a time (grading/bench/breakdown.py)
    assert parts["notebooks"] == parts["graded"] == TRAINEES and parts["per_notebook_s"]["kernel"] > 0
    assert parts["cost_vs_nbclient"] == pytest.approx(
        sum(parts["per_notebook_s"].values()) / parts["nbclient_alone_per_notebook_s"], rel=0.02)
    assert "breakdown" not in core  # a core module runs no kernel
    assert lab["himaya_cost_vs_nbclient"] == pytest.approx(
        lab["himaya_seconds"] * 2 / lab["bare_nbclient_seconds"], rel=0.02)
    answers = sorted((tmp_path / "build" / "bench" / "m00-orientation" / "submitted").glob("*/*/himaya-answers.json"))
    assert len(answers) == TRAINEES and all(json.loads(p.read_text())["trainee"] == p.parent.parent.name for p in answers)
    # every core module (here only m00; the lab is not core), graded with the course's command
    everything = data["all_core_modules"]
    assert list(everything["modules"]) == ["m00-orientation"] and everything["all_graded"]
    assert everything["notebooks"] == TRAINEES and everything["total_seconds"] > 0
    assert "speed-up" in (tmp_path / "autograde.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "trainee.json").exists() and not (tmp_path / "marking.json").exists()  # both skipped


def test_lab_submissions_hold_the_code_each_style_writes(tmp_path):
    from grading.config import Layout
    from grading.course import Course

    shutil.copytree(REPO / "notebooks" / "m04a-analysis-lab", tmp_path / "notebooks" / "m04a-analysis-lab")
    course = Course(Layout(root=tmp_path, work="build"))
    course.release("m04a-analysis-lab")
    trainees = bench.make_submissions(course, "m04a-analysis-lab", 6)
    solved = []
    for trainee in trainees:
        nb = (course.layout.step("submitted") / trainee / "m04a-analysis-lab" / "m04a-analysis-lab.ipynb").read_text()
        solved.append(nb.count("NotImplementedError"))
    source = (tmp_path / "notebooks" / "m04a-analysis-lab" / "m04a-analysis-lab.ipynb").read_text()
    released = (course.release_dir("m04a-analysis-lab") / "m04a-analysis-lab.ipynb").read_text()
    # some wrote every solution (as the source), some left them all as released
    assert min(solved) == source.count("NotImplementedError") < max(solved) == released.count("NotImplementedError")


def test_progress_counts_only_notebooks_graded_by_this_run(tmp_path):
    import os
    import time

    from grading.config import Layout

    layout = Layout(root=tmp_path, work="w")
    for trainee, age in (("t1", 3600), ("t2", 0)):
        folder = layout.step("autograded") / trainee / "m00-orientation"
        folder.mkdir(parents=True)
        (folder / "m00-orientation.ipynb").write_text("{}")
        old = time.time() - age
        os.utime(folder / "m00-orientation.ipynb", (old, old))
    assert bench._graded_since(layout, ["m00-orientation"], time.time() - 60) == 1
    assert bench._graded_since(layout, ["m01-digital-world"], 0) == 0
