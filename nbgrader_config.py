# nbgrader reads this file from the course root; the settings live in grading/config.py.
from grading.config import configure

configure(get_config())  # noqa: F821 (get_config is provided by traitlets)
