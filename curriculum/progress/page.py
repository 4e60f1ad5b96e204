"""The trainee's progress page: ``<base_url>himaya/progress`` on the trainee's own Jupyter server.

A page rather than a notebook: an officer opens it with one address (``make
lab`` prints it; the hub's home page can link it) and reads it at once, with
no kernel to start, no cell to run and no code on screen; it is always
current, since it is made when opened.  It is in the trainee's language (the
course's language setting, ``HIMAYA_LANG``; a link switches to the other),
Arabic right to left.

It lists what nbgrader's Assignment List lists, through nbgrader's own
``AssignmentList`` (the server's nbgrader configuration, the trainee as
student), and reads only the trainee's folder (the server's root) and their
own cached submissions (curriculum/progress/state.py).  It takes no path or
trainee from the request, writes nothing, runs no script
(Content-Security-Policy) and needs the server's login, like every page of
the server.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Enum, Float, Unicode
from traitlets.config import Configurable

from ..mastery import MASTERY_SHARE
from ..settings import LANGUAGES, settings
from . import state

ROOT = "himaya/progress"
TEMPLATE = Path(__file__).resolve().parent / "page.html.j2"
PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'self'")


class Progress(Configurable):
    """Settings of the trainee's progress page (``c.Progress`` in the server's configuration)."""

    mastery_share = Float(
        MASTERY_SHARE, min=0.0, max=1.0, config=True,
        help="Share of an outcome's points (0–1) that counts as mastered; the cohort report's "
             "c.LearningGain.mastery_share has the same default (curriculum/mastery.py).",
    )
    trainee = Unicode(
        config=True,
        help="The trainee whose progress the page shows: by default the course's trainee setting "
             "(HIMAYA_TRAINEE, then JUPYTERHUB_USER, then the login name), as their kernels and nbgrader use.",
    )
    language = Enum(
        ("",) + LANGUAGES, default_value="", config=True,
        help="The page's language when the address names none: by default the course's language setting "
             "(HIMAYA_LANG, Arabic first).",
    )


def listings(root_dir: str, trainee: str) -> tuple[tuple[list[dict], list[dict]], list[str]]:
    """nbgrader's released and submitted listings for ``trainee`` (what the Assignment List shows them), and problems."""
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    class Own(AssignmentList):
        @contextlib.contextmanager
        def get_assignment_dir_config(self):
            with super().get_assignment_dir_config() as config:
                config.CourseDirectory.student_id = trainee  # only this trainee's cached submissions
                yield config

    lister = Own()
    lister.root_dir = root_dir
    released, submitted = lister.list_released_assignments(), lister.list_submitted_assignments()
    problems = [r["value"] for r in (released, submitted) if not r["success"]]
    return (released["value"] if released["success"] else [],
            submitted["value"] if submitted["success"] else []), problems


def render(modules: list[state.Module], lang: str, trainee: str, base_url: str, problems=(),
           mastery_share: float = MASTERY_SHARE) -> str:
    """The page's HTML: every module's state in ``lang``, links under ``base_url``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    graded = [m for m in modules if m.state == "graded" and not m.check]
    mastered = [o for m in graded for o in m.outcomes if o.mastered]
    assessed = [o for m in graded for o in m.outcomes]
    return env.get_template(TEMPLATE.name).render(
        lang=lang, other="en" if lang == "ar" else "ar", T=TEXTS[lang], trainee=trainee, modules=modules,
        graded=graded, mastered=mastered, assessed=assessed, problems=list(problems),
        files=lambda path: url_path_join(base_url, "files", quote(path)),
        page=url_path_join(base_url, ROOT), mastery_share=mastery_share,
    )


class ProgressHandler(JupyterHandler):
    @property
    def content_security_policy(self) -> str:
        return PAGE_POLICY

    @web.authenticated
    def get(self):
        config: Progress = self.settings["himaya_progress"]
        lang = self.get_query_argument("lang", "") or config.language or settings.language
        if lang not in LANGUAGES:
            raise web.HTTPError(400, "lang must be ar or en")
        trainee = config.trainee or settings.trainee
        root = self.settings.get("server_root_dir") or "."
        (released, submitted), problems = listings(root, trainee)
        from .. import syllabus
        from ..check import CheckError, load

        try:
            check = load()
        except CheckError:
            check = None
        modules = state.progress(Path(root), trainee, released, submitted, syllabus.load(), check,
                                 config.mastery_share)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(render(modules, lang, trainee, self.base_url, problems, config.mastery_share))


def load(serverapp) -> None:
    """Add the page to ``serverapp`` (jupyter_server calls this for the ``curriculum.progress`` extension)."""
    web_app = serverapp.web_app
    web_app.settings["himaya_progress"] = Progress(parent=serverapp)
    web_app.settings.setdefault("server_root_dir", serverapp.root_dir)
    web_app.add_handlers(".*$", [(url_path_join(web_app.settings["base_url"], ROOT), ProgressHandler)])
    serverapp.log.info("Himaya progress page at %s", url_path_join(web_app.settings["base_url"], ROOT))


TEXTS = {
    "ar": {
        "title": "تقدّمي في دورة حماية",
        "trainee": "المتدرّب",
        "switch": "English",
        "summary": "الوحدات المقيَّمة: {graded} من {core} · نواتج التعلّم المتقَنة حتى الآن: {mastered} من {assessed}",
        "module": "الوحدة", "state": "الحالة", "details": "التفاصيل",
        "not_started": "لم تبدأ", "in_progress": "قيد الإنجاز", "submitted": "سُلِّمت", "graded": "قُيِّمت",
        "not_released": "لم يطرحها المدرّب بعد.",
        "fetch": Markup('متاحة: اجلبها من قائمة <bdi dir="ltr">Nbgrader › Assignment List</bdi>.'),
        "opened": "جُلبت، ولم تُجب عن أي سؤال بعد.",
        "answered": "أجبت عن {answered} من {items} سؤالًا ({share}).",
        "lab": "مختبر اختياري: أكمل الخلايا البرمجية ثم سلّمه.",
        "submitted_at": "سُلِّمت في",
        "feedback_ready": Markup('التقييم جاهز: اجلبه من <bdi dir="ltr">Assignment List › Fetch Feedback</bdi>.'),
        "score": "الدرجة: {score} من {max} ({share})",
        "late": "بعد خصم التأخير ({penalty})",
        "awaiting": "إجابات مكتوبة بانتظار تقييم المدرّب: {n}",
        "open_feedback": "افتح صفحة التقييم",
        "outcomes": "نواتج التعلّم",
        "mastered": "متقَن", "not_yet": "لم يُتقَن بعد", "waiting": "بانتظار التقييم",
        "mastered_title": "ما أتقنته حتى الآن",
        "none_mastered": "لا شيء بعد: تظهر هنا نواتج التعلّم بعد تقييم وحداتك.",
        "optional": "اختياري", "check": "لا يُحتسب في الدرجات",
        "rule": "يُعدّ ناتج التعلّم متقَنًا إذا نلت {share} على الأقل من درجات أسئلته.",
        "problem": "تعذّر قراءة قائمة الوحدات من nbgrader؛ أخبر مدرّبك.",
    },
    "en": {
        "title": "My progress in the Himaya course",
        "trainee": "Trainee",
        "switch": "العربية",
        "summary": "Modules graded: {graded} of {core} · learning outcomes mastered so far: {mastered} of {assessed}",
        "module": "Module", "state": "State", "details": "Details",
        "not_started": "Not started", "in_progress": "In progress", "submitted": "Submitted", "graded": "Graded",
        "not_released": "Not released by your instructor yet.",
        "fetch": "Available: fetch it from Nbgrader › Assignment List.",
        "opened": "Fetched; no question answered yet.",
        "answered": "{answered} of {items} questions answered ({share}).",
        "lab": "Optional lab: complete the code cells, then submit it.",
        "submitted_at": "Submitted on",
        "feedback_ready": "Your feedback is ready: Assignment List › Fetch Feedback.",
        "score": "Score: {score} of {max} ({share})",
        "late": "after the late penalty ({penalty})",
        "awaiting": "Written answers awaiting your instructor: {n}",
        "open_feedback": "Open the feedback page",
        "outcomes": "Learning outcomes",
        "mastered": "mastered", "not_yet": "not yet mastered", "waiting": "awaiting grading",
        "mastered_title": "What I have mastered so far",
        "none_mastered": "Nothing yet: learning outcomes appear here once your modules are graded.",
        "optional": "optional", "check": "counts toward no grade",
        "rule": "A learning outcome counts as mastered when you earned at least {share} of its questions' points.",
        "problem": "nbgrader's list of modules could not be read; tell your instructor.",
    },
}
