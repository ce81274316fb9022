"""The widget questions are readable at 1000 px: nothing cut, the choice made is obvious.

Measured in Debian's Chromium on a real JupyterLab: every label, button and field of a
question fits its box (``scrollWidth <= clientWidth``), the selected toggle differs from
the others by contrast and weight, and free-text fields use a proportional font.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from tests.browser.conftest import TIMEOUT_MS, open_notebook, run_all
from tests.conftest import REPO, python_notebook

pytestmark = pytest.mark.browser


OVERFLOWING = """() => [...document.querySelectorAll(
        '.course-question button, .course-question .widget-label, .course-question input,'
        + ' .course-question textarea, .course-question')]
    .filter((el) => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`
        + ` «${(el.innerText || el.placeholder || '').slice(0, 40)}»`)"""

TOGGLE_STYLES = """() => {
    const style = (el) => getComputedStyle(el);
    const active = document.querySelector('.course-question .widget-toggle-button.mod-active');
    const other = active.parentElement.querySelector('.widget-toggle-button:not(.mod-active)');
    const pick = (el) => ({background: style(el).backgroundColor, color: style(el).color,
                           weight: parseInt(style(el).fontWeight, 10)});
    return {active: pick(active), other: pick(other)};
}"""


def _luminance(css_color: str) -> float:
    channels = [int(part) / 255 for part in css_color[css_color.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _open_at(lab, chromium, width: int):
    context, page = open_notebook(lab, chromium)
    page.set_viewport_size({"width": width, "height": 1000})
    return context, page


@pytest.mark.parametrize("width", [1000, 1400])
def test_exercise_01_question_fits_and_shows_the_choice(jupyterlab, chromium, width):
    shutil.copy2(
        REPO / "release" / "01-cluetrain" / "exercice.ipynb", jupyterlab.root / "exercice.ipynb"
    )
    context, page = _open_at(jupyterlab, chromium, width)
    try:
        run_all(page)
        page.locator(".widget-toggle-buttons").first.locator("button").first.click()
        page.wait_for_selector(
            ".course-question .widget-toggle-button.mod-active", timeout=TIMEOUT_MS
        )
        page.wait_for_timeout(500)
        assert page.evaluate(OVERFLOWING) == []
        check = page.get_by_role("button", name="Vérifier ma réponse")
        assert check.is_visible()
        styles = page.evaluate(TOGGLE_STYLES)
        active, other = styles["active"], styles["other"]
        assert _contrast(active["background"], other["background"]) >= 3, styles
        assert _contrast(active["color"], active["background"]) >= 4.5, styles
        assert active["weight"] >= 600 > other["weight"], styles
    finally:
        context.close()


FREE_TEXT = """\
import ipywidgets as widgets
from exercises import Question

class Libre(Question):
    def __init__(self):
        self.area = widgets.Textarea(
            placeholder="Justifiez votre note en deux ou trois phrases, avec un exemple tiré du site",
            description="Justification de la note attribuée",
        )
        self.line = widgets.Text(
            placeholder="Une recommandation concrète, datée et mesurable",
            description="Recommandation",
        )
        for control in (self.area, self.line):
            control.observe(self._controls_changed, names="value")
        super().__init__("essai/libre", [self.area, self.line])

    def collect(self):
        return {"justification": self.area.value, "recommandation": self.line.value}

    def apply(self, value):
        value = value if isinstance(value, dict) else {}
        self.area.value = value.get("justification") or ""
        self.line.value = value.get("recommandation") or ""

    def advice(self, value):
        return []

Libre()
"""

FIELDS = """() => [...document.querySelectorAll('.course-question textarea, .course-question input')]
    .map((el) => {
        const style = getComputedStyle(el);
        const canvas = document.createElement('canvas').getContext('2d');
        canvas.font = `${style.fontSize} ${style.fontFamily}`;
        const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        return {tag: el.tagName, font: style.fontFamily,
                placeholder: canvas.measureText(el.placeholder).width,
                room: el.clientWidth - padding, rows: el.tagName === 'TEXTAREA' ? el.rows : 1};
    })"""


def test_free_text_fields_are_proportional_and_show_their_placeholder(jupyterlab, chromium):
    nb = python_notebook(cells=[nbformat.v4.new_code_cell(FREE_TEXT)])
    nbformat.write(nb, jupyterlab.root / "libre.ipynb")
    context, page = open_notebook(jupyterlab, chromium, "libre.ipynb")
    page.set_viewport_size({"width": 1000, "height": 1000})
    try:
        run_all(page)
        page.wait_for_timeout(500)
        assert page.evaluate(OVERFLOWING) == []
        fields = page.evaluate(FIELDS)
        assert [field["tag"] for field in fields] == ["TEXTAREA", "INPUT"]
        for field in fields:
            assert "monospace" not in field["font"].lower(), field
            assert field["placeholder"] <= field["room"] * field["rows"], field
        assert page.locator(".course-question .widget-label", has_text="Justification").is_visible()
    finally:
        context.close()
