"""m01's synthetic survey: fixed per trainee, different between trainees, and what the items read."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from curriculum.datasets import m01  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import resolve  # noqa: E402

TRAINEES = [f"officer-{n}" for n in range(40)]

AR_PLATFORMS = ["وسائل التواصل الاجتماعي", "تطبيقات المراسلة", "الألعاب الإلكترونية", "منصات الفيديو"]
EN_PLATFORMS = ["Social media", "Messaging apps", "Online games", "Video platforms"]
AR_BANDS = ["8–10 سنوات", "11–13 سنة", "14–17 سنة"]
EN_BANDS = ["Aged 8–10", "Aged 11–13", "Aged 14–17"]


def ticks(ax):
    return [t.get_text() for t in ax.get_xticklabels()]


def legend(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


# -- seeding -------------------------------------------------------------------

def test_same_trainee_gets_the_same_survey():
    assert m01.survey(trainee="officer-1") == m01.survey(trainee="officer-1")


def test_different_trainees_get_different_surveys():
    shares = {str(m01.survey(trainee=t)["share"]) for t in TRAINEES[:10]}
    hours = {str(m01.survey(trainee=t)["hours_school"]) for t in TRAINEES[:10]}
    assert len(shares) == 10 and len(hours) == 10


def test_default_trainee_is_the_settings_trainee():
    settings.trainee = "officer-7"
    assert m01.survey() == m01.survey(trainee="officer-7")
    assert m01.survey() != m01.survey(trainee="officer-8")


def test_survey_is_seeded_by_this_module(monkeypatch):
    """The seed is the module id and the trainee id: another module id gives other numbers."""
    assert m01.MODULE == "m01-digital-world"
    own = m01.survey(trainee="officer-1")
    monkeypatch.setattr(m01, "MODULE", "m00-orientation")
    assert m01.survey(trainee="officer-1") != own


def test_answers_vary_between_trainees():
    """Items that read the figure cannot be answered by guessing one fixed value."""
    surveys = [m01.survey(trainee=t) for t in TRAINEES]
    assert len({s["top_platform_8_10"] for s in surveys}) >= 2
    assert len({tuple(s["order_14_17"]) for s in surveys}) >= 3
    assert len({s["messaging_14_17"] for s in surveys}) >= 5
    assert len({s["school_gap_14_17_vs_8_10"] for s in surveys}) >= 5


# -- shape and consistency -----------------------------------------------------

@pytest.mark.parametrize("trainee", TRAINEES)
def test_fields_are_plain_values_and_consistent(trainee):
    s = m01.survey(trainee=trainee)
    assert s["bands"] == ["8-10", "11-13", "14-17"]
    assert s["platforms"] == ["social", "messaging", "games", "video"]
    for band in s["bands"]:
        assert list(s["share"][band]) == s["platforms"]
        for value in s["share"][band].values():
            assert type(value) is int and 0 < value <= 100
        for hours in (s["hours_school"][band], s["hours_weekend"][band]):
            assert type(hours) is float and hours == round(hours, 1) and 0 < hours < 12
        assert s["hours_weekend"][band] > s["hours_school"][band]
    young, teens = s["share"]["8-10"], s["share"]["14-17"]
    assert s["top_platform_8_10"] == max(young, key=young.get)
    assert s["messaging_14_17"] == teens["messaging"]
    assert s["order_14_17"] == sorted(teens, key=teens.get, reverse=True)
    assert type(s["school_gap_14_17_vs_8_10"]) is float
    assert s["school_gap_14_17_vs_8_10"] == round(s["hours_school"]["14-17"] - s["hours_school"]["8-10"], 1)
    assert s["weekend_hours_11_13"] == s["hours_weekend"]["11-13"]


@pytest.mark.parametrize("trainee", TRAINEES)
def test_values_an_item_compares_stand_clearly_apart(trainee):
    s = m01.survey(trainee=trainee)
    young = sorted(s["share"]["8-10"].values(), reverse=True)
    teens = [s["share"]["14-17"][p] for p in s["order_14_17"]]
    assert young[0] - young[1] >= 3
    assert all(a - b >= 3 for a, b in zip(teens, teens[1:]))


@pytest.mark.parametrize("trainee", TRAINEES)
def test_ordering_key_never_equals_the_order_the_steps_are_listed_in(trainee):
    """m01.q4 lists its steps in PLATFORMS order; the key must differ (check_key refuses it)."""
    assert m01.survey(trainee=trainee)["order_14_17"] != m01.PLATFORMS


def test_data_keys_resolve_for_each_trainee_to_their_own_figures():
    spec = {"answer": {"$data": "curriculum.datasets.m01:survey", "$pick": "messaging_14_17"}, "tolerance": 0.5}
    for trainee in TRAINEES[:5]:
        assert resolve(spec, trainee)["answer"] == m01.survey(trainee=trainee)["share"]["14-17"]["messaging"]
    order = {"answer": {"$data": "curriculum.datasets.m01:survey", "$pick": "order_14_17"}}
    assert resolve(order, "officer-3") == {"answer": m01.survey(trainee="officer-3")["order_14_17"]}


# -- figures -------------------------------------------------------------------

def test_platform_figure_shows_the_trainees_shares():
    s = m01.survey(trainee="officer-9")
    fig = m01.platform_figure(s, lang="en")
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    expected = [s["share"][band][p] for band in s["bands"] for p in s["platforms"]]
    assert heights == expected
    assert [t.get_text() for t in ax.texts] == [str(v) for v in expected]
    assert max(heights) < ax.get_ylim()[1]  # the tallest bar's label stays inside the axes


def test_hours_figure_shows_the_trainees_hours():
    s = m01.survey(trainee="officer-9")
    fig = m01.hours_figure(s, lang="en")
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    assert heights == [s["hours_school"][b] for b in s["bands"]] + [s["hours_weekend"][b] for b in s["bands"]]
    assert [t.get_text() for t in fig.axes[0].texts] == [f"{h:g}" for h in heights]


def test_platform_figure_in_english():
    fig = m01.platform_figure(m01.survey(trainee="officer-2"), lang="en")
    ax = fig.axes[0]
    assert ticks(ax) == EN_PLATFORMS
    assert legend(fig) == EN_BANDS
    assert ax.get_title() == "Share of children using each kind of platform, by age (synthetic survey, yours only)"
    assert ax.get_ylabel() == "% of the age band using it"
    assert ax.xaxis.label.get_text() == "Synthetic training data: describes no real country or child"
    assert not ax.xaxis_inverted()


def test_platform_figure_in_arabic_reads_right_to_left():
    fig = m01.platform_figure(m01.survey(trainee="officer-2"), lang="ar")
    ax = fig.axes[0]
    assert ticks(ax) == AR_PLATFORMS
    assert ax.get_title() == "نسبة الأطفال الذين يستخدمون كل نوع من المنصات، حسب العمر (مسح مُصطنع خاص بك)"
    assert ax.get_ylabel() == "نسبة المستخدمين من الفئة العمرية (%)"
    assert ax.xaxis.label.get_text() == "بيانات مُصطنعة لأغراض التدريب: لا تصف أي بلد أو طفل حقيقي"
    assert ax.xaxis_inverted() and ax.yaxis.get_label_position() == "right"
    # the legend's first entry (8–10) is the rightmost, like the first bar of each group
    assert legend(fig) == AR_BANDS[::-1]
    assert len(fig.legends) == 1
    fig.canvas.draw()  # Arabic renders on Agg


def test_hours_figure_labels_in_both_languages():
    s = m01.survey(trainee="officer-4")
    en = m01.hours_figure(s, lang="en")
    assert ticks(en.axes[0]) == EN_BANDS
    assert legend(en) == ["School day", "Weekend day"]
    assert en.axes[0].get_ylabel() == "hours per day"
    ar = m01.hours_figure(s, lang="ar")
    assert ticks(ar.axes[0]) == AR_BANDS
    assert legend(ar) == ["يوم عطلة", "يوم دراسي"]
    assert ar.axes[0].get_ylabel() == "ساعات في اليوم"
    assert ar.axes[0].get_title() == "متوسط ساعات استخدام الأجهزة يوميًا، حسب العمر (مسح مُصطنع خاص بك)"


def test_figures_follow_the_settings_language():
    s = m01.survey(trainee="officer-5")
    settings.language = "ar"
    assert ticks(m01.platform_figure(s).axes[0]) == AR_PLATFORMS
    settings.language = "en"
    assert ticks(m01.platform_figure(s).axes[0]) == EN_PLATFORMS
    assert ticks(m01.hours_figure(s).axes[0]) == EN_BANDS
