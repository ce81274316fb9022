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
