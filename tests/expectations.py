"""What the end-to-end suites expect: the course's modules and the scores each persona's work deserves.

Worked out from the keys and the scoring rules the course promises (Moodle's), not by calling
the scoring code. Shared by test_end_to_end.py and test_every_module.py.
"""
import re
from fractions import Fraction
from pathlib import Path

from grading.keys import notebook_keys, written_items

REPO = Path(__file__).resolve().parent.parent


MODULES = sorted(p.name for p in (REPO / "notebooks").glob("m*") if p.is_dir())
LABS = [m for m in MODULES if re.match(r"m\d{2}[a-z]-", m)]
#: Every persona works through these: the orientation (every exercise type), a lab (code) and the
#: capstone (data keys); every module is also played by the personas whose scores are exact.
ALL_PERSONAS_ON = ["m00-orientation", "m04a-analysis-lab", "m10-capstone-case"]
EXACT = ["t-perfect", "t-blank", "t-partial", "t-english"]


def widget_modules(run):
    """The modules of widget items that count toward a grade (the knowledge check counts toward none)."""
    from curriculum.ids import is_check

    return [m for m in run.modules if m not in LABS and not is_check(m)]


def points(run, module):
    """grade_id -> max points, from the source notebook."""
    import nbformat

    nb = nbformat.read(REPO / "notebooks" / module / f"{module}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("points")}


def expected_partial(module) -> dict[str, float]:
    """What t-partial's answers deserve, item by item (see simulate.answer's 'partial')."""
    path = REPO / "notebooks" / module / f"{module}.ipynb"
    share = {}
    for item, k in notebook_keys(path).items():
        k = k.for_trainee("t-partial")
        n = len(k.key["answer"]) if k.kind not in ("single", "numeric") else 1
        share[item] = {
            "single": Fraction(0),                  # a wrong option
            "multiple": Fraction(1, n),             # one right option, no wrong one
            "ordering": Fraction(n - 1, n),         # first two swapped
            "matching": Fraction(n // 2, n),        # first half right
            "classify": Fraction(n // 2, n),
            "numeric": Fraction(1),
            "short": Fraction(1),                   # right, in other case and spacing
        }[k.kind]
    for item in written_items(path):
        share[item] = Fraction(1, 3)                     # the simulated instructor's grade
    return share
