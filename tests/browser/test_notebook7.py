"""The widget exercise in Notebook 7's interface (what `/tree` and many hubs open).

A real `jupyter notebook` server started with nothing but the course's installed config,
Debian's Chromium, the released exercise 01 answered, saved, handed in alone and graded by
`course grade` into a real nbgrader gradebook: the same score as from JupyterLab.
"""

from __future__ import annotations

import shutil

import pytest

from exercises.answers import answers_of
from tests.browser.conftest import (
    hand_in_and_grade,
    open_notebook,
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


def test_answer_is_saved_and_graded_from_notebook_7(jupyter_notebook, chromium, tmp_path):
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyter_notebook.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyter_notebook, chromium)
    try:
        assert "/notebooks/" in page.url  # Notebook 7's own page, not JupyterLab
        run_all(page)  # fails if the status says « Réponse NON enregistrée »
        status = page.locator(".course-answer-status").first
        assert status.get_attribute("data-state") != "unavailable", status.inner_text()
        rows = page.locator(".widget-toggle-buttons")
        for index, key in enumerate(sorted(KEY)):
            rows.nth(index).get_by_role("button", name=KEY[key], exact=True).click()
        wait_for_stored_answer(page, QUESTION, KEY)
        save_and_close(page)
    finally:
        context.close()
    saved = jupyter_notebook.root / "exercice.ipynb"
    assert answers_of(read_json(saved))[QUESTION] == KEY
    scores = hand_in_and_grade(saved, tmp_path, ASSIGNMENT, "notebook7-right")
    assert scores["partie-a-test"] == 3.0
