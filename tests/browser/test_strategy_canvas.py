"""A student fills the module-06 strategy canvas in JupyterLab; grading and export follow it.

Every field is typed or chosen in the real widgets; the saved .ipynb alone is graded by
`course grade`, and the Markdown export written by the notebook is the plan as entered.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from exercises.answers import answers_of
from exercises.strategy import auto_points, to_markdown
from exercises.strategy.plan import normalise
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
from tests.unit.test_strategy import QID, model_plan

pytestmark = pytest.mark.browser

ASSIGNMENT = "06-strategie"


def _fields(plan: dict) -> list[tuple[tuple, object]]:
    """(path, value) of every control, in the canvas's order."""
    found = []
    for section, value in plan.items():
        if section == "redige_le":
            continue
        if isinstance(value, str):
            found.append(((section,), value))
        elif isinstance(value, dict):
            found += [((section, field), item) for field, item in value.items()]
        else:
            for index, row in enumerate(value):
                found += [((section, index, field), item) for field, item in row.items()]
    return found


def _fill(page, plan: dict) -> None:
    for path, value in _fields(plan):
        control = page.locator(".canvas-" + "-".join(str(part) for part in path))
        if path[-1] in {"actuelle", "visee", "objectif", "public", "frequence"}:
            if value not in (None, ""):
                control.locator("select").select_option(label=str(value))
        elif control.locator("textarea").count():
            control.locator("textarea").fill(value)
        else:
            control.locator("input").fill(value)


def test_canvas_is_saved_graded_and_exported(jupyterlab, chromium, tmp_path):
    plan = model_plan()
    plan["canaux"][3]["objectif"] = ""  # one orphan channel (and so an orphan O3)
    plan["redige_le"] = date.today().isoformat()  # the canvas dates a new plan today
    expected = normalise(plan)
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        run_all(page)
        _fill(page, plan)
        wait_for_stored_answer(page, QID, expected)
        run_all(page)  # the export cell writes the plan as entered
        page.locator("text=Écrit : strategie.md").wait_for(timeout=TIMEOUT_MS)
        save_and_close(page)
    finally:
        context.close()
    saved = read_json(jupyterlab.root / "exercice.ipynb")
    assert answers_of(saved)[QID] == expected
    exported = (jupyterlab.root / "strategie.md").read_text("utf-8")
    assert exported == to_markdown(expected)
    assert "| tableau de fréquentation partagé avec la Ville | (aucun) | P3" in exported
    assert sum(auto_points(expected).values()) == 9.0  # 10 minus 0.5 per orphan
    scores = hand_in_and_grade(jupyterlab.root / "exercice.ipynb", tmp_path, ASSIGNMENT, "yann")
    assert scores["partie-a-test"] == 9.0
