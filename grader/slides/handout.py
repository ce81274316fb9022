"""Print each deck to a PDF handout with Chromium, through reveal.js's own print mode.

Presenters hand out or archive the slides; reveal.js lays a deck out for print when
the URL carries ``?print-pdf`` (one page per slide, sized like the slide, so 16:9,
every page numbered « n / total » like the screen (the deck template does it
on ``pdf-ready``), fragments shown once as set in ``REVEAL_CONFIG``).
Chromium's command-line ``--print-to-pdf`` prints before reveal.js has laid the
pages out (blank pages), so the page is driven with Playwright, which waits for it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.slides.export import SlidesError

CHROMIUM_ENV = "COURSE_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
READY_JS = "() => window.Reveal && Reveal.isReady() && document.querySelector('.pdf-page')"


def find_chromium() -> Path:
    """Chromium named by ``$COURSE_CHROMIUM``, else the first one on PATH."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return Path(named)
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return Path(found)
    raise SlidesError(
        f"no Chromium found: install it (apt-get install chromium) or set ${CHROMIUM_ENV}"
    )


def handout_name(html: Path, notes: bool) -> str:
    """``01-cluetrain.html`` gives ``01-cluetrain.pdf``, or ``01-cluetrain-notes.pdf``."""
    return f"{html.stem}{'-notes' if notes else ''}.pdf"


def print_url(html: Path, notes: bool) -> str:
    """The deck's print-mode URL; reveal.js reads config overrides from the query."""
    query = "print-pdf" + ("&showNotes=separate-page" if notes else "")
    return f"{html.resolve().as_uri()}?{query}"


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium driven by Playwright (installed with the course's test extra)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SlidesError("--pdf needs Playwright: pip install 'course[test]'") from exc
    chromium = find_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def write_handouts(
    decks: list[Path],
    out_dir: Path,
    notes: bool = False,
    on_progress: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Print every deck of ``decks`` to ``out_dir``; return the PDF paths in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 720})
        for html in decks:
            target = out_dir / handout_name(html, notes)
            page.goto(print_url(html, notes))
            page.wait_for_function(READY_JS, timeout=60_000)
            page.evaluate("document.fonts.ready.then(() => true)")
            page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
            written.append(target)
            if on_progress is not None:
                on_progress(target)
    return written
