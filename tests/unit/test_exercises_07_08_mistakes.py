"""The likeliest beginner mistake on each code question of 07 and 08 fails a visible test.

Each case runs the source notebook's own cells (setup, data, the answer cell with the
mistake written in place of the solution, then the visible part of the test cell, hidden
tests removed), as the student's kernel would. A mistake must raise an AssertionError whose
French message names what is wrong, or (for the graphs, whose visible tests only advise)
print « À revoir ». The model answer must pass and say « ✔ Test réussi ».
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import jupytext
import matplotlib
import pytest

from tests.conftest import REPO
from tests.fixtures.make_submissions import RIGHT_07_B

matplotlib.use("Agg")
pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("clean_answers")]

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?### END SOLUTION\n?", re.S | re.M)


def cells(assignment: str) -> dict[str, str]:
    """Each code cell's source, by nbgrader grade_id, from the MyST twin."""
    notebook = jupytext.read(REPO / "source" / assignment / "exercice.md")
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in notebook.cells
        if cell.cell_type == "code"
    }


def answered(source: str, code: str) -> str:
    """The answer cell with ``code`` (indented like the solution) in place of the solution."""

    def replace(match: re.Match[str]) -> str:
        indent = match.group(1)
        return "".join(f"{indent}{line}\n" for line in code.splitlines())

    new, count = SOLUTION.subn(replace, source)
    assert count == 1
    return new


def run(namespace: dict[str, Any], source: str, name: str) -> None:
    exec(compile(source, name, "exec"), namespace)  # noqa: S102 - the course's own cells


# --------------------------------------------------------------------------- module 07

MISTAKES_07_B = {
    "https inconnu noté 0": (
        '"https": "na" if signaux["https"] is None else (2 if signaux["https"] else 0),',
        '"https": 2 if signaux["https"] else 0,',
        "https\u00a0: vous renvoyez 0, attendu 'na'",
    ),
    "toute langue déclarée vaut 2": (
        '"langue": 0 if not langue else (2 if langue == "fr" or langue.startswith("fr-") else 1),',
        '"langue": 0 if not langue else 2,',
        "langue\u00a0: vous renvoyez 2, attendu 1",
    ),
    "lang en majuscules ignoré": (
        'langue = (signaux["lang"] or "").lower()',
        'langue = signaux["lang"] or ""',
        "langue\u00a0: vous renvoyez 1, attendu 2",
    ),
    "page sans image notée 2": (
        'if images == 0:\n        alt = "na"\n    else:\n        alt',
        "if True:\n        alt",
        "alt\u00a0: vous renvoyez 2, attendu 'na'",
    ),
    "moitié sans alt notée 0": (
        "(1 if 2 * sans_alt <= images else 0)",
        "0",
        "alt\u00a0: vous renvoyez 0, attendu 1",
    ),
    "page sans h1 notée 1": (
        'if signaux["h1_count"] == 0:\n        titres = 0\n    else:\n        titres',
        "if True:\n        titres",
        "titres\u00a0: vous renvoyez 1, attendu 0",
    ),
}


def _run_07_b(function: str, capsys: pytest.CaptureFixture[str]) -> str:
    source = cells("07-site-cafe")
    namespace: dict[str, Any] = {}
    run(namespace, source["setup"], "setup")
    run(namespace, function, "partie-b-reponse")
    run(namespace, HIDDEN.sub("", source["partie-b-test"]), "partie-b-test")
    return capsys.readouterr().out


def test_07_b_model_answer_passes_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert "✔ Test réussi" in _run_07_b(RIGHT_07_B, capsys)


@pytest.mark.parametrize("mistake", MISTAKES_07_B)
def test_07_b_half_right_answers_fail_a_visible_test(
    mistake: str, capsys: pytest.CaptureFixture[str]
) -> None:
    right, wrong, message = MISTAKES_07_B[mistake]
    assert right in RIGHT_07_B
    function = RIGHT_07_B.replace(right, wrong)
    with pytest.raises(AssertionError) as failure:
        _run_07_b(function, capsys)
    assert message in str(failure.value)
    assert "✔" not in capsys.readouterr().out


# --------------------------------------------------------------------------- module 08

DATA_CELLS = ("setup", "identifiant-reponse", "donnees", "lecture", "fil-exemple")

#: (answer cell, the mistake in place of the solution, what the failing message says)
MISTAKES_08 = {
    "A1 toutes les réponses, pas celles de la marque": (
        "a1",
        'reponses_marque = commentaires[commentaires["repond_a"].notna()]',
        "vous renvoyez 0,8, attendu 0,6",
    ),
    "A1 isna au lieu de notna": (
        "a1",
        'reponses_marque = commentaires[commentaires["est_marque"] & commentaires["repond_a"].isna()]',
        "vous renvoyez 0, attendu 0,6",
    ),
    "A2 la moyenne au lieu de la médiane": (
        "a2",
        "heures = delais.dt.total_seconds() / 3600\nreturn float(heures.mean())",
        "attendu 0,75 heure",
    ),
    "A2 des secondes": (
        "a2",
        "return float(delais.dt.total_seconds().median())",
        "des secondes",
    ),
    "A3 une réponse à n'importe quel commentaire": (
        "a3",
        'allers_retours = reponses[reponses["repond_a"].isin(commentaires["id"])]',
        "vous renvoyez 1, attendu 0,5",
    ),
    "A4 oublier le parent": (
        "a4",
        'entre_membres = ~reponses["est_marque"]\nreturn float(entre_membres.mean())',
        "vous renvoyez 0,4, attendu 0,2",
    ),
    "A5 10 % des commentaires": (
        "a5",
        "k = math.ceil(len(membres) / 10)",
        "vous renvoyez 0,636, attendu 0,5",
    ),
    "A5 arrondi au plus proche": (
        "a5",
        "k = round(len(par_membre) / 10)",
        "vous renvoyez 0",
    ),
}

MISTAKES_08_B = {
    "B1 sans légende ni titres d'axes": (
        "b1",
        'ax.bar(par_semaine.index, par_semaine["marque"], width=5, bottom=par_semaine["membres"])',
        "sans légende",
    ),
    "B1 les membres deux fois": (
        "b1",
        'ax.bar(par_semaine.index, par_semaine["membres"], width=5, label="marque")\n'
        'ax.set_xlabel("semaine")\nax.set_ylabel("commentaires")\nax.legend()',
        "Additionnées, vos séries donnent",
    ),
    "B1 pas encore répondu": ("b1", "raise NotImplementedError()", "Le graphique devrait"),
    "B2 sans titres d'axes": (
        "b2",
        'ax.scatter(publications["likes"], reponses_par_publication)',
        "pas de titre",
    ),
    "B2 pas encore répondu": ("b2", "raise NotImplementedError()", "La figure est vide"),
}


@pytest.fixture(scope="module")
def data_08(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The namespace after the data cells of 08, with its data written once."""
    folder = tmp_path_factory.mktemp("mesurer")
    source = cells("08-mesurer")
    namespace: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in DATA_CELLS:
            run(namespace, source[name], name)
    return folder, namespace


def _run_08(
    data: tuple[Path, dict[str, Any]], question: str, code: str | None, monkeypatch
) -> None:
    folder, namespace = data
    monkeypatch.chdir(folder)
    source = cells("08-mesurer")
    answer = source[f"{question}-reponse"]
    if code is not None:
        answer = answered(answer, code)
    namespace = dict(namespace)
    # the released stub stops its own cell; the test cell still runs (raises-exception)
    with contextlib.suppress(NotImplementedError):
        run(namespace, answer, f"{question}-reponse")
    run(namespace, HIDDEN.sub("", source[f"{question}-test"]), f"{question}-test")


@pytest.mark.parametrize("question", ["a1", "a2", "a3", "a4", "a5", "b1", "b2"])
def test_08_model_answers_pass_and_say_so(data_08, question, monkeypatch, capsys) -> None:
    _run_08(data_08, question, None, monkeypatch)
    out = capsys.readouterr().out
    assert "✔ Test réussi" in out and "À revoir" not in out


@pytest.mark.parametrize("mistake", MISTAKES_08)
def test_08_likely_mistakes_fail_a_visible_test(data_08, mistake, monkeypatch, capsys) -> None:
    question, code, message = MISTAKES_08[mistake]
    with pytest.raises(AssertionError) as failure:
        _run_08(data_08, question, code, monkeypatch)
    assert message in str(failure.value)
    assert "✔" not in capsys.readouterr().out


@pytest.mark.parametrize("mistake", MISTAKES_08_B)
def test_08_graph_mistakes_are_pointed_out(data_08, mistake, monkeypatch, capsys) -> None:
    """The graph tests advise (their points are partial): a mistake prints « À revoir »."""
    question, code, message = MISTAKES_08_B[mistake]
    _run_08(data_08, question, code, monkeypatch)
    out = capsys.readouterr().out
    assert "À revoir" in out and message in out and "✔" not in out
