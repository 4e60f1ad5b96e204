"""A written answer is saved when the trainee pauses (curriculum/pause.py), on a clock moved by hand.

No sleeping: ``pause.clock`` is a ManualClock's, as the kernel's event loop
would run it; every write of the answers file is counted.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from curriculum import answers, pause
from curriculum.exercises import FreeText, SingleChoice
from curriculum.settings import ANSWERS_FILENAME, settings

from tests.conftest import in_a_thread

ESSAY = {"ar": "صف ما ستفعله أولًا", "en": "Describe what you would do first"}
TEXT = ("أطمئن الطفل وأبقيه آمنًا، ثم أحفظ ما تعرضه الشاشة دون لمس الهاتف، وأطلب من المنصة حفظ الحساب قبل الحظر. "
        * 2)[:101]
KEY = 0.15  # seconds between keystrokes


@pytest.fixture
def clock(monkeypatch):
    manual = pause.ManualClock()
    monkeypatch.setattr(pause, "clock", manual.call_later)
    return manual


@pytest.fixture
def writes(monkeypatch):
    """The texts of m03.f1 each write put on disk, in order."""
    written = []
    real = answers.write

    def counting(path, content):
        real(path, content)
        written.append(content.value("m03.f1"))
    monkeypatch.setattr(answers, "write", counting)
    return written


def on_disk(item="m03.f1"):
    path = settings.answers_path
    return json.loads(path.read_text(encoding="utf-8"))["answers"].get(item, {}).get("value") if path.exists() else None


def type_into(exercise, text, clock, start=0):
    for n in range(start + 1, len(text) + 1):
        clock.advance(KEY)
        exercise._area.value = text[:n]


def test_101_keystrokes_make_a_handful_of_writes_and_the_text_is_on_disk(clock, writes):
    """Before: one write per keystroke (101).  Now: one per pause, and one per text_max_unsaved of steady typing."""
    ex = FreeText("m03.f1", ESSAY)
    for n in range(1, len(TEXT) + 1):
        clock.advance(KEY)
        ex._area.value = TEXT[:n]
        if n % 25 == 0:  # the trainee stops to think
            clock.advance(2.0)
    clock.advance(settings.text_save_delay)
    typing = len(TEXT) * KEY
    assert 1 <= len(writes) <= typing / settings.text_max_unsaved + 5, writes  # 101 keys: 16 at most
    assert writes[-1] == TEXT and on_disk() == TEXT
    assert "حُفظت إجابتك" in ex._status.value


def test_a_sentence_typed_between_pauses_is_one_write(clock, writes):
    ex = FreeText("m03.f1", ESSAY)
    sentences = [TEXT[:20], TEXT[:40], TEXT[:60], TEXT[:80], TEXT]
    for sentence in sentences:  # quick bursts (a pasted or dictated sentence), then a pause
        ex._area.value = sentence
        clock.advance(settings.text_save_delay)
    assert writes == sentences and on_disk() == TEXT


def test_a_steady_typist_never_has_more_than_about_a_second_at_risk(clock, writes):
    ex = FreeText("m03.f1", ESSAY)
    typed_at = {}
    for n in range(1, len(TEXT) + 1):
        clock.advance(KEY)
        ex._area.value = TEXT[:n]
        typed_at[TEXT[:n]] = clock.now
        saved = on_disk() or ""
        at_risk = clock.now - typed_at.get(saved, 0.0) if saved else clock.now
        assert at_risk <= settings.text_max_unsaved + KEY, (n, at_risk)
    assert len(writes) < len(TEXT) / 5  # no write per key: about one every 1.2 s of typing
    clock.advance(settings.text_save_delay)
    assert on_disk() == TEXT


def test_the_status_says_saving_while_pending_then_saved(clock, saved):
    settings.language = "en"
    ex = FreeText("m03.f1", ESSAY)
    ex._area.value = "first, I listen"
    assert "saved when you pause typing" in ex._status.value
    assert on_disk() is None and ex.value == "first, I listen"
    clock.advance(settings.text_save_delay)
    assert on_disk() == "first, I listen"
    assert "Answer saved" in ex._status.value and "pause typing" not in ex._status.value


def test_saving_another_item_writes_the_pending_text_and_says_so(clock, writes):
    settings.language = "en"
    ex = FreeText("m03.f1", ESSAY)
    choice = SingleChoice("m03.q1", ESSAY, {k: {"ar": f"خيار {k}", "en": k} for k in "ab"})
    ex._area.value = "the child first"
    choice.value = "a"  # the trainee leaves the box for another item
    assert on_disk() == "the child first" and on_disk("m03.q1") == "a"
    assert "Answer saved" in ex._status.value
    clock.advance(5)  # the pause's timer was cancelled: nothing more to write
    assert writes == ["the child first"]


def test_a_failed_write_at_the_pause_is_reported_and_the_text_kept(clock, monkeypatch):
    settings.language = "en"
    ex = FreeText("m03.f1", ESSAY)
    with monkeypatch.context() as patch:
        patch.setattr(answers.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
        ex._area.value = "kept"
        clock.advance(settings.text_save_delay)
        assert "Could not save the answer: No space left on device" in ex._status.value
    assert on_disk() is None
    answers.flush_all()  # the kernel shuts down: what waited is written
    assert on_disk() == "kept"


def test_a_value_set_from_code_is_saved_at_once(clock):
    ex = FreeText("m03.f1", ESSAY)
    ex.value = "from code"
    assert on_disk() == "from code"


def test_no_event_loop_saves_every_change_as_before(saved):
    def type_one_letter():
        ex = FreeText("m03.f1", ESSAY)  # pause.clock is the real one: no loop runs in this thread
        ex._area.value = "a"
        return saved("m03.f1")["value"]

    assert in_a_thread(type_one_letter) == "a"


def test_zero_delay_saves_every_keystroke(clock, monkeypatch):
    monkeypatch.setattr(settings, "text_save_delay", 0.0)
    ex = FreeText("m03.f1", ESSAY)
    ex._area.value = "ab"
    assert on_disk() == "ab"


SHUTDOWN = r"""
import asyncio, sys
from curriculum.exercises import FreeText
from curriculum.settings import settings
settings.answers_dir = sys.argv[1]
settings.text_save_delay = 3600.0   # the pause never comes

async def typing():
    ex = FreeText("m03.f1", {"ar": "اكتب", "en": "Write"})
    ex._area.value = "typed before the kernel stopped"
asyncio.run(typing())
"""


def test_pending_text_is_written_when_the_kernel_shuts_down(tmp_path):
    subprocess.run([sys.executable, "-c", SHUTDOWN, str(tmp_path)], check=True, timeout=60)
    data = json.loads((tmp_path / ANSWERS_FILENAME).read_text(encoding="utf-8"))
    assert data["answers"]["m03.f1"]["value"] == "typed before the kernel stopped"


def test_a_real_event_loop_waits_for_the_pause(monkeypatch):
    """Under asyncio (as in ipykernel) nothing is written until the loop has run the timer."""
    import asyncio

    monkeypatch.setattr(settings, "text_save_delay", 0.01)

    async def typing():
        ex = FreeText("m03.f1", ESSAY)
        ex._area.value = "a"
        ex._area.value = "ab"
        assert on_disk() is None
        while ex._pause.pending:  # driven by the loop, not timed: the timer fires, then it is done
            await asyncio.sleep(0)
    in_a_thread(lambda: asyncio.run(typing()))
    assert on_disk() == "ab"


def test_a_kernel_shut_down_writes_the_text_still_waiting(tmp_path):
    """In a real kernel (ipykernel's event loop): typing waits for a pause; a shutdown does not lose it."""
    import os

    import nbformat
    from nbclient import NotebookClient

    cells = ["from curriculum.exercises import FreeText\nfrom curriculum.settings import settings\n"
             "settings.text_save_delay = settings.text_max_unsaved = 3600.0\n"
             "ex = FreeText('m03.f1', {'ar': 'اكتب', 'en': 'Write'})\nex._area.value = 'typed, no pause'",
             "import os\nprint(os.path.exists(settings.answers_path), ex._pause.pending)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = {**os.environ, "HIMAYA_TRAINEE": "t-test", "HIMAYA_ANSWERS_DIR": str(tmp_path), "JUPYTER_PREFER_ENV_PATH": "1"}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    in_a_thread(lambda: client.execute(env=env, stderr=subprocess.DEVNULL))
    assert nb.cells[1].outputs[0]["text"].split() == ["False", "True"]  # waiting for a pause, nothing written
    data = json.loads((tmp_path / ANSWERS_FILENAME).read_text(encoding="utf-8"))  # the kernel has shut down
    assert data["answers"]["m03.f1"]["value"] == "typed, no pause"
