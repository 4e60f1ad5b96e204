"""Module m04's synthetic data: two years of reports received by a fictional child-protection unit.

:func:`reports` is one trainee's table of several thousand fictional reports
(when each was received, the platform, the offence, the child's age band and
sex, the region, and who reported), seeded by module and trainee id: two
trainees get different tables.  Platforms and regions are invented ("ChatApp
A", "GameHub", the Coast region…) and no row describes a real child, case or
account.  The data carry the patterns the module teaches: a surge of
sextortion reports in one month, an evening peak in the week, platforms that
differ by offence, and regions whose report counts and rates per 100,000
children rank differently.

:func:`summary` returns what the items read from the figures (the grader
calls it with the trainee's id for the ``$data`` keys); the figure functions
draw the figures in the trainee's language.  The ``lab`` section at the end
holds the reference answers of the analyst lab ``m04a-analysis-lab``.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd

from ..figures import PALETTE, WEEKDAYS, bar_comparison, footnote, use_course_style
from ..language import direction, pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m04-crime-patterns"

START = "2023-01-01"
MONTHS = 24
#: The year of the regional table (the rate items).
RATE_YEAR = 2024

#: Fictional platforms (no real brand) and what kind of service each is.
PLATFORMS = ["ChatApp A", "ChatApp B", "GameHub", "PhotoShare", "StreamBox"]
PLATFORM_KINDS = {
    "ChatApp A": {"ar": "تطبيق مراسلة", "en": "messaging app"},
    "ChatApp B": {"ar": "تطبيق مراسلة", "en": "messaging app"},
    "GameHub": {"ar": "منصة ألعاب", "en": "gaming platform"},
    "PhotoShare": {"ar": "تطبيق لمشاركة الصور", "en": "photo-sharing app"},
    "StreamBox": {"ar": "منصة بثّ مباشر", "en": "live-streaming platform"},
}
#: Option ids of the platforms in the widgets (ids allow no spaces).
PLATFORM_IDS = {p: p.lower().replace(" ", "_") for p in PLATFORMS}
#: Widget options for items whose answer is a platform (Arabic text needs Arabic letters).
PLATFORM_OPTIONS = {PLATFORM_IDS[p]: {"ar": f"{p} ({PLATFORM_KINDS[p]['ar']})",
                                      "en": f"{p} ({PLATFORM_KINDS[p]['en']})"} for p in PLATFORMS}

OFFENCES = ["sextortion", "grooming", "csam", "bullying", "fraud"]
OFFENCE_LABELS = {
    "sextortion": {"ar": "ابتزاز جنسي", "en": "Sextortion"},
    "grooming": {"ar": "استدراج", "en": "Grooming"},
    "csam": {"ar": "مواد اعتداء جنسي على أطفال", "en": "CSAM"},
    "bullying": {"ar": "تنمّر وتهديد", "en": "Bullying and threats"},
    "fraud": {"ar": "احتيال وسرقة حسابات", "en": "Fraud and account theft"},
}

AGE_BANDS = ["6-9", "10-12", "13-15", "16-17"]
AGE_LABELS = {
    "6-9": {"ar": "6–9 سنوات", "en": "Aged 6–9"},
    "10-12": {"ar": "10–12 سنة", "en": "Aged 10–12"},
    "13-15": {"ar": "13–15 سنة", "en": "Aged 13–15"},
    "16-17": {"ar": "16–17 سنة", "en": "Aged 16–17"},
}
SEXES = ["girl", "boy"]
SEX_LABELS = {"girl": {"ar": "بنات", "en": "Girls"}, "boy": {"ar": "أولاد", "en": "Boys"}}

#: Fictional regions of a fictional country.
REGIONS = ["capital", "coast", "mountain", "valley", "oasis"]
REGION_LABELS = {
    "capital": {"ar": "العاصمة", "en": "Capital"},
    "coast": {"ar": "الساحل", "en": "Coast"},
    "mountain": {"ar": "الجبل", "en": "Mountain"},
    "valley": {"ar": "الوادي", "en": "Valley"},
    "oasis": {"ar": "الواحة", "en": "Oasis"},
}
#: Children (under 18) living in each region: ranges the seeded populations are drawn from.
_POPULATION = {"capital": (420_000, 560_000), "coast": (230_000, 320_000), "mountain": (120_000, 190_000),
               "valley": (150_000, 240_000), "oasis": (45_000, 90_000)}

REPORTERS = ["platform", "parent", "child", "school", "public"]
REPORTER_LABELS = {
    "platform": {"ar": "المنصة نفسها", "en": "The platform"},
    "parent": {"ar": "وليّ الأمر", "en": "A parent"},
    "child": {"ar": "الطفل نفسه", "en": "The child"},
    "school": {"ar": "المدرسة", "en": "The school"},
    "public": {"ar": "أحد أفراد الجمهور", "en": "A member of the public"},
}

#: Three-hour bands of the heat map: band b runs from 3b:00 to 3b+2:59.
BANDS = [f"{3 * b}–{3 * b + 3}" for b in range(8)]
WEEKDAY_NAMES = [  # full names for the widgets, Saturday first like figures.WEEKDAYS
    {"ar": "السبت", "en": "Saturday"}, {"ar": "الأحد", "en": "Sunday"}, {"ar": "الاثنين", "en": "Monday"},
    {"ar": "الثلاثاء", "en": "Tuesday"}, {"ar": "الأربعاء", "en": "Wednesday"}, {"ar": "الخميس", "en": "Thursday"},
    {"ar": "الجمعة", "en": "Friday"},
]
MONTH_NAMES = [
    {"ar": "يناير/كانون الثاني", "en": "January"}, {"ar": "فبراير/شباط", "en": "February"},
    {"ar": "مارس/آذار", "en": "March"}, {"ar": "أبريل/نيسان", "en": "April"},
    {"ar": "مايو/أيار", "en": "May"}, {"ar": "يونيو/حزيران", "en": "June"},
    {"ar": "يوليو/تموز", "en": "July"}, {"ar": "أغسطس/آب", "en": "August"},
    {"ar": "سبتمبر/أيلول", "en": "September"}, {"ar": "أكتوبر/تشرين الأول", "en": "October"},
    {"ar": "نوفمبر/تشرين الثاني", "en": "November"}, {"ar": "ديسمبر/كانون الأول", "en": "December"},
]

#: The heat-map cell whose count the practice item asks for (Tuesday, 15–18).
PRACTICE_CELL = (3, 5)

_SOURCE = {"ar": "بيانات مُصطنعة لأغراض التدريب: لا تصف أي بلد أو طفل أو قضية حقيقية",
           "en": "Synthetic training data: describes no real country, child or case"}

# Which platform an offence is reported from, before each trainee's perturbation (rows: OFFENCES).
_PLATFORM_MIX = np.array([
    [0.30, 0.22, 0.10, 0.28, 0.10],   # sextortion
    [0.22, 0.16, 0.34, 0.12, 0.16],   # grooming
    [0.14, 0.12, 0.06, 0.40, 0.28],   # csam
    [0.26, 0.24, 0.20, 0.18, 0.12],   # bullying
    [0.12, 0.10, 0.50, 0.10, 0.18],   # fraud
])
# Who reports each offence (rows: OFFENCES; columns: REPORTERS).
_REPORTER_MIX = np.array([
    [0.10, 0.40, 0.30, 0.12, 0.08],
    [0.25, 0.40, 0.15, 0.10, 0.10],
    [0.70, 0.08, 0.04, 0.04, 0.14],
    [0.10, 0.30, 0.30, 0.25, 0.05],
    [0.15, 0.45, 0.25, 0.05, 0.10],
])
_OFFENCE_MIX = np.array([0.14, 0.24, 0.20, 0.26, 0.16])
_BAND_WEIGHT = np.array([0.25, 0.12, 0.25, 0.55, 0.80, 1.05, 1.45, 1.35])  # 0–3 … 21–24
_AGE_MIX = np.array([0.10, 0.24, 0.38, 0.28])


def _month_starts() -> pd.DatetimeIndex:
    return pd.date_range(START, periods=MONTHS, freq="MS")


def month_label(month: str) -> dict:
    """``"2024-03"`` as ``{"ar": "مارس/آذار 2024", "en": "March 2024"}``."""
    year, number = month.split("-")
    name = MONTH_NAMES[int(number) - 1]
    return {"ar": f"{name['ar']} {year}", "en": f"{name['en']} {year}"}


def weekday_index(when) -> np.ndarray:
    """Saturday-first weekday (0 = Saturday … 6 = Friday) of datetimes (an array, Series or index)."""
    days = np.asarray(when).astype("datetime64[D]").astype(np.int64)
    return (days + 5) % 7  # 1 January 1970 was a Thursday


def _draw(gen: np.random.Generator) -> dict:
    """One candidate data set as arrays of codes (one entry per report), and the parameters behind it."""
    months = _month_starts()
    # monthly volume: a slow rise (more users, more detection) plus a one-month sextortion surge
    base = gen.uniform(150, 195)
    growth = gen.uniform(0.08, 0.30)
    surge = int(gen.integers(4, MONTHS - 2))
    mix = gen.dirichlet(_OFFENCE_MIX * 60)
    level = base * (1 + growth * np.arange(MONTHS) / (MONTHS - 1)) * gen.uniform(0.93, 1.07, MONTHS)
    lam = level[:, None] * mix[None, :]
    wave = level.max() * gen.uniform(0.5, 0.7)
    lam[surge, 0] += wave
    lam[surge + 1, 0] += wave * gen.uniform(0.2, 0.35)
    counts = gen.poisson(lam)                                   # months × offences
    month = np.repeat(np.arange(MONTHS), counts.sum(axis=1))
    offence = np.concatenate([np.repeat(np.arange(len(OFFENCES)), row) for row in counts])
    n = len(month)

    # when: a day of the month (by weekday), then a three-hour band, then the minute
    day_factor = gen.uniform(0.85, 1.05, 7)
    day_factor[[5, 6, 0]] *= gen.uniform(1.05, 1.2)            # Thursday to Saturday a little busier
    peak_day, peak_band = int(gen.choice([4, 5, 6, 0])), int(gen.choice([6, 7]))  # Wed–Sat, evening
    cell = day_factor[:, None] * _BAND_WEIGHT[None, :] * gen.uniform(0.9, 1.1, (7, 8))
    cell[peak_day, peak_band] = cell.max() * gen.uniform(1.25, 1.4)
    starts = months.values.astype("datetime64[D]")
    day = np.empty(n, dtype=np.int64)
    per_day = cell.sum(axis=1)
    for m in range(MONTHS):
        where = np.flatnonzero(month == m)
        ndays = int(months[m].days_in_month)
        p = per_day[weekday_index(starts[m] + np.arange(ndays))]
        day[where] = gen.choice(ndays, size=len(where), p=p / p.sum())
    dates = starts[month] + day
    wd = weekday_index(dates)
    band = _conditional(gen, cell, wd)
    hour = band * 3 + gen.integers(0, 3, n)
    when = dates.astype("datetime64[m]") + (hour * 60 + gen.integers(0, 60, n)).astype("timedelta64[m]")

    # platform and reporter depend on the offence
    platform_mix = _PLATFORM_MIX.copy()
    leader, top = int(gen.integers(len(PLATFORMS))), int(_PLATFORM_MIX[1].argmax())
    platform_mix[1, [leader, top]] = platform_mix[1, [top, leader]]  # grooming: any platform may lead
    platform_mix = np.vstack([gen.dirichlet(row * 80) for row in platform_mix])
    platform = _conditional(gen, platform_mix, offence)
    reporter = _conditional(gen, _REPORTER_MIX, offence)

    # the child: one age band (the "boy band") has more reports about boys than about girls
    age = _conditional(gen, gen.dirichlet(_AGE_MIX * 80)[None, :], np.zeros(n, dtype=int))
    boy_band = int(gen.integers(len(AGE_BANDS)))
    girl_share = gen.uniform(0.58, 0.68, len(AGE_BANDS))
    girl_share[boy_band] = gen.uniform(0.34, 0.42)
    sex = (gen.random(n) >= girl_share[age]).astype(int)        # 0 girl, 1 boy

    # regions: reports follow the number of children times a regional factor; the region with
    # the highest factor is never the capital, so counts and rates rank the regions differently
    population = {r: int(round(gen.uniform(*_POPULATION[r]), -2)) for r in REGIONS}
    factor = gen.uniform(0.75, 1.12, len(REGIONS))
    factor[int(gen.integers(1, len(REGIONS)))] = gen.uniform(1.35, 1.55)
    weights = np.array([population[r] for r in REGIONS]) * factor
    region = _conditional(gen, (weights / weights.sum())[None, :], np.zeros(n, dtype=int))

    order = np.argsort(when, kind="stable")
    codes = {"when": when, "month": month, "wd": wd, "band": band, "offence": offence, "platform": platform,
             "reporter": reporter, "age": age, "sex": sex, "region": region}
    codes = {k: v[order] for k, v in codes.items()}
    codes["year"] = codes["when"].astype("datetime64[Y]").astype(int) + 1970
    return {"codes": codes, "surge": surge, "boy_band": boy_band, "population": population}


def _conditional(gen, table: np.ndarray, given: np.ndarray) -> np.ndarray:
    """For each entry of ``given``, a column drawn from that row of the probability ``table``."""
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    return (gen.random(len(given))[:, None] > cum[given]).sum(axis=1).clip(0, table.shape[1] - 1)


def _frame(codes: dict) -> pd.DataFrame:
    """The reports table of a drawn data set."""
    frame = pd.DataFrame({
        "when": pd.to_datetime(codes["when"]),
        "platform": np.array(PLATFORMS, dtype=object)[codes["platform"]],
        "offence": np.array(OFFENCES, dtype=object)[codes["offence"]],
        "age_band": np.array(AGE_BANDS, dtype=object)[codes["age"]],
        "sex": np.array(SEXES, dtype=object)[codes["sex"]],
        "region": np.array(REGIONS, dtype=object)[codes["region"]],
        "reporter": np.array(REPORTERS, dtype=object)[codes["reporter"]],
    })
    frame.index.name = "report"
    return frame


def _counts(*columns, shape) -> np.ndarray:
    """Counts of each combination of code columns, as an array of ``shape``."""
    flat = np.ravel_multi_index(columns, shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)


def _tables(drawn: dict) -> dict:
    """The counts every figure and item reads, computed from the codes."""
    c = drawn["codes"]
    monthly = _counts(c["month"], c["offence"], shape=(MONTHS, len(OFFENCES)))
    year = c["year"] == RATE_YEAR
    regions = np.bincount(c["region"][year], minlength=len(REGIONS))
    children = np.array([drawn["population"][r] for r in REGIONS])
    return {
        "total": monthly.sum(axis=1),
        "sextortion": monthly[:, 0],
        "heat": _counts(c["wd"], c["band"], shape=(7, 8)),
        "platform_offence": _counts(c["platform"], c["offence"], shape=(len(PLATFORMS), len(OFFENCES))),
        "age_sex": _counts(c["age"], c["sex"], shape=(len(AGE_BANDS), 2)),
        "region_reports": regions,
        "children": children,
        "rates": np.round(regions / children * 100_000, 1),
    }


def _clear_top(values, margin: float, at_least: float = 0) -> bool:
    """True when the largest value beats the second by ``margin`` (relative) and ``at_least`` (absolute)."""
    top, second = sorted(values, reverse=True)[:2]
    return top >= second * (1 + margin) and top - second >= at_least


def _readable(drawn: dict, t: dict) -> bool:
    """Every value an item asks to compare or pick stands clearly apart."""
    surge = drawn["surge"]
    ages = t["age_sex"]
    return (int(t["total"].argmax()) == surge
            and _clear_top(t["total"], 0.10, 15)
            and t["sextortion"][surge] > 1.5 * t["sextortion"][surge - 1]
            and _clear_top(t["heat"].ravel(), 0.06, 8)
            and _clear_top(t["platform_offence"][:, 1], 0.08, 10)
            and list(np.flatnonzero(ages[:, 1] > ages[:, 0])) == [drawn["boy_band"]]
            and bool(np.all(np.abs(ages[:, 1] - ages[:, 0]) >= 12))
            and _clear_top(t["region_reports"], 0.05, 10)
            and _clear_top(t["rates"], 0.05, 3)
            and int(t["rates"].argmax()) != int(t["region_reports"].argmax()))


@lru_cache(maxsize=16)
def _generate(trainee: str):
    gen = rng(MODULE, trainee)
    for _ in range(200):  # redraw (same seed, so still deterministic) until every comparison is clear
        drawn = _draw(gen)
        tables = _tables(drawn)
        if _readable(drawn, tables):
            return _frame(drawn["codes"]), drawn["population"], _summarise(drawn, tables, gen)
    raise RuntimeError(f"no readable data set for {trainee!r}")  # pragma: no cover


def reports(trainee: str | None = None) -> pd.DataFrame:
    """One trainee's reports: a DataFrame with one row per report.

    Columns: ``when`` (date and time the report was received), ``platform``
    (a fictional platform of :data:`PLATFORMS`), ``offence`` (a key of
    :data:`OFFENCES`), ``age_band`` and ``sex`` of the child, ``region`` (a
    fictional region of :data:`REGIONS`) and ``reporter`` (who reported, a
    key of :data:`REPORTERS`).  Rows are in the order received.
    """
    return _generate(trainee or settings.trainee)[0].copy()


def populations(trainee: str | None = None) -> pd.DataFrame:
    """Children (under 18) living in each fictional region: columns ``region`` and ``children``."""
    population = _generate(trainee or settings.trainee)[1]
    return pd.DataFrame({"region": REGIONS, "children": [population[r] for r in REGIONS]})


def summary(trainee: str | None = None) -> dict:
    """What the module's items read from one trainee's figures and tables (the ``$data`` keys).

    Fields: ``months`` and the monthly ``total`` and ``sextortion`` counts;
    ``surge_month`` (the month with most reports), ``surge_sextortion``,
    ``month_options`` and ``surge_option`` (the widget's options and the
    right one); ``heat`` (7 × 8 counts, Saturday first), ``peak_cell``,
    ``cell_options``/``peak_option`` (the darkest cell) and
    ``practice_cell``; ``platform_offence`` counts, ``top_grooming_platform``,
    ``share_platform`` and ``share_percent`` (its share of all sextortion
    reports); ``age_sex`` counts and ``boy_band``; ``regions`` (reports in
    RATE_YEAR and children), ``rates``, ``rate_region``/``rate`` (the region
    the rate item asks about and its rate), ``top_count_region``,
    ``top_rate_region``; ``claims`` and ``claim_kinds`` for the claims item.
    """
    return copy.deepcopy(_generate(trainee or settings.trainee)[2])


def _summarise(drawn: dict, t: dict, gen) -> dict:
    names = list(_month_starts().strftime("%Y-%m"))
    surge = drawn["surge"]
    totals = [int(v) for v in t["total"]]
    # the month options: the surge, the runner-up, the month after, the first and the last months
    runner = int(np.argsort(totals, kind="stable")[-2])
    picked = [surge]
    for m in [runner, surge + 1, 0, MONTHS - 1, surge - 1, surge + 2]:
        if m not in picked and len(picked) < 5:
            picked.append(m)
    picked.sort()
    month_options = {chr(97 + i): month_label(names[m]) for i, m in enumerate(picked)}

    heat = t["heat"]
    flat = np.argsort(heat.ravel(), kind="stable")[::-1]
    peak, second = divmod(int(flat[0]), 8), divmod(int(flat[1]), 8)
    cells = []
    for c in [peak, second, ((peak[0] + 3) % 7, peak[1]), (peak[0], (peak[1] + 4) % 8), (2, 1)] \
            + [(d, b) for d in range(7) for b in range(8)]:
        if c not in cells and len(cells) < 5:
            cells.append(c)
    cells.sort()
    sep = {"ar": "، ", "en": ", "}
    cell_options = {chr(97 + i): {lang: f"{WEEKDAY_NAMES[d][lang]}{sep[lang]}{BANDS[b]}" for lang in sep}
                    for i, (d, b) in enumerate(cells)}

    table = t["platform_offence"]
    sextortion = table[:, 0]
    candidates = [i for i in range(len(PLATFORMS)) if 0.08 <= sextortion[i] / sextortion.sum() <= 0.6]
    share = candidates[int(gen.integers(len(candidates)))]
    rates = {r: float(t["rates"][i]) for i, r in enumerate(REGIONS)}
    rate_region = REGIONS[int(gen.integers(len(REGIONS)))]

    facts = {
        "months": names,
        "total": totals,
        "sextortion": [int(v) for v in t["sextortion"]],
        "surge_month": names[surge],
        "surge_sextortion": int(t["sextortion"][surge]),
        "month_options": month_options,
        "surge_option": chr(97 + picked.index(surge)),
        "heat": heat.tolist(),
        "peak_cell": list(peak),
        "cell_options": cell_options,
        "peak_option": chr(97 + cells.index(peak)),
        "practice_cell": int(heat[PRACTICE_CELL]),
        "platform_offence": {p: {o: int(table[i, j]) for j, o in enumerate(OFFENCES)}
                             for i, p in enumerate(PLATFORMS)},
        "top_grooming_platform": PLATFORMS[int(table[:, 1].argmax())],
        "top_grooming_option": PLATFORM_IDS[PLATFORMS[int(table[:, 1].argmax())]],
        "share_platform": PLATFORMS[share],
        "share_percent": round(100 * int(sextortion[share]) / int(sextortion.sum()), 1),
        "age_sex": {b: {s: int(t["age_sex"][i, j]) for j, s in enumerate(SEXES)} for i, b in enumerate(AGE_BANDS)},
        "boy_band": AGE_BANDS[drawn["boy_band"]],
        "regions": {r: {"reports": int(t["region_reports"][i]), "children": int(t["children"][i])}
                    for i, r in enumerate(REGIONS)},
        "rates": rates,
        "rate_region": rate_region,
        "rate": rates[rate_region],
        "top_count_region": REGIONS[int(t["region_reports"].argmax())],
        "top_rate_region": max(rates, key=rates.get),
    }
    facts["claims"], facts["claim_kinds"] = _claims(facts, gen)
    return facts


# ---------------------------------------------------------------- the claims item

def _claims(facts: dict, gen) -> tuple[dict, dict]:
    """Six claims about the trainee's own figures, two of each kind, in a seeded order."""
    surge = month_label(facts["surge_month"])
    count_region = REGION_LABELS[facts["top_count_region"]]
    rate_region = REGION_LABELS[facts["top_rate_region"]]
    platform = facts["top_grooming_platform"]
    runner = sorted(PLATFORMS, key=lambda p: -facts["platform_offence"][p]["grooming"])[1]
    girls_band = AGE_LABELS[next(b for b in AGE_BANDS if b != facts["boy_band"]
                                 and facts["age_sex"][b]["girl"] > facts["age_sex"][b]["boy"])]
    boys_band = AGE_LABELS[facts["boy_band"]]
    day = WEEKDAY_NAMES[facts["peak_cell"][0]]
    band = BANDS[facts["peak_cell"][1]]
    pool = {
        "supported": [
            {"ar": f"في {surge['ar']} تلقّت الوحدة بلاغات أكثر مما تلقّته في أي شهر آخر من الشهور الأربعة والعشرين.",
             "en": f"In {surge['en']} the unit received more reports than in any other of the 24 months."},
            {"ar": f"في عام {RATE_YEAR} وصل من منطقة {count_region['ar']} عددٌ من البلاغات أكبر مما وصل من أي منطقة أخرى.",
             "en": f"In {RATE_YEAR} more reports came from the {count_region['en']} region than from any other region."},
            {"ar": f"في الفئة العمرية {boys_band['ar']} كانت البلاغات عن الأولاد أكثر من البلاغات عن البنات.",
             "en": f"Among children {boys_band['en'].lower()}, there were more reports about boys than about girls."},
            {"ar": f"جاء من {platform} عددٌ من بلاغات الاستدراج أكبر مما جاء من أي منصة أخرى.",
             "en": f"More grooming reports came from {platform} than from any other platform."},
        ],
        "contradicted": [
            {"ar": f"في عام {RATE_YEAR} كان عدد البلاغات لكل 100,000 طفل في منطقة {count_region['ar']} أعلى منه في أي منطقة أخرى.",
             "en": f"In {RATE_YEAR} the {count_region['en']} region had more reports per 100,000 children than any other region."},
            {"ar": f"في الفئة العمرية {girls_band['ar']} كانت البلاغات عن الأولاد أكثر من البلاغات عن البنات.",
             "en": f"Among children {girls_band['en'].lower()}, there were more reports about boys than about girls."},
            {"ar": f"كانت بلاغات الابتزاز الجنسي في {surge['ar']} أقل منها في الشهر الذي سبقه.",
             "en": f"There were fewer sextortion reports in {surge['en']} than in the month before."},
            {"ar": f"جاء من {runner} عددٌ من بلاغات الاستدراج أكبر مما جاء من {platform}.",
             "en": f"More grooming reports came from {runner} than from {platform}."},
        ],
        "more_data": [
            {"ar": f"في {surge['ar']} كان عدد الأطفال الذين تعرّضوا للابتزاز الجنسي أكبر منه في أي شهر آخر.",
             "en": f"In {surge['en']} more children were sextorted than in any other month."},
            {"ar": f"الأطفال في منطقة {rate_region['ar']} أكثر عرضة للخطر من الأطفال في المناطق الأخرى.",
             "en": f"Children in the {rate_region['en']} region are at greater risk than children in other regions."},
            {"ar": f"تُرتكب الجرائم ضد الأطفال على الإنترنت في أغلب الأحيان يوم {day['ar']} بين الساعة {band.split('–')[0]} والساعة {band.split('–')[1]}.",
             "en": f"Online offences against children are most often committed on {day['en']}s between {band.split('–')[0]}:00 and {band.split('–')[1]}:00."},
            {"ar": f"{platform} هي المنصة التي يتعرّض فيها الأطفال للاستدراج أكثر من غيرها.",
             "en": f"{platform} is the platform where children are most often groomed."},
        ],
    }
    chosen = []
    for kind, claims in pool.items():
        for i in sorted(gen.choice(len(claims), size=2, replace=False)):
            chosen.append((kind, claims[int(i)]))
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    items = {f"c{n + 1}": text for n, (_, text) in enumerate(shown)}
    kinds = {f"c{n + 1}": kind for n, (kind, _) in enumerate(shown)}
    return items, kinds


# ---------------------------------------------------------------- figures and tables

def monthly_figure(facts: dict, lang: str | None = None):
    """Two lines, month by month: all reports and sextortion reports."""
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, ax = plt.subplots(figsize=(9, 4.6), layout="constrained")
    xs = np.arange(len(facts["months"]))
    ax.plot(xs, facts["total"], marker="o", markersize=4, color=PALETTE[0], linewidth=2,
            label=pick({"ar": "كل البلاغات", "en": "All reports"}, lang))
    ax.plot(xs, facts["sextortion"], marker="s", markersize=4, color=PALETTE[1], linewidth=2,
            label=pick({"ar": "بلاغات الابتزاز الجنسي", "en": "Sextortion reports"}, lang))
    ax.set_xticks(xs, facts["months"], rotation=90, fontsize=8)
    ax.set_ylim(0, max(facts["total"]) * 1.1)
    ax.yaxis.set_major_locator(plt.MultipleLocator(25))
    ax.grid(axis="y", color="#dddddd", linewidth=0.7)
    ax.grid(axis="x", color="#f0f0f0", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_ylabel(pick({"ar": "عدد البلاغات في الشهر", "en": "Reports per month"}, lang))
    ax.set_title(pick({"ar": "البلاغات التي تلقّتها الوحدة شهرًا بشهر (بيانات مُصطنعة خاصة بك)",
                       "en": "Reports received by the unit, month by month (synthetic data, yours only)"}, lang),
                 fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, frameon=False, loc="outside upper center", ncols=2, markerfirst=lang != "ar")
    footnote(fig, _SOURCE, lang)
    if lang == "ar":
        ax.invert_xaxis()  # time runs right to left, like the text
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        ax.spines["left"].set_visible(False)
        ax.spines["right"].set_visible(True)
    return fig


def heat_figure(facts: dict, lang: str | None = None):
    """Heat map of reports by weekday and three-hour band, each cell labelled with its count."""
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    heat = np.array(facts["heat"])
    fig, ax = plt.subplots(figsize=(8.6, 4.6), layout="constrained")
    image = ax.imshow(heat, cmap="Blues", aspect="auto", vmin=0)
    ax.set_yticks(range(7), [pick(d, lang) for d in WEEKDAYS])
    ax.set_xticks(range(8), BANDS)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    threshold = heat.max() * 0.55
    for d in range(7):
        for b in range(8):
            ax.text(b, d, str(heat[d, b]), ha="center", va="center", fontsize=9, in_layout=False,
                    color="white" if heat[d, b] > threshold else "#222222")  # inside the axes: no layout work
    ax.set_xlabel(pick({"ar": "ساعة تلقّي البلاغ (فترات من ثلاث ساعات؛ 21–24 = من 21:00 إلى 23:59)",
                        "en": "Hour the report was received (three-hour bands; 21–24 = 21:00 to 23:59)"}, lang))
    ax.set_title(pick({"ar": "البلاغات حسب يوم الأسبوع وساعة التلقّي، في الشهور الأربعة والعشرين (بيانات مُصطنعة خاصة بك)",
                       "en": "Reports by weekday and hour received, over the 24 months (synthetic data, yours only)"},
                      lang), fontsize=10.5)
    bar = fig.colorbar(image, ax=ax, location="left" if lang == "ar" else "right", shrink=0.9, pad=0.02)
    bar.set_label(pick({"ar": "عدد البلاغات", "en": "Number of reports"}, lang))
    footnote(fig, _SOURCE, lang)
    if lang == "ar":
        ax.invert_xaxis()  # hours run right to left, like the text
        ax.yaxis.tick_right()
    return fig


def age_figure(facts: dict, lang: str | None = None):
    """Grouped bars: reports about girls and about boys in each age band."""
    lang = lang or settings.language
    fig = bar_comparison(
        {"ar": "البلاغات حسب عمر الطفل وجنسه، في الشهور الأربعة والعشرين (بيانات مُصطنعة خاصة بك)",
         "en": "Reports by the child's age and sex, over the 24 months (synthetic data, yours only)"},
        [AGE_LABELS[b] for b in AGE_BANDS],
        {s: (SEX_LABELS[s], [facts["age_sex"][b][s] for b in AGE_BANDS]) for s in SEXES},
        unit={"ar": "عدد البلاغات", "en": "Number of reports"},
        source=_SOURCE, lang=lang,
    )
    fig.set_size_inches(7.6, 4.2)
    fig.axes[0].title.set_fontsize(10.5)
    return fig


def _html_table(frame: pd.DataFrame, caption: dict, lang: str):
    from IPython.display import HTML

    table = frame.to_html(border=0, classes="himaya-table")
    return HTML(f'<div dir="{direction(lang)}" lang="{lang}"><p><b>{pick(caption, lang)}</b></p>{table}'
                f'<p style="font-size:smaller;color:#444">{pick(_SOURCE, lang)}</p></div>')


def platform_frame(facts: dict, lang: str | None = None) -> pd.DataFrame:
    """The platform × offence counts with a total row and column, labelled in ``lang``."""
    lang = lang or settings.language
    frame = pd.DataFrame(facts["platform_offence"]).T.reindex(index=PLATFORMS, columns=OFFENCES)
    total = pick({"ar": "المجموع", "en": "Total"}, lang)
    frame[total] = frame.sum(axis=1)
    frame.loc[total] = frame.sum(axis=0)
    frame.columns = [pick(OFFENCE_LABELS[o], lang) for o in OFFENCES] + [total]
    frame.index.name = pick({"ar": "المنصة", "en": "Platform"}, lang)
    return frame


def platform_table(facts: dict, lang: str | None = None):
    """The platform × offence table as HTML in the trainee's language and direction."""
    lang = lang or settings.language
    return _html_table(platform_frame(facts, lang),
                       {"ar": "البلاغات حسب المنصة ونوع الجريمة، في الشهور الأربعة والعشرين",
                        "en": "Reports by platform and offence, over the 24 months"}, lang)


def region_frame(facts: dict, lang: str | None = None) -> pd.DataFrame:
    """Reports in RATE_YEAR and children per region, labelled in ``lang``."""
    lang = lang or settings.language
    frame = pd.DataFrame({
        pick({"ar": f"البلاغات في {RATE_YEAR}", "en": f"Reports in {RATE_YEAR}"}, lang):
            [facts["regions"][r]["reports"] for r in REGIONS],
        pick({"ar": "عدد الأطفال (دون 18 سنة)", "en": "Children (under 18)"}, lang):
            [facts["regions"][r]["children"] for r in REGIONS],
    }, index=[pick(REGION_LABELS[r], lang) for r in REGIONS])
    frame.index.name = pick({"ar": "المنطقة", "en": "Region"}, lang)
    return frame


def region_table_html(facts: dict, lang: str | None = None):
    """The regional table as HTML in the trainee's language and direction."""
    lang = lang or settings.language
    return _html_table(region_frame(facts, lang),
                       {"ar": f"البلاغات وعدد الأطفال حسب المنطقة، عام {RATE_YEAR}",
                        "en": f"Reports and children by region, {RATE_YEAR}"}, lang)


def preview(frame: pd.DataFrame, lang: str | None = None, rows: int = 6):
    """How many reports the table holds and its first ``rows`` rows, labelled in ``lang``."""
    lang = lang or settings.language
    labels = {"platform": None, "offence": OFFENCE_LABELS, "age_band": AGE_LABELS,
              "sex": {"girl": {"ar": "بنت", "en": "Girl"}, "boy": {"ar": "ولد", "en": "Boy"}},
              "region": REGION_LABELS, "reporter": REPORTER_LABELS}
    head = frame.head(rows).copy()
    head["when"] = head["when"].dt.strftime("%Y-%m-%d %H:%M")
    for column, names in labels.items():
        if names:
            head[column] = [pick(names[v], lang) for v in head[column]]
    head.columns = [pick(c, lang) for c in COLUMN_LABELS.values()]
    head.index = range(1, len(head) + 1)
    caption = {"ar": f"جدول بلاغاتك: {len(frame):,} بلاغًا من يناير 2023 إلى ديسمبر 2024. هذه أول {rows} بلاغات فيه:",
               "en": f"Your reports table: {len(frame):,} reports from January 2023 to December 2024. Its first {rows} reports:"}
    return _html_table(head, caption, lang)


#: The columns of :func:`reports`, as the preview names them.
COLUMN_LABELS = {
    "when": {"ar": "وقت تلقّي البلاغ", "en": "Received"},
    "platform": {"ar": "المنصة", "en": "Platform"},
    "offence": {"ar": "نوع الجريمة", "en": "Offence"},
    "age_band": {"ar": "عمر الطفل", "en": "Child's age"},
    "sex": {"ar": "جنس الطفل", "en": "Child's sex"},
    "region": {"ar": "المنطقة", "en": "Region"},
    "reporter": {"ar": "من أبلغ", "en": "Reported by"},
}


# ---------------------------------------------------------------- lab m04a-analysis-lab: reference answers
# The hidden tests of the analyst lab compare the trainee's functions with these, computed
# from the trainee's own seeded reports, so no test holds a trainee's numbers.

def lab_monthly_counts(frame: pd.DataFrame) -> pd.Series:
    """Reports per calendar month, oldest first: a Series indexed by the first day of each month."""
    return frame.set_index("when").resample("MS").size()


def lab_peak_month(counts: pd.Series) -> str:
    """The month with the most reports, as ``"YYYY-MM"``."""
    return counts.idxmax().strftime("%Y-%m")


def lab_offence_months(frame: pd.DataFrame, offence: str) -> pd.Series:
    """Reports of one offence per calendar month, every month of the data present (0 where none)."""
    months = lab_monthly_counts(frame).index
    chosen = frame[frame["offence"] == offence]
    return chosen.set_index("when").resample("MS").size().reindex(months, fill_value=0)


def lab_hour_weekday(frame: pd.DataFrame) -> pd.DataFrame:
    """Reports by weekday (rows 0 = Monday … 6 = Sunday, pandas' numbering) and hour (columns 0–23)."""
    when = frame["when"]
    return (pd.crosstab(when.dt.day_of_week, when.dt.hour)
            .reindex(index=range(7), columns=range(24), fill_value=0))


def lab_region_rates(frame: pd.DataFrame, populations: pd.DataFrame, year: int = RATE_YEAR) -> pd.DataFrame:
    """Every region of ``populations`` with its reports in ``year`` and ``rate`` per 100,000 (one decimal), highest first.

    A left merge from the population table, zero filled: an inner merge would silently drop a region with no
    reports, which is what a campaign planner most needs to see.  Equal rates in region order.
    Columns ``region``, ``reports``, ``children``, ``rate``; index 0, 1, 2, …
    """
    counts = (frame[frame["when"].dt.year == year].groupby("region").size()
              .rename("reports").reset_index())
    table = (populations.merge(counts, on="region", how="left")
             .fillna({"reports": 0}).astype({"reports": int})[["region", "reports", "children"]])
    table["rate"] = (table["reports"] / table["children"] * 100_000).round(1)
    return table.sort_values(["rate", "region"], ascending=[False, True]).reset_index(drop=True)
