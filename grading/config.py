"""The course's nbgrader configuration, in one place.

``nbgrader_config.py`` at the repository root calls :func:`configure`, so the
plain ``nbgrader`` commands and formgrader see the same settings as
``python -m grading``.  Everything nbgrader generates lives under
``build/<work>/`` (git-ignored), except where a deployment says otherwise:
``HIMAYA_DB_URL`` puts the gradebook on a database server (e.g.
``postgresql+psycopg2://grader:…@db/himaya``) and ``HIMAYA_EXCHANGE`` puts nbgrader's
exchange on a folder shared by every user of a JupyterHub (``deploy/``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, ClearOutput, DeduplicateIds, GetGrades, IgnorePattern, OverwriteKernelspec,
)
import nbgrader
from nbgrader.converters import GenerateAssignment
from traitlets.config import Config

from .kernel_language import KernelLanguageInfo
from .late import LatePolicy
from .feedback.teach import TeachFeedback  # after the redaction: question, answer in words, key after the due date
from .preprocessors import (
    AuditOutputs, AuditSubmission, CheckCellMetadata, ExecuteAsTrainee, HideWidgetKeys, LimitOutputBytes,
    RedactHiddenTests, RedactMarkScheme, RestoreCells, SaveAudit, SaveAutoGrades, ScoreWidgetAnswers, SnapshotAnswers,
)

COURSE_ID = "himaya"
TEMPLATES = Path(__file__).resolve().parent / "templates"
NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
REPO = Path(__file__).resolve().parent.parent

#: Known harmless stderr lines removed before scoring: any stderr in a test
#: cell scores 0 in nbgrader, and these say nothing about the answer.
IGNORED_STDERR = "|".join([
    r"Matplotlib is building the font cache",
    r"(?:Deprecation|Future|User|Runtime)Warning",
    r"Glyph \d+ .*missing from font",
])


@dataclass(frozen=True)
class Layout:
    """Where a course's generated folders live: ``root/work/...``."""

    root: Path = REPO
    work: str = "build/course"

    @property
    def base(self) -> Path:
        return self.root / self.work

    def step(self, name: str) -> Path:
        return self.base / name

    @property
    def db_url(self) -> str:
        """The gradebook: ``HIMAYA_DB_URL`` (any SQLAlchemy URL, e.g. PostgreSQL), else SQLite under ``base``."""
        if os.environ.get("HIMAYA_DB_URL", "").strip():
            return os.environ["HIMAYA_DB_URL"].strip()
        # wait (up to 60 s) for a lock rather than fail when grading processes write at once
        return f"sqlite:///{self.base / 'gradebook.db'}?timeout=60"

    @property
    def exchange(self) -> Path:
        """nbgrader's exchange: ``HIMAYA_EXCHANGE`` (a folder shared on a hub), else under ``base``."""
        if os.environ.get("HIMAYA_EXCHANGE", "").strip():
            return Path(os.environ["HIMAYA_EXCHANGE"].strip())
        return self.base / "exchange"

    @property
    def group_shared(self) -> bool:
        """Several instructors share this course: its root is group-writable and setgid (deploy/README.md,
        step 4). nbgrader then keeps every file it writes group-writable (``CourseDirectory.groupshared``)."""
        try:
            mode = self.root.stat().st_mode
        except OSError:
            return False
        return mode & 0o2070 == 0o2070


def configure(c: Config | None = None, layout: Layout | None = None, *, timeout: int = 60,
              execute: bool = True) -> Config:
    """Fill ``c`` with Himaya's nbgrader settings for ``layout`` and return it.

    ``execute=False`` grades without starting a kernel: right for modules whose
    graded items are all widget items, scored from the answers file in the
    grader's process, where nothing the notebook computes can change a score.
    """
    c = Config() if c is None else c
    layout = layout or Layout()
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.root = str(layout.root)
    c.CourseDirectory.source_directory = "notebooks"
    for step in ("release", "submitted", "autograded", "feedback", "solution", "source_with_tests"):
        setattr(c.CourseDirectory, f"{step}_directory", f"{layout.work}/{step}")
    c.CourseDirectory.db_url = layout.db_url
    # a course directory the instructors' group shares: what one instructor's nbgrader writes, the others can
    # replace (collect --update, autograde --force, feedback); nbgrader's own option, read from the folder's mode
    c.CourseDirectory.groupshared = layout.group_shared
    c.Exchange.root = str(layout.exchange)
    # A trainee who strips a test cell's metadata must not escape the test.
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.sanitize_preprocessors = [
        AuditOutputs, ClearOutput, DeduplicateIds, OverwriteKernelspec, AuditSubmission, RestoreCells, CheckCellMetadata,
    ]
    # nbconvert validates the whole notebook after every preprocessor by default (about twenty here: the
    # largest single cost of grading without a kernel); once, after the last, still fails an invalid result
    c.NotebookExporter.optimistic_validation = True
    # what a grading kernel's sandbox hides (grading/sandbox.py): the source with its hidden tests and keys,
    # nbgrader's folders (gradebook, every submission), the exchange
    c.ExecuteAsTrainee.hidden_paths = [str(layout.root / "notebooks"), str(layout.base), str(layout.exchange),
                                       *_sqlite_folder(layout.db_url)]
    # Validate also reports a failing locked cell that is not a grade cell: a written answer's widget names
    # itself there when nothing is written yet (as deploy/jupyter/common/nbgrader_config.py, for trainees)
    c.Validator.validate_all = True
    c.Execute.timeout = timeout
    c.Execute.interrupt_on_timeout = True
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = IGNORED_STDERR
    c.Autograde.autograde_preprocessors = [
        SaveAudit, SnapshotAnswers, HideWidgetKeys, *([ExecuteAsTrainee] if execute else []), IgnorePattern,
        ClearMetadataPreprocessor, LimitOutputBytes, ScoreWidgetAnswers, SaveAudit, SaveAutoGrades,
        AssignLatePenalties, CheckCellMetadata,
    ]
    # released notebooks carry the course kernel's language_info: JupyterLab would otherwise mark each one
    # unsaved the moment its kernel starts (grading/kernel_language.py)
    c.GenerateAssignment.preprocessors = [*GenerateAssignment.class_traits()["preprocessors"].default(),
                                          KernelLanguageInfo]
    # Symlinks and special files in the exchange are skipped (and reported), never followed.
    c.ExchangeFactory.collect = "grading.exchange.SafeCollect"
    # The late policy (grading/late.py, stated in README): after the due date of each module (its nbgrader
    # duedate) and a grace period, a penalty. The same penalty in autograde, feedback, grades.csv and the report
    c.AssignLatePenalties.plugin_class = LatePolicy
    c.LatePolicy.penalty_method = "per_day"  # or "none" (flag only) or "zero"
    c.LatePolicy.grace_minutes = 60.0
    c.LatePolicy.per_day = 0.1  # share of the score lost per started day late
    # `nbgrader export` writes the course's grades.csv (roster merged; grading/reporting/export.py), as `python -m grading export`
    c.ExportApp.plugin_class = "grading.reporting.export.CourseExport"
    # formgrader renders a submission with an HTMLExporter of its own (no parent) and its template 'formgrade':
    # grading/templates/formgrade/index.html.j2 extends nbgrader's, without MathJax from a CDN
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    c.HTMLExporter.extra_template_paths = [str(NBGRADER_TEMPLATES)]  # where 'formgrade/index.html.j2' is found
    # every page rendered from a trainee's notebook (formgrader's, feedback) runs and fetches nothing they wrote
    c.HTMLExporter.preprocessors = ["grading.feedback.inert.InertTraineeContent"]
    # nbgrader's feedback page in the language each trainee chose: grading/templates/feedback/himaya.html.j2
    # extends nbgrader's own feedback template. Only for the exporter GenerateFeedback makes (its child)
    c.GenerateFeedback.exporter_class = "grading.feedback.exporter.FeedbackExporter"  # templates compiled once
    c.GenerateFeedback.HTMLExporter.template_name = "feedback"
    c.GenerateFeedback.HTMLExporter.template_file = "himaya.html.j2"
    c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    c.GenerateFeedback.preprocessors = [
        GetGrades, RedactHiddenTests, RedactMarkScheme, TeachFeedback, CSSHTMLHeaderPreprocessor,
    ]
    # first, the late penalty again, on the score as graded now (written answers included): GetGrades shows it
    c.GenerateFeedback.preprocessors = [AssignLatePenalties, *c.GenerateFeedback.preprocessors]
    return c


def _sqlite_folder(url: str) -> list[str]:
    """The folder of a SQLite gradebook set elsewhere than nbgrader's folders (``HIMAYA_DB_URL``)."""
    if url.startswith("sqlite:///"):
        return [str(Path(url[len("sqlite:///"):].split("?", 1)[0]).parent)]
    return []


class ConfigError(ValueError):
    """An nbgrader configuration file that cannot be loaded; the message names the file and the line."""


def nbgrader_config_files(root: Path) -> list[Path]:
    """Every nbgrader configuration file nbgrader and formgrader read for the course at ``root``.

    In the order nbgrader loads them: Jupyter's configuration folders, the
    current directory, then the course root (whose ``nbgrader_config.py``
    brings :func:`configure`).
    """
    from jupyter_core.paths import jupyter_config_path

    folders = [*reversed(jupyter_config_path()), os.getcwd(), str(root)]
    found, seen = [], set()
    for folder in folders:
        for name in ("nbgrader_config.py", "nbgrader_config.json"):
            path = Path(folder) / name
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(path)
    return found


#: Settings a course's folders decide (:class:`Layout`): a configuration file never moves them under a Course
LAYOUT_SETTINGS = {
    "CourseDirectory": {"root", "db_url", "course_id", "source_directory",
                        *(f"{step}_directory" for step in ("release", "submitted", "autograded", "feedback",
                                                           "solution", "source_with_tests"))},
    "Exchange": {"root"},
    "ExecuteAsTrainee": {"hidden_paths"},
}


def course_file_settings(root: Path) -> Config:
    """What the course root's ``nbgrader_config.py`` (or ``.json``) sets beyond :func:`configure`.

    An instructor's ``c.ExecuteAsTrainee.sandbox = "bwrap"``, ``c.ZipCollector.max_files`` or
    ``c.LatePolicy.per_day`` there must hold for ``python -m grading`` as for nbgrader's own commands and
    formgrader. What the file sets to :func:`configure`'s own values is left out (the kernel-free
    pipeline is not the file's), and so are the folders (the :class:`Layout` of the Course decides them).
    """
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    root = Path(root)
    found = Config()
    for name, loader in (("nbgrader_config.py", PyFileConfigLoader), ("nbgrader_config.json", JSONFileConfigLoader)):
        if (root / name).is_file():
            found.merge(loader(name, str(root)).load_config())
    defaults = configure(Config(), Layout(root=root, work=os.environ.get("HIMAYA_WORK") or "build/course"))
    changed = Config()
    for section, values in found.items():
        if not isinstance(values, Config):
            continue
        for key, value in values.items():
            if key in LAYOUT_SETTINGS.get(section, ()):
                continue
            if section in defaults and key in defaults[section] and defaults[section][key] == value:
                continue
            changed[section][key] = value
    return changed


def check_nbgrader_config(root: Path) -> None:
    """Load every nbgrader configuration file of the course; raise :class:`ConfigError` naming a broken one.

    nbgrader itself only logs such a file's error and goes on without it:
    formgrader would then work on the wrong folders or gradebook, silently.
    """
    import traceback

    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    for path in nbgrader_config_files(Path(root)):
        loader = (PyFileConfigLoader if path.suffix == ".py" else JSONFileConfigLoader)(path.name, str(path.parent))
        try:
            loader.load_config()
        except Exception as err:  # noqa: BLE001 - whatever the file does wrong, name it
            line = getattr(err, "lineno", None) if isinstance(err, SyntaxError) else None
            if line is None:
                frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path]
                line = frames[-1].lineno if frames else getattr(err, "lineno", None)
            where = f"{path}, line {line}" if line else str(path)
            what = err.msg if isinstance(err, SyntaxError) else str(err)
            raise ConfigError(
                f"{where}: {type(err).__name__}: {what}. nbgrader and formgrader read this configuration file "
                f"(and would silently go on without it): fix it, or remove it") from None
