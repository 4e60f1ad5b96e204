"""deploy/bench_hub.py on a tiny class: two trainees open m00 at once on the hub; what make bench reports is there.

No time is asserted (a benchmark's numbers are reported, never tested): only that both trainees' servers
started, each fetched m00, opened it and ran its setup cell, and that the figures written are consistent.
"""
from __future__ import annotations

import json

import pytest

from tests.deploy.test_jupyterhub import load_deploy, localhub  # noqa: F401 (localhub: a fixture)

pytestmark = [pytest.mark.slow, pytest.mark.hub]


def test_two_trainees_open_the_module_at_once_and_the_bench_writes_its_figures(localhub, tmp_path):  # noqa: F811
    result = load_deploy("bench_hub").run(2, tmp_path)
    written = json.loads((tmp_path / "hub.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(result))
    assert written["trainees"] == 2 and written["module"] == "m00-orientation"
    seconds = written["seconds"]
    assert 0 < seconds["all_servers_ready"] <= seconds["all_trainees_can_answer"]
    assert 0 < written["each_trainee_waits_s"]["p50"] <= written["each_trainee_waits_s"]["max"]
    assert all(written["steps_s_median"][step] > 0 for step in ("fetch", "open", "first_cell"))
    assert written["each_trainee_waits_s"]["max"] == seconds["all_trainees_can_answer"]
    memory = written["memory_per_trainee_mb"]
    assert 50 < memory["pss_mean"] <= memory["pss_max"]     # a server and a kernel that imported the course
    assert written["trainees_per_gb"] == pytest.approx(1024 / memory["pss_mean"], abs=0.06)
    assert "trainees per GiB" in (tmp_path / "hub.txt").read_text(encoding="utf-8")
