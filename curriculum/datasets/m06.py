"""Module m06's synthetic case file: three record sources in three time zones, seeded per trainee.

A fictional child received messages from an unknown account in a messaging
app.  :func:`case` writes the records an investigator would hold, each in the
time format of its source:

* the **chat export** from the child's phone, in the phone's local time
  (``DD/MM/YYYY HH:MM``, the phone's UTC offset stated once in the header);
* the platforms' **login records**, in UTC (ISO 8601 with ``Z``);
* the **file metadata** of the images received, EXIF-like: the creating
  device's local time (``YYYY:MM:DD HH:MM:SS``) and its offset (``±HH:MM``);
* the **subscriber records** that link accounts (an email hash, the last four
  digits of a phone number) with the IP addresses of the login records.

The offsets and times are drawn per trainee, so each trainee's true order of
events differs, and the generator guarantees that sorting the displayed clock
times as if they were one clock gives a wrong order.  The second half of the
file holds the analyst lab's logs (:func:`lab_logs`) as CSV text and the
reference answers its hidden tests compare with.

Every name, address and number is invented: platforms are fictional, IP
addresses come from the documentation ranges of RFC 5737, e-mail domains end
in ``.example`` (RFC 2606).
"""
from __future__ import annotations

import hashlib
import html
from datetime import datetime, timedelta, timezone

from ..figures import PALETTE, use_course_style
from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m06-building-the-case"
LAB = "m06a-timeline-lab"

GAME, CHAT_APP = "PixelFort", "NimbusChat"
SUSPECT_GAME, SUSPECT_CHAT = "shadow_fox_27", "fox.27"

#: UTC offsets (hours) the child's phone may be set to, and the file-creating device.
CHAT_OFFSETS = (2, 3, 4)
FILE_OFFSETS = (-5, -4, 1, 8)
#: Fewest minutes between two events of the ordering item (no near-ties).
GAP = 8

#: The six events of the ordering item, with the text of its steps.
STEPS = {
    "first": {"ar": "أول رسالة من fox.27 إلى الطفل (الدردشة)",
              "en": "fox.27's first message to the child (chat)"},
    "gift": {"ar": "وصول الملف gift_code.png إلى هاتف الطفل (الدردشة)",
             "en": "The child receives gift_code.png (chat)"},
    "secrecy": {"ar": "fox.27 يطلب من الطفل كتمان الأمر والانتقال إلى تطبيق آخر (الدردشة)",
                "en": "fox.27 asks the child to keep it secret and move to another app (chat)"},
    "file": {"ar": "إنشاء الملف gift_code.png على جهاز المرسِل (بيانات الملفات الوصفية)",
             "en": "gift_code.png is created on the sender's device (file metadata)"},
    "login": {"ar": "shadow_fox_27 يسجّل الدخول إلى PixelFort (سجلات الدخول)",
              "en": "shadow_fox_27 logs in to PixelFort (login records)"},
    "logout": {"ar": "shadow_fox_27 يسجّل الخروج من PixelFort (سجلات الدخول)",
               "en": "shadow_fox_27 logs out of PixelFort (login records)"},
}
#: The order the item lists its steps in: "secrecy" before "first", so never a true order.
LISTED_ORDER = ["secrecy", "login", "file", "first", "logout", "gift"]

#: The chat export's lines (A1…A6): sender, text, and the event some of them are.
CHAT_LINES = [
    ("suspect", "first", {"ar": "مرحبًا! رأيتك تلعب في PixelFort أمس، أنت ماهر حقًا!",
                          "en": "Hi! I saw you play in PixelFort yesterday. You're really good!"}),
    ("child", None, {"ar": "شكرًا! من أنت؟", "en": "Thanks! Who are you?"}),
    ("suspect", "gift", {"ar": "[صورة: gift_code.png] رمز بألف عملة، هدية لك وحدك.",
                         "en": "[image: gift_code.png] A code for 1,000 coins, just for you."}),
    ("child", None, {"ar": "واو، شكرًا جزيلًا!", "en": "Wow, thank you so much!"}),
    ("suspect", "badge", {"ar": "[صورة: team_badge.png] صرت في فريقي الآن، هذا شعار فريقنا.",
                          "en": "[image: team_badge.png] You're on my team now. This is our team badge."}),
    ("suspect", "secrecy", {"ar": "لا تخبر أهلك بأمر العملات، لن يفهموا. لنتحدث على تطبيق آخر.",
                            "en": "Don't tell your parents about the coins, they won't understand. "
                                  "Let's talk on another app."}),
]

#: Synthetic usernames for the accounts of the linking item (never real people).
NAME_POOL = ["night_owl_x", "amber_lynx_14", "blue_comet_88", "silver_hawk_31",
             "quiet_tiger_02", "moon_pixel_66", "paper_kite_05", "frost_byte_19"]
#: What can link an account to shadow_fox_27 in the records (the matching item's targets).
LINKS = {
    "email": {"ar": "قيمة تجزئة البريد الإلكتروني نفسها", "en": "The same email hash"},
    "phone": {"ar": "آخر أربعة أرقام الهاتف نفسها", "en": "The same last four phone digits"},
    "ip": {"ar": "عنوان IP نفسه في الوقت نفسه تقريبًا", "en": "The same IP address at about the same time"},
    "none": {"ar": "لا رابط في وقت ذي دلالة في هذه السجلات (حالات قريبة فقط)", "en": "No link at a meaningful time in these records (near misses only)"},
}

REF_IP = "203.0.113.{}"
OTHER_IPS = ["198.51.100.{}", "192.0.2.{}"]

LABELS = {
    "chat_title": {"ar": "المصدر (أ): تصدير دردشة NimbusChat من هاتف الطفل",
                   "en": "Source A: NimbusChat export from the child's phone"},
    "chat_note": {"ar": "الأوقات بتوقيت الهاتف المحلي؛ إعداد المنطقة الزمنية في الهاتف عند تحريزه: UTC{off}",
                  "en": "Times are the phone's local time; the phone's time-zone setting when seized: UTC{off}"},
    "login_title": {"ar": "المصدر (ب): سجلات الدخول التي قدّمتها المنصتان",
                    "en": "Source B: login records provided by the two platforms"},
    "login_note": {"ar": "الأوقات بصيغة ISO 8601؛ الحرف Z في آخرها يعني UTC",
                   "en": "Times in ISO 8601; the Z at the end means UTC"},
    "file_title": {"ar": "المصدر (ج): البيانات الوصفية للصور التي وصلت في الدردشة",
                   "en": "Source C: metadata of the images received in the chat"},
    "file_note": {"ar": "وقت الإنشاء بتوقيت الجهاز الذي أنشأ الملف، وفرقه عن UTC في العمود الأخير",
                  "en": "Creation time in the creating device's local time, its offset from UTC in the last column"},
    "acct_title": {"ar": "بيانات المشتركين التي قدّمتها المنصتان لاحقًا",
                   "en": "Subscriber records provided later by the two platforms"},
    "acct_note": {"ar": "البريد الإلكتروني: قيمة تجزئته بخوارزمية SHA-256 (أول 12 خانة)؛ الهاتف: آخر أربعة أرقام",
                  "en": "Email hashed with SHA-256 (first 12 characters); phone: last four digits"},
    "row": {"ar": "الرقم", "en": "Row"},
    "sender": {"ar": "المرسِل", "en": "Sender"},
    "message": {"ar": "الرسالة", "en": "Message"},
    "phone_time": {"ar": "الوقت كما يظهر في الهاتف", "en": "Time shown on the phone"},
    "utc_time": {"ar": "الوقت (UTC)", "en": "Time (UTC)"},
    "platform": {"ar": "المنصة", "en": "Platform"},
    "account": {"ar": "الحساب", "en": "Account"},
    "event": {"ar": "الحدث", "en": "Event"},
    "ip": {"ar": "عنوان IP", "en": "IP address"},
    "file": {"ar": "الملف", "en": "File"},
    "created": {"ar": "تاريخ الإنشاء (DateTimeOriginal)", "en": "Created (DateTimeOriginal)"},
    "offset": {"ar": "الفرق عن UTC (OffsetTimeOriginal)", "en": "Offset from UTC (OffsetTimeOriginal)"},
    "email_hash": {"ar": "قيمة تجزئة البريد الإلكتروني", "en": "Email hash"},
    "phone": {"ar": "الهاتف", "en": "Phone"},
    "child": {"ar": "الطفل (صاحب الهاتف)", "en": "The child (phone owner)"},
    "login": {"ar": "تسجيل دخول", "en": "login"},
    "logout": {"ar": "تسجيل خروج", "en": "logout"},
    "synthetic": {"ar": "بيانات مُصطنعة لأغراض التدريب، خاصة بك", "en": "Synthetic training data, yours only"},
}


# ------------------------------------------------------------------ helpers

def _offset(hours: int) -> str:
    """An offset as ISO 8601 writes it: ``+03:00``, ``-05:00``."""
    return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


def _email_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:12]


def _order(times: dict) -> list[str]:
    return sorted(times, key=times.get)


def _even_second(gen) -> int:
    """Seconds of a login record: even and never 0, so no login ties a chat line (:00) or a file (odd)."""
    return 2 * int(gen.integers(1, 30))


def inversions(order: list[str], truth: list[str]) -> int:
    """How many pairs of events ``order`` puts the other way round from ``truth``."""
    rank = {k: i for i, k in enumerate(truth)}
    return sum(1 for i, a in enumerate(order) for b in order[i + 1:] if rank[a] > rank[b])


def _well_apart(times, gap) -> bool:
    values = sorted(times)
    return all((b - a) >= gap for a, b in zip(values, values[1:]))


# ------------------------------------------------------------------ the case

def _events(gen, chat_offset: int, file_offset: int):
    """UTC minutes of the six events, drawn until the displayed clocks mislead.

    Minutes count from midnight UTC of the case's day.  The chat runs in the
    child's evening (first message 19:00–21:30 on the phone).  Returned when
    the events are at least :data:`GAP` minutes apart in UTC, their displayed
    clock times are at least 2 minutes apart, and sorting those displayed
    times gives a different order from the true one (at least two pairs of
    events swapped).
    """
    shown_offset = {"first": chat_offset, "gift": chat_offset, "secrecy": chat_offset,
                    "file": file_offset, "login": 0, "logout": 0}
    while True:
        first = (19 * 60 + int(gen.integers(0, 151))) - chat_offset * 60
        gift = first + int(gen.integers(20, 81))
        secrecy = gift + int(gen.integers(15, 71))
        file = gift - int(gen.integers(6, 111))
        login = first + int(gen.integers(-90, 121))
        logout = login + int(gen.integers(25, 201))
        utc = {"first": first, "gift": gift, "secrecy": secrecy, "file": file, "login": login, "logout": logout}
        shown = {k: v + shown_offset[k] * 60 for k, v in utc.items()}
        if not (_well_apart(utc.values(), GAP) and _well_apart(shown.values(), 2)):
            continue
        if inversions(_order(shown), _order(utc)) >= 2:
            return utc, shown


def _build(gen) -> dict:
    chat_offset = int(gen.choice(CHAT_OFFSETS))
    file_offset = int(gen.choice(FILE_OFFSETS))
    day = datetime(2025, 9, 1, tzinfo=timezone.utc) + timedelta(days=int(gen.integers(0, 110)))
    utc, shown = _events(gen, chat_offset, file_offset)

    def at(minute: int, second: int = 0) -> datetime:
        return day + timedelta(minutes=minute, seconds=second)

    # ---- the chat (A): replies and the team badge fall between the events
    reply1 = utc["first"] + int(gen.integers(1, 6))
    reply1 = min(reply1, utc["gift"] - 1)
    reply2 = utc["gift"] + int(gen.integers(1, 4))
    badge = int(gen.integers(reply2 + 2, utc["secrecy"] - 1))
    chat_minutes = [utc["first"], reply1, utc["gift"], reply2, badge, utc["secrecy"]]
    chat_tz = timezone(timedelta(hours=chat_offset))
    chat = []
    for n, ((sender, event, text), minute) in enumerate(zip(CHAT_LINES, chat_minutes), start=1):
        when = at(minute)
        chat.append({"id": f"A{n}", "sender": sender, "event": event, "text": dict(text),
                     "utc": when, "shown": when.astimezone(chat_tz).strftime("%d/%m/%Y %H:%M")})

    # ---- the files (C): gift_code.png (the ordering's "file") and team_badge.png
    file_tz = timezone(timedelta(hours=file_offset))
    badge_made = badge - int(gen.integers(3, 61))
    files = []
    for n, (name, minute) in enumerate([("gift_code.png", utc["file"]), ("team_badge.png", badge_made)], start=1):
        when = at(minute, 2 * int(gen.integers(0, 30)) + 1)  # odd seconds: never a tie with another source
        files.append({"id": f"C{n}", "file": name, "utc": when,
                      "created": when.astimezone(file_tz).strftime("%Y:%m:%d %H:%M:%S"),
                      "offset": _offset(file_offset)})

    # ---- the accounts: fox.27 and four from the pool; three linked, two near misses
    names = [str(n) for n in gen.choice(NAME_POOL, size=4, replace=False)]
    linked = [str(k) for k in gen.permutation(["email", "phone", "ip"])]
    roles = {SUSPECT_CHAT: linked[0], names[0]: linked[1], names[1]: linked[2],
             names[2]: "none-phone", names[3]: "none-ip"}
    platforms = {SUSPECT_CHAT: CHAT_APP}
    for name in names:
        platforms[name] = str(gen.choice([GAME, CHAT_APP]))
    ip_numbers = [int(i) for i in gen.choice(range(10, 250), size=8, replace=False)]
    ref_ip = REF_IP.format(ip_numbers[0])
    ref_phone = f"{int(gen.integers(1000, 10000)):04d}"
    used_tails = {ref_phone[2:]}

    def other_phone(same_tail: bool) -> str:
        while True:
            head = f"{int(gen.integers(10, 100)):02d}"
            tail = ref_phone[2:] if same_tail else f"{int(gen.integers(0, 100)):02d}"
            if head != ref_phone[:2] and (same_tail or tail not in used_tails):
                used_tails.add(tail)
                return head + tail

    accounts = [{"account": SUSPECT_GAME, "platform": GAME, "email_hash": _email_hash("s.fox27@mail.example"),
                 "phone": ref_phone, "link": None}]
    logins = [
        {"account": SUSPECT_GAME, "platform": GAME, "action": "login", "utc": at(utc["login"], _even_second(gen)),
         "ip": ref_ip, "event": "login"},
        {"account": SUSPECT_GAME, "platform": GAME, "action": "logout", "utc": at(utc["logout"], _even_second(gen)),
         "ip": ref_ip, "event": "logout"},
    ]
    others = iter(ip_numbers[1:])
    taken = [utc["login"], utc["logout"]]
    for name, role in roles.items():
        link = role if role in LINKS else "none"
        email = _email_hash("s.fox27@mail.example") if role == "email" else _email_hash(f"{name}@mail.example")
        phone = ref_phone if role == "phone" else other_phone(role == "none-phone")
        accounts.append({"account": name, "platform": platforms[name], "email_hash": email, "phone": phone,
                         "link": link})
        if role == "ip":  # same address, one to four minutes after shadow_fox_27's login
            minute, ip = utc["login"] + int(gen.integers(1, 5)), ref_ip
        elif role == "none-ip":  # same address, five to nine hours before: not "at the same time"
            minute, ip = utc["login"] - int(gen.integers(300, 541)), ref_ip
        else:
            while True:
                minute = utc["first"] + int(gen.integers(-200, 201))
                if all(abs(minute - t) >= 15 for t in taken):
                    break
            ip = OTHER_IPS[int(gen.integers(0, 2))].format(next(others))
        taken.append(minute)
        logins.append({"account": name, "platform": platforms[name], "action": "login",
                       "utc": at(minute, _even_second(gen)), "ip": ip, "event": None})
    logins.sort(key=lambda r: r["utc"])
    for n, row in enumerate(logins, start=1):
        row["id"] = f"B{n}"
        row["shown"] = row["utc"].strftime("%Y-%m-%dT%H:%M:%SZ")
    shown_accounts = accounts[:1] + [accounts[1 + int(i)] for i in gen.permutation(5)]
    for n, row in enumerate(shown_accounts):
        row["id"] = "R" if n == 0 else f"u{n}"

    return {"chat_offset": chat_offset, "file_offset": file_offset, "day": day,
            "utc": utc, "shown": shown, "chat": chat, "files": files, "logins": logins,
            "accounts": shown_accounts}


def case(trainee: str | None = None) -> dict:
    """The trainee's case file and the answers of the items that read it.

    Fields: ``chat``, ``logins``, ``files`` and ``accounts`` (the rows of the
    four tables), ``chat_offset`` and ``file_offset`` (hours), ``events``
    (UTC time of each ordering event), and the keys: ``order`` (true order
    of the six events), ``naive_order`` (the wrong order the displayed clock
    times give), ``secrecy_utc_hour``, ``file_utc_hour``,
    ``gift_delay_minutes`` (from the gift image's creation to its arrival),
    ``account_items`` and ``links`` (the account-linking item).
    """
    data = _build(rng(MODULE, trainee))
    utc, day = data["utc"], data["day"]
    events = {k: day + timedelta(minutes=m) for k, m in utc.items()}
    gift_file = data["files"][0]["utc"].replace(second=0)
    gift_chat = next(r["utc"] for r in data["chat"] if r["event"] == "gift")
    linked = data["accounts"][1:]
    return {
        **{k: data[k] for k in ("chat", "logins", "files", "accounts", "chat_offset", "file_offset")},
        "events": events,
        "order": _order(utc),
        "naive_order": _order(data["shown"]),
        "secrecy_utc_hour": events["secrecy"].hour,
        "file_utc_hour": data["files"][0]["utc"].hour,
        "gift_delay_minutes": int((gift_chat - gift_file).total_seconds() // 60),
        "account_items": {r["id"]: {"ar": f"الحساب {r['account']} على {r['platform']}",
                                    "en": f"{r['account']} on {r['platform']}"} for r in linked},
        "links": {r["id"]: r["link"] for r in linked},
    }


# ------------------------------------------------------------------ tables

def _table(title, note, headers, rows, lang, ltr_columns=()):
    """An HTML table in the trainee's direction; times, names and numbers stay left to right."""
    from IPython.display import HTML

    def esc(text):
        return html.escape(str(text), quote=False)

    direction = "rtl" if lang == "ar" else "ltr"
    align = "right" if lang == "ar" else "left"
    cell = f"padding:3px 8px;border-bottom:1px solid #d0d7de;text-align:{align};vertical-align:top"
    head = "".join(f'<th style="{cell};background:#eef1f4">{esc(h)}</th>' for h in headers)
    body = []
    for row in rows:
        tds = []
        for i, value in enumerate(row):
            if i in ltr_columns:
                tds.append(f'<td style="{cell};font-family:monospace;white-space:nowrap">'
                           f'<bdi dir="ltr">{esc(value)}</bdi></td>')
            else:
                tds.append(f'<td style="{cell}">{esc(value)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    return HTML(
        f'<div dir="{direction}" lang="{lang}" class="himaya-case-table" style="margin:6px 0 14px 0">'
        f'<div style="font-weight:600">{esc(title)}</div>'
        f'<div style="font-size:0.9em;color:#444">{esc(note)}</div>'
        f'<table style="border-collapse:collapse;margin-top:4px;font-size:0.95em">'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<div style="font-size:0.8em;color:#555">{esc(pick(LABELS["synthetic"], lang))}</div></div>'
    )


def _l(key, lang):
    return pick(LABELS[key], lang)


def chat_table(data: dict, lang: str | None = None):
    """Source A as the phone shows it: row, sender, message, local time."""
    lang = lang or settings.language
    rows = [(r["id"], SUSPECT_CHAT if r["sender"] == "suspect" else _l("child", lang), pick(r["text"], lang),
             r["shown"]) for r in data["chat"]]
    return _table(_l("chat_title", lang), _l("chat_note", lang).format(off=_offset(data["chat_offset"])),
                  [_l(k, lang) for k in ("row", "sender", "message", "phone_time")], rows, lang, ltr_columns=(0, 3))


def login_table(data: dict, lang: str | None = None):
    """Source B as the platforms return it: UTC time with Z, platform, account, event, IP."""
    lang = lang or settings.language
    rows = [(r["id"], r["shown"], r["platform"], r["account"], _l(r["action"], lang), r["ip"]) for r in data["logins"]]
    return _table(_l("login_title", lang), _l("login_note", lang),
                  [_l(k, lang) for k in ("row", "utc_time", "platform", "account", "event", "ip")], rows, lang,
                  ltr_columns=(0, 1, 3, 5))


def file_table(data: dict, lang: str | None = None):
    """Source C as a forensic tool lists it: file, EXIF-like creation time and its offset."""
    lang = lang or settings.language
    rows = [(r["id"], r["file"], r["created"], r["offset"]) for r in data["files"]]
    return _table(_l("file_title", lang), _l("file_note", lang),
                  [_l(k, lang) for k in ("row", "file", "created", "offset")], rows, lang, ltr_columns=(0, 1, 2, 3))


def account_table(data: dict, lang: str | None = None):
    """The subscriber records: account, platform, email hash, last four phone digits."""
    lang = lang or settings.language
    rows = [(r["id"], r["account"], r["platform"], r["email_hash"], "•••• " + r["phone"]) for r in data["accounts"]]
    return _table(_l("acct_title", lang), _l("acct_note", lang),
                  [_l(k, lang) for k in ("row", "account", "platform", "email_hash", "phone")], rows, lang,
                  ltr_columns=(0, 1, 3, 4))


# ------------------------------------------------------------------ figure

def login_figure(data: dict, lang: str | None = None):
    """The login records on one UTC time axis: a row per account, shadow_fox_27's session as a bar.

    Each login is a dot labelled with its IP address; logins from
    shadow_fox_27's address are drawn in the accent colour, so the trainee
    can see which share the address *and* the time.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    accounts = [r["account"] for r in data["accounts"]]
    rows = {name: len(accounts) - 1 - i for i, name in enumerate(accounts)}  # shadow_fox_27 on top
    ref_ip = next(r["ip"] for r in data["logins"] if r["account"] == SUSPECT_GAME)
    fig, ax = plt.subplots(figsize=(8.5, 4.4), layout="constrained")
    naive = lambda t: t.replace(tzinfo=None)  # noqa: E731  (times are UTC; matplotlib plots them as such)
    start = next(r["utc"] for r in data["logins"] if r["account"] == SUSPECT_GAME and r["action"] == "login")
    end = next(r["utc"] for r in data["logins"] if r["account"] == SUSPECT_GAME and r["action"] == "logout")
    y = rows[SUSPECT_GAME]
    ax.plot([naive(start), naive(end)], [y, y], color=PALETTE[1], linewidth=7, alpha=0.35, solid_capstyle="butt",
            label=pick({"ar": "جلسة shadow_fox_27 (من الدخول إلى الخروج)",
                        "en": "shadow_fox_27's session (login to logout)"}, lang))
    for name, y in rows.items():
        ax.axhline(y, color="#e3e3e3", linewidth=0.8, zorder=0)
    for r in data["logins"]:
        same = r["ip"] == ref_ip
        ax.scatter([naive(r["utc"])], [rows[r["account"]]], s=60, zorder=3,
                   marker="o" if r["action"] == "login" else "s",
                   color=PALETTE[1] if same else PALETTE[0])
        if r["action"] == "login":
            ax.annotate(r["ip"], (naive(r["utc"]), rows[r["account"]]), textcoords="offset points",
                        xytext=(0, 8), ha="center", fontsize=8, color="#222222")
    ax.set_yticks(list(rows.values()), list(rows))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M\n%d/%m"))
    ax.margins(x=0.06)
    ax.set_xlabel(pick({"ar": "الوقت بالتوقيت العالمي المنسَّق (UTC)", "en": "Time in UTC"}, lang))
    ax.set_title(pick({"ar": "سجلات الدخول على محور زمني واحد بتوقيت UTC (بيانات مُصطنعة خاصة بك)",
                       "en": "Login records on one UTC time axis (synthetic data, yours only)"}, lang),
                 fontsize=11)
    from matplotlib.lines import Line2D
    handles = [
        Line2D([], [], marker="o", linestyle="", color=PALETTE[1],
               label=pick({"ar": f"من عنوان shadow_fox_27 ({ref_ip})",
                           "en": f"From shadow_fox_27's address ({ref_ip})"}, lang)),
        Line2D([], [], marker="o", linestyle="", color=PALETTE[0],
               label=pick({"ar": "من عنوان آخر", "en": "From another address"}, lang)),
        Line2D([], [], marker="s", linestyle="", color=PALETTE[1],
               label=pick({"ar": "تسجيل خروج", "en": "Logout"}, lang)),
        ax.lines[0],
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=8.5,
               markerfirst=lang != "ar")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    if lang == "ar":
        ax.invert_xaxis()  # time runs right to left, like the text
        ax.yaxis.tick_right()
    return fig


# ------------------------------------------------------------------ the analyst lab (m06a)

def lab_logs(trainee: str | None = None) -> dict:
    """The lab's three logs as CSV text, from a case of the lab's own seed.

    Fields: ``chat_csv`` (``row,sender,text,time`` with ``DD/MM/YYYY HH:MM``
    phone time), ``chat_offset_hours``, ``logins_csv`` (``row,time,platform,
    account,action,ip`` with ISO 8601 ``Z`` times), ``files_csv``
    (``row,file,created,offset`` with EXIF-like times and ``±HH:MM``
    offsets), and ``event`` (the row after which the lab asks for fox.27's next message).
    """
    data = _build(rng(LAB, trainee))

    def csv(header, rows):
        def field(v):
            v = str(v)
            return '"' + v.replace('"', '""') + '"' if ("," in v or '"' in v) else v
        return "\n".join([",".join(header)] + [",".join(field(v) for v in row) for row in rows]) + "\n"

    chat = csv(["row", "sender", "text", "time"],
               [(r["id"], SUSPECT_CHAT if r["sender"] == "suspect" else "child", r["text"]["en"], r["shown"])
                for r in data["chat"]])
    logins = csv(["row", "time", "platform", "account", "action", "ip"],
                 [(r["id"], r["shown"], r["platform"], r["account"], r["action"], r["ip"]) for r in data["logins"]])
    files = csv(["row", "file", "created", "offset"],
                [(r["id"], r["file"], r["created"], r["offset"]) for r in data["files"]])
    # the event whose next message the lab asks for: shadow_fox_27's login, or the gift image if he
    # logged in after the last message
    secrecy = next(r["utc"] for r in data["chat"] if r["event"] == "secrecy")
    login = next(r for r in data["logins"] if r["event"] == "login")
    event = login["id"] if login["utc"] < secrecy else data["files"][0]["id"]
    return {"chat_csv": chat, "chat_offset_hours": data["chat_offset"], "logins_csv": logins,
            "files_csv": files, "event": event}


# Reference answers of the lab's hidden tests (pandas): each returns what the trainee's function should.

def iso_utc(times) -> list[str]:
    """Times as ISO 8601 UTC strings (``2025-09-14T17:11:08Z``): what the lab's tests compare.

    Time-zone-aware values are converted to UTC; naive ones are taken to be
    UTC already, so a trainee may return either.
    """
    import pandas as pd

    series = times if isinstance(times, pd.Series) else pd.Series(list(times))
    return pd.to_datetime(series, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()


def ref_parse_chat(text: str, offset_hours: int):
    """Chat rows with a ``utc`` column (tz-aware UTC), in the file's order."""
    import io

    import pandas as pd

    df = pd.read_csv(io.StringIO(text), dtype=str)
    local = pd.to_datetime(df["time"], format="%d/%m/%Y %H:%M")
    df["utc"] = (local - pd.Timedelta(hours=offset_hours)).dt.tz_localize("UTC")
    return df


def ref_parse_logins(text: str):
    """Login rows with a ``utc`` column (tz-aware UTC)."""
    import io

    import pandas as pd

    df = pd.read_csv(io.StringIO(text), dtype=str)
    df["utc"] = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M:%SZ").dt.tz_localize("UTC")
    return df


def ref_parse_files(text: str):
    """File rows with a ``utc`` column: the creation time minus each row's own offset."""
    import io

    import pandas as pd

    df = pd.read_csv(io.StringIO(text), dtype=str)
    local = pd.to_datetime(df["created"], format="%Y:%m:%d %H:%M:%S")
    sign = df["offset"].str[0].map({"+": 1, "-": -1})
    hours = df["offset"].str[1:3].astype(int)
    minutes = df["offset"].str[4:6].astype(int)
    shift = pd.to_timedelta(sign * (hours * 60 + minutes), unit="min")
    df["utc"] = (local - shift).dt.tz_localize("UTC")
    return df


def ref_timeline(chat, logins, files):
    """One table of every row of the three sources, ``row`` and ``utc``, sorted by UTC time."""
    import pandas as pd

    parts = [df[["row", "utc"]] for df in (chat, logins, files)]
    return pd.concat(parts).sort_values("utc", kind="stable").reset_index(drop=True)


def ref_next_message(timeline, chat, row: str) -> str:
    """The row id of the first message of fox.27 after the event ``row``, in UTC."""
    when = timeline.loc[timeline["row"] == row, "utc"].iloc[0]
    suspect = set(chat.loc[chat["sender"] == SUSPECT_CHAT, "row"])
    later = timeline[(timeline["utc"] > when) & timeline["row"].isin(suspect)]
    return str(later["row"].iloc[0])
