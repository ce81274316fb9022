"""A student reopens a saved exercise, or copies a question cell: no answer looks lost or stale.

Real parts only: JupyterLab started as `course lab` starts it (with the course's installed
server config, whose pre-save hook writes the saved answers in place of the widgets),
Debian's Chromium driven by Playwright, the released exercise 01.
"""

from __future__ import annotations

import shutil

import pytest

from exercises.saved_view import WIDGET_MIME
from tests.browser.conftest import (
    TIMEOUT_MS,
    open_notebook,
    open_without_running,
    read_json,
    run_all,
    save_and_close,
    wait_for_stored_answer,
)
from tests.conftest import REPO
from tests.fixtures.make_submissions import KEY

pytestmark = pytest.mark.browser

ASSIGNMENT = "01-cluetrain"
QUESTION = "01-cluetrain/trois-internets"


def _answer(page, choices: dict[str, str], question=None) -> None:
    """Click each statement's chosen category in one question view (rows in key order)."""
    rows = (question or page.locator(".course-question").first).locator(".widget-toggle-buttons")
    for index, key in enumerate(sorted(choices)):
        rows.nth(index).get_by_role("button", name=choices[key], exact=True).click()


def _shown(question) -> list[str | None]:
    """The selected category of each row of one question view."""
    rows = question.locator(".widget-toggle-buttons")
    shown = []
    for index in range(rows.count()):
        active = rows.nth(index).locator("button.mod-active")
        shown.append(active.text_content().strip() if active.count() else None)
    return shown


def test_reopened_notebook_shows_the_saved_answer_not_an_error(jupyterlab, chromium):
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        run_all(page)
        _answer(page, KEY)
        wait_for_stored_answer(page, QUESTION, KEY)
        save_and_close(page)
    finally:
        context.close()
    saved = read_json(jupyterlab.root / "exercice.ipynb")
    outputs = [out for cell in saved["cells"] for out in cell.get("outputs", [])]
    assert not [out for out in outputs if WIDGET_MIME in out.get("data", {})]

    context, page = open_without_running(jupyterlab, chromium)
    try:
        summary = page.locator(".course-saved-answer")
        summary.first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(3000)  # the widget manager reports missing models by then
        text = page.locator(".jp-Notebook").inner_text()
        assert "Error displaying widget" not in text
        assert "model not found" not in text
        shown = summary.first.inner_text()
        assert "Votre réponse est enregistrée dans ce notebook" in shown
        assert "exécutez cette cellule" in shown
        for key, category in KEY.items():
            assert f"{key}\u00a0: {category}" in shown
        # running the cell brings the buttons back with the answer, nothing to redo
        run_all(page)
        page.wait_for_function(
            "() => document.querySelectorAll('.widget-toggle-buttons button.mod-active')"
            f".length === {len(KEY)}",
            timeout=TIMEOUT_MS,
        )
        assert _shown(page.locator(".course-question").first) == [KEY[k] for k in sorted(KEY)]
    finally:
        context.close()


def test_copied_question_cell_shows_the_answer_the_notebook_holds(jupyterlab, chromium):
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        run_all(page)
        first = dict.fromkeys(sorted(KEY), sorted(set(KEY.values()))[0])
        _answer(page, first)
        wait_for_stored_answer(page, QUESTION, first)
        # copy the question's cell, paste it below and run the copy: a second live question
        page.evaluate(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                const index = panel.content.widgets.findIndex(
                    (cell) => cell.node.querySelector('.course-question'));
                panel.content.activeCellIndex = index;
                return window.jupyterapp.commands.execute('notebook:copy-cell')
                    .then(() => window.jupyterapp.commands.execute('notebook:paste-cell-below'))
                    .then(() => window.jupyterapp.commands.execute('notebook:run-cell'));
            }"""
        )
        page.wait_for_function(
            "() => document.querySelectorAll('.course-question').length >= 2", timeout=TIMEOUT_MS
        )
        page.wait_for_timeout(1000)  # the copy's new view renders
        # the copy (the last view) gets the key answer; every view must show what is stored
        _answer(page, KEY, page.locator(".course-question").last)
        wait_for_stored_answer(page, QUESTION, KEY)
        expected = [KEY[k] for k in sorted(KEY)]
        page.wait_for_timeout(1500)
        views = page.locator(".course-question")
        assert views.count() >= 2
        for index in range(views.count()):
            assert _shown(views.nth(index)) == expected, f"question view {index} is stale"
    finally:
        context.close()
