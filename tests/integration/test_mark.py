"""`course mark` on the sample submissions: the page, rubric items, the gradebook, exports.

A real server (tornado on 127.0.0.1) answers real HTTP requests; the grades are read back
with nbgrader's own Gradebook, ``course export``'s table and ``course feedback``'s pages.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.course import Course
from grader.demo import copy_samples, scratch_course
from grader.export import grade_table
from grader.feedback import generate_feedback
from grader.grade import grade
from grader.mark import questions as qs
from grader.mark.server import start
from tests.conftest import REPO

pytestmark = pytest.mark.integration

C = "exercice/partie-c"


class Client:
    """The marking page as a browser without script sees it."""

    def __init__(self, url: str) -> None:
        self.base, query = url.split("/?")
        self.token = urllib.parse.parse_qs(query)["token"][0]

    def get(self, path: str, token: str | None = None, **query) -> tuple[int, str, dict]:
        query["token"] = self.token if token is None else token
        url = f"{self.base}{path}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(url) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post(self, path: str, **fields) -> tuple[int, str]:
        fields.setdefault("token", self.token)
        data = urllib.parse.urlencode(fields).encode()
        try:
            with urllib.request.urlopen(f"{self.base}{path}", data) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def graded_course(workdir: Path, *assignments: str) -> Course:
    course = scratch_course(Course.load(REPO), workdir)
    copy_samples(REPO / "tests" / "fixtures" / "submissions", course)
    for assignment in assignments:
        grade(course, assignment)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    course = graded_course(tmp_path_factory.mktemp("mark"), "01-cluetrain", "06-strategie")
    # bad input: a script, HTML and a 100 000-character answer in one student's part C
    path = course.autograded_dir / "bastien" / "01-cluetrain" / "exercice.ipynb"
    nb = json.loads(path.read_text("utf-8"))
    index = next(i for i, c in enumerate(nb["cells"]) if _gid(c) == "partie-c")
    nb["cells"][index + 1]["source"] = (
        "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))\n\n"
        + "mot " * 25_000
    )
    path.write_text(json.dumps(nb), "utf-8")
    _empty_part_c(course, "florian")
    return course


def _empty_part_c(course: Course, student: str) -> None:
    """Bad input: ``student`` handed part C in empty (every answer cell emptied)."""
    path = course.autograded_dir / student / "01-cluetrain" / "exercice.ipynb"
    nb = json.loads(path.read_text("utf-8"))
    index = next(i for i, c in enumerate(nb["cells"]) if _gid(c) == "partie-c")
    for cell in qs.following(nb["cells"], index):
        cell["source"] = ""
    path.write_text(json.dumps(nb), "utf-8")


def _gid(cell: dict) -> str | None:
    return (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id")


@pytest.fixture()
def server(course):
    running = start(course, "01-cluetrain")
    yield running
    running.stop()


def _order(running) -> list[str]:
    return running.marking.order(running.marking.questions[0])


def _items(page: str) -> list[int]:
    return [
        int(i)
        for i in re.findall(
            r'name="action" value="toggle">\s*<input type="hidden" name="item" value="(\d+)"', page
        )
    ]


def _manual(course: Course, student: str, assignment: str = "01-cluetrain", name: str = "partie-c"):
    gb = Gradebook(course.db_url, course.course_id)
    try:
        grade_row = gb.find_grade(name, "exercice", assignment, student)
        comment = gb.find_comment(name, "exercice", assignment, student)
        return grade_row.manual_score, comment.manual_comment
    finally:
        gb.close()


def test_the_page_needs_the_token_and_forbids_script_and_framing(server):
    client = Client(server.url)
    assert server.url.startswith("http://127.0.0.1:")
    assert client.get("/", token="wrong")[0] == 403
    assert client.get("/q/0", token="")[0] == 403
    status, page, headers = client.get("/")
    assert status == 200 and "exercice/partie-c" in page and "0 of 7" in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_starting_rubrics_come_from_the_mark_scheme(course):
    (c,) = qs.questions(course, "01-cluetrain")
    assert c.key == C and c.max_score == 4.0
    assert [p for _, p in c.starting_rubric()] == [1.0, 1.0, 1.0, 1.0]
    assert c.starting_rubric()[0][0] == "Diagnostic étayé"
    (b,) = qs.questions(course, "06-strategie")
    assert [p for _, p in b.starting_rubric()] == [4.0, 4.0, 4.0, 3.0, 3.0, 2.0]


def test_answers_are_anonymous_in_a_stable_shuffled_order(server, course):
    order = _order(server)
    assert sorted(order) == sorted(course.submitted_students("01-cluetrain"))
    assert order != sorted(order)
    assert order == qs.order("01-cluetrain", server.marking.questions[0], list(reversed(order)))
    client = Client(server.url)
    for at in range(len(order)):
        page = client.get("/q/0", at=at)[1]
        assert f"Submission {at + 1} of 7" in page
        assert not any(f">{s}<" in page for s in order)  # no name before the end


def test_bad_input_is_shown_inert_and_failed_notebooks_are_flagged(server):
    client = Client(server.url)
    order = _order(server)
    page = client.get("/q/0", at=order.index("bastien"))[1]
    assert page.count("<script") == 1 and '<script src="/static/mark.js"' in page
    assert not re.search(r"<[^>]*\bonerror", page) and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page and "onerror=alert(2)&gt;" in page  # shown as text
    assert "dépasse 20 000 caractères" in page and len(page) < 60_000
    page = client.get("/q/0", at=order.index("elodie"))[1]  # not valid JSON: not autograded
    assert "pas pu être corrigé automatiquement" in page
    page = client.get("/q/0", at=order.index("gaelle"))[1]  # handed in untouched
    assert "Écrivez votre réponse ici" in page
    page = client.get("/q/0", at=order.index("florian"))[1]
    assert '<p class="empty">(empty answer)</p>' in page


def test_empty_and_failed_answers_can_still_be_graded(tmp_path):
    """A score for an empty answer or an unreadable notebook lands in the gradebook too.

    A course of its own: the other tests count who is graded in the shared one.
    """
    course = graded_course(tmp_path, "01-cluetrain")
    _empty_part_c(course, "florian")
    running = start(course, "01-cluetrain")
    try:
        client, order = Client(running.url), _order(running)
        for student in ("florian", "elodie"):  # elodie's notebook is not valid JSON
            status, page = client.post(
                "/q/0",
                at=order.index(student),
                action="note",
                adjustment="0",
                comment="Pas de réponse.",
                seen="",
            )
            assert status == 200 and 'id="score">0.0<' in page, page[-2000:]
            assert _manual(course, student) == (0.0, "Pas de réponse.")
    finally:
        running.stop()


def test_rubric_items_land_in_the_gradebook_and_edits_reach_every_student(server, course):
    client = Client(server.url)
    order = _order(server)
    items = _items(client.get("/q/0", at=0)[1])
    assert len(items) == 4
    for at in (0, 1):
        status, page = client.post("/q/0", at=at, action="toggle", item=items[0], seen="")
        assert status == 200 and 'id="score">1.0<' in page
    status, _ = client.post("/q/0", at=0, action="toggle", item=items[2], seen="1.0")
    assert status == 200
    status, page = client.post(
        "/q/0",
        at=0,
        action="note",
        adjustment="-0,5",
        comment="Deux indices précis.",
        seen="2.0",
        advance="1",
    )
    assert status == 200 and "Submission 2 of 7" in page  # saved and moved on
    score, comment = _manual(course, order[0])
    assert score == 1.5
    assert "Diagnostic étayé" in comment and "Ajustement" in comment and "Deux indices" in comment
    # the grader changes their mind: the first item is worth 2 points, for everyone who got it
    status, _ = client.post(
        "/q/0",
        at=5,
        action="edit",
        item=items[0],
        label="Diagnostic étayé",
        points="2",
        comment="deux indices vérifiables",
    )
    assert status == 200
    assert _manual(course, order[0])[0] == 2.5 and _manual(course, order[1])[0] == 2.0
    assert "deux indices vérifiables" in _manual(course, order[1])[1]
    table = grade_table(course, "01-cluetrain", per_question=True).set_index("student_id")
    assert table.loc[order[1], "partie-c"] == 2.0
    generate_feedback(course, "01-cluetrain")
    html = (course.feedback_dir / order[1] / "01-cluetrain" / "exercice.html").read_text("utf-8")
    assert "Diagnostic étayé" in html and "deux indices vérifiables" in html
    # resume where grading stopped: the first answer without a score
    assert "Submission 3 of 7" in client.get("/q/0")[1]
    assert "2 of 7 graded" in client.get("/q/0")[1]


def test_a_stale_page_cannot_overwrite_another_graders_score(server, course):
    client = Client(server.url)
    order = _order(server)
    at = len(order) - 1
    items = _items(client.get("/q/0", at=at)[1])
    assert client.post("/q/0", at=at, action="toggle", item=items[1], seen="")[0] == 200
    before = _manual(course, order[at])
    status, page = client.post("/q/0", at=at, action="note", adjustment="1", comment="x", seen="")
    assert status == 409 and "Nothing was overwritten" in page
    assert _manual(course, order[at]) == before


def test_consistency_aids(server):
    client = Client(server.url)
    order = _order(server)
    page = client.get("/q/0/stats")[1]
    amelie, chloe = sorted((order.index("amelie"), order.index("chloe")))
    assert f'at={amelie}">{amelie + 1}</a> and' in page.replace("&amp;", "&")
    assert "ungraded" in page
    items = _items(client.get("/q/0")[1])
    page = client.get(f"/q/0/item/{items[0]}")[1]
    assert page.count('<section class="answer">') >= 1


def test_a_widget_answer_is_a_table(course):
    running = start(course, "06-strategie")
    try:
        client = Client(running.url)
        order = running.marking.order(running.marking.questions[0])
        page = client.get("/q/0", at=order.index("amelie"))[1]
        assert "06-strategie/canevas" in page and "<th>canal</th>" in page
        assert "groupes WhatsApp des parents" in page
        assert len(_items(page)) == 6
    finally:
        running.stop()


def test_running_course_grade_again_keeps_hand_grades(course):
    from grader.mark.store import Store

    store = Store(course.db_url, "06-strategie")
    item = store.items("exercice/partie-b")[0]
    store.toggle("exercice/partie-b", "chloe", item.id, None)
    assert _manual(course, "chloe", "06-strategie", "partie-b")[0] == 4.0
    grade(course, "06-strategie", ["chloe"])
    score, comment = _manual(course, "chloe", "06-strategie", "partie-b")
    assert score == 4.0 and item.label in comment
