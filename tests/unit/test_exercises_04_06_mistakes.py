"""The visible tests of exercises 04 and 05 catch the mistakes a beginner most likely makes.

Each code question's part C cells (data, models, answer, visible test) run from the source
twin, with the answer cell replaced by a plausible wrong answer; the visible test, without
its hidden part, must fail with a French message that shows what the function returned.
The model solution must pass it and say so (« ✔ Test réussi »). Exercise 06 has no code
question: its canvas checks are covered by test_strategy.py.
"""

from __future__ import annotations

import contextlib
import io
import re

import jupytext
import pytest

from tests.conftest import REPO

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)

pytestmark = pytest.mark.unit


def _cells(slug: str) -> dict[str, str]:
    notebook = jupytext.read(REPO / "source" / slug / "exercice.md")
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and "nbgrader" in cell.metadata
    }


def _visible(source: str) -> str:
    return HIDDEN.sub("", source)


def _run_part(slug: str, question: str, answer: str | None) -> str:
    """Run the part C cells up to ``question``'s visible test; return what it printed.

    ``answer`` replaces the answer cell of ``question`` (None keeps the model solution);
    earlier answers keep their model solution.
    """
    namespace: dict = {}
    output = io.StringIO()
    for grade_id, source in _cells(slug).items():
        if not grade_id.startswith("partie-c"):
            continue
        if grade_id.endswith("-test") and not grade_id.startswith(question):
            continue  # earlier visible tests pass with the model solutions
        if grade_id == f"{question}-reponse" and answer is not None:
            source = answer
        if grade_id == f"{question}-test":
            source = _visible(source)
        with contextlib.redirect_stdout(output):
            exec(compile(source, grade_id, "exec"), namespace)  # noqa: S102 - our own notebook
        if grade_id == f"{question}-test":
            return output.getvalue()
    raise AssertionError(f"no visible test for {question} in {slug}")


C04_1 = """
def part_entre_membres(interactions, organisateur):
    if len(interactions) == 0:
        return 0.0
    compte = 0
    for interaction in interactions:
        if {condition}:
            compte = compte + 1
    return {result}
"""
C04_2 = """
def membres_isoles(interactions, organisateur):
    relies = []
    for interaction in interactions:
        if {condition}:
            relies.append(interaction["auteur"])
            {second}
    isoles = []
    for nom in membres(interactions, organisateur):
        if {keep}:
            isoles.append(nom)
    return isoles
"""
BOTH = 'interaction["auteur"] != organisateur and interaction["destinataire"] != organisateur'
SECOND = 'relies.append(interaction["destinataire"])'
C05_1 = """
def minutes_par_categorie(journal):
    return {{
        "écoute": minutes_de_categorie(journal, "écoute"),
        "diffusion": minutes_de_categorie(journal, "{diffusion}"),
        "interne": minutes_de_categorie(journal, "{interne}"),
    }}
"""
C05_2 = """
def part_ecoute(journal):
    totaux = minutes_par_categorie(journal)
    ecoute = totaux["écoute"]
    diffusion = totaux["diffusion"]
    if ecoute + diffusion == 0:
        return 0.0
    return {result}
"""

MISTAKES = {
    "or instead of and": ("04-communaute-confiance", "partie-c1", C04_1.format(
        condition=BOTH.replace(" and ", " or "), result="compte / len(interactions)")),
    "only the author is checked": ("04-communaute-confiance", "partie-c1", C04_1.format(
        condition='interaction["auteur"] != organisateur', result="compte / len(interactions)")),
    "the organiser's name written out": ("04-communaute-confiance", "partie-c1", C04_1.format(
        condition=BOTH.replace("organisateur", '"Chœur du Flon"'),
        result="compte / len(interactions)")),
    "a count instead of a share": ("04-communaute-confiance", "partie-c1", C04_1.format(
        condition=BOTH, result="compte")),
    "only authors are linked": ("04-communaute-confiance", "partie-c2", C04_2.format(
        condition=BOTH, second="pass", keep="nom not in relies")),
    "in instead of not in": ("04-communaute-confiance", "partie-c2", C04_2.format(
        condition=BOTH, second=SECOND, keep="nom in relies")),
    "or in the condition of C1": ("04-communaute-confiance", "partie-c2", C04_2.format(
        condition=BOTH.replace(" and ", " or "), second=SECOND, keep="nom not in relies")),
    "écoute copied on every line": ("05-community-manager", "partie-c1", C05_1.format(
        diffusion="écoute", interne="écoute")),
    "diffusion and interne swapped": ("05-community-manager", "partie-c1", C05_1.format(
        diffusion="interne", interne="diffusion")),
    "only interne changed": ("05-community-manager", "partie-c1", C05_1.format(
        diffusion="écoute", interne="interne")),
    "no parentheses": ("05-community-manager", "partie-c2", C05_2.format(
        result="ecoute / ecoute + diffusion")),
    "listening over broadcasting": ("05-community-manager", "partie-c2", C05_2.format(
        result="ecoute / diffusion")),
    "internal work counted": ("05-community-manager", "partie-c2", C05_2.format(
        result='ecoute / (ecoute + diffusion + totaux["interne"])')),
}  # fmt: skip


@pytest.mark.parametrize(
    ("slug", "question"),
    sorted({(slug, question) for slug, question, _ in MISTAKES.values()}),
)
def test_the_model_solution_passes_and_says_so(slug: str, question: str) -> None:
    printed = _run_part(slug, question, None)
    assert printed.strip().splitlines()[-1].startswith("✔ Test réussi")


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_beginner_mistake_fails_a_visible_test(mistake: str) -> None:
    slug, question, answer = MISTAKES[mistake]
    with pytest.raises(AssertionError) as failure:
        _run_part(slug, question, answer)
    message = str(failure.value)
    assert "vous renvoyez" in message, message  # shows the student what their function gave
    assert "✔" not in message
