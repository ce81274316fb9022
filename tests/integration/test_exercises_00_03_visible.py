"""The visible tests of exercises 00 to 03 tell a right answer from a beginner's mistake.

Each code question's visible test cell, as released, runs after the released notebook's
setup and data cells with the answer cell filled in as a student would fill the scaffold
(tests/fixtures/make_submissions.py): it must print « ✔ Test réussi » for the right answer
and stop with an AssertionError naming the case and the values for every likely mistake.
A visible test that lets a mistake through (01 B2 counting replies instead of chain length,
issue 15) tells the student their wrong answer is fine. Module 01's recap cell, which a
grader reads in formgrader (issue 16), is checked here too.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json

import matplotlib
import pytest

from exercises import answers
from tests.conftest import REPO
from tests.fixtures.make_submissions import BEGINNER_FILLS, KEY, QUESTION, beginner_answers

matplotlib.use("Agg")  # the figure of 00 B5 is drawn, never shown

pytestmark = pytest.mark.integration


def _cells(assignment: str) -> list[dict]:
    nb = json.loads((REPO / "release" / assignment / "exercice.ipynb").read_text("utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _grade_id(cell: dict) -> str | None:
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def _test_of(cells: list[dict], answer_id: str) -> dict:
    """The grade cell that follows the answer cell: its visible test."""
    index = next(i for i, c in enumerate(cells) if _grade_id(c) == answer_id)
    return next(c for c in cells[index + 1 :] if c["metadata"]["nbgrader"].get("grade"))


def _run_visible_test(assignment: str, answer_id: str, answer: str) -> str:
    """Run the released notebook's code up to and including ``answer_id``'s test; its output.

    Widget cells and the other questions' tests are left out (they need a kernel, or test
    something else); every answer cell gets its right answer except ``answer_id``.
    """
    right = {grade_id: pair[0] for grade_id, pair in beginner_answers(assignment).items()}
    cells = _cells(assignment)
    test = _test_of(cells, answer_id)
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in cells:
            grade_id, meta = _grade_id(cell), cell["metadata"].get("nbgrader", {})
            if cell is test:
                exec(_source(cell), namespace)
                break
            if grade_id == answer_id:
                exec(answer, namespace)
            elif grade_id in right:
                exec(right[grade_id], namespace)
            elif not meta.get("grade") and "Classification(" not in _source(cell):
                exec(_source(cell), namespace)
    return out.getvalue()


QUESTIONS = [
    (assignment, answer_id)
    for assignment, questions in BEGINNER_FILLS.items()
    for answer_id in questions
]
MISTAKES = [
    (assignment, answer_id, mistake)
    for assignment, answer_id in QUESTIONS
    for mistake in BEGINNER_FILLS[assignment][answer_id][1]
]


@pytest.mark.parametrize(("assignment", "answer_id"), QUESTIONS)
def test_right_answer_passes_and_says_so(assignment, answer_id):
    right = beginner_answers(assignment)[answer_id][0]
    assert "✔ Test réussi" in _run_visible_test(assignment, answer_id, right)


@pytest.mark.parametrize(("assignment", "answer_id", "mistake"), MISTAKES)
def test_beginner_mistake_fails_with_a_message(assignment, answer_id, mistake):
    wrong = beginner_answers(assignment)[answer_id][1][mistake]
    with pytest.raises(AssertionError) as failure:
        printed = _run_visible_test(assignment, answer_id, wrong)
        pytest.fail(f"the visible test let « {mistake} » through: {printed!r}")
    assert str(failure.value).strip(), "a failing visible test must say what to fix"
    assert "✔" not in str(failure.value)


def test_depth_message_names_the_thread_and_both_values():
    """01 B2, counting replies: the message names the thread it fails on, and both values."""
    wrong = beginner_answers("01-cluetrain")["partie-b2-reponse"][1]["compter les réponses"]
    with pytest.raises(AssertionError, match="petit fil de l'exemple.*vous renvoyez 2, attendu 3"):
        _run_visible_test("01-cluetrain", "partie-b2-reponse", wrong)


def test_share_message_writes_decimals_with_a_comma():
    wrong = beginner_answers("01-cluetrain")["partie-b1-reponse"][1]["la division à l'envers"]
    with pytest.raises(AssertionError, match="vous renvoyez 1,6, attendu 0,625"):
        _run_visible_test("01-cluetrain", "partie-b1-reponse", wrong)


def test_mean_message_gives_the_value_and_the_range():
    """00 B4, the total for the mean: told the value and where a mean must lie."""
    answer = beginner_answers("00-prise-en-main")["partie-b4-reponse"][1]
    with pytest.raises(AssertionError, match="vaut 47.*entre 0 et 27"):
        _run_visible_test(
            "00-prise-en-main", "partie-b4-reponse", answer["le total au lieu de la moyenne"]
        )


def _value_of(source: str, namespace: dict):
    """Run a cell and return the value of its last expression, as Jupyter displays it."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def test_module_01_recap_shows_each_statement_with_its_chosen_category():
    """What a grader reads in formgrader for part A: the statements and the saved choices."""
    cells = {_grade_id(c): _source(c) for c in _cells("01-cluetrain")}
    namespace: dict = {}
    answers.record(QUESTION, dict(KEY, i=None))
    try:
        for grade_id in ("setup", "partie-a-widget"):
            _value_of(cells[grade_id], namespace)
        recap = _value_of(cells["recapitulatif-a"], namespace).data
    finally:
        answers.forget_session()
    rows = recap.split("<tr>")[2:]
    assert len(rows) == len(KEY)
    assert "catalogue" in rows[0] and "bibliothèque" in rows[0]  # a: statement, then choice
    assert "<b>i.</b>" in rows[-1] and "—" in rows[-1]  # an unsorted statement shows a dash
    assert "<style" not in recap and "text-align:left" in recap
