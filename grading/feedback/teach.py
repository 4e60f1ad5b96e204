"""Feedback that teaches: each graded item with its question, the trainee's answer in words, and later the key.

:class:`TeachFeedback` runs in ``GenerateFeedback`` after the redaction
preprocessors.  For each graded widget item it replaces the grade cell's
outputs (the score message and the bare number nbgrader's template showed as
an empty ``Out[ ]`` box) with one block in the trainee's language:

* the question (:mod:`grading.feedback.items` rebuilds it from the instructor's record);
* the trainee's answer in words, options in the order the trainee saw them
  (the answers the grader scored, kept in the notebook by ScoreWidgetAnswers);
* what the grader found (its own message and score line, as it wrote them);
* **only once the module's due date has passed**: the right answer in words and
  the explanation the hidden key carries (``KEY["explain"]``, TEAM contract 1).

When the key is shown: the due date is the module's (nbgrader's
``assignment.duedate``) plus the longest extension granted to any trainee and
the late policy's grace period (grading/late.py: work handed in then is on
time), so no trainee who may still hand in on time can be handed the key by
one who got their feedback.  A module with no due date never shows keys
(nobody can tell when everyone has handed in); an instructor who knows every trainee has submitted
sets ``TeachFeedback.reveal_without_duedate = True`` (or sets a due date).
The check is made when the page is generated: feedback generated before the
due date must be generated again afterwards to show the keys.

Written answers (task cells) state their question and, while waiting for the
instructor, are marked ``himaya_awaiting``: the page says so instead of showing
0.  Widget views are dropped (a static page cannot run them).  Everything a
trainee typed is escaped; prompts and labels come from the instructor's record;
first of all, every cell and output a trainee could have written is made inert
(grading/feedback/inert.py): the page runs and fetches nothing of theirs.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from pathlib import Path

from nbformat import from_dict
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, List

from curriculum import answers
from curriculum.exercises import KINDS
from curriculum.exercises.base import Score, item_id
from curriculum.language import message
from curriculum.settings import ANSWERS_FILENAME

from .inert import make_inert
from .items import Shown, shown_items
from ..gradebook import source_record
from ..keys import KeyProblem, explanation, parse_key, parse_kind, resolve
from ..late import LatePolicy

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

TEXTS = {
    "question": {"ar": "السؤال", "en": "Question"},
    "yours": {"ar": "إجابتك", "en": "Your answer"},
    "result": {"ar": "النتيجة", "en": "Result"},
    "right": {"ar": "الإجابة الصحيحة", "en": "Right answer"},
    "why": {"ar": "لماذا", "en": "Why"},
    "none": {"ar": "لم تُجب.", "en": "Not answered."},
    "later": {"ar": "تظهر الإجابة الصحيحة وشرحها هنا بعد موعد التسليم، ابتداءً من {due}.",
              "en": "The right answer and why appear here after the due date, from {due}."},
    "later_no_date": {"ar": "تظهر الإجابة الصحيحة وشرحها هنا بعد أن يُغلق المدرّب التسليم.",
                      "en": "The right answer and why appear here once your instructor closes submissions."},
    "tolerance": {"ar": "يُقبل فرق حتى {tolerance}", "en": "within {tolerance}"},
    "accepted": {"ar": "أو", "en": "or"},
    "awaiting": {"ar": "بانتظار تقييم المدرّب", "en": "Awaiting your instructor"},
}


def text(key: str, lang: str, **params) -> str:
    return TEXTS[key][lang].format(**params)


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _number(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.6f}".rstrip("0").rstrip(".") if number != int(number) else str(int(number))


class TeachFeedback(NbGraderPreprocessor):
    """Put question, answer in words and (after the due date) the key and why under each graded item."""

    #: nbconvert configures every NbConvertBase's priority; nbgrader's preprocessors redeclare it without
    #: ``config=True``, which logs "Config option not recognized" once per page: declared here, it is quiet
    display_data_priority = List(NbGraderPreprocessor.display_data_priority.make_dynamic_default()).tag(config=True)
    reveal_without_duedate = Bool(False, help=(
        "Show right answers and explanations for a module that has no due date (only once every trainee "
        "has submitted: a page can be passed on).")).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self._student, self._assignment, self._notebook = info["student"], info["assignment"], info["notebook"]
        scored = nb.metadata.get("himaya", {}).get("scored")
        if isinstance(scored, dict):  # what ScoreWidgetAnswers scored
            self._found = answers_scored(scored, self._student)
        else:  # graded before it kept them: the file beside the notebook
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            self._found = answers.read(folder / ANSWERS_FILENAME, trainee=self._student)
        self._lang = nb.metadata.get("himaya", {}).get("language") or self._found.language or "ar"
        if self._lang not in ("ar", "en"):
            self._lang = "ar"
        with Gradebook(info["db_url"]) as gb:
            self._gb = gb
            self._record = source_record(gb, self._notebook, self._assignment)
            added = make_inert(nb, self._record)  # before anything of ours is added: only the trainee's is cleaned
            if added:
                self.log.warning("%s/%s: markdown or raw cells added (shown as text): %d",
                                 self._student, self._assignment, len(added))
            self._due = self._duedate(gb)
            self._reveal = self._due <= datetime.now(timezone.utc).replace(tzinfo=None) if self._due \
                else self.reveal_without_duedate
            # the instructor's cells in the notebook's order; any a trainee deleted, after them
            ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
            ids = [i for i in dict.fromkeys([*ids, *self._record]) if i in self._record]
            cells = [(i, self._record[i].source) for i in ids if self._record[i].cell_type == "code"]
            self._shown = shown_items(cells, self._student, self.log, self._assignment)
            nb, resources = super().preprocess(nb, resources)
        resources.setdefault("himaya", {})["reveal_keys"] = self._reveal
        return nb, resources

    def _duedate(self, gb) -> datetime | None:
        """The module's due date plus the longest extension any trainee has (naive UTC, as nbgrader keeps it)."""
        try:
            assignment = gb.find_assignment(self._assignment)
        except MissingEntry:
            return None
        if assignment.duedate is None:
            return None
        extensions = [s.extension for s in assignment.submissions if s.extension is not None]
        grace = timedelta(minutes=LatePolicy(config=self.config).grace_minutes)  # on time until it ends
        return assignment.duedate + max(extensions, default=timedelta(0)) + grace

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        item = item_id(grade_id[: -len("-widget")] if grade_id.endswith("-widget") else grade_id)
        if item and item in self._shown:
            if grade_id.endswith("-widget"):  # the exercise's code: the block below states the question
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
                cell.outputs = []
            elif utils.is_grade(cell) and cell.cell_type == "code":
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
                try:
                    cell.outputs = [self._block(self._shown[item], grade_id, _grader_lines(cell))]
                except Exception:  # noqa: BLE001 - the page keeps the grader's message, never fails
                    self.log.exception("feedback: %s: the item's block could not be made", item)
                    cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
        if utils.is_task(cell):
            self._mark_awaiting(cell, grade_id)
            if item in self._shown and self._shown[item].prompt.get(self._lang):
                self._state_question(cell, self._shown[item])
        if cell.cell_type == "code":  # a widget cannot work on a static page (nor its script, with no jQuery)
            cell.outputs = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]
        return cell, resources

    # -- written answers -----------------------------------------------------------
    def _mark_awaiting(self, cell, grade_id: str) -> None:
        try:
            grade = self._gb.find_grade(grade_id, self._notebook, self._assignment, self._student)
        except MissingEntry:
            return
        if grade.needs_manual_grade and grade.manual_score is None:
            cell.metadata["nbgrader"]["himaya_awaiting"] = True

    def _state_question(self, cell, shown: Shown) -> None:
        """The written item's question above it (one line of HTML: Markdown leaves it as it is)."""
        lang = self._lang
        question = " ".join(shown.prompt[lang].split())
        cell.source = (f'<div class="himaya-question" dir="{"rtl" if lang == "ar" else "ltr"}" lang="{lang}">'
                       f'<span class="himaya-id">{_esc(shown.item_id)}</span> {question}</div>\n\n' + cell.source)

    # -- graded widget items ---------------------------------------------------------
    def _key(self, grade_id: str, item: str) -> tuple[str, dict] | None:
        record, widget = self._record.get(grade_id), self._record.get(f"{grade_id}-widget")
        try:
            key = parse_key(record.source) if record else None
            if key is None or widget is None:
                return None
            return parse_kind(widget.source, item), resolve(key, self._student, self._assignment)
        except KeyProblem as err:
            self.log.warning("feedback: %s: %s", item, err)
            return None

    def _block(self, shown: Shown, grade_id: str, grader: list[str]):
        lang = self._lang
        found = self._found
        answer = None if found.problem else found.value(shown.item_id)
        kind_key = self._key(grade_id, shown.item_id)
        key = kind_key[1] if kind_key else None
        rows = []
        prompt = shown.prompt.get(lang)
        if prompt:  # the instructor's HTML, as the widget showed it
            rows.append(f'<div class="himaya-question"><span class="himaya-id">{_esc(shown.item_id)}</span> '
                        f"{prompt}</div>")
        rows.append(f'<div class="himaya-yours"><b>{text("yours", lang)}:</b> '
                    f"{describe(shown, answer, lang, key if self._reveal else None)}</div>")
        result = grader or [self._result(shown, answer, key)]  # the grader's own words, as it scored
        if any(result):
            rows.append(f'<div class="himaya-result">{"<br>".join(_esc(line) for line in result if line)}</div>')
        if self._reveal and key is not None:
            rows.append(f'<div class="himaya-key"><b>{text("right", lang)}:</b> {right_answer(shown, key, lang)}</div>')
            try:
                explain = explanation(key, shown.item_id)
            except KeyProblem as err:  # shown without it; the content tests name the fix
                self.log.warning("feedback: %s", err)
                explain = None
            if explain:
                rows.append(f'<div class="himaya-why"><b>{text("why", lang)}:</b> {_esc(explain[lang].strip())}</div>')
        elif key is not None:
            when = f'<bdi dir="ltr">{self._due:%Y-%m-%d %H:%M} UTC</bdi>' if self._due else ""
            later = _esc(text("later", lang, due="{due}")).replace("{due}", when) if self._due \
                else _esc(text("later_no_date", lang))
            rows.append(f'<div class="himaya-later">{later}</div>')
        direction = "rtl" if lang == "ar" else "ltr"
        body = "".join(rows)
        return from_dict({"output_type": "display_data", "metadata": {}, "data": {
            "text/html": f'<div class="himaya-teach" dir="{direction}" lang="{lang}">{body}</div>'}})

    def _result(self, shown: Shown, answer, key) -> str:
        found, lang = self._found, self._lang
        if found.problem:
            return message(found.problem.key, lang, **found.problem.params)
        if answer is None:
            return message("unanswered", lang)
        if key is None:
            return ""
        try:
            score = KINDS[shown.kind].score(answer, key)
        except Exception as err:  # noqa: BLE001 - as the grader scored it
            score = Score(0.0, "bad_answer", {"error": type(err).__name__})
        return score.text(lang)


def scored_answers(found: answers.Answers) -> dict:
    """The answers a grader scored, as kept in the graded notebook's metadata for its feedback page.

    The page must show what was scored: the answers file beside the graded
    notebook is the trainee's, and a cell they added may rewrite it while the
    notebook runs.
    """
    problem = [found.problem.key, dict(found.problem.params)] if found.problem else None
    return {"problem": problem, "values": {} if problem else {k: found.value(k) for k in found.items}}


def answers_scored(scored: dict, trainee: str) -> answers.Answers:
    """:func:`scored_answers` read back (anything malformed counts as unanswered)."""
    values = scored.get("values") if isinstance(scored.get("values"), dict) else {}
    problem = scored.get("problem")
    found = answers.Answers(trainee=trainee, items={k: {"value": v} for k, v in values.items()})
    if isinstance(problem, list) and len(problem) == 2 and isinstance(problem[0], str) and isinstance(problem[1], dict):
        found.problem = answers.Problem(problem[0], problem[1])
    return found


def _grader_lines(cell) -> list[str]:
    """What ScoreWidgetAnswers wrote in the grade cell at grading time (its message, then the score line)."""
    for out in cell.get("outputs", []):
        plain = out.get("data", {}).get("text/plain") if out.get("output_type") == "display_data" else None
        if isinstance(plain, str) and "himaya-feedback" in str(out.get("data", {}).get("text/html", "")):
            return [line.strip() for line in plain.splitlines() if line.strip()]
    return []


# -- answers and keys in words ---------------------------------------------------------

def _mark(ok: bool | None) -> str:
    if ok is None:
        return ""
    return ' <span class="himaya-ok">✔</span>' if ok else ' <span class="himaya-wrong">✘</span>'


def describe(shown: Shown, answer, lang: str, key: dict | None = None) -> str:
    """The trainee's answer as HTML in words, in the order they saw; with ✔/✘ per part when ``key`` is given."""
    if answer is None:
        return _esc(text("none", lang))
    right = key.get("answer") if key else None
    try:
        if shown.kind == "single":
            return _esc(shown.label(answer, lang)) + _mark(None if key is None else answer == right)
        if shown.kind == "multiple":
            chosen = set(answer)
            order = [c for c in shown.choices if c in chosen] + sorted(chosen - set(shown.choices))
            marks = [None if key is None else c in right for c in order]
            return _list([_esc(shown.label(c, lang)) + _mark(m) for c, m in zip(order, marks)]) or _esc(text("none", lang))
        if shown.kind == "ordering":
            return _list([_esc(shown.label(s, lang)) for s in answer], ordered=True)
        if shown.kind in ("matching", "classify"):
            rows = [c for c in shown.choices if c in answer] + sorted(set(answer) - set(shown.choices))
            arrow = "←" if lang == "ar" else "→"
            return _list([f"{_esc(shown.label(r, lang))} {arrow} {_esc(shown.target(answer[r], lang))}"
                          + _mark(None if key is None else right.get(r) == answer[r]) for r in rows])
        if shown.kind == "numeric":
            unit = answer.get("unit")
            return _esc(_number(answer.get("number")) + (f" {shown.target(unit, lang)}" if unit else ""))
        return f'<span dir="auto">{_esc(answer)}</span>'
    except Exception:  # noqa: BLE001 - an answer of an unexpected shape is shown as it is, escaped
        return f'<span dir="auto">{_esc(answer)}</span>'


def right_answer(shown: Shown, key: dict, lang: str) -> str:
    """The key in words (HTML), in the order the trainee saw the options."""
    right = key.get("answer")
    try:
        if shown.kind == "single":
            return _esc(shown.label(right, lang))
        if shown.kind == "multiple":
            return _list([_esc(shown.label(c, lang)) for c in shown.choices if c in right]
                         + [_esc(c) for c in right if c not in shown.choices])
        if shown.kind == "ordering":
            return _list([_esc(shown.label(s, lang)) for s in right], ordered=True)
        if shown.kind in ("matching", "classify"):
            arrow = "←" if lang == "ar" else "→"
            rows = [c for c in shown.choices if c in right] + [c for c in right if c not in shown.choices]
            return _list([f"{_esc(shown.label(r, lang))} {arrow} {_esc(shown.target(right[r], lang))}" for r in rows])
        if shown.kind == "numeric":
            tolerance = float(key.get("tolerance", 0) or 0)
            if key.get("relative"):
                tolerance *= abs(float(right))
            words = _number(right) + (f" {shown.target(key['unit'], lang)}" if key.get("unit") else "")
            if tolerance:
                words += f" ({text('tolerance', lang, tolerance=_number(round(tolerance, 6)))})"
            return _esc(words)
        if shown.kind == "short":
            return f" {_esc(text('accepted', lang))} ".join(f'<span dir="auto">{_esc(a)}</span>' for a in right)
    except Exception:  # noqa: BLE001
        pass
    return _esc(right)


def _list(items: list[str], ordered: bool = False) -> str:
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    return f'<{tag} class="himaya-list">' + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>"
