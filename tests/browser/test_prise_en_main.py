"""A beginner does the module-00 exercise in JupyterLab, hands in the .ipynb alone, and is graded.

Real parts only: JupyterLab started as `course lab` starts it, Debian's Chromium driven by
Playwright, keystrokes typed into the code cells' editors, the « Vérifier ma réponse »
buttons clicked, the saved file handed in with nothing beside it, and `course grade`
writing into a real nbgrader gradebook.
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

pytestmark = pytest.mark.browser

ASSIGNMENT = "00-prise-en-main"
VRAI_FAUX = "00-prise-en-main/vrai-ou-faux"
TEXTE_CODE = "00-prise-en-main/texte-ou-code"

# The beginner gets A1 right and one item of A2 wrong ("d" is code, not text).
CHOICES_A1 = {"a": "vrai", "b": "faux", "c": "faux", "d": "vrai"}
CHOICES_A2 = {"a": "texte", "b": "code", "c": "texte", "d": "texte"}

# What the student types in each answer cell: the blanks filled, the reminder lines deleted.
TYPED = {
    "partie-b1-reponse": 'nom_page = "Bouquinerie des Remparts"\nabonnes = 860\n',
    "partie-b2-reponse": "likes = [61, 25, 40, 9, 33]\n",
    "partie-b3-reponse": "total_likes = sum(likes)\nrecord_likes = max(likes)\n",
    "partie-b4-reponse": 'moyenne_commentaires = publications["commentaires"].mean()\n',
    "partie-b5-reponse": (
        "fig, ax = plt.subplots(figsize=(8, 4))\n"
        'ax.bar(publications["titre"], publications["commentaires"])\n'
        'ax.set_xlabel("publication")\n'
        'ax.set_ylabel("nombre de commentaires")\n'
        "fig_commentaires = fig\n"
    ),
}
WRITTEN = "« Livre de l'été ? » a reçu 27 commentaires : elle pose une question aux lecteurs."

EXPECTED = {
    "partie-a1-test": 2.0,
    "partie-a2-test": 0.75,
    "partie-b1-test": 1.0,
    "partie-b2-test": 1.0,
    "partie-b3-test": 1.0,
    "partie-b4-test": 1.0,
    "partie-b5-test": 1.0,
}


def _cell_index(page, grade_id: str) -> int:
    index = page.evaluate(
        """(gid) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
            (cell) => (cell.model.getMetadata('nbgrader') || {}).grade_id === gid)""",
        grade_id,
    )
    assert index >= 0, grade_id
    return index


def _type_into(page, index: int, text: str, markdown: bool = False) -> None:
    """Select the cell, open its editor, select everything in it and type ``text``."""
    page.evaluate(
        """([index, markdown]) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.activeCellIndex = index;
            const cell = notebook.activeCell;
            if (markdown) { cell.rendered = false; }
            notebook.mode = 'edit';
            notebook.scrollToItem(index);
            cell.editor.focus();
        }""",
        [index, markdown],
    )
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCell.editor.hasFocus()",
        timeout=TIMEOUT_MS,
    )
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)  # as typed, without the editor's auto-closing of quotes


def _cell_source(page, index: int) -> str:
    return page.evaluate(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel"
        ".getSource()",
        index,
    )


def _click_choices(page, first_row: int, choices: dict[str, str], question_id: str) -> None:
    rows = page.locator(".widget-toggle-buttons")
    for offset, key in enumerate(sorted(choices)):
        rows.nth(first_row + offset).get_by_role("button", name=choices[key], exact=True).click()
    wait_for_stored_answer(page, question_id, choices)


def _run_all_again(page) -> None:
    """Run every cell again in the same kernel (the run stops at the first error)."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _restart_and_run_all(page) -> None:
    """« Redémarrer et tout exécuter », then wait until the last code cell has run."""
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"
    )
    run_all(page)
    page.wait_for_function(
        """() => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets
                .filter((cell) => cell.model.type === 'code');
            const last = cells[cells.length - 1];
            return last.model.executionCount !== null
                && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                    === 'idle';
        }""",
        timeout=TIMEOUT_MS,
    )


def test_beginner_answers_checks_saves_hands_in_and_is_graded(jupyterlab, chromium, tmp_path):
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        # the student runs the notebook: it stops at the first test not yet satisfied (A1)
        run_all(page)
        _click_choices(page, 0, CHOICES_A1, VRAI_FAUX)
        # runs it again: A1's test passes now, A2 shows, and its test stops the run
        _run_all_again(page)
        rows = len(CHOICES_A1) + len(CHOICES_A2)
        page.wait_for_function(
            f"() => document.querySelectorAll('.widget-toggle-buttons').length === {rows}",
            timeout=TIMEOUT_MS,
        )
        _click_choices(page, len(CHOICES_A1), CHOICES_A2, TEXTE_CODE)

        # « Vérifier ma réponse » says the answers are complete, not whether they are right
        check = page.get_by_role("button", name="Vérifier ma réponse")
        assert check.count() == 2
        for number in range(2):
            check.nth(number).click()
            page.locator(".course-advice").nth(number).get_by_text(
                "Toutes les affirmations sont classées", exact=False
            ).wait_for(timeout=TIMEOUT_MS)

        # the blanks: each answer cell is retyped with its `...` filled in
        for grade_id, text in TYPED.items():
            index = _cell_index(page, grade_id)
            assert "..." in _cell_source(page, index)  # the release shows the blanks
            _type_into(page, index, text)
            assert _cell_source(page, index) == text
        _type_into(page, _cell_index(page, "partie-c") + 1, WRITTEN, markdown=True)

        # restart and run all: no error left anywhere, the visible tests all pass
        _restart_and_run_all(page)
        errors = page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.widgets
                .filter((cell) => cell.model.type === 'code')
                .flatMap((cell) => cell.model.outputs.toJSON())
                .filter((out) => out.output_type === 'error')
                .map((out) => out.ename + ': ' + out.evalue)"""
        )
        assert errors == []
        # the restarted kernel got the widget answers back from the notebook
        wait_for_stored_answer(page, TEXTE_CODE, CHOICES_A2)
        save_and_close(page)
    finally:
        context.close()

    saved = jupyterlab.root / "exercice.ipynb"
    stored = answers_of(read_json(saved))
    assert stored[VRAI_FAUX] == CHOICES_A1 and stored[TEXTE_CODE] == CHOICES_A2
    scores = hand_in_and_grade(saved, tmp_path, ASSIGNMENT, "browser-debutant")
    assert {grade_id: scores[grade_id] for grade_id in EXPECTED} == EXPECTED
    assert sum(EXPECTED.values()) == 7.75  # of the 8 automatic points; 1 more by hand
