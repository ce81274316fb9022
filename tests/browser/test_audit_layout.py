"""What a student sees of exercise 07 at 1000 px wide, measured in Chromium (issue 15).

The released notebook is opened in a real JupyterLab, run with Run All, and a site is
chosen in the form. Then the page itself is measured: no widget label cut off (an element
whose text is wider than its box), a site dropdown that is not blank at start, no IPython
``UserWarning`` in any output, decimal commas in the evidence, a left-aligned recap.
Whether the chart's legend covers a bar is measured on the figure itself, where matplotlib
knows both boxes (tests/unit/test_audit_grid.py::test_chart_legend_covers_no_bar).
"""

from __future__ import annotations

import shutil

import pytest

from exercises.audit import corpus
from tests.browser.conftest import TIMEOUT_MS, open_notebook
from tests.conftest import REPO

pytestmark = pytest.mark.browser

ASSIGNMENT = "07-site-cafe"
SITE = "association-les-sentiers"

RAN_ALL = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = [...panel.content.widgets].filter((cell) => cell.model.type === 'code');
    return panel.sessionContext.session.kernel.status === 'idle'
        && cells.every((cell) => cell.model.executionCount !== null);
}"""

# Elements whose text is wider than their box: what the student sees as « Vérifier ma rép… ».
CUT_OFF = """() => {
    const selector = '.jp-Notebook .jupyter-widgets button, .jp-Notebook .widget-label, '
        + '.jp-Notebook .widget-dropdown select, .jp-Notebook .widget-html-content h4, '
        + '.jp-Notebook .widget-toggle-buttons button';
    return [...document.querySelectorAll(selector)]
        .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
        .map((el) => ({text: (el.innerText || el.value || '').trim().slice(0, 60),
                       scroll: el.scrollWidth, client: el.clientWidth}));
}"""

DROPDOWN = """() => {
    const select = document.querySelector('.jp-Notebook .widget-dropdown select');
    return select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text.replace(/\u00a0/g, ' ') : '';
}"""

OUTPUT_TEXT = """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .map((el) => el.innerText).join('\\n')"""

RECAP_ALIGN = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output table')]
        .filter((table) => table.innerText.includes('justification'))
        .flatMap((table) => [...table.querySelectorAll('td, th')]);
    return cells.map((cell) => getComputedStyle(cell).textAlign);
}"""


@pytest.fixture
def page_at_1000px(jupyterlab, chromium):
    """The released 07, opened at 1000 × 1000 px and run with Run All."""
    shutil.copy2(
        REPO / "release" / ASSIGNMENT / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = open_notebook(jupyterlab, chromium)
    page.set_viewport_size({"width": 1000, "height": 1000})
    try:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(RAN_ALL, timeout=3 * TIMEOUT_MS)
        page.locator(".audit-voix").wait_for(timeout=TIMEOUT_MS)
        yield page
    finally:
        context.close()


def test_audit_form_reads_well_at_1000px(page_at_1000px):
    page = page_at_1000px
    assert page.evaluate("() => window.innerWidth") == 1000
    # the dropdown says what to do before anything is chosen
    assert page.evaluate(DROPDOWN) == "— choisissez un site —"
    # the page preview (an iframe in a div) raises no IPython warning in the output
    outputs = page.evaluate(OUTPUT_TEXT)
    assert "UserWarning" not in outputs and "Consider using IPython.display.IFrame" not in outputs
    chosen = corpus.site(SITE)
    page.locator(".widget-dropdown select").first.select_option(
        label=f"{chosen.name} ({chosen.sector})"
    )
    page.locator(".audit-voix .audit-evidence").wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate(DROPDOWN) == f"{chosen.name} ({chosen.sector})"
    rate = corpus.audit_site(SITE)["signals"]["first_person_per_100_words"]
    page.locator(".audit-voix").scroll_into_view_if_needed()
    evidence = page.locator(".audit-voix .audit-evidence").text_content()
    assert str(rate).replace(".", ",") in evidence and str(rate) not in evidence
    page.get_by_role("button", name="Vérifier ma réponse").first.click()
    page.locator(".course-advice").first.wait_for(timeout=TIMEOUT_MS)
    # 1000 px wide, and tall enough that JupyterLab lays out every cell of the form at once
    # (it skips the layout of cells far out of view, which would hide a cut-off label)
    page.set_viewport_size({"width": 1000, "height": 12000})
    page.wait_for_timeout(500)
    assert page.evaluate("() => document.querySelectorAll('.audit-criterion').length") == 17
    assert page.evaluate(CUT_OFF) == []
    # the measure can fail: give the button ipywidgets' own style (one line, clipped with an
    # ellipsis: the « Vérifier ma rép… » of issue 15) in a narrow box, and it is reported
    page.evaluate(
        """() => { const b = [...document.querySelectorAll('.jp-Notebook button')]
            .find((el) => el.innerText.includes('Vérifier ma réponse'));
            Object.assign(b.style, {width: '8em', whiteSpace: 'nowrap', overflow: 'hidden',
                                    textOverflow: 'ellipsis'}); }"""
    )
    assert [cut["text"] for cut in page.evaluate(CUT_OFF)] == ["Vérifier ma réponse"]


def test_recap_is_left_aligned(page_at_1000px):
    page = page_at_1000px
    chosen = corpus.site(SITE)
    page.locator(".widget-dropdown select").first.select_option(
        label=f"{chosen.name} ({chosen.sector})"
    )
    page.locator(".audit-voix .audit-evidence").wait_for(timeout=TIMEOUT_MS)
    page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const index = panel.content.widgets.findIndex(
                (c) => c.model.getMetadata('nbgrader')?.grade_id === 'recapitulatif');
            panel.content.activeCellIndex = index;
            return window.jupyterapp.commands.execute('notebook:run-cell');
        }"""
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-OutputArea-output table')]
            .some((t) => t.innerText.includes('justification'))""",
        timeout=TIMEOUT_MS,
    )
    aligns = page.evaluate(RECAP_ALIGN)
    assert aligns and set(aligns) == {"left"}
