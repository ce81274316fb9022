"""French typography of what students read inside the code cells of exercises 04 to 06.

The repository-wide typography test reads the MyST twins as Markdown, where code cells are
masked; yet widget statements, assertion messages and prints are student-facing too. Each
code cell is read here as Python (``ast`` finds its string literals, the typography module
says which of them are French prose and whether they are well set).
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from grader.build.typography import NBSP, NNBSP, is_french, problems
from tests.conftest import REPO
from tests.fixtures.make_submissions import solution_answers

EXERCISES = ["04-communaute-confiance", "05-community-manager", "06-strategie"]

pytestmark = pytest.mark.unit


def _code_cells(slug: str) -> list[tuple[str, str]]:
    """(grade id, source) of each code cell of the exercise's source twin."""
    notebook = jupytext.read(REPO / "source" / slug / "exercice.md")
    return [
        (cell.metadata.get("nbgrader", {}).get("grade_id", "?"), cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def _french_literals(source: str) -> list[str]:
    """The French string constants of a cell (f-string pieces included)."""
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_french(node.value)
    ]


@pytest.mark.parametrize("slug", EXERCISES)
def test_code_cell_strings_follow_french_typography(slug: str) -> None:
    found = [
        f"{slug} {grade_id}:{line}: {message}"
        for grade_id, source in _code_cells(slug)
        for line, message in problems(source, "py")
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("slug", EXERCISES)
def test_code_cells_do_hold_french_prose(slug: str) -> None:
    """The check above is not vacuous: these cells carry no-break spaces where French needs them."""
    literals = [text for _, source in _code_cells(slug) for text in _french_literals(source)]
    assert len(literals) >= 2
    assert any(NBSP in text or NNBSP in text for text in literals)


def test_the_checker_catches_an_ordinary_space_in_a_code_cell() -> None:
    cell = 'assert ok, "Descriptions non classées : " + ", ".join(cles)\n'
    assert problems(cell, "py")
    assert not problems(cell.replace(" :", f"{NBSP}:"), "py")


def test_answer_keys_still_match_the_widget_categories() -> None:
    """Typography fixes must not change a category a hidden key compares against, and the
    model answers stored in the source notebook must still be the hidden keys."""
    for slug in EXERCISES[:2]:
        cells = dict(_code_cells(slug))
        for widget_id, test_id in (("partie-a-widget", "partie-a-test"),
                                   ("partie-b-widget", "partie-b-test")):  # fmt: skip
            question_id, categories = _question(cells[widget_id])
            key = _hidden_key(cells[test_id])
            assert set(key.values()) <= set(categories), (slug, test_id)
            assert solution_answers(slug)[question_id] == key, (slug, question_id)


def _question(source: str) -> tuple[str, list[str]]:
    """The question id and categories of a ``Classification(...)`` cell."""
    call = next(node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call))
    keyword = next(k for k in call.keywords if k.arg == "categories")
    return ast.literal_eval(call.args[0]), ast.literal_eval(keyword.value)


def _hidden_key(source: str) -> dict[str, str]:
    tree = ast.parse(source)
    assign = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Dict)
        and node.targets[0].id.startswith("cle_")
    )
    return ast.literal_eval(assign.value)
