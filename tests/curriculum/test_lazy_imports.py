"""matplotlib and numpy load with the first figure or data, not with the course (curriculum/figures.py).

Each case runs in a fresh interpreter, as a trainee's kernel starts: what is
imported depends on what ran before.  The figures must be the same bytes as
when the course style was applied up front by ``start()``.
"""
from __future__ import annotations

import json
import subprocess
import sys


def fresh(code: str, tmp_path) -> dict:
    """Run ``code`` in a new interpreter (its last line prints JSON) and return what it printed."""
    env_code = ("import os\nos.environ['MPLBACKEND'] = 'Agg'\nos.environ['HIMAYA_TRAINEE'] = 't-lazy'\n"
                f"os.environ['HIMAYA_ANSWERS_DIR'] = {str(tmp_path)!r}\n")
    out = subprocess.run([sys.executable, "-c", env_code + code], capture_output=True, text=True, check=True,
                         timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_first_cell_of_a_core_module_loads_neither_matplotlib_nor_numpy(tmp_path):
    loaded = fresh("import sys, json\n"
                   "from curriculum import start, status, exercises as ex, figures, synthetic\n"
                   "start('m00-orientation')\n"
                   "print(json.dumps({m: m in sys.modules for m in ('matplotlib', 'numpy', 'pandas')}))", tmp_path)
    assert loaded == {"matplotlib": False, "numpy": False, "pandas": False}


def test_a_lab_is_styled_at_start_for_the_trainees_own_plots(tmp_path):
    style = fresh("import json, matplotlib\n"
                  "from curriculum import start\nfrom curriculum.figures import available_fonts\n"
                  "start('m04a-analysis-lab')\n"
                  "print(json.dumps(matplotlib.rcParams['font.family'] == available_fonts()))", tmp_path)
    assert style is True


FIGURE = """
import hashlib, io, json
{before}
from curriculum import start, figures, synthetic
start('m00-orientation')
fig = figures.screen_time_week(synthetic.weekly_screen_time())
buf = io.BytesIO()
fig.savefig(buf, format='png', bbox_inches='tight')
print(json.dumps(hashlib.sha256(buf.getvalue()).hexdigest()))
"""


def test_a_figure_drawn_lazily_is_the_same_image_as_one_styled_up_front(tmp_path):
    lazy = fresh(FIGURE.format(before=""), tmp_path)
    # the former behaviour: matplotlib imported and styled before start()
    eager = fresh(FIGURE.format(before="from curriculum.figures import use_course_style; use_course_style()"),
                  tmp_path)
    assert lazy == eager
