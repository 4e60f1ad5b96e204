"""JupyterLab's part of the bench (grading/bench/lab.py) on a two-module course: make lab started twice, each module
opened and run in Chromium, the JSON and table written, nothing left running.

No time is asserted (a benchmark's numbers are reported, never tested): only that every figure was measured, the
figures agree with each other, and the lab's server and kernels are gone afterwards.
"""
import json
import shutil
import time
from pathlib import Path

import pytest

from grading.bench import lab as bench_lab
from tests.browser.conftest import require_browser
from tests.conftest import in_a_thread

REPO = Path(__file__).resolve().parents[3]
MODULES = ["m00-orientation", "m01-digital-world"]  # the orientation (every exercise type) and one with figures
pytestmark = pytest.mark.slow


def running_under(folder: Path) -> list[str]:
    """Command lines of this machine's processes that name ``folder`` (the lab's server, its kernels)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended meanwhile
            continue
        if any(str(folder).encode() in word for word in words):
            found.append(b" ".join(words).decode(errors="replace")[:300])
    return found


def test_make_lab_starts_twice_and_each_module_is_timed_in_chromium(tmp_path):
    require_browser()
    root = tmp_path / "course"
    for module in MODULES:
        shutil.copytree(REPO / "notebooks" / module, root / "notebooks" / module)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    result = in_a_thread(lambda: bench_lab.run(lang="ar", to=tmp_path / "bench", root=root))

    written = json.loads((tmp_path / "bench" / "lab.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(result))
    assert written["language"] == "ar" and written["machine"]["cores"] >= 1
    assert len(written["machine"]["load_average"]) == 3
    assert set(written["measured"]) >= {"make_lab", *bench_lab.COLUMNS}

    first, unchanged = written["make_lab"]["first"], written["make_lab"]["unchanged"]
    assert first["released"] == len(MODULES) and unchanged["released"] == 0  # the second start has nothing to release
    for start in (first, unchanged):
        assert 0 < start["release_check_seconds"] < start["seconds"]
        assert start["jupyterlab_seconds"] == pytest.approx(start["seconds"] - start["release_check_seconds"], abs=0.02)
    assert written["lab_page_cold_seconds"] > 0

    assert [m["module"] for m in written["modules"]] == MODULES  # every core module of this course, in order
    for m in written["modules"]:
        assert m["lab_page_seconds"] > 0 and m["run_all_first_seconds"] > 0 and m["run_all_warm_seconds"] > 0
        assert 0 < m["notebook_shown_seconds"] <= m["kernel_idle_seconds"]  # the cells show, then the kernel is idle
        assert m["ready_seconds"] == pytest.approx(m["kernel_idle_seconds"] + m["run_all_first_seconds"], abs=0.02)
        assert m["ready_seconds"] >= m["kernel_idle_seconds"]
        assert m["cells_run"] > 0 and m["widget_outputs"] >= m["exercises_shown"] >= m["graded_items"] > 0
        # the kernel's part ends before the page's, and the two make the whole; each exercise is several models
        assert 0 < m["run_all_kernel_seconds"] < m["run_all_first_seconds"]
        assert m["run_all_browser_seconds"] == pytest.approx(
            m["run_all_first_seconds"] - m["run_all_kernel_seconds"], abs=0.02)
        assert m["kernel_message_lag_seconds"] > -0.01  # one clock, read to the millisecond
        assert m["widget_models"] > m["exercises_shown"]
    for key, spread in written["summary"].items():
        values = [m[key] for m in written["modules"]]
        assert min(values) <= spread["p50"] <= spread["max"] == max(values), key
    verdicts = written["verdicts"]
    assert verdicts["ready_seconds"]["of"] == verdicts["run_all_warm_seconds"]["of"] == len(MODULES)
    assert verdicts["make_lab_unchanged_seconds"]["of"] == 1
    assert verdicts["ready_seconds"]["goal_seconds"] == 3.0 and verdicts["run_all_warm_seconds"]["goal_seconds"] == 2.0

    table = (tmp_path / "bench" / "lab.txt").read_text(encoding="utf-8")
    assert all(module in table for module in MODULES) and all(label in table for label in bench_lab.COLUMNS.values())
    assert "make lab, first start" in table and "make lab, nothing changed" in table and "goals:" in table

    # nothing left running: the kernels were shut down, and make lab's process and its JupyterLab have exited
    assert written["kernels_left"] == 0
    deadline = time.monotonic() + 15
    while running_under(root) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert running_under(root) == []
