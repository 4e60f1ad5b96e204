"""Module m05's synthetic data: a chain-of-custody form and a table of evidence hashes, seeded per trainee.

Both describe fictional people and files only.

* :func:`custody_form` is the record of one seized phone passing from the
  scene to the lab in six entries, three of which carry one flaw each (a
  missing signature, time or purpose; a time before the seizure, a serial
  number copied wrongly, or a hand-over from someone who never received the
  phone).  The trainee sorts the entries; the grader reads ``entry_status``.
* :func:`evidence_hashes` makes six files of seeded random bytes (no
  pictures, no text: only bytes), hashes them with SHA-256 at "acquisition",
  changes one byte in one to three of them and hashes them again at
  "verification".  The trainee finds the altered files; the grader reads
  ``altered``.
* :func:`one_character_demo` hashes two short labels that differ in one
  character, to show that the whole value changes.

The ``*_table`` functions draw them as HTML tables in the trainee's language
(right to left in Arabic; hash values and times always left to right).
"""
from __future__ import annotations

import hashlib
import html
from datetime import datetime, timedelta

from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m05-digital-evidence"

# ---------------------------------------------------------------- chain of custody

#: The categories of the classification item, in the order of its buttons.
STATUS = {
    "complete": {"ar": "مكتمل ومتّسق", "en": "Complete and consistent"},
    "missing": {"ar": "تنقصه معلومة", "en": "Missing information"},
    "inconsistent": {"ar": "غير متّسق", "en": "Inconsistent"},
}

#: Each flaw an entry can carry, and the category it puts the entry in.
FLAWS = {
    "sig_released": "missing",    # the person handing over did not sign
    "sig_received": "missing",    # the person taking over did not sign
    "time": "missing",            # no date and time
    "purpose": "missing",         # no purpose of the transfer
    "early": "inconsistent",      # a time before the seizure itself
    "serial": "inconsistent",     # the serial number copied with two characters swapped
    "break": "inconsistent",      # handed over by someone who never received the phone
}
MISSING = [f for f, c in FLAWS.items() if c == "missing"]
INCONSISTENT = [f for f, c in FLAWS.items() if c == "inconsistent"]

ENTRIES = 6
FLAWED = 3

FIRST_NAMES = [
    {"ar": "سامي", "en": "Sami"}, {"ar": "رنا", "en": "Rana"}, {"ar": "هادي", "en": "Hadi"},
    {"ar": "ليلى", "en": "Layla"}, {"ar": "عمر", "en": "Omar"}, {"ar": "نادية", "en": "Nadia"},
    {"ar": "كريم", "en": "Karim"}, {"ar": "سلمى", "en": "Salma"}, {"ar": "يوسف", "en": "Youssef"},
    {"ar": "هدى", "en": "Huda"}, {"ar": "طارق", "en": "Tariq"}, {"ar": "منى", "en": "Mona"},
]
FAMILY_NAMES = [
    {"ar": "حداد", "en": "Haddad"}, {"ar": "العمري", "en": "Al-Omari"}, {"ar": "الصالح", "en": "Al-Saleh"},
    {"ar": "النجار", "en": "Al-Najjar"}, {"ar": "الأمين", "en": "Al-Amin"}, {"ar": "درويش", "en": "Darwish"},
    {"ar": "القاضي", "en": "Al-Qadi"}, {"ar": "الحسن", "en": "Al-Hassan"}, {"ar": "البنّا", "en": "Al-Banna"},
    {"ar": "العلي", "en": "Al-Ali"},
]

#: Who receives the phone in each entry (the chain), then the stranger of a "break".
ROLES = {
    "seizing": {"ar": "ضابط الضبط", "en": "seizing officer"},
    "custodian": {"ar": "أمين مخزن الأدلة", "en": "evidence custodian"},
    "transport": {"ar": "ضابط النقل", "en": "transport officer"},
    "reception": {"ar": "موظف الاستلام في المختبر", "en": "lab reception clerk"},
    "examiner": {"ar": "الفاحص الرقمي", "en": "digital forensic examiner"},
    "duty": {"ar": "ضابط مناوب", "en": "duty officer"},
}
#: Receiver of each entry, by role (entry 6 returns the phone to the lab's reception clerk).
CHAIN = ["seizing", "custodian", "transport", "reception", "examiner", "reception"]

PURPOSES = [
    {"ar": "ضُبط في مكان الواقعة، ووُضع في كيس عازل للإشارات، وخُتم",
     "en": "Seized at the scene; placed in a signal-shielding bag and sealed"},
    {"ar": "أُودع مخزن الأدلة في المركز", "en": "Placed in the station's evidence store"},
    {"ar": "نقله إلى مختبر الأدلة الرقمية", "en": "Transport to the digital forensics lab"},
    {"ar": "استُلم في المختبر؛ وتُحقّق من سلامة الختم", "en": "Received at the lab; seal checked intact"},
    {"ar": "الفحص: نسخ بيانات الهاتف نسخًا جنائيًا", "en": "Examination: forensic copy of the phone's data"},
    {"ar": "أُعيد إلى مخزن المختبر بعد النسخ، وخُتم من جديد",
     "en": "Returned to the lab's store after copying; sealed again"},
]

DEVICES = [
    {"ar": "هاتف ذكي أسود في غلاف أزرق", "en": "Black smartphone in a blue case"},
    {"ar": "هاتف ذكي أبيض بشاشة مكسورة الزاوية", "en": "White smartphone, screen cracked at one corner"},
    {"ar": "هاتف ذكي رمادي في غلاف شفاف", "en": "Grey smartphone in a clear case"},
    {"ar": "هاتف ذكي أزرق في غلاف عليه ملصقات", "en": "Blue smartphone in a case with stickers"},
]
PLACE = {"ar": "منزل الطفل (غرفة المعيشة)", "en": "The child's home (living room)"}
FROM_SCENE = {"ar": "— (ضُبط في مكان الواقعة)", "en": "— (seized at the scene)"}
SIGNED = {"ar": "✔ موقَّع", "en": "✔ signed"}

#: Serial-number characters: none that look alike (no O/0, I/1, S/5, B/8), so a swap is a real difference.
SERIAL_CHARS = "ACDEFHJKLMNPRTUVWXY234679"
#: Custody times carry their offset from UTC (a fictional unit at UTC+3), as every custody record should.
TIME_FORMAT = "%Y-%m-%d %H:%M +03:00"


def _person(gen, used: set) -> dict:
    """A fictional name not sharing a first or family name with anyone in ``used``."""
    while True:
        first = FIRST_NAMES[int(gen.integers(len(FIRST_NAMES)))]
        family = FAMILY_NAMES[int(gen.integers(len(FAMILY_NAMES)))]
        if first["en"] not in used and family["en"] not in used:
            used.update({first["en"], family["en"]})
            return {lang: f"{first[lang]} {family[lang]}" for lang in ("ar", "en")}


def _serial(gen) -> str:
    chars = [SERIAL_CHARS[int(i)] for i in gen.integers(len(SERIAL_CHARS), size=10)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:8]) + "-" + "".join(chars[8:])


def _swap_two(gen, serial: str) -> str:
    """The serial with two neighbouring, different characters swapped (a copying slip)."""
    spots = [i for i in range(len(serial) - 1)
             if serial[i] != "-" and serial[i + 1] != "-" and serial[i] != serial[i + 1]]
    i = spots[int(gen.integers(len(spots)))]
    return serial[:i] + serial[i + 1] + serial[i] + serial[i + 2:]


def custody_form(trainee: str | None = None) -> dict:
    """A chain-of-custody form for one seized phone: a header and six entries, three flawed.

    Fields: ``case``, ``exhibit``, ``device`` (bilingual), ``serial``,
    ``place`` (bilingual), ``seized_at`` (``YYYY-MM-DD HH:MM +03:00``), ``seized_by``
    (bilingual name); ``entries`` (one dict per entry: ``no``, ``time``,
    ``serial``, ``released_by``, ``released_signed``, ``received_by``,
    ``received_signed``, ``purpose``; an empty string or False marks a blank
    field); ``problems`` (entry id → flaw, flawed entries only) and
    ``entry_status`` (entry id ``e1``… → a key of :data:`STATUS`).
    """
    gen = rng(MODULE, trainee).spawn(2)[0]
    used: set = set()
    people = [_person(gen, used) for _ in range(5)]
    stranger = _person(gen, used)
    by_role = dict(zip(["seizing", "custodian", "transport", "reception", "examiner"], people))
    serial = _serial(gen)
    case = f"CP-2025-{int(gen.integers(1000, 10000))}"
    device = DEVICES[int(gen.integers(len(DEVICES)))]

    seized = datetime(2025, int(gen.integers(1, 13)), int(gen.integers(1, 29)),
                      int(gen.integers(16, 22)), 5 * int(gen.integers(0, 12)))
    times = [seized, seized + timedelta(minutes=int(gen.integers(30, 121)))]
    next_morning = (seized + timedelta(days=1)).replace(hour=int(gen.integers(8, 10)),
                                                        minute=5 * int(gen.integers(0, 12)))
    times.append(next_morning)
    times.append(times[-1] + timedelta(minutes=int(gen.integers(60, 181))))
    times.append(times[-1] + timedelta(minutes=int(gen.integers(30, 121))))
    times.append(times[-1] + timedelta(minutes=int(gen.integers(180, 361))))
    times = [t.replace(minute=t.minute - t.minute % 5) for t in times]

    entries = []
    for n in range(ENTRIES):
        receiver = CHAIN[n]
        giver = CHAIN[n - 1] if n else None
        entries.append({
            "no": n + 1,
            "time": times[n].strftime(TIME_FORMAT),
            "serial": serial,
            "released_by": (_with_role(by_role[giver], giver) if giver else dict(FROM_SCENE)),
            "released_signed": bool(giver),
            "received_by": _with_role(by_role[receiver], receiver),
            "received_signed": True,
            "purpose": dict(PURPOSES[n]),
        })

    # three flawed entries among 2..6: at least one missing and one inconsistent, all flaws different
    flawed = sorted(int(i) for i in gen.choice(range(1, ENTRIES), size=FLAWED, replace=False))
    kinds = [str(gen.choice(MISSING)), str(gen.choice(INCONSISTENT))]
    kinds.append(str(gen.choice([f for f in FLAWS if f not in kinds])))
    kinds = [kinds[int(i)] for i in gen.permutation(FLAWED)]
    problems = {}
    for index, kind in zip(flawed, kinds):
        entry = entries[index]
        if kind == "sig_released":
            entry["released_signed"] = False
        elif kind == "sig_received":
            entry["received_signed"] = False
        elif kind == "time":
            entry["time"] = ""
        elif kind == "purpose":
            entry["purpose"] = {"ar": "", "en": ""}
        elif kind == "early":
            entry["time"] = (seized - timedelta(minutes=5 * int(gen.integers(24, 313)))).strftime(TIME_FORMAT)
        elif kind == "serial":
            entry["serial"] = _swap_two(gen, serial)
        elif kind == "break":
            entry["released_by"] = _with_role(stranger, "duty")
        problems[f"e{index + 1}"] = kind

    return {
        "case": case,
        "exhibit": "EX-01",
        "device": dict(device),
        "serial": serial,
        "place": dict(PLACE),
        "seized_at": seized.strftime(TIME_FORMAT),
        "seized_by": _with_role(by_role["seizing"], "seizing"),
        "entries": entries,
        "problems": problems,
        "entry_status": {f"e{e['no']}": FLAWS[problems[f"e{e['no']}"]] if f"e{e['no']}" in problems
                         else "complete" for e in entries},
    }


def _with_role(person: dict, role: str) -> dict:
    return {lang: f"{person[lang]} ({ROLES[role][lang]})" for lang in ("ar", "en")}


# ---------------------------------------------------------------- HTML tables

_CELL = "border:1px solid #c9d1d9;padding:4px 8px;vertical-align:top;line-height:1.45;"
_HEAD = _CELL + "background:#e7ebef;font-weight:600;"
_LTR = 'dir="ltr" style="unicode-bidi:isolate;white-space:nowrap;"'
_MONO = "font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;white-space:nowrap;"


def _table_style(lang: str) -> str:
    side = "right" if lang == "ar" else "left"
    return (f"border-collapse:collapse;table-layout:auto;margin:6px 0;width:auto;max-width:100%;"
            f"font-size:0.92em;text-align:{side};")


def _td(content: str, lang: str, style: str = "", **attrs) -> str:
    side = "right" if lang == "ar" else "left"
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<td style="{_CELL}text-align:{side};{style}"{extra}>{content}</td>'


def _th(content: str, lang: str, **attrs) -> str:
    side = "right" if lang == "ar" else "left"
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<th style="{_HEAD}text-align:{side};"{extra}>{content}</th>'


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _wrap(body: str, lang: str):
    from IPython.display import HTML

    direction = "rtl" if lang == "ar" else "ltr"
    return HTML(f'<div dir="{direction}" lang="{lang}" class="m05-table">{body}</div>')


CUSTODY_HEADINGS = {
    "no": {"ar": "القيد", "en": "Entry"},
    "time": {"ar": "التاريخ والوقت", "en": "Date and time"},
    "serial": {"ar": "الرقم التسلسلي", "en": "Serial number"},
    "released_by": {"ar": "سلّمه", "en": "Released by"},
    "received_by": {"ar": "استلمه", "en": "Received by"},
    "signature": {"ar": "التوقيع", "en": "Signature"},
    "purpose": {"ar": "الغرض", "en": "Purpose"},
}


def custody_table(form: dict, lang: str | None = None):
    """The form as an HTML table: its header, then one row per entry, blank fields left blank."""
    lang = lang or settings.language
    h = {k: pick(v, lang) for k, v in CUSTODY_HEADINGS.items()}
    title = pick({"ar": "سجل سلسلة العهدة (بيانات مُصطنعة خاصة بك، أسماء خيالية)",
                  "en": "Chain-of-custody record (synthetic data, yours only; fictional names)"}, lang)
    header_rows = [
        ({"ar": "رقم القضية", "en": "Case number"}, f"<span {_LTR}>{form['case']}</span>"),
        ({"ar": "رقم الحرز", "en": "Exhibit number"}, f"<span {_LTR}>{form['exhibit']}</span>"),
        ({"ar": "الوصف", "en": "Description"}, _esc(pick(form["device"], lang))),
        ({"ar": "الرقم التسلسلي للجهاز", "en": "Device serial number"},
         f'<span {_LTR}><code style="{_MONO}">{form["serial"]}</code></span>'),
        ({"ar": "مكان الضبط", "en": "Place of seizure"}, _esc(pick(form["place"], lang))),
        ({"ar": "تاريخ الضبط ووقته", "en": "Date and time of seizure"}, f"<span {_LTR}>{form['seized_at']}</span>"),
        ({"ar": "ضبطه", "en": "Seized by"}, _esc(pick(form["seized_by"], lang))),
    ]
    head = "".join(f"<tr>{_th(_esc(pick(k, lang)), lang)}{_td(v, lang)}</tr>" for k, v in header_rows)
    rows = []
    for e in form["entries"]:
        signed = _esc(pick(SIGNED, lang))
        rows.append(
            "<tr>"
            + _td(f"<b>{e['no']}</b>", lang, "text-align:center;")
            + _td(f"<span {_LTR}>{e['time']}</span>" if e["time"] else "", lang)
            + _td(f'<span {_LTR}><code style="{_MONO}">{e["serial"]}</code></span>', lang)
            + _td(_esc(pick(e["released_by"], lang)), lang)
            + _td(signed if e["released_signed"] else ("—" if e["no"] == 1 else ""), lang, "white-space:nowrap;")
            + _td(_esc(pick(e["received_by"], lang)), lang)
            + _td(signed if e["received_signed"] else "", lang, "white-space:nowrap;")
            + _td(_esc(pick(e["purpose"], lang)), lang)
            + "</tr>"
        )
    columns = ("<tr>" + _th(h["no"], lang) + _th(h["time"], lang) + _th(h["serial"], lang)
               + _th(h["released_by"], lang) + _th(h["signature"], lang)
               + _th(h["received_by"], lang) + _th(h["signature"], lang) + _th(h["purpose"], lang) + "</tr>")
    body = (f'<p style="font-weight:600;margin:4px 0;">{_esc(title)}</p>'
            f'<table style="{_table_style(lang)}">{head}</table>'
            f'<table style="{_table_style(lang)}">{columns}{"".join(rows)}</table>')
    return _wrap(body, lang)


# ---------------------------------------------------------------- hashes

FILES = 6
#: File-name patterns (``{n}``: seeded digits) and the sizes their synthetic bytes take.
FILE_PATTERNS = [
    ("IMG_{n4}.jpg", (40_000, 260_000)),
    ("IMG_{n4}.jpg", (40_000, 260_000)),
    ("VID_{n4}.mp4", (200_000, 400_000)),
    ("Screenshot_{n4}.png", (30_000, 160_000)),
    ("chat_export.txt", (4_000, 60_000)),
    ("voice_note_{n2}.opus", (8_000, 90_000)),
    ("contacts.vcf", (2_000, 20_000)),
    ("call_log.csv", (3_000, 30_000)),
]


def _file_name(gen, pattern: str) -> str:
    return pattern.format(n4=f"{int(gen.integers(1, 10000)):04d}", n2=f"{int(gen.integers(1, 100)):02d}")


def evidence_files(trainee: str | None = None) -> list[dict]:
    """The six synthetic files as bytes: ``id``, ``name``, ``acquired_bytes``, ``verified_bytes``.

    The bytes are seeded random bytes: no picture, sound or text is made.
    One to three files (never all) have one byte changed between acquisition
    and verification; their sizes stay the same.
    """
    gen = rng(MODULE, trainee).spawn(2)[1]
    picks = sorted(int(i) for i in gen.choice(len(FILE_PATTERNS), size=FILES, replace=False))
    picks = [picks[int(i)] for i in gen.permutation(FILES)]
    names = []
    for index in picks:
        name = _file_name(gen, FILE_PATTERNS[index][0])
        while name in names:
            name = _file_name(gen, FILE_PATTERNS[index][0])
        names.append(name)
    count = int(gen.integers(1, 4))
    altered = set(int(i) for i in gen.choice(FILES, size=count, replace=False))
    files = []
    for n, (index, name) in enumerate(zip(picks, names)):
        low, high = FILE_PATTERNS[index][1]
        original = gen.bytes(int(gen.integers(low, high)))
        later = bytearray(original)
        if n in altered:
            later[int(gen.integers(len(later)))] ^= int(gen.integers(1, 256))  # one byte changed, the size kept
        files.append({"id": f"f{n + 1}", "name": name, "acquired_bytes": original, "verified_bytes": bytes(later)})
    return files


def evidence_hashes(trainee: str | None = None) -> dict:
    """Six synthetic evidence files (:func:`evidence_files`), their SHA-256 at acquisition and at verification.

    Fields: ``files`` (``id``, ``name``, ``size``, ``acquired``,
    ``verified``, ``altered``), ``altered`` (the ids of the altered files, in
    table order: the key of the item), ``options`` (id → bilingual label for
    the multiple-choice item).
    """
    files = []
    for f in evidence_files(trainee):
        acquired = hashlib.sha256(f["acquired_bytes"]).hexdigest()
        verified = hashlib.sha256(f["verified_bytes"]).hexdigest()
        files.append({"id": f["id"], "name": f["name"], "size": len(f["verified_bytes"]),
                      "acquired": acquired, "verified": verified, "altered": acquired != verified})
    return {
        "files": files,
        "altered": [f["id"] for f in files if f["altered"]],
        "options": {f["id"]: {"ar": f"الملف {f['name']}", "en": f["name"]} for f in files},
    }


def grouped(digest: str, size: int = 8) -> str:
    """A hex digest in groups of ``size`` characters, for reading (the value itself is unchanged)."""
    return " ".join(digest[i:i + size] for i in range(0, len(digest), size))


def _hash_cell(digest: str, lang: str, marks: set | None = None) -> str:
    marks = marks or set()
    pieces = []
    for i, c in enumerate(digest):  # the grouping of grouped(): a space after every 8 characters
        if i and i % 8 == 0:
            pieces.append(" ")
        pieces.append(f'<mark style="background:#ffe08a;color:#000;padding:0;">{c}</mark>' if i in marks else c)
    chars = "".join(pieces)
    return _td(f'<code dir="ltr" style="{_MONO}white-space:pre;unicode-bidi:isolate;font-size:0.95em;">'
               f"{chars}</code>", lang, "white-space:nowrap;")


HASH_HEADINGS = {
    "no": {"ar": "#", "en": "#"},
    "name": {"ar": "الملف", "en": "File"},
    "size": {"ar": "الحجم (بايت)", "en": "Size (bytes)"},
    "stage": {"ar": "المرحلة", "en": "Stage"},
    "sha": {"ar": "قيمة SHA-256", "en": "SHA-256 value"},
}
STAGES = {
    "acquired": {"ar": "عند النسخ", "en": "At acquisition"},
    "verified": {"ar": "عند التحقق", "en": "At verification"},
}


def hash_table(data: dict, lang: str | None = None):
    """Each file on two rows: its SHA-256 at acquisition above its SHA-256 at verification, full length."""
    lang = lang or settings.language
    h = {k: pick(v, lang) for k, v in HASH_HEADINGS.items()}
    title = pick({"ar": "قيم SHA-256 لملفات الأدلة (بيانات مُصطنعة خاصة بك؛ القيم مقسّمة إلى مجموعات من 8 خانات لتسهيل القراءة)",
                  "en": "SHA-256 values of the evidence files (synthetic data, yours only; values split into groups "
                        "of 8 characters for reading)"}, lang)
    rows = []
    for n, f in enumerate(data["files"], start=1):
        shade = "background:#f6f8fa;" if n % 2 == 0 else ""
        rows.append(
            f'<tr style="{shade}">'
            + _td(f"<b>{n}</b>", lang, "text-align:center;", rowspan=2)
            + _td(f'<span {_LTR}><code style="{_MONO}">{_esc(f["name"])}</code></span>', lang, rowspan=2)
            + _td(f"<span {_LTR}>{f['size']:,}</span>", lang, rowspan=2)
            + _td(_esc(pick(STAGES["acquired"], lang)), lang, "white-space:nowrap;")
            + _hash_cell(f["acquired"], lang)
            + "</tr>"
            f'<tr style="{shade}">'
            + _td(_esc(pick(STAGES["verified"], lang)), lang, "white-space:nowrap;")
            + _hash_cell(f["verified"], lang)
            + "</tr>"
        )
    columns = "<tr>" + "".join(_th(h[k], lang) for k in ("no", "name", "size", "stage", "sha")) + "</tr>"
    body = (f'<p style="font-weight:600;margin:4px 0;">{_esc(title)}</p>'
            f'<table style="{_table_style(lang)}">{columns}{"".join(rows)}</table>')
    return _wrap(body, lang)


#: Two labels that differ in their last character only (a seal number 40214 → 40218); their
#: SHA-256 values agree in 4 of 64 places, about what chance gives (one in sixteen).
DEMO_TEXTS = ("CP-2025-0412 EX-01 SEAL 40214", "CP-2025-0412 EX-01 SEAL 40218")


def one_character_demo() -> dict:
    """SHA-256 of two labels one character apart, and the positions where the two values agree."""
    first, second = (hashlib.sha256(t.encode("ascii")).hexdigest() for t in DEMO_TEXTS)
    same = [i for i, (a, b) in enumerate(zip(first, second)) if a == b]
    return {"texts": list(DEMO_TEXTS), "hashes": [first, second], "same_positions": same}


def demo_table(demo: dict, lang: str | None = None):
    """The two labels and their hashes; the few characters that agree (by chance) are highlighted."""
    lang = lang or settings.language
    marks = set(demo["same_positions"])
    label = {"ar": "النص", "en": "Text"}
    old, new = next((a, b) for a, b in zip(*demo["texts"]) if a != b)
    title = pick({"ar": f"تغيير حرف واحد في النص ({old} ← {new} في آخره): الخانات المظلّلة هي وحدها المتطابقة في "
                        f"الموضع نفسه ({len(marks)} من 64)، وقد تطابقت مصادفةً",
                  "en": f"One character changed in the text ({old} → {new} at its end): the highlighted characters are "
                        f"the only ones equal in the same position ({len(marks)} of 64), and they agree by chance"}, lang)
    rows = "".join(
        "<tr>" + _td(f'<span {_LTR}><code style="{_MONO}">{_esc(text)}</code></span>', lang)
        + _hash_cell(digest, lang, marks) + "</tr>"
        for text, digest in zip(demo["texts"], demo["hashes"]))
    columns = "<tr>" + _th(pick(label, lang), lang) + _th(pick(HASH_HEADINGS["sha"], lang), lang) + "</tr>"
    body = (f'<p style="font-weight:600;margin:4px 0;">{_esc(title)}</p>'
            f'<table style="{_table_style(lang)}">{columns}{rows}</table>')
    return _wrap(body, lang)
