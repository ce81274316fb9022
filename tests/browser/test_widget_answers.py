"""A student answers the widget question in JupyterLab; the .ipynb alone is graded.

Real parts only: JupyterLab started as `course lab` starts it, Debian's Chromium driven by
Playwright, the saved file handed in with nothing beside it, and `course grade` writing
into a real nbgrader gradebook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from exercises.answers import answers_of
from grader.course import Course
from grader.demo import scratch_course
from tests.browser.conftest import read_json
from tests.conftest import run_course
from tests.fixtures.make_submissions import KEY, WRONG

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01-cluetrain"
QUESTION = "01-cluetrain/trois-internets"
TIMEOUT_MS = 60_000


def _notebook(lab, chromium):
    """Give the student the released exercise and open it in JupyterLab."""
    shutil.copy2(REPO / "release" / ASSIGNMENT / "exercice.ipynb", lab.root / "exercice.ipynb")
    return _open(lab, chromium)


def _open(lab, chromium):
    """Open the student's exercise in a new browser session, once its kernel is there."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(lab.open_url("exercice.ipynb"))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
        timeout=TIMEOUT_MS,
    )
    return context, page


def _run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator(".course-answer-status").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => ['empty', 'saved', 'restored'].includes("
        "document.querySelector('.course-answer-status')?.dataset.state)",
        timeout=TIMEOUT_MS,
    )


def _answer(page, choices: dict[str, str]) -> None:
    """Click, for each statement, the button of the chosen category (rows are in key order)."""
    rows = page.locator(".widget-toggle-buttons")
    for index, key in enumerate(sorted(choices)):
        rows.nth(index).get_by_role("button", name=choices[key], exact=True).click()
    # the last click has reached the kernel and come back into the notebook's metadata
    page.wait_for_function(
        """([qid, expected]) => {
            const stored = window.jupyterapp.shell.currentWidget.context.model.getMetadata('course');
            const record = stored && stored.answers && stored.answers[qid];
            return record && JSON.stringify(record.value) === JSON.stringify(expected);
        }""",
        arg=[QUESTION, {key: choices[key] for key in sorted(choices)}],
        timeout=TIMEOUT_MS,
    )


def _save_and_close(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=TIMEOUT_MS
    )
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
        ".then(() => window.jupyterapp.shell.currentWidget.close())"
    )


def _hand_in_and_grade(saved: Path, tmp_path: Path, student: str) -> float:
    """Hand in the .ipynb alone, run `course grade`, return the points of part A."""
    course = scratch_course(Course.find(REPO), tmp_path / "grading")
    folder = course.submitted_dir / student / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy2(saved, folder / "exercice.ipynb")
    result = run_course("grade", ASSIGNMENT, cwd=course.root)
    assert result.returncode == 0, result.stdout + result.stderr
    with Gradebook(course.db_url, "communautes-en-ligne") as gb:
        grade = gb.find_grade("partie-a-test", "exercice", ASSIGNMENT, student)
        return float(grade.score)


def _shown_choices(page) -> dict[str, str]:
    """The category each statement's toggle buttons show as selected."""
    rows = page.locator(".widget-toggle-buttons")
    shown = {}
    for index, key in enumerate(sorted(KEY)):
        active = rows.nth(index).locator("button.mod-active")
        shown[key] = active.inner_text().strip() if active.count() else None
    return shown


def test_right_answer_survives_restart_reopen_and_hand_in(jupyterlab, chromium, tmp_path):
    context, page = _notebook(jupyterlab, chromium)
    try:
        _run_all(page)
        _answer(page, KEY)
        # the kernel sees the answer as the test cells will
        assert _kernel_answer(page) == KEY
        # a kernel restart loses nothing: the widget comes back with the saved answer
        page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"
        )
        _run_all(page)
        assert _kernel_answer(page) == KEY
        _save_and_close(page)
    finally:
        context.close()
    # reopening the saved notebook in a new browser session shows the answer again
    context, page = _open(jupyterlab, chromium)
    try:
        _run_all(page)
        page.wait_for_function(
            "() => document.querySelectorAll('.widget-toggle-buttons button.mod-active')"
            f".length === {len(KEY)}",
            timeout=TIMEOUT_MS,
        )
        assert _shown_choices(page) == KEY
        assert _kernel_answer(page) == KEY
        _save_and_close(page)
    finally:
        context.close()
    saved = jupyterlab.root / "exercice.ipynb"
    assert answers_of(read_json(saved))[QUESTION] == KEY
    assert "widgets" not in read_json(saved)["metadata"]
    assert _hand_in_and_grade(saved, tmp_path, "browser-right") == 3.0


def test_wrong_answer_scores_zero(jupyterlab, chromium, tmp_path):
    context, page = _notebook(jupyterlab, chromium)
    try:
        _run_all(page)
        _answer(page, WRONG)
        _save_and_close(page)
    finally:
        context.close()
    saved = jupyterlab.root / "exercice.ipynb"
    assert answers_of(read_json(saved))[QUESTION] == WRONG
    assert _hand_in_and_grade(saved, tmp_path, "browser-wrong") == 0.0


def _kernel_answer(page) -> dict:
    """Ask the notebook's kernel what `answers.get` returns, as a test cell would."""
    code = (
        "import json as _j; from exercises import answers as _a; "
        f"print(_j.dumps(_a.get({QUESTION!r})))"
    )
    text = page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            let out = '';
            const future = kernel.requestExecute({code, silent: false, store_history: false});
            future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') out += msg.content.text; };
            await future.done;
            return out;
        }""",
        code,
    )
    import json

    return json.loads(text)
