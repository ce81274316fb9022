"""French typography of the text a student reads inside the code cells of exercises 00 to 03.

Statements of Classification widgets, thread and message texts, assertion messages and
prints live in Python strings, which the course-wide typography test (on Markdown) does not
see. Every string constant of every code cell, docstrings included (the tools a student
reads are documented in French), goes through the course's checker, in the source notebooks
and in their releases.
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from grader.build.typography import is_french, problems
from tests.conftest import REPO

pytestmark = pytest.mark.unit

EXERCISES = ["00-prise-en-main", "01-cluetrain", "02-voix-humaine", "03-anatomie-billet"]
NOTEBOOKS = [
    REPO / folder / slug / name
    for slug in EXERCISES
    for folder, name in (("source", "exercice.md"), ("release", "exercice.ipynb"))
]


def _french_strings(code: str) -> list[str]:
    """The string constants of ``code`` that read as French (implicit concatenations joined)."""
    tree = ast.parse("\n".join(line for line in code.splitlines() if not line.startswith("%")))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_french(node.value)
    ]


def code_problems(code: str) -> list[str]:
    """Typography problems of a code cell: its prose literals as Python, each string as text."""
    found = [message for _line, message in problems(code, "py")]
    for text in _french_strings(code):
        found.extend(message for _line, message in problems(text, "md"))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parts[-3]}/{p.parts[-2]}")
def test_strings_in_code_cells_are_set_in_french(path):
    notebook = jupytext.read(path)
    found = [
        f"cell {index}: {message}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for message in code_problems(cell.source)
    ]
    assert found == []


@pytest.mark.parametrize(
    "code",
    [
        'tri = Classification("q", ["a"], {"a": "« Internet, c\'est un catalogue : je cherche. »"})',
        'assert ok, "Affirmations non classées : " + ", ".join(reste)',
        'def f():\n    """Les mots du texte ; une élision garde son apostrophe."""',
        'print(f"fil {n} : vous renvoyez {x}, attendu {y}")',
    ],
)
def test_the_check_sees_a_regression(code):
    """Each kind of string a student reads in these exercises is checked, not skipped."""
    assert code_problems(code)
