"""start(): the settings panel of every module (language, trainee id, notices)."""
from __future__ import annotations

import json

import ipywidgets as widgets
import pytest
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
    assert sorted(ex._radio._options_labels) == ["Delete", "Preserve evidence"]  # in English (order: the trainee's own)


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


def test_the_panel_names_its_language_for_the_prose_to_follow():
    """style.css shows only the prose of the language the panel names (class himaya-lang-<lang>)."""
    panel = start("m00-orientation")
    _, picker, _, _ = parts(panel)
    assert "himaya-lang-ar" in panel._dom_classes and "himaya-lang-en" not in panel._dom_classes
    picker.value = "en"
    assert "himaya-lang-en" in panel._dom_classes and "himaya-lang-ar" not in panel._dom_classes
    picker.value = "ar"
    assert [c for c in panel._dom_classes if c.startswith("himaya-lang-")] == ["himaya-lang-ar"]


def test_the_panel_starts_in_the_saved_language(tmp_path):
    write_file(tmp_path, language="en", **{"m00.q1": "a"})
    assert "himaya-lang-en" in start("m00-orientation")._dom_classes


def test_the_course_css_has_one_source():
    """JupyterLab's custom CSS imports curriculum/style.css (copied when the server starts), never a second copy."""
    from pathlib import Path

    trainee = Path(__file__).resolve().parents[2] / "deploy" / "jupyter" / "trainee"
    custom = trainee / "custom"
    assert sorted(p.name for p in custom.iterdir()) == ["custom.css"]
    rules = [line for line in (custom / "custom.css").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith(("/*", "*")) and "*/" not in line]
    assert rules == ['@import url("style.css");']
    assert "style.css" in (trainee / "jupyter_server_config.py").read_text()


@pytest.mark.parametrize("lang, expected", [("ar", "ar"), ("en", "en"), ("", "ar"), ("fr", "ar")])
def test_trainee_server_config_serves_the_course_css_and_the_language_settings(tmp_path, monkeypatch, lang, expected):
    """deploy/jupyter/trainee/jupyter_server_config.py: custom CSS on, style.css served as is, settings per language."""
    import json as json_
    from pathlib import Path

    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    trainee = Path(__file__).resolve().parents[2] / "deploy" / "jupyter" / "trainee"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("HIMAYA_LANG", lang)
    c = PyFileConfigLoader("jupyter_server_config.py", path=str(trainee)).load_config()
    assert c.LabApp.custom_css is True
    folders = [Path(p) for p in c.ServerApp.tornado_settings["static_custom_path"]]
    assert (folders[0] / "custom.css").exists()
    served = [f / "style.css" for f in folders if (f / "style.css").exists()]
    source = Path(__file__).resolve().parents[2] / "curriculum" / "style.css"
    assert len(served) == 1 and served[0].read_bytes() == source.read_bytes()
    assert sorted(p.name for p in served[0].parent.iterdir()) == ["style.css"]  # nothing else of the course is served
    overrides = json_.loads((Path(c.LabApp.app_settings_dir) / "overrides.json").read_text())
    locale = overrides["@jupyterlab/translation-extension:plugin"]["locale"]
    assert locale.split("_")[0] == expected


def test_trainee_server_config_starts_without_a_writable_runtime_folder(tmp_path, monkeypatch):
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(blocked / "runtime"))
    trainee = Path(__file__).resolve().parents[2] / "deploy" / "jupyter" / "trainee"
    c = PyFileConfigLoader("jupyter_server_config.py", path=str(trainee)).load_config()
    served = Path(c.ServerApp.tornado_settings["static_custom_path"][1]) / "style.css"
    assert served.read_bytes() == (Path(__file__).resolve().parents[2] / "curriculum" / "style.css").read_bytes()
