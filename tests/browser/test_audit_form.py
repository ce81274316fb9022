"""A student fills the module-07 audit form in JupyterLab; the saved .ipynb alone is graded.

The answers are typed and clicked in the real widgets (site list, score buttons, text
areas), saved by JupyterLab, handed in without anything beside them and graded by
`course grade` into a real nbgrader gradebook.
"""

from __future__ import annotations

import copy
import shutil

import pytest

from exercises.answers import answers_of
from exercises.audit import corpus, grid
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
from tests.fixtures.make_submissions import RIGHT_07_B, solution_answers

pytestmark = pytest.mark.browser

ASSIGNMENT = "07-site-cafe"
AUDIT, RECOS = "07-site-cafe/audit", "07-site-cafe/recommandations"


def _label(score) -> str:
    return "n. a." if score == grid.NA else str(score)


def _type_part_b(page, code: str) -> None:
    """Write the student's function into the answer cell, as typing it would."""
    page.evaluate(
        """(code) => {
            const panel = window.jupyterapp.shell.currentWidget;
            const cell = panel.content.widgets.find(
                (c) => c.model.getMetadata('nbgrader')?.grade_id === 'partie-b-reponse');
            cell.model.sharedModel.setSource(code);
        }""",
        code,
    )


def _fill_audit(page, audit: dict) -> None:
    chosen = corpus.site(audit["site"])
    page.locator(".widget-dropdown select").first.select_option(
        label=f"{chosen.name} ({chosen.sector})"
    )
    # the evidence of the chosen site appears beside the criteria
    page.locator(".audit-https .audit-evidence").wait_for(timeout=TIMEOUT_MS)
    for cid, entry in audit["criteria"].items():
        row = page.locator(f".audit-{cid}")
        row.get_by_role("button", name=_label(entry["score"]), exact=True).click()
        row.locator("textarea").fill(entry["justification"])


def _fill_recommendations(page, recos: list[dict]) -> None:
    for number, reco in enumerate(recos, start=1):
        areas = page.locator(f".reco-{number} textarea")
        for index, key in enumerate(("quoi", "pourquoi", "mesure")):
            areas.nth(index).fill(reco[key])


def test_audit_form_is_saved_and_graded(jupyterlab, chromium, tmp_path):
    solution = solution_answers(ASSIGNMENT)
    audit = copy.deepcopy(solution[AUDIT])
    # one score contradicts its evidence: the page declares a viewport, so "mobile" is 2
    audit["criteria"]["mobile"]["score"] = 0
    recos = solution[RECOS]
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        _type_part_b(page, RIGHT_07_B)
        # "Run all" stops at part A's test while the audit is empty, as it would for a student
        run_all(page)
        _fill_audit(page, audit)
        wait_for_stored_answer(page, AUDIT, audit)
        # once the audit is complete, every test passes and the recommendations form appears
        run_all(page)
        page.locator(".reco-3 textarea").first.wait_for(timeout=TIMEOUT_MS)
        _fill_recommendations(page, recos)
        wait_for_stored_answer(page, RECOS, recos)
        wait_for_stored_answer(page, AUDIT, audit)
        save_and_close(page)
    finally:
        context.close()
    saved = read_json(jupyterlab.root / "exercice.ipynb")
    stored = answers_of(saved)
    assert stored[AUDIT] == audit
    assert stored[RECOS] == recos
    assert "widgets" not in saved["metadata"]
    scores = hand_in_and_grade(jupyterlab.root / "exercice.ipynb", tmp_path, ASSIGNMENT, "zoe")
    # the hidden test scores every ruled criterion but the Open Graph preview (a course rule,
    # given as a remark only); one of them is wrong in this audit
    scored = len([c for c in grid.ruled_criteria() if c != "apercu"])
    assert scores["partie-a-test"] == pytest.approx(round(5 * (scored - 1) / scored, 2))
    assert scores["partie-b-test"] == 4.0
