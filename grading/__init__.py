"""Himaya's instructor side: nbgrader configuration, widget scoring, the course pipeline and its command line."""
import os
import sys
from pathlib import Path

# nbgrader runs the `alembic` command of this environment when it creates a
# gradebook: make sure this environment's scripts come first on PATH even
# when the interpreter was started by path (.venv/bin/python) without activation.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
# Kernels (nbgrader's and the simulated trainees') come from this environment.
os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
# jsonschema checks the "iri" format with rfc3987_syntax when it is installed (jupyter-events pulls it in),
# which builds a grammar on import: 0.9 s in every grading process and pool worker. No schema the grader
# validates (nbformat's, nbgrader's cell metadata) uses that format. A process that imported it
# before this line keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
