"""The marking view's web server: tornado on 127.0.0.1, one token, inert pages.

Pages are rendered on the server (Jinja2, autoescaped); the only script is
``static/mark.js`` (keyboard shortcuts, and ``fetch()`` of the same server-rendered
fragments so that a key press updates the page in place), served from this package. Every response forbids
inline script, framing and outside resources, so even an answer that slipped past the
sanitiser could not run or phone home.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import tornado.web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from grader.course import Course
from grader.mark import questions as qs
from grader.mark import render, similar
from grader.mark.store import Conflict, Store

HERE = Path(__file__).parent
HOST = "127.0.0.1"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
#: The parts of the answer page that a JSON request gets back, each a ``_NAME.html`` template.
FRAGMENTS = ("nav", "answer", "marking")
_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


@dataclass
class Marking:
    """What the handlers share: the course, the assignment, its questions and students."""

    course: Course
    assignment: str
    token: str
    store: Store
    questions: list[qs.Question] = field(default_factory=list)
    students: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, course: Course, assignment: str, token: str | None = None) -> Marking:
        store = Store(course.db_url, assignment)
        found = qs.questions(course, assignment)
        for question in found:
            store.seed(question.key, question.starting_rubric())
        with course.gradebook() as gb:
            students = sorted(s.student.id for s in gb.find_assignment(assignment).submissions)
        return cls(course, assignment, token or secrets.token_urlsafe(24), store, found, students)

    def order(self, question: qs.Question) -> list[str]:
        return qs.order(self.assignment, question, self.students)


class Base(tornado.web.RequestHandler):
    """Checks the token on every request and sets the security headers."""

    marking: Marking

    def initialize(self, marking: Marking) -> None:
        self.marking = marking

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        given = self.get_argument("token", "")
        if not hmac.compare_digest(given.encode(), self.marking.token.encode()):
            raise tornado.web.HTTPError(403)

    def page(self, template: str, **values) -> None:
        values.update(token=self.marking.token, assignment=self.marking.assignment)
        self.finish(_templates.get_template(template).render(**values))

    def question(self, number: str) -> qs.Question:
        index = int(number)
        if not 0 <= index < len(self.marking.questions):
            raise tornado.web.HTTPError(404)
        return self.marking.questions[index]

    def link(self, path: str, **query) -> str:
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"{path}?token={self.marking.token}{extra}"


class Index(Base):
    def get(self) -> None:
        rows = []
        for number, question in enumerate(self.marking.questions):
            marks = [self.marking.store.mark(question.key, s) for s in self.marking.students]
            done = sum(m.score is not None for m in marks)
            rows.append((number, question, done))
        self.page("index.html", rows=rows, total=len(self.marking.students), link=self.link)


class Answer(Base):
    """One answer of one question; GET shows it, POST applies an action.

    Both answer in two ways: a whole page (a plain form post is redirected back to the
    page, so the view works without script), or, when the request asks for JSON as
    ``mark.js``'s ``fetch()`` does, the fragments of the page that change (navigation and
    progress, the answer, score and rubric) for the script to swap in place: a key press
    then costs one small request instead of a page load.
    """

    def get(self, number: str) -> None:
        question = self.question(number)
        order = self.marking.order(question)
        at = self._position(question, order)
        values = self._view(number, question, order, at)
        if self._wants_json():
            self._fragments(values)
        else:
            self.page("answer.html", conflict=self.get_argument("conflict", ""), **values)

    def _view(self, number: str, question: qs.Question, order: list[str], at: int) -> dict:
        """What the page and its fragments show for the answer at position ``at``."""
        student = order[at]
        store = self.marking.store
        marks = [store.mark(question.key, s) for s in order]
        done = sum(m.score is not None for m in marks)
        answer = qs.answer(self.marking.course, self.marking.assignment, question, student)
        return dict(
            question=question,
            number=number,
            at=at,
            count=len(order),
            done=done,
            mark=marks[at],
            items=store.items(question.key),
            answer=answer,
            html=Markup(answer.html),
            widgets=[Markup(w) for w in answer.widgets],
            prompt=Markup(render.markdown(question.prompt)),
            scheme=Markup(render.markdown(question.scheme)),
            reveal=done == len(order),
            student=student,
            link=self.link,
        )

    def _wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def _fragments(self, values: dict, conflict: str = "") -> None:
        """The changing parts of the page as JSON (HTML fragments rendered like the page)."""
        values.update(token=self.marking.token, assignment=self.marking.assignment)
        body = {
            name: _templates.get_template(f"_{name}.html").render(**values) for name in FRAGMENTS
        }
        score = values["mark"].score
        body.update(
            at=values["at"],
            count=values["count"],
            done=values["done"],
            score=score,
            url=self.link(f"/q/{values['number']}", at=values["at"]),
            conflict=conflict,
        )
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(body))

    def _position(self, question: qs.Question, order: list[str]) -> int:
        given = self.get_argument("at", "")
        if given.isdigit():
            return min(int(given), len(order) - 1)
        for at, student in enumerate(order):  # resume: the first answer not graded yet
            if self.marking.store.mark(question.key, student).score is None:
                return at
        return 0

    def post(self, number: str) -> None:
        question = self.question(number)
        order = self.marking.order(question)
        at = min(int(self.get_argument("at", "0")), len(order) - 1)
        try:
            at = self._apply(question, order, at)
        except Conflict as error:
            self.set_status(409)
            if self._wants_json():  # the fresh state, as the fallback's "try again" link shows
                self._fragments(self._view(number, question, order, at), conflict=str(error))
            else:
                back = self.link(f"/q/{number}", at=at)
                self.page("conflict.html", reason=str(error), back=back)
            return
        if self._wants_json():
            self._fragments(self._view(number, question, order, at))
        else:
            self.redirect(self.link(f"/q/{number}", at=at), status=303)

    def _apply(self, question: qs.Question, order: list[str], at: int) -> int:
        """Apply the posted action to the answer at ``at``; return the position to show next."""
        student = order[at]
        action = self.get_argument("action")
        seen_text = self.get_argument("seen", "")
        seen = float(seen_text) if seen_text else None
        store = self.marking.store
        if action == "toggle":
            store.toggle(question.key, student, int(self.get_argument("item")), seen)
        elif action == "note":
            adjustment = _float(self.get_argument("adjustment", "0"))
            store.annotate(
                question.key, student, adjustment, self.get_argument("comment", ""), seen
            )
            at = min(at + int(self.get_argument("advance", "0")), len(order) - 1)
        elif action == "add":
            store.add_item(
                question.key,
                self.get_argument("label"),
                _float(self.get_argument("points")),
                self.get_argument("comment", ""),
            )
        elif action == "edit":
            store.edit_item(
                question.key,
                int(self.get_argument("item")),
                self.get_argument("label"),
                _float(self.get_argument("points")),
                self.get_argument("comment", ""),
            )
        else:
            raise tornado.web.HTTPError(400)
        return at


class Item(Base):
    """Every answer that got one rubric item, side by side."""

    def get(self, number: str, item_id: str) -> None:
        question = self.question(number)
        item = next(
            (i for i in self.marking.store.items(question.key) if i.id == int(item_id)), None
        )
        if item is None:
            raise tornado.web.HTTPError(404)
        order = self.marking.order(question)
        given = set(self.marking.store.students_with(item.id))
        shown = [
            (at, Markup(qs.answer(self.marking.course, self.marking.assignment, question, s).html))
            for at, s in enumerate(order)
            if s in given
        ]
        self.page(
            "item.html", question=question, number=number, item=item, shown=shown, link=self.link
        )


class Stats(Base):
    """Score distribution and near-identical answers of one question."""

    def get(self, number: str) -> None:
        question = self.question(number)
        order = self.marking.order(question)
        scores = [self.marking.store.mark(question.key, s).score for s in order]
        answers = {
            s: qs.answer(self.marking.course, self.marking.assignment, question, s) for s in order
        }
        texts = {s: a.text + "\n".join(a.widgets) for s, a in answers.items()}
        blank = _blank(self.marking.course, self.marking.assignment, question)
        position = {s: at for at, s in enumerate(order)}
        found = [  # each pair in the order the grader meets them (the names stay hidden)
            (*sorted((position[a], position[b])), r) for a, b, r in similar.pairs(texts, blank)
        ]
        self.page(
            "stats.html",
            question=question,
            number=number,
            link=self.link,
            distribution=similar.distribution(scores),
            pairs=found,
            html={position[s]: Markup(a.html) for s, a in answers.items()},
        )


def _blank(course: Course, assignment: str, question: qs.Question) -> str:
    """The answer cell as released (what an untouched submission holds)."""
    release = course.release_dir / assignment / f"{question.notebook}.ipynb"
    try:
        cells = json.loads(release.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return ""
    for index, cell in enumerate(cells):
        if (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id") == question.grade_id:
            return "\n".join(qs.source_of(c) for c in qs.following(cells, index))
    return ""


def _float(text: str) -> float:
    try:
        return float(text.replace(",", ".").replace("−", "-"))
    except ValueError as error:
        raise tornado.web.HTTPError(400, "not a number") from error


def application(marking: Marking) -> tornado.web.Application:
    args = {"marking": marking}
    return tornado.web.Application(
        [
            (r"/", Index, args),
            (r"/q/([0-9]+)", Answer, args),
            (r"/q/([0-9]+)/item/([0-9]+)", Item, args),
            (r"/q/([0-9]+)/stats", Stats, args),
        ],
        static_path=str(HERE / "static"),
        static_url_prefix="/static/",
        xsrf_cookies=False,  # every POST carries the token in its body instead
    )


@dataclass
class Running:
    """A marking server running in a background thread (tests, benchmarks)."""

    url: str
    marking: Marking
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def start(course: Course, assignment: str, port: int = 0) -> Running:
    """Serve in a thread on 127.0.0.1 and return the URL with its token."""
    marking = Marking.open(course, assignment)
    ready = threading.Event()
    box: dict = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = application(marking).listen(port, address=HOST)
        box["port"] = next(iter(server._sockets.values())).getsockname()[1]
        box["loop"] = loop
        ready.set()
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    url = f"http://{HOST}:{box['port']}/?token={marking.token}"
    return Running(url, marking, box["loop"], thread)


def serve(
    course: Course, assignment: str, question: str | None = None, port: int = 0, say=print
) -> None:
    """Serve until interrupted; ``question`` (a grade id) opens straight on that question."""
    running = start(course, assignment, port)
    url = running.url
    if question:
        keys = [q.grade_id for q in running.marking.questions]
        if question not in keys:
            running.stop()
            raise ValueError(
                f"{question!r} is not graded by hand; choose one of: {', '.join(keys)}"
            )
        url = url.replace("/?", f"/q/{keys.index(question)}?")
    say(f"Marking {assignment} at {url}")
    say("Press Ctrl+C to stop.")
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()
