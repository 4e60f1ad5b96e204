"""Saving answers under faults: a full disk, and a kernel killed in the middle of a save.

Whatever happens while an answer is being saved, the answers file on disk
holds either the previous answers or the new ones, never a broken file, and
the trainee is told when a save did not happen.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from curriculum import answers
from curriculum.exercises import SingleChoice
from curriculum.settings import ANSWERS_FILENAME, settings

PROMPT = {"ar": "ما أول خطوة؟", "en": "What is the first step?"}
OPTIONS = {k: {"ar": f"خيار {k}", "en": f"Option {k}"} for k in "abc"}


def saved(folder) -> dict:
    return json.loads((folder / ANSWERS_FILENAME).read_text(encoding="utf-8"))["answers"]


def test_a_full_disk_tells_the_trainee_and_loses_no_earlier_answer(fresh_state, monkeypatch):
    settings.language = "en"
    exercise = SingleChoice("m00.q1", PROMPT, OPTIONS)
    exercise.value = "a"
    assert saved(fresh_state)["m00.q1"]["value"] == "a"

    def full(src, dst):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(answers.os, "replace", full)
        exercise.value = "b"
        assert "Could not save the answer: No space left on device" in exercise._status.value
        assert exercise.value == "b"  # still on screen, to save again
        assert saved(fresh_state)["m00.q1"]["value"] == "a"  # the earlier answer is intact
        assert sorted(p.name for p in fresh_state.iterdir()) == [ANSWERS_FILENAME]  # no temporary left
    exercise.value = "c"  # space again: the next change saves
    assert saved(fresh_state)["m00.q1"]["value"] == "c"
    assert "Answer saved" in exercise._status.value


WRITER = r"""
import sys
from curriculum import answers
path = sys.argv[1]
n = 0
while True:
    n += 1
    big = "x" * (200_000 + n % 7)          # a long written answer: the write takes a while
    answers.write(path, answers.Answers(trainee="t-test", items={
        "m00.q1": {"value": n, "kind": "numeric"}, "m00.q8": {"value": big, "kind": "free"}}))
    print(n, flush=True)
"""


def test_a_kernel_killed_while_saving_leaves_a_whole_file(tmp_path):
    path = tmp_path / ANSWERS_FILENAME
    for attempt in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # at least one save completed
        time.sleep(0.05 + 0.037 * attempt)  # then killed at some point of a later save
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        result = answers.read(path, trainee="t-test")
        assert result.problem is None, result.problem
        assert isinstance(result.items["m00.q1"]["value"], int)
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != ANSWERS_FILENAME]
        # a temporary file cut short may remain; it is never the answers file, and never read
        assert all(name.startswith(".himaya-answers.json.") for name in leftovers)
