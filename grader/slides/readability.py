"""Measure, in a real browser, whether every slide of a deck can be read from the back of a room.

A presenter projects at 1280×720; text that fits in an editor can still be too small,
overflow the slide, or break before a French punctuation mark once rendered. Only the
browser knows the rendered sizes, so the measurement runs in the page (``MEASURE_JS``)
and Python turns the figures into readable problems. Used by the browser tests and by
``course slides --check``; it needs Playwright (the test extra), imported by the caller.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

VIEWPORT = {"width": 1280, "height": 720}
MIN_BODY_PX = 28.0
MIN_FIGURE_PX = 18.0
MAX_BODY_LINES = 8
TOLERANCE_PX = 2.0
LABEL_KEY = "min-label-px"

# Runs in the page: visits every slide (vertical ones too) and measures what it shows.
# Sizes are multiplied by Reveal.getScale() so they are the pixels the room sees.
MEASURE_JS = r"""
async () => {
  const before = Reveal.getConfig().transition;
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  const scale = Reveal.getScale();
  const results = [];
  const bad_start = /^[?!:;»]/;
  const bad_end = /«$/;
  for (const slide of Reveal.getSlides()) {
    const idx = Reveal.getIndices(slide);
    Reveal.slide(idx.h, idx.v, Number.MAX_SAFE_INTEGER);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = slide.getBoundingClientRect();
    const slidesBox = document.querySelector('.reveal .slides').getBoundingClientRect();
    const overflow = [];
    const small = [];
    let bodyLines = 0;
    let minBody = Infinity;
    const lines = [];
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      const el = node.parentElement;
      if (!text.trim() || el.closest('aside.notes, script, style')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const px = parseFloat(style.fontSize) * scale;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      for (const r of rects) {
        if (r.bottom > slidesBox.bottom + 1 || r.right > slidesBox.right + 1 ||
            r.top < slidesBox.top - 1 || r.left < slidesBox.left - 1) {
          overflow.push(text.trim().slice(0, 40));
          break;
        }
      }
      const isHeading = !!el.closest('h1, h2, h3');
      if (!isHeading) {
        minBody = Math.min(minBody, px);
        if (px < %MIN_BODY% - %TOL%) small.push([text.trim().slice(0, 40), Math.round(px * 10) / 10]);
      }
    }
    // Lines of body text: one per distinct line box of the block elements.
    // Tops of every line box, across columns: a table row or two columns is one line.
    const blocks = slide.querySelectorAll('p, li, td, th, blockquote, pre, figcaption');
    const lineTops = [];
    for (const block of blocks) {
      if (block.closest('aside.notes')) continue;
      if ([...block.children].some(c => c.matches('p, li, ul, ol, blockquote, pre'))) continue;
      const fontPx = parseFloat(getComputedStyle(block).fontSize) * scale;
      const range = document.createRange();
      range.selectNodeContents(block);
      for (const r of range.getClientRects()) {
        if (r.height >= 4) lineTops.push([r.top, fontPx]);
      }
      // Rendered line texts, for the French punctuation rule.
      let current = null, text = '';
      const tw = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let n = tw.nextNode(); n; n = tw.nextNode()) {
        for (let i = 0; i < n.textContent.length; i++) {
          const rg = document.createRange();
          rg.setStart(n, i); rg.setEnd(n, i + 1);
          const rr = rg.getClientRects()[0];
          if (!rr) continue;
          const top = Math.round(rr.top);
          if (current !== null && Math.abs(top - current) > 4 && rr.height > 0) {
            lines.push(text); text = '';
          }
          if (rr.height > 0) current = top;
          text += n.textContent[i];
        }
      }
      if (text) lines.push(text);
    }
    lineTops.sort((a, b) => a[0] - b[0]);
    let lastTop = -Infinity;
    for (const [top, fontPx] of lineTops) {
      if (top > lastTop + fontPx * 0.6) { bodyLines++; lastTop = top; }
    }
    const punctuation = lines.map(l => l.replace(/^[\s\u00a0\u202f]+|[\s\u00a0\u202f]+$/g, ''))
      .filter(l => bad_start.test(l) || bad_end.test(l));
    const figures = [];
    for (const img of slide.querySelectorAll('img')) {
      const r = img.getBoundingClientRect();
      figures.push({alt: img.getAttribute('alt') || '', width: r.width,
                    natural: img.naturalWidth, src: img.getAttribute('src') || ''});
    }
    results.push({
      index: `${idx.h + 1}` + (idx.v ? `.${idx.v}` : ''),
      heading: ((slide.querySelector('h1, h2, h3') || {}).textContent || '').replace('¶', ''),
      overflow, small, body_lines: bodyLines,
      min_body_px: minBody === Infinity ? null : Math.round(minBody * 10) / 10,
      punctuation, figures,
    });
  }
  Reveal.slide(0, 0, 0);
  Reveal.configure({transition: before});
  return results;
}
"""


@dataclass
class SlideReport:
    """What one slide shows, measured at 1280×720, and what is wrong with it."""

    index: str
    heading: str
    body_lines: int
    min_body_px: float | None
    overflow: list[str] = field(default_factory=list)
    small: list[list[Any]] = field(default_factory=list)
    punctuation: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Name each broken rule, with enough text to find the slide in the lesson."""
        where = f"slide {self.index} « {self.heading.strip()[:50]} »"
        found = [f"{where}: outside the slide: {text!r}" for text in self.overflow]
        found += [f"{where}: text at {px} px < {MIN_BODY_PX} px: {t!r}" for t, px in self.small]
        if self.body_lines > MAX_BODY_LINES:
            found.append(f"{where}: {self.body_lines} lines of body text > {MAX_BODY_LINES}")
        found += [
            f"{where}: line breaks before/after punctuation: {line!r}" for line in self.punctuation
        ]
        for figure in self.figures:
            px = figure_label_px(figure)
            if px is not None and px < MIN_FIGURE_PX - TOLERANCE_PX / 2:
                found.append(
                    f"{where}: figure {figure['alt']!r} labels at {px:.1f} px < {MIN_FIGURE_PX}"
                )
        return found


def figure_label_px(figure: dict[str, Any]) -> float | None:
    """On-screen size of a figure's smallest label, from the size drawn in the PNG.

    The figure scripts (``grader.slides.figures.save_figure``) record the pixel size of
    the smallest label in the PNG's ``min-label-px`` text chunk; the browser scales the
    PNG to its display width, so the room sees that size times width / natural width.
    None when the image declares nothing (a photo, a screenshot).
    """
    declared = _declared_label_px(figure.get("src", ""))
    if declared is None or not figure.get("natural"):
        return None
    return declared * figure["width"] / figure["natural"]


def _declared_label_px(src: str) -> float | None:
    """Read ``min-label-px`` from a ``data:image/png;base64,`` URI, if there is one."""
    prefix = "data:image/png;base64,"
    if not src.startswith(prefix):
        return None
    with Image.open(io.BytesIO(base64.b64decode(src[len(prefix) :]))) as image:
        value = image.info.get(LABEL_KEY)
    return float(value) if value else None


def measure_deck(page: Any, url: str) -> list[SlideReport]:
    """Open ``url`` in a Playwright ``page`` sized 1280×720 and measure every slide."""
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    script = MEASURE_JS.replace("%MIN_BODY%", str(MIN_BODY_PX)).replace("%TOL%", str(TOLERANCE_PX))
    return [SlideReport(**row) for row in page.evaluate(script)]


def deck_problems(reports: list[SlideReport]) -> list[str]:
    """Every broken rule of a deck, in slide order."""
    return [problem for report in reports for problem in report.problems()]


def check_decks(decks: list[Path]) -> dict[Path, list[str]]:
    """Measure each exported deck in one headless Chromium; map each deck to its problems.

    What ``course slides --check`` prints: a presenter or an author sees, before the
    class, every slide a room could not read.
    """
    from grader.slides.handout import browser

    found: dict[Path, list[str]] = {}
    with browser() as chromium:
        page = chromium.new_page(viewport=VIEWPORT)
        for html in decks:
            found[html] = deck_problems(measure_deck(page, html.resolve().as_uri()))
    return found
