"""Session-wide test settings."""
import os
import tempfile

import matplotlib

matplotlib.use("Agg")

# Kernels started by nbval and the tests inherit this: answers never land in
# the source folders, whatever a notebook does.
os.environ.setdefault("HIMAYA_ANSWERS_DIR", tempfile.mkdtemp(prefix="himaya-answers-"))
os.environ.setdefault("HIMAYA_TRAINEE", "t-tests")

# The adversarial corpus (tests/adversarial/) runs with everything else; `make adversarial`
# runs it alone (issue: grading that holds against tampering).
