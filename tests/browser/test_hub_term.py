"""A whole term of module 01 on the course's JupyterHub, in Chromium, as a class lives it.

Real parts only: the course's hub as ``hub/start.sh`` starts it (tests/hub.py): JupyterHub
(PyPI) and configurable-http-proxy (npm) on 127.0.0.1, real Linux accounts, PAM log-in, the
course's private exchange, nbgrader's JupyterLab Assignments tab, formgrader, a real
gradebook. Three students and the instructor log in through the hub's login page. ana and ben fetch
01, answer the widget question and a code question and submit from the Assignments tab,
ben after the due date; chloe answers but never submits. The instructor releases and
collects with nbgrader, grades with ``course grade``, hand-grades ana's essay and makes
and releases feedback with formgrader's buttons. The students fetch their feedback from
the Assignments tab and open it. Timings go to ``out/hub_term.json``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.build.release import build
from grader.course import Course
from grader.demo import scratch_course
from tests.browser.conftest import TIMEOUT_MS, run_all, save_and_close
from tests.browser.test_widget_answers import _answer
from tests.conftest import REPO
from tests.fixtures.make_submissions import KEY
from tests.hub import home, run_as, skip_unless_root, start_hub

pytestmark = pytest.mark.browser

TOOLS = Path(sys.executable).parent
ASSIGNMENT = "01-cluetrain"
#: Accounts made (and, from an earlier run, deleted) on this machine: names no real person
#: on a teacher's machine has, so that running the tests as root never removes theirs.
INSTRUCTOR = "termprof"
ANA, BEN, CHLOE = "termana", "termben", "termchloe"
STUDENTS = (ANA, BEN, CHLOE)
SUBMITTERS = (ANA, BEN)
PASSWORD = "cours-test"
COMMENT = "Argumentation claire, exemples bien choisis."
HAND_SCORE = 3.0
#: ana: A (3) + B2 (2) + essay by hand (3); ben: the same 5 automatic points, all taken
#: by the late penalty the test configures (nbgrader's "zero" method)
EXPECTED_NOTE = {ANA: "Note\u00a0: 8 / 11 points", BEN: "Note\u00a0: 0 / 11 points"}
HIDDEN = ("BEGIN HIDDEN", "cle_a", "fil_cache", "desordre")
HUB_SPAWN_MS = 180_000
FIGURES = REPO / "out" / "hub_term.json"


def _instructor_course(exchange: Path) -> Course:
    """The instructor's course folder in their home, 01 built, a late penalty configured.

    Their ``~/.jupyter/nbgrader_config.py`` loads the course's config: formgrader reads only
    the config path and its own working folder (the home), and without the course's
    preprocessors its "Generate feedback" button would not make the course's feedback.
    """
    course = scratch_course(Course.load(REPO), home(INSTRUCTOR))
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    course = Course.load(course.root)
    build(course, [ASSIGNMENT])
    user_config = home(INSTRUCTOR) / ".jupyter" / "nbgrader_config.py"
    user_config.parent.mkdir(exist_ok=True)
    user_config.write_text(
        f"load_subconfig({str(course.root / 'nbgrader_config.py')!r})\n", encoding="utf-8"
    )
    for path in (course.root, user_config.parent):
        shutil.chown(path, INSTRUCTOR, INSTRUCTOR)
        for inner in path.rglob("*"):
            shutil.chown(inner, INSTRUCTOR, INSTRUCTOR)
    return course


def _fresh_accounts() -> None:
    """Remove this test's accounts left by a previous run (their homes hold the fetched 01,
    which hides the Fetch button); start_hub makes them again."""
    skip_unless_root()
    for user in (INSTRUCTOR, *STUDENTS):
        if subprocess.run(["id", "-u", user], capture_output=True).returncode == 0:
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True, check=False)


@pytest.fixture(scope="module")
def hub():
    """The course's hub (hub/start.sh, real accounts); yields (url, course, exchange).

    Its folder is not under pytest's: every pytest session sets /tmp/pytest-of-root back
    to 0700, which shuts the accounts out of the exchange while another session runs.
    """
    tmp = Path(tempfile.mkdtemp(prefix="hub-term-"))
    _fresh_accounts()
    try:
        with start_hub(tmp, INSTRUCTOR, list(STUDENTS), PASSWORD) as running_hub:
            yield running_hub.url, _instructor_course(running_hub.exchange), running_hub.exchange
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _instructor(*command: str, course: Course, exchange: Path) -> str:
    """A command as the instructor runs it in a terminal of their server (same config path)."""
    env = {
        "JUPYTER_CONFIG_PATH": str(REPO / "hub"),
        "NBGRADER_EXCHANGE": str(exchange),
        "COLUMNS": "200",  # a wide terminal: one table row per line
    }
    done = run_as(INSTRUCTOR, *command, cwd=course.root, env=env)
    assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


#: Any request that leaves the machine (formgrader asks a CDN for MathJax): refused.
NOT_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/])")


def _log_in(chromium, url: str, user: str, fresh_workspace: bool = False):
    """The hub's login page, filled as a person does; returns once JupyterLab is up.

    ``fresh_workspace`` reopens JupyterLab with ``?reset``, as a student coming back next
    week does when they want a clean screen: the panels JupyterLab restores from the
    last session (the notebook in front, the Assignments tab behind it) are closed.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.route(NOT_LOCAL, lambda route: route.abort())  # a room with no internet
    page = context.new_page()
    page.goto(url + "/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=HUB_SPAWN_MS)
    _wait_for_lab(page)
    if fresh_workspace:
        page.goto(f"{url}/user/{user}/lab?reset")
        _wait_for_lab(page)
    return context, page


def _wait_for_lab(page) -> None:
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.commands.hasCommand("
        "'nbgrader:open-assignment-list')",
        timeout=TIMEOUT_MS,
    )


def _assignments_tab(page) -> None:
    """nbgrader's Assignments panel, opened as its menu item does, its lists loaded."""
    page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    page.locator("#released_assignments_list").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.list_loading')].every((e) => e.offsetParent === null)",
        timeout=TIMEOUT_MS,
    )


def _row(page, listing: str):
    """The row of module 01 in one list of the Assignments panel."""
    return page.locator(f"#{listing} .list_item", has_text=ASSIGNMENT).first


def _fetch_and_open(page) -> None:
    """Fetch 01 from the Assignments tab and open its notebook from the downloaded list."""
    _row(page, "released_assignments_list").get_by_role("button", name="Fetch").click()
    row = _row(page, "fetched_assignments_list")
    row.locator(".assignment-notebooks-link").click()  # unfolds the list of its notebooks
    page.locator("#fetched_assignments_list a", has_text=re.compile(r"^exercice$")).click()
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.context && w.context.path.endsWith('exercice.ipynb')"
        " && w.sessionContext.session && w.sessionContext.session.kernel; }",
        timeout=TIMEOUT_MS,
    )


def _answer_code(page) -> None:
    """Write B2's answer in its cell, in place of the stub (as a student types it)."""
    page.evaluate(
        """() => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const cell = notebook.widgets.find(
                (c) => (c.model.getMetadata('nbgrader') || {}).grade_id === 'partie-b2-reponse');
            const source = cell.model.sharedModel.getSource();
            cell.model.sharedModel.setSource(
                source.replace('raise NotImplementedError()', 'resultat = max(longueurs)'));
        }"""
    )


def _submit(page) -> float:
    """Submit from the Assignments tab; seconds until it is listed as submitted."""
    _assignments_tab(page)
    start = time.monotonic()
    _row(page, "fetched_assignments_list").get_by_role("button", name="Submit").click()
    _row(page, "submitted_assignments_list").wait_for(timeout=TIMEOUT_MS)
    return time.monotonic() - start


def _student_works(chromium, url: str, student: str, submit: bool) -> dict[str, float]:
    """One student's session: log in, fetch, answer, save, maybe submit; the timings."""
    start = time.monotonic()
    context, page = _log_in(chromium, url, student)
    try:
        figures = {"log_in_s": time.monotonic() - start}
        _assignments_tab(page)
        _fetch_and_open(page)
        run_all(page)
        _answer(page, KEY)
        figures["log_in_to_first_widget_answer_s"] = time.monotonic() - start
        _answer_code(page)
        save_and_close(page)
        if submit:
            figures["submit_s"] = _submit(page)
        return figures
    finally:
        context.close()


#: True once formgrader's submission page has loaded and bound the grades and comments.
FORMGRADER_READY = """() => window.formgrader && formgrader.grades && formgrader.grades.loaded
    && formgrader.comments && formgrader.comments.loaded"""


def _hand_grade(chromium, url: str, course: Course) -> None:
    """Score and comment ana's essay in formgrader; wait until the gradebook has both."""
    with Gradebook(course.db_url, course.course_id) as gb:
        submission = gb.find_submission_notebook("exercice", ASSIGNMENT, ANA).id
    context, page = _log_in(chromium, url, INSTRUCTOR)
    try:
        page.goto(f"{url}/user/{INSTRUCTOR}/formgrader/submissions/{submission}/")
        # formgrader binds its inputs when its grades and comments arrive; typed earlier, a
        # score is never saved and the late load overwrites it (what CI's slower machine hit)
        page.wait_for_function(FORMGRADER_READY, timeout=TIMEOUT_MS)
        page.locator("input.score#partie-c").fill(f"{HAND_SCORE:g}")
        page.locator("input.score#partie-c").press("Tab")
        page.locator("textarea#partie-c-comment").fill(COMMENT)
        page.locator("textarea#partie-c-comment").press("Tab")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _hand_grade_saved(course):
            time.sleep(0.5)
        assert _hand_grade_saved(course), "formgrader did not save the hand grade"
    finally:
        context.close()


def _hand_grade_saved(course: Course) -> bool:
    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("partie-c", "exercice", ASSIGNMENT, ANA)
        comment = gb.find_comment("partie-c", "exercice", ASSIGNMENT, ANA)
        return grade.manual_score == HAND_SCORE and comment.manual_comment == COMMENT


def _formgrader_feedback(chromium, url: str) -> dict[str, float]:
    """Generate, then release, feedback with formgrader's two buttons; their durations."""
    context, page = _log_in(chromium, url, INSTRUCTOR)
    figures = {}
    try:
        page.goto(f"{url}/user/{INSTRUCTOR}/formgrader/manage_assignments")
        for button, word in (("generate-feedback", "generated"), ("release-feedback", "released")):
            row = page.locator("tr", has_text=ASSIGNMENT).first
            start = time.monotonic()
            row.locator(f".{button} a").click()
            modal = page.locator(".modal", has_text=f"Successfully {word} feedback")
            modal.wait_for(timeout=300_000)
            figures[f"{button.replace('-', '_')}_s"] = time.monotonic() - start
            modal.get_by_role("button").last.click()
            modal.wait_for(state="hidden", timeout=TIMEOUT_MS)
    finally:
        context.close()
    return figures


def _fetch_feedback(chromium, url: str, student: str) -> str:
    """Fetch feedback from the Assignments tab, then open the page in Chromium."""
    context, page = _log_in(chromium, url, student, fresh_workspace=True)
    try:
        _assignments_tab(page)
        listing = page.locator("#submitted_assignments_list")
        listing.locator("button", has_text="Fetch Feedback").click(timeout=TIMEOUT_MS)
        listing.get_by_text("(view feedback)").first.wait_for(timeout=TIMEOUT_MS)
        pages = sorted((home(student) / ASSIGNMENT / "feedback").rglob("exercice.html"))
        assert pages, f"no feedback fetched for {student}"
        relative = pages[-1].relative_to(home(student)).as_posix()
        page.goto(f"{url}/user/{student}/files/{relative}")
        return html.unescape(page.content())  # the DOM writes no-break spaces as &nbsp;
    finally:
        context.close()


@pytest.fixture(scope="module")
def term(hub, chromium):
    """The term, run once: what each student sees in the end, `course status`, timings."""
    url, course, exchange = hub
    nbgrader, course_command = str(TOOLS / "nbgrader"), str(TOOLS / "course")
    _log_in(chromium, url, INSTRUCTOR)[0].close()
    _instructor(nbgrader, "release_assignment", ASSIGNMENT, course=course, exchange=exchange)
    _instructor(nbgrader, "db", "student", "add", CHLOE, course=course, exchange=exchange)
    figures: dict[str, dict[str, float]] = {}
    for student in STUDENTS:
        if student == BEN:  # the deadline passes between ana's hand-in and ben's
            # the next whole second: a due date in ana's second would make her late by ms
            due = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
            _instructor(
                course_command, "deadline", ASSIGNMENT, due.isoformat(),
                course=course, exchange=exchange,
            )  # fmt: skip
        figures[student] = _student_works(chromium, url, student, student in SUBMITTERS)
    start = time.monotonic()
    _instructor(nbgrader, "collect", ASSIGNMENT, course=course, exchange=exchange)
    figures["instructor"] = {"collect_s": time.monotonic() - start}
    start = time.monotonic()
    _instructor(course_command, "grade", ASSIGNMENT, course=course, exchange=exchange)
    figures["instructor"]["course_grade_s"] = time.monotonic() - start
    _hand_grade(chromium, url, course)
    figures["instructor"].update(_formgrader_feedback(chromium, url))
    feedback = {s: _fetch_feedback(chromium, url, s) for s in SUBMITTERS}
    status = _instructor(course_command, "status", ASSIGNMENT, course=course, exchange=exchange)
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print("\nhub term figures (s):", json.dumps(figures, indent=2))
    return feedback, status


@pytest.mark.parametrize("student", SUBMITTERS)
def test_each_student_sees_their_score_and_no_hidden_test(term, student):
    feedback, _ = term
    page = feedback[student]
    assert EXPECTED_NOTE[student] in page
    for secret in HIDDEN:
        assert secret not in page, secret


def test_ana_sees_the_instructors_comment(term):
    feedback, _ = term
    assert COMMENT in feedback[ANA]
    assert "Pénalité de retard" not in feedback[ANA]


def test_ben_sees_the_late_penalty(term):
    feedback, _ = term
    assert "Pénalité de retard" in feedback[BEN]


def test_status_lists_chloe_missing_and_ben_late(term):
    _, status = term
    # rich draws the header's column lines heavy (┃) and the body's light (│)
    rows = [[cell.strip() for cell in re.split("[│┃]", line)[1:-1]] for line in status.splitlines()]
    header = next(row for row in rows if "penalty" in row)
    table = {row[0]: dict(zip(header, row, strict=True)) for row in rows if len(row) == len(header)}
    assert table[CHLOE]["grading"] == "not submitted" and table[CHLOE]["score"] == "0 / 11"
    assert table[BEN]["late"].endswith("min") and table[BEN]["penalty"] == "5"  # zero: all 5
    assert table[ANA]["late"] == "" and table[ANA]["penalty"] == ""
