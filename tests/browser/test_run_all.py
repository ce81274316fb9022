"""Run All on a fresh exercise, as a beginner does first, reaches the last cell.

Each released exercise is opened in JupyterLab, unanswered, and run with Run All. Every
code cell must have run (the unanswered ones fail, but do not stop the run), and the
errors a beginner sees carry their French hint.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.browser.conftest import TIMEOUT_MS, open_notebook
from tests.conftest import REPO

pytestmark = pytest.mark.browser

ASSIGNMENTS = sorted(path.name for path in (REPO / "release").iterdir() if path.is_dir())

RUN_STATE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = [...panel.content.widgets].filter((cell) => cell.model.type === 'code');
    const kernel = panel.sessionContext.session.kernel;
    return {
        total: cells.length,
        ran: cells.filter((cell) => cell.model.executionCount !== null).length,
        idle: kernel.status === 'idle',
        errors: cells.flatMap((cell) => {
            const outputs = cell.model.outputs.toJSON();
            return outputs.filter((o) => o.output_type === 'error').map((o) => ({
                name: o.ename,
                value: o.evalue,
                hinted: outputs.some((s) => s.output_type === 'stream'
                    && String(s.text).includes('💡')),
            }));
        }),
    };
}"""


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_run_all_reaches_the_last_cell_of_a_fresh_exercise(assignment, jupyterlab, chromium):
    shutil.copy2(
        REPO / "release" / assignment / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            f"() => {{ const s = ({RUN_STATE})(); return s.idle && s.ran === s.total; }}",
            timeout=3 * TIMEOUT_MS,
        )
        state = page.evaluate(RUN_STATE)
    finally:
        context.close()
    assert state["ran"] == state["total"]
    beginner_errors = [
        e for e in state["errors"] if e["name"] in {"NameError", "NotImplementedError"}
    ]
    assert all(error["hinted"] for error in beginner_errors), state["errors"]
    answers = _answer_sources(REPO / "release" / assignment / "exercice.ipynb")
    for error in state["errors"]:
        if error["name"] == "NameError":
            name = error["value"].split("'")[1]
            # only a name the student's own answer defines may be missing: never the data
            assert re.search(rf"^(def )?{name}\b", answers, re.MULTILINE), error


def _answer_sources(path: Path) -> str:
    """The source of the answer cells, where the names a student defines live."""
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    )
