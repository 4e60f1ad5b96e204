"""m02 — grooming, sexual exploitation and sextortion: a synthetic chat and synthetic escalation times.

Two seeded generators, one per kind of exercise:

* :func:`chat` picks eight short messages from :data:`LINES`, a bank of
  non-explicit chat lines each labelled with the grooming tactic it shows
  (or ordinary talk), so every trainee classifies a chat of their own and
  the grader computes the key from the same seed.
* :func:`escalation` invents how many minutes ten fictional conversations
  took to reach a first high-risk request, drawn by :func:`escalation_figure`.

Everything here is invented for training: no line comes from a real chat,
no number describes a real child, case or platform.  Nothing is sexual or
explicit: the lines show manipulation (flattery, gifts, secrecy, moving to a
private channel, questions about supervision, threats), never its content.
"""
from __future__ import annotations

from curriculum.figures import PALETTE, bar_comparison, use_course_style
from curriculum.language import pick
from curriculum.settings import settings
from curriculum.synthetic import rng

MODULE = "m02-grooming-sextortion"

#: The course's categories for chat lines, in the order of the buttons.
TACTICS = {
    "flattery": {"ar": "مديح", "en": "Flattery"},
    "gifts": {"ar": "هدايا أو عروض", "en": "Gifts or offers"},
    "secrecy": {"ar": "طلب كتمان", "en": "Secrecy request"},
    "private": {"ar": "نقل إلى قناة خاصة", "en": "Private channel"},
    "supervision": {"ar": "سؤال عن الرقابة أو المكان", "en": "Supervision or location"},
    "threats": {"ar": "تهديد أو ضغط", "en": "Threats or pressure"},
    "ordinary": {"ar": "حديث عادي", "en": "Ordinary talk"},
}

#: The bank: (tactic, text). Each line shows one tactic plainly and nothing explicit.
LINES: list[tuple[str, dict[str, str]]] = [
    ("flattery", {"ar": "بصراحة، أنت تلعب أفضل من أي أحد على هذا الخادم.",
                  "en": "Honestly, you play better than anyone on this server."}),
    ("flattery", {"ar": "أنت أنضج بكثير ممن هم في مثل سنّك.",
                  "en": "You are far more mature than other kids your age."}),
    ("flattery", {"ar": "رسوماتك رائعة، لديك موهبة حقيقية.",
                  "en": "Your drawings are amazing, you have real talent."}),
    ("flattery", {"ar": "أنت أذكى شخص تحدّثت إليه في هذه اللعبة.",
                  "en": "You are the smartest person I have talked to in this game."}),
    ("gifts", {"ar": "أستطيع أن أرسل لك بطاقة هدايا لمتجر اللعبة إن أردت.",
               "en": "I can send you a gift card for the game store if you want."}),
    ("gifts", {"ar": "سأشتري لك الزيّ الجديد لشخصيتك في اللعبة، فهو لا يكلّفني شيئًا.",
               "en": "I will buy you the new outfit for your character, it costs me nothing."}),
    ("gifts", {"ar": "هل تريد أن أشحن لك رصيد هاتفك؟",
               "en": "Do you want me to top up your phone credit?"}),
    ("gifts", {"ar": "لديّ عملات زائدة في اللعبة، سأحوّل بعضها إلى حسابك.",
               "en": "I have spare game coins, I will transfer some to your account."}),
    ("secrecy", {"ar": "لا تخبر والديك أننا نتحدث، فلن يفهما.",
                 "en": "Don't tell your parents we talk, they wouldn't understand."}),
    ("secrecy", {"ar": "احذف رسائلنا بعد أن تقرأها، اتفقنا؟",
                 "en": "Delete our messages after you read them, okay?"}),
    ("secrecy", {"ar": "هذا يبقى بيننا نحن الاثنين، إنه سرّنا.",
                 "en": "This stays between the two of us. It is our secret."}),
    ("secrecy", {"ar": "إن سألك أحد من أكون، فقل إنني صديق من المدرسة.",
                 "en": "If anyone asks who I am, say I am a friend from school."}),
    ("private", {"ar": "لنكمل الحديث على تطبيق آخر، فدردشة اللعبة ليست خاصة.",
                 "en": "Let's carry on in another app, this game chat isn't private."}),
    ("private", {"ar": "أرسل لي رقم هاتفك لنتحدث على انفراد.",
                 "en": "Send me your phone number so we can talk on our own."}),
    ("private", {"ar": "اترك دردشة المجموعة وراسلني مباشرة.",
                 "en": "Leave the group chat and message me directly instead."}),
    ("private", {"ar": "أنشأت خادمًا خاصًّا لنا نحن الاثنين، تعال إليه.",
                 "en": "I have made a private server just for the two of us, come over there."}),
    ("supervision", {"ar": "هل معك أحد في البيت الآن؟",
                     "en": "Is anyone at home with you right now?"}),
    ("supervision", {"ar": "هل يتفقّد والداك هاتفك؟",
                     "en": "Do your parents check your phone?"}),
    ("supervision", {"ar": "متى يعود والداك من العمل؟",
                     "en": "What time do your parents get back from work?"}),
    ("supervision", {"ar": "في أي مدرسة تدرس، وفي أي حيّ تسكن؟",
                     "en": "Which school do you go to, and which area do you live in?"}),
    ("threats", {"ar": "إن توقفت عن الرد عليّ فسأنشر محادثتنا ليراها كل زملائك في الصف.",
                 "en": "If you stop answering me, I will post our chat for your whole class to see."}),
    ("threats", {"ar": "أجبني الآن، وإلا فستندم.",
                 "en": "Answer me now, or you will regret it."}),
    ("threats", {"ar": "إن حظرتني فسأخبر والديك أنك كذبت عليهما.",
                 "en": "If you block me, I will tell your parents you lied to them."}),
    ("threats", {"ar": "أمامك عشر دقائق لتردّ، وإلا فسيعرف الجميع.",
                 "en": "You have ten minutes to reply, or everyone will know."}),
    ("ordinary", {"ar": "مباراة جميلة! أتريد جولة أخرى؟",
                  "en": "Good game! Want to play another round?"}),
    ("ordinary", {"ar": "إلى أي مرحلة وصلت؟",
                  "en": "Which level have you reached?"}),
    ("ordinary", {"ar": "عليّ أن أذهب لأتناول الطعام الآن، أراك لاحقًا.",
                  "en": "I have to go and eat now, see you later."}),
    ("ordinary", {"ar": "كان التغلّب على خصم المرحلة الأخيرة صعبًا حقًّا.",
                  "en": "Beating the last level's boss was really hard."}),
]

CHAT_LENGTH = 8
ORDINARY_LINES = 2  # ordinary talk is part of every grooming chat
MAX_PER_TACTIC = 2
MIN_TACTICS = 4  # at least four different tactics, so the chat is worth classifying

# Where each tactic tends to sit in a chat (0 early … 5 late).  The noise added
# in :func:`chat` is large on purpose: real cases skip and repeat stages.
_TYPICAL_PLACE = {"flattery": 1.0, "gifts": 2.0, "supervision": 2.5, "private": 3.0,
                  "secrecy": 3.5, "threats": 4.5}


def chat(trainee: str | None = None) -> dict:
    """One trainee's chat: eight lines from :data:`LINES` and the tactic each shows.

    ``items`` maps neutral ids (``msg1`` … ``msg8``, in chat order) to the
    numbered bilingual lines the Classify exercise shows; ``key`` maps the
    same ids to their tactic (the grader's key); ``counts`` gives how many
    lines show each tactic.
    """
    gen = rng(MODULE, trainee)
    tactics = [t for t in TACTICS if t != "ordinary"]
    while True:  # redraw (same seed, so still deterministic) until the chat is varied enough
        pool = [t for t in tactics for _ in range(MAX_PER_TACTIC)]
        picked = [pool[int(i)] for i in gen.choice(len(pool), CHAT_LENGTH - ORDINARY_LINES, replace=False)]
        if len(set(picked)) >= MIN_TACTICS:
            break
    picked += ["ordinary"] * ORDINARY_LINES
    chosen = []
    for tactic in TACTICS:
        bank = [i for i, (label, _) in enumerate(LINES) if label == tactic]
        wanted = picked.count(tactic)
        chosen += [bank[int(i)] for i in gen.choice(len(bank), wanted, replace=False)]
    place = {i: (float(gen.uniform(0, 5)) if LINES[i][0] == "ordinary"
                 else _TYPICAL_PLACE[LINES[i][0]] + float(gen.normal(0, 1.2))) for i in chosen}
    ordered = sorted(chosen, key=lambda i: place[i])
    items, key, bank_index = {}, {}, {}
    for n, i in enumerate(ordered, start=1):
        tactic, text = LINES[i]
        items[f"msg{n}"] = {"ar": f"{n}. «{text['ar']}»", "en": f"{n}. “{text['en']}”"}
        key[f"msg{n}"] = tactic
        bank_index[f"msg{n}"] = i
    return {
        "items": items,
        "key": key,
        "bank_index": bank_index,
        "counts": {t: picked.count(t) for t in TACTICS},
    }


CONVERSATIONS = 10
HOUR = 60
_CLEAR_OF_HOUR = 6  # no time within this many minutes of the hour: counting must not be a judgement call


def escalation(trainee: str | None = None) -> dict:
    """Minutes from the first message to the first high-risk request, in ten fictional conversations.

    A "high-risk request" is a request for secrecy or to move to a private
    channel.  The times vary widely, from minutes to hours, and about half
    fall within the hour; they are invented, not taken from research.
    ``within_hour`` (how many took 60 minutes or less) and ``fastest`` are
    what the items read from the figure.
    """
    gen = rng(MODULE, trainee)
    while True:
        minutes = [int(round(float(gen.lognormal(mean=4.0, sigma=0.75)))) for _ in range(CONVERSATIONS)]
        readable = (all(2 <= m <= 240 for m in minutes)
                    and all(abs(m - HOUR) > _CLEAR_OF_HOUR for m in minutes)
                    and minutes.count(min(minutes)) == 1)
        within = sum(m <= HOUR for m in minutes)
        if readable and 3 <= within <= 7:
            break
    return {
        "labels": [str(n) for n in range(1, CONVERSATIONS + 1)],
        "minutes": minutes,
        "within_hour": within,
        "fastest": min(minutes),
        "slowest": max(minutes),
    }


def escalation_figure(data: dict, lang: str | None = None):
    """Bars: minutes to the first high-risk request in each fictional conversation, with the one-hour line."""
    lang = lang or settings.language
    use_course_style()
    fig = bar_comparison(
        {"ar": "الدقائق من أول رسالة حتى أول طلب عالي الخطورة\nفي عشر محادثات افتراضية (بيانات مُصطنعة خاصة بك)",
         "en": "Minutes from the first message to the first high-risk request\nin ten fictional conversations (synthetic data, yours only)"},
        [{"ar": f"م{label}", "en": f"C{label}"} for label in data["labels"]],
        {"minutes": ({"ar": "دقائق", "en": "minutes"}, data["minutes"])},
        unit={"ar": "دقائق", "en": "minutes"},
        source={"ar": "بيانات مُصطنعة لأغراض التدريب: م = محادثة. لا تصف أي طفل أو قضية حقيقية",
                "en": "Synthetic training data: C = conversation. Describes no real child or case"},
        lang=lang,
    )
    fig.set_size_inches(8, 4.4)
    ax = fig.axes[0]
    hour = pick({"ar": "الخط المتقطّع: ساعة واحدة (60 دقيقة)", "en": "Dashed line: one hour (60 minutes)"}, lang)
    line = ax.axhline(HOUR, color=PALETTE[1], linestyle="--", linewidth=1.4)
    # a legend above the plot: a label on the line itself would sit on the bars
    fig.legend([line], [hour], frameon=False, loc="outside upper center", markerfirst=lang != "ar")
    for text in ax.texts:  # bar labels stay readable where the line runs behind them
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1})
        text.set_zorder(line.get_zorder() + 1)
    ax.set_ylim(0, max(data["minutes"]) * 1.15)
    return fig
