"""Student content as inert HTML: Markdown, code with outputs, widget answers as tables.

Everything here is built from text a student controls, shown in a page the instructor opens
with a token: nothing may run script. Markdown is rendered with raw HTML disabled and then
cleaned by nh3 with the allow-list of :mod:`grader.grade.inert`; the page also sends a
Content-Security-Policy that forbids inline script (defence in depth).
"""

from __future__ import annotations

import html
from typing import Any

import nh3
from markdown_it import MarkdownIt

from grader.grade.inert import TAGS

#: Longest text shown in full; a longer answer is cut with a notice (it is kept in the notebook).
MAX_CHARS = 20_000
#: Rows and nesting shown for a widget answer before it is cut.
MAX_ROWS = 200
MAX_DEPTH = 4

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"align"}}


def clean(markup: str) -> str:
    """``markup`` reduced to the allow-list: no script, no event handler, no style."""
    return nh3.clean(
        markup,
        tags=set(TAGS),
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _cut(text: str) -> tuple[str, bool]:
    return (text[:MAX_CHARS], True) if len(text) > MAX_CHARS else (text, False)


def markdown(text: str) -> str:
    """Markdown (a student's or the mark scheme's) as inert HTML."""
    text, cut = _cut(text or "")
    out = clean(_MD.render(text))
    if cut:
        out += '<p class="cut">[réponse coupée : elle dépasse 20 000 caractères]</p>'
    return out


def code(source: str, outputs: list[dict]) -> str:
    """A code cell: the source escaped, then each output as text or image."""
    source, _ = _cut(source or "")
    parts = [f'<pre class="source">{html.escape(source)}</pre>']
    parts.extend(_output(output) for output in outputs or [])
    return "".join(parts)


def _output(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _pre(_joined(output.get("text", "")))
    if kind == "error":
        return _pre(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    data = output.get("data") or {}
    if "image/png" in data:
        raw = _joined(data["image/png"]).strip()
        return f'<img alt="figure" src="data:image/png;base64,{html.escape(raw)}">'
    if "text/html" in data:
        return f'<div class="output">{clean(_cut(_joined(data["text/html"]))[0])}</div>'
    if "text/plain" in data:
        return _pre(_joined(data["text/plain"]))
    return ""


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str) -> str:
    return f'<pre class="output">{html.escape(_cut(text)[0])}</pre>'


def value_table(value: Any, depth: int = 0) -> str:
    """A widget answer (any JSON) as nested tables: a record per row, a field per column."""
    if depth >= MAX_DEPTH:
        return f"<code>{html.escape(str(value)[:500])}</code>"
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{value_table(v, depth + 1)}</td></tr>"
            for k, v in list(value.items())[:MAX_ROWS]
        )
        return f'<table class="answer">{rows}</table>'
    if isinstance(value, list):
        return _list_table(value[:MAX_ROWS], depth)
    if value is None:
        return '<span class="empty">(vide)</span>'
    return html.escape(_cut(str(value))[0])


def _list_table(items: list, depth: int) -> str:
    if items and all(isinstance(i, dict) for i in items):
        columns = list(dict.fromkeys(k for i in items for k in i))
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{value_table(i.get(c), depth + 1)}</td>" for c in columns)
            + "</tr>"
            for i in items
        )
        return f'<table class="answer"><tr>{head}</tr>{body}</table>'
    if not items:
        return '<span class="empty">(vide)</span>'
    return "<ul>" + "".join(f"<li>{value_table(i, depth + 1)}</li>" for i in items) + "</ul>"
