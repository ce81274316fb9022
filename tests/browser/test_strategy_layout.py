"""The module-06 canvas as a student sees it in Chromium, measured at 1400 and 1000 px wide.

What issue 15 found there: fields known only by a placeholder that vanishes once one types,
justification boxes in a typewriter font, a cut-off « Exporter le pla… » button, a raw dict
with decimal points in the part A test, and recap tables right-aligned by JupyterLab.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from exercises.strategy.plan import normalise
from tests.browser.conftest import (
    TIMEOUT_MS,
    open_notebook,
    run_all,
    wait_for_stored_answer,
)
from tests.browser.test_strategy_canvas import _fill
from tests.conftest import REPO
from tests.unit.test_strategy import QID, model_plan

pytestmark = pytest.mark.browser

ASSIGNMENT = "06-strategie"

#: Every label-like element of the question whose text is wider than its box (cut off).
OVERFLOWING = """() => [...document.querySelectorAll(
    '.course-question button, .course-question label, .course-question .widget-label')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.innerText.slice(0, 60)} (${e.scrollWidth} > ${e.clientWidth})`)"""

#: Each canvas field: its visible label's text and size, its control's font.
FIELDS = """() => [...document.querySelectorAll('.canvas-field')].map(box => {
  const label = box.querySelector('label.canvas-label');
  const control = box.querySelector('textarea, input, select');
  const rect = label ? label.getBoundingClientRect() : {width: 0, height: 0};
  return {
    label: label ? label.innerText.trim() : '',
    visible: rect.width > 0 && rect.height > 0,
    font: control ? getComputedStyle(control).fontFamily : '',
    tag: control ? control.tagName : '',
  };
})"""

RECAP_ALIGN = """() => [...document.querySelectorAll('.jp-OutputArea-output table td')]
  .map(td => getComputedStyle(td).textAlign)"""


@pytest.fixture
def filled_canvas(jupyterlab, chromium):
    plan = model_plan()
    plan["redige_le"] = date.today().isoformat()
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    try:
        run_all(page)
        _fill(page, plan)
        wait_for_stored_answer(page, QID, normalise(plan))
        run_all(page)  # the test and recap cells show the plan as entered
        page.locator("text=Points automatiques de la partie A").wait_for(timeout=TIMEOUT_MS)
        yield page
    finally:
        context.close()


def test_canvas_layout_is_readable(filled_canvas) -> None:
    page = filled_canvas
    for width in (1400, 1000):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(500)  # let JupyterLab lay the notebook out again
        assert page.evaluate(OVERFLOWING) == [], width

    fields = page.evaluate(FIELDS)
    assert len(fields) == 62
    unlabelled = [field for field in fields if not (field["visible"] and field["label"])]
    assert not unlabelled
    typed = [field for field in fields if field["tag"] in {"TEXTAREA", "INPUT"}]
    assert typed and all("monospace" not in field["font"] for field in typed), typed[:3]

    export = page.locator(".canvas-export")
    assert export.inner_text().strip() == "Exporter le plan (Markdown + HTML)"

    alignments = page.evaluate(RECAP_ALIGN)
    assert len(alignments) > 40 and set(alignments) == {"left"}


def test_part_a_shows_a_french_summary(filled_canvas) -> None:
    output = filled_canvas.locator(
        ".jp-OutputArea-output", has_text="Points automatiques de la partie A"
    ).text_content()  # not inner_text: JupyterLab may not paint a cell scrolled out of view
    assert "Total\u00a0: 10\u00a0/\u00a010" in output
    assert "0,5\u00a0/\u00a00,5" in output
    assert "{" not in output and not re.search(r"\d\.\d", output)
    assert "✔ Test réussi" in output
