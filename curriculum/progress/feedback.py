"""What a fetched feedback page says: the module's score and each item's, read back from the page itself.

The trainee's feedback is the page nbgrader generates with the course's
template (grading/templates/feedback/himaya.html.j2), fetched into
``<module>/feedback/<time>/<notebook>.html``.  Its heading reads
``<notebook> (Score: 3.5 / 5; …)`` and its table of contents lists every
graded item as ``<a href="#m00-q1">… <code>m00.q1</code></a> (Score: 1 / 1)``,
or ``(Awaiting your instructor … / 2)`` for a written answer not graded yet,
in the page's language.  The page is the trainee's own file: it is read
within a size limit and only for the trainee's own progress page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from ..answers import read_limited
from ..ids import ITEM_ID

#: A feedback page embeds its figures; one larger than this is not read.
MAX_BYTES = 30_000_000
_NUMBER = r"-?\d+(?:\.\d+)?"
_FRACTION = re.compile(rf"({_NUMBER}|…)\s*/\s*({_NUMBER})")


@dataclass
class Feedback:
    """One notebook's feedback: its score (before the late penalty), the penalty and each item's score."""

    score: float
    max_score: float
    late_penalty: float = 0.0
    items: dict[str, tuple[float | None, float]] = field(default_factory=dict)  # item -> (score or None: awaiting, points)

    @property
    def awaiting(self) -> int:
        return sum(score is None for score, _ in self.items.values())


def read(path: Path) -> Feedback | None:
    """The feedback page at ``path`` (None: missing, too large, or not a page of the course's template)."""
    try:
        text = read_limited(Path(path), MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    start = text.find('<div id="toc">')
    heading = text.rfind("<h4>", 0, start) if start >= 0 else -1
    if heading < 0:
        return None
    end = text.find("</div>", start)
    soup = BeautifulSoup(text[heading:end + 6], "html.parser")  # only the heading and the table of contents
    total = _FRACTION.search(soup.h4.get_text(" ", strip=True)) if soup.h4 else None
    if total is None or total.group(1) == "…":
        return None
    found = Feedback(float(total.group(1)), float(total.group(2)))
    for entry in soup.select("#toc li"):
        words = entry.get_text(" ", strip=True)
        if "late-penalty" in (entry.get("class") or []):
            penalty = re.search(r"-\s*(\d+(?:\.\d+)?)", words)
            found.late_penalty = float(penalty.group(1)) if penalty else 0.0
            continue
        code, fraction = entry.find("code"), _FRACTION.search(words)
        if code is None or fraction is None or not ITEM_ID.match(code.get_text(strip=True)):
            continue  # a comment's entry, or nothing the course's template writes
        score = None if fraction.group(1) == "…" else float(fraction.group(1))
        found.items[code.get_text(strip=True)] = (score, float(fraction.group(2)))
    return found
