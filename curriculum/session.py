"""The first cell of every module: language, trainee id, styles, and any notice about saved answers."""
from __future__ import annotations

import html
from importlib import resources

import ipywidgets as widgets

from . import answers
from .figures import style_if_loaded, use_course_style
from .language import message
from .ids import is_lab
from .settings import LANGUAGES, settings

_LABELS = {
    "language": "اللغة · Language",
    "trainee": "رقم المتدرّب · Trainee id",
}


def _css() -> str:
    """The course's styles, for a JupyterLab without the course's custom CSS (deploy/jupyter/trainee)."""
    return resources.files("curriculum").joinpath("style.css").read_text(encoding="utf-8")


def _mark_language(panel: widgets.Widget, lang: str) -> None:
    """Class ``himaya-lang-<lang>`` on the panel: style.css shows only that language's prose in its notebook."""
    for other in LANGUAGES:
        panel.remove_class(f"himaya-lang-{other}")
    panel.add_class(f"himaya-lang-{lang}")


def start(module: str) -> widgets.VBox:
    """Prepare a module notebook and return the settings panel to display.

    The language picked here is kept in the answers file, so it is the
    default the next time the notebook opens, and the grader writes feedback
    in it (with the first answer; in an analyst lab, as soon as it is picked).
    """
    lab = is_lab(module)  # an analyst lab: no widget will record the language
    settings.module = module  # the knowledge check shows each trainee the form of their own (curriculum/check.py)
    if lab:
        use_course_style()  # the trainee draws with matplotlib directly
    else:
        style_if_loaded()  # a core module draws only through curriculum's figure functions, which style
    store = answers.store()
    if store.answers.items or store.path.exists():
        settings.language = store.answers.language
    picker = widgets.ToggleButtons(
        options=[("العربية", "ar"), ("English", "en")], value=settings.language,
        description=_LABELS["language"], style={"description_width": "initial"},
    )
    trainee = widgets.Text(
        value=settings.trainee, description=_LABELS["trainee"], continuous_update=False,
        style={"description_width": "initial"},
    )
    notice = widgets.HTML()
    if store.notice is not None:
        notice.value = f'<div class="himaya-status">⚠ {html.escape(message(store.notice.key, **store.notice.params))}</div>'

    def on_language(change):
        if change["new"] in LANGUAGES:
            _mark_language(panel, change["new"])  # the prose first: widgets relabel after it
            settings.language = change["new"]
            answers.store().set_language(change["new"], chosen=lab)

    def on_trainee(change):
        new = change["new"].strip()
        if new:
            answers.store().reassign(new)
            settings.trainee = new

    picker.observe(on_language, "value")
    trainee.observe(on_trainee, "value")
    panel = widgets.VBox([widgets.HTML(f"<style>{_css()}</style>"), picker, trainee, notice])
    panel.add_class("himaya-session")
    _mark_language(panel, settings.language)
    panel.module = module
    return panel
