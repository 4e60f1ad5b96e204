"""Released notebooks carry the course kernel's ``language_info``, so opening one does not mark it unsaved.

JupyterLab writes the connected kernel's ``language_info`` (version, mimetype,
lexer...) into the notebook's metadata as soon as the kernel starts.  The
sources hold only ``{"name": "python"}``, so every notebook a trainee opened
was marked as modified before they had done anything.  The release stamps
what the course's kernel (ipykernel, in this environment, which is the
trainees' kernel too) reports.
"""
from __future__ import annotations

import copy

from nbgrader.preprocessors import NbGraderPreprocessor


def kernel_language_info() -> dict:
    """What the course's ipykernel reports on connection (its Python version included)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


class KernelLanguageInfo(NbGraderPreprocessor):
    """Set the notebook's ``language_info`` to the course kernel's."""

    def preprocess(self, nb, resources):
        nb.metadata["language_info"] = kernel_language_info()
        return nb, resources
