"""Save lesson figures with the size of their smallest label, for the readability check.

A PNG does not say how big its text is; the figure script does. ``save_figure`` records
the pixel height of the smallest font drawn (points × dpi / 72) in the PNG's
``min-label-px`` text chunk, and ``grader.slides.readability`` scales it by the width
the browser gives the image, so a slide whose labels a room cannot read fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.slides.readability import LABEL_KEY


def min_label_px(fig: Any, dpi: float) -> float:
    """Pixel size, at ``dpi``, of the smallest visible non-empty text of a Matplotlib figure."""
    from matplotlib.text import Text

    sizes = [
        text.get_fontsize()
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    if not sizes:
        raise ValueError("figure has no text: nothing to declare")
    return min(sizes) * dpi / 72


def save_figure(fig: Any, path: Path, dpi: float = 100, **savefig: Any) -> float:
    """``fig.savefig`` as PNG, declaring the smallest label's size; return that size."""
    px = min_label_px(fig, dpi)
    fig.savefig(path, dpi=dpi, metadata={LABEL_KEY: f"{px:.1f}"}, **savefig)
    return px
