"""The grading page: a jupyter_server extension beside formgrader, at ``<base_url>himaya/marking``.

The page (``static/``: HTML, vanilla JavaScript and CSS, nothing from a CDN)
talks to a small JSON API under ``himaya/marking/api/``; every handler needs
the server's login, as formgrader's do, and writes only through
:class:`~grading.marking.queue.ItemQueue`.  A trainee's text reaches the page
only as JSON and is put into the page with ``textContent``; the page's
Content-Security-Policy allows scripts and styles from this server only, and
fetches from nowhere else, so nothing a trainee wrote can run or load.

The API names answers by pseudonym, never by trainee id, until the grader
asks for one to be revealed.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from curriculum.ids import ITEM_ROUTE, MODULE_ROUTE

from . import revisions
from .criteria import RubricProblem
from .order import ARRANGEMENTS
from .queue import ItemQueue, QueueProblem, written_items
from .scoring import MarkProblem, Marks
from .settings import Marking

STATIC = Path(__file__).resolve().parent / "static"
ROOT = "himaya/marking"
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
               "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
_MODULE, _ITEM = MODULE_ROUTE, ITEM_ROUTE  # the shapes of module and item names (curriculum/ids.py)
_CODE = r"([0-9A-Z]{5})"


class _Marking:
    """What every handler shares: the settings, the course's layout, the grader's name."""

    @property
    def marking(self) -> Marking:
        return self.settings["himaya_marking"]

    @property
    def layout(self):
        return self.marking.layout(self.settings.get("server_root_dir", ""))

    @property
    def grader(self) -> str:
        return self.marking.grader or self.current_user.username

    def queue(self, module: str, item: str) -> ItemQueue:
        try:
            arrangement = self.get_query_argument("order", "random")  # the grader's toggle: similar answers together
            if arrangement not in ARRANGEMENTS:
                raise web.HTTPError(400, f"unknown order {arrangement!r}: choose {' or '.join(ARRANGEMENTS)}")
            return ItemQueue(self.layout, module, item, self.grader, self.marking.lease_minutes * 60,
                             double_share=self.marking.double_share, arrangement=arrangement, remember=True)
        except (QueueProblem, RubricProblem) as problem:
            raise web.HTTPError(404, str(problem)) from None


class PageHandler(_Marking, JupyterHandler):
    @property
    def content_security_policy(self) -> str:
        return PAGE_POLICY

    @web.authenticated
    def get(self):
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        base = url_path_join(self.base_url, ROOT)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(page.replace("{{base}}", html.escape(base, quote=True))
                    .replace("{{xsrf}}", html.escape(self.xsrf_token.decode(), quote=True))
                    .replace("{{grader}}", html.escape(self.grader, quote=True)))


class StaticHandler(JupyterHandler, web.StaticFileHandler):
    """The page's script and styles, to logged-in users only."""

    @property
    def content_security_policy(self) -> str:
        return PAGE_POLICY

    @web.authenticated
    def get(self, path: str, include_body: bool = True):
        return web.StaticFileHandler.get(self, path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


class _Api(_Marking, APIHandler):
    def answer_view(self, queue: ItemQueue, trainee: str, grades: dict, marks: dict, answers: dict) -> dict:
        """What this grader may see of an answer: a blind second grader gets neither the first grader's
        criteria nor the score (grading/marking/double.py); both marks show once both are in and differ."""
        answer = answers[trainee]
        grade = grades.get(trainee) or {}
        mark = marks[trainee]
        role, own = mark.role(queue.grader), mark.own(queue.grader)
        held = queue.store.leases(queue.module, queue.item).get(trainee)
        ordered = queue.ordered(answers)
        if role == "second":  # blind: only this grader's own second mark, never the gradebook's score
            graded, score, elsewhere = own is not None, own.score if own else None, False
        else:
            graded = queue.is_graded(grade) and mark.state != "disagree"
            score = grade.get("manual_score") if graded else None
            kept = mark.in_gradebook
            elsewhere = graded and (kept is None or kept.score != grade.get("manual_score"))
        return {
            "code": queue.pseudonym(trainee), "position": ordered.index(trainee) + 1,
            "text": answer.text, "lang": answer.lang,
            "graded": graded, "score": score,
            "marks": own.marks if own else None,
            "graded_elsewhere": elsewhere,
            "held_by_other": bool(held and held != queue.grader),
            # sent back by a rubric change: why, and what was decided before (grading/marking/revisions.py)
            "review": revisions.review(queue.store, queue.module, queue.item, trainee),
            "double": {"role": role, "state": mark.state if role != "second" else ("second" if own else "blind"),
                       "both": mark.both()},
            "progress": self.progress(queue, grades, answers, marks),
        }

    @staticmethod
    def progress(queue: ItemQueue, grades: dict, answers: dict, marks: dict) -> dict:
        # an answer graded in formgrader has no first mark on this page, so no second marking is asked of it
        doubled = [m for t, m in marks.items() if t in answers and m.double
                   and (m.first is not None or not queue.is_graded(grades.get(t)))]
        return {"graded": sum(queue.is_graded(grades.get(t)) for t in answers), "total": len(answers),
                "second": {"done": sum(m.second is not None for m in doubled), "total": len(doubled)},
                "to_settle": sum(m.state == "disagree" for m in doubled)}

    def write_json(self, data) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))


class ItemsHandler(_Api):
    @web.authenticated
    def get(self):
        layout = self.layout
        source = layout.root / "notebooks"
        found = []
        for module in sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []:
            for written in written_items(source, module):
                found.append({"module": module, "item": written.item, "prompt": written.prompt,
                              "submitted": (layout.step("autograded").is_dir() and any(
                                  (p / module).is_dir() for p in layout.step("autograded").iterdir()))})
        self.write_json({"grader": self.grader, "items": found})


class ItemHandler(_Api):
    @web.authenticated
    def get(self, module: str, item: str):
        queue = self.queue(module, item)
        changed = revisions.rescore(queue)  # a rubric edited since answers were graded: re-scored before showing
        queue.forget()
        answers, grades = queue.answers(), queue.grades()
        warnings = []
        maxima = {g["max_score"] for g in grades.values() if g.get("max_score") is not None}
        if maxima and maxima != {queue.rubric.max_points}:
            warnings.append(f"{item}: the rubric's criteria add up to {queue.rubric.max_points:g} points, the "
                            f"notebook gives {', '.join(f'{m:g}' for m in sorted(maxima))}; scores are kept within both")
        self.write_json({"module": module, "item": item, "prompt": queue.written.prompt,
                         "rubric": queue.rubric.to_json(), "points": queue.written.points,
                         "order": [queue.pseudonym(t) for t in queue.ordered(answers)],
                         "progress": self.progress(queue, grades, answers, queue.marks(answers)),
                         "warnings": warnings,
                         "lease_minutes": self.marking.lease_minutes,
                         "rubric_changes": {**changed.to_json(),
                                            "waiting": len(revisions.reviews(queue.store, module, item))}})


class AnswerHandler(_Api):
    def _find(self, queue: ItemQueue, code: str, answers: dict) -> str:
        for trainee in answers:
            if queue.pseudonym(trainee) == code:
                return trainee
        raise web.HTTPError(404, f"no answer {code} to {queue.item}")

    @web.authenticated
    def get(self, module: str, item: str, code: str):
        queue = self.queue(module, item)
        answers = queue.answers()
        trainee = self._find(queue, code, answers)
        if queue.store.leases(module, item).get(trainee) == queue.grader:  # still reading it: keep it theirs
            queue.store.lease(module, item, trainee, queue.grader, queue.lease_seconds)
        self.write_json(self.answer_view(queue, trainee, queue.grades(), queue.marks(answers), answers))

    @web.authenticated
    def put(self, module: str, item: str, code: str):
        queue = self.queue(module, item)
        answers = queue.answers()
        trainee = self._find(queue, code, answers)
        try:
            marks = Marks.from_json(self.get_json_body() or {}, queue.rubric)
            queue.save(trainee, marks)
        except (MarkProblem, QueueProblem) as problem:
            self.set_status(400)
            return self.write_json({"message": str(problem)})
        self.write_json(self.answer_view(queue, trainee, queue.grades(), queue.marks(answers), answers))


class NextHandler(_Api):
    @web.authenticated
    def post(self, module: str, item: str):
        """The next answer to grade (first or blind second marking), or with ``?settle=1`` the next disagreement."""
        queue = self.queue(module, item)
        trainee = queue.next_to_settle() if self.get_query_argument("settle", "") else queue.next_ungraded()
        answers, grades = queue.answers(), queue.grades()
        marks = queue.marks(answers)
        # the answer itself comes with it: the page shows it without asking again (one request less per key press)
        self.write_json({"code": queue.pseudonym(trainee) if trainee else None,
                         "view": self.answer_view(queue, trainee, grades, marks, answers) if trainee else None,
                         "progress": self.progress(queue, grades, answers, marks)})


class RevealHandler(_Api):
    @web.authenticated
    def post(self, module: str, item: str, code: str):
        queue = self.queue(module, item)
        answers = queue.answers()
        for trainee in answers:
            if queue.pseudonym(trainee) == code:
                self.log.info("himaya marking: %s revealed %s on %s", queue.grader, code, item)
                return self.write_json({"code": code, "trainee": trainee})
        raise web.HTTPError(404, f"no answer {code} to {item}")


def load(serverapp) -> None:
    """Add the page and its API to ``serverapp`` (called by jupyter_server for the ``grading.marking`` extension)."""
    web_app = serverapp.web_app
    web_app.settings["himaya_marking"] = Marking(parent=serverapp)
    web_app.settings.setdefault("server_root_dir", serverapp.root_dir)
    base = url_path_join(web_app.settings["base_url"], ROOT)
    api = url_path_join(base, "api", "items", _MODULE, _ITEM)
    web_app.add_handlers(".*$", [
        (base, PageHandler),
        (url_path_join(base, "static", "(.*)"), StaticHandler, {"path": str(STATIC)}),
        (url_path_join(base, "api", "items"), ItemsHandler),
        (api, ItemHandler),
        (url_path_join(api, "next"), NextHandler),
        (url_path_join(api, "answers", _CODE), AnswerHandler),
        (url_path_join(api, "answers", _CODE, "reveal"), RevealHandler),
    ])
    serverapp.log.info("Himaya grading page at %s", base)
