"""The exporter that writes each trainee's feedback page: nbconvert's HTMLExporter, its templates compiled once.

nbgrader's GenerateFeedback makes a new exporter for every trainee, and every new exporter
compiled the page's ten Jinja templates again: 1.3 s of the 4.7 s a module's feedback took
for four trainees.  Jinja's own bytecode cache keeps each template's compiled code for the
life of the process, keyed by its file and checked against the hash of its source, so a
changed template is compiled again.
"""
from __future__ import annotations

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter


class CompiledTemplates(BytecodeCache):
    """Compiled templates in this process's memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja drops it if the template's source changed since

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """HTMLExporter whose templates are compiled once a process (configured as ``GenerateFeedback.exporter_class``;
    the configuration of ``HTMLExporter`` applies to it as before)."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED
        return environment
