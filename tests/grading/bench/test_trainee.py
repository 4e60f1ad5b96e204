"""The trainee part of the bench: its stages add up, answers reach the disk, written answers wait for a pause.

A benchmark reports, never asserts speed: these tests check what it measures
and writes, not how fast anything was.
"""
from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

from grading.bench import trainee as bench_trainee  # noqa: E402


def test_answer_latency_measures_real_saves_and_the_written_answer_ends_on_disk():
    result = bench_trainee.answer_latency(changes=12)
    assert result["changes"] == 12
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert set(result["write_parts_p50_ms"]) == {"json", "write", "fsync", "replace"}
    assert result["keystrokes"] == 101 and result["free_text_on_disk"] is True
    assert 1 <= result["free_text_writes"] < result["keystrokes"] / 5  # not one write per key


def test_a_module_runs_staged_and_the_table_and_json_are_written(tmp_path, monkeypatch):
    m00 = [p for p in bench_trainee.core_notebooks() if p.parent.name == "m00-orientation"]
    monkeypatch.setattr(bench_trainee, "answer_latency", lambda changes: {
        "changes": changes, "p50_ms": 1.0, "p95_ms": 2.0, "max_ms": 3.0, "keystrokes": 101,
        "free_text_writes": 5, "free_text_on_disk": True,
        "write_parts_p50_ms": {"json": 0.1, "write": 0.1, "fsync": 0.5, "replace": 0.1}})
    result = bench_trainee.run(m00, changes=3, to=tmp_path)
    (module,) = result["modules"]
    assert module["module"] == "m00-orientation"
    assert set(module["stages"]) == set(bench_trainee.STAGES)
    assert module["stages"]["kernel_start"] > 0 and module["stages"]["figure_render"] > 0  # m00 draws figures
    assert module["stages"]["widgets"] > 0 and module["first_cell_ready_seconds"] > 0 and module["kernel_peak_mb"] > 50
    assert json.loads((tmp_path / "trainee.json").read_text())["modules"][0]["module"] == "m00-orientation"
    table = (tmp_path / "trainee.txt").read_text()
    assert "figures: render" in table and "m00" in table and "p95 2.0 ms" in table
