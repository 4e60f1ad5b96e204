# What a trainee sees before any cell runs (JUPYTER_CONFIG_PATH puts this folder first for trainees).
#
# * The course's styles from the first paint: with LabApp.custom_css on, JupyterLab links
#   custom/custom.css from every page, served from ServerApp's static_custom_path (not configurable:
#   the user's own JUPYTER_CONFIG_DIR/custom). tornado_settings points it at this folder's custom/,
#   whose custom.css imports style.css, and at a copy of curriculum/style.css (the one source of the
#   course's CSS, which the setup cell also shows where custom CSS is off) made in the user's runtime
#   folder when the server starts: only that file is served, not the course's code.
# * Default settings (interface language, no news): LabApp.app_settings_dir, whose overrides.json
#   JupyterLab applies under each user's own settings. The folder follows the trainee's language
#   (HIMAYA_LANG, from the roster; Arabic first), so the interface and the prose shown before the
#   kernel runs are in that language. Settings › Language switches it.
import importlib.util
import os
import tempfile
from pathlib import Path

from jupyter_core.paths import jupyter_runtime_dir

c = get_config()  # noqa: F821 (provided by traitlets)

HERE = Path(__file__).resolve().parent


def course_style() -> Path:
    """A folder holding only style.css, copied from the installed curriculum package (or this repository's)."""
    spec = importlib.util.find_spec("curriculum")  # found, not imported: the server needs no widgets
    package = Path(spec.origin).parent if spec is not None and spec.origin else HERE.parents[2] / "curriculum"
    try:
        served = Path(jupyter_runtime_dir()) / "himaya-style"
        served.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable runtime folder: a private temporary one, so the server still starts
        served = Path(tempfile.mkdtemp(prefix="himaya-style-"))
    partial = served / f".style.css.{os.getpid()}"
    partial.write_bytes((package / "style.css").read_bytes())
    partial.replace(served / "style.css")
    return served


c.LabApp.custom_css = True
c.ServerApp.tornado_settings = {"static_custom_path": [str(HERE / "custom"), str(course_style())]}

_lang = os.environ.get("HIMAYA_LANG", "").strip().lower()
c.LabApp.app_settings_dir = str(HERE / "lab" / (_lang if _lang in ("ar", "en") else "ar"))
