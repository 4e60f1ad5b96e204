"""nbgrader preprocessors that score widget answers and keep keys out of feedback.

:class:`ScoreWidgetAnswers` runs in the grader's own process, after nbgrader
has executed the submission and before ``SaveAutoGrades``: whatever the
trainee's cells did to their kernel, the score of a widget item is decided
here, from the answers file and the key in the gradebook.
"""
from __future__ import annotations

import html
import json
import os
import re
import traceback
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import checkcellmetadata
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool, Int

from curriculum import answers
from curriculum.exercises import KINDS
from curriculum.exercises.base import Score, item_id
from curriculum.language import message
from curriculum.settings import ANSWERS_FILENAME

from . import rubrics
from .keys import ItemKey, KeyProblem, parse_key, parse_kind


_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "[]()*_`!\\~|"})


def as_plain_html(text: str) -> str:
    """A trainee's text as inert HTML on one line: no tag, no Markdown, no link survives.

    One line, so Markdown treats the surrounding ``<div>`` as a raw HTML block
    and never parses inside it; every character Markdown could use is an entity.
    """
    lines = html.escape(text.strip(), quote=True).splitlines()
    return "<br>".join(line.translate(_MARKDOWN) for line in lines)


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
        return nb, resources


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
        try:
            return self._gradebook.find_source_cell(grade_id, self._notebook, self._assignment).source
        except MissingEntry:
            return None

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
        return ItemKey(item, parse_kind(widget, item), key).for_trainee(self._student)

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
        cell.outputs = [  # the message as HTML that lays out in the trainee's direction, then the score
            new_output("display_data", data={
                "text/html": f'<div class="himaya-feedback" dir="{direction}" lang="{lang}">{page}</div>',
                "text/plain": "\n".join(lines) + "\n",
            }),
            new_output("execute_result", data={"text/plain": _points(earned)},
                       execution_count=cell.get("execution_count") or 1),
        ]

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
                cell.source += f"\n### BEGIN MARK SCHEME\n\n{guide.strip()}\n\n### END MARK SCHEME\n"
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


class RedactMarkScheme(_Redact, ClearMarkScheme):
    """Remove instructors' mark schemes (rubrics) from generated feedback."""

    marker = "BEGIN MARK SCHEME"
    enforce_metadata = Bool(False).tag(config=True)


AUDIT_FILE = "himaya-audit.json"


class AuditSubmission(NbGraderPreprocessor):
    """Record what a submission changed in the cells the course owns, before they are restored.

    Runs in nbgrader's sanitize pass, ahead of ``RestoreCells``: grade cells
    deleted or stripped of their metadata, locked cells edited, code cells
    added.  Grading is unaffected (the restored cells and the answers file
    decide every score); the record goes into the notebook's metadata, and
    :class:`SaveAudit` writes it beside the autograded notebook for the
    cohort report's "submissions to look at".
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            # as released: hidden tests are not in the trainee's copy
            source = {c.name: _HIDDEN_REGION.sub("", c.source)
                      for c in gb.find_notebook(info["notebook"], info["assignment"]).source_cells}
            graded = {c.name for c in gb.find_notebook(info["notebook"], info["assignment"]).grade_cells}
        seen, edited, added = set(), [], 0
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in source:
                seen.add(grade_id)
                locked = not cell.metadata["nbgrader"].get("solution")
                if locked and grade_id in graded and cell.source.strip() != source[grade_id].strip():
                    edited.append(grade_id)
            elif cell.cell_type == "code" and cell.source.strip():
                added += 1
        missing = sorted(graded - seen)
        nb.metadata.setdefault("himaya", {})["audit"] = {
            "missing_grade_cells": missing, "edited_grade_cells": sorted(edited), "added_code_cells": added,
        }
        return nb, resources


class SaveAudit(NbGraderPreprocessor):
    """Write the sanitize pass's audit beside the autograded notebook (see :class:`AuditSubmission`)."""

    def preprocess(self, nb, resources):
        audit = nb.metadata.get("himaya", {}).get("audit")
        if audit is not None:
            path = Path(resources["metadata"]["path"]) / AUDIT_FILE
            records = json.loads(path.read_text()) if path.exists() else {}
            records[resources["nbgrader"]["notebook"]] = audit
            path.write_text(json.dumps(records, indent=1, sort_keys=True))
        return nb, resources


class RestoreCells(OverwriteCells):
    """nbgrader's OverwriteCells, with missing test cells restored wherever they stood.

    nbgrader 0.9 re-inserts a deleted or metadata-stripped grade cell after
    the previous *grade or solution* cell of the source and fails with a
    ``KeyError`` when that neighbour is an ordinary locked cell — here, the
    exercise cell just above every grade cell.  This version places the cell
    after the nearest earlier source cell still present in the submission.
    """

    def add_missing_task_cells(self, nb, resources):
        # nbgrader reads ["grade_id"] from every cell with nbgrader metadata; DeduplicateIds leaves
        # an empty {} on a duplicated test cell, which would crash the whole submission
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"].get("grade_id"):
                del cell.metadata["nbgrader"]
        return super().add_missing_task_cells(nb, resources)

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = source_nb.source_cells
        names = [cell.name for cell in source_cells]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solutions = {cell.name for cell in source_nb.solution_cells}

        def positions():
            return {cell.metadata["nbgrader"].get("grade_id"): i for i, cell in enumerate(nb.cells)
                    if "nbgrader" in cell.metadata}

        for index, name in enumerate(names):
            if name not in grade_cells or name in positions():
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            present = positions()
            where = next((present[prev] + 1 for prev in reversed(names[:index]) if prev in present), 0)
            cell = self.missing_cell_transform(
                source_cells[index], grade_cells[name].max_score, is_solution=name in solutions)
            nb.cells.insert(where, cell)
        return nb, resources


class ExecuteAsTrainee(Execute):
    """nbgrader's ``Execute``, with the kernel told whose submission it runs.

    A lab's data is seeded by the trainee's id (``curriculum.settings``): the
    kernel gets ``HIMAYA_TRAINEE`` set to the nbgrader student id, so the hidden
    tests recompute each trainee's own numbers, as they were in JupyterLab.
    """

    async def async_start_new_kernel(self, **kwargs):
        student = (self.resources or {}).get("nbgrader", {}).get("student")
        if student:
            env = dict(kwargs.pop("env", None) or os.environ)
            env.update(HIMAYA_TRAINEE=student)
            env.pop("HIMAYA_ANSWERS_DIR", None)  # answers sit next to the notebook being graded
            kwargs["env"] = env
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds the sync name to its own coroutine


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
