"""A whole term of module 01 on the course's JupyterHub, in Chromium, as a class lives it.

Real parts only: JupyterHub (PyPI) and configurable-http-proxy (npm) started by
``hub/try.sh`` on 127.0.0.1 (DummyAuthenticator and SimpleLocalProcessSpawner: every server
runs as the test's user, so Linux accounts and the exchange's permissions are not tested
here), nbgrader's exchange and its JupyterLab Assignments tab, formgrader, a real gradebook.
Three students and the instructor log in through the hub's login page. ana and ben fetch
01, answer the widget question and a code question and submit from the Assignments tab,
ben after the due date; chloe answers but never submits. The instructor releases and
collects with nbgrader, grades with ``course grade``, hand-grades ana's essay and makes
and releases feedback with formgrader's buttons. The students fetch their feedback from
the Assignments tab and open it. Timings go to ``out/hub_term.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from datetime import UTC, datetime
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
from tests.integration.test_exchange import _env, _run
from tests.servers import free_port, running

pytestmark = pytest.mark.browser

TOOLS = Path(sys.executable).parent
ASSIGNMENT = "01-cluetrain"
INSTRUCTOR = "prof"
STUDENTS = ("ana", "ben", "chloe")
SUBMITTERS = ("ana", "ben")
PASSWORD = "cours-test"
COMMENT = "Argumentation claire, exemples bien choisis."
HAND_SCORE = 3.0
#: ana: A (3) + B2 (2) + essay by hand (3); ben: the same 5 automatic points, all taken
#: by the late penalty the test configures (nbgrader's "zero" method)
EXPECTED_NOTE = {"ana": "Note\u00a0: 8 / 11 points", "ben": "Note\u00a0: 0 / 11 points"}
HIDDEN = ("BEGIN HIDDEN", "cle_a", "fil_cache", "desordre")
HUB_SPAWN_MS = 180_000
FIGURES = REPO / "out" / "hub_term.json"


def _proxy() -> str | None:
    """configurable-http-proxy: where $COURSE_CHP says, or on the PATH."""
    return os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy")


def _user_config(home: Path, exchange: Path, course: Course | None = None) -> None:
    """Each user's ~/.jupyter/nbgrader_config.py: the course id and the exchange (what
    hub/nbgrader_config.py gives everyone from /etc/jupyter); for the instructor, the
    course folder and its config, so that formgrader's buttons make the course's feedback."""
    lines = [
        "c = get_config()",
        'c.CourseDirectory.course_id = "communautes-en-ligne"',
        f"c.Exchange.root = {str(exchange)!r}",
    ]
    if course is not None:
        lines.append(f"load_subconfig({str(course.root / 'nbgrader_config.py')!r})")
        lines.append(f"c.CourseDirectory.root = {str(course.root)!r}")
    (home / ".jupyter").mkdir(parents=True, exist_ok=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text("\n".join(lines) + "\n", "utf-8")


def _instructor_course(state: Path, exchange: Path) -> Course:
    """The instructor's course folder on the hub, 01 built, a late penalty configured."""
    home = state / "home" / INSTRUCTOR
    course = scratch_course(Course.load(REPO), home)
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            f"\nc.Exchange.root = {str(exchange)!r}\n"
            'c.LateSubmissionPlugin.penalty_method = "zero"\n'
        )
    course = Course.load(course.root)
    build(course, [ASSIGNMENT])
    _user_config(home, exchange, course)
    return course


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """The course's hub (hub/try.sh) on free ports; yields (url, state folder, course)."""
    if not (TOOLS / "jupyterhub").is_file() or not _proxy():
        pytest.skip("needs jupyterhub (PyPI) and configurable-http-proxy (npm, or $COURSE_CHP)")
    state = tmp_path_factory.mktemp("hub")
    exchange = state / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    course = _instructor_course(state, exchange)
    for student in STUDENTS:
        _user_config(state / "home" / student, exchange)
    port = free_port()
    env = dict(
        os.environ,
        HUB_STATE=str(state),
        HUB_PORT=str(port),
        HUB_INTERNAL_PORT=str(free_port()),
        HUB_PROXY_API_PORT=str(free_port()),
        HUB_PASSWORD=PASSWORD,
        COURSE_CHP=_proxy(),
        COURSE_BIN=str(TOOLS),
        COURSE_INSTRUCTOR=INSTRUCTOR,
        COURSE_STUDENTS=",".join(STUDENTS),
    )
    url = f"http://127.0.0.1:{port}"
    command = ["bash", str(REPO / "hub" / "try.sh")]
    with running(command, url + "/hub/api", state / "hub.log", env=env, cwd=state):
        yield url, state, course


def _log_in(chromium, url: str, user: str):
    """The hub's login page, filled as a person does; returns once JupyterLab is up."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=HUB_SPAWN_MS)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.commands.hasCommand("
        "'nbgrader:open-assignment-list')",
        timeout=TIMEOUT_MS,
    )
    return context, page


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
    link = page.locator("#fetched_assignments_list .assignment-notebooks-link").first
    link.wait_for(state="attached", timeout=TIMEOUT_MS)
    link.evaluate("(element) => element.click()")  # inside a collapsed row
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


def _set_due_date_now(course: Course) -> None:
    """The deadline passes: due date in the gradebook, as `nbgrader db assignment add` sets it."""
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=datetime.now(UTC).replace(tzinfo=None))


def _hand_grade(chromium, url: str, course: Course) -> None:
    """Score and comment ana's essay in formgrader; wait until the gradebook has both."""
    with Gradebook(course.db_url, course.course_id) as gb:
        submission = gb.find_submission_notebook("exercice", ASSIGNMENT, "ana").id
    context, page = _log_in(chromium, url, INSTRUCTOR)
    try:
        page.goto(f"{url}/user/{INSTRUCTOR}/formgrader/submissions/{submission}/")
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
        grade = gb.find_grade("partie-c", "exercice", ASSIGNMENT, "ana")
        comment = gb.find_comment("partie-c", "exercice", ASSIGNMENT, "ana")
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


def _fetch_feedback(chromium, url: str, state: Path, student: str) -> str:
    """Fetch feedback from the Assignments tab, then open the page in Chromium."""
    context, page = _log_in(chromium, url, student)
    try:
        _assignments_tab(page)
        row = _row(page, "submitted_assignments_list")
        row.get_by_role("button", name="Fetch Feedback").click()
        row.get_by_text("(view feedback)").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        pages = sorted((state / "home" / student / ASSIGNMENT / "feedback").rglob("exercice.html"))
        assert pages, f"no feedback fetched for {student}"
        relative = pages[-1].relative_to(state / "home" / student).as_posix()
        page.goto(f"{url}/user/{student}/files/{relative}")
        return page.content()
    finally:
        context.close()


@pytest.fixture(scope="module")
def term(hub, chromium):
    """The term, run once: what each student sees in the end, `course status`, timings."""
    url, state, course = hub
    root, teacher = course.root, _env(state / "home" / INSTRUCTOR, INSTRUCTOR)
    nbgrader = str(TOOLS / "nbgrader")
    _log_in(chromium, url, INSTRUCTOR)[0].close()
    _run(nbgrader, "release_assignment", ASSIGNMENT, cwd=root, env=teacher)
    _run(nbgrader, "db", "student", "add", "chloe", cwd=root, env=teacher)
    figures: dict[str, dict[str, float]] = {}
    for student in STUDENTS:
        if student == "ben":
            _set_due_date_now(course)
        figures[student] = _student_works(chromium, url, student, student in SUBMITTERS)
    start = time.monotonic()
    _run(nbgrader, "collect", ASSIGNMENT, cwd=root, env=teacher)
    figures["instructor"] = {"collect_s": time.monotonic() - start}
    start = time.monotonic()
    _run(str(TOOLS / "course"), "grade", ASSIGNMENT, cwd=root, env=teacher)
    figures["instructor"]["course_grade_s"] = time.monotonic() - start
    _hand_grade(chromium, url, course)
    figures["instructor"].update(_formgrader_feedback(chromium, url))
    feedback = {s: _fetch_feedback(chromium, url, state, s) for s in SUBMITTERS}
    status = _run(str(TOOLS / "course"), "status", ASSIGNMENT, cwd=root, env=teacher).stdout
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
    assert COMMENT in feedback["ana"]
    assert "Pénalité de retard" not in feedback["ana"]


def test_ben_sees_the_late_penalty(term):
    feedback, _ = term
    assert "Pénalité de retard" in feedback["ben"]


def test_status_lists_chloe_missing_and_ben_late(term):
    _, status = term
    lines = {
        line.split("│")[1].strip(): line for line in status.splitlines() if "│" in line
    }
    assert "not submitted" in lines["chloe"] and "0 / 11" in lines["chloe"]
    assert "min" in lines["ben"] and "5" in lines["ben"]  # late, by minutes; 5 points off
    assert "min" not in lines["ana"]
