"""The French hints under NameError and NotImplementedError, in a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from exercises import hints


@pytest.fixture
def shell(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    shell = InteractiveShell.instance()
    yield shell
    shell.set_custom_exc((), None)


def test_a_name_not_yet_defined_says_which_cells_to_run(shell, capsys):
    assert hints.install(shell)
    result = shell.run_cell("abonnes_par_mois")
    output = capsys.readouterr().out
    assert isinstance(result.error_in_exec, NameError)  # still an error: a test still fails
    assert "NameError" in output  # the traceback is kept
    assert "« abonnes_par_mois » n'est pas encore défini" in output
    assert "Exécution › Exécuter tout au-dessus" in output


def test_an_unwritten_answer_says_to_replace_the_stub(shell, capsys):
    assert hints.install(shell)
    result = shell.run_cell("# VOTRE CODE ICI\nraise NotImplementedError()")
    output = capsys.readouterr().out
    assert isinstance(result.error_in_exec, NotImplementedError)
    assert "remplacez la ligne « raise NotImplementedError() » par votre code" in output


def test_other_errors_get_no_hint(shell, capsys):
    assert hints.install(shell)
    shell.run_cell("1 / 0")
    assert "💡" not in capsys.readouterr().out


def test_nothing_is_installed_while_grading(shell, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not hints.install(shell)
    assert shell.custom_exceptions == ()
