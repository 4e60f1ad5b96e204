"""Figures: labels in the trainee's language, Arabic-capable fonts, right-to-left axes."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from curriculum import figures, synthetic  # noqa: E402
from curriculum.settings import settings  # noqa: E402

WEEK = {"hours": [5.1, 2.0, 2.5, 1.8, 2.2, 2.9, 4.7], "peak_hours": 5.1, "mean_hours": 3.03}
AR_DAYS = ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"]
EN_DAYS = ["Sat", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri"]


def ticks(ax):
    return [t.get_text() for t in ax.get_xticklabels()]


def test_arabic_figure_labels():
    fig = figures.screen_time_week(WEEK, lang="ar")
    ax = fig.axes[0]
    assert ticks(ax) == AR_DAYS
    assert ax.get_title() == "ساعات استخدام الجهاز يوميًا لطفل افتراضي (بيانات مُصطنعة خاصة بك)"
    assert ax.get_ylabel() == "ساعات في اليوم"
    source = fig.axes[0].xaxis.label  # the source line sits under the axis, right-aligned
    assert source.get_text() == "بيانات مُصطنعة لأغراض التدريب"
    assert source.get_horizontalalignment() == "right"


def test_arabic_figure_reads_right_to_left():
    fig = figures.screen_time_week(WEEK, lang="ar")
    ax = fig.axes[0]
    assert ax.xaxis_inverted()
    assert ax.yaxis.get_label_position() == "right"
    assert ax.spines["right"].get_visible() and not ax.spines["left"].get_visible()


def test_english_figure_labels():
    fig = figures.screen_time_week(WEEK, lang="en")
    ax = fig.axes[0]
    assert ticks(ax) == EN_DAYS
    assert ax.get_title() == "Daily device hours of a fictional child (synthetic data, yours only)"
    assert ax.get_ylabel() == "hours per day"
    source = fig.axes[0].xaxis.label
    assert source.get_text() == "Synthetic training data"
    assert source.get_horizontalalignment() == "left"
    assert not ax.xaxis_inverted()
    assert ax.yaxis.get_label_position() == "left"


def test_language_defaults_to_the_settings():
    assert figures.screen_time_week(WEEK).axes[0].get_ylabel() == "ساعات في اليوم"
    settings.language = "en"
    assert figures.screen_time_week(WEEK).axes[0].get_ylabel() == "hours per day"


def test_bars_show_the_trainees_hours():
    week = synthetic.weekly_screen_time(trainee="officer-9")
    fig = figures.screen_time_week(week, lang="ar")
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == week["hours"]
    bar_labels = [t.get_text() for t in ax.texts]
    assert bar_labels == [f"{h:g}" for h in week["hours"]]
    fig.canvas.draw()  # Arabic text renders without error on Agg


def test_grouped_bars_have_a_legend_in_the_language():
    series = {
        "a": ({"ar": "الأولاد", "en": "Boys"}, [1.0, 2.0]),
        "b": ({"ar": "البنات", "en": "Girls"}, [3.0, 4.0]),
    }
    cats = [{"ar": "ألعاب", "en": "Games"}, {"ar": "محادثة", "en": "Chat"}]
    kwargs = dict(unit={"ar": "ساعات", "en": "hours"}, source={"ar": "مصدر", "en": "Source"})
    fig_en = figures.bar_comparison({"ar": "عنوان", "en": "Title"}, cats, series, lang="en", **kwargs)
    assert [t.get_text() for t in fig_en.legends[0].get_texts()] == ["Boys", "Girls"]
    assert ticks(fig_en.axes[0]) == ["Games", "Chat"]
    fig_ar = figures.bar_comparison({"ar": "عنوان", "en": "Title"}, cats, series, lang="ar", **kwargs)
    # laid out left to right, so reversed: the first series reads first, from the right
    assert [t.get_text() for t in fig_ar.legends[0].get_texts()] == ["البنات", "الأولاد"]
    assert fig_ar.axes[0].get_title() == "عنوان"


def test_single_series_has_no_legend():
    assert figures.screen_time_week(WEEK, lang="en").legends == []


def test_font_list_is_one_arabic_family_then_dejavu_sans():
    fonts = figures.available_fonts()
    assert fonts[-1] == "DejaVu Sans"
    assert len(fonts) <= 2 and set(fonts[:-1]) <= set(figures.ARABIC_FONTS)


def test_the_first_installed_arabic_family_is_chosen_and_no_other(monkeypatch):
    entries = [font_manager.FontEntry(name=n) for n in ("Amiri", "Noto Sans Arabic", "DejaVu Sans")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    # Amiri carries Latin glyphs: listed second it would set English in a serif face
    assert figures.available_fonts() == ["Noto Sans Arabic", "DejaVu Sans"]


def test_font_list_falls_back_to_dejavu_sans(monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    assert figures.available_fonts() == ["DejaVu Sans"]


def test_course_style_sets_fonts_and_palette():
    figures.use_course_style()
    assert matplotlib.rcParams["font.family"] == figures.available_fonts()
    assert matplotlib.rcParams["font.family"][-1] == "DejaVu Sans"
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == figures.PALETTE
    assert matplotlib.rcParams["axes.spines.top"] is False


def test_label_picks_the_language():
    assert figures.label({"ar": "ساعات", "en": "hours"}) == "ساعات"
    assert figures.label({"ar": "ساعات", "en": "hours"}, "en") == "hours"


@pytest.mark.parametrize("lang, side, x", [("ar", "right", 0.99), ("en", "left", 0.01)])
def test_footnote_sits_on_the_reading_side_in_the_language(lang, side, x):
    import matplotlib.pyplot as plt

    from curriculum.figures import SYNTHETIC, footnote

    fig = plt.figure()
    note = footnote(fig, lang=lang)
    assert note.get_text() == SYNTHETIC[lang]
    assert note.get_horizontalalignment() == side and note.get_position()[0] == x
    plt.close(fig)


def shown_px(text, fig) -> float:
    """A text's font size in screen pixels as JupyterLab shows the figure (shrunk to an 800 px column when wider)."""
    width_px = fig.get_figwidth() * fig.dpi
    return text.get_fontsize() * fig.dpi / 72 * min(1.0, 800 / width_px)


@pytest.mark.parametrize("width, dpi", [(7, 100), (11, 100), (9, 72), (6, 150)])
@pytest.mark.parametrize("asked", [None, 8, 9])
def test_footnotes_are_readable_on_screen(width, dpi, asked):
    """Source lines were 8 pt: 8 px on a 72-dpi figure, 8 px on an 11-inch one shrunk to the column."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, 4), dpi=dpi)
    note = figures.footnote(fig, lang="ar", fontsize=asked)
    assert shown_px(note, fig) >= 12
    if asked is not None:
        assert note.get_fontsize() >= asked  # a larger size asked for is kept
    plt.close(fig)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_source_line_under_bars_is_readable_on_screen(lang):
    import matplotlib.pyplot as plt

    fig = figures.screen_time_week(WEEK, lang=lang)
    assert shown_px(fig.axes[0].xaxis.label, fig) >= 12
    plt.close(fig)
