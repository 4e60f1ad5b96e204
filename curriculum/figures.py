"""Figures in the trainee's language, with fonts that cover all of Arabic.

matplotlib ≥ 3.11 shapes Arabic itself (no arabic-reshaper, no python-bidi:
they render reversed on 3.11).  The font list falls back glyph by glyph, so
an Arabic family comes first and DejaVu Sans catches Latin text and digits.

matplotlib is imported by the first figure drawn, not with the course: a
module's first cell is ready half a second sooner, and a module without
figures never pays for it.  Every figure function applies the course style
itself (:func:`use_course_style`), so a figure looks the same either way.
"""
from __future__ import annotations

import sys

from .language import Text, pick
from .settings import settings

ARABIC_FONTS = ["Noto Naskh Arabic", "Noto Sans Arabic", "Amiri"]

#: Okabe–Ito colours: distinguishable with colour-blindness, dark enough on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


def available_fonts() -> list[str]:
    """One Arabic family (the first installed) then DejaVu Sans for Latin text and digits.

    Only one Arabic family: a second one that carries Latin glyphs (Amiri)
    would otherwise set English words in a serif face.
    """
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in ARABIC_FONTS if name in names][:1] + ["DejaVu Sans"]


def use_course_style() -> None:
    """Course fonts and colours for every figure drawn after this call."""
    import matplotlib

    matplotlib.rcParams["font.family"] = available_fonts()
    matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=PALETTE)
    matplotlib.rcParams["figure.dpi"] = 100
    matplotlib.rcParams["axes.spines.top"] = False
    matplotlib.rcParams["axes.spines.right"] = False
    if SKIP_REPL_DRAW:
        _skip_repl_draw()


#: Drop pyplot's draw of every figure after each cell where the inline backend renders them anyway.
SKIP_REPL_DRAW = True


def _skip_repl_draw() -> None:
    """In a kernel with the inline backend, stop pyplot drawing each new figure after the cell.

    After every cell IPython runs pyplot's ``draw_all`` (an Agg draw, thrown
    away) and then the inline backend's ``flush_figures``, which draws the
    figure again to make the PNG and closes it: a third of the figure time went
    to a picture no one saw.  The PNG is the same (tests/curriculum/test_figure_draws.py).
    pyplot sets its backend up (and the hook with it) at the first figure, so
    with no figure open yet it is set up here first; ``plt.ion()`` or another
    backend installs the hook again, and the next figure function removes it.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    backend = str(pyplot.rcParams["backend"])
    if "inline" not in backend:
        return
    if not pyplot.get_fignums():  # nothing to close: switching to the same backend only sets it up
        pyplot.switch_backend(backend)
    pyplot.uninstall_repl_displayhook()


def style_if_loaded() -> None:
    """The course style now if matplotlib is already imported; otherwise the first figure function applies it."""
    if "matplotlib" in sys.modules:
        use_course_style()


SYNTHETIC = {"ar": "بيانات مُصطنعة لأغراض التدريب", "en": "Synthetic training data"}

#: Notes and source lines: this size in points unless the figure needs more (note_points).
NOTE_PT = 10.0
#: The smallest note a trainee must read, in screen pixels of font size (Arabic letters are small for their size).
NOTE_PX = 12.0
#: The narrowest notebook column a figure is shown in (a laptop, file browser open): JupyterLab
#: shrinks a wider image to fit, and its notes with it.
COLUMN_PX = 800.0


def note_points(fig, fontsize: float | None = None) -> float:
    """Font size in points for a note on ``fig``: ``fontsize`` (else NOTE_PT), never under NOTE_PX on screen.

    The figure is drawn at ``fig.dpi`` (a point is dpi/72 pixels) and shown
    at its own width, or shrunk to COLUMN_PX when wider.
    """
    width_px = fig.get_figwidth() * fig.dpi
    shown = min(1.0, COLUMN_PX / width_px)  # displayed size / drawn size
    smallest = NOTE_PX / shown * 72 / fig.dpi
    return max(NOTE_PT if fontsize is None else fontsize, smallest)


def footnote(fig, text: Text = SYNTHETIC, lang: str | None = None, fontsize: float | None = None):
    """A note under the figure (by default: the data are synthetic), on the reading side, readable on screen."""
    lang = lang or settings.language
    arabic = lang == "ar"
    return fig.supxlabel(pick(text, lang), fontsize=note_points(fig, fontsize), color="#444444",
                         x=0.99 if arabic else 0.01, ha="right" if arabic else "left")


def label(text: Text, lang: str | None = None) -> str:
    return pick(text, lang)


def bar_comparison(title: Text, categories: list[Text], series: dict[str, tuple[Text, list[float]]],
                   *, unit: Text, source: Text, lang: str | None = None):
    """Grouped bars with labels in the trainee's language; returns the figure."""
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    n = len(series)
    width = 0.8 / n
    xs = range(len(categories))
    for i, (name, values) in enumerate(series.values()):
        offset = (i - (n - 1) / 2) * width
        bars = ax.bar([x + offset for x in xs], values, width, label=pick(name, lang),
                      color=PALETTE[i % len(PALETTE)])
        ax.bar_label(bars, fmt="%g", padding=2)
    ax.set_xticks(list(xs), [pick(c, lang) for c in categories])
    ax.set_ylabel(pick(unit, lang))
    ax.set_title(pick(title, lang))
    if n > 1:
        handles, labels = ax.get_legend_handles_labels()
        if lang == "ar":  # bars run right to left: the legend's first entry is the rightmost too
            handles, labels = handles[::-1], labels[::-1]
        fig.legend(handles, labels, frameon=False, loc="outside upper center", ncols=n, markerfirst=lang != "ar")
    ax.margins(y=0.12)
    if lang == "ar":
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        ax.spines["left"].set_visible(False)
        ax.spines["right"].set_visible(True)
    # the source as an x-axis label: constrained layout keeps room for it
    ax.set_xlabel(pick(source, lang), fontsize=note_points(fig), color="#444444", loc="right" if lang == "ar" else "left")
    if lang == "ar":
        ax.invert_xaxis()  # read right to left, like the text
    return fig


WEEKDAYS = [
    {"ar": "السبت", "en": "Sat"}, {"ar": "الأحد", "en": "Sun"}, {"ar": "الاثنين", "en": "Mon"},
    {"ar": "الثلاثاء", "en": "Tue"}, {"ar": "الأربعاء", "en": "Wed"}, {"ar": "الخميس", "en": "Thu"},
    {"ar": "الجمعة", "en": "Fri"},
]


def screen_time_week(week: dict, lang: str | None = None):
    """One fictional child's hours on a device per day (synthetic, seeded per trainee)."""
    return bar_comparison(
        {"ar": "ساعات استخدام الجهاز يوميًا لطفل افتراضي (بيانات مُصطنعة خاصة بك)",
         "en": "Daily device hours of a fictional child (synthetic data, yours only)"},
        WEEKDAYS,
        {"hours": ({"ar": "ساعات", "en": "hours"}, week["hours"])},
        unit={"ar": "ساعات في اليوم", "en": "hours per day"},
        source={"ar": "بيانات مُصطنعة لأغراض التدريب", "en": "Synthetic training data"},
        lang=lang,
    )
