"""A simulated cohort that drives the real widgets in real kernels.

Each simulated trainee fetches a module from nbgrader's exchange, runs it in
its own kernel (``HIMAYA_TRAINEE`` and ``HIMAYA_LANG`` set as JupyterHub or
the trainee would), answers by changing the widgets' controls exactly as a
click in the browser does, and submits.  :func:`drive` is what runs inside
the kernel.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from .kernel_launcher import QUIET_KERNEL

WRITTEN = {
    "right": {
        "ar": "عدد البلاغات يقيس ما رُصد وأُبلغ عنه، لا عدد الضحايا: قد يرتفع لأن المنصات صارت تكتشف أكثر أو لأن بلاغات مكررة تُجمع أو تُفصل. "
              "أريد أن أعرف عدد الضحايا الذين تم التعرف عليهم، ومصادر أخرى للاتجاه، وأي تغيير في قواعد الإبلاغ.",
        "en": "A report count measures what was detected and reported, not how many children were harmed: it can rise because platforms "
              "detect more or because duplicates are counted differently. I would want the number of victims identified, other sources, "
              "and any change in reporting rules.",
    },
    "partial": {"ar": "البلاغات ليست عدد الضحايا.", "en": "Reports are not victims."},
    "wrong": {"ar": "لا أعرف.", "en": "I do not know."},
}

#: Personas who answer in the same style but write in their own words: two trainees handing in the same
#: essay word for word is what the cohort report flags as possible copying (grading/reporting/copying.py).
OWN_WORDS = {
    "t-late": {
        "ar": "لا يدلّ ارتفاع البلاغات وحده على ازدياد الأطفال المتضرّرين، فهو يعكس ما اكتُشف وأُبلغ عنه: قد تكتشف المنصات "
              "أكثر، وقد يتغيّر عدّ البلاغات المكرّرة. قبل أي استنتاج أطلب عدد الضحايا المعرَّفين، ومصدرًا آخر للاتجاه، "
              "وما تغيّر في قواعد الإبلاغ.",
        "en": "More reports alone do not show that more children were harmed; they reflect what was detected and reported: "
              "platforms may detect more, and duplicates may be counted differently. Before any conclusion I would ask for the "
              "number of identified victims, another source on the trend, and what changed in the reporting rules.",
    },
}

#: persona → (language, how it answers); every persona answers every module.
PERSONAS: dict[str, tuple[str, str]] = {
    "t-perfect": ("ar", "right"),
    "t-blank": ("ar", "blank"),
    "t-partial": ("ar", "partial"),
    "t-wrong": ("en", "wrong"),
    "t-half": ("en", "alternate"),
    "t-english": ("en", "right"),
    "t-late": ("ar", "right"),
    "t-tamper": ("ar", "partial"),
    "t-foreign": ("ar", "right"),
}
LATE = {"t-late"}
TAMPER = {"t-tamper"}
FOREIGN = {"t-foreign"}  # submits a copy of another trainee's answers file

#: How each persona answers the knowledge check *before* the course (curriculum/check.py), when it differs from how
#: they answer everything else (which is how they answer the check after it): some improve, some do not.
PRE_CHECK = {"t-perfect": "partial", "t-english": "wrong", "t-late": "alternate", "t-partial": "wrong"}
#: Personas who take the knowledge check before the course but not after it (the report counts them, by name).
SKIPS_POST_CHECK = {"t-half"}


def style_for(persona: str, module: str) -> str:
    """How ``persona`` answers ``module``: their own style, or their :data:`PRE_CHECK` style on the pre check."""
    from curriculum import check

    style = PERSONAS[persona][1]
    try:
        return PRE_CHECK.get(persona, style) if module == check.load().pre else style
    except check.CheckError:  # a syllabus without the check
        return style


def takes(persona: str, module: str) -> bool:
    """Whether ``persona`` works through and submits ``module`` (all but the post check for some)."""
    from curriculum import check

    try:
        return not (persona in SKIPS_POST_CHECK and module == check.load().post)
    except check.CheckError:
        return True


#: Points the simulated instructor gives a written answer, as a share of its points.
MANUAL_SHARE = {"right": 1.0, "partial": 1 / 3, "wrong": 0.0}


def wrong_number(key: dict, exercise) -> float:
    """A wrong number a trainee could type: outside the key's tolerance, inside the item's declared range."""
    truth = float(key["answer"])
    tolerance = float(key.get("tolerance", 0)) * (abs(truth) if key.get("relative") else 1)
    low = getattr(exercise, "minimum", None)
    high = getattr(exercise, "maximum", None)
    for number in (truth * 2 + 7, truth + tolerance + 1, truth - tolerance - 1, low, high):
        if (number is not None and abs(number - truth) > tolerance + 1e-9
                and (low is None or number >= low) and (high is None or number <= high)):
            return number
    raise ValueError(f"{exercise.item_id}: no wrong number fits between {low} and {high}")


def answer(style: str, kind: str, key: dict, exercise, index: int = 0):
    """The value a persona of ``style`` gives to an item (None: leaves it blank)."""
    if style == "blank" or (style == "alternate" and index % 2):
        return None
    if style == "alternate":
        style = "right"
    truth = key.get("answer")
    if kind == "free":
        return None  # written answers are typed separately (see :func:`write`)
    if style == "right":
        return {"numeric": {"number": truth, "unit": key.get("unit")},
                "short": truth[0] if kind == "short" else None}.get(kind, truth)
    if kind == "single":
        return next(k for k in exercise.options if k != truth)
    if kind == "multiple":
        if style == "partial":  # one right option, no wrong one
            return [truth[0]]
        return [k for k in key["options"] if k not in truth]
    if kind == "ordering":
        if style == "partial":  # first two swapped: all but one in order
            return [truth[1], truth[0], *truth[2:]]
        return list(reversed(truth))
    if kind in ("matching", "classify"):
        targets = list(exercise.targets)
        items = list(truth)
        right = len(items) // 2 if style == "partial" else 0
        return {item: (truth[item] if i < right else next(t for t in targets if t != truth[item]))
                for i, item in enumerate(items)}
    if kind == "numeric":
        if style == "partial":
            return {"number": truth, "unit": key.get("unit")}
        return {"number": wrong_number(key, exercise), "unit": key.get("unit")}
    if kind == "short":
        if style == "partial":  # a right answer typed with other case and spacing
            return "  " + truth[0].upper() + " "
        return "zzz"
    raise ValueError(f"unknown kind {kind}")


def solutions(source_path) -> dict[str, str]:
    """The instructor's solution of each code cell of a lab (grade_id → source without markers)."""
    out = {}
    for cell in nbformat.read(source_path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            out[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if not SOLUTION_MARKER.match(line))
    return out


SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def solved(style: str, cells: list[str]) -> list[str]:
    """Which of a lab's solution cells a persona of ``style`` writes correctly (the rest stay as released)."""
    if style == "right":
        return list(cells)
    if style == "alternate":
        return cells[::2]
    if style == "partial":
        return cells[: len(cells) // 2]
    return []  # blank, and wrong: code that still raises NotImplementedError


def click(exercise, value) -> None:
    """Change the exercise's controls to ``value`` as a trainee's clicks and typing would."""
    kind = exercise.kind
    if kind == "single":
        exercise._radio.value = value
    elif kind == "multiple":
        for key, box in exercise._boxes.items():
            box.value = key in value
    elif kind == "ordering":
        moved = False
        for target, item in enumerate(value):
            position = exercise._order.index(item)
            while position > target:  # press ▲ on the row holding ``item``
                exercise._rows[position][1].click()
                position -= 1
                moved = True
        if not moved:
            exercise._confirm.click()
    elif kind in ("matching", "classify"):
        for item, target in value.items():
            exercise._controls[item].value = target
    elif kind == "numeric":
        number = value["number"]
        if exercise.units and value.get("unit"):
            exercise._unit.value = value["unit"]
        exercise._text.value = f"{number:g}"
    elif kind == "short":
        exercise._text.value = value
    elif kind == "free":
        exercise._area.value = value
    else:
        raise ValueError(f"cannot click a {kind} exercise")


def drive(persona: str, keys: dict, written: list[str], style: str | None = None) -> dict:
    """Run inside the trainee's kernel: answer every live exercise as ``persona`` (in ``style``: default theirs)."""
    from curriculum.exercises import REGISTRY
    from curriculum.settings import settings

    from curriculum import answers

    style = style or PERSONAS[persona][1]
    if not keys and not written:  # an analyst lab: the persona picks its language in the panel
        answers.store().set_language(settings.language, chosen=True)
    given = {}
    for index, (item, spec) in enumerate(sorted(keys.items())):
        exercise = REGISTRY[item]
        value = answer(style, spec["kind"], spec["key"], exercise, index)
        if value is not None:
            click(exercise, value)
            given[item] = exercise.value
    if style in WRITTEN:
        for item in written:
            click(REGISTRY[item], OWN_WORDS.get(persona, WRITTEN[style])[settings.language])
            given[item] = REGISTRY[item].value
    answers.flush_all()  # the trainee pauses after typing (a written answer is saved at a pause: curriculum/pause.py)
    return given


@dataclass
class Work:
    """What one simulated trainee did to one module."""

    trainee: str
    language: str
    style: str
    given: dict = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)


class Session:
    """One simulated trainee's kernel, kept while they work through several modules.

    Starting a kernel and importing the course costs more than answering a
    module, so a trainee's notebooks share one kernel (each notebook still
    runs from its own folder, with its own answers file).  Use from one thread.
    """

    def __init__(self, persona: str, timeout: int = 120):
        language, _ = PERSONAS[persona]
        # what JupyterHub and the trainee's choices would set
        env = {**os.environ, "HIMAYA_TRAINEE": persona, "HIMAYA_LANG": language}
        env.pop("HIMAYA_ANSWERS_DIR", None)
        self._boot = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", timeout=timeout,
                                    extra_arguments=QUIET_KERNEL)
        self.km = self._boot.create_kernel_manager()
        self._boot.start_new_kernel(env=env)
        self.kc = self._boot.start_new_kernel_client()
        self.timeout = timeout

    def close(self) -> None:
        self.kc.stop_channels()
        run_sync(self.km.shutdown_kernel)(now=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def work_through(folder: Path, notebook: str, persona: str, keys: dict, written: list[str],
                 timeout: int = 120, session: Session | None = None, code: dict[str, str] | None = None,
                 style: str | None = None) -> Work:
    """Run ``folder/notebook`` as ``persona`` (in ``session``'s kernel, else a fresh one) and save it.

    ``code`` holds a lab's solutions (see :func:`solutions`): the persona writes
    those :func:`solved` gives it into the released solution cells.
    """
    language, own = PERSONAS[persona]
    style = style or own
    path = folder / notebook
    nb = nbformat.read(path, as_version=4)
    code = code or {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solved(style, list(code)):
            cell.source = code[grade_id]
    plain = {item: {"kind": k.kind, "key": k.key} for item, k in keys.items()}
    nb.cells.insert(0, new_code_cell(  # the notebook's folder, as JupyterLab starts its kernel there
        f"import os\nos.chdir({str(folder)!r})\nfrom curriculum.settings import settings\n"
        f"settings.answers_dir = {str(folder)!r}"))
    nb.cells.append(new_code_cell(
        "import json\nfrom grading.simulate import drive\n"
        f"print(json.dumps(drive({persona!r}, {plain!r}, {written!r}, {style!r})))"))
    if session is None:
        env = {**os.environ, "HIMAYA_TRAINEE": persona, "HIMAYA_LANG": language, "HIMAYA_ANSWERS_DIR": str(folder)}
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True, extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(folder)}}).execute(env=env)
    else:
        NotebookClient(nb, km=session.km, kc=session.kc, timeout=session.timeout, allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    nb.cells.pop(0)
    driver = nb.cells.pop()
    given = json.loads("".join(o.get("text", "") for o in driver.outputs if o.get("name") == "stdout") or "{}")
    work = Work(persona, language, style, given)
    if persona in TAMPER:
        work.tampered = tamper(nb)
    nbformat.write(nb, path)
    return work


def tamper(nb) -> list[str]:
    """What a trainee trying to cheat might do; grading must give only what the answers earn."""
    done = []
    grade_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    if grade_cells:
        first = grade_cells[0]
        first.metadata.pop("nbgrader")  # strip the test cell's metadata…
        first.source = 'print("full marks")'  # …and replace its test
        done.append("stripped and rewrote a test cell")
    if len(grade_cells) > 1:
        grade_cells[1].source = grade_cells[1].source + "\n2.0"
        done.append("edited a locked test cell")
    index = next((i for i, c in enumerate(nb.cells) if c in grade_cells), len(nb.cells))
    nb.cells.insert(index, new_code_cell(
        "import curriculum, json, pathlib\n"
        "curriculum.status = lambda *a, **k: print(99)\n"
        "curriculum.exercises.status = curriculum.status\n"
        "# rewrite the answers file from whatever keys the kernel can see\n"
        "def _steal():\n"
        "    p = pathlib.Path('himaya-answers.json')\n"
        "    data = json.loads(p.read_text()) if p.exists() else {'schema': 1, 'trainee': 't-tamper', 'answers': {}}\n"
        "    data['answers']['m00.q1'] = {'value': globals().get('KEY', {}).get('answer', 'x')}\n"
        "    p.write_text(json.dumps(data))\n"
        "_steal()"))
    nb.cells.append(new_code_cell("_steal()\nstatus = lambda *a: 2.0\nprint(globals().get('KEY'), In)"))
    done.append("added cells that patch the course package and rewrite the answers file")
    return done
