"""make_inert: what a student's code or answer puts in a notebook never runs as script in the
HTML the instructor opens (nbconvert's lab and classic templates, nbgrader's formgrade page
and the course's French feedback page, all rendered for real and parsed)."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from functools import cache

import nbformat
import nbgrader
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from grader.grade.inert import PLACEHOLDER, make_inert, neutralise_markdown
from tests.conftest import PYTHON_KERNELSPEC, REPO, nbgrader_meta

pytestmark = pytest.mark.unit

CANARY = "canari_inert_7f3a"
CALL = f"window.{CANARY}()"
FORMGRADER = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")
TEMPLATES = ("lab", "classic", "formgrade", "feedback")
#: What nbgrader's formgrader and generate_feedback hand their templates.
RESOURCES = {
    "nbgrader": {"notebook": "exercice", "score": 1.0, "max_score": 2.0, "late_penalty": 0.0},
    "base_url": "/base",
    "assignment_id": "01-essai",
    "notebook_id": "exercice",
    "submission_id": "abc",
    "index": 0,
    "total": 1,
    "student": "amelie",
    "first_name": "Amélie",
    "last_name": "Rochat",
    "notebook_path": "autograded/amelie/01-essai/exercice.ipynb",
}
# a 1×1 transparent PNG
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
    "rkJggg=="
)


@cache
def _exporter(template: str) -> HTMLExporter:
    """The exporter as nbgrader configures it (feedback: the course's French template first)."""
    return HTMLExporter(
        template_name=template,
        extra_template_basedirs=[
            str(REPO / "grader" / "feedback" / "templates"),
            os.path.join(FORMGRADER, "templates"),
        ],
        extra_template_paths=[
            os.path.join(FORMGRADER, "static", "node_modules", "bootstrap", "dist", "css")
        ],
    )


def render(nb: nbformat.NotebookNode, template: str) -> str:
    body, _ = _exporter(template).from_notebook_node(_graded(nb), resources=dict(RESOURCES))
    return body


def _graded(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy with what nbgrader's GetGrades adds to graded cells before rendering feedback."""
    copy = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    for cell in copy.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and (meta.get("grade") or meta.get("task")):
            meta.setdefault("score", meta.get("points", 0))
        if meta and (meta.get("solution") or meta.get("task")):
            meta.setdefault("comment", None)
    return copy


def live(page: str) -> list[str]:
    """Every way the page would run the canary, or embed a student frame, as a browser reads it."""
    found = []
    for tag in BeautifulSoup(page, "lxml").find_all(True):
        if tag.name in ("iframe", "object", "embed", "frame", "applet"):
            found.append(f"<{tag.name}>")
        if tag.name == "script" and _is_javascript(tag) and CANARY in tag.get_text():
            found.append("<script> with the canary")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            squeezed = "".join(text.split()).lower()
            if CANARY not in text:
                continue
            if name.lower().startswith("on"):
                found.append(f"{name} attribute on <{tag.name}>")
            if squeezed.startswith(("javascript:", "data:text/html")) or name == "srcdoc":
                found.append(f"{name}={text[:20]}… on <{tag.name}>")
    return found


def _is_javascript(tag) -> bool:
    kind = (tag.get("type") or "text/javascript").lower()
    return kind in ("text/javascript", "application/javascript", "module", "text/ecmascript")


# -- the attacks -------------------------------------------------------------------------------
def _html(markup: str, **metadata) -> nbformat.NotebookNode:
    output = new_output("display_data", data={"text/html": markup, "text/plain": "x"})
    output.metadata = nbformat.from_dict(metadata)
    return new_notebook(cells=[new_code_cell("afficher()", outputs=[output])])


def _data(data: dict, **metadata) -> nbformat.NotebookNode:
    output = new_output("display_data", data=data)
    output.metadata = nbformat.from_dict(metadata)
    return new_notebook(cells=[new_code_cell("afficher()", outputs=[output])])


def _markdown(source: str, **cell) -> nbformat.NotebookNode:
    meta = nbgrader_meta("reponse-1", solution=True, grade=True, points=2)
    return new_notebook(cells=[new_markdown_cell(source, metadata=meta, **cell)])


SVG_SCRIPT = (
    f'<svg xmlns="http://www.w3.org/2000/svg" onload="{CALL}"><script>{CALL}</script></svg>'
)
VECTORS: dict[str, Callable[[], nbformat.NotebookNode]] = {
    "html-script": lambda: _html(f"<p>Résultat</p><script>{CALL}</script>"),
    "html-img-onerror": lambda: _html(f"<img src=x onerror={CALL}>"),
    "html-javascript-href": lambda: _html(f'<a href="javascript:{CALL}">clic</a>'),
    "html-iframe-srcdoc": lambda: _html(f'<iframe srcdoc="<script>{CALL}</script>"></iframe>'),
    "html-svg-onload": lambda: _html(f'<svg onload="{CALL}"><circle r="1"/></svg>'),
    "html-isolated-iframe": lambda: _html(
        f"<script>{CALL}</script>", **{"text/html": {"isolated": True}}
    ),
    "javascript-output": lambda: _data({"application/javascript": CALL, "text/plain": "js"}),
    "svg-output": lambda: _data({"image/svg+xml": SVG_SCRIPT}),
    "latex-output": lambda: _data({"text/latex": f"$\\href{{javascript:{CALL}}}{{clic}}$"}),
    "markdown-output": lambda: _data({"text/markdown": f"<img src=x onerror={CALL}>"}),
    # nbconvert writes width={{ width }} unquoted: a space ends the attribute
    "image-width": lambda: _data(
        {"image/png": "pas-du-base64"}, **{"image/png": {"width": f"1 onerror={CALL}"}}
    ),
    "markdown-script": lambda: _markdown(f"Ma réponse.\n\n<script>{CALL}</script>"),
    "markdown-img-onerror": lambda: _markdown(f"Voir <img src=x onerror={CALL}> ici."),
    "markdown-javascript-link": lambda: _markdown(f"[x](javascript:{CALL})"),
    "markdown-reference-link": lambda: _markdown(f"[x][1]\n\n[1]: javascript:{CALL}"),
    "markdown-mermaid": lambda: _markdown(
        f'```mermaid\ngraph TD\nA-->B["</pre><script>{CALL}</script>"]\n```'
    ),
    "markdown-attachment": lambda: _markdown(
        "![figure](attachment:figure.svg)",
        attachments={
            "figure.svg": {"image/svg+xml": base64.b64encode(SVG_SCRIPT.encode()).decode()}
        },
    ),
    "notebook-title": lambda: _with_metadata(title=f"</title><script>{CALL}</script>"),
    "grade-id": lambda: new_notebook(
        cells=[
            new_code_cell(
                "assert True",
                metadata=nbgrader_meta(f'x"><script>{CALL}</script>', grade=True, points=1),
            )
        ]
    ),
}
#: The vectors nbconvert or nbgrader leave live: proof that the tests below can fail.
LIVE_WITHOUT_INERT = {
    "html-script": ("lab", "classic"),
    "html-img-onerror": ("lab", "classic"),
    "html-javascript-href": ("lab", "classic"),
    "html-iframe-srcdoc": ("lab", "classic"),
    "html-svg-onload": ("lab", "classic"),
    "html-isolated-iframe": ("classic", "formgrade", "feedback"),
    "javascript-output": ("lab", "classic"),
    "markdown-output": ("lab", "classic"),
    "image-width": ("lab", "classic"),
    "markdown-script": ("lab", "classic", "formgrade", "feedback"),
    "markdown-img-onerror": ("lab", "classic", "formgrade", "feedback"),
    "markdown-javascript-link": ("lab", "classic", "formgrade", "feedback"),
    "markdown-reference-link": ("lab", "classic", "formgrade", "feedback"),
    "markdown-mermaid": ("lab", "classic", "formgrade", "feedback"),
    "grade-id": ("formgrade",),
}


def _with_metadata(**metadata) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell("# Exercice")])
    nb.metadata.update(metadata)
    nb.metadata["kernelspec"] = dict(PYTHON_KERNELSPEC)
    return nb


@pytest.mark.parametrize(
    ("vector", "template"),
    [(v, t) for v, templates in LIVE_WITHOUT_INERT.items() for t in templates],
)
def test_vector_is_live_without_make_inert(vector, template):
    assert live(render(VECTORS[vector](), template))


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_inert_and_reported(vector, template):
    nb = VECTORS[vector]()
    flags = make_inert(nb)
    assert flags, "every vector is reported to the instructor"
    page = render(nb, template)
    assert live(page) == []
    assert "\\href" not in page  # no LaTeX link left for MathJax to make


def test_flags_say_what_was_removed_and_where():
    assert make_inert(VECTORS["html-script"]()) == [
        "cell 1: removed from text/html output: <script>"
    ]
    assert make_inert(VECTORS["javascript-output"]()) == [
        "cell 1: application/javascript output removed"
    ]
    (markdown,) = make_inert(VECTORS["markdown-javascript-link"]())
    assert (
        markdown.startswith("cell 1 (reponse-1): markdown neutralised") and "javascript" in markdown
    )
    assert make_inert(VECTORS["notebook-title"]()) == ["notebook metadata 'title' removed"]


def test_unsafe_markdown_shows_as_text_and_keeps_the_rest():
    nb = _markdown(f"**Ma réponse** : <b>oui</b>.\n\n<script>{CALL}</script>\n\n`<i>code</i>`")
    make_inert(nb)
    source = nb.cells[0].source
    assert source.startswith("**Ma réponse** : <b>oui</b>.")
    assert f"&lt;script>{CALL}&lt;/script>" in source and "`<i>code</i>`" in source
    page = BeautifulSoup(render(nb, "classic"), "lxml")
    assert f"<script>{CALL}</script>" in page.get_text()  # the student's text, shown as text
    assert page.find("b", string="oui") is not None


def test_an_unclosed_attribute_cannot_swallow_the_next_cell():
    # nh3 leaves quotes in text as they are: the markdown's open quote would make them markup
    nb = _markdown('<div title="')
    nb.cells.append(
        new_code_cell("x", outputs=[_html(f'" onmouseover="{CALL}" x="').cells[0].outputs[0]])
    )
    assert any("unclosed HTML" in flag for flag in make_inert(nb))
    for template in TEMPLATES:
        assert live(render(nb, template)) == []


def test_no_markdown_escapes_even_when_rewriting_fails():
    source = f"<div>\n```\n<script>{CALL}</script>\n```\n</div>"
    fixed, problems = neutralise_markdown(source, {})
    assert problems
    assert live(render(_markdown(fixed), "classic")) == []


def test_empty_output_gets_a_french_placeholder():
    nb = _data({"application/javascript": CALL})
    make_inert(nb)
    assert nb.cells[0].outputs[0].data == {"text/plain": PLACEHOLDER}
    assert "contenu retiré" in render(nb, "lab")


# -- what must survive --------------------------------------------------------------------------
def _legitimate() -> nbformat.NotebookNode:
    table = pd.DataFrame({"communauté": ["Reddit", "Mastodon"], "membres": [430, 15]})
    figure = new_output(
        "display_data",
        data={"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"},
        metadata={"image/png": {"width": 320, "height": 240}, "needs_background": "light"},
    )
    result = new_output(
        "execute_result",
        data={"text/html": table._repr_html_(), "text/plain": str(table)},
        execution_count=1,
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "## Réponse\n\nLes **communautés** <b>en ligne</b> : voir "
                "[Wikipédia](https://fr.wikipedia.org) et ![schéma](attachment:schema.png).\n\n"
                "- $x^2$\n- `code <b>`",
                attachments={"schema.png": {"image/png": PNG}},
            ),
            new_code_cell("table", outputs=[result], execution_count=1),
            new_code_cell("figure", outputs=[figure], execution_count=2),
        ]
    )
    nb.metadata["kernelspec"] = dict(PYTHON_KERNELSPEC)
    return nb


def test_legitimate_notebook_is_not_reported_and_renders_its_content():
    nb = _legitimate()
    before = nbformat.writes(nb)
    assert make_inert(nb) == []
    assert nb.cells[0].source == nbformat.reads(before, 4).cells[0].source
    for template in TEMPLATES:
        page = BeautifulSoup(render(nb, template), "lxml")
        table = page.find("table", class_="dataframe")
        assert table is not None
        cells = [td.get_text() for td in table.find_all("td")]
        assert cells == ["Reddit", "430", "Mastodon", "15"]
        pngs = [img for img in page.find_all("img") if PNG in img.get("src", "")]
        assert len(pngs) == 2  # the figure and the markdown's attachment
        assert page.find("a", href="https://fr.wikipedia.org") is not None
        assert page.find("b", string="en ligne") is not None


def test_svg_and_latex_without_script_are_dropped_silently_beside_text():
    nb = _data(
        {"image/svg+xml": "<svg><circle r='1'/></svg>", "text/latex": "$x^2$", "text/plain": "x²"}
    )
    assert make_inert(nb) == []
    assert nb.cells[0].outputs[0].data == {"text/plain": "x²"}


# -- what nbconvert escapes already -------------------------------------------------------------
def _escaped_by_nbconvert() -> nbformat.NotebookNode:
    payload = f"<script>{CALL}</script><img src=x onerror={CALL}>"
    return new_notebook(
        cells=[
            new_code_cell(
                f"print('{payload}')",
                metadata=nbgrader_meta("test-1", grade=True, points=1),
                outputs=[
                    new_output("stream", name="stdout", text=payload),
                    new_output("stream", name="stderr", text=payload),
                    new_output(
                        "error",
                        ename=f"Erreur{payload}",
                        evalue=payload,
                        traceback=[payload, f"\x1b[0;31m{payload}\x1b[0m"],
                    ),
                ],
            ),
            new_raw_cell(payload),
            new_raw_cell(payload, metadata={"raw_mimetype": "text/html"}),
        ]
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_streams_errors_code_and_raw_cells_render_escaped(template):
    nb = _escaped_by_nbconvert()
    page = render(nb, template)
    assert live(page) == []
    assert f"<script>{CALL}</script>" in BeautifulSoup(page, "lxml").get_text()  # shown as text
    flags = make_inert(nb)
    assert all("raw cell" in flag for flag in flags)  # outputs and code are left alone
    assert nb.cells[0].outputs[2].evalue.startswith("<script>")  # failure messages unchanged
    assert live(render(nb, template)) == []
