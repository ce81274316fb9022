"""French typography of student-facing text: a checker and a fixer.

Convention (Imprimerie nationale), as written by `fix`:

- U+00A0 (no-break space) before « : » and inside guillemets (« U+00A0 … U+00A0 »);
- U+202F (narrow no-break space) before « ; », « ! » and « ? ».

`problems` accepts either kind of no-break space in every one of these places (the course
rules allow U+00A0 before ; ! ? too), so `fix` never rewrites a space that is already a
no-break space.

What counts as a problem, in prose only:

- an ordinary space (or tab) before : ; ! ? — « mot : » → « mot\u00a0: »;
- no space at all before ; ! ? when a letter precedes and a space, the end of the text or
  a closing sign follows (« vraiment? » → « vraiment\u202f? »). A colon with no space
  before it is left alone: « 12:30 », « a:b », ratios, labels and English words make the
  rule too noisy there;
- an ordinary space, or no space, after « and before »;
- straight double quotes: inside guillemets a pair becomes “ ” (the French second level),
  elsewhere « »; a quote that cannot be paired is reported and left to a person;
- malformed inclusive forms: étudiant.e.s, étudiant(e)s, étudiant-e-s, or a bullet
  (•, ∙, ⋅) instead of the middle dot (U+00B7): étudiant·e·s, enseignant·e.

What is prose depends on the kind of file (`kind` is "md", "py" or "jinja"): MyST markdown
without its front matter, code cells and code blocks, inline code, math, URLs, link
targets, HTML tags and comments, entities and cell markers; in Python, the string
literals that read as French (not docstrings, raw or byte strings, dict keys or
subscripts), without their replacement fields and format specs; in Jinja templates, the
text nodes (not tags, expressions, comments, <style> or <script>) of pages that are not
declared English (<html lang="en">).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NBSP = "\u00a0"
NNBSP = "\u202f"
NOBREAK = NBSP + NNBSP
MASK = "\x00"  # stands for a masked character: opaque, like a letter

KINDS = {".md": "md", ".py": "py", ".j2": "jinja", ".jinja": "jinja", ".html": "jinja"}

LETTER = r"a-zA-ZàâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"


def kind_of(path: str | Path) -> str:
    """The kind of file `fix` and `problems` should treat `path` as."""
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        raise ValueError(f"no typography rules for {path}")
    return KINDS[suffix]


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Edit:
    start: int  # offsets in the view
    end: int
    text: str | None  # None: report, but no sure fix
    message: str


_SPACES = "[ \t]+"
_AFTER_COLON = r"(?=[\s*_»\"'’)\]]|$)"
_AFTER_MARK = r"(?=[\s*_»\"'’)\]!?;.…,\x00]|$)"

_RULES: list[tuple[re.Pattern[str], str, str]] = [
    # (pattern, replacement, message); the replacement replaces group 1 (or inserts at it)
    (re.compile(rf"(?<=[^\s])({_SPACES}):{_AFTER_COLON}"), NBSP, "ordinary space before « : »"),
    (
        re.compile(rf"(?<=[^\s])({_SPACES})[;!?]{_AFTER_MARK}"),
        NNBSP,
        "ordinary space before « ; ! ? »",
    ),
    (re.compile(rf"(?<=[{LETTER}])()[;!?]{_AFTER_MARK}"), NNBSP, "no space before « ; ! ? »"),
    (re.compile(r"«([ \t]*)(?=[^\s" + NOBREAK + "])"), NBSP, "no no-break space after «"),
    (re.compile(r"(?<=[^\s" + NOBREAK + r"])([ \t]*)»"), NBSP, "no no-break space before »"),
]

_ENTITY = re.compile(r"&#?\w+;")
_INCLUSIVE = [
    # étudiant.e.s, étudiant.es, étudiant.e — the dot form
    (
        re.compile(
            rf"(?<=[{LETTER}]{{3}})\.(e|es|ne|nes|le|les|se|ses|te|tes|rice|rices)(?:\.(s))?(?![\w.])"
        ),
    ),
    # étudiant-e-s
    (re.compile(rf"(?<=[{LETTER}]{{3}})-(e|ne|le|se|te|rice)-(s)(?!\w)"),),
    # étudiant(e)s, étudiant(e)
    (re.compile(rf"(?<=[{LETTER}]{{3}})\((e|ne|le|se|te|rice)\)(s)?(?!\w)"),),
]
_BULLET = re.compile(rf"(?<=[{LETTER}])[•∙⋅](?=[{LETTER}])")
_SPACED_DOT = re.compile(rf"(?<=[{LETTER}])·[ \t]+(?=(?:e|es|s|ne|nes|rice|rices)\b)")


def _edits(view: str) -> list[Edit]:
    """The edits that make the prose of `view` (masked where not prose) well set."""
    edits: list[Edit] = []
    entities = [m.span() for m in _ENTITY.finditer(view)]

    def in_entity(pos: int) -> bool:
        return any(a <= pos < b for a, b in entities)

    for pattern, replacement, message in _RULES:
        for m in pattern.finditer(view):
            a, b = m.span(1)
            if in_entity(b) or in_entity(m.end() - 1):
                continue
            edits.append(Edit(a, b, replacement, message))
    edits.extend(_quote_edits(view))
    for (pattern,) in _INCLUSIVE:
        for m in pattern.finditer(view):
            new = "·" + m.group(1) + ("·" + m.group(2) if m.group(2) else "")
            edits.append(
                Edit(m.start(), m.end(), new, f"malformed inclusive form « {m.group(0)} »")
            )
    for m in _BULLET.finditer(view):
        edits.append(
            Edit(m.start(), m.end(), "·", "inclusive form with a bullet, not a middle dot (·)")
        )
    for m in _SPACED_DOT.finditer(view):
        edits.append(
            Edit(m.start(), m.end(), "·", "space after the middle dot of an inclusive form")
        )
    # Keep the first of overlapping edits (they come from distinct rules).
    edits.sort(key=lambda e: (e.start, e.end))
    kept: list[Edit] = []
    for edit in edits:
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return kept


_UNPAIRED = "straight double quote with no pair (use « » or “ ”)"


def _quote_edits(view: str) -> Iterator[Edit]:
    """Straight double quotes: “ ” inside guillemets, « » elsewhere.

    A quote preceded by a space (or an opening sign) and followed by a non-space opens; one
    preceded by a non-space and followed by a space, a sign or the end closes. An opening
    quote and the next closing one in the same paragraph are a pair; a quote that pairs
    with nothing is reported and left as it is.
    """
    depth_at: list[int] = []
    depth = 0
    for char in view:
        depth_at.append(depth)
        if char == "«":
            depth += 1
        elif char == "»":
            depth = max(0, depth - 1)
    opened: int | None = None
    for i, char in enumerate(view):
        if char == "\n" and view[i + 1 : i + 2] == "\n" and opened is not None:
            yield Edit(opened, opened + 1, None, _UNPAIRED)  # the paragraph ends
            opened = None
        if char != '"':
            continue
        before = view[i - 1] if i else " "
        after = view[i + 1] if i + 1 < len(view) else " "
        if before == "=" or after == '"' or before == '"':
            continue  # an attribute value or an empty string: code, not prose
        opening = (before.isspace() or before in "([«“—–-/") and not after.isspace()
        closing = not before.isspace() and (after.isspace() or after in ").,;:!?»…*_]")
        if opening and opened is None:
            opened = i
        elif closing and opened is not None:
            if depth_at[opened]:
                yield Edit(
                    opened, opened + 1, "“", "straight quotes nested in guillemets (use “ ”)"
                )
                yield Edit(i, i + 1, "”", "straight quotes nested in guillemets (use “ ”)")
            else:
                yield Edit(opened, opened + 1, "«" + NBSP, "straight double quotes (use « »)")
                yield Edit(i, i + 1, NBSP + "»", "straight double quotes (use « »)")
            opened = None
        else:
            yield Edit(i, i + 1, None, _UNPAIRED)
    if opened is not None:
        yield Edit(opened, opened + 1, None, _UNPAIRED)


# ------------------------------------------------------------------------ views of files


@dataclass
class _View:
    """Prose of a file: `text` with its non-prose characters masked, and for each view
    character the source span it stands for (identity unless Python escapes)."""

    text: str
    starts: list[int]
    ends: list[int]


def _identity_view(masked: str) -> _View:
    return _View(masked, list(range(len(masked))), list(range(1, len(masked) + 1)))


def _mask(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = MASK


def _mask_all(chars: list[str], text: str, pattern: re.Pattern[str]) -> None:
    for m in pattern.finditer(text):
        _mask(chars, *m.span())


_HTML_BLOCKS = re.compile(r"<!--.*?-->|<(style|script)\b.*?</\1\s*>", re.S | re.I)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<https?://[^>]*>")
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)[^\s<>)\]»\"'`]*[^\s<>)\]»\"'`.,;:!?]")
_LINK_TARGET = re.compile(r"(?<=\])\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"\n]*\")?\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:.*$", re.M)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_ROLE = re.compile(r"\{[a-zA-Z][\w:-]*\}(?=`)")
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\\w$])\$(?=\S)[^$\n]+?(?<=\S)\$(?![\w$])")
_SUBSTITUTION = re.compile(r"\{\{.*?\}\}", re.S)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*(?:\n|\Z)", re.S)
_CELL_MARKER = re.compile(r"^\+\+\+.*$", re.M)
_OPTION_LINE = re.compile(r"^[ \t]*:[\w-]+:.*$", re.M)
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}|:{3,})(.*)$", re.M)
_PROSE_DIRECTIVES = {
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
    "figure",
    "topic",
    "sidebar",
    "epigraph",
    "glossary",
    "margin",
    "dropdown",
    "card",
    "tab-item",
    "div",
    "table",
    "list-table",
}


def _markdown_view(text: str) -> _View:
    chars = list(text)
    m = _FRONT_MATTER.match(text)
    if m:
        _mask(chars, *m.span())
    # Fences: code (any language, code-cell, raw, math) is masked whole; prose directives
    # only their fence lines (their options are masked by _OPTION_LINE below).
    lines = list(_FENCE.finditer(text))
    i = 0
    while i < len(lines):
        fence = lines[i]
        if m and fence.start() < m.end():
            i += 1
            continue
        marker, info = fence.group(2), fence.group(3).strip()
        close = None
        for j in range(i + 1, len(lines)):
            other = lines[j]
            if (
                other.group(2)[0] == marker[0]
                and len(other.group(2)) >= len(marker)
                and not other.group(3).strip()
            ):
                close = j
                break
        end = lines[close].end() if close is not None else len(text)
        directive = re.match(r"\{([\w-]+)\}", info)
        if directive and directive.group(1) in _PROSE_DIRECTIVES:
            _mask(chars, *fence.span())
            if close is not None:
                _mask(chars, *lines[close].span())
            i += 1  # nested fences inside a prose directive are handled in turn
            continue
        _mask(chars, fence.start(), end)
        i = close + 1 if close is not None else len(lines)
    for pattern in (_HTML_BLOCKS, _DISPLAY_MATH, _CELL_MARKER, _REF_DEF, _OPTION_LINE):
        _mask_all(chars, text, pattern)
    masked = "".join(chars)
    for pattern in (
        _INLINE_CODE,
        _ROLE,
        _INLINE_MATH,
        _SUBSTITUTION,
        _LINK_TARGET,
        _HTML_TAG,
        _URL,
    ):
        chars = list(masked)
        _mask_all(chars, masked, pattern)
        masked = "".join(chars)
    return _identity_view(masked)


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _jinja_view(text: str) -> _View:
    chars = list(text)
    if re.search(r"<html[^>]*\blang=[\"']?en", text):
        _mask(chars, 0, len(text))  # an English page: not French prose
    for pattern in (_JINJA, _HTML_BLOCKS):
        _mask_all(chars, text, pattern)
    masked = "".join(chars)
    for pattern in (_HTML_TAG, _URL):
        chars = list(masked)
        _mask_all(chars, masked, pattern)
        masked = "".join(chars)
    return _identity_view(masked)


_FRENCH_WORDS = re.compile(
    r"\b(?:le|la|les|des|du|de|un|une|est|sont|et|pour|avec|dans|pas|vous|votre|vos|sur|que|qui|"
    r"ne|cette|ce|au|aux|il|elle|nous|été|être|avez|êtes|fichier|cellule|réponse)\b",
    re.I,
)
_ACCENT = re.compile("[àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊÎÔÙÛŒ«»]")
_PY_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[sdrifgexX%]|\{[^{}\n]*\}")
_ESCAPE = re.compile(
    r"\\(N\{[^}]*\}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{1,3}|.)", re.S
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "\n": ""}


def is_french(value: str) -> bool:
    """Whether a string reads as French prose (and not an identifier, key or code)."""
    if " " not in value.strip():
        return False
    return bool(_ACCENT.search(value) or _FRENCH_WORDS.search(value))


def _decode_escape(seq: str) -> str:
    if seq in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[seq]
    if seq[0] in "uUx":
        return chr(int(seq[1:], 16))
    if seq.startswith("N{"):
        import unicodedata

        try:
            return unicodedata.lookup(seq[2:-1])
        except KeyError:
            return MASK
    return MASK  # octal and unknown escapes: opaque


def _python_strings(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_f_string) source offsets of the content of each prose string."""
    line_offsets = [0]
    for line in text.splitlines(keepends=True):
        line_offsets.append(line_offsets[-1] + len(line))

    def offset(pos: tuple[int, int]) -> int:
        return line_offsets[pos[0] - 1] + pos[1]

    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL)
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return
    brackets: list[str] = []
    for n, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string in "([{":
            brackets.append(tok.string)
        elif tok.type == tokenize.OP and tok.string in ")]}" and brackets:
            brackets.pop()
        if tok.type != tokenize.STRING:
            continue
        prefix = re.match(r"[a-zA-Z]*", tok.string).group(0).lower()
        if "r" in prefix or "b" in prefix:
            continue
        before = tokens[n - 1] if n else None
        after = tokens[n + 1] if n + 1 < len(tokens) else None
        statement_start = before is None or before.type in (
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENCODING,
        )
        if (
            statement_start
            and after is not None
            and after.type in (tokenize.NEWLINE, tokenize.ENDMARKER)
        ):
            continue  # a docstring or a bare string statement
        if after is not None and after.string == ":" and brackets and brackets[-1] == "{":
            continue  # a dict key
        if (
            before is not None
            and before.string == "["
            and after is not None
            and after.string == "]"
        ):
            continue  # a subscript
        body = tok.string[len(prefix) :]
        quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
        start = offset(tok.start) + len(prefix) + len(quote)
        end = offset(tok.end) - len(quote)
        yield start, end, "f" in prefix


def _python_view(text: str) -> _View:
    """All prose strings of a Python file, one after the other (separated by newlines)."""
    view: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end, is_f in _python_strings(text):
        content = text[start:end]
        pieces: list[tuple[str, int, int]] = []  # (view char, source start, source end)
        i = 0
        while i < len(content):
            if content[i] == "\\":
                m = _ESCAPE.match(content, i)
                decoded = _decode_escape(m.group(1))
                if decoded:
                    pieces.append((decoded[0], start + i, start + m.end()))
                i = m.end()
            else:
                pieces.append((content[i], start + i, start + i + 1))
                i += 1
        value = "".join(p[0] for p in pieces)
        if not is_french(value):
            continue
        chars = [p[0] for p in pieces]
        if is_f:
            _mask_f_fields(chars, value)
        else:
            for m in _PY_PLACEHOLDER.finditer(value):
                for k in range(*m.span()):
                    chars[k] = MASK
        masked = "".join(chars)
        for pattern in (_HTML_BLOCKS, _HTML_TAG, _URL):
            chars = list(masked)
            _mask_all(chars, masked, pattern)
            masked = "".join(chars)
        for char, (_, a, b) in zip(masked, pieces, strict=True):
            view.append(char)
            starts.append(a)
            ends.append(b)
        view.append("\n")  # strings are checked apart
        starts.append(end)
        ends.append(end)
    return _View("".join(view), starts, ends)


def _mask_f_fields(chars: list[str], value: str) -> None:
    """Mask the replacement fields {…} (with their format specs) of an f-string."""
    i = 0
    while i < len(value):
        if value.startswith("{{", i) or value.startswith("}}", i):
            chars[i + 1] = MASK  # the doubled brace is one literal brace
            i += 2
            continue
        if value[i] == "{":
            depth, j = 0, i
            while j < len(value):
                if value[j] == "{":
                    depth += 1
                elif value[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            for k in range(i, min(j + 1, len(value))):
                chars[k] = MASK
            i = j + 1
            continue
        i += 1


_VIEWS = {"md": _markdown_view, "py": _python_view, "jinja": _jinja_view}


def _view(text: str, kind: str) -> _View:
    if kind not in _VIEWS:
        raise ValueError(f"unknown kind {kind!r} (expected one of {sorted(_VIEWS)})")
    return _VIEWS[kind](text)


def _source_edits(text: str, kind: str) -> list[tuple[int, int, str | None, str]]:
    view = _view(text, kind)
    out = []
    for edit in _edits(view.text):
        if edit.start < edit.end:
            a, b = view.starts[edit.start], view.ends[edit.end - 1]
        else:  # an insertion before view character edit.start
            a = b = view.starts[edit.start] if edit.start < len(view.starts) else len(text)
        if text[a:b] != edit.text:
            out.append((a, b, edit.text, edit.message))
    return out


def _fixes(text: str, kind: str) -> list[tuple[int, int, str, str]]:
    return [
        (a, b, new, message) for a, b, new, message in _source_edits(text, kind) if new is not None
    ]


# ---------------------------------------------------------------------------- the API


def fix(text: str, kind: str) -> str:
    """`text` with its French typography fixed (see the module docstring)."""
    for _ in range(3):  # a fix can reveal another one (e.g. quotes then guillemets)
        edits = _fixes(text, kind)
        if not edits:
            break
        for a, b, new, _message in sorted(edits, reverse=True):
            text = text[:a] + new + text[b:]
    return text


def problems(text: str, kind: str) -> list[tuple[int, str]]:
    """(line number, message with an excerpt) for each typography problem of `text`."""
    found = []
    for a, b, _new, message in _source_edits(text, kind):
        line = text.count("\n", 0, a) + 1
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        line_end = len(text) if line_end < 0 else line_end
        lo, hi = max(line_start, a - 25), min(line_end, b + 25)
        excerpt = text[lo:hi].replace(NBSP, "⍽").replace(NNBSP, "⍽")
        found.append((line, f"{message}: …{excerpt}…"))
    return found


def fix_file(path: str | Path) -> bool:
    """Fix a file in place; whether it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    fixed = fix(text, kind_of(path))
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")
        return True
    return False


def file_problems(path: str | Path) -> list[tuple[int, str]]:
    path = Path(path)
    return problems(path.read_text(encoding="utf-8"), kind_of(path))
