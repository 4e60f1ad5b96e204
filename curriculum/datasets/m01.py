"""m01 — children in the digital world: a synthetic survey of device use by age group.

Each trainee gets their own fictional survey (seeded by module and trainee id),
so graded items that read the figure can only be answered from the trainee's
own chart.  The numbers are invented for training and describe no real
country, school or child; the figures say so on their face.
"""
from __future__ import annotations

from curriculum.figures import bar_comparison, use_course_style
from curriculum.settings import settings
from curriculum.synthetic import rng

MODULE = "m01-digital-world"

#: Age bands of the survey, youngest first (the order of the figures).
BANDS = ["8-10", "11-13", "14-17"]
BAND_LABELS = {
    "8-10": {"ar": "8–10 سنوات", "en": "Aged 8–10"},
    "11-13": {"ar": "11–13 سنة", "en": "Aged 11–13"},
    "14-17": {"ar": "14–17 سنة", "en": "Aged 14–17"},
}

#: Kinds of platform, in the order of the figure (and of the ordering item's steps).
PLATFORMS = ["social", "messaging", "games", "video"]
PLATFORM_LABELS = {
    "social": {"ar": "وسائل التواصل الاجتماعي", "en": "Social media"},
    "messaging": {"ar": "تطبيقات المراسلة", "en": "Messaging apps"},
    "games": {"ar": "الألعاب الإلكترونية", "en": "Online games"},
    "video": {"ar": "منصات الفيديو", "en": "Video platforms"},
}

# Ranges (% of the band using the platform) that make a plausible-looking
# survey while leaving the answers to read off the chart, not to guess:
# the top platform of 8–10-year-olds and the ranking among 14–17-year-olds
# change from trainee to trainee.
_SHARE_RANGES = {
    "8-10": {"social": (10, 30), "messaging": (25, 50), "games": (62, 86), "video": (66, 90)},
    "11-13": {"social": (35, 60), "messaging": (55, 80), "games": (60, 85), "video": (78, 94)},
    "14-17": {"social": (72, 94), "messaging": (76, 97), "games": (50, 76), "video": (74, 95)},
}
_SCHOOL_HOURS = {"8-10": (1.4, 2.4), "11-13": (2.5, 3.4), "14-17": (3.5, 4.8)}
_MIN_GAP = 3  # percentage points between values a trainee must tell apart


def _ranked(shares: dict[str, int]) -> list[str]:
    return sorted(shares, key=lambda p: -shares[p])


def _readable(share: dict[str, dict[str, int]]) -> bool:
    """True when every value an item asks to compare stands clearly apart."""
    young = sorted(share["8-10"].values(), reverse=True)
    teens = sorted(share["14-17"].values(), reverse=True)
    return (young[0] - young[1] >= _MIN_GAP
            and all(a - b >= _MIN_GAP for a, b in zip(teens, teens[1:]))
            and _ranked(share["14-17"]) != PLATFORMS)  # the steps are listed in PLATFORMS order


def survey(trainee: str | None = None) -> dict:
    """One trainee's fictional survey of children's device use, by age band.

    ``share[band][platform]`` is the % of the band using that kind of
    platform (a child can use several, so a band's shares do not add up to
    100); ``hours_school`` / ``hours_weekend`` are average hours a day on a
    device.  The other fields are what the module's items read from the
    figures.
    """
    gen = rng(MODULE, trainee)
    while True:  # redraw (same seed, so still deterministic) until every comparison is clear
        share = {band: {p: int(gen.integers(lo, hi + 1)) for p, (lo, hi) in ranges.items()}
                 for band, ranges in _SHARE_RANGES.items()}
        if _readable(share):
            break
    share = {band: {p: share[band][p] for p in PLATFORMS} for band in BANDS}
    hours_school = {band: round(float(gen.uniform(*_SCHOOL_HOURS[band])), 1) for band in BANDS}
    hours_weekend = {band: round(hours_school[band] + float(gen.uniform(1.0, 2.5)), 1) for band in BANDS}
    return {
        "bands": list(BANDS),
        "platforms": list(PLATFORMS),
        "share": share,
        "hours_school": hours_school,
        "hours_weekend": hours_weekend,
        # what the items read
        "top_platform_8_10": _ranked(share["8-10"])[0],
        "messaging_14_17": share["14-17"]["messaging"],
        "school_gap_14_17_vs_8_10": round(hours_school["14-17"] - hours_school["8-10"], 1),
        "order_14_17": _ranked(share["14-17"]),
        "weekend_hours_11_13": hours_weekend["11-13"],
    }


_SOURCE = {"ar": "بيانات مُصطنعة لأغراض التدريب: لا تصف أي بلد أو طفل حقيقي",
           "en": "Synthetic training data: describes no real country or child"}


def platform_figure(data: dict, lang: str | None = None):
    """Grouped bars: % of each age band using each kind of platform."""
    lang = lang or settings.language
    use_course_style()
    fig = bar_comparison(
        {"ar": "نسبة الأطفال الذين يستخدمون كل نوع من المنصات، حسب العمر (مسح مُصطنع خاص بك)",
         "en": "Share of children using each kind of platform, by age (synthetic survey, yours only)"},
        [PLATFORM_LABELS[p] for p in data["platforms"]],
        {band: (BAND_LABELS[band], [data["share"][band][p] for p in data["platforms"]])
         for band in data["bands"]},
        unit={"ar": "نسبة المستخدمين من الفئة العمرية (%)", "en": "% of the age band using it"},
        source=_SOURCE, lang=lang,
    )
    fig.set_size_inches(8.4, 4.4)
    ax = fig.axes[0]
    ax.set_ylim(0, 108)
    for text in ax.texts:  # twelve bar labels: a little smaller so they do not touch
        text.set_fontsize(8)
    return fig


def hours_figure(data: dict, lang: str | None = None):
    """Grouped bars: average daily hours on a device, school days and weekend days, by age band."""
    lang = lang or settings.language
    use_course_style()
    fig = bar_comparison(
        {"ar": "متوسط ساعات استخدام الأجهزة يوميًا، حسب العمر (مسح مُصطنع خاص بك)",
         "en": "Average daily hours on a device, by age (synthetic survey, yours only)"},
        [BAND_LABELS[band] for band in data["bands"]],
        {
            "school": ({"ar": "يوم دراسي", "en": "School day"},
                       [data["hours_school"][band] for band in data["bands"]]),
            "weekend": ({"ar": "يوم عطلة", "en": "Weekend day"},
                        [data["hours_weekend"][band] for band in data["bands"]]),
        },
        unit={"ar": "ساعات في اليوم", "en": "hours per day"},
        source=_SOURCE, lang=lang,
    )
    fig.set_size_inches(7.4, 4.0)
    return fig

