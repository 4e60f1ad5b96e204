"""The grading page's bench (grading/bench/marking.py) runs on a tiny cohort and writes what make bench reports.

No time is asserted (a benchmark's numbers are reported, never tested): only that the two scripted graders
graded every answer in Chromium, the gradebook holds what their keys meant, and the JSON has its fields.
"""
import json

import pytest

from curriculum.normalize import normalize_text
from grading.bench import marking as bench_marking
from tests.browser.conftest import require_browser
from tests.conftest import in_a_thread

pytestmark = pytest.mark.browser


def test_the_cohort_says_which_criteria_each_answer_meets():
    answers = bench_marking.cohort(40)
    assert {a["lang"] for a in answers.values()} == {"ar", "en"}
    assert all(set(a["met"]) <= {1, 2, 3} for a in answers.values())
    for a in answers.values():  # each criterion met is there in one of its sentences, none missed is
        for n, sentences in bench_marking.MEETS[a["lang"]].items():
            found = any(normalize_text(s) in normalize_text(a["text"]) for s in sentences)  # diacritics typed
            assert found == (n in a["met"]), a
    assert bench_marking.cohort(40) == answers   # the same cohort every run


def test_the_bench_runs_on_a_tiny_cohort_and_writes_its_json(tmp_path):
    require_browser()
    result = in_a_thread(lambda: bench_marking.run(6, to=tmp_path, work="build/test-bench-marking"))
    written = json.loads((tmp_path / "marking.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(result))
    assert written["trainees"] == 6 and written["graded"] == 6 and written["gradebook_as_meant"] is True
    timing = written["key_to_next_answer"]
    assert {"p50_ms", "p95_ms", "max_ms", "answers", "by_order"} <= set(timing)
    assert set(timing["by_order"]) == {"random", "similar"} and timing["answers"] >= 4
    assert timing["p50_ms"] > 0 and timing["p95_ms"] >= timing["p50_ms"]
    presses = written["key_presses"]
    assert presses["per_answer"] >= presses["criteria_met_plus_one"] > 0
    assert "Enter → next answer shown" in (tmp_path / "marking.txt").read_text(encoding="utf-8")
