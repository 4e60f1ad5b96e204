"""Reading a module notebook's cells the way the dataset tests need them (tests/ is on pytest's pythonpath)."""
import ast
from functools import lru_cache
from pathlib import Path

import nbformat


@lru_cache(maxsize=None)
def _cells(notebook: Path) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


def widget_call(notebook: Path, item: str) -> ast.Call:
    """The call that builds ``item``'s exercise (``m05.q5`` → cell ``m05-q5-widget``), parsed."""
    return ast.parse(_cells(notebook)[item.replace(".", "-") + "-widget"].source).body[0].value
