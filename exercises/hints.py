"""French hints under the two errors a beginner meets first in an exercise.

A fresh exercise raises ``NotImplementedError`` in every answer cell not yet written, and a
cell run before the cells above it raises ``NameError``. Python's English traceback says
neither what to do nor where; the hint printed under it does, in French. The traceback
itself is kept (a failing test must still look failed), and nothing is installed while a
notebook is being graded: grading must see exactly the kernel nbgrader would.
"""

from __future__ import annotations

import os
from typing import Any

NOT_WRITTEN = (
    "💡 Cette réponse n'est pas encore écrite. Dans la cellule de réponse, remplacez la "
    "ligne « raise NotImplementedError() » par votre code, puis exécutez la cellule "
    "(Maj+Entrée) avant de relancer ce test."
)
NOT_DEFINED = (
    "💡 Le nom « {name} » n'est pas encore défini. Exécutez d'abord les cellules au-dessus "
    "de celle-ci, dans l'ordre (menu Exécution › Exécuter tout au-dessus de la cellule sélectionnée), puis "
    "relancez cette cellule. Si ce nom est le vôtre, vérifiez son orthographe."
)


def hint_for(error: BaseException) -> str | None:
    """The French hint for an error, or ``None`` when there is nothing useful to add."""
    if isinstance(error, NotImplementedError):
        return NOT_WRITTEN
    if isinstance(error, NameError) and getattr(error, "name", None):
        return NOT_DEFINED.format(name=error.name)
    return None


def _show_with_hint(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset=None):
    """IPython custom-exception handler: the usual traceback, then the hint."""
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    hint = hint_for(value)
    if hint:
        print(hint)


def install(shell: Any = None) -> bool:
    """Show the hints in this kernel; ``False`` when grading or outside IPython."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover (the course always runs in IPython)
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((NameError, NotImplementedError), _show_with_hint)
    return True
