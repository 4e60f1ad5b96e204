"""Module m03's synthetic data: a game-chat log and a weekly gaming-hours record, seeded per trainee.

Both describe fictional people only.  :func:`game_chat` is the log of an
unknown player contacting a fictional child in a game chat (grooming tactics,
never sexual content); :func:`gaming_hours` is a fictional teenager's weekly
gaming hours, built so that the hours alone can never settle whether ICD-11's
gaming disorder applies.  The figure functions draw them in the trainee's
language; the grader calls the generators with the trainee's id to compute
the keys of the items that read these figures.
"""
from __future__ import annotations

from ..figures import PALETTE, bar_comparison, footnote, use_course_style
from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m03-bullying-fraud-games"

#: What each line of the chat log does, in the order of the figure's rows (top to bottom).
KIND_LABELS = {
    # m02's tactic labels (curriculum/glossary.yaml): one term per concept across modules.
    "talk": {"ar": "حديث عادي", "en": "Ordinary talk"},
    "flattery": {"ar": "مديح", "en": "Flattery"},
    "gift": {"ar": "هدايا أو عروض", "en": "Gifts or offers"},
    "supervision": {"ar": "سؤال عن الرقابة أو المكان", "en": "Supervision or location"},
    "secrecy": {"ar": "طلب كتمان", "en": "Secrecy request"},
    "private": {"ar": "نقل إلى قناة خاصة", "en": "Private channel"},
}
KINDS = list(KIND_LABELS)

#: The order the ordering item lists its steps in (never a log's order: a log starts with "talk").
LISTED_ORDER = ["private", "secrecy", "talk", "gift", "supervision", "flattery"]

FIRST_MESSAGE = {"ar": "مباراة رائعة! هل تريد أن نلعب معًا في الجولة القادمة؟",
                 "en": "Great match! Want to team up for the next round?"}

#: Variants of each kind of line; a log draws from them without repeating a line.
LINES = {
    "talk": [
        {"ar": "انتبه، هناك فريق يختبئ خلف الجدار.", "en": "Watch out, a team is hiding behind the wall."},
        {"ar": "لنجرّب الخريطة الجديدة الليلة.", "en": "Let's try the new map tonight."},
        {"ar": "خسرنا هذه الجولة، لكن الجولة القادمة لنا.", "en": "We lost this round, but the next one is ours."},
    ],
    "flattery": [
        {"ar": "أنت أفضل لاعب في هذا الخادم، وأمهر ممن هم في ضعف عمرك.",
         "en": "You're the best player on this server, better than people twice your age."},
        {"ar": "بصراحة، أنت أنضج من كل زملائك في الصف.",
         "en": "Honestly, you're more mature than anyone in your class."},
        {"ar": "لا أحد يفهم اللعبة مثلك، أنت موهوب حقًا.",
         "en": "Nobody understands the game like you do. You're really talented."},
    ],
    "gift": [
        {"ar": "أرسلتُ لك 500 عملة، مجرد هدية ولا أريد مقابلًا.",
         "en": "I've sent you 500 coins. Just a present, you don't owe me anything."},
        {"ar": "هذا زيّ نادر لشخصيتك، هدية مني.", "en": "Here's a rare skin for your character, a gift from me."},
        {"ar": "ابقَ في فريقي وسأرفعك إلى المراكز العشرة الأولى في الترتيب.",
         "en": "Stay on my team and I'll lift you into the top ten of the rankings."},
        {"ar": "اشتريتُ لك بطاقة الموسم الجديد، افتحها الآن.",
         "en": "I bought you the new season pass. Open it now."},
    ],
    "supervision": [
        {"ar": "هل يكون أهلك في البيت حين تلعب؟ هل يفتّشون هاتفك؟",
         "en": "Are your parents at home when you play? Do they check your phone?"},
        {"ar": "من يستخدم هذا الجهاز غيرك؟ هل يقرأ أحد رسائلك؟",
         "en": "Who else uses this device? Does anyone read your messages?"},
        {"ar": "في أي ساعة ينام أهلك عادةً؟", "en": "What time do your parents usually go to sleep?"},
    ],
    "secrecy": [
        {"ar": "لنُبقِ أحاديثنا بيننا، فالكبار لن يفهموا.", "en": "Let's keep our chats between us. Adults wouldn't understand."},
        {"ar": "لا تخبر أحدًا أننا نتحدث، ولا حتى أصدقاءك.", "en": "Don't tell anyone we talk, not even your friends."},
        {"ar": "هذا سرّ بيننا، اتفقنا؟ احذف المحادثة بعد أن تقرأها.",
         "en": "This is our secret, okay? Delete the chat after you read it."},
    ],
    "private": [
        {"ar": "الدردشة هنا بطيئة. أضفني على تطبيق آخر لنتحدث على انفراد.",
         "en": "The chat here is slow. Add me on another app so we can talk privately."},
        {"ar": "أرسل لي رقمك ولننتقل إلى تطبيق مراسلة خاص.",
         "en": "Send me your number and let's move to a private messaging app."},
        {"ar": "لنتحدث على تطبيق خاص لا يرى فيه أحد رسائلنا.",
         "en": "Let's talk on a private app where no one can see our messages."},
    ],
}

#: Fewest minutes between two events on the same row of the figure (their labels must not touch).
GAP = 3
#: Weekly hours that equal four hours a day: the line a worried parent draws.
LINE_HOURS = 28


def _streams(trainee):
    """Two independent streams from the module's seed: one per data set."""
    return rng(MODULE, trainee).spawn(2)


def _free_minute(gen, low, high, taken):
    """A minute in [low, high] at least GAP from every minute in ``taken`` (None if none is left)."""
    free = [m for m in range(low, high + 1) if all(abs(m - t) >= GAP for t in taken)]
    return int(gen.choice(free)) if free else None


def game_chat(trainee: str | None = None) -> dict:
    """A game-chat log of an unknown player and a fictional child, minute by minute.

    The log opens with an invitation to play (minute 0) and ends with a request
    to move to a private app; flattery, gifts, a question about supervision and
    a request for secrecy fall between them in an order that differs from
    trainee to trainee, because real logs follow no fixed sequence.

    Fields: ``events`` (minute, kind, line), ``minutes_to_private`` (minute of
    the request to move), ``gifts`` (gifts or rewards offered before it),
    ``first_order`` (kinds by first appearance), ``lines`` and ``line_kinds``
    (one line of each kind, in a seeded order, for the classification item).
    """
    gen = _streams(trainee)[0]
    end = int(gen.integers(24, 71))
    firsts = {}
    while len(firsts) < 4:  # first flattery, gift, supervision and secrecy: well apart, in any order
        firsts = {}
        for kind in gen.permutation(["flattery", "gift", "supervision", "secrecy"]):
            minute = _free_minute(gen, GAP, end - GAP, list(firsts.values()) + [0, end])
            if minute is None:
                break
            firsts[str(kind)] = minute
    rows = {kind: [minute] for kind, minute in firsts.items()}
    rows["talk"], rows["private"] = [0], [end]
    extra = {"gift": int(gen.integers(1, 4)), "flattery": int(gen.integers(0, 2)), "talk": int(gen.integers(1, 3))}
    for kind, count in extra.items():
        start = rows[kind][0] + 1
        for _ in range(count):
            minute = _free_minute(gen, start, end - 1, rows[kind] + [end])
            if minute is not None:
                rows[kind].append(minute)
    events = []
    for kind, minutes in rows.items():
        variants = [int(i) for i in gen.permutation(len(LINES[kind]))]
        for n, minute in enumerate(sorted(minutes)):
            line = FIRST_MESSAGE if (kind == "talk" and minute == 0) else LINES[kind][variants[n % len(variants)]]
            events.append({"minute": int(minute), "kind": kind, "line": dict(line)})
    events.sort(key=lambda e: e["minute"])
    # one line of each kind, shown in a seeded order (not the log's) for the classification item
    chosen = []
    for kind in KINDS:
        of_kind = [e for e in events if e["kind"] == kind]
        chosen.append(of_kind[int(gen.integers(len(of_kind)))])
    shown = [chosen[int(i)] for i in gen.permutation(len(chosen))]
    lines = {f"l{n + 1}": dict(e["line"]) for n, e in enumerate(shown)}
    line_kinds = {f"l{n + 1}": e["kind"] for n, e in enumerate(shown)}
    first_order = sorted(KINDS, key=lambda k: min(e["minute"] for e in events if e["kind"] == k))
    return {
        "events": events,
        "minutes_to_private": end,
        "gifts": sum(1 for e in events if e["kind"] == "gift"),
        "first_order": first_order,
        "lines": lines,
        "line_kinds": line_kinds,
    }


def chat_figure(chat: dict, lang: str | None = None):
    """The log as a timeline: one row per kind of line, each message a dot labelled with its minute."""
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    rows = {kind: len(KINDS) - 1 - i for i, kind in enumerate(KINDS)}  # first kind on top
    end = chat["minutes_to_private"]
    for i, kind in enumerate(KINDS):
        minutes = [e["minute"] for e in chat["events"] if e["kind"] == kind]
        y = rows[kind]
        ax.axhline(y, color="#dddddd", linewidth=0.8, zorder=0)
        ax.scatter(minutes, [y] * len(minutes), s=70 if kind != "private" else 110,
                   marker="o" if kind != "private" else "D", color=PALETTE[i % len(PALETTE)], zorder=3)
        for minute in minutes:
            ax.annotate(f"{minute}", (minute, y), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=8)
    ax.set_yticks(list(rows.values()), [pick(KIND_LABELS[k], lang) for k in rows])
    ax.set_ylim(-0.6, len(KINDS) - 0.4)
    ax.set_xlim(-2, end + 3)
    ax.set_xlabel(pick({"ar": "الدقائق منذ الرسالة الأولى", "en": "Minutes since the first message"}, lang))
    ax.set_title(pick({"ar": "سجل دردشة لاعب مجهول مع طفل افتراضي في لعبة (بيانات مُصطنعة خاصة بك)",
                       "en": "Game chat of an unknown player with a fictional child (synthetic data, yours only)"},
                      lang), fontsize=11)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    footnote(fig, lang=lang)
    if lang == "ar":
        ax.invert_xaxis()  # time runs right to left, like the text
        ax.yaxis.tick_right()
    return fig


def gaming_hours(trainee: str | None = None) -> dict:
    """A fictional teenager's gaming hours, week by week, over 10 to 14 weeks.

    The weeks sit clearly above or below the 28-hour line (four hours a day),
    at least one on each side, so counting them is unambiguous.  The record
    holds hours only and covers a few weeks: by construction it can never
    show ICD-11's gaming disorder, which sets no number of hours.

    Fields: ``weeks``, ``hours`` (one value a week), ``line`` (28),
    ``weeks_over_line``, ``mean_hours_per_week``, ``peak_hours``.
    """
    gen = _streams(trainee)[1]
    weeks = int(gen.integers(10, 15))
    while True:
        base = gen.uniform(20, 30)
        hours = [base + gen.normal(0, 4) for _ in range(weeks)]
        holiday = int(gen.integers(0, weeks - 2))
        for w in range(holiday, holiday + int(gen.integers(2, 4))):
            if w < weeks:
                hours[w] += gen.uniform(5, 10)
        hours = [round(min(max(h, 8.0), 49.0), 1) for h in hours]
        hours = [h if abs(h - LINE_HOURS) >= 1.0 else round(h + (1.5 if h >= LINE_HOURS else -1.5), 1)
                 for h in hours]
        over = sum(1 for h in hours if h > LINE_HOURS)
        if 1 <= over <= weeks - 1:
            break
    return {
        "weeks": weeks,
        "hours": hours,
        "line": LINE_HOURS,
        "weeks_over_line": over,
        "mean_hours_per_week": round(sum(hours) / weeks, 1),
        "peak_hours": max(hours),
    }


def gaming_figure(profile: dict, lang: str | None = None):
    """Weekly hours as bars, with the dashed 28-hour line (four hours a day) that worries parents."""
    lang = lang or settings.language
    weeks = profile["weeks"]
    fig = bar_comparison(
        {"ar": "ساعات اللعب الأسبوعية لمراهق افتراضي (بيانات مُصطنعة خاصة بك)",
         "en": "Weekly gaming hours of a fictional teenager (synthetic data, yours only)"},
        [{"ar": str(w), "en": str(w)} for w in range(1, weeks + 1)],
        {"hours": ({"ar": "ساعات", "en": "hours"}, profile["hours"])},
        unit={"ar": "ساعات اللعب في الأسبوع", "en": "gaming hours per week"},
        source={"ar": f"رقم الأسبوع (1–{weeks}) · بيانات مُصطنعة لأغراض التدريب",
                "en": f"Week number (1–{weeks}) · Synthetic training data"},
        lang=lang,
    )
    ax = fig.axes[0]
    # values inside the bars, at mid-height (at most 24.5 hours): the dashed line never crosses them
    for text in list(ax.texts):
        text.remove()
    ax.bar_label(ax.containers[0], fmt="%g", label_type="center", color="white", fontsize=9)
    ax.axhline(profile["line"], color=PALETTE[1], linestyle="--", linewidth=1.5, zorder=3,
               label=pick({"ar": "28 ساعة في الأسبوع = 4 ساعات في اليوم",
                           "en": "28 hours a week = 4 hours a day"}, lang))
    fig.legend(handles=[ax.lines[-1]], frameon=False, loc="outside upper center", fontsize=9,
               markerfirst=lang != "ar")
    return fig
