"""Released notebooks carry the kernel's language_info: JupyterLab then has nothing to change on opening (not 'unsaved')."""
import nbformat
from ipykernel.ipkernel import IPythonKernel

from grading.config import configure
from grading.kernel_language import KernelLanguageInfo


def test_the_release_stamps_what_the_kernel_reports():
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}})
    nb, _ = KernelLanguageInfo().preprocess(nb, {})
    assert nb.metadata["language_info"] == IPythonKernel.language_info  # what JupyterLab writes when the kernel connects
    assert nb.metadata["language_info"]["version"]


def test_generate_assignment_runs_it_after_nbgrader_own_steps():
    preprocessors = configure().GenerateAssignment.preprocessors
    assert preprocessors[-1] is KernelLanguageInfo
    assert [p.__name__ for p in preprocessors[:2]] == ["IncludeHeaderFooter", "InstantiateTests"]
