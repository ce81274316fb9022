"""Autograded notebooks made inert: nothing a student wrote or printed runs as script when the
instructor opens the notebook's HTML (formgrader, ``nbgrader generate_feedback``).

Both render the notebook with nbconvert's HTMLExporter, which copies ``text/html`` outputs, raw
HTML in markdown, markdown links and ``mermaid`` code blocks into the page as they are, puts
``application/javascript`` outputs in ``<script>`` elements and image metadata in unquoted
attributes. Formgrader serves that page from the Jupyter server the instructor is logged
into, so a script there acts with the instructor's session. :func:`make_inert` rewrites the
notebook so that every template nbgrader uses (classic, lab, formgrade, feedback) renders
only inert HTML; what it could not keep as it was is returned for the instructor.

Error and stream outputs and code cell sources are escaped by nbconvert itself and are left
alone (a failed test's message stays as the student's code raised it); raw cells, which
nbconvert passes through bleach, get this module's sanitizer as well. tests/unit/test_inert.py
renders every case with the real templates.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import nbformat
import nh3
from nbconvert.filters.markdown_mistune import InvalidNotebook, IPythonRenderer, MarkdownWithMath
from selectolax.lexbor import LexborHTMLParser

#: What the instructor and the student see instead of an output that had nothing safe left.
PLACEHOLDER = "[contenu retiré : il pouvait exécuter du code dans le navigateur]"
#: What a markdown text becomes when even showing it as code could not make it inert.
MARKDOWN_PLACEHOLDER = "*[texte retiré : il pouvait exécuter du code dans le navigateur]*"

#: The widget answers (``course``) stay: JSON that graders and the marking view read, and
#: that no page renders as markup.
NOTEBOOK_METADATA = ("kernelspec", "language_info", "course")
RASTER = ("image/png", "image/jpeg", "image/gif")
ATTACHMENT_TYPES = (*RASTER, "image/webp")
#: Output types nbconvert escapes (text), base64-encodes into a quoted src (images) or does
#: not render at all (JSON; a widget view is JSON in a non-script <script> element).
KEPT_AS_IS = frozenset(
    {"text/plain", *RASTER, "application/json", "application/vnd.jupyter.widget-view+json"}
)
SCRIPT_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "text/javascript",
        "text/ecmascript",
    }
)
#: Dropped types that a legitimate notebook also produces (matplotlib SVG, sympy LaTeX):
#: reported only when they hold what could run script.
SUSPICIOUS = {
    "image/svg+xml": re.compile(
        r"<script|<foreignobject|\bon[a-z]+\s*=|javascript:|data:text/html", re.I
    ),
    "text/latex": re.compile(r"\\(?:href|url|class|style|cssId|html|unicode|require|data)\b"),
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
#: nbgrader cell names go unescaped into formgrader's HTML (ids, <code>).
GRADE_ID = re.compile(r"[\w.:-]+")
NUMBER = (int, float)
DIGITS = re.compile(r"[0-9]{1,6}")
#: What browsers strip around a URL before reading its scheme.
C0_AND_SPACE = "".join(chr(code) for code in range(33))

# -- the HTML allow-list ------------------------------------------------------------------------
TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
        *("dd", "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i"),
        *("img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small"),
        *("span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "u", "ul", "var", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
ATTRIBUTES = {
    "*": {"class", "title", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "cellpadding", "cellspacing"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
}
#: Properties that lay out a table or colour text; nothing that positions, hides or fetches.
STYLE_PROPERTIES = {
    *("text-align", "vertical-align", "color", "background-color", "font-weight"),
    *("font-style", "text-decoration", "white-space", "border", "border-collapse"),
    *("padding", "padding-left", "padding-right", "width", "min-width", "max-width"),
}
#: Removed with their content (the rest lose the tag and keep their text).
CONTENT_TAGS = {
    *("script", "style", "template", "iframe", "object", "embed", "svg", "math"),
    *("textarea", "title", "xmp", "noembed", "noframes", "noscript", "select"),
}
#: The <style scoped> block pandas puts before a DataFrame table: only alignments of
#: ``.dataframe`` cells. Dropping it changes nothing worth telling the instructor.
PANDAS_STYLE = re.compile(
    r"<style scoped>\s*(?:\.dataframe[\w\s.:()>-]*\{\s*"
    r"(?:(?:vertical-align|text-align)\s*:\s*[a-z-]+;\s*)+\}\s*)+</style>"
)
MAX_DEPTH = 512
TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
#: Elements that need no end tag: void ones, and those the next sibling closes.
SELF_CLOSING = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"),
    *("track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot"),
    *("option", "optgroup", "colgroup", "caption", "rb", "rt", "rp", "rtc"),
}
END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)")
SENTINEL = '<b class="inert-sentinel">x</b>'


def make_inert(nb: nbformat.NotebookNode) -> list[str]:
    """Make ``nb`` safe to render as HTML, in place; return what was neutralised.

    Contract (for the autograder, which calls it on each autograded notebook): call it after
    the scores are computed and recorded, on the notebook about to be written to
    ``autograded/``; it never touches code cell sources, error or stream outputs or nbgrader's
    cell metadata of valid cells, so scores, failure messages and checksums read later are
    unchanged. Each returned line is short English for an instructor flag, such as
    "cell 4: removed from text/html output: <script>"; an empty list means the notebook
    renders as it did. Cells are numbered from 1, as in the notebook.
    """
    flags = _notebook_metadata(nb)
    for index, cell in enumerate(nb.get("cells", [])):
        where = _cell_label(index, cell)
        flags.extend(f"{where}: {what}" for what in _cell(cell))
    return flags


def _cell_label(index: int, cell: nbformat.NotebookNode) -> str:
    grade_id = _nbgrader(cell).get("grade_id")
    if isinstance(grade_id, str) and GRADE_ID.fullmatch(grade_id):
        return f"cell {index + 1} ({grade_id})"
    return f"cell {index + 1}"


def _cell(cell: nbformat.NotebookNode) -> list[str]:
    """The changes to one cell, by its type."""
    changes = _nbgrader_metadata(cell)
    removed = _attachments(cell)
    changes.extend(f"attachment {name!r} removed (not a raster image)" for name in removed)
    kind = cell.get("cell_type")
    if kind == "code":
        if not isinstance(cell.get("execution_count"), int | None):
            cell["execution_count"] = None
        for output in cell.get("outputs", []):
            changes.extend(_output(output))
    elif kind == "markdown":
        changes.extend(_markdown_cell(cell, removed))
    elif kind == "raw":
        changes.extend(_raw(cell))
    return changes


def _markdown_cell(cell: nbformat.NotebookNode, removed: list[str]) -> list[str]:
    source = _text(cell.get("source", ""))
    attachments = cell.get("attachments") or {}
    if attachments or removed:
        fixed, problems = neutralise_markdown(_dangling(source, removed), attachments)
    else:
        fixed, problems = _neutralised_text(source)
    if fixed != source:
        cell["source"] = fixed
    return [f"markdown neutralised ({', '.join(problems)})"] if problems else []


# -- notebook and cell metadata -----------------------------------------------------------------
def _notebook_metadata(nb: nbformat.NotebookNode) -> list[str]:
    """Keep only the kernel's description: templates print ``title`` (and load widget state)."""
    metadata = nb.get("metadata", {})
    dropped = [key for key in metadata if key not in NOTEBOOK_METADATA]
    for key in dropped:
        del metadata[key]
    shown = [key for key in dropped if key in ("title", "widgets")]
    return [f"notebook metadata {key!r} removed" for key in shown]


def _nbgrader_metadata(cell: nbformat.NotebookNode) -> list[str]:
    """A grade id formgrader would print unescaped is no grade id (nbgrader never makes one)."""
    grade_id = _nbgrader(cell).get("grade_id")
    if grade_id is None or (isinstance(grade_id, str) and GRADE_ID.fullmatch(grade_id)):
        return []
    del cell["metadata"]["nbgrader"]
    return ["nbgrader metadata removed (its grade id was not a plain name)"]


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    metadata = cell.get("metadata")
    found = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def _attachments(cell: nbformat.NotebookNode) -> list[str]:
    """Keep raster images only; return the names of attachments left with nothing."""
    attachments = cell.get("attachments")
    if not isinstance(attachments, dict):
        return []
    removed = []
    for name in list(attachments):
        bundle = attachments[name] if isinstance(attachments[name], dict) else {}
        kept = {k: v for k, v in bundle.items() if k in ATTACHMENT_TYPES and isinstance(v, str)}
        if kept:
            attachments[name] = nbformat.from_dict(kept)
        else:
            del attachments[name]
            removed.append(name)
    return removed


def _dangling(source: str, removed: list[str]) -> str:
    """Point references to removed attachments nowhere (nbconvert fails on a missing one)."""
    for name in removed:
        source = source.replace(f"attachment:{name}", "#piece-jointe-retiree")
    return source


# -- outputs ------------------------------------------------------------------------------------
def _output(output: nbformat.NotebookNode) -> list[str]:
    """Clean one display_data or execute_result; other outputs nbconvert escapes itself."""
    changes = []
    if "execution_count" in output and not isinstance(output["execution_count"], int | None):
        output["execution_count"] = None
    if "metadata" in output:
        changes.extend(_output_metadata(output))
    data = output.get("data")
    if not isinstance(data, dict):
        return changes
    reported = False
    for mimetype in list(data):
        kept, change = _mime_value(mimetype, data[mimetype])
        if kept is None:
            del data[mimetype]
        else:
            data[mimetype] = kept
        if change:
            changes.append(change)
            reported = True
    if not data:
        data["text/plain"] = PLACEHOLDER
        if not reported:
            changes.append("output replaced by a placeholder (nothing safe to show)")
    return changes


def _mime_value(mimetype: str, value: Any) -> tuple[Any, str | None]:
    """(what to keep or None, the change to report or None) for one entry of an output."""
    if mimetype in KEPT_AS_IS:
        if mimetype.startswith(("text/", "image/")) and not isinstance(value, str):
            value = _text(value) if isinstance(value, list) else None
        return value, None
    if mimetype == "text/html":
        return _html_output(_text(value))
    if mimetype == "text/markdown":
        source, problems = neutralise_markdown(_text(value), {})
        return (
            source,
            f"text/markdown output neutralised ({', '.join(problems)})" if problems else None,
        )
    if mimetype in SCRIPT_TYPES:
        return None, f"{mimetype} output removed"
    pattern = SUSPICIOUS.get(mimetype)
    if pattern is not None and pattern.search(_text(value)):
        return None, f"{mimetype} output removed (it could run script)"
    return None, None


def _html_output(value: str) -> tuple[str | None, str | None]:
    if too_deep(value):
        return None, "text/html output removed (nested too deeply to check)"
    clean = CLEANER.clean(value)
    removed = html_changes(PANDAS_STYLE.sub("", value), clean)
    if not removed:
        return clean, None
    summary = f"removed from text/html output: {', '.join(removed)}"
    return (clean if _shape(clean) else None), summary


def _output_metadata(output: nbformat.NotebookNode) -> list[str]:
    """Keep the image sizes and flags templates print, as values that cannot leave their
    attribute (nbconvert writes ``width={{ width }}`` unquoted); drop the rest, such as
    ``filenames`` (an image path) and ``isolated`` (an iframe)."""
    metadata = output.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    kept, dropped = _image_metadata(metadata)
    for mimetype, values in metadata.items():
        if mimetype in RASTER and isinstance(values, dict):
            kept[mimetype], more = _image_metadata(values)
            dropped.extend(more)
        elif isinstance(values, dict):
            dropped.extend(key for key in ("isolated",) if key in values)
    dropped.extend(key for key in ("filenames",) if key in metadata)
    output["metadata"] = nbformat.from_dict(kept)
    names = sorted(set(dropped))
    return [f"output metadata removed: {', '.join(names)}"] if names else []


def _image_metadata(values: dict) -> tuple[dict, list[str]]:
    """The displayable image keys of ``values`` that are safe; the names of unsafe ones."""
    checks: dict[str, Callable[[Any], bool]] = {
        "width": _is_size,
        "height": _is_size,
        "unconfined": lambda v: isinstance(v, bool),
        "needs_background": lambda v: v in ("light", "dark"),
        "alt": lambda v: isinstance(v, str),
    }
    kept, dropped = {}, []
    for key, check in checks.items():
        if key in values:
            if check(values[key]):
                kept[key] = values[key]
            else:
                dropped.append(key)
    return kept, dropped


def _is_size(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, NUMBER) or (
        isinstance(value, str) and DIGITS.fullmatch(value) is not None
    )


def _raw(cell: nbformat.NotebookNode) -> list[str]:
    """Raw cells that nbconvert copies into HTML get the outputs' sanitizer too."""
    mimetype = str(cell.get("metadata", {}).get("raw_mimetype", "")).lower()
    if mimetype not in ("", "text/html"):
        return []
    source = _text(cell.get("source", ""))
    if too_deep(source):
        cell["source"] = ""
        return ["raw cell emptied (HTML nested too deeply to check)"]
    clean = CLEANER.clean(source)
    removed = html_changes(source, clean)
    if not removed:
        return []
    cell["source"] = clean
    return [f"removed from raw cell: {', '.join(removed)}"]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else str(value)


# -- HTML ---------------------------------------------------------------------------------------
def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Links: no scheme, http(s) or mailto; images: embedded raster data only."""
    if tag == "img" and attribute == "src":
        return value if DATA_IMAGE.fullmatch(value.strip()) else None
    if attribute == "href":
        scheme = url_scheme(value)
        return value if scheme is None or scheme in SAFE_SCHEMES else None
    return value


CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=CONTENT_TAGS,
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    attribute_filter=_url_filter,
    strip_comments=True,
    link_rel=None,
    url_schemes={*SAFE_SCHEMES, "data"},
    filter_style_properties=STYLE_PROPERTIES,
)


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url`` (entities decoded, tabs and newlines ignored)."""
    text = re.sub(r"[\t\n\r]", "", html.unescape(url)).strip(C0_AND_SPACE)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    return match.group(1).lower() if match else None


def html_changes(before: str, after: str) -> list[str]:
    """What ``after`` lacks of ``before``, as a browser parses both: tags, attributes, or
    "altered HTML" when only text or nesting differ; empty when they are the same page."""
    old, new = _shape(before), _shape(after)
    if old == new:
        return []
    tags = Counter(_tags(old)) - Counter(_tags(new))
    attributes = Counter(_attributes(old)) - Counter(_attributes(new))
    found = [f"<{tag}>" for tag in sorted(tags)]
    found += [_attribute_label(name, value) for name, value in sorted(attributes)]
    return list(dict.fromkeys(found)) or ["altered HTML"]


def _attribute_label(name: str, value: str) -> str:
    scheme = url_scheme(value) if name in ("href", "src") else None
    if scheme and scheme not in SAFE_SCHEMES:
        return f"{scheme}: URL in {name}"
    return f"{name} attribute"


Shape = tuple[tuple[int, str, Any], ...]


def _shape(fragment: str) -> Shape:
    """The tree a browser builds from ``fragment`` in a page's body (lexbor is an HTML5
    parser), in document order: (depth, tag, attributes) per element and (depth, "#text",
    text) per non-blank text; comments are ignored. Walked without recursion: a student
    can nest thousands of elements."""
    body = LexborHTMLParser("<!DOCTYPE html><body>" + fragment).body
    if body is None:
        return ()
    shape: list[tuple[int, str, Any]] = []
    stack = [(child, 0) for child in reversed(list(body.iter(include_text=True)))]
    while stack:
        node, depth = stack.pop()
        if node.tag == "-text":
            text = " ".join((node.text_content or "").split())
            if text:
                shape.append((depth, "#text", text))
        elif not node.tag.startswith(("-", "_", "#", "!")):
            attributes = tuple(sorted(_attribute(k, v) for k, v in node.attributes.items()))
            shape.append((depth, node.tag, attributes))
            children = list(node.iter(include_text=True))
            stack.extend((child, depth + 1) for child in reversed(children))
    return tuple(shape)


def _attribute(name: str, value: str | None) -> tuple[str, str]:
    value = value or ""
    if name == "style":
        declarations = (part.split(":", 1) for part in value.split(";") if ":" in part)
        value = ";".join(
            sorted(f"{k.strip().lower()}:{' '.join(v.split())}" for k, v in declarations)
        )
    return name, value


def _tags(shape: Shape) -> list[str]:
    return [tag for _, tag, _ in shape if tag != "#text"]


def _attributes(shape: Shape) -> list[tuple[str, str]]:
    return [pair for _, tag, attributes in shape if tag != "#text" for pair in attributes]


def too_deep(markup: str) -> bool:
    """Whether ``markup`` may nest elements deeper than :data:`MAX_DEPTH`.

    HTML parsers (lexbor, html5ever, browsers) take time in the square of the nesting, and
    a student can print a million nested ``<div>``. Counting the start and end tags of
    elements that only an end tag closes overestimates the depth, never underestimates it.
    """
    depth = deepest = 0
    for closing, name in TAG_NAME.findall(markup):
        if name.lower() in SELF_CLOSING:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest > MAX_DEPTH


@lru_cache(maxsize=4096)
def fragment_problems(fragment: str) -> tuple[str, ...]:
    """Why one piece of raw HTML from a markdown text is unsafe to pass through: what the
    sanitizer would remove, or that it does not end where it seems to (an open quote,
    comment or raw-text element would swallow the markup nbconvert writes after it)."""
    if too_deep(fragment):
        return ("HTML nested too deeply to check",)
    problems = html_changes(fragment, CLEANER.clean(fragment))
    problems += [
        f"<{name.lower()}>" for name in END_TAG.findall(fragment) if name.lower() not in TAGS
    ]
    tree = LexborHTMLParser("<!DOCTYPE html><body>" + fragment + SENTINEL)
    sentinel = tree.css_first("b.inert-sentinel")
    if sentinel is None or sentinel.text() != "x":
        problems.append("unclosed HTML")
    return tuple(problems)


# -- markdown -----------------------------------------------------------------------------------
class _Recorder(IPythonRenderer):
    """nbconvert's own markdown renderer, noting everything it would copy into the page
    unescaped: raw HTML, link and image URLs, and mermaid code."""

    def __init__(self, attachments: dict) -> None:
        super().__init__(escape=False, attachments=attachments, exclude_anchor_links=True)
        self.raw: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.mermaid: list[str] = []

    def block_html(self, html: str) -> str:
        self.raw.append(html)
        return super().block_html(html)

    def inline_html(self, html: str) -> str:
        self.raw.append(html)
        return super().inline_html(html)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        self.links.append(url)
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        self.images.append(url)
        return super().image(text, url, title)

    def block_code(self, code: str, info: str | None = None) -> str:
        if info and info.startswith("mermaid"):  # nbconvert's own test
            self.mermaid.append(code)
        return super().block_code(code, info)


def markdown_problems(source: str, attachments: dict) -> list[str]:
    """Why nbconvert's rendering of ``source`` would not be inert; empty when it is."""
    recorder = _Recorder(attachments or {})
    try:
        MarkdownWithMath(renderer=recorder).render(source)
    except InvalidNotebook:
        return ["missing attachment"]
    except Exception:  # noqa: BLE001 (nbconvert would fail the same way: show it as text)
        return ["markdown nbconvert cannot render"]
    problems = [p for fragment in recorder.raw for p in fragment_problems(fragment)]
    problems += [f"{url_scheme(url)}: link" for url in recorder.links if not _link_ok(url)]
    problems += [
        f"{url_scheme(url)}: image" for url in recorder.images if not _image_ok(url, attachments)
    ]
    problems += ["HTML in a mermaid block" for code in recorder.mermaid if "<" in code]
    return list(dict.fromkeys(problems))


def _link_ok(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def _image_ok(url: str, attachments: dict) -> bool:
    scheme = url_scheme(url)
    if scheme == "attachment":
        return url.split(":", 1)[1] in (attachments or {})
    if scheme == "data":
        return bool(DATA_IMAGE.fullmatch(html.unescape(url).strip()))
    return scheme is None or scheme in ("http", "https")


@lru_cache(maxsize=4096)
def _neutralised_text(source: str) -> tuple[str, tuple[str, ...]]:
    """:func:`neutralise_markdown` of a cell without attachments, once per text.

    Most markdown cells are the instructor's, the same in every student's notebook, and
    rendering markdown is most of this module's cost.
    """
    fixed, problems = neutralise_markdown(source, {})
    return fixed, tuple(problems)


def neutralise_markdown(source: str, attachments: dict) -> tuple[str, list[str]]:
    """(the source to keep, what was unsafe in it). Safe markdown comes back unchanged.

    Unsafe markdown first loses only what is unsafe: the ``<`` of each unsafe tag becomes
    ``&lt;`` (so the tag shows as text), unsafe link targets become dead fragments, and the
    HTML of mermaid blocks is escaped. If nbconvert's renderer still finds something, the
    whole text is shown as a code block; the check always runs on the final text.
    """
    problems = markdown_problems(source, attachments)
    if not problems:
        return source, []
    for candidate in (_rewrite(source, attachments), _fenced(source)):
        if not markdown_problems(candidate, attachments):
            return candidate, problems
    return MARKDOWN_PLACEHOLDER, problems


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
OPEN_TAG = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>"
)
LINK_TARGET = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s)>]+)", re.M)


def _rewrite(source: str, attachments: dict) -> str:
    """``source`` with each unsafe tag, link target and mermaid block made inert."""
    parts = []
    for text, fence_info in _blocks(source):
        if fence_info is None:
            parts.append(_defuse_links(_escape_unsafe_tags(text), attachments))
        elif fence_info.strip().lower().startswith("mermaid"):
            parts.append(_mermaid(text))
        else:
            parts.append(text)
    return "".join(parts)


def _blocks(source: str) -> list[tuple[str, str | None]]:
    """``source`` cut into prose (None) and fenced code blocks (their info string)."""
    blocks: list[tuple[str, str | None]] = []
    lines = source.splitlines(keepends=True)
    prose: list[str] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i].rstrip("\r\n"))
        if opening is None:
            prose.append(lines[i])
            i += 1
            continue
        blocks.append(("".join(prose), None))
        prose = []
        fence = opening.group(1)
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), len(lines))
        blocks.append(("".join(lines[i : end + 1]), opening.group(2)))
        i = end + 1
    blocks.append(("".join(prose), None))
    return blocks


def _escape_unsafe_tags(text: str) -> str:
    """Every ``<`` that does not open a safe, complete tag becomes ``&lt;`` (outside code)."""
    out, last = [], 0
    for span in CODE_SPAN.finditer(text):
        out.append(_escape_segment(text[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_escape_segment(text[last:]))
    return "".join(out)


def _escape_segment(text: str) -> str:
    out, i = [], 0
    while (at := text.find("<", i)) >= 0:
        out.append(text[i:at])
        tag = OPEN_TAG.match(text, at)
        if _escaped(text, at):  # \< is already literal text
            out.append("<")
            i = at + 1
        elif tag and not fragment_problems(tag.group(0)):
            out.append(tag.group(0))
            i = tag.end()
        else:
            out.append("&lt;")
            i = at + 1
    out.append(text[i:])
    return "".join(out)


def _escaped(text: str, at: int) -> bool:
    """Whether an odd number of backslashes comes just before ``text[at]``."""
    start = at
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (at - start) % 2 == 1


def _defuse_links(text: str, attachments: dict) -> str:
    def defuse(match: re.Match[str]) -> str:
        target = match.group(2)
        if _link_ok(target) or _image_ok(target, attachments):
            return match.group(0)
        return match.group(1) + "#lien-retire-" + target

    return LINK_TARGET.sub(defuse, text)


def _mermaid(block: str) -> str:
    """Escape the body (not the fences) of a mermaid block: the browser decodes it back
    into the same diagram text, which is all mermaid reads."""
    lines = block.splitlines(keepends=True)
    closed = len(lines) > 1 and FENCE.match(lines[-1]) is not None
    body, end = (lines[1:-1], lines[-1:]) if closed else (lines[1:], [])
    escaped = "".join(body).replace("&", "&amp;").replace("<", "&lt;")
    return "".join([lines[0], escaped, *end])


def _fenced(source: str) -> str:
    """``source`` as one code block that no line of it can close."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{source}\n{fence}\n"
