"""The analyst labs' nbgrader tests pass on the instructor's solutions and fail on the released version."""
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.preprocessors import ClearSolutions

REPO = Path(__file__).resolve().parent.parent
LABS = sorted(p for p in (REPO / "notebooks").glob("m*/*.ipynb") if re.match(r"m\d{2}[a-z]-", p.stem))


def run(nb, trainee: str, folder: Path) -> dict[str, list]:
    """Execute ``nb`` as ``trainee``; each graded cell's error outputs by grade_id."""
    env_nb = nbformat.from_dict(nb)  # a copy: the caller's notebook stays as it was
    NotebookClient(env_nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute(
        env={**os.environ, "HIMAYA_TRAINEE": trainee, "HIMAYA_ANSWERS_DIR": str(folder)})
    return {c.metadata["nbgrader"]["grade_id"]: [o for o in c.outputs if o.output_type == "error"]
            for c in env_nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
@pytest.mark.parametrize("trainee", ["t-lab-1", "t-lab-2"])
def test_solutions_pass_every_test_for_each_trainee(path, trainee, tmp_path):
    errors = run(nbformat.read(path, as_version=4), trainee, tmp_path)
    assert errors and not any(errors.values()), {k: v[0]["evalue"] for k, v in errors.items() if v}


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_released_lab_fails_every_test(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    released, _ = ClearSolutions().preprocess(nb, {})
    errors = run(released, "t-lab-1", tmp_path)
    assert errors and all(errors.values()), [k for k, v in errors.items() if not v]
