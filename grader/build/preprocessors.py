"""nbconvert preprocessors that nbgrader_config.py plugs into nbgrader's pipelines."""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from exercises.answers import METADATA_KEY


class StripInstructorMetadata(Preprocessor):
    """Remove what only the instructor's copy may hold from a notebook being released.

    The source notebook stores the instructor's widget answers (so that its own tests pass)
    and jupytext's pairing; a student must receive neither.
    """

    enabled = Bool(True, help="nbconvert skips disabled preprocessors; this one always runs.")

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        nb.metadata.pop(METADATA_KEY, None)
        nb.metadata.pop("jupytext", None)
        return nb, resources


#: Jupyter's cell tag that lets "Run All" go on past an error in that cell.
RAISES_EXCEPTION = "raises-exception"


class LetRunAllContinue(Preprocessor):
    """Tag every answer and test code cell of a release with ``raises-exception``.

    A fresh exercise has unanswered cells (they raise ``NotImplementedError``) and tests
    that fail until the student answers. Untagged, JupyterLab's Run All stops at the first
    of them, the data cells below never run and the next questions fail with ``NameError``.
    The tag only changes the browser: the failing test still shows its error, and grading
    reads errors exactly as before (nbgrader executes with errors allowed).
    """

    enabled = Bool(True, help="nbconvert skips disabled preprocessors; this one always runs.")

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        for cell in nb.cells:
            grading = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and (grading.get("solution") or grading.get("grade")):
                tags = cell.metadata.setdefault("tags", [])
                if RAISES_EXCEPTION not in tags:
                    tags.append(RAISES_EXCEPTION)
        return nb, resources
