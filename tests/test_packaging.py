"""The course installs as a package without setuptools warnings, and with every data file a stage reads."""
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_builds_quietly_with_its_data_files(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    # `make demo` and `make test` install the course first: a packaging warning would open every run
    assert "would be ignored" not in done.stderr + done.stdout
    assert "BuildBackendWarning" not in done.stderr + done.stdout
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    for needed in ("curriculum/syllabus.yaml", "curriculum/style.css", "grading/rubrics/m00.q8.md",
                   "grading/templates/report.html.j2", "grading/templates/feedback/himaya.html.j2"):
        assert needed in names
