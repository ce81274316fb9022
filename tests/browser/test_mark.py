"""Grading by keyboard in Chromium: question C of module 01 and part B of module 06.

The marking server runs on the sample submissions, autograded by ``course grade``'s code;
Chromium presses the keys an instructor would; the result is read back from nbgrader's
gradebook, the per-question export and the French feedback pages.
"""

from __future__ import annotations

import pytest

from grader.export import grade_table
from grader.feedback import generate_feedback
from grader.mark.server import start
from tests.integration.test_mark import _manual, graded_course

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000
SCREENSHOT = None  # set to a Path to refresh the README's screenshot


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return graded_course(tmp_path_factory.mktemp("mark-browser"), "01-cluetrain", "06-strategie")


def _press(page, key: str) -> None:
    with page.expect_navigation(timeout=TIMEOUT_MS):
        page.keyboard.press(key)


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
        order = running.marking.order(running.marking.questions[0])
        # item 1 and 3 for the even positions, item 2 only for the odd ones
        _grade_all(page, lambda at: ["1", "3"] if at % 2 == 0 else ["2"])
        assert page.locator("#progress").inner_text() == "7 of 7 graded"
        assert page.locator("#student").is_visible()  # names revealed at the end
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
        with page.expect_navigation():
            edit.locator("form.edit button").click()
        for at, student in enumerate(order):
            assert _manual(course, student)[0] == (2.5 if at % 2 == 0 else 1.0)
        # back/forward by keyboard
        _press(page, "ArrowLeft")
        assert page.locator("#position").inner_text() == "Submission 3 of 7"
        _press(page, "ArrowRight")
        assert page.locator("#position").inner_text() == "Submission 4 of 7"
        assert not errors, errors
    finally:
        context.close()
        running.stop()
    table = grade_table(course, "01-cluetrain", per_question=True).set_index("student_id")
    assert table.loc[order[0], "partie-c"] == 2.5 and table.loc[order[1], "partie-c"] == 1.0
    generate_feedback(course, "01-cluetrain")
    html = (course.feedback_dir / order[0] / "01-cluetrain" / "exercice.html").read_text("utf-8")
    assert "Diagnostic étayé" in html and "Gains et risques" in html


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
    finally:
        context.close()
        running.stop()
    for student in ("amelie", "bastien", "chloe"):
        assert _manual(course, student, "06-strategie", "partie-b")[0] == 10.0
    table = grade_table(course, "06-strategie", per_question=True).set_index("student_id")
    assert table.loc["chloe", "partie-b"] == 10.0
