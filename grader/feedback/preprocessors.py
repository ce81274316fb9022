"""Preprocessors that nbgrader_config.py adds to nbgrader's generate_feedback."""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool


class HideTestTracebacks(Preprocessor):
    """Reduce the errors of test cells to their name and message.

    A traceback quotes the line that failed, which in a hidden test is the hidden test
    itself. The student keeps what the assertion message says and nothing more.
    """

    enabled = Bool(True, help="nbconvert skips disabled preprocessors; this one always runs.")

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    output["traceback"] = [message.rstrip(": ")]
        return cell, resources
