"""The certificate as a trainee and a ministry see it: rendered to an image, its Arabic is shaped and right to left.

Each name line is cropped from a rendering of the PDF and compared with a
rendering of the same text by another shaper known to be right (Pillow with
libraqm: HarfBuzz and FriBiDi) in the same font, and with the two ways Arabic
goes wrong: letters unjoined in typing order (no shaping: reversed and
disconnected), and joined but in reverse order. A certificate drawn without
shaping must fail the same check.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

from grading.certificates import pdf
from grading.certificates.settings import Certificates

SCALE = 4  # 288 dpi
NAME = "ليلى سعيد الخطيب"
SIZE = (600, 90)  # the size both inks are compared at


def content(name=NAME) -> pdf.Content:
    modules = [({"ar": "الأطفال في العالم الرقمي", "en": "Children in the digital world"}, 0.75),
               ({"ar": "الدليل الرقمي: الاستجابة الأولى", "en": "Digital evidence: first response"}, 1.5)]
    return pdf.Content(name, "t1", date(2026, 12, 3), {"ar": "حماية", "en": "Himaya"}, modules,
                       {"ar": "وحدة التدريب", "en": "Training Unit"}, "7K2M-9QXW-3HPD-Z4TB")


@pytest.fixture(scope="module")
def fonts():
    return Certificates().font_files()


def rendered(path) -> Image.Image:
    return pdfium.PdfDocument(str(path))[0].render(scale=SCALE).to_pil().convert("L")


def band(page: Image.Image, where: tuple[float, float]) -> Image.Image:
    """The full-width strip of the page at ``where`` (mm from the top, height), with the 3 mm above it."""
    px = 72 / 25.4 * SCALE
    top, height = where
    return page.crop((int(20 * px), int((top - 3) * px), int(190 * px), int((top + height) * px)))


def ink(image: Image.Image) -> Image.Image:
    """The text's own box, black on white."""
    box = Image.eval(image.convert("L"), lambda v: 255 - v).point(lambda v: 255 if v > 96 else 0).getbbox()
    assert box, "no text drawn here"
    return image.convert("L").crop(box)


def reference(text: str, font, engine=ImageFont.Layout.RAQM, direction="rtl") -> Image.Image:
    face = ImageFont.truetype(str(font), 160, layout_engine=engine)
    image = Image.new("L", (3000, 400), 255)
    ImageDraw.Draw(image).text((20, 80), text, font=face, fill=0,
                               **({"direction": direction} if engine == ImageFont.Layout.RAQM else {}))
    return image


def likeness(a: Image.Image, b: Image.Image) -> float:
    """How alike two inks are: the overlap of their strokes at one size, times how alike their proportions are."""
    a, b = ink(a), ink(b)
    # ink is whatever is darker than halfway between the text's colour (gold, black) and the paper
    masks = [np.asarray(i.resize(SIZE).filter(ImageFilter.MinFilter(5))) for i in (a, b)]
    masks = [m < (int(m.min()) + 255) / 2 for m in masks]
    overlap = (masks[0] & masks[1]).sum() / (masks[0] | masks[1]).sum()
    ra, rb = a.width / a.height, b.width / b.height
    return float(overlap * min(ra, rb) / max(ra, rb))


def shaped_right(strip: Image.Image, text: str, font) -> tuple[bool, dict]:
    """Whether ``strip`` shows ``text`` as the reference shaper draws it, clearly more than either wrong way."""
    scores = {
        "right": likeness(strip, reference(text, font)),
        "unshaped": likeness(strip, reference(text, font, engine=ImageFont.Layout.BASIC)),
        "reversed": likeness(strip, reference(text[::-1], font)),
    }
    return scores["right"] > 0.8 and scores["right"] > 3 * max(scores["unshaped"], scores["reversed"]), scores


def test_the_reference_shaper_is_there():
    assert features.check("raqm"), "Pillow without libraqm (needs libfribidi0 from Debian): no reference rendering"


@pytest.mark.parametrize("where", [pdf.NAME_AR, pdf.NAME_EN], ids=["arabic-section", "english-section"])
def test_the_arabic_name_is_shaped_right_to_left(tmp_path, fonts, where):
    page = rendered(pdf.render(content(), tmp_path / "c.pdf", fonts))
    ok, scores = shaped_right(band(page, where), NAME, fonts[1])
    assert ok, scores


def test_the_arabic_title_is_shaped_on_a_certificate_with_a_latin_name(tmp_path, fonts):
    """As on the demo cohort's certificates (names like "Trainee 1")."""
    page = rendered(pdf.render(content("Trainee 1"), tmp_path / "c.pdf", fonts))
    ok, scores = shaped_right(band(page, pdf.TITLE_AR), "شهادة إتمام", fonts[1])
    assert ok, scores


def test_unshaped_arabic_fails_the_check(tmp_path, fonts):
    """What the check exists for: a certificate drawn without shaping (reversed, disconnected letters) fails it."""
    page = rendered(pdf.render(content(), tmp_path / "c.pdf", fonts, shaping=False))
    for where, text in ((pdf.NAME_AR, NAME), (pdf.NAME_EN, NAME), (pdf.TITLE_AR, "شهادة إتمام")):
        ok, scores = shaped_right(band(page, where), text, fonts[1])
        assert not ok, scores


def test_a_latin_name_is_drawn_as_typed(tmp_path, fonts):
    page = rendered(pdf.render(content("Omar Haddad"), tmp_path / "c.pdf", fonts))
    for where in (pdf.NAME_AR, pdf.NAME_EN):
        assert likeness(band(page, where), reference("Omar Haddad", fonts[1], direction="ltr")) > 0.6


def test_numbers_inside_arabic_read_left_to_right(tmp_path, fonts):
    """The date inside the Arabic sentence keeps its order on the page (fpdf2's bidi once turned 2026-12-03 into
    03-12-2026 there): each character of it lies right of the one before."""
    document = pdfium.PdfDocument(str(pdf.render(content(), tmp_path / "c.pdf", fonts)))
    text = document[0].get_textpage()
    everything = text.get_text_range()
    start = everything.index("2026/12/03")
    lefts = [text.get_charbox(i)[0] for i in range(start, start + len("2026/12/03"))]
    assert lefts == sorted(lefts) and lefts[0] < lefts[-1]
    sentence = everything.index("دورة")  # the sentence's first word: at its right end, right of the date
    assert text.get_charbox(sentence)[0] > lefts[-1]


def test_one_page(tmp_path, fonts):
    assert len(pdfium.PdfDocument(str(pdf.render(content(), tmp_path / "c.pdf", fonts)))) == 1
