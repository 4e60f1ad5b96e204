"""nbgrader preprocessors that score widget answers and keep keys out of feedback.

:class:`ScoreWidgetAnswers` runs in the grader's own process, after nbgrader
has executed the submission and before ``SaveAutoGrades``: whatever the
trainee's cells did to their kernel, the score of a widget item is decided
here, from the answers file and the key in the gradebook.
"""
from __future__ import annotations

import ast
import html
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbformat import from_dict
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import checkcellmetadata, saveautogrades
from nbgrader.preprocessors import (
    ClearHiddenTests, ClearMarkScheme, Execute, LimitOutput, NbGraderPreprocessor, OverwriteCells,
)
from traitlets import Bool, Enum, Int, List, Unicode

from curriculum import answers
from curriculum.exercises import KINDS
from curriculum.exercises.base import Score, item_id
from curriculum.language import MESSAGES, message
from curriculum.settings import ANSWERS_FILENAME

from . import rubrics, sandbox
from .feedback.teach import scored_answers
from .gradebook import RecordedGradebook, SubmissionGradebook, source_record
from .keys import ItemKey, KeyProblem, parse_key, parse_kind
from .kernel_launcher import QUIET_KERNEL


_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "[]()*_`!\\~|"})


def as_plain_html(text: str) -> str:
    """A trainee's text as inert HTML on one line: no tag, no Markdown, no link survives.

    One line, so Markdown treats the surrounding ``<div>`` as a raw HTML block
    and never parses inside it; every character Markdown could use is an entity.
    """
    lines = html.escape(text.strip(), quote=True).splitlines()
    return "<br>".join(line.translate(_MARKDOWN) for line in lines)


_ARABIC_FIRST = re.compile(r"^\W*[\u0600-\u06FF]")


def for_graders(guide: str) -> str:
    """A rubric as formgrader shows it under the answer: its title bold, not a page heading, and each
    Arabic line its own right-to-left block (in an English paragraph its brackets and commas run backwards).

    The region's markers are HTML comments: nbgrader finds them (any line holding ``BEGIN MARK SCHEME``)
    and formgrader shows no giant ``BEGIN/END MARK SCHEME`` headings.
    """
    lines = []
    for line in guide.strip().splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        both = re.match(r"^(\*\*)?(.*?) · (\W*[\u0600-\u06FF].*?)(\*\*)?$", line)  # "English · العربية"
        if heading:
            line = f"**{heading.group(1).strip()}**"
        elif both:
            bold = "**" if both.group(1) and both.group(4) else ""
            line = (f'{bold}{both.group(2)}{bold}<span dir="rtl" lang="ar" style="display: block">'
                    f"{bold}{both.group(3)}{bold}</span>")
        elif _ARABIC_FIRST.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            line = f'{indent}<span dir="rtl" lang="ar" style="display: block">{line.strip()}</span>'
        lines.append(line)
    return "\n".join(lines)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


SNAPSHOT = "himaya_answers"
_HIDDEN_REGION = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?END HIDDEN TESTS[^\n]*\n?", re.S | re.M)


class SnapshotAnswers(NbGraderPreprocessor):
    """Read the submitted answers file before the trainee's code runs.

    Runs before ``Execute``: a cell the trainee added could otherwise rewrite
    the file while the notebook executes (for instance with a key it read
    from a hidden test in the kernel's memory).
    """

    check_trainee = Bool(
        True, help="Count an answers file whose trainee id is not the student's as unanswered.",
    ).tag(config=True)
    max_answers_bytes = Int(
        1_000_000, help="Answers files larger than this are not read (counted unanswered).",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        try:
            resources[SNAPSHOT] = answers.read(
                Path(resources["metadata"]["path"]) / ANSWERS_FILENAME,
                trainee=student if self.check_trainee else None,
                max_bytes=self.max_answers_bytes,
            )
        except Exception as err:  # whatever the file holds, it is unusable, never fatal
            resources[SNAPSHOT] = answers.Answers(
                trainee=student, problem=answers.Problem("file_corrupt_grading", {"error": type(err).__name__}))
        unknown = self._unknown_items(resources)
        if unknown:  # scored nothing; a file this module's widgets did not write is worth a look
            self.log.warning("%s/%s: the answers file answers items this module does not have: %s",
                             student, resources["nbgrader"]["assignment"], ", ".join(unknown))
            audit(resources)["unknown_items"] = unknown
        return nb, resources

    def _unknown_items(self, resources) -> list[str]:
        found = resources[SNAPSHOT]
        if found.problem or not found.items:
            return []
        info = resources["nbgrader"]
        try:
            with Gradebook(info["db_url"]) as gb:
                names = {cell.name for notebook in gb.find_assignment(info["assignment"]).notebooks
                         for cell in [*notebook.grade_cells, *notebook.task_cells]}
        except Exception:  # noqa: BLE001 - a report, never a reason to fail grading
            return []
        known = {item_id(name) for name in names} - {None}
        return sorted(str(item)[:80] for item in set(found.items) - known)


class HideWidgetKeys(NbGraderPreprocessor):
    """Remove widget items' keys from grade cells before the trainee's kernel runs them.

    Widget items are scored in the grader's process from the gradebook, so the
    kernel never needs their keys; if it had them, a cell the trainee added
    could print them (or ``In``, the kernel's history) into their feedback.
    Ordinary nbgrader tests (analyst labs) are left as they are.
    """

    def preprocess_cell(self, cell, resources, index):
        if utils.is_grade(cell) and cell.cell_type == "code" and not utils.is_solution(cell):
            try:
                key = parse_key(cell.source)
            except KeyProblem:
                key = None
            if key is not None:
                cell.source = _HIDDEN_REGION.sub("", cell.source).rstrip() + "\n"
        return cell, resources


class ScoreWidgetAnswers(NbGraderPreprocessor):
    """Write each widget item's score into its grade cell, in the trainee's language."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student = info["student"]
        if SNAPSHOT not in resources:
            raise RuntimeError("SnapshotAnswers must run before Execute in Autograde.autograde_preprocessors")
        self._found = resources[SNAPSHOT]
        # the feedback page speaks the trainee's language (grading/templates/feedback/himaya.html.j2)
        nb.metadata.setdefault("himaya", {})["language"] = self._found.language
        # …and shows the answers scored here, whatever became of the file since (grading/feedback/teach.py)
        nb.metadata.himaya["scored"] = scored_answers(self._found)
        if self._found.problem:
            self.log.warning("%s/%s: %s", student, info["assignment"],
                             message(self._found.problem.key, "en", **self._found.problem.params))
        self._keys = {}
        self._gradebook = Gradebook(info["db_url"])
        with self._gradebook:
            self._notebook, self._assignment, self._student = info["notebook"], info["assignment"], student
            nb, resources = super().preprocess(nb, resources)
        return nb, resources

    # -- keys from the instructor's record ---------------------------------
    def _source(self, grade_id: str) -> str | None:
        cell = source_record(self._gradebook, self._notebook, self._assignment).get(grade_id)
        return cell.source if cell is not None else None

    def _item_key(self, grade_id: str) -> ItemKey | None:
        item = item_id(grade_id)
        source = self._source(grade_id) if item else None
        key = parse_key(source) if source else None
        widget = self._source(f"{grade_id}-widget") if item else None
        if key is None:
            if widget is not None:  # a widget item whose key is missing: never full marks
                raise KeyProblem(f"{item}: its grade cell has no 'KEY = ...' in its hidden tests")
            return None  # an ordinary nbgrader test cell (analyst labs)
        if widget is None:
            raise KeyProblem(f"{item}: no exercise cell '{grade_id}-widget' in the source notebook")
        return ItemKey(item, parse_kind(widget, item), key).for_trainee(self._student, self._assignment)

    # -- scoring -------------------------------------------------------------
    def _score(self, item: ItemKey) -> Score:
        found = self._found
        if found.problem:
            return Score(0.0, found.problem.key, dict(found.problem.params))
        answer = found.value(item.item_id)
        if answer is None:
            return Score(0.0, "unanswered")
        try:
            return KINDS[item.kind].score(answer, item.key)
        except Exception as err:  # any malformed answer earns nothing and stops nothing
            return Score(0.0, "bad_answer", {"error": type(err).__name__})

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code":
            try:
                item = self._item_key(grade_id)
            except KeyProblem as err:
                self.log.error("%s: %s — scored 0", grade_id, err)
                item, score = None, Score(0.0, "bad_answer", {"error": str(err)})
                self._write(cell, score, float(meta.get("points", 0)))
            if item is not None:
                self._write(cell, self._score(item), float(meta.get("points", 0)))
        elif utils.is_task(cell) and item_id(grade_id):
            self._free_text(cell, grade_id)
        return cell, resources

    def _write(self, cell, score: Score, points: float) -> None:
        lang = self._found.language
        earned = round(min(points, max(0.0, (score.fraction or 0.0) * points)), 4)
        lines = [score.text(lang), message("score_line", lang, score=_points(earned), points=_points(points))]
        direction = "rtl" if lang == "ar" else "ltr"
        page = "<br>".join(html.escape(line) for line in lines)
        # the message as HTML that lays out in the trainee's direction, then the score (validated with the
        # whole notebook when it is written; nbformat's new_output would validate each one on its own)
        cell.outputs = [from_dict({"output_type": "display_data", "metadata": {}, "data": {
            "text/html": f'<div class="himaya-feedback" dir="{direction}" lang="{lang}">{page}</div>',
            "text/plain": "\n".join(lines) + "\n",
        }}), from_dict({"output_type": "execute_result", "metadata": {}, "data": {"text/plain": _points(earned)},
                        "execution_count": cell.get("execution_count") or 1})]

    def _free_text(self, cell, grade_id: str) -> None:
        """Show the written answer to the grader; an empty one scores 0 without review."""
        item = item_id(grade_id)
        text = None if self._found.problem else self._found.value(item)
        grade = self._gradebook.find_grade(grade_id, self._notebook, self._assignment, self._student)
        if isinstance(text, str) and text.strip():
            lang = self._found.language
            body = as_plain_html(text)
            cell.source += (
                f"\n\n---\n\n**{message('free_answer_heading', 'ar')} · {message('free_answer_heading', 'en')}**"
                f'\n\n<div class="himaya-free-answer" dir="auto" lang="{lang}">{body}</div>\n'
            )
            guide = rubrics.rubric(item)
            if guide:  # for the grader in formgrader; RedactMarkScheme keeps it out of feedback
                cell.source += f"\n<!-- BEGIN MARK SCHEME -->\n\n{for_graders(guide)}\n\n<!-- END MARK SCHEME -->\n"
            grade.auto_score = None
            grade.needs_manual_grade = True
        else:
            reason = self._found.problem.key if self._found.problem else "unanswered"
            cell.source += f"\n\n---\n\n*{message(reason, 'ar', **(self._found.problem.params if self._found.problem else {}))} · " \
                           f"{message(reason, 'en', **(self._found.problem.params if self._found.problem else {}))}*\n"
            grade.auto_score = 0.0
            grade.needs_manual_grade = grade.manual_score is not None
        self._gradebook.db.commit()


class _Redact:
    """Never fail on a trainee's stray or nested marker: cut from it to the end of the cell."""

    marker = ""

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except RuntimeError:
            before = cell.source.split(self.marker)[0]
            cell.source = before[: before.rfind("\n") + 1]
            return cell, resources


class RedactHiddenTests(_Redact, ClearHiddenTests):
    """Remove hidden tests from every cell of generated feedback (nbgrader #917).

    Unlike ``ClearHiddenTests`` at release time it does not insist the region
    sits in a grade cell: a trainee may paste the markers anywhere.
    """

    marker = "BEGIN HIDDEN TESTS"
    enforce_metadata = Bool(False).tag(config=True)
    #: quiet in feedback: see grading.feedback.teach.TeachFeedback.display_data_priority
    display_data_priority = List(NbGraderPreprocessor.display_data_priority.make_dynamic_default()).tag(config=True)

    def preprocess(self, nb, resources):
        hidden = _hidden_lines(nb)
        nb, resources = super().preprocess(nb, resources)
        if hidden:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    for out in cell.get("outputs", []):
                        _redact_output(out, hidden)
        return nb, resources


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TAGS = re.compile(r"<[^>]+>")
#: Shown in feedback in place of an output line that quoted a hidden test.
REDACTED_LINE = "⋯"


#: a traceback's gutter before a quoted source line: "----> 3 " or "      3 "
_GUTTER = re.compile(r"^\s*(?:-*>\s*)?\d+\s")


def _hidden_lines(nb) -> tuple[set[str], set[str]]:
    """Every hidden-test line of ``nb`` (markers included): those long enough to find inside an
    output line, and short ones (``x = 1``), found only as a whole line."""
    long, short = {"BEGIN HIDDEN TESTS", "END HIDDEN TESTS"}, set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                (long if len(line.strip()) >= 8 else short).add(line.strip())
    return long, short


def _redact_text(text: str, hidden: tuple[set[str], set[str]], markup: bool = False) -> str:
    long, short = hidden
    lines = text.split("\n")
    for i, line in enumerate(lines):
        plain = _ANSI.sub("", line)
        if markup:
            plain = html.unescape(_TAGS.sub("", plain))
        if any(h in plain for h in long) or plain.strip() in short or _GUTTER.sub("", plain, count=1).strip() in short:
            lines[i] = REDACTED_LINE
    return "\n".join(lines)


def _redact_output(out, hidden: tuple[set[str], set[str]]) -> None:
    """Replace each line of an output (stream, data, error and traceback) that quotes a hidden test."""
    if isinstance(out.get("text"), str):
        out["text"] = _redact_text(out["text"], hidden)
    for mime, value in list(out.get("data", {}).items()):
        if isinstance(value, str) and (mime.startswith("text/") or mime.endswith(("+json", "/javascript"))):
            out["data"][mime] = _redact_text(value, hidden, markup="html" in mime or "xml" in mime)
    for name in ("ename", "evalue"):
        if isinstance(out.get(name), str):
            out[name] = _redact_text(out[name], hidden)
    if isinstance(out.get("traceback"), list):
        out["traceback"] = [_redact_text(str(frame), hidden) for frame in out["traceback"]]


class RedactMarkScheme(_Redact, ClearMarkScheme):
    """Remove instructors' mark schemes (rubrics) from generated feedback."""

    marker = "BEGIN MARK SCHEME"
    enforce_metadata = Bool(False).tag(config=True)
    #: quiet in feedback: see grading.feedback.teach.TeachFeedback.display_data_priority
    display_data_priority = List(NbGraderPreprocessor.display_data_priority.make_dynamic_default()).tag(config=True)


AUDIT_FILE = "himaya-audit.json"
AUDIT = "himaya_audit"
#: What an audit record may hold, as the cohort report names it (grading/reporting/report.py).
AUDIT_LABELS = {
    "missing_grade_cells": "test cells or written answers deleted or stripped",
    "edited_grade_cells": "test cells edited",
    "added_code_cells": "code cell(s) added",
    "added_text_cells": "markdown or raw cell(s) added (shown as text, never as markup)",
    "forged_outputs": "test cells handed in with outputs claiming a score (cleared)",
    "unknown_items": "answers to items this module does not have (scored nothing)",
    "python_files": "Python files handed in beside the notebook (never imported in place of the course's)",
    "kernel_hooks": "IPython hooks a cell installed, removed before the tests ran",
    "truncated_outputs": "outputs cut to the size limit",
}


def audit(resources) -> dict:
    """This notebook's audit record while it is graded (written by :class:`SaveAudit`)."""
    return resources.setdefault(AUDIT, {})


def _score_claim() -> re.Pattern:
    parts = []
    for text in MESSAGES["score_line"].values():
        parts.append(r"\S+".join(re.escape(piece) for piece in re.split(r"\{\w+\}", text)))
    return re.compile("|".join([*parts, "himaya-feedback"]))


_SCORE_CLAIM = _score_claim()


def _may_show_a_value(source: str) -> bool:
    """Whether running ``source`` in IPython could give an ``execute_result`` (a last expression
    that is not a call of the course's ``status``, which returns nothing)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True  # IPython syntax (magics): cannot tell
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return False
    value = tree.body[-1].value
    return not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "status")


class AuditOutputs(NbGraderPreprocessor):
    """Note test cells handed in with outputs that no run of them gives: a score or a value.

    Runs in the sanitize pass before ``ClearOutput`` (which clears every output
    unread: nothing handed in ever counts).  A test cell's saved output that
    claims a score, or an ``execute_result`` (nbgrader reads a number there as
    partial credit) where the cell's code cannot show one, was written by hand.
    """

    def preprocess(self, nb, resources):
        forged = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            for out in cell.get("outputs", []):
                text = "\n".join([str(out.get("text", "")), *(str(v) for v in out.get("data", {}).values())])
                if _SCORE_CLAIM.search(text) or (
                        out.get("output_type") == "execute_result" and not _may_show_a_value(cell.source)):
                    forged.append(str(meta.get("grade_id", "?")))
                    break
        nb.metadata.setdefault("himaya", {})["forged_outputs"] = sorted(set(forged))
        return nb, resources


class AuditSubmission(NbGraderPreprocessor):
    """Record what a submission changed in the cells the course owns, before they are restored.

    Runs in nbgrader's sanitize pass, ahead of ``RestoreCells``: grade cells
    deleted or stripped of their metadata, locked cells edited, code cells
    added, markdown or raw cells added (grading/feedback/inert.py shows them as text).  Grading is unaffected (the restored cells and the answers file
    decide every score); the record goes into the notebook's metadata, and
    :class:`SaveAudit` writes it beside the autograded notebook for the
    cohort report's "submissions to look at".
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            record = source_record(gb, info["notebook"], info["assignment"])
        # as released: hidden tests are not in the trainee's copy
        source = {name: _HIDDEN_REGION.sub("", c.source) for name, c in record.items()}
        graded = {name for name, c in record.items() if c.grade}
        owned = graded | {name for name, c in record.items() if c.task}  # a written answer's cell: missing too
        seen, edited, added, text = set(), [], 0, 0
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in source:
                seen.add(grade_id)
                locked = not cell.metadata["nbgrader"].get("solution")
                if locked and grade_id in graded and cell.source.strip() != source[grade_id].strip():
                    edited.append(grade_id)
            elif cell.cell_type == "code" and cell.source.strip():
                added += 1
            elif cell.cell_type in ("markdown", "raw") and cell.source.strip():  # pages show it as text
                text += 1
        missing = sorted(owned - seen)
        himaya = nb.metadata.setdefault("himaya", {})
        himaya["audit"] = {
            "missing_grade_cells": missing, "edited_grade_cells": sorted(edited), "added_code_cells": added,
        }
        if text:
            himaya["audit"]["added_text_cells"] = text
        forged = himaya.pop("forged_outputs", None)
        if forged:
            himaya["audit"]["forged_outputs"] = forged
            self.log.warning("%s/%s: test cells handed in with outputs claiming a score (cleared, never counted): %s",
                             info.get("student"), info["assignment"], ", ".join(forged))
        return nb, resources


#: Files that Python could import from a submission's folder.
PYTHON_SUFFIXES = (".py", ".pyc", ".pyw", ".pyd", ".so", ".pth")


class SaveAudit(NbGraderPreprocessor):
    """Write the audit beside the autograded notebook (see :class:`AuditSubmission`).

    Listed twice in the autograde pass: first (before the kernel runs) it takes
    the sanitize pass's record from the notebook's metadata, adds the Python
    files handed in beside the notebook, and writes the file; last, it writes
    the record again with what grading added (unknown items, kernel hooks,
    truncated outputs), over anything the trainee's kernel wrote there.
    """

    def preprocess(self, nb, resources):
        record = resources.get(AUDIT)
        if record is None:
            record = dict(nb.metadata.get("himaya", {}).get("audit") or {})
            python_files = self._python_files(resources)
            if python_files:
                record["python_files"] = python_files
                self.log.warning("%s/%s: Python files handed in beside the notebook: %s",
                                 resources["nbgrader"]["student"], resources["nbgrader"]["assignment"],
                                 ", ".join(python_files))
            resources[AUDIT] = record
        if record:
            path = Path(resources["metadata"]["path"]) / AUDIT_FILE
            try:  # a file handed in under this name is the trainee's: read within limits, never fatal
                records = json.loads(answers.read_limited(path, 1_000_000)) \
                    if path.is_file() and not path.is_symlink() else {}
                if not isinstance(records, dict):
                    records = {}
            except (ValueError, RecursionError, OSError):
                records = {}
            records[resources["nbgrader"]["notebook"]] = record
            if path.is_symlink() or path.is_dir():
                self.log.warning("%s: not a file; replaced", path)
                _remove(path)
            path.write_text(json.dumps(records, indent=1, sort_keys=True))
        return nb, resources

    def _python_files(self, resources) -> list[str]:
        folder = Path(resources["metadata"]["path"])
        source = _source_folder(self, resources)
        found = []
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder)
            if path.suffix in PYTHON_SUFFIXES and not (source is not None and (source / name).exists()):
                found.append(name.as_posix())
        return found[:20]


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _source_folder(preprocessor, resources) -> Path | None:
    """The module's source folder, from the nbgrader converter running ``preprocessor``."""
    owner = preprocessor
    while owner is not None and getattr(owner, "coursedir", None) is None:
        owner = getattr(owner, "parent", None)
    if owner is None:
        return None
    coursedir = owner.coursedir
    return Path(coursedir.format_path(coursedir.source_directory, ".", resources["nbgrader"]["assignment"]))


class RestoreCells(OverwriteCells):
    """nbgrader's OverwriteCells, with missing test cells restored wherever they stood.

    nbgrader 0.9 re-inserts a deleted or metadata-stripped grade cell after
    the previous *grade or solution* cell of the source and fails with a
    ``KeyError`` when that neighbour is an ordinary locked cell — here, the
    exercise cell just above every grade cell.  This version places the cell
    after the nearest earlier source cell still present in the submission.
    nbgrader builds restored cells as plain dicts, which only become notebook
    nodes when the notebook is written and read back between its two passes;
    graded without a kernel (one pass) they reach ``SaveAutoGrades`` as dicts
    (``cell.metadata.nbgrader`` fails), so every restored cell is a real node.
    """

    def missing_cell_transform(self, source_cell, max_score, is_solution=False, is_task=False):
        return from_dict(super().missing_cell_transform(source_cell, max_score, is_solution, is_task))

    def preprocess(self, nb, resources):
        # nbgrader's OverwriteCells.preprocess, with source cells read once per grading run
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        with Gradebook(self.db_url) as gb:
            self.gradebook = RecordedGradebook(gb, self.notebook_id, self.assignment_id)
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        # nbgrader's, from the record; nbgrader read ["grade_id"] from every cell with nbgrader metadata, and
        # DeduplicateIds leaves an empty {} on a duplicated test cell, which would crash the whole submission
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"].get("grade_id"):
                del cell.metadata["nbgrader"]
        present = {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells if "nbgrader" in cell.metadata}
        for name, source in self.gradebook.record.items():
            if source.task and name not in present:  # their place is unknown: at the end, in their order
                self.log.warning("Missing task cell %s encountered, adding to notebook", name)
                nb.cells.append(self.missing_cell_transform(source, source.max_score, is_task=True))
        return nb, resources

    def add_missing_grade_cells(self, nb, resources):
        record = self.gradebook.record
        names = list(record)

        def positions():
            return {cell.metadata["nbgrader"].get("grade_id"): i for i, cell in enumerate(nb.cells)
                    if "nbgrader" in cell.metadata}

        present = positions()
        for index, name in enumerate(names):
            if not record[name].grade or name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            where = next((present[prev] + 1 for prev in reversed(names[:index]) if prev in present), 0)
            nb.cells.insert(where, self.missing_cell_transform(
                record[name], record[name].max_score, is_solution=record[name].solution))
            present = positions()
        return nb, resources


KERNEL_LAUNCHER = Path(__file__).resolve().parent / "kernel_launcher.py"
_warned_unsandboxed: list[str] = []  # once per grading process
#: Environment variables never passed to a trainee's kernel: credentials of the grader's session
#: (the gradebook's database URL, JupyterHub's API token, PostgreSQL's, cloud keys…).
SECRET_VARIABLE = re.compile(r"^(HIMAYA_DB_URL|JUPYTERHUB_.*|PG.*|AWS_.*|GOOGLE_.*|AZURE_.*)$|"
                             r"TOKEN|SECRET|PASSW|CREDENTIAL|API_?KEY|PRIVATE_?KEY", re.I)


class TraineeKernelManager(AsyncKernelManager):
    """Starts a grading kernel through ``grading/kernel_launcher.py``: under a memory cap, and with a
    parent process of its own (a kernel that kills its parent kills the launcher, not the grader);
    in a bubblewrap sandbox when ``sandbox`` is on (:mod:`grading.sandbox`)."""

    memory_limit = Int(0, help="Address space of the kernel in bytes (RLIMIT_AS); 0: no limit.").tag(config=True)
    sandbox = Bool(False, help="Start the kernel in a bubblewrap sandbox (grading.sandbox).").tag(config=True)
    hidden_paths = List(Unicode(), help="Folders the sandboxed kernel sees empty.").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd([*(extra_arguments or []), *QUIET_KERNEL])
        return [sys.executable, "-I", "-S", str(KERNEL_LAUNCHER), str(max(0, self.memory_limit)), "--", *command]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.sandbox:
            kernel_cmd = sandbox.wrap(kernel_cmd, cwd=kw.get("cwd") or os.getcwd(), hidden=list(self.hidden_paths),
                                      files=[self.connection_file], launcher=str(KERNEL_LAUNCHER))
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client looks every 0.1 s whether a kernel it shut down has ended; through the launcher
        # (and the sandbox) the end takes one look more: 0.1 s of every graded notebook spent waiting
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))


def _output_size(out) -> int:
    size = len(out.get("text", "") or "") + len(str(out.get("evalue", "")))
    size += sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in out.get("data", {}).values())
    return size + sum(len(str(frame)) for frame in out.get("traceback", []) or [])


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [{len(text) - limit} characters cut by the grader]\n"


def _cut_output(out, limit: int, image_limit: int) -> bool:
    """Cut one output's text to ``limit`` characters (images over ``image_limit`` are removed).

    What nbgrader grades by is kept: an error stays an error, a stderr stream
    stays non-empty, a number shown as a test cell's result stays that number.
    """
    changed = False
    if isinstance(out.get("text"), str) and len(out["text"]) > limit:
        out["text"], changed = _shorten(out["text"], limit), True
    data = out.get("data", {})
    for mime, value in list(data.items()):
        size = len(value) if isinstance(value, str) else len(json.dumps(value))
        textual = mime.startswith("text/") or not isinstance(value, str)
        if size <= (limit if textual else image_limit):
            continue
        changed = True
        if mime == "text/plain" and out.get("output_type") == "execute_result":
            try:  # nbgrader reads a number here as partial credit: keep the number
                data[mime] = repr(float(value))
                continue
            except (TypeError, ValueError, OverflowError):
                pass
        if isinstance(value, str) and mime.startswith("text/"):
            data[mime] = _shorten(value, limit)
        else:
            del data[mime]
    if changed and not data and out.get("output_type") in ("display_data", "execute_result"):
        out["data"] = {"text/plain": "[output removed by the grader: too large]"}
    for name in ("ename", "evalue"):
        if isinstance(out.get(name), str) and len(out[name]) > limit:
            out[name], changed = _shorten(out[name], limit), True
    frames = out.get("traceback")
    if isinstance(frames, list) and sum(len(str(f)) for f in frames) > limit:
        kept, total = [], 0
        for frame in frames:
            if total + len(str(frame)) > limit:
                break
            kept.append(frame)
            total += len(str(frame))
        out["traceback"] = [*kept, _shorten(str(frames[-1]), max(200, limit - total)),
                            "[traceback cut by the grader]"]
        changed = True
    return changed


def _cell_label(cell, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"


class ExecuteAsTrainee(Execute):
    """nbgrader's ``Execute``, with the kernel told whose submission it runs, and kept in bounds.

    A lab's data is seeded by the trainee's id (``curriculum.settings``): the
    kernel gets ``HIMAYA_TRAINEE`` set to the nbgrader student id, so the hidden
    tests recompute each trainee's own numbers, as they were in JupyterLab.

    And against a trainee's code:

    * the kernel starts through :class:`TraineeKernelManager`: memory capped
      (``memory_limit``), and a launcher, not the grader, as its parent;
    * ``PYTHONSAFEPATH=1`` and :func:`grading.kernel_hooks.start`: files handed in
      beside the notebook never shadow an installed module (``curriculum``);
    * before each test cell, :func:`grading.kernel_hooks.reset` removes IPython
      hooks (input/AST transformers, patched run methods, a trace function) a
      cell installed to rewrite or skip the test; what was removed is audited;
    * outputs kept while the notebook runs are bounded (``max_collected_bytes``):
      a flood cannot exhaust the grader's memory.
    """

    memory_limit = Int(
        2 * 1024 ** 3, help="Address space of each grading kernel in bytes (RLIMIT_AS); 0: no limit.",
    ).tag(config=True)
    max_collected_bytes = Int(
        20_000_000, help="Output kept while one notebook runs; beyond it outputs are dropped "
                         "(errors and stderr are kept, cut short, so a failing test still fails).",
    ).tag(config=True)
    reset_kernel_hooks = Bool(True, help="Remove IPython hooks before each test cell.").tag(config=True)
    sandbox = Enum(("auto", "bwrap", "none"), "auto", help=(
        "Isolate each grading kernel with bubblewrap (grading.sandbox): 'bwrap' requires it (grading stops "
        "with what to install where it cannot run), 'auto' uses it where it runs and warns where not, "
        "'none' never (kernels then run with the grader's rights: SECURITY.md).")).tag(config=True)
    hidden_paths = List(Unicode(), help=(
        "Folders a sandboxed kernel sees empty: the course's source, nbgrader's folders, the exchange "
        "(grading.config.configure sets them).")).tag(config=True)
    kernel_start_attempts = Int(3, help=(
        "Tries to start one grading kernel. A kernel can die before it answers (a port another kernel took "
        "between being chosen and being bound, a loaded machine): it is started again, so one trainee's "
        "notebook is not failed for the grader's bad luck.")).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", TraineeKernelManager)
        super().__init__(*args, **kwargs)
        self._himaya = {"started": False, "collected": 0, "cut": set(), "hooks": set()}

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if isinstance(km, TraineeKernelManager):
            km.memory_limit = self.memory_limit
            km.sandbox = self._sandboxed()
            km.hidden_paths = list(self.hidden_paths)
        return km

    def _sandboxed(self) -> bool:
        if self.sandbox == "none":
            return False
        problem = sandbox.available()
        if problem is None:
            return True
        if self.sandbox == "bwrap":
            raise RuntimeError(f"ExecuteAsTrainee.sandbox is 'bwrap' but {problem}")
        if not _warned_unsandboxed:
            _warned_unsandboxed.append(problem)
            self.log.warning("grading kernels run with the grader's rights (not sandboxed): %s", problem)
        return False

    async def async_start_new_kernel(self, **kwargs):
        env = dict(kwargs.pop("env", None) or os.environ)
        student = (self.resources or {}).get("nbgrader", {}).get("student")
        if student:
            env.update(HIMAYA_TRAINEE=student)
        found = (self.resources or {}).get(SNAPSHOT)
        if found is not None and not found.problem:  # a lab's checks speak the language the trainee chose
            env["HIMAYA_LANG"] = found.language
        env.pop("HIMAYA_ANSWERS_DIR", None)  # answers sit next to the notebook being graded
        for name in [n for n in env if SECRET_VARIABLE.search(n)]:  # the gradebook's URL, the hub's token…
            del env[name]
        env["PYTHONSAFEPATH"] = "1"  # the working directory is not put first on sys.path
        kwargs["env"] = env
        self._himaya = {"started": False, "collected": 0, "cut": set(), "hooks": set()}
        self._kernel_kwargs = kwargs
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds the sync name to its own coroutine

    async def async_start_new_kernel_client(self):
        for attempt in range(1, max(1, self.kernel_start_attempts) + 1):
            try:
                return await super().async_start_new_kernel_client()
            except Exception as error:  # nbclient has shut the dead kernel down and dropped its manager
                if attempt >= self.kernel_start_attempts:
                    raise
                self.log.warning("a grading kernel died while starting (%s); starting it again (try %d of %d)",
                                 error, attempt + 1, self.kernel_start_attempts)
                self.km = self.create_kernel_manager()
                await self.async_start_new_kernel(**getattr(self, "_kernel_kwargs", {}))

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == "code" and cell.source.strip():
            if not self._himaya["started"]:
                self._himaya["started"] = True
                await self._in_kernel("start")
            if self.reset_kernel_hooks and utils.is_grade(cell) and not utils.is_solution(cell):
                changed = await self._in_kernel("reset")
                if changed:
                    self._himaya["hooks"].update(changed)
                    self.log.warning("%s: IPython hooks removed before test cell %s: %s",
                                     (self.resources or {}).get("nbgrader", {}).get("student"),
                                     _cell_label(cell, cell_index), ", ".join(changed))
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    execute_cell = run_sync(async_execute_cell)

    async def _in_kernel(self, function: str) -> list | None:
        """Call ``grading.kernel_hooks.<function>()`` in the kernel through ``user_expressions``.

        ``user_expressions`` are evaluated with ``eval``: no input transformer
        or AST hook of the trainee's sees them. ``None`` if the kernel does not answer.
        """
        import queue

        expression = f"__import__('grading.kernel_hooks', fromlist=['{function}']).{function}()"
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"himaya": expression})
        deadline = time.monotonic() + min(self.timeout or 60, 60)
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
            except queue.Empty:
                if not await ensure_async(self.km.is_alive()):
                    return None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            result = msg.get("content", {}).get("user_expressions", {}).get("himaya", {})
            if result.get("status") != "ok":
                return [f"kernel hooks could not be checked ({result.get('ename', 'no result')})"]
            try:
                return [str(name) for name in ast.literal_eval(result["data"]["text/plain"])]
            except (KeyError, ValueError, SyntaxError, TypeError):
                return ["kernel hooks could not be checked (unreadable answer)"]
        return None

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        state = self._himaya
        state["collected"] += _output_size(out)
        if state["collected"] > self.max_collected_bytes:
            state["cut"].add(_cell_label(self.nb.cells[cell_index], cell_index))
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") != "stderr" and not display_id and outs and outs[-1] is out:
                outs.pop()
            else:  # kept (an error, stderr, a display others may update), cut short
                _cut_output(out, 1000, 0)
        return out

    def preprocess(self, nb, resources, *args, **kwargs):
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        finally:
            record = audit(resources)
            if self._himaya["hooks"]:
                record["kernel_hooks"] = sorted(set(record.get("kernel_hooks", [])) | self._himaya["hooks"])
            if self._himaya["cut"]:
                record["truncated_outputs"] = sorted(set(record.get("truncated_outputs", [])) | self._himaya["cut"])
                self.log.warning("outputs over %d bytes while the notebook ran: later outputs dropped (%s)",
                                 self.max_collected_bytes, ", ".join(sorted(self._himaya["cut"])))


class LimitOutputBytes(LimitOutput):
    """nbgrader's ``LimitOutput`` (lines), plus a limit in bytes per output and per notebook.

    Every output's text is cut to ``max_output_bytes`` (images to
    ``max_image_bytes``); once a notebook's outputs reach
    ``max_notebook_bytes``, each later output keeps only a short head.  What
    nbgrader grades by is kept (see :func:`_cut_output`).  Cut cells are audited.
    """

    max_output_bytes = Int(100_000, help="Characters of text kept per output.").tag(config=True)
    max_image_bytes = Int(2_000_000, help="Largest image (base64) kept per output.").tag(config=True)
    max_notebook_bytes = Int(5_000_000, help="Output kept per notebook, in full; later outputs are cut short.",
                             ).tag(config=True)

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        total, cut = 0, []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            changed = False
            for out in cell.get("outputs", []):
                over = total > self.max_notebook_bytes
                limit, image_limit = (1000, 0) if over else (self.max_output_bytes, self.max_image_bytes)
                changed |= _cut_output(out, limit, image_limit)
                total += _output_size(out)
            if changed:
                cut.append(_cell_label(cell, index))
        if cut:
            record = audit(resources)
            record["truncated_outputs"] = sorted(set(record.get("truncated_outputs", [])) | set(cut))
            self.log.warning("%s: outputs cut to the size limit in %s",
                             resources.get("nbgrader", {}).get("student"), ", ".join(cut))
        return nb, resources


class _FlushOnly:
    """A Gradebook session whose ``commit`` only flushes: the caller commits once, at the end."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name):
        return getattr(self._session, name)


class SaveAutoGrades(saveautogrades.SaveAutoGrades):
    """nbgrader's SaveAutoGrades, committing a notebook's grades and comments together.

    nbgrader commits after every cell (a dozen commits a notebook) and looks
    each grade up on its own; one commit and one read of the notebook's grades
    are faster, and leave the gradebook with all of a notebook's scores or none.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        with Gradebook(self.db_url) as gb:
            session = gb.db
            self.gradebook = SubmissionGradebook(gb, self.notebook_id, self.assignment_id, self.student_id)
            gb.db = _FlushOnly(session)
            try:
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
                session.commit()
            finally:
                gb.db = session
        return nb, resources


class CheckCellMetadata(checkcellmetadata.CheckCellMetadata):
    """nbgrader's metadata check, with each distinct cell metadata validated once per process.

    nbgrader re-checks its JSON schema for every cell of every notebook (twice
    per notebook when autograding); a cohort's notebooks share the same cells,
    so a metadata already found valid is not validated again. The check is the
    same: duplicate grade ids are looked for in every notebook.
    """

    _valid: set = set()

    def preprocess(self, nb, resources):
        validator = MetadataValidator()
        try:
            ids = set()
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader")
                if meta is None:
                    continue
                seen = (cell.cell_type, json.dumps(meta, sort_keys=True, default=str))
                if seen not in self._valid:
                    validator.validate_cell(cell)
                    self._valid.add(seen)
                if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                    if meta["grade_id"] in ids:
                        raise ValidationError(f"Duplicate grade id: {meta['grade_id']}")
                    ids.add(meta["grade_id"])
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
