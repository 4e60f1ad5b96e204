"""grading.config: one nbgrader configuration for `python -m grading`, nbgrader's commands and formgrader."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_code_cell, new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    ClearOutput, DeduplicateIds, Execute, GetGrades, IgnorePattern, OverwriteCells,
    OverwriteKernelspec,
)
from nbgrader.preprocessors import SaveAutoGrades as NbgraderSaveAutoGrades
from traitlets.config import Config, PyFileConfigLoader

from grading.config import COURSE_ID, IGNORED_STDERR, REPO, Layout, configure
from nbconvert.preprocessors import ClearMetadataPreprocessor
from grading.preprocessors import (
    CheckCellMetadata, ExecuteAsTrainee, LimitOutputBytes,
    AuditOutputs, AuditSubmission, SaveAudit,
    RedactHiddenTests, RedactMarkScheme, RestoreCells, SaveAutoGrades, ScoreWidgetAnswers, SnapshotAnswers,
)

#: nbgrader steps whose folders nbgrader writes (everything but the instructor's source).
GENERATED_STEPS = sorted(
    name[: -len("_directory")] for name in CourseDirectory.class_trait_names()
    if name.endswith("_directory") and name != "source_directory"
)


@pytest.fixture
def layout(tmp_path) -> Layout:
    return Layout(root=tmp_path, work="build/here")


def _under(path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_layout_paths(tmp_path):
    layout = Layout(root=tmp_path, work="w/x")
    assert layout.base == tmp_path / "w" / "x"
    assert layout.step("release") == tmp_path / "w" / "x" / "release"
    assert layout.db_url == f"sqlite:///{tmp_path}/w/x/gradebook.db?timeout=60"
    assert layout.exchange == tmp_path / "w" / "x" / "exchange"


def test_default_layout_is_the_repository():
    assert Layout().root == REPO
    assert (REPO / "grading" / "config.py").is_file()
    assert Layout().work == "build/course"


def test_course_and_source(layout):
    c = configure(layout=layout)
    coursedir = CourseDirectory(config=c)
    assert coursedir.course_id == COURSE_ID == "himaya"
    assert Path(coursedir.root) == layout.root
    assert Path(coursedir.format_path(coursedir.source_directory, ".", "m99-fixture")) == \
        layout.root / "notebooks" / "m99-fixture"


def test_the_known_steps_are_all_checked():
    assert {"release", "submitted", "autograded", "feedback"} <= set(GENERATED_STEPS)


@pytest.mark.parametrize("step", GENERATED_STEPS)
def test_every_generated_folder_is_under_root_work(layout, step):
    coursedir = CourseDirectory(config=configure(layout=layout))
    folder = coursedir.format_path(getattr(coursedir, f"{step}_directory"), "t1", "m99-fixture")
    assert _under(folder, layout.base), f"{step}: {folder} is outside {layout.base}"


def test_gradebook_and_exchange_are_under_root_work(layout):
    c = configure(layout=layout)
    coursedir = CourseDirectory(config=c)
    assert coursedir.db_url == layout.db_url
    assert _under(coursedir.db_url.removeprefix("sqlite:///"), layout.base)
    assert _under(c.Exchange.root, layout.base)


def test_configure_fills_a_given_config_and_keeps_other_settings(layout):
    c = Config()
    c.Execute.startup_timeout = 99
    assert configure(c, layout) is c
    assert c.Execute.startup_timeout == 99
    assert c.CourseDirectory.course_id == COURSE_ID


def test_timeout(layout):
    assert configure(layout=layout, timeout=7).Execute.timeout == 7
    assert configure(layout=layout).Execute.timeout == 60
    assert configure(layout=layout).Execute.interrupt_on_timeout is True


def test_missing_test_cells_are_added_back(layout):
    c = configure(layout=layout)
    assert c.OverwriteCells.add_missing_cells is True
    assert RestoreCells(config=c).add_missing_cells is True  # the subclass sees the setting
    assert RestoreCells().add_missing_cells is False  # …which comes from the configuration


def test_snapshot_before_execute_and_score_between_execute_and_save(layout):
    steps = configure(layout=layout).Autograde.autograde_preprocessors
    assert steps.count(SnapshotAnswers) == 1 and steps.count(ScoreWidgetAnswers) == 1
    assert steps.index(SnapshotAnswers) < steps.index(ExecuteAsTrainee)
    assert steps.index(ExecuteAsTrainee) < steps.index(ScoreWidgetAnswers) < steps.index(SaveAutoGrades)
    # the score is written after the outputs are cleaned, so nothing trims or drops it
    assert steps.index(IgnorePattern) < steps.index(ScoreWidgetAnswers)
    # nbgrader's, committing a notebook's grades at once
    assert issubclass(SaveAutoGrades, NbgraderSaveAutoGrades) and NbgraderSaveAutoGrades not in steps


def test_restore_cells_replaces_overwrite_cells(layout):
    sanitize = configure(layout=layout).Autograde.sanitize_preprocessors
    assert OverwriteCells not in sanitize
    assert sanitize == [AuditOutputs, ClearOutput, DeduplicateIds, OverwriteKernelspec, AuditSubmission,
                        RestoreCells, CheckCellMetadata]
    # the audit sees the submission before its cells are restored, and its outputs before they are cleared


def test_the_audit_reaches_the_autograded_folder_before_metadata_is_cleared(layout):
    steps = configure(layout=layout).Autograde.autograde_preprocessors
    assert steps.index(SaveAudit) < steps.index(ClearMetadataPreprocessor)
    # …and is written again after the kernel ran (over anything it wrote there), with what grading found
    last = len(steps) - 1 - steps[::-1].index(SaveAudit)
    assert steps.index(LimitOutputBytes) < last < steps.index(SaveAutoGrades)


def test_feedback_redacts_hidden_tests_and_mark_schemes(layout):
    steps = configure(layout=layout).GenerateFeedback.preprocessors
    assert RedactHiddenTests in steps and RedactMarkScheme in steps
    assert steps.index(GetGrades) < steps.index(RedactHiddenTests)
    assert steps[-1] is CSSHTMLHeaderPreprocessor


@pytest.mark.parametrize("line", [
    "/home/t1/.venv/lib/python3.11/site-packages/x.py:12: DeprecationWarning: use y instead",
    "  warnings.warn('z', FutureWarning)",
    "/tmp/ipykernel_1/123.py:3: UserWarning: FigureCanvasAgg is non-interactive",
    "RuntimeWarning: invalid value encountered in divide",
    "Matplotlib is building the font cache; this may take a moment.",
    "/x.py:5: UserWarning: Glyph 1575 (\\N{ARABIC LETTER ALEF}) missing from font(s) DejaVu Sans.",
])
def test_ignored_stderr_matches_harmless_lines(line):
    assert re.search(IGNORED_STDERR, line)


@pytest.mark.parametrize("line", [
    "Traceback (most recent call last):",
    "AssertionError: expected 4, got 5",
    "NameError: name 'double' is not defined",
    "Warning: something",  # a bare word is not one of the known warnings
    "error: could not read file",
])
def test_ignored_stderr_keeps_real_errors(line):
    assert not re.search(IGNORED_STDERR, line)


def test_ignore_pattern_drops_only_harmless_stderr(layout):
    c = configure(layout=layout)
    step = IgnorePattern(config=c)
    assert step.enabled and step.pattern == IGNORED_STDERR
    cell = new_code_cell("assert double(2) == 4")
    cell.outputs = [
        new_output("stream", name="stderr", text="/x.py:1: DeprecationWarning: old\n"),
        new_output("stream", name="stderr", text="AssertionError: wrong\n"),
        new_output("stream", name="stdout", text="DeprecationWarning in stdout is kept\n"),
    ]
    cell, _ = step.preprocess_cell(cell, {}, 0)
    assert [o.text for o in cell.outputs] == ["AssertionError: wrong\n", "DeprecationWarning in stdout is kept\n"]


def test_repository_nbgrader_config_gives_the_same_course():
    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    expected = configure(layout=Layout())
    assert loaded.CourseDirectory.course_id == expected.CourseDirectory.course_id == COURSE_ID
    assert loaded.CourseDirectory.source_directory == expected.CourseDirectory.source_directory == "notebooks"
    assert loaded.CourseDirectory.root == str(REPO)
    assert loaded.CourseDirectory.db_url == expected.CourseDirectory.db_url
    assert loaded.Autograde.autograde_preprocessors == expected.Autograde.autograde_preprocessors
    assert loaded.Autograde.sanitize_preprocessors == expected.Autograde.sanitize_preprocessors


def test_graded_kernels_run_as_the_trainee_and_keep_execute_settings(layout):
    c = configure(layout=layout, timeout=7)
    assert ExecuteAsTrainee(config=c).timeout == 7  # nbgrader's Execute settings reach the subclass
    assert issubclass(ExecuteAsTrainee, Execute)


def test_grading_kernels_are_sandboxed_away_from_the_source_nbgraders_folders_and_the_gradebook(monkeypatch, tmp_path):
    layout = Layout(root=tmp_path, work="build")
    hidden = configure(layout=layout).ExecuteAsTrainee.hidden_paths
    assert {str(tmp_path / "notebooks"), str(layout.base), str(layout.exchange)} <= set(hidden)
    monkeypatch.setenv("HIMAYA_DB_URL", f"sqlite:///{tmp_path / 'elsewhere' / 'grades.db'}?timeout=60")
    assert str(tmp_path / "elsewhere") in configure(layout=layout).ExecuteAsTrainee.hidden_paths
    # validated once per notebook, after the last preprocessor, not after each (nbconvert's option)
    assert configure(layout=layout).NotebookExporter.optimistic_validation is True


def _formgrader_config(layout) -> Config:
    """The configuration formgrader's server extension runs with: its own settings, then the course's file."""
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    c = FormgradeExtension().build_extra_config()
    c.merge(configure(layout=layout))
    return c


def test_formgrader_renders_a_submission_with_its_own_template(layout, fixture_notebooks):
    """#14: formgrader's submission page was HTTP 500 (TemplateNotFound: himaya.html.j2)."""
    import nbformat
    from nbconvert.exporters import HTMLExporter

    exporter = HTMLExporter(config=_formgrader_config(layout))  # as formgrader builds it (no parent)
    nb = nbformat.read(str(fixture_notebooks / "m99-fixture" / "m99-fixture.ipynb"), as_version=4)
    resources = {"assignment_id": "m99-fixture", "notebook_id": "m99-fixture", "submission_id": "s1", "index": 0,
                 "total": 1, "base_url": "", "student": "t1", "last_name": None, "first_name": None,
                 "notebook_path": "autograded/t1/m99-fixture/m99-fixture.ipynb"}
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    assert exporter.template_name == "formgrade" and exporter.template_file != "himaya.html.j2"
    # the written answer's task cell gets formgrader's score field and comment box
    assert 'class="score tabbable" id="m99-q8"' in html and 'id="m99-q8-comment"' in html
    # every script from formgrader itself: a closed network has no CDN (MathJax came from cdnjs and, missing,
    # stopped formgrader's own script)
    assert not re.findall(r'<script[^>]+src="(?:https?:)?//[^"]*"', html)
    assert html.count("/formgrader/static/js/formgrade.js") == 1 and html.count("<html") == 1


def test_feedback_keeps_the_course_template(layout):
    """The exporter nbgrader's GenerateFeedback makes (its child) uses the course's feedback page, and compiles its
    templates once a process."""
    from nbgrader.converters import GenerateFeedback

    from grading.feedback.exporter import COMPILED, FeedbackExporter

    for c in (configure(layout=layout), _formgrader_config(layout)):
        feedback = GenerateFeedback(coursedir=CourseDirectory(config=c), config=c)
        assert feedback.exporter_class is FeedbackExporter
        exporter = feedback.exporter_class(parent=feedback, config=feedback.config)  # as BaseConverter.start does
        assert exporter.template_file == "himaya.html.j2" and exporter.template_name == "feedback"
        assert exporter.extra_template_basedirs[0].endswith("grading/templates")
        assert exporter.environment.bytecode_cache is COMPILED
        template = exporter.environment.get_template("himaya.html.j2")
        assert exporter.environment.bytecode_cache._code  # compiled once, kept for the next trainee's exporter
        again = feedback.exporter_class(parent=feedback, config=feedback.config).environment.get_template("himaya.html.j2")
        assert again is not template and again.filename == template.filename


def test_a_changed_template_is_compiled_again(tmp_path):
    """The process's compiled templates are checked against each template's source: an edit is not masked."""
    from jinja2 import Environment, FileSystemLoader

    from grading.feedback.exporter import CompiledTemplates

    cache = CompiledTemplates()
    (tmp_path / "page.j2").write_text("one {{ x }}")
    env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
    assert env.get_template("page.j2").render(x=1) == "one 1" and len(cache._code) == 1
    (tmp_path / "page.j2").write_text("two {{ x }}")
    fresh = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
    assert fresh.get_template("page.j2").render(x=2) == "two 2"


# -- the course root's own nbgrader_config.py reaches python -m grading ---------------------------
INSTRUCTOR_CONFIG = '''
from pathlib import Path
from grading.config import Layout, configure
configure(get_config(), Layout(root=Path(__file__).resolve().parent, work="somewhere/else"))
c.ExecuteAsTrainee.sandbox = "bwrap"
c.ZipCollector.max_files = 3
c.LatePolicy.per_day = 0.25
'''


def test_the_instructors_own_settings_in_the_course_root_reach_a_course(tmp_path):
    """SECURITY.md tells instructors to set ExecuteAsTrainee.sandbox = "bwrap" in nbgrader_config.py:
    python -m grading (a Course) used to check that the file loads and then ignore it."""
    from grading.course import Course

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "nbgrader_config.py").write_text(INSTRUCTOR_CONFIG)
    course = Course(Layout(root=tmp_path, work="build"))
    assert course.config.ExecuteAsTrainee.sandbox == "bwrap"
    assert course.config.ZipCollector.max_files == 3
    assert course.config.LatePolicy.per_day == 0.25
    # the Course's own folders stay its layout's, not the file's
    assert course.config.CourseDirectory.autograded_directory == "build/autograded"
    assert course.config.CourseDirectory.db_url == Layout(root=tmp_path, work="build").db_url
    # and grading without a kernel stays without one: the file's (executing) pipeline is configure's own
    kernel_free = course._api_without_kernel.config.Autograde.autograde_preprocessors
    assert ExecuteAsTrainee not in kernel_free


def test_a_course_root_without_its_own_settings_changes_nothing(tmp_path):
    from grading.config import course_file_settings

    assert course_file_settings(tmp_path) == Config()
    (tmp_path / "nbgrader_config.py").write_text(
        "from pathlib import Path\nfrom grading.config import Layout, configure\n"
        "configure(get_config(), Layout(root=Path(__file__).resolve().parent))\n")
    assert course_file_settings(tmp_path) == Config()
