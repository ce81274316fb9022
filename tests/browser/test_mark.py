"""Grading by keyboard in Chromium: question C of module 01 and part B of module 06.

The marking server runs on the sample submissions, autograded by ``course grade``'s code;
Chromium presses the keys an instructor would; each key is a ``fetch()`` that updates the
page in place (no page load is allowed after the first one). The result is read back from
nbgrader's gradebook, then through the commands an instructor runs next in the course's
folder: ``course export --per-question`` (its CSV) and ``course feedback`` (the student's
French pages).
"""

from __future__ import annotations

import csv

import pytest

from grader.export import grade_table
from grader.mark.server import start
from tests.conftest import run_course
from tests.integration.test_mark import _manual, graded_course

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000
SCREENSHOT = None  # set to a Path to refresh the README's screenshot


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return graded_course(tmp_path_factory.mktemp("mark-browser"), "01-cluetrain", "06-strategie")


def _settled(page) -> None:
    """Wait until every queued action of mark.js has had its answer from the server."""
    page.wait_for_function("() => document.body.dataset.pending === '0'", timeout=TIMEOUT_MS)


def _press(page, key: str) -> None:
    page.keyboard.press(key)
    _settled(page)


def _count_loads(page) -> list[str]:
    """The URLs of the page loads of the main frame, from now on."""
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    return loads


def _grade_all(page, keys_for) -> str:
    """Grade every answer of the open question; ``keys_for(position)`` names the items."""
    count = int(page.locator("#position").inner_text().split(" of ")[1])
    for at in range(count):
        assert page.locator("#position").inner_text() == f"Submission {at + 1} of {count}"
        for key in keys_for(at):
            _press(page, key)
        _press(page, "Enter")  # save and go to the next answer (the last one stays)
    return page.locator("#progress").inner_text()


def test_grade_a_question_for_every_student_by_keyboard(course, chromium, tmp_path):
    errors: list[str] = []
    running = start(course, "01-cluetrain")
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(running.url)
        page.click("#question-0")
        page.wait_for_load_state()
        loads = _count_loads(page)
        order = running.marking.order(running.marking.questions[0])
        # item 1 and 3 for the even positions, item 2 only for the odd ones
        _grade_all(page, lambda at: ["1", "3"] if at % 2 == 0 else ["2"])
        assert page.locator("#progress").inner_text() == "7 of 7 graded"
        assert page.locator("#student").is_visible()  # names revealed at the end
        assert page.locator("li.applied").count() == 2  # the last answer: items 1 and 3
        assert page.locator("#score").inner_text() == "2.0"
        assert loads == [], f"the page was reloaded: {loads}"
        assert "at=6" in page.url  # the address follows, so a reload shows the same answer
        if SCREENSHOT:
            page.goto(running.url.replace("/?", "/q/0?") + "&at=0")
            page.screenshot(path=str(SCREENSHOT))
        for at, student in enumerate(order):
            assert _manual(course, student)[0] == (2.0 if at % 2 == 0 else 1.0)
        # change of mind: item 1 is worth 1.5 points, for everyone who got it
        page.goto(running.url.replace("/?", "/q/0?") + "&at=3")
        edit = page.locator("ol.rubric li").first
        edit.locator("summary").click()
        edit.locator("input[name=points]").fill("1,5")
        loads = _count_loads(page)
        edit.locator("form.edit button").click()
        _settled(page)
        assert "+1.5" in page.locator("ol.rubric li").first.locator("button.item").inner_text()
        for at, student in enumerate(order):
            assert _manual(course, student)[0] == (2.5 if at % 2 == 0 else 1.0)
        # back/forward by keyboard, in place too
        _press(page, "ArrowLeft")
        assert page.locator("#position").inner_text() == "Submission 3 of 7"
        assert page.locator("#score").inner_text() == "2.5"
        _press(page, "ArrowRight")
        assert page.locator("#position").inner_text() == "Submission 4 of 7"
        assert loads == [], f"the page was reloaded: {loads}"
        assert not errors, errors
    finally:
        context.close()
        running.stop()
    _check_with_the_commands(course, order)


def _check_with_the_commands(course, order: list[str]) -> None:
    """The edited item's 1.5 points, as `course export` and `course feedback` give them."""
    out = course.root / "out" / "c.csv"
    done = run_course(
        "export", "01-cluetrain", "--per-question", "--out", str(out), cwd=course.root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["student_id"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    column = next(name for name in rows[order[0]] if "partie-c" in name)
    assert [float(rows[s][column]) for s in order[:2]] == [2.5, 1.0]
    done = run_course("feedback", "01-cluetrain", cwd=course.root)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = course.feedback_dir / order[0] / "01-cluetrain"
    summary = (folder / "resultats.html").read_text("utf-8")
    assert "+1,5 pts — Diagnostic étayé" in summary.replace("\u00a0", " "), summary
    assert "Gains et risques" in summary
    notebook = (folder / "exercice.html").read_text("utf-8")
    assert "Diagnostic étayé" in notebook
    other = (course.feedback_dir / order[1] / "01-cluetrain" / "resultats.html").read_text("utf-8")
    assert "Diagnostic étayé" not in other  # odd positions got item 2 only


def test_grade_a_widget_question_by_keyboard(course, chromium):
    running = start(course, "06-strategie")
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        order = running.marking.order(running.marking.questions[0])
        page.goto(running.url.replace("/?", "/q/0?") + f"&at={order.index('amelie')}")
        assert page.locator(".widget table.answer th", has_text="canal").count() == 1
        page.goto(running.url.replace("/?", "/q/0?"))  # resumes at the first ungraded answer
        _grade_all(page, lambda at: ["1", "2", "6"])
        assert page.locator("#progress").inner_text() == "3 of 3 graded"
        for student in ("amelie", "bastien", "chloe"):
            assert _manual(course, student, "06-strategie", "partie-b")[0] == 10.0
        # change of mind: the causal chain (item 2) is worth 3 points, not 4, for all three
        edit = page.locator("ol.rubric li").nth(1)
        edit.locator("summary").click()
        edit.locator("input[name=points]").fill("3")
        loads = _count_loads(page)
        edit.locator("form.edit button").click()
        _settled(page)
        assert loads == [], f"the page was reloaded: {loads}"
        assert page.locator("#score").inner_text() == "9.0"
    finally:
        context.close()
        running.stop()
    for student in ("amelie", "bastien", "chloe"):
        assert _manual(course, student, "06-strategie", "partie-b")[0] == 9.0
    table = grade_table(course, "06-strategie", per_question=True).set_index("student_id")
    assert table.loc["chloe", "partie-b"] == 9.0
    _check_06_with_the_commands(course)


def _check_06_with_the_commands(course) -> None:
    """The edited 3 points in `course export --per-question` and in `course feedback`."""
    out = course.root / "out" / "b.csv"
    done = run_course(
        "export", "06-strategie", "--per-question", "--out", str(out), cwd=course.root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["student_id"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    column = next(name for name in rows["amelie"] if "partie-b" in name)
    three = ("amelie", "bastien", "chloe")  # the others handed in no 06
    assert [float(rows[s][column]) for s in three] == [9.0, 9.0, 9.0]
    done = run_course("feedback", "06-strategie", cwd=course.root)
    assert done.returncode == 0, done.stdout + done.stderr
    for student in three:
        summary = (course.feedback_dir / student / "06-strategie" / "resultats.html").read_text(
            "utf-8"
        )
        text = summary.replace("\u00a0", " ")
        assert "+3 pts — une chaîne de causes explicite" in text, summary
        assert "+4 pts — un vrai problème" in text and "+2 pts — des mesures liées" in text
