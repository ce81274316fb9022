"""The course index splits each exercise's points as nbgrader will grade them."""

from __future__ import annotations

import nbformat
import pytest

from grader.build.index import Points, _entry_markdown, exercise_summary, module_entries
from grader.course import Course
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def _cell(kind: str, points: float, source: str | None = None, **flags: bool):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source or ("x = 1" if kind == "code" else "Réponse"))
    cell.metadata["nbgrader"] = {"grade_id": f"c{points}", "points": points, **flags}
    return cell


def _write(tmp_path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercice : essai"), *cells]
    path = tmp_path / "exercice.ipynb"
    nbformat.write(nb, path)
    return path


def test_only_test_cells_count_as_automatic(tmp_path):
    path = _write(
        tmp_path,
        [
            _cell("code", 1, grade=True),  # a test: nbgrader scores it from its outputs
            _cell("code", 2, grade=True, solution=True),  # code answer graded by hand
            _cell("markdown", 4, grade=True, solution=True),  # written answer
            _cell("markdown", 8, task=True),  # task
            _cell("code", 16, solution=True),  # an ungraded answer cell
        ],
    )
    title, points = exercise_summary(path)
    assert title == "Exercice : essai"
    assert (points.auto, points.hand) == (1.0, 14.0)


def test_tests_that_read_a_widget_answer_count_as_widget_points(tmp_path):
    widget_test = 'reponse = answers.get("00-essai/q")\nassert isinstance(reponse, dict)'
    path = _write(
        tmp_path,
        [
            _cell("code", 3, widget_test, grade=True),  # widget answer, autograded
            _cell("code", 2, "assert total == 5", grade=True),  # code answer, autograded
            # hand-graded code stays hand points even if it reads a widget answer
            _cell("code", 4, "answers.get('x')", grade=True, solution=True),
            _cell("markdown", 1, task=True),
        ],
    )
    _, points = exercise_summary(path)
    assert points == Points(code=2.0, widget=3.0, hand=5.0)
    assert (points.auto, points.total) == (5.0, 10.0)


def test_missing_exercise_has_no_points(tmp_path):
    assert exercise_summary(tmp_path / "absent.ipynb") == (None, Points())


def test_index_line_names_the_three_kinds():
    entry = next(e for e in module_entries(Course.load(REPO)) if e.folder == "00-prise-en-main")
    assert entry.points == Points(code=5.0, widget=3.0, hand=1.0)
    line = _entry_markdown(entry).splitlines()[-1]
    assert "9 points" in line and "5 points de code" in line
    assert "3 points de widgets" in line and "1 point par l'enseignant·e" in line


def test_module_00_comes_first():
    assert module_entries(Course.load(REPO))[0].folder == "00-prise-en-main"
