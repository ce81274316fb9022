"""French typography in what a student reads inside the code cells of exercises 07 and 08.

`tests/unit/test_typography.py` checks the prose of the MyST files, whose code cells it
skips. Here every string literal of every code cell (found with `ast`, so f-strings and
implicit concatenations count) and every comment line goes through the same checker,
`grader/build/typography.py`, as do the modules these notebooks import.
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from grader.build.typography import file_problems, problems
from tests.conftest import REPO

pytestmark = pytest.mark.unit

EXERCISES = ("07-site-cafe", "08-mesurer")


def _code_cells(assignment: str) -> list[tuple[str, str]]:
    notebook = jupytext.read(REPO / "source" / assignment / "exercice.md")
    return [
        (cell.metadata["nbgrader"]["grade_id"], cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def _literals(source: str) -> list[tuple[int, str]]:
    """Each string literal (or f-string) of a cell, as written, with its line."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        ):
            segment = ast.get_source_segment(source, node)
            if segment:
                found.append((node.lineno, segment))
    return found


def _comments(source: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip().lstrip("#").strip())
        for number, line in enumerate(source.splitlines(), start=1)
        if line.strip().startswith("# ")
    ]


@pytest.mark.parametrize("assignment", EXERCISES)
def test_code_cell_strings_are_well_set(assignment: str) -> None:
    found = [
        f"{grade_id}:{line}: {message}"
        for grade_id, source in _code_cells(assignment)
        for line, literal in _literals(source)
        for _, message in problems(f"x = {literal}\n", "py")
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("assignment", EXERCISES)
def test_code_cell_comments_are_well_set(assignment: str) -> None:
    found = [
        f"{grade_id}:{line}: {message}"
        for grade_id, source in _code_cells(assignment)
        for line, comment in _comments(source)
        for _, message in problems(comment, "md")
        if "straight" not in message  # comments quote code: ax.set_xlabel("…")
    ]
    assert not found, "\n".join(found)


def test_the_checker_sees_code_cell_strings() -> None:
    """The extraction is not vacuous: an ill-set literal in a cell is reported."""
    source = 'print("Sites du corpus :", ", ".join(x))\nf"{a} ; b" if c else "ok"\n'
    literals = [literal for _, literal in _literals(source)]
    assert '"Sites du corpus :"' in literals and 'f"{a} ; b"' in literals
    assert problems('x = "Sites du corpus :"\n', "py")
    assert problems("Les réponses : les commentaires", "md")


@pytest.mark.parametrize("package", ["audit", "metrics"])
def test_imported_modules_are_well_set(package: str) -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}: {message}"
        for path in sorted((REPO / "exercises" / package).glob("*.py"))
        for line, message in file_problems(path)
    ]
    assert not found, "\n".join(found)
