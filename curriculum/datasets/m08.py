"""Module m08's synthetic data: pictures of coloured shapes and their hashes, and a classifier's pilot.

Nothing here shows a person.  :func:`pictures` draws a trainee's own
"original" picture (circles, squares and triangles on a plain background),
seven files A–G (exact, resized, recompressed and brightened copies of it, a
look-alike with one shape changed, and two unrelated pictures) and a cropped
copy; it computes each file's SHA-256 and a 64-bit difference hash (dHash)
with numpy and Pillow, so trainees see why a cryptographic hash finds only
exact copies and a perceptual hash finds altered ones.  :func:`triage` is the
pilot of an imagined classifier on 10,000 files with a low base rate: a
confusion matrix, a table of thresholds and a unit's weekly review capacity.

The hashing functions (:func:`grey`, :func:`shrink`, :func:`dhash`,
:func:`hamming`) are the reference the analyst lab ``m08a-hashing-lab`` is
checked against; :func:`lab_pictures` and the ``lab_*`` functions at the end
give that lab its data and answers.
"""
from __future__ import annotations

import hashlib
import html
import io
import math

import numpy as np

from ..figures import PALETTE, footnote, use_course_style
from ..language import pick
from ..settings import settings
from ..synthetic import rng

MODULE = "m08-artificial-intelligence"

# ---------------------------------------------------------------- hashing (the lab's reference too)

#: dHash compares each of 8 rows of 9 grey squares with its right-hand neighbour: 8 × 8 = 64 bits.
HASH_ROWS, HASH_COLUMNS = 8, 9


def grey(rgb: np.ndarray) -> np.ndarray:
    """A picture (height × width × 3, uint8) in grey levels 0–255, as Pillow's "L" mode computes them."""
    from PIL import Image

    return np.asarray(Image.fromarray(np.asarray(rgb, dtype=np.uint8), "RGB").convert("L"))


def shrink(grey_pixels: np.ndarray, width: int = HASH_COLUMNS, height: int = HASH_ROWS) -> np.ndarray:
    """A greyscale picture shrunk to ``height`` rows × ``width`` columns (Pillow, bilinear), as integers."""
    from PIL import Image

    small = Image.fromarray(np.asarray(grey_pixels, dtype=np.uint8), "L").resize(
        (width, height), Image.Resampling.BILINEAR)
    return np.asarray(small, dtype=np.int16)


def difference_bits(small: np.ndarray) -> np.ndarray:
    """1 where a square is brighter than its left-hand neighbour, row by row (the core of dHash)."""
    small = np.asarray(small, dtype=np.int16)
    return (small[:, 1:] > small[:, :-1]).flatten()


def dhash(grey_pixels: np.ndarray) -> np.ndarray:
    """The 64-bit difference hash of a greyscale picture, as 64 booleans (row by row)."""
    return difference_bits(shrink(grey_pixels))


def hamming(a, b) -> int:
    """How many positions two hashes of the same length differ in."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if a.shape != b.shape:
        raise ValueError(f"hashes of different lengths: {a.size} and {b.size}")
    return int(np.count_nonzero(a != b))


def hex_hash(bits) -> str:
    """64 bits as 16 hexadecimal characters, the way hash values are usually written."""
    return "".join(f"{int(''.join('1' if b else '0' for b in chunk), 2):x}"
                   for chunk in np.asarray(bits, dtype=bool).reshape(-1, 4))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the trainee's pictures

SIZE = 96
LETTERS = list("ABCDEFG")
#: What each file is; the trainee sees only the letters (shuffled) and the pictures.
FILE_KINDS = ["exact", "resized", "recompressed", "brightened", "lookalike", "different", "different2"]
COPIES = {"exact", "resized", "recompressed", "brightened"}
#: The rule of the item on matches: a file matches if its distance to the original is THRESHOLD or less.
THRESHOLD = 10
SHAPES = ["circle", "square", "triangle"]
SHA_SHOWN = 16  # hexadecimal characters of SHA-256 shown in the table


def _scene(gen) -> dict:
    background = tuple(int(v) for v in gen.integers(175, 256, 3))
    shapes = []
    for _ in range(int(gen.integers(3, 6))):
        side = int(gen.integers(20, 42))
        shapes.append((str(gen.choice(SHAPES)), int(gen.integers(3, SIZE - side - 3)),
                       int(gen.integers(3, SIZE - side - 3)), side,
                       tuple(int(v) for v in gen.integers(0, 160, 3))))
    return {"background": background, "shapes": shapes}


def _lookalike(gen, scene: dict) -> dict:
    """The same scene with one shape replaced by another kind, colour and place (drawn on top)."""
    shapes = list(scene["shapes"])
    kind, x, y, side, _ = shapes.pop(int(gen.integers(len(shapes))))
    new_kind = str(gen.choice([k for k in SHAPES if k != kind]))
    step = lambda: int(gen.choice([-1, 1]) * gen.integers(12, 25))  # noqa: E731
    new_x = int(np.clip(x + step(), 3, SIZE - side - 3))
    new_y = int(np.clip(y + step(), 3, SIZE - side - 3))
    shapes.append((new_kind, new_x, new_y, side, tuple(int(v) for v in gen.integers(0, 160, 3))))
    return {"background": scene["background"], "shapes": shapes}


def _render(scene: dict):
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (SIZE, SIZE), scene["background"])
    draw = ImageDraw.Draw(picture)
    for kind, x, y, side, colour in scene["shapes"]:
        if kind == "circle":
            draw.ellipse([x, y, x + side, y + side], fill=colour)
        elif kind == "square":
            draw.rectangle([x, y, x + side, y + side], fill=colour)
        else:
            draw.polygon([(x, y + side), (x + side, y + side), (x + side / 2, y)], fill=colour)
    return picture


def _encode(picture, fmt: str, quality: int = 75) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        picture.save(buffer, "JPEG", quality=quality)
    else:
        picture.save(buffer, "PNG")
    return buffer.getvalue()


def _file(data: bytes, fmt: str, original_bits=None) -> dict:
    """What the table shows of one file, computed from its bytes as an examiner would."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits = dhash(grey(pixels))
    return {
        "pixels": pixels,
        "format": fmt,
        "width": int(pixels.shape[1]),
        "height": int(pixels.shape[0]),
        "bytes": len(data),
        "sha256": sha256(data),
        "bits": bits,
        "dhash": hex_hash(bits),
        "distance": 0 if original_bits is None else hamming(original_bits, bits),
    }


def pictures(trainee: str | None = None) -> dict:
    """The trainee's original picture, files A–G and a cropped copy, with their hashes.

    Files A–G, in a seeded order: an exact copy (same bytes), a resized copy,
    a copy recompressed as JPEG, a brightened copy, a look-alike (one shape
    changed) and two unrelated pictures.  The generator keeps only draws
    where the perceptual hash separates copies from different pictures with
    room to spare: every copy is at least 3 bits closer to the original than
    any different picture, unrelated pictures are at least 14 bits away, and
    no distance equals :data:`THRESHOLD` (so "10 or less" is never a
    judgement call).

    Fields the items read: ``sha_matches`` (letters with the original's
    SHA-256: the exact copy only), ``hash_matches`` (letters at distance
    ``THRESHOLD`` or less), ``cropped_distance`` (the differing bits of the
    cropped copy, counted in the bits figure), ``threshold_mid`` and
    ``threshold_tolerance`` (every whole number from ``threshold_low`` to
    ``threshold_high`` matches all copies and no different picture).
    """
    from PIL import Image

    gen = rng(MODULE, trainee).spawn(3)[0]
    while True:
        scene = _scene(gen)
        picture = _render(scene)
        original_bytes = _encode(picture, "PNG")
        original = _file(original_bytes, "PNG")
        side = int(gen.integers(48, 73))
        brighter = np.clip(np.asarray(picture, dtype=np.int16) + int(gen.integers(20, 36)), 0, 255)
        made = {
            "exact": (original_bytes, "PNG"),
            "resized": (_encode(picture.resize((side, side), Image.Resampling.LANCZOS), "PNG"), "PNG"),
            "recompressed": (_encode(picture, "JPEG", quality=int(gen.integers(25, 51))), "JPEG"),
            "brightened": (_encode(Image.fromarray(brighter.astype(np.uint8), "RGB"), "PNG"), "PNG"),
            "lookalike": (_encode(_render(_lookalike(gen, scene)), "PNG"), "PNG"),
            "different": (_encode(_render(_scene(gen)), "PNG"), "PNG"),
            "different2": (_encode(_render(_scene(gen)), "PNG"), "PNG"),
        }
        by_kind = {kind: _file(data, fmt, original["bits"]) for kind, (data, fmt) in made.items()}
        crop = int(gen.integers(6, 13))
        cropped = _file(_encode(picture.crop((crop, crop, SIZE - crop, SIZE - crop)).resize(
            (SIZE, SIZE), Image.Resampling.LANCZOS), "PNG"), "PNG", original["bits"])
        distance = {kind: f["distance"] for kind, f in by_kind.items()}
        closest_copy = max(distance[k] for k in COPIES)
        unrelated = min(distance["different"], distance["different2"])
        shas = [f["sha256"] for k, f in by_kind.items() if k != "exact"]
        if (3 <= distance["lookalike"] <= 18
                and distance["lookalike"] - closest_copy >= 3
                and unrelated >= max(distance["lookalike"] + 3, 14)
                and THRESHOLD not in [*distance.values(), cropped["distance"]]
                and 3 <= cropped["distance"] <= 16
                and len(set(shas)) == len(shas) and original["sha256"] not in shas):
            break
    order = [str(k) for k in gen.permutation(FILE_KINDS)]
    files = {letter: by_kind[kind] for letter, kind in zip(LETTERS, order)}
    kinds = dict(zip(LETTERS, order))
    low = closest_copy
    high = min(distance[k] for k in FILE_KINDS if k not in COPIES) - 1
    return {
        "original": original,
        "files": files,
        "kinds": kinds,
        "cropped": cropped,
        "crop_pixels": crop,
        "copies": [x for x in LETTERS if kinds[x] in COPIES],
        "different": [x for x in LETTERS if kinds[x] not in COPIES],
        "distances": {x: files[x]["distance"] for x in LETTERS},
        "sha_matches": [x for x in LETTERS if files[x]["sha256"] == original["sha256"]],
        "threshold": THRESHOLD,
        "hash_matches": [x for x in LETTERS if files[x]["distance"] <= THRESHOLD],
        "cropped_distance": cropped["distance"],
        "threshold_low": low,
        "threshold_high": high,
        "threshold_mid": (low + high) / 2,
        "threshold_tolerance": (high - low) / 2,
    }


_SYNTHETIC = {"ar": "صور مُصطنعة لأغراض التدريب: أشكال هندسية فقط", "en": "Synthetic training pictures: geometric shapes only"}


def files_figure(pics: dict, lang: str | None = None):
    """The original and files A–G as thumbnails, each labelled with its letter, size and format."""
    import matplotlib.pyplot as plt

    lang = lang or settings.language
    use_course_style()
    fig, axes = plt.subplots(2, 4, figsize=(8, 4.9), layout="constrained")
    panels = [(pick({"ar": "الأصل", "en": "Original"}, lang), pics["original"], True)]
    panels += [(letter, pics["files"][letter], False) for letter in LETTERS]
    for n, (name, f, is_original) in enumerate(panels):
        row, column = divmod(n, 4)
        ax = axes[row, 3 - column if lang == "ar" else column]  # Arabic: first panel on the right
        ax.imshow(f["pixels"], interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color(PALETTE[1] if is_original else "#999999")
            spine.set_linewidth(2.5 if is_original else 0.8)
        size = f"{f['width']}×{f['height']}"
        ax.set_title(name, fontsize=13, fontweight="bold", color=PALETTE[1] if is_original else "black")
        ax.set_xlabel(f"{size} · {f['format']}", fontsize=9)
    fig.suptitle(pick({"ar": "صورتك الأصلية والملفات من A إلى G (حجم كل صورة بالبكسل وصيغتها تحتها)",
                       "en": "Your original picture and files A to G (pixel size and format under each)"}, lang),
                 fontsize=11)
    footnote(fig, _SYNTHETIC, lang)
    return fig


TABLE_HEADINGS = {
    "file": {"ar": "الملف", "en": "File"},
    "format": {"ar": "الصيغة", "en": "Format"},
    "size": {"ar": "الحجم (بايت)", "en": "Size (bytes)"},
    "sha": {"ar": f"SHA-256 (أول {SHA_SHOWN} خانة)", "en": f"SHA-256 (first {SHA_SHOWN} characters)"},
    "dhash": {"ar": "قيمة التجزئة الإدراكية dHash (64 بتًا)", "en": "Perceptual hash dHash (64 bits)"},
    "distance": {"ar": "مسافة هامينغ عن الأصل (بت)", "en": "Hamming distance to the original (bits)"},
}


def hash_rows(pics: dict, lang: str | None = None) -> list[list[str]]:
    """The table's rows as text: the original first, then files A–G."""
    lang = lang or settings.language
    rows = []
    for name, f in [(pick({"ar": "الأصل", "en": "Original"}, lang), pics["original"])] + \
            [(x, pics["files"][x]) for x in LETTERS]:
        rows.append([name, f["format"], f"{f['bytes']:,}", f["sha256"][:SHA_SHOWN] + "…", f["dhash"],
                     "—" if f is pics["original"] else str(f["distance"])])
    return rows


def _html_table(headings: list[str], rows: list[list[str]], lang: str, code_columns=(), caption="") -> str:
    direction = "rtl" if lang == "ar" else "ltr"
    cell = "padding:3px 10px;border-bottom:1px solid #ccc;text-align:center"
    head = "".join(f'<th style="{cell};border-bottom:2px solid #555">{html.escape(h)}</th>' for h in headings)
    body = ""
    for row in rows:
        cells = ""
        for n, value in enumerate(row):
            text = html.escape(value)
            if n in code_columns:
                text = f'<code dir="ltr">{text}</code>'
            cells += f'<td style="{cell}">{text}</td>'
        body += f"<tr>{cells}</tr>"
    caption_html = (f'<caption style="caption-side:bottom;font-size:85%;color:#444;padding-top:4px">'
                    f"{html.escape(caption)}</caption>") if caption else ""
    return (f'<table dir="{direction}" lang="{lang}" style="border-collapse:collapse;margin:6px 0">'
            f"{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def hash_table(pics: dict, lang: str | None = None):
    """The table of SHA-256 prefixes, perceptual hashes and Hamming distances, as HTML in the trainee's language."""
    from IPython.display import HTML

    lang = lang or settings.language
    headings = [pick(TABLE_HEADINGS[k], lang) for k in ["file", "format", "size", "sha", "dhash", "distance"]]
    caption = pick({"ar": "بيانات مُصطنعة خاصة بك. التجزئة الإدراكية هنا dHash، وهي طريقة تعليمية مبسّطة، لا PhotoDNA ولا PDQ.",
                    "en": "Synthetic data, yours only. The perceptual hash here is dHash, a simple teaching method, "
                          "not PhotoDNA or PDQ."}, lang)
    return HTML(_html_table(headings, hash_rows(pics, lang), lang, code_columns=(3, 4), caption=caption))


def bits_figure(pics: dict, lang: str | None = None):
    """The cropped copy, the 64 bits of the original's and the copy's dHash, and the bits that differ."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    lang = lang or settings.language
    use_course_style()
    fig, axes = plt.subplots(1, 4, figsize=(9, 3.3), layout="constrained")
    if lang == "ar":
        axes = axes[::-1]
    original = pics["original"]["bits"].reshape(8, 8)
    copy = pics["cropped"]["bits"].reshape(8, 8)
    differ = original != copy
    axes[0].imshow(pics["cropped"]["pixels"], interpolation="nearest")
    axes[0].set_title(pick({"ar": "النسخة المقصوصة", "en": "The cropped copy"}, lang), fontsize=10)
    bit_colours = ListedColormap(["#f2f2f2", PALETTE[0]])
    panels = [
        (axes[1], original, bit_colours, {"ar": "بتات قيمة تجزئة الأصل", "en": "Bits of the original's hash"}),
        (axes[2], copy, bit_colours, {"ar": "بتات قيمة تجزئة النسخة المقصوصة", "en": "Bits of the cropped copy's hash"}),
        (axes[3], differ, ListedColormap(["#f2f2f2", PALETTE[1]]),
         {"ar": "البتات المختلفة (باللون البرتقالي)", "en": "Bits that differ (orange)"}),
    ]
    for ax, grid, colours, title in panels:
        ax.imshow(grid.astype(int), cmap=colours, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks(np.arange(-0.5, 8, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, 8, 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0)
        ax.set_title(pick(title, lang), fontsize=10)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    fig.suptitle(pick({"ar": "التجزئة الإدراكية 8 × 8 = 64 بتًا: أزرق = 1، رمادي فاتح = 0",
                       "en": "The perceptual hash as 8 × 8 = 64 bits: blue = 1, light grey = 0"}, lang), fontsize=11)
    footnote(fig, _SYNTHETIC, lang)
    return fig


# ---------------------------------------------------------------- a classifier's pilot

PILOT_FILES = 10_000
DEFAULT_THRESHOLD = 0.5
THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
#: Option ids of the item on the unit's threshold: t30 … t90.
THRESHOLD_IDS = [f"t{round(t * 100)}" for t in THRESHOLDS]


def _above(threshold: float, centre: float, spread: float) -> float:
    """Share of scores at or above ``threshold`` when scores are logistic-normal around ``centre``."""
    z = (math.log(threshold / (1 - threshold)) - centre) / spread
    return 0.5 * math.erfc(z / math.sqrt(2))


def triage(trainee: str | None = None) -> dict:
    """An imagined classifier's pilot on 10,000 labelled files, with a low base rate (1–3 %).

    Every file gets a score; a file is flagged when its score is at or above
    the threshold.  Counts are expected values of a logistic-normal score
    model (no sampling noise), kept only when, at the default threshold 0.5,
    recall is 75–95 % and precision 12–45 % (most flags are false: the base
    rate is low), and flagged counts and recall fall strictly as the
    threshold rises.  The unit's weekly ``capacity`` lies clearly between
    two flagged counts, so exactly one threshold has the highest recall
    whose flagged files fit in it (never 0.3 or 0.9).

    Fields the items read: ``precision`` and ``recall`` (percent, one
    decimal, at 0.5), ``capacity`` and ``answer`` (option id ``t40`` …).
    """
    gen = rng(MODULE, trainee).spawn(3)[1]
    while True:
        abuse = int(round(PILOT_FILES * gen.uniform(0.01, 0.03)))
        ordinary = PILOT_FILES - abuse
        spread = gen.uniform(0.9, 1.4)
        hit, false = gen.uniform(1.2, 2.6), gen.uniform(-4.2, -2.6)
        tp = [int(round(abuse * _above(t, hit, spread))) for t in THRESHOLDS]
        fp = [int(round(ordinary * _above(t, false, spread))) for t in THRESHOLDS]
        flagged = [a + b for a, b in zip(tp, fp)]
        i = THRESHOLDS.index(DEFAULT_THRESHOLD)
        recall = 100 * tp[i] / abuse
        precision = 100 * tp[i] / flagged[i]
        falling = all(b < a * 0.88 for a, b in zip(flagged, flagged[1:])) and all(b < a for a, b in zip(tp, tp[1:]))
        if 75 <= recall <= 95 and 12 <= precision <= 45 and falling and tp[-1] > 0:
            break
    rows = [{"threshold": t, "flagged": flagged[k], "true": tp[k],
             "recall": round(100 * tp[k] / abuse, 1), "precision": round(100 * tp[k] / flagged[k], 1)}
            for k, t in enumerate(THRESHOLDS)]
    while True:
        k = int(gen.integers(1, len(THRESHOLDS) - 1))  # never the lowest or highest threshold
        low, high = flagged[k] * 1.08, flagged[k - 1] * 0.92
        step = 10 if high - low >= 20 else 1
        choices = [c for c in range(math.ceil(low / step) * step, int(high) + 1, step)]
        if choices:
            capacity = int(gen.choice(choices))
            break
    return {
        "files": PILOT_FILES,
        "abuse": abuse,
        "ordinary": ordinary,
        "base_rate": round(100 * abuse / PILOT_FILES, 2),
        "tp": tp[i], "fn": abuse - tp[i], "fp": fp[i], "tn": ordinary - fp[i],
        "flagged_default": flagged[i],
        "precision": round(precision, 1),
        "recall": round(recall, 1),
        "rows": rows,
        "capacity": capacity,
        "answer": THRESHOLD_IDS[k],
        "answer_threshold": THRESHOLDS[k],
    }


def confusion_figure(tri: dict, lang: str | None = None):
    """The pilot's confusion matrix at the default threshold 0.5: four counts in a 2 × 2 grid."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    lang = lang or settings.language
    use_course_style()
    fig, ax = plt.subplots(figsize=(7.2, 4.2), layout="constrained")
    cells = [  # (row, column, count, name, colour): row 0 = abuse material, column 0 = flagged
        (0, 0, tri["tp"], {"ar": "إيجابية صحيحة", "en": "True positives"}, PALETTE[2]),
        (0, 1, tri["fn"], {"ar": "سلبية كاذبة (فاتت الأداة)", "en": "False negatives (missed)"}, PALETTE[1]),
        (1, 0, tri["fp"], {"ar": "إيجابية كاذبة (إنذار كاذب)", "en": "False positives (false alarms)"}, PALETTE[4]),
        (1, 1, tri["tn"], {"ar": "سلبية صحيحة", "en": "True negatives"}, PALETTE[5]),
    ]
    for row, column, count, name, colour in cells:
        x = (1 - column) if lang == "ar" else column  # Arabic: "flagged" on the right
        y = 1 - row
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, alpha=0.25, edgecolor="white", linewidth=3))
        ax.text(x + 0.5, y + 0.58, f"{count:,}", ha="center", va="center", fontsize=20, fontweight="bold")
        ax.text(x + 0.5, y + 0.28, pick(name, lang), ha="center", va="center", fontsize=10)
    flagged = {"ar": "أشّرت عليه الأداة\n(الدرجة 0.5 فأكثر)", "en": "Flagged by the tool\n(score 0.5 or more)"}
    passed = {"ar": "لم تؤشّر عليه", "en": "Not flagged"}
    columns = [passed, flagged] if lang == "ar" else [flagged, passed]
    ax.set_xticks([0.5, 1.5], [pick(c, lang) for c in columns])
    ax.xaxis.tick_top()
    ax.set_yticks([1.5, 0.5], [pick({"ar": "مواد اعتداء فعلًا", "en": "Actually abuse material"}, lang),
                               pick({"ar": "ملفات عادية فعلًا", "en": "Actually ordinary files"}, lang)])
    if lang == "ar":
        ax.yaxis.tick_right()
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.suptitle(pick({"ar": f"تجربة أداة فرز على {tri['files']:,} ملف عند العتبة 0.5\n(بيانات مُصطنعة خاصة بك)",
                       "en": f"Pilot of a triage tool on {tri['files']:,} files at threshold 0.5\n"
                             "(synthetic data, yours only)"}, lang), fontsize=11)
    footnote(fig, lang=lang)
    return fig


THRESHOLD_HEADINGS = {
    "threshold": {"ar": "العتبة", "en": "Threshold"},
    "flagged": {"ar": "الملفات المؤشَّر عليها", "en": "Files flagged"},
    "recall": {"ar": "الاستدعاء (recall) %", "en": "Recall %"},
    "precision": {"ar": "الدقة (precision) %", "en": "Precision %"},
}


def threshold_rows(tri: dict, lang: str | None = None) -> list[list[str]]:
    """Every threshold but the default one: the default's row is the confusion matrix, worked out by the trainee."""
    lang = lang or settings.language
    see = pick({"ar": "انظر الشكل", "en": "see the figure"}, lang)
    rows = []
    for row in tri["rows"]:
        if row["threshold"] == DEFAULT_THRESHOLD:
            rows.append([f"{row['threshold']:.1f}", see, see, see])
        else:
            rows.append([f"{row['threshold']:.1f}", f"{row['flagged']:,}", f"{row['recall']:.1f}",
                         f"{row['precision']:.1f}"])
    return rows


def threshold_table(tri: dict, lang: str | None = None):
    """The pilot at every threshold: files flagged, recall and precision (HTML, trainee's language)."""
    from IPython.display import HTML

    lang = lang or settings.language
    headings = [pick(THRESHOLD_HEADINGS[k], lang) for k in ["threshold", "flagged", "recall", "precision"]]
    caption = pick({"ar": f"التجربة نفسها على {tri['files']:,} ملف بعتبات أخرى. بيانات مُصطنعة خاصة بك.",
                    "en": f"The same pilot on {tri['files']:,} files at other thresholds. Synthetic data, yours only."},
                   lang)
    return HTML(_html_table(headings, threshold_rows(tri, lang), lang, caption=caption))


# ---------------------------------------------------------------- the analyst lab (m08a-hashing-lab)

LAB_ORIGINALS = 6
LAB_THRESHOLD = 10


def lab_pictures(trainee: str | None = None) -> dict:
    """Greyscale pictures for the lab: originals O1–O6 and altered copies or unrelated pictures.

    ``originals`` maps ids to greyscale arrays; ``queries`` is a list of
    records ``{"id", "pixels", "source"}`` where ``source`` is the original a
    copy was made from, or None for a picture that is none of them.  Copies
    are resized, recompressed as JPEG or brightened.
    """
    from PIL import Image

    gen = rng(MODULE, trainee).spawn(3)[2]
    scenes = [_scene(gen) for _ in range(LAB_ORIGINALS)]
    originals = {f"O{n + 1}": grey(np.asarray(_render(s))) for n, s in enumerate(scenes)}
    queries = []
    for n, scene in enumerate(scenes):
        picture = _render(scene)
        side = int(gen.integers(48, 73))
        brighter = np.clip(np.asarray(picture, dtype=np.int16) + int(gen.integers(20, 36)), 0, 255)
        jpeg = Image.open(io.BytesIO(_encode(picture, "JPEG", quality=int(gen.integers(25, 51)))))
        for made in (picture.resize((side, side), Image.Resampling.LANCZOS), jpeg,
                     Image.fromarray(brighter.astype(np.uint8), "RGB")):
            queries.append({"pixels": grey(np.asarray(made.convert("RGB"))), "source": f"O{n + 1}"})
    for _ in range(2 * LAB_ORIGINALS):
        queries.append({"pixels": grey(np.asarray(_render(_scene(gen)))), "source": None})
    order = gen.permutation(len(queries))
    queries = [{"id": f"Q{k + 1:02d}", **queries[int(i)]} for k, i in enumerate(order)]
    return {"originals": originals, "queries": queries, "threshold": LAB_THRESHOLD}


def lab_hashes(data: dict) -> dict:
    """The reference dHash (64 booleans) of every original and query, by id."""
    hashes = {key: dhash(pixels) for key, pixels in data["originals"].items()}
    hashes.update({q["id"]: dhash(q["pixels"]) for q in data["queries"]})
    return hashes


def lab_matches(data: dict, threshold: int = LAB_THRESHOLD) -> dict:
    """Each query's closest original if its distance is ``threshold`` or less, else None."""
    hashes = lab_hashes(data)
    result = {}
    for q in data["queries"]:
        distances = {key: hamming(hashes[q["id"]], hashes[key]) for key in data["originals"]}
        best = min(distances, key=lambda key: (distances[key], key))
        result[q["id"]] = best if distances[best] <= threshold else None
    return result


def lab_distances(data: dict) -> dict:
    """Distances of every query to every original, split: ``same`` (a copy and its source) and ``different``."""
    hashes = lab_hashes(data)
    same, different = [], []
    for q in data["queries"]:
        for key in data["originals"]:
            d = hamming(hashes[q["id"]], hashes[key])
            (same if q["source"] == key else different).append(d)
    return {"same": sorted(same), "different": sorted(different)}


def lab_errors(same, different, threshold: int) -> dict:
    """At ``threshold``: copies missed (distance above it) and false matches (different pictures at or below it)."""
    return {"missed": sum(1 for d in same if d > threshold),
            "false_matches": sum(1 for d in different if d <= threshold)}
