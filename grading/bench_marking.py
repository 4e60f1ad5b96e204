"""The grading page's bench under its old name, now :mod:`grading.bench.marking`.

Only until tests/browser/test_marking.py imports it from there (``from grading.bench import marking``);
then delete this file.
"""
import sys

from .bench import marking

sys.modules[__name__] = marking
