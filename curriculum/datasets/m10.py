"""Module m10's synthetic case file: one sextortion case, seeded per trainee.

A fictional 14-year-old boy met someone on a fictional gaming platform
("ArenaPlay"), was moved to a fictional messaging app ("NestChat") and is
being extorted with "an image of the child" (never shown, never described).
The case file holds the records an investigator would gather in the first
hours, each kept in its own source's time zone:

* ArenaPlay: the child's own account data ("Download my data"), in UTC;
* NestChat: the chat export from the child's phone, in the phone's local time (UTC+3);
* PayBridge (a fictional payment service): the payment receipt, in the provider's time (UTC−5 or UTC−4);
* the police report record, in local time (UTC+3).

Read naively, clock against clock, the records give the wrong order: the
payment always *looks* earlier than the threat that caused it.  The
generator returns the UTC order, the intervals the items ask for, and the
records as the trainee sees them; the figure draws each source on its own
clock, as recorded, so that it gives away no order or interval the items grade.
Nothing here describes sexual content; threats and demands only.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta

from ..figures import PALETTE, footnote, use_course_style
from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m10-capstone-case"

#: Where each record comes from, with the time zone its times are written in (hours from UTC).
SOURCES = {
    "arena": {"ar": "ArenaPlay: بيانات حساب الطفل («تنزيل بياناتي»)",
              "en": "ArenaPlay: the child's account data (“Download my data”)"},
    "chat": {"ar": "NestChat: تصدير المحادثة من هاتف الطفل",
             "en": "NestChat: chat export from the child's phone"},
    "pay": {"ar": "PayBridge: إيصال الدفع في بريد هاتف الطفل",
            "en": "PayBridge: payment receipt in the child's phone e-mail"},
    "police": {"ar": "سجل البلاغ في مركز الشرطة", "en": "Police report record"},
}
SOURCE_ORDER = ["arena", "chat", "pay", "police"]
CHAT_OFFSET = 3      # the child's phone and the police station: UTC+3
POLICE_OFFSET = 3
PAY_OFFSETS = [-5, -4]  # the payment provider's own time

#: Short labels of the events (the ordering item's steps and the figure's key).
EVENT_LABELS = {
    "first_contact": {"ar": "أول تواصل على ArenaPlay (طلب صداقة وأول رسالة)",
                      "en": "First contact on ArenaPlay (friend request and first message)"},
    "gift": {"ar": "هدية عملات على ArenaPlay", "en": "Gift of coins on ArenaPlay"},
    "move": {"ar": "أول رسالة على NestChat", "en": "First message on NestChat"},
    "threat": {"ar": "أول تهديد وطلب مال (NestChat)", "en": "First threat and demand for money (NestChat)"},
    "payment": {"ar": "الدفع عبر PayBridge", "en": "Payment through PayBridge"},
    "second": {"ar": "الطلب الثاني: مال أكثر أو صور أخرى (NestChat)",
               "en": "Second demand: more money or more images (NestChat)"},
    "deleted": {"ar": "حساب المبتز على ArenaPlay يظهر «محذوفًا»",
                "en": "The extorter's ArenaPlay account shows as “deleted”"},
    "report": {"ar": "وليّ الأمر يبلّغ الشرطة", "en": "The parent reports to the police"},
}
EVENT_SOURCE = {"first_contact": "arena", "gift": "arena", "deleted": "arena", "move": "chat", "threat": "chat",
                "second": "chat", "payment": "pay", "report": "police"}
#: The events the ordering item asks about (the report is always last and is left out).
ORDER_EVENTS = ["first_contact", "gift", "move", "threat", "payment", "second", "deleted"]
#: The order the ordering item lists its steps in (never a case's order: a case starts with first contact).
LISTED_ORDER = ["payment", "deleted", "move", "second", "first_contact", "threat", "gift"]

#: Fewest minutes between any two events, and between two events of the same source (one row of the figure).
GAP = 30
SAME_SOURCE_GAP = 150

_GAME_NAMES = ["ShadowKnight", "NovaStrike", "FalconRider", "IronWolf", "StormBlade", "PixelHunter", "NightRaven",
               "RapidFox"]
_CHAT_NAMES = ["ghost.lynx", "silent.owl", "blue.comet", "quiet.hawk", "red.orbit", "dark.maple"]
_CHILD_NAMES = ["Comet", "Tiger", "Rocket", "Falcon", "Meteor", "Cheetah"]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _zone(offset: int) -> str:
    return "UTC" if offset == 0 else f"UTC{'+' if offset > 0 else '−'}{abs(offset)}"


def _times(gen) -> dict[str, int]:
    """Minutes since first contact (UTC) of every event, drawn until every gap is wide enough."""
    for _ in range(500):
        t = {"first_contact": 0}
        t["move"] = int(gen.integers(180, 1801))                     # 3 to 30 hours after first contact
        low = max(t["move"] + 120, 20 * 60)
        t["threat"] = int(gen.integers(low, 70 * 60 + 1))
        if 20 < t["threat"] % 60 < 40:                                 # hours to the threat round without doubt
            continue
        if gen.random() < 0.5:                                         # the gift: before or after the move
            t["gift"] = int(gen.integers(SAME_SOURCE_GAP, max(SAME_SOURCE_GAP + 1, t["move"] - GAP)))
        else:
            t["gift"] = int(gen.integers(t["move"] + GAP, t["threat"] - GAP + 1))
        t["payment"] = t["threat"] + int(gen.integers(30, 361))        # half an hour to six hours later
        t["second"] = t["payment"] + int(gen.integers(30, 301))
        if gen.random() < 0.5:                                         # the account vanishes before the threat…
            t["deleted"] = int(gen.integers(t["move"] + GAP, t["threat"] - GAP + 1))
        else:                                                          # …or after it
            t["deleted"] = int(gen.integers(t["threat"] + GAP, t["second"] + 361))
        if t["deleted"] < t["gift"]:                                   # a deleted account sends no gift
            continue
        minutes = sorted(t.values())
        if any(b - a < GAP for a, b in zip(minutes, minutes[1:])):
            continue
        rows_ok = True
        for source in SOURCE_ORDER:
            row = sorted(m for e, m in t.items() if EVENT_SOURCE[e] == source)
            rows_ok &= all(b - a >= SAME_SOURCE_GAP for a, b in zip(row, row[1:]))
        if rows_ok:
            return t
    raise RuntimeError("no case timeline fits the gaps")  # pragma: no cover - 500 draws always suffice


def _record_text(event: str, c: dict) -> dict[str, str]:
    game, chat, acct = c["offender_game"], c["offender_chat"], c["pay_account"]
    texts = {
        "first_contact": {
            "ar": f"طلب صداقة من الحساب {game} قُبل؛ أول رسالة من {game}: «مباراة رائعة! نلعب معًا الجولة القادمة؟»",
            "en": f"Friend request from {game}, accepted; first message from {game}: “Great match! Team up next round?”"},
        "gift": {
            "ar": f"هدية من {game}: {c['coins']} عملة",
            "en": f"Gift from {game}: {c['coins']} coins"},
        "deleted": {
            "ar": f"الحساب {game} لم يعد في قائمة الأصدقاء: «حساب محذوف»",
            "en": f"{game} no longer in the friends list: “account deleted”"},
        "move": {
            "ar": f"{chat}: «أنا صديقك من ArenaPlay. لنتحدث هنا، أسرع.»",
            "en": f"{chat}: “It's me from ArenaPlay. Let's talk here, it's faster.”"},
        "threat": {
            "ar": f"{chat}: «عندي صورة لك. ادفع {c['demand']} دولار إلى حساب PayBridge رقم {acct} خلال 24 ساعة، "
                  f"وإلا أرسلتها إلى أهلك وإلى كل من في مدرستك.»",
            "en": f"{chat}: “I have an image of you. Pay {c['demand']} dollars to PayBridge account {acct} within "
                  f"24 hours, or I send it to your family and everyone at your school.”"},
        "payment": {
            "ar": f"تحويل {c['paid']} دولار من بطاقة مسبقة الدفع إلى الحساب {acct}: تمّ",
            "en": f"Transfer of {c['paid']} dollars from a prepaid card to account {acct}: completed"},
        "second": {
            "ar": f"{chat}: «هذا لا يكفي. {c['second_demand']} دولار أخرى أو صور أخرى، وإلا رآها الجميع. أجبني الآن.»",
            "en": f"{chat}: “Not enough. {c['second_demand']} dollars more, or more images, or everyone sees it. "
                  f"Answer me now.”"},
        "report": {
            "ar": "وليّ أمر الطفل يبلّغ عن الابتزاز في المركز؛ الطفل حاضر ومعه هاتفه.",
            "en": "The child's parent reports the extortion at the station; the child is present, with his phone."},
    }
    return texts[event]


def case_file(trainee: str | None = None) -> dict:
    """One trainee's case: accounts, amounts and the eight records, each in its source's time zone.

    Fields: ``offender_game``, ``offender_chat``, ``child_game``, ``pay_account``,
    ``coins``, ``demand``, ``paid``, ``second_demand``, ``offsets`` (hours
    from UTC by source), ``events`` (by UTC time: event, source, offset,
    ``utc`` and ``local`` stamps, ``minute`` since first contact),
    ``records`` (as shown: grouped by source, numbered R1…, with ``text``),
    ``order`` (the ordering item's events in UTC order), ``naive_order``
    (the same events sorted by the clock times as written: always wrong),
    ``hours_to_threat`` (first contact to first threat, nearest hour),
    ``minutes_to_payment`` (first threat to payment), ``move_local`` and
    ``move_utc_hour`` (the practice item's conversion).
    """
    gen = rng(MODULE, trainee)
    pay_offset = int(gen.choice(PAY_OFFSETS))
    offsets = {"arena": 0, "chat": CHAT_OFFSET, "pay": pay_offset, "police": POLICE_OFFSET}
    case = {
        "offender_game": f"{gen.choice(_GAME_NAMES)}_{int(gen.integers(10, 100))}",
        "offender_chat": f"@{gen.choice(_CHAT_NAMES)}{int(gen.integers(100, 1000))}",
        "child_game": f"{gen.choice(_CHILD_NAMES)}Kid{int(gen.integers(10, 100))}",
        "pay_account": f"PB-{int(gen.integers(10_000_000, 100_000_000))}",
        "coins": int(gen.integers(2, 11)) * 100,
        "demand": int(gen.integers(3, 11)) * 50,
    }
    case["paid"] = int(gen.integers(1, case["demand"] // 50)) * 50 if case["demand"] > 50 else 50
    case["second_demand"] = case["demand"] * int(gen.integers(2, 4))
    day = datetime(2025, 2, 1) + timedelta(days=int(gen.integers(0, 290)))
    # first contact after school, local time 14:00–21:59 (UTC 11:00–18:59)
    start = day + timedelta(hours=int(gen.integers(11, 19)), minutes=int(gen.integers(0, 60)))
    minutes = _times(gen)
    # the father reports in the evening (local 17:00–22:59), at least two hours after the last event
    last = max(minutes["second"], minutes["deleted"])
    earliest = start + timedelta(minutes=last + 120, hours=POLICE_OFFSET)
    evening = earliest.replace(hour=17, minute=0)
    if earliest > earliest.replace(hour=22, minute=0):  # too late tonight: tomorrow evening
        evening += timedelta(days=1)
    low = max(earliest, evening)
    room = int((evening.replace(hour=22, minute=59) - low).total_seconds() // 60)
    report_local = low + timedelta(minutes=int(gen.integers(0, room + 1)))
    minutes["report"] = int((report_local - timedelta(hours=POLICE_OFFSET) - start).total_seconds() // 60)
    events = []
    for event, minute in sorted(minutes.items(), key=lambda kv: kv[1]):
        source = EVENT_SOURCE[event]
        utc = start + timedelta(minutes=minute)
        local = utc + timedelta(hours=offsets[source])
        events.append({"event": event, "source": source, "offset": offsets[source], "minute": minute,
                       "utc": _stamp(utc), "local": _stamp(local)})
    records = []
    for source in SOURCE_ORDER:
        for e in events:
            if e["source"] == source:
                records.append({"id": f"R{len(records) + 1}", "event": e["event"], "source": source,
                                "zone": _zone(offsets[source]), "local": e["local"],
                                "text": _record_text(e["event"], case)})
    by_event = {e["event"]: e for e in events}
    order = [e["event"] for e in events if e["event"] in ORDER_EVENTS]
    naive = sorted(ORDER_EVENTS, key=lambda ev: by_event[ev]["local"])
    threat, first = by_event["threat"]["minute"], by_event["first_contact"]["minute"]
    move_utc = datetime.strptime(by_event["move"]["utc"], "%Y-%m-%d %H:%M")
    case.update({
        "offsets": offsets,
        "events": events,
        "records": records,
        "order": order,
        "naive_order": naive,
        "hours_to_threat": int(round((threat - first) / 60)),
        "minutes_to_payment": by_event["payment"]["minute"] - threat,
        "move_local": by_event["move"]["local"],
        "move_utc_hour": move_utc.hour,
    })
    return case


def records_table(case: dict, lang: str | None = None):
    """The case's records as the investigator receives them: grouped by source, times as written."""
    from IPython.display import HTML

    lang = lang or settings.language
    heads = [{"ar": "السجل", "en": "Record"}, {"ar": "المصدر", "en": "Source"},
             {"ar": "الوقت كما كُتب", "en": "Time as written"}, {"ar": "المنطقة الزمنية للمصدر", "en": "Source's time zone"},
             {"ar": "المدخل", "en": "Entry"}]
    align = "right" if lang == "ar" else "left"
    cell = f'style="border:1px solid #bbb;padding:4px 8px;text-align:{align};vertical-align:top"'
    rows = ["<tr>" + "".join(f"<th {cell}>{html.escape(pick(h, lang))}</th>" for h in heads) + "</tr>"]
    names = [case["offender_game"], case["offender_chat"], case["pay_account"]]

    def entry(text: str) -> str:
        """The entry, its account names isolated (no bidi reordering of a name and its colon) and unbroken."""
        text = html.escape(text)
        for name in names:
            text = text.replace(name, f'<bdi dir="ltr" style="white-space:nowrap">{name}</bdi>')
        return text

    for r in case["records"]:
        rows.append(
            "<tr>"
            f"<td {cell}><b>{r['id']}</b></td>"
            f"<td {cell}>{html.escape(pick(SOURCES[r['source']], lang))}</td>"
            f'<td {cell}><span dir="ltr" style="white-space:nowrap">{r["local"]}</span></td>'
            f'<td {cell}><span dir="ltr" style="white-space:nowrap">{r["zone"]}</span></td>'
            f"<td {cell}>{entry(pick(r['text'], lang))}</td>"
            "</tr>")
    caption = pick({"ar": "ملف القضية: سجلات مُصطنعة خاصة بك (لا تصف أي شخص حقيقي)",
                    "en": "Case file: synthetic records, yours only (they describe no real person)"}, lang)
    direction = "rtl" if lang == "ar" else "ltr"
    return HTML(f'<div dir="{direction}" lang="{lang}"><table style="border-collapse:collapse;font-size:0.95em">'
                f'<caption style="caption-side:top;text-align:{align};font-weight:bold;padding:4px 0">'
                f"{html.escape(caption)}</caption>{''.join(rows)}</table></div>")


#: How each source's clock is named in the figure (the offset is added from the case).
CLOCKS = {
    "arena": {"ar": "ArenaPlay — ساعة المصدر: {zone}", "en": "ArenaPlay — the source's clock: {zone}"},
    "chat": {"ar": "NestChat — ساعة هاتف الطفل المحلية: {zone}", "en": "NestChat — the child's phone, local time: {zone}"},
    "pay": {"ar": "PayBridge — ساعة مزوّد خدمة الدفع: {zone}", "en": "PayBridge — the payment provider's clock: {zone}"},
    "police": {"ar": "سجل البلاغ — ساعة المركز المحلية: {zone}", "en": "Police report record — the station's local time: {zone}"},
}


def clocks_figure(case: dict, lang: str | None = None):
    """The case file source by source, each row on its own clock, times as recorded (never converted).

    One panel per source, with its own time axis in that source's time zone
    (named in the panel's title and axis label) and its own scale, each
    record drawn at its time as written and labelled with its record id and
    that time.  Nothing is converted to UTC and the rows share no axis, so
    the figure shows no order across sources: the trainee still converts.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, axes = plt.subplots(len(SOURCE_ORDER), 1, figsize=(9, 7.2), layout="constrained")
    align = "right" if lang == "ar" else "left"
    for ax, source in zip(axes, SOURCE_ORDER):
        records = [r for r in case["records"] if r["source"] == source]
        times = [datetime.strptime(r["local"], "%Y-%m-%d %H:%M") for r in records]
        zone = records[0]["zone"]
        ax.scatter(times, [0] * len(times), s=70, color=PALETTE[SOURCE_ORDER.index(source)], zorder=3,
                   marker="D" if source == "police" else "o")
        for record, moment in zip(records, times):
            ax.annotate(record["id"], (moment, 0), textcoords="offset points", xytext=(0, 9), ha="center",
                        fontsize=9, fontweight="bold")
            ax.annotate(moment.strftime("%m-%d %H:%M"), (moment, 0), textcoords="offset points",
                        xytext=(0, -17), ha="center", fontsize=8, color="#333333")
        span = (times[-1] - times[0]) if len(times) > 1 else timedelta(0)
        pad = max(timedelta(hours=4), span * 0.12)
        ax.set_xlim(times[0] - pad, times[-1] + pad)
        ax.set_ylim(-1, 1)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d\n%H:%M"))
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(pick(CLOCKS[source], lang).format(zone=zone), fontsize=10, loc=align)
        ax.set_xlabel(pick({"ar": "الوقت كما سجّله المصدر ({zone})", "en": "Time as recorded by the source ({zone})"},
                           lang).format(zone=zone), fontsize=8.5)
        ax.tick_params(axis="x", labelsize=8)
        if lang == "ar":
            ax.invert_xaxis()  # time runs right to left, like the text
    fig.suptitle(pick({"ar": "ملف قضيتك مصدرًا مصدرًا: لكل صف ساعته ومقياسه (بيانات مُصطنعة خاصة بك)",
                       "en": "Your case file, source by source: each row has its own clock and scale "
                             "(synthetic data, yours only)"}, lang), fontsize=11)
    footnote(fig, {"ar": "لا تقارن مواضع النقاط بين صفّين: حوّل كل وقت إلى التوقيت العالمي (UTC) قبل أن ترتّب. "
                         "بيانات مُصطنعة لأغراض التدريب",
                   "en": "Do not compare positions between rows: convert every time to UTC before you order. "
                         "Synthetic training data"}, lang)
    return fig


def case_facts(trainee: str, lang: str = "en") -> str:
    """For the instructor grading m10's case summary: the trainee's events in UTC order, one a line."""
    case = case_file(trainee=trainee)
    return "\n".join(f"{e['utc']} UTC ({e['local']} {_zone(e['offset'])}) — {pick(EVENT_LABELS[e['event']], lang)}"
                     for e in case["events"])
