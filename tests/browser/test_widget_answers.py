"""A student answers the widget question in JupyterLab; the .ipynb alone is graded.

Real parts only: JupyterLab started as `course lab` starts it, Debian's Chromium driven by
Playwright, the saved file handed in with nothing beside it, and `course grade` writing
into a real nbgrader gradebook.
"""

from __future__ import annotations

import shutil

import pytest

from exercises.answers import answers_of
from tests.browser.conftest import (
    TIMEOUT_MS,
    hand_in_and_grade,
    open_notebook,
    read_json,
    run_all,
    save_and_close,
    wait_for_stored_answer,
)
from tests.conftest import REPO
from tests.fixtures.make_submissions import KEY, WRONG

pytestmark = pytest.mark.browser

ASSIGNMENT = "01-cluetrain"
QUESTION = "01-cluetrain/trois-internets"


def _notebook(lab, chromium):
    """Give the student the released exercise and open it in JupyterLab."""
    shutil.copy2(REPO / "release" / ASSIGNMENT / "exercice.ipynb", lab.root / "exercice.ipynb")
    return open_notebook(lab, chromium)


def _answer(page, choices: dict[str, str]) -> None:
    """Click, for each statement, the button of the chosen category (rows are in key order)."""
    rows = page.locator(".widget-toggle-buttons")
    for index, key in enumerate(sorted(choices)):
        rows.nth(index).get_by_role("button", name=choices[key], exact=True).click()
    # the last click has reached the kernel and come back into the notebook's metadata
    wait_for_stored_answer(page, QUESTION, {key: choices[key] for key in sorted(choices)})


def _shown_choices(page) -> dict[str, str]:
    """The category each statement's toggle buttons show as selected."""
    rows = page.locator(".widget-toggle-buttons")
    shown = {}
    for index, key in enumerate(sorted(KEY)):
        active = rows.nth(index).locator("button.mod-active")
        shown[key] = active.text_content().strip() if active.count() else None
    return shown


def test_right_answer_survives_restart_reopen_and_hand_in(jupyterlab, chromium, tmp_path):
    context, page = _notebook(jupyterlab, chromium)
    try:
        run_all(page)
        _answer(page, KEY)
        # the kernel sees the answer as the test cells will
        assert _kernel_answer(page) == KEY
        # a kernel restart loses nothing: the widget comes back with the saved answer
        page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"
        )
        run_all(page)
        assert _kernel_answer(page) == KEY
        save_and_close(page)
    finally:
        context.close()
    # reopening the saved notebook in a new browser session shows the answer again
    context, page = open_notebook(jupyterlab, chromium)
    try:
        run_all(page)
        page.wait_for_function(
            "() => document.querySelectorAll('.widget-toggle-buttons button.mod-active')"
            f".length === {len(KEY)}",
            timeout=TIMEOUT_MS,
        )
        assert _shown_choices(page) == KEY
        assert _kernel_answer(page) == KEY
        save_and_close(page)
    finally:
        context.close()
    saved = jupyterlab.root / "exercice.ipynb"
    assert answers_of(read_json(saved))[QUESTION] == KEY
    assert "widgets" not in read_json(saved)["metadata"]
    assert hand_in_and_grade(saved, tmp_path, ASSIGNMENT, "browser-right")["partie-a-test"] == 3.0


def test_wrong_answer_scores_zero(jupyterlab, chromium, tmp_path):
    context, page = _notebook(jupyterlab, chromium)
    try:
        run_all(page)
        _answer(page, WRONG)
        save_and_close(page)
    finally:
        context.close()
    saved = jupyterlab.root / "exercice.ipynb"
    assert answers_of(read_json(saved))[QUESTION] == WRONG
    assert hand_in_and_grade(saved, tmp_path, ASSIGNMENT, "browser-wrong")["partie-a-test"] == 0.0


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
