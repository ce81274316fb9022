"""What the warm workers preload: the modules an assignment's notebooks import."""

from __future__ import annotations

import json

import pytest

from grader.grade.workers import imported_modules

pytestmark = pytest.mark.unit


def _notebook(path, *sources: str, cell_type: str = "code"):
    cells = [{"cell_type": cell_type, "source": source, "metadata": {}} for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}), "utf-8")
    return path


def test_imports_and_from_imports_in_order(tmp_path):
    nb = _notebook(
        tmp_path / "a.ipynb",
        "import pandas as pd\nimport matplotlib.pyplot as plt",
        ["from exercises import answers, Classification\n", "from . import local\n"],
    )
    assert imported_modules([nb]) == [
        "pandas",
        "matplotlib.pyplot",
        "exercises",
        "exercises.answers",
        "exercises.Classification",
    ]


def test_magics_are_skipped_and_broken_cells_add_nothing(tmp_path):
    nb = _notebook(
        tmp_path / "a.ipynb",
        "%matplotlib inline\n!pip list\nimport json",
        "import math\nprint(",
        "    def indented(:",
    )
    assert imported_modules([nb]) == ["json"]


def test_markdown_and_unreadable_notebooks_add_nothing(tmp_path):
    prose = _notebook(tmp_path / "a.ipynb", "import os", cell_type="markdown")
    broken = tmp_path / "b.ipynb"
    broken.write_bytes(b"\x00{not json")
    empty_list = tmp_path / "c.ipynb"
    empty_list.write_text("[]", "utf-8")
    assert imported_modules([prose, broken, empty_list, tmp_path / "missing.ipynb"]) == []


def test_laid_out_figures_are_drawn_once_and_others_cropped_as_in_jupyter():
    """A figure with chosen margins skips the tight crop (one drawing, not two); a
    student's default figure is still cropped to its contents, as Jupyter shows it."""
    import matplotlib

    matplotlib.use("agg")
    from matplotlib.figure import Figure

    from grader.grade import kernel

    kernel._draw_laid_out_figures_once()
    from IPython.core import pylabtools

    default = Figure(figsize=(4, 3))
    default.add_subplot().set_ylabel("une étiquette très longue " * 3)
    placed = Figure(figsize=(4, 3))
    placed.subplots_adjust(left=0.3)
    placed.add_subplot()
    assert not kernel._layout_is_set(default)
    assert kernel._layout_is_set(placed)
    assert kernel._layout_is_set(Figure(layout="constrained"))
    draws = []
    for fig in (default, placed):
        fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event.canvas.figure))
        pylabtools.print_figure(fig, "png")
    assert draws.count(default) == 2  # measured, then drawn cropped
    assert draws.count(placed) == 1
