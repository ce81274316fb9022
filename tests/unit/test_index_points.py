"""The course index splits each exercise's points as nbgrader will grade them."""

from __future__ import annotations

import nbformat
import pytest

from grader.build.index import exercise_summary

pytestmark = pytest.mark.unit


def _cell(kind: str, points: float, **flags: bool):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make("x = 1" if kind == "code" else "Réponse")
    cell.metadata["nbgrader"] = {"grade_id": f"c{points}", "points": points, **flags}
    return cell


def test_only_test_cells_count_as_automatic(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Exercice : essai"),
        _cell("code", 1, grade=True),  # a test: nbgrader scores it from its outputs
        _cell("code", 2, grade=True, solution=True),  # code answer graded by hand
        _cell("markdown", 4, grade=True, solution=True),  # written answer
        _cell("markdown", 8, task=True),  # task
        _cell("code", 16, solution=True),  # an ungraded answer cell
    ]
    path = tmp_path / "exercice.ipynb"
    nbformat.write(nb, path)
    assert exercise_summary(path) == ("Exercice : essai", 1.0, 14.0)
