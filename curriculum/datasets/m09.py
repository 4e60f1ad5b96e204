"""Module m09's synthetic data: draft campaign messages and a campaign's before/after survey, seeded per trainee.

:func:`draft_messages` draws the drafts a trainee classifies (evidence-based,
fear-based or victim-blaming) from a bank the course wrote; every message is
fictional.  :func:`campaign_survey` is an anonymous survey of pupils in
fictional schools, before and after an awareness campaign, with comparison
schools that had no campaign.  :func:`survey_table` and :func:`survey_figure`
show it in the trainee's language; the figure draws the 95% confidence
intervals the notebook computes, so the trainee reads them instead of
computing them.  The grader calls the generators with the trainee's id to
compute the keys of the items that read them.
"""
from __future__ import annotations

import html
import math

from ..figures import PALETTE, footnote, use_course_style
from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m09-awareness-campaigns"

# ---------------------------------------------------------------- draft messages

CATEGORIES = {
    "evidence": {"ar": "مبنية على الأدلة", "en": "Evidence-based"},
    "fear": {"ar": "قائمة على التخويف", "en": "Fear-based"},
    "blame": {"ar": "تلوم الضحية", "en": "Victim-blaming"},
}

#: The bank of drafts, written for the course: each says clearly what it is.
BANK = {
    "evidence": [
        {"ar": "هل طلب منك أحد على الإنترنت أن تُخفي محادثاتكما عن أهلك؟ يمكنك أن تحظره وتبلّغ عنه، وأن تخبر شخصًا كبيرًا تثق به. لن تقع في مشكلة لأنك أخبرت.",
         "en": "Has someone online asked you to keep your chats secret from your family? You can block them, report them and tell an adult you trust. You will not be in trouble for telling."},
        {"ar": "اطلب من طفلك هذا الأسبوع أن يريك لعبته المفضّلة، واضبطا معًا إعدادات الخصوصية فيها. واتفقا على أن يأتيك بأي شيء يزعجه على الإنترنت دون أن يخسر جهازه.",
         "en": "This week, ask your child to show you their favourite game and set up its privacy settings together. Agree that they can bring you anything that upsets them online without losing their device."},
        {"ar": "نشاط للصف: لاعب لا تعرفه يرسل إليك طلب صداقة ويعرض عليك عملات مجانية. مثّلوا ما تفعلونه: ترفضون، ثم تحظرونه وتبلّغون عنه، ثم تخبرون شخصًا كبيرًا تثقون به.",
         "en": "Class activity: a player you don't know sends you a friend request and offers you free coins. Act out what you would do: say no, block and report them, then tell an adult you trust."},
        {"ar": "إن هدّدك أحد بنشر صورة لك ما لم تدفع أو ترسل المزيد، فالذنب ليس ذنبك. لا تدفع، واحتفظ بالرسائل، واحظر الحساب، واطلب المساعدة من شخص كبير تثق به أو من خط المساعدة.",
         "en": "If someone threatens to share a picture of you unless you pay or send more, it is not your fault. Don't pay, keep the messages, block the account and get help from an adult you trust or from the helpline."},
        {"ar": "معظم الشباب يستخدمون الإنترنت بأمان في معظم الأوقات. ثلاثة إعدادات تساعدك: حساب خاص، واختيار من يستطيع مراسلتك، ومعرفة مكان زر الإبلاغ.",
         "en": "Most young people use the internet safely most of the time. Three settings help: a private account, choosing who can message you, and knowing where the report button is."},
        {"ar": "إن أخبرك صديق أنه يتعرّض للتنمّر في مجموعة دردشة، فبإمكانك أن تساعده: قف إلى جانبه، ولا تُعِد نشر الرسائل، وساعده على الإبلاغ وعلى إخبار شخص كبير.",
         "en": "If a friend tells you they are being bullied in a group chat, you can help: stand by them, don't pass the messages on, and help them report it and tell an adult."},
        {"ar": "في هذا البرنامج أربع جلسات يتدرّب فيها التلاميذ على رفض الضغط من الأقران ومن الغرباء، على الإنترنت وخارجه، وتنتهي كل جلسة بتمثيل موقف قصير.",
         "en": "In this four-session programme pupils practise refusing pressure from peers and from strangers, online and offline; each session ends with a short role-play."},
    ],
    "fear": [
        {"ar": "تحذير عاجل!!! المعتدون على الأطفال يختبئون في كل لعبة يلعبها طفلك، ولحظة واحدة على الإنترنت تكفي لتدمير حياته إلى الأبد. أرسل هذه الرسالة إلى كل الآباء الآن!",
         "en": "URGENT WARNING!!! Child abusers are hiding in every game your child plays, and one moment online is enough to ruin their life forever. Send this to every parent now!"},
        {"ar": "عاجل: تحدٍّ قاتل جديد ينتشر بين الأطفال وقد أودى بحياة كثيرين. تجدون اسمه وصوره في المرفقات؛ اعرضوها على أطفالكم الليلة حتى يعرفوا ما يتجنّبونه!",
         "en": "Urgent: a deadly new challenge is spreading among children and has already claimed many lives. Its name and pictures are attached; show them to your children tonight so they know what to avoid!"},
        {"ar": "الإنترنت مكان خطير مليء بالمجرمين، وكل غريب على الإنترنت خاطف متنكّر. لا تثق بأحد أبدًا!",
         "en": "The internet is a dangerous place full of criminals, and every stranger online is a kidnapper in disguise. Never trust anyone!"},
        {"ar": "في طابور الغد سنروي للتلاميذ قصصًا مروّعة ونعرض عليهم مقاطع مخيفة عمّا أصاب أطفالًا بعد محادثات على الإنترنت، حتى يخافوا أن يفعلوا مثلهم.",
         "en": "At tomorrow's assembly we will tell pupils horrifying stories and show them frightening clips of what happened to children after online chats, so that they are too scared to do the same."},
        {"ar": "هاتف طفلك باب يدخل منه المجرمون إلى بيتك. إن لم تفتّشه كل ليلة فقد يكون الأوان قد فات.",
         "en": "Your child's phone is a door that lets criminals into your home. If you don't search it every night, it may already be too late."},
        {"ar": "كل صورة تنشرها يمكن أن يسرقها القراصنة في دقائق. إنهم يراقبون حسابك في هذه اللحظة!",
         "en": "Every photo you post can be stolen by hackers within minutes. They are watching your account right now!"},
        {"ar": "الألعاب الإلكترونية تحوّل أطفالنا إلى مدمنين ومجرمين. انتزعوا الأجهزة من أيديهم قبل فوات الأوان!",
         "en": "Video games are turning our children into addicts and criminals. Take the devices out of their hands before it is too late!"},
    ],
    "blame": [
        {"ar": "إن أرسلت صورتك إلى أحد، فكل ما يحدث بعد ذلك ذنبك وحدك.",
         "en": "If you send your picture to someone, whatever happens next is your fault alone."},
        {"ar": "الأطفال الذين يتعرّضون للابتزاز على الإنترنت جلبوا ذلك على أنفسهم في الغالب بإهمالهم.",
         "en": "Children who are blackmailed online have usually brought it on themselves by being careless."},
        {"ar": "لا يقع في خدع الإنترنت إلا الأطفال السذّج. كن ذكيًا ولن يحدث لك ذلك.",
         "en": "Only naive children fall for online tricks. Be smart and it won't happen to you."},
        {"ar": "إن تعرّضت للتنمّر في مجموعة الصف، فاسأل نفسك أولًا: ماذا فعلت حتى استفززتهم؟",
         "en": "If you are bullied in the class group, first ask yourself what you did to provoke them."},
        {"ar": "من ينشر صوره على الإنترنت يطلب المتاعب لنفسه، فلا يلومنّ إلا نفسه.",
         "en": "Anyone who posts their photos online is asking for trouble and has only themselves to blame."},
        {"ar": "الطفل الذي يحادث الغرباء ثم يقع في مشكلة يجب أن يُعاقَب أولًا حتى يتعلّم الدرس.",
         "en": "A child who chats with strangers and then gets into trouble should be punished first, so they learn their lesson."},
        {"ar": "إن سُرق حساب طفلك فلأنه كان مهملًا؛ ولو كان أكثر حذرًا لما حدث شيء.",
         "en": "If your child's account was stolen, it is because they were careless; had they been more careful, nothing would have happened."},
    ],
}

#: How many drafts a trainee classifies, and the fewest and most of one category among them.
DRAFTS = 9
PER_CATEGORY = (2, 4)


def _streams(trainee):
    """Two independent streams from the module's seed: one per data set."""
    return rng(MODULE, trainee).spawn(2)


def draft_messages(trainee: str | None = None) -> dict:
    """Nine draft campaign messages from :data:`BANK`, a seeded selection in a seeded order.

    Each category gives 2 to 4 drafts (the mix differs between trainees, so
    nobody can count on three of each). Fields: ``messages`` (``d1`` … ``d9``
    → ``{"ar", "en"}``), ``kinds`` (``d1`` … → category, the key of the
    classification item), ``bank`` (``d1`` … → ``(category, index in BANK)``).
    """
    gen = _streams(trainee)[0]
    low, high = PER_CATEGORY
    while True:
        counts = [int(c) for c in gen.integers(low, high + 1, size=len(CATEGORIES))]
        if sum(counts) == DRAFTS:
            break
    chosen = []
    for category, count in zip(CATEGORIES, counts):
        for index in gen.choice(len(BANK[category]), size=count, replace=False):
            chosen.append((category, int(index)))
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    ids = [f"d{n + 1}" for n in range(len(shown))]
    return {
        "messages": {i: dict(BANK[c][k]) for i, (c, k) in zip(ids, shown)},
        "kinds": {i: c for i, (c, _) in zip(ids, shown)},
        "bank": {i: (c, k) for i, (c, k) in zip(ids, shown)},
    }


# ---------------------------------------------------------------- the campaign survey

GROUP_LABELS = {
    "campaign": {"ar": "مدارس الحملة", "en": "Campaign schools"},
    "comparison": {"ar": "مدارس المقارنة (بلا حملة)", "en": "Comparison schools (no campaign)"},
}
DIFF_LABEL = {"ar": "الفرق بين التغيّرين\n(الحملة ناقص المقارنة)", "en": "Difference between\nthe two changes\n(campaign minus\ncomparison)"}
SCHOOL_LABELS = {
    "A": {"ar": "المدرسة أ", "en": "School A"},
    "B": {"ar": "المدرسة ب", "en": "School B"},
    "C": {"ar": "المدرسة ج", "en": "School C"},
    "D": {"ar": "المدرسة د", "en": "School D"},
    "E": {"ar": "المدرسة هـ", "en": "School E"},
}
SCHOOL_GROUPS = {"A": "campaign", "B": "campaign", "C": "campaign", "D": "comparison", "E": "comparison"}

#: z for a two-sided 95% interval.
Z95 = 1.96
#: Fewest percentage points between an interval's end and 0 when an item asks whether it excludes 0.
CLEAR = 1.0


def _pct(yes: int, n: int) -> float:
    return round(100 * yes / n, 1)


def _change(before: tuple[int, int], after: tuple[int, int]) -> dict:
    """Change in percentage points between two independent samples, with its 95% interval (Wald)."""
    (y1, n1), (y2, n2) = before, after
    p1, p2 = y1 / n1, y2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return {"exact": 100 * (p2 - p1), "se": 100 * se}


def _interval(centre: float, se: float) -> tuple[float, float]:
    return round(centre - Z95 * se, 1), round(centre + Z95 * se, 1)


def campaign_survey(trainee: str | None = None) -> dict:
    """An anonymous survey of pupils aged 11 to 14 in five fictional schools, before and after a campaign.

    Schools A, B and C had the campaign; D and E, alike in other respects,
    did not (the comparison group). Each time, pupils answered "Do you know
    where to report something online that worries you?". Before and after are
    separate anonymous samples, so the intervals treat them as independent.

    Built so that: the campaign schools' change is positive with a 95%
    interval clearly above 0; the comparison schools' share also rises (by at
    least 2 points); and the interval of the difference between the two
    changes either clearly excludes 0 or clearly includes it (each end at least
    :data:`CLEAR` points from 0), one or the other depending on the trainee.

    Fields: ``schools`` (one row each: ``id``, ``group``, ``n_before``,
    ``yes_before``, ``pct_before``, ``n_after``, ``yes_after``,
    ``pct_after``); ``groups`` (the same, pooled, for ``campaign`` and
    ``comparison``, with ``change_pp`` and its ``ci``, and each share's
    ``ci_before`` / ``ci_after``); ``diff`` (``pp`` and ``ci``); and what the
    items read: ``change_campaign``, ``change_comparison``, ``diff_pp``,
    ``school_a_change``, ``diff_excludes_zero``, ``diff_answer`` ("a" when the
    interval is above 0, "b" when it includes 0).
    """
    gen = _streams(trainee)[1]
    excludes = bool(gen.random() < 0.5)  # which of the two conclusions this trainee's data support
    for _ in range(1000):
        base = gen.uniform(0.30, 0.48)
        if excludes:
            trend, effect = gen.uniform(0.02, 0.07), gen.uniform(0.15, 0.24)
        else:
            trend, effect = gen.uniform(0.07, 0.12), gen.uniform(0.0, 0.05)
        schools = []
        for school, group in SCHOOL_GROUPS.items():
            start = base + gen.uniform(-0.06, 0.06)
            end = start + trend + (effect if group == "campaign" else 0.0) + gen.uniform(-0.03, 0.03)
            low, high = (120, 201) if group == "campaign" else (150, 231)
            n_before, n_after = int(gen.integers(low, high)), int(gen.integers(low, high))
            yes_before, yes_after = int(gen.binomial(n_before, start)), int(gen.binomial(n_after, end))
            schools.append({"id": school, "group": group,
                            "n_before": n_before, "yes_before": yes_before, "pct_before": _pct(yes_before, n_before),
                            "n_after": n_after, "yes_after": yes_after, "pct_after": _pct(yes_after, n_after)})
        groups = {}
        for group in GROUP_LABELS:
            rows = [s for s in schools if s["group"] == group]
            n_b, y_b = sum(s["n_before"] for s in rows), sum(s["yes_before"] for s in rows)
            n_a, y_a = sum(s["n_after"] for s in rows), sum(s["yes_after"] for s in rows)
            change = _change((y_b, n_b), (y_a, n_a))
            pct_b, pct_a = _pct(y_b, n_b), _pct(y_a, n_a)
            groups[group] = {
                "n_before": n_b, "yes_before": y_b, "pct_before": pct_b,
                "n_after": n_a, "yes_after": y_a, "pct_after": pct_a,
                "ci_before": _interval(100 * y_b / n_b, 100 * math.sqrt((y_b / n_b) * (1 - y_b / n_b) / n_b)),
                "ci_after": _interval(100 * y_a / n_a, 100 * math.sqrt((y_a / n_a) * (1 - y_a / n_a) / n_a)),
                "change_pp": round(pct_a - pct_b, 1),
                "exact": change["exact"], "se": change["se"],
                "ci": _interval(change["exact"], change["se"]),
            }
        camp, comp = groups["campaign"], groups["comparison"]
        diff_exact = camp["exact"] - comp["exact"]
        diff_se = math.sqrt(camp["se"] ** 2 + comp["se"] ** 2)
        diff_ci = _interval(diff_exact, diff_se)
        clear_above = diff_ci[0] >= CLEAR
        clear_across = diff_ci[0] <= -CLEAR and diff_ci[1] >= CLEAR
        if (camp["ci"][0] >= 2.0 and comp["change_pp"] >= 2.0
                and all(15 <= s[k] <= 90 for s in schools for k in ("pct_before", "pct_after"))
                and (clear_above if excludes else clear_across)):
            break
    else:  # pragma: no cover - the ranges above make this unreachable in practice
        raise RuntimeError("no readable survey drawn")
    for group in groups.values():
        del group["exact"], group["se"]
    diff_pp = round(camp["change_pp"] - comp["change_pp"], 1)
    return {
        "schools": schools,
        "groups": groups,
        "diff": {"pp": diff_pp, "ci": diff_ci},
        # what the items read
        "school_a_change": round(schools[0]["pct_after"] - schools[0]["pct_before"], 1),
        "change_campaign": camp["change_pp"],
        "change_comparison": comp["change_pp"],
        "diff_pp": diff_pp,
        "diff_excludes_zero": excludes,
        "diff_answer": "a" if excludes else "b",
    }


_HEAD = {
    "school": {"ar": "المدرسة", "en": "School"},
    "group": {"ar": "المجموعة", "en": "Group"},
    "n_before": {"ar": "عدد التلاميذ قبل الحملة", "en": "Pupils surveyed before"},
    "pct_before": {"ar": "يعرفون أين يبلّغون، قبل (%)", "en": "Know where to report, before (%)"},
    "n_after": {"ar": "عدد التلاميذ بعد الحملة", "en": "Pupils surveyed after"},
    "pct_after": {"ar": "يعرفون أين يبلّغون، بعد (%)", "en": "Know where to report, after (%)"},
}
_TOTAL = {"campaign": {"ar": "جميع مدارس الحملة", "en": "All campaign schools"},
          "comparison": {"ar": "جميع مدارس المقارنة", "en": "All comparison schools"}}
_NOTE = {"ar": "بيانات مُصطنعة لأغراض التدريب، خاصة بك: لا تصف أي مدرسة أو تلميذ حقيقي.",
         "en": "Synthetic training data, yours only: describes no real school or pupil."}


def _table_html(survey: dict, lang: str) -> str:
    cols = list(_HEAD)
    esc = html.escape
    head = "".join(f"<th>{esc(pick(_HEAD[c], lang))}</th>" for c in cols)
    rows = []
    for group in GROUP_LABELS:
        for s in (s for s in survey["schools"] if s["group"] == group):
            cells = [pick(SCHOOL_LABELS[s["id"]], lang), pick(GROUP_LABELS[group], lang),
                     s["n_before"], f'{s["pct_before"]:.1f}', s["n_after"], f'{s["pct_after"]:.1f}']
            rows.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
        g = survey["groups"][group]
        cells = [pick(_TOTAL[group], lang), pick(GROUP_LABELS[group], lang),
                 g["n_before"], f'{g["pct_before"]:.1f}', g["n_after"], f'{g["pct_after"]:.1f}']
        rows.append('<tr style="font-weight:bold;border-bottom:2px solid #888">'
                    + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
    direction = "rtl" if lang == "ar" else "ltr"
    return (f'<div dir="{direction}" lang="{lang}" class="himaya-table">'
            f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p style="font-size:85%;color:#444">{esc(pick(_NOTE, lang))}</p></div>')


def survey_table(survey: dict, lang: str | None = None):
    """The survey as a table in the trainee's language: each school, then each group's total in bold."""
    from IPython.display import HTML

    return HTML(_table_html(survey, lang or settings.language))


def _signed(value: float, lang: str) -> str:
    """A number for a label; in Arabic a left-to-right mark keeps a minus sign before its digits."""
    text = f"{value:.1f}"
    return "\u200e" + text if lang == "ar" and value < 0 else text


def survey_figure(survey: dict, lang: str | None = None):
    """Two panels: each group's share before and after, and the changes, all with 95% intervals.

    The intervals are drawn as lines and their ends written beside them, so
    a trainee reads them; in Arabic both panels run right to left and the
    first panel stands on the right.
    """
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained", gridspec_kw={"width_ratios": [1, 1.25]})
    shares, changes = (axes[1], axes[0]) if lang == "ar" else (axes[0], axes[1])
    groups = survey["groups"]
    names = list(GROUP_LABELS)

    # panel 1: share before and after, with each share's interval
    width = 0.38
    when = {"before": ({"ar": "قبل الحملة", "en": "Before"}, PALETTE[5]),
            "after": ({"ar": "بعد الحملة", "en": "After"}, PALETTE[0])}
    for i, (moment, (label, colour)) in enumerate(when.items()):
        xs = [x + (i - 0.5) * width for x in range(len(names))]
        values = [groups[g][f"pct_{moment}"] for g in names]
        lows = [v - groups[g][f"ci_{moment}"][0] for v, g in zip(values, names)]
        highs = [groups[g][f"ci_{moment}"][1] - v for v, g in zip(values, names)]
        bars = shares.bar(xs, values, width, color=colour, label=pick(label, lang),
                          yerr=[lows, highs], capsize=4, error_kw={"elinewidth": 1.2, "ecolor": "#222222"})
        shares.bar_label(bars, fmt="%.1f", label_type="center", color="white", fontsize=9)
    shares.set_xticks(range(len(names)), [pick(GROUP_LABELS[g], lang).replace(" (", "\n(") for g in names])
    shares.set_ylim(0, 100)
    shares.set_ylabel(pick({"ar": "يقولون إنهم يعرفون أين يبلّغون (%)",
                            "en": "Say they know where to report (%)"}, lang))
    shares.set_title(pick({"ar": "نسبة التلاميذ قبل الحملة وبعدها", "en": "Share of pupils, before and after"}, lang),
                     fontsize=11)
    handles, labels = shares.get_legend_handles_labels()
    if lang == "ar":  # bars run right to left: the legend's first entry is the rightmost too
        handles, labels = handles[::-1], labels[::-1]
    shares.legend(handles, labels, frameon=False, loc="upper center", ncols=2, markerfirst=lang != "ar")

    # panel 2: the changes and their difference, each a dot with its interval
    rows = [(groups["campaign"]["change_pp"], groups["campaign"]["ci"], GROUP_LABELS["campaign"], PALETTE[0]),
            (groups["comparison"]["change_pp"], groups["comparison"]["ci"], GROUP_LABELS["comparison"], PALETTE[1]),
            (survey["diff"]["pp"], survey["diff"]["ci"], DIFF_LABEL, PALETTE[7])]
    changes.axhline(0, color="#666666", linestyle="--", linewidth=1, zorder=1)
    for x, (value, (low, high), _, colour) in enumerate(rows):
        changes.errorbar([x], [value], yerr=[[value - low], [high - value]], fmt="o", color=colour,
                         markersize=8, capsize=6, elinewidth=2, zorder=3)
        text = (f"من {_signed(low, lang)}\nإلى {_signed(high, lang)}" if lang == "ar"
                else f"{low:.1f}\nto {high:.1f}")
        changes.annotate(text, (x, high), textcoords="offset points", xytext=(0, 6), ha="center",
                         va="bottom", fontsize=9)
    top = max(r[1][1] for r in rows)
    bottom = min(0.0, min(r[1][0] for r in rows))
    changes.set_ylim(bottom - 4, top + 12)
    changes.set_xlim(-0.6, len(rows) - 0.4)
    changes.set_xticks(range(len(rows)), [pick(r[2], lang).replace(" (", "\n(") if r[2] is not DIFF_LABEL
                                          else pick(r[2], lang) for r in rows])
    changes.set_ylabel(pick({"ar": "التغيّر بالنقاط المئوية", "en": "Change in percentage points"}, lang))
    changes.set_title(pick({"ar": "التغيّر وفترة الثقة 95% (الخط الرأسي والرقمان فوقه)",
                            "en": "Change with its 95% confidence interval (the line, ends written above)"}, lang),
                      fontsize=11)
    for ax in (shares, changes):
        ax.tick_params(axis="x", labelsize=9)
        if lang == "ar":
            ax.invert_xaxis()
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
            ax.spines["left"].set_visible(False)
            ax.spines["right"].set_visible(True)
    fig.suptitle(pick({"ar": "مسح الحملة الخاص بك: «هل تعرف أين تبلّغ عن شيء على الإنترنت يقلقك؟»",
                       "en": "Your campaign survey: \"Do you know where to report something online that worries you?\""},
                      lang), fontsize=12)
    footnote(fig, {"ar": "بيانات مُصطنعة لأغراض التدريب · الخطوط: فترات الثقة 95%",
                   "en": "Synthetic training data · lines: 95% confidence intervals"}, lang)
    return fig
