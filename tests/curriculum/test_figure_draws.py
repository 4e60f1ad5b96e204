"""A course figure is drawn once per picture in a kernel (curriculum/figures.py ``_skip_repl_draw``), and shows the same PNG.

Runs a real kernel with the inline backend, as JupyterLab and nbgrader do: the
same figure cell with pyplot's after-cell draw skipped and kept; both cells show
one identical image, and the skipped one draws fewer times.
"""
from __future__ import annotations

import base64
import os
import subprocess

import nbformat
from nbclient import NotebookClient

from tests.conftest import in_a_thread

COUNT = """
import matplotlib.figure as _mf
_draws = [0]
_real = _mf.Figure.draw
def _counted(self, renderer):
    _draws[0] += 1
    return _real(self, renderer)
_mf.Figure.draw = _counted
from curriculum import start, figures, synthetic
figures.SKIP_REPL_DRAW = {skip}
start("m00-orientation")
"""
FIGURE = "_draws[0] = 0\nfigures.screen_time_week(synthetic.weekly_screen_time());"


def run(skip: bool, folder) -> tuple[bytes, int, int]:
    """In a fresh kernel: (the PNG shown, images shown, draws) of one course figure, twice (first and later figures)."""
    cells = [COUNT.format(skip=skip), FIGURE, "print(_draws[0])", FIGURE, "print(_draws[0])"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = {**os.environ, "HIMAYA_TRAINEE": "t-draws", "HIMAYA_ANSWERS_DIR": str(folder), "HIMAYA_LANG": "ar",
           "JUPYTER_PREFER_ENV_PATH": "1"}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    in_a_thread(lambda: client.execute(env=env, stderr=subprocess.DEVNULL))
    images = [base64.b64decode(o["data"]["image/png"]) for i in (1, 3) for o in nb.cells[i].outputs
              if "image/png" in o.get("data", {})]
    draws = [int(nb.cells[i].outputs[0]["text"]) for i in (2, 4)]
    return images, draws


def test_one_draw_fewer_per_figure_and_the_same_png(tmp_path):
    skipped_images, skipped_draws = run(True, tmp_path)
    kept_images, kept_draws = run(False, tmp_path)  # as before: pyplot draws every new figure after the cell
    assert len(skipped_images) == len(kept_images) == 2  # each cell shows its figure, once
    assert skipped_images == kept_images  # the same pictures
    assert [d + 1 for d in skipped_draws] == kept_draws, (skipped_draws, kept_draws)
