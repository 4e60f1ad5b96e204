"""``python -m grading.bench`` (``make bench``): the autograde bench, then the trainee's, JupyterLab's in Chromium and
the grading page's."""
import sys

from .autograde import main

sys.exit(main())
