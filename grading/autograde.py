"""nbgrader's autograde in one pass, for modules graded without a kernel.

nbgrader's :class:`~nbgrader.converters.Autograde` exports each notebook twice
(a sanitize pass written to ``autograded/``, then read back for the grading
pass), each export deep-copying and validating the notebook.  Where no kernel
runs between the two passes, nothing happens on disk in between that the
second pass needs, so :class:`OnePassAutograde`
runs both preprocessor lists, in nbgrader's order, on one read of the
submission and writes the result once, through :class:`OnePassExporter`.
Everything else is nbgrader's own:
the assignment set-up (student, submission and timestamp in the gradebook,
files copied from the source), the preprocessors, the writer and the
permissions.  ``tests/grading/test_autograde.py`` compares both paths
notebook for notebook.
"""
from __future__ import annotations

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat import validator
from nbgrader import utils
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import Autograde
from nbgrader.utils import capture_log, temp_attrs
from traitlets import Type


class OnePassExporter(NotebookExporter):
    """nbconvert's notebook export of a notebook read for this export alone, without defensive copies.

    nbconvert deep-copies the notebook three times per export (before, around the
    preprocessors, before writing) and validates it twice more when writing; the
    notebook here is a fresh read nobody else holds, so it is normalised (one copy),
    run through the preprocessors, validated once and written as nbformat writes it.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        if "language" in nb["metadata"]:
            resources["language"] = nb["metadata"]["language"].lower()
        _, nb = validator.normalize(nb)
        preprocessor = None
        for preprocessor in self._preprocessors:
            nb, resources = preprocessor(nb, resources)
        self._validate_preprocessor(nb, preprocessor)  # once, after all of them (optimistic validation)
        resources["output_suffix"] = ".nbconvert"
        output = nbformat.v4.nbjson.writes(nb)
        return output if output.endswith("\n") else output + "\n", resources


class OnePassAutograde(Autograde):
    """Autograde with the sanitize and grading preprocessors in one export (no kernel in between)."""

    exporter_class = Type(OnePassExporter, klass=NotebookExporter).tag(config=True)

    def _init_preprocessors(self) -> None:
        self.exporter._preprocessors = []
        for preprocessor in [*self.sanitize_preprocessors, *self.autograde_preprocessors]:
            self.exporter.register_preprocessor(preprocessor)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        self._init_preprocessors()
        resources = self.init_single_notebook_resources(notebook_filename)
        info = resources["nbgrader"]
        # the grading preprocessors work where nbgrader's second pass reads from: autograded/<trainee>/<module>,
        # where the submission's other files (the answers file) were copied
        resources["metadata"] = {"name": info["notebook"], "path": self._format_dest(info["assignment"],
                                                                                      info["student"])}
        with open(notebook_filename, encoding="utf-8") as handle:
            nb = nbformat.read(handle, as_version=4)
        with utils.setenv(NBGRADER_EXECUTION="autograde"):
            output, resources = self.exporter.from_notebook_node(nb, resources=resources)
        self.write_single_notebook(output, resources)


class OnePassAPI(NbGraderAPI):
    """nbgrader's API whose ``autograde`` is :class:`OnePassAutograde` (configure it with ``execute=False``)."""

    def autograde(self, assignment_id, student_id, force=True, create=True):
        with temp_attrs(self.coursedir, assignment_id=assignment_id, student_id=student_id):
            app = OnePassAutograde(coursedir=self.coursedir, parent=self)
            app.force = force
            app.create_student = create
            return capture_log(app)
