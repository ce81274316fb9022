"""Turn lesson notebooks into self-contained reveal.js slides that work offline.

Presenters show lessons in rooms without internet, often from a USB key, so each
lesson becomes ONE HTML file with everything inlined: reveal.js, its theme, the
speaker-notes plugin and the images of the markdown cells. nbconvert's own
``reveal`` template loads reveal.js, require.js, jQuery, mermaid and MathJax from
CDNs; the ``course_reveal`` template in ``templates/`` replaces those blocks with
the vendored copies in ``assets/reveal.js/`` (see its README for version/origin).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbconvert
import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "course_reveal"
REVEAL_DIR = PACKAGE_DIR / "assets" / "reveal.js"
REVEAL_VERSION = "5.2.1"
COURSE_CSS = PACKAGE_DIR / "assets" / "course.css"

# A 16:9 slide the size of a common projector: sizes in course.css are for it.
REVEAL_CONFIG: dict[str, Any] = {
    "width": 1280,
    "height": 720,
    "margin": 0.02,
    "center": False,  # content starts at the top: headings do not jump
    "controls": True,
    "progress": True,
    "hash": True,
    "transition": "slide",
    # A remote's "next" (right arrow, PageDown, Space) visits every slide, subslides too.
    "navigationMode": "linear",
    "slideNumber": "c/t",
    "showSlideNumber": "all",
    # Handouts (?print-pdf): one page per slide, fragments shown once.
    "pdfSeparateFragments": False,
    "pdfMaxPagesPerSlide": 1,
}

# The speaker view (notes plugin) is English; presenters of this course read French.
SPEAKER_VIEW_FR = {
    ">Upcoming<": ">À suivre<",
    'class=\\"label\\">Time <': 'class=\\"label\\">Temps <',
    'class=\\"label\\">Notes<': 'class=\\"label\\">Notes de l’orateur<',
    ">Click to Reset<": ">Cliquer pour remettre à zéro<",
    "Pacing – Time to finish current slide": "Rythme – temps restant pour cette diapositive",
    "Loading speaker view...": "Chargement de la vue de l’orateur…",
    "reveal.js - Speaker View": "Vue de l’orateur",
    "'default': 'Default'": "'default': 'Par défaut'",
    "'wide': 'Wide'": "'wide': 'Large'",
    "'tall': 'Tall'": "'tall': 'En hauteur'",
    "'notes-only': 'Notes only'": "'notes-only': 'Notes seules'",
    "layoutLabel.innerHTML = 'Layout'": "layoutLabel.innerHTML = 'Disposition'",
    "toLocaleTimeString( 'en-US', { hour12: true,": "toLocaleTimeString( 'fr-FR', { hour12: false,",
}

LANGUAGE = "fr"
LESSON_STEM = "lecon"
MODULE_GLOB = "[0-9][0-9]-*"
MODULE_NAME = re.compile(r"^\d{2}-")

KEEP_OUTPUT_TAG = "keep_output"
HIDE_INPUT_TAG = "hide-input"
REMOVE_CELL_TAG = "remove-cell"
# Reading text: a student reads it in the lesson notebook, the room does not see it on the
# slide, and the presenter finds it in the speaker notes of the slide it follows.
DETAIL_TAG = "detail"

_SOURCE_MAP = re.compile(r"^\s*(?://|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_SCRIPT_TAG = re.compile(r"<(/?)(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)

# Elements whose URL attribute makes the browser fetch something when the slide loads.
_FETCHING_ATTRS = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
    "source": "src",
    "embed": "src",
}


class SlidesError(Exception):
    """A lesson cannot be turned into offline slides; the message is one line naming the file."""


class KeepTaggedOutputsPreprocessor(Preprocessor):
    """Drop code outputs except in cells tagged ``keep_output``.

    Lessons are committed without outputs and slides are built without running a
    kernel; the tag lets an author keep a deliberate output (a table, a figure).
    """

    def preprocess_cell(
        self, cell: nbformat.NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and KEEP_OUTPUT_TAG not in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
        return cell, resources


def find_lessons(modules_dir: Path) -> list[Path]:
    """Return every ``modules_dir/NN-*/*.ipynb``, sorted, so builds are reproducible.

    Only one level below each module folder is searched, so Jupyter's
    ``.ipynb_checkpoints`` copies and hidden notebooks are never exported.
    """
    if not modules_dir.is_dir():
        raise SlidesError(f"{modules_dir}: modules directory not found")
    return sorted(
        path
        for path in modules_dir.glob(f"{MODULE_GLOB}/*.ipynb")
        if path.is_file() and not path.name.startswith(".")
    )


def output_name(notebook: Path) -> str:
    """Name the HTML after the module so files from different modules never collide.

    ``modules/01-cluetrain/lecon.ipynb`` gives ``01-cluetrain.html``; another notebook
    of that module, ``modules/01-cluetrain/annexe.ipynb``, gives
    ``01-cluetrain-annexe.html``. Outside a ``NN-*`` folder the stem is used.
    """
    module = notebook.parent.name
    if not MODULE_NAME.match(module):
        return f"{notebook.stem}.html"
    if notebook.stem == LESSON_STEM:
        return f"{module}.html"
    return f"{module}-{notebook.stem}.html"


def export_lesson(notebook: Path, out_dir: Path) -> Path:
    """Write the offline slides of one lesson notebook and return the HTML path.

    The notebook is not executed: slides show what is committed (plus outputs of
    cells tagged ``keep_output``).
    """
    nb = _details_as_notes(_read_notebook(notebook))
    html, _ = _make_exporter().from_notebook_node(nb, resources=_resources(notebook, nb))
    _check_offline(html, notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / output_name(notebook)
    target.write_text(html, encoding="utf-8")
    return target


def export_all(
    modules_dir: Path,
    out_dir: Path,
    on_progress: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Export every lesson of ``modules_dir``; ``on_progress`` gets each written HTML path.

    Stops at the first failing lesson (SlidesError) so a broken deck is never
    shipped silently.
    """
    written = []
    for notebook in find_lessons(modules_dir):
        target = export_lesson(notebook, out_dir)
        written.append(target)
        if on_progress is not None:
            on_progress(target)
    return written


def _read_notebook(notebook: Path) -> nbformat.NotebookNode:
    """Read a notebook, turning every kind of bad file into a one-line SlidesError."""
    try:
        text = notebook.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SlidesError(f"{notebook}: cannot read notebook ({_one_line(exc)})") from exc
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise SlidesError(f"{notebook}: not valid JSON ({detail})") from exc
    try:
        return nbformat.reads(text, as_version=4)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SlidesError(f"{notebook}: not a Jupyter notebook ({_one_line(exc)})") from exc


def _details_as_notes(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Turn cells tagged ``detail`` into speaker notes of the slide they follow.

    A lesson is read by students and shown to a room: one text serves both. In the
    notebook a detail cell is ordinary text (``slide_type: skip``, not collapsed like the
    presenter's own notes); on the slide it would be a wall of text, so the presenter gets
    it in the speaker view instead, where it helps them tell it.
    """
    for cell in nb.cells:
        if DETAIL_TAG in cell.metadata.get("tags", []) and cell.cell_type == "markdown":
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
    return nb


def _make_exporter() -> SlidesExporter:
    """Build a SlidesExporter on the course template, configured for offline lessons."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVE_CELL_TAG}
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    exporter = SlidesExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        embed_images=True,
        language_code=LANGUAGE,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(KeepTaggedOutputsPreprocessor, enabled=True)
    return exporter


def _resources(notebook: Path, nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Give the template what it inlines: reveal.js assets and the deck title.

    ``metadata.path`` is the notebook folder so that ``embed_images`` resolves
    ``images/x.png`` relative to the lesson, as Jupyter does.
    """
    return {
        "metadata": {"name": notebook.stem, "path": str(notebook.parent.resolve())},
        "course_slides": {
            **_assets(),
            "title": _title(nb, Path(output_name(notebook)).stem),
            "reveal_version": REVEAL_VERSION,
            "reveal_config": REVEAL_CONFIG,
            "nbconvert_version": nbconvert.__version__,
        },
    }


@cache
def _assets() -> dict[str, str]:
    """Read the vendored reveal.js files once, made safe to inline in <script>/<style>."""
    return {
        "reveal_css": _inline_css(REVEAL_DIR / "dist" / "reveal.css"),
        "theme_css": _inline_css(REVEAL_DIR / "dist" / "theme" / "white.css"),
        "reveal_js": _inline_js(REVEAL_DIR / "dist" / "reveal.js"),
        "notes_js": _french_speaker_view(_inline_js(REVEAL_DIR / "plugin" / "notes" / "notes.js")),
        "course_css": _inline_css(COURSE_CSS),
    }


def _french_speaker_view(notes_js: str) -> str:
    """Translate the speaker view's labels; fail loudly if reveal.js changed them.

    The vendored file stays as published (see its README), so the translation is
    applied when it is inlined; a label that is no longer found means the vendored
    version changed and this table must follow.
    """
    for english, french in SPEAKER_VIEW_FR.items():
        if english not in notes_js:
            raise SlidesError(f"notes.js: speaker-view label {english!r} not found")
        notes_js = notes_js.replace(english, french)
    return notes_js


def _inline_js(path: Path) -> str:
    """Escape what would end an inline <script> early (``</script``, ``<!--`` + ``<script``).

    The replacements (``\\x3c``, ``<\\/``) mean the same inside JS strings and regexes.
    """
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    text = text.replace("<!--", "\\x3c!--")
    return _SCRIPT_TAG.sub(lambda m: "<\\/script" if m.group(1) else "\\x3cscript", text)


def _inline_css(path: Path) -> str:
    """Escape ``</style`` so the stylesheet cannot close its inline <style> element."""
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    return _STYLE_END.sub(r"<\\/\1", text)


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """Use the notebook title, else the first ``# heading``, else the output name."""
    title = nb.metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (match := _HEADING.search(cell.source)):
            return match.group(1)
    return fallback


class _FetchCollector(HTMLParser):
    """Collect URLs the browser would fetch on load (script/style contents are skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = _FETCHING_ATTRS.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append((tag, value))


def _check_offline(html: str, notebook: Path) -> None:
    """Refuse to write slides that would need the network or a file next to them.

    Typical causes: a remote image URL in markdown, or an image outside the lesson
    folder or missing (nbconvert then leaves the path as is instead of a data: URI).
    """
    collector = _FetchCollector()
    collector.feed(html)
    for tag, url in collector.urls:
        if url.startswith("data:"):
            continue
        kind = "remote" if _REMOTE.match(url) else "not embedded (missing or outside the lesson)"
        raise SlidesError(f"{notebook}: <{tag}> {url!r} is {kind}; slides must work offline")


def _one_line(exc: BaseException) -> str:
    """Collapse an exception message to one line for CLI output."""
    return " ".join(str(exc).split()) or type(exc).__name__
