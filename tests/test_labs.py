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


LOCAL_TIME_PLOT = '''def plot_timeline(timeline):
    y = timeline["row"].str[0].map({"A": 2, "B": 1, "C": 0})
    fig, ax = plt.subplots()
    ax.plot(timeline["utc"].dt.tz_convert("Asia/Riyadh").dt.tz_localize(None), y, "o")
    ax.set_title("Timeline")
    ax.set_xlabel(%r)
    ax.set_ylabel("Source")
    return fig'''


@pytest.mark.parametrize("xs, label", [("local", "Time (UTC)"), ("utc", "Time")])
def test_a_timeline_in_local_time_or_without_utc_on_its_axis_fails(xs, label, tmp_path):
    """m06a's plot test (#15 §4): the right number of points is not enough; x must be the UTC times, the axis must say UTC."""
    path = REPO / "notebooks" / "m06a-timeline-lab" / "m06a-timeline-lab.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "m06a-s6")
    source = LOCAL_TIME_PLOT % label
    cell.source = source if xs == "local" else source.replace('.dt.tz_convert("Asia/Riyadh")', "")
    errors = run(nb, "t-lab-1", tmp_path)
    assert errors["m06a-q6"], "a wrong timeline plot passed m06a-q6"
    assert "UTC" in errors["m06a-q6"][0]["evalue"]
    assert not any(v for k, v in errors.items() if k != "m06a-q6")


INNER_MERGE_RATES = '''def region_rates(df, populations, year):
    counts = df[df["when"].dt.year == year].groupby("region").size().rename("reports").reset_index()
    table = counts.merge(populations, on="region")
    table["rate"] = (table["reports"] / table["children"] * 100_000).round(1)
    return table.sort_values("rate", ascending=False).reset_index(drop=True)'''


def test_a_rate_table_that_drops_a_region_without_reports_fails(tmp_path):
    """m04a's Task 4 (#15 §4): an inner merge silently drops a region with no reports; m04a-q4 fails it, and only it."""
    path = REPO / "notebooks" / "m04a-analysis-lab" / "m04a-analysis-lab.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "m04a-s4")
    cell.source = INNER_MERGE_RATES
    errors = run(nb, "t-lab-1", tmp_path)
    assert errors["m04a-q4"], "an inner merge passed m04a-q4"
    assert not any(v for k, v in errors.items() if k != "m04a-q4")
