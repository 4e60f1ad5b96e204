"""start(): the settings panel of every module (language, trainee id, notices)."""
from __future__ import annotations

import json

import ipywidgets as widgets
import matplotlib

from curriculum import answers, start
from curriculum.exercises import SingleChoice
from curriculum.figures import available_fonts
from curriculum.settings import settings

PROMPT = {"ar": "ما أول خطوة؟", "en": "What is the first step?"}
OPTIONS = {"a": {"ar": "حفظ الأدلة", "en": "Preserve evidence"}, "b": {"ar": "الحذف", "en": "Delete"}}


def parts(panel):
    style, picker, trainee, notice = panel.children
    return style, picker, trainee, notice


def write_file(folder, trainee="t-test", language="ar", **values):
    (folder / "himaya-answers.json").write_text(json.dumps({
        "schema": 1, "trainee": trainee, "language": language,
        "answers": {k: {"value": v, "kind": "single"} for k, v in values.items()},
    }, ensure_ascii=False), encoding="utf-8")


def test_start_returns_the_settings_panel():
    panel = start("m00-orientation")
    assert isinstance(panel, widgets.VBox)
    assert "himaya-session" in panel._dom_classes
    assert panel.module == "m00-orientation"
    style, picker, trainee, notice = parts(panel)
    assert style.value.startswith("<style>") and ".himaya-rtl" in style.value
    assert isinstance(picker, widgets.ToggleButtons)
    assert picker._options_labels == ("العربية", "English")
    assert picker.value == "ar"
    assert trainee.value == "t-test"
    assert notice.value == ""


def test_start_applies_the_course_style():
    start("m00-orientation")
    assert matplotlib.rcParams["font.family"] == available_fonts()


def test_start_shows_the_current_language():
    settings.language = "en"
    _, picker, _, _ = parts(start("m00-orientation"))
    assert picker.value == "en"


def test_language_toggle_updates_settings_and_widgets(tmp_path):
    ex = SingleChoice("m00.q1", PROMPT, OPTIONS)
    _, picker, _, _ = parts(start("m00-orientation"))
    picker.value = "en"
    assert settings.language == "en"
    assert PROMPT["en"] in ex._prompt.value
    assert "himaya-rtl" not in ex._dom_classes
    assert not (tmp_path / "himaya-answers.json").exists()  # nothing answered: no file yet


def test_language_toggle_is_saved_once_an_answer_exists(tmp_path):
    _, picker, _, _ = parts(start("m00-orientation"))
    SingleChoice("m00.q1", PROMPT, OPTIONS).value = "a"
    path = tmp_path / "himaya-answers.json"
    assert json.loads(path.read_text(encoding="utf-8"))["language"] == "ar"
    picker.value = "en"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["language"] == "en"
    assert data["answers"]["m00.q1"]["value"] == "a"
    picker.value = "ar"
    assert json.loads(path.read_text(encoding="utf-8"))["language"] == "ar"
    assert settings.language == "ar"


def test_start_takes_the_language_from_the_answers_file(tmp_path):
    write_file(tmp_path, language="en", **{"m00.q1": "a"})
    _, picker, _, notice = parts(start("m00-orientation"))
    assert settings.language == "en"
    assert picker.value == "en"
    assert notice.value == ""


def test_language_kept_across_a_restart(tmp_path, restart):
    _, picker, _, _ = parts(start("m00-orientation"))
    SingleChoice("m00.q1", PROMPT, OPTIONS).value = "b"
    picker.value = "en"
    restart()
    settings.language = "ar"  # a new kernel starts in its default language
    _, picker, _, _ = parts(start("m00-orientation"))
    assert picker.value == "en"
    assert settings.language == "en"
    ex = SingleChoice("m00.q1", PROMPT, OPTIONS)
    assert ex.value == "b"
    assert ex._radio._options_labels == ("Preserve evidence", "Delete")


def test_corrupt_file_is_moved_aside_and_announced(tmp_path):
    path = tmp_path / "himaya-answers.json"
    path.write_bytes(b'{"schema": 1, "trainee": "t-test", "answ')
    _, _, _, notice = parts(start("m00-orientation"))
    assert not path.exists()
    [backup] = [p for p in tmp_path.iterdir()]
    assert backup.name.startswith("himaya-answers.damaged.")
    assert backup.read_bytes() == b'{"schema": 1, "trainee": "t-test", "answ'
    assert notice.value == (
        '<div class="himaya-status">⚠ ملف الإجابات تالف (JSONDecodeError)؛ تُعدّ الأسئلة غير مُجاب عنها. '
        f"حُفظت نسخة منه باسم {backup.name}.</div>"
    )
    SingleChoice("m00.q1", PROMPT, OPTIONS).value = "a"
    assert answers.read(path, trainee="t-test").value("m00.q1") == "a"


def test_corrupt_file_notice_in_english(tmp_path):
    (tmp_path / "himaya-answers.json").write_bytes(b"\xff\xfe")
    settings.language = "en"
    _, _, _, notice = parts(start("m00-orientation"))
    assert "The answers file is damaged (UnicodeDecodeError); items count as unanswered." in notice.value


def test_foreign_file_is_moved_aside_and_announced(tmp_path):
    write_file(tmp_path, trainee="alice", **{"m00.q1": "a"})
    _, _, _, notice = parts(start("m00-orientation"))
    [backup] = [p.name for p in tmp_path.iterdir()]
    assert backup.startswith("himaya-answers.from-alice.")
    assert f"وُجد ملف إجابات يخص «alice»؛ نُقل إلى {backup} وبدأ ملف جديد لك." in notice.value
    assert SingleChoice("m00.q1", PROMPT, OPTIONS).value is None


def test_trainee_id_change_keeps_the_answers(tmp_path):
    _, _, trainee, _ = parts(start("m00-orientation"))
    SingleChoice("m00.q1", PROMPT, OPTIONS).value = "b"
    trainee.value = "  officer-7 "
    assert settings.trainee == "officer-7"
    path = tmp_path / "himaya-answers.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["trainee"] == "officer-7"
    assert data["answers"]["m00.q1"]["value"] == "b"
    assert [p.name for p in tmp_path.iterdir()] == ["himaya-answers.json"]  # nothing moved aside
    assert SingleChoice("m00.q1", PROMPT, OPTIONS).value == "b"


def test_blank_trainee_id_is_ignored():
    _, _, trainee, _ = parts(start("m00-orientation"))
    trainee.value = "   "
    assert settings.trainee == "t-test"


def test_in_a_lab_the_picked_language_is_recorded_at_once(tmp_path):
    """A lab has no widget to save an answer: the choice itself is kept, for the feedback's language."""
    _, picker, _, _ = parts(start("m04a-analysis-lab"))
    picker.value = "en"
    assert json.loads((tmp_path / "himaya-answers.json").read_text(encoding="utf-8"))["language"] == "en"
    picker.value = "ar"
    assert json.loads((tmp_path / "himaya-answers.json").read_text(encoding="utf-8"))["language"] == "ar"
