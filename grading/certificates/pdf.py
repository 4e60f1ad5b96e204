"""One certificate as a one-page PDF: Arabic first (right to left), then English, the modules, the code.

fpdf2 draws the text with HarfBuzz's shaping (uharfbuzz) and the Unicode
bidirectional algorithm, so Arabic letters join and run right to left, and a
Latin name or a date inside Arabic text keeps its own order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

GOLD, INK, GREY = (150, 112, 40), (25, 32, 48), (95, 100, 110)
#: Where the name lines are drawn (mm from the top; height), with 3 mm free above (tall letters rise into it):
#: tests crop them from a rendering of the page
TITLE_AR = (31.0, 15.0)
NAME_AR = (62.0, 16.0)
NAME_EN = (124.0, 13.0)


@dataclass(frozen=True)
class Content:
    """What a certificate says."""

    name: str
    trainee: str
    day: date
    course: dict[str, str]                         # the course's title, ar and en
    modules: list[tuple[dict[str, str], float]]    # each module's title (ar, en) and hours
    unit: dict[str, str]                           # the issuing unit, ar and en
    code: str

    @property
    def hours(self) -> float:
        return sum(h for _, h in self.modules)


def _hours(value: float) -> str:
    """Hours as the register keeps them (two decimals at most: 9.75, not 9.8)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render(content: Content, path: Path, fonts: tuple[Path, Path], shaping: bool = True) -> Path:
    """Write the certificate to ``path``. ``shaping=False`` exists only to show, in tests, what wrong Arabic looks like."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 15, 20)
    pdf.add_font("cert", "", str(fonts[0]))
    pdf.add_font("cert", "B", str(fonts[1]))
    pdf.set_text_shaping(shaping)
    pdf.set_title(f"{content.course['en']} — certificate of completion: {content.name}")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    def line(text: str, size: float, y: float | None = None, style: str = "", colour=INK, height: float | None = None,
             rtl: bool = False):
        if y is not None:
            pdf.set_y(y)
        pdf.set_font("cert", style, size)
        pdf.set_text_color(*colour)
        if shaping:
            # the paragraph's direction only: each run's script is found by the shaper (an Arabic name in
            # the English lines, a Latin one in the Arabic lines, is shaped in its own script)
            pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
        pdf.multi_cell(width, height or size * 0.5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    ar, en = content.unit["ar"], content.unit["en"]
    hours = _hours(content.hours)
    # Arabic first
    line(content.course["ar"], 13, y=18, colour=GREY, rtl=True)
    line("شهادة إتمام", 26, y=TITLE_AR[0], style="B", colour=GOLD, height=TITLE_AR[1], rtl=True)
    line(f"تشهد {ar} بإتمام", 14, y=50, rtl=True)
    line(content.name, 26, y=NAME_AR[0], style="B", height=NAME_AR[1], rtl=True)
    # year/month/day with slashes: fpdf2's bidi turns 2026-12-07 into 07-12-2026 inside Arabic, not 2026/12/07
    line(f"دورة «حماية» في {content.day:%Y/%m/%d}، بمجموع {hours} ساعة تدريبية.", 14, y=80, rtl=True)
    pdf.set_draw_color(*GOLD)
    pdf.line(pdf.w / 2 - 30, 93, pdf.w / 2 + 30, 93)
    # then English
    line(content.course["en"], 11, y=96, colour=GREY)
    line("Certificate of completion", 20, y=104, style="B", colour=GOLD)
    line(f"{en} certifies that", 12, y=114)
    line(content.name, 22, y=NAME_EN[0], style="B", height=NAME_EN[1])
    line(f"completed the Himaya course on {content.day:%-d %B %Y}: {hours} hours of training.", 12, y=138)

    # the modules: Arabic title (right), hours, English title (left)
    pdf.set_y(150)
    pdf.set_font("cert", "", 9)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*GREY)
    if shaping:
        pdf.set_text_shaping(True)
    with pdf.table(col_widths=(45, 11, 44), text_align=("LEFT", "CENTER", "RIGHT"), line_height=4.4,
                   first_row_as_headings=True, borders_layout="HORIZONTAL_LINES", padding=0.8) as table:
        table.row(["Module", "min · دقيقة", "الوحدة"])
        for title, module_hours in content.modules:
            table.row([title["en"], f"{round(module_hours * 60)}", title["ar"]])
        pdf.set_font("cert", "B", 9)
        table.row([f"Total: {hours} hours", f"{round(content.hours * 60)}", f"المجموع: {hours} ساعة"])

    # the verification code, in both languages
    y = pdf.h - 37
    pdf.set_draw_color(*GOLD)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    line(f"للتحقق من هذه الشهادة، أرسلوا رمز التحقق أدناه إلى {ar}.", 10, y=y + 3, rtl=True)
    line(f"To confirm this certificate, send the verification code below to the {en}.", 9, colour=GREY)
    pdf.set_font("cert", "B", 15)
    pdf.set_text_color(*INK)
    if shaping:
        pdf.set_text_shaping(True, direction="ltr")
    pdf.cell(width, 10, content.code, align=Align.C)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
