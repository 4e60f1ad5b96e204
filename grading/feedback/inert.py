"""A trainee's content made inert before a page is rendered from their notebook.

A feedback page is a web page built from a notebook the trainee controlled:
a markdown or raw cell they added (or a written answer in a markdown solution
cell) is rendered as HTML, and so is every rich output their code made while
the notebook ran.  Nothing a trainee wrote may run or fetch anything when the
page is opened: no ``<script>``, no ``onerror``/``onload`` handler, no
``javascript:`` link, no remote image, style or frame.

- Markdown and raw cells that are not the instructor's locked cells (nbgrader
  restored those from the gradebook) become one block of escaped text: the
  reader sees exactly what the trainee typed, and no markup; their attachments
  are dropped.
- Outputs keep only inert types: text, PNG/JPEG/GIF images (embedded as data),
  and HTML cleaned by bleach (nbconvert's own sanitiser library) to formatting
  tags, without attributes that run or fetch anything; SVG, JavaScript,
  Markdown and anything else are dropped (their text/plain stays); widget views go whole.

The page templates add a Content-Security-Policy that forbids scripts and any
request but ``data:`` as a second wall (grading/templates/).
"""
from __future__ import annotations

import html
import re

import bleach
from nbconvert.preprocessors import Preprocessor

#: Formatting that outputs (pandas tables, the grader's own messages) need; nothing that runs or fetches.
TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul", "var",
})
_COMMON = ("class", "dir", "lang", "title")


def _attribute(tag: str, name: str, value: str) -> bool:
    if name in _COMMON:
        return True
    if tag == "img":
        return name in ("alt", "width", "height") or (name == "src" and value.strip().lower().startswith("data:image/")
                                                       and not value.strip().lower().startswith("data:image/svg"))
    if tag in ("td", "th"):
        return name in ("colspan", "rowspan", "align")
    if tag in ("table", "ol"):
        return name in ("border", "start")
    if tag == "a":
        return name == "href" and value.startswith("#")  # within the page only
    return False


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Output types a page shows as they are (text is escaped by nbconvert; images are embedded data).
INERT_OUTPUTS = ("text/plain", "image/png", "image/jpeg", "image/gif")
_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "[]()*_`!\\~|"})


def clean_html(text: str) -> str:
    """``text`` (HTML) with only formatting left: no script, handler, style, frame or remote source."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", str(text), flags=re.S | re.I)  # their text too
    return bleach.clean(text, tags=TAGS, attributes=_attribute, protocols={"data"}, strip=True,
                        strip_comments=True)


def as_text(source: str) -> str:
    """What a trainee typed, as one line of inert HTML (Markdown leaves a one-line HTML block as it is)."""
    lines = html.escape(str(source).strip(), quote=True).splitlines()
    body = "<br>".join(line.translate(_MARKDOWN) for line in lines)
    return f'<div class="himaya-trainee-text" dir="auto">{body}</div>'


_INERT_BLOCK = re.compile(r'<div class="himaya-trainee-text" dir="auto">(?:[^<>]|<br>)*</div>')


def _instructors(cell, record: dict | None) -> bool:
    """A cell nbgrader restores from the gradebook (locked, not an answer): its source is the instructor's.

    Without ``record`` (formgrader renders an autograded notebook without the gradebook at hand): a
    locked cell that kept its grade id, which autograde's OverwriteCells gives the gradebook's source
    (it removes the grade id of any cell the gradebook does not know).
    """
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if not isinstance(meta, dict):
        return False
    if record is None:
        return bool(meta.get("grade_id")) and bool(meta.get("locked")) and not meta.get("solution")
    found = record.get(meta.get("grade_id"))
    return found is not None and bool(getattr(found, "locked", False)) and not getattr(found, "solution", False) \
        and found.cell_type == cell.get("cell_type")


def make_inert(nb, record: dict | None = None) -> list[int]:
    """Make every trainee-written cell and every output of ``nb`` inert, in place; the added cells' indexes.

    ``record``: the gradebook's source cells by grade id (grading.gradebook.source_record). Made inert
    twice, a notebook is unchanged the second time.
    """
    added = []
    record_ = record or {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and _INERT_BLOCK.fullmatch(cell.source):
            continue  # made inert already
        if cell.cell_type in ("markdown", "raw") and not _instructors(cell, record):
            if cell.source.strip():
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if grade_id not in record_:
                    added.append(index)
            cell.source = as_text(cell.source) if cell.source.strip() else ""
            cell.pop("attachments", None)
            if cell.cell_type == "raw":  # a raw cell of type text/html is written into the page verbatim
                cell.cell_type = "markdown"
                for key in ("raw_mimetype", "format"):
                    cell.metadata.pop(key, None)
        elif cell.cell_type == "code":  # a widget view cannot work on a static page: the output goes
            cell.outputs = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in (o.get("data") or {})]
            for output in cell.outputs:
                _inert_output(output)
    return added


def _inert_output(output) -> None:
    data = output.get("data")
    if not isinstance(data, dict):
        return
    kept = {mime: value for mime, value in data.items() if mime in INERT_OUTPUTS}
    if "text/html" in data:
        value = data["text/html"]
        kept["text/html"] = clean_html("".join(value) if isinstance(value, list) else value)
    if not kept:
        kept["text/plain"] = ""
    data.clear()
    data.update(kept)
    metadata = output.get("metadata")
    if isinstance(metadata, dict):  # e.g. image/png's "unconfined" or a url: nothing the page acts on
        for mime in list(metadata):
            if mime not in kept:
                metadata.pop(mime)


class InertTraineeContent(Preprocessor):
    """:func:`make_inert` as an nbconvert preprocessor, for pages rendered without the gradebook.

    formgrader renders each autograded notebook with an ``HTMLExporter`` of its own: configured as
    ``c.HTMLExporter.preprocessors = ["grading.feedback.inert.InertTraineeContent"]``, no trainee's
    cell or output can script the instructor's formgrader page.
    """

    def preprocess(self, nb, resources):
        make_inert(nb)
        return nb, resources
