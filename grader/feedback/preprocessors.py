"""Preprocessors that nbgrader_config.py adds to nbgrader's generate_feedback."""

from __future__ import annotations

import copy
import os
from pathlib import Path
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


class EmbedSummary(Preprocessor):
    """The French summary, made by nbgrader's own generate_feedback, whoever runs it.

    nbgrader empties a student's feedback folder before writing it, so a summary written
    by `course feedback` alone was deleted by ``nbgrader generate_feedback`` and by
    formgrader's "Generate feedback" button; and the exchange's ``fetch_feedback`` delivers
    only the notebooks' pages. So this step gives the feedback template the summary for the
    top of each notebook's page (``resources["course_summary"]``) and gives nbconvert's
    writer ``resultats.html`` to write beside it (``resources["outputs"]``).
    """

    enabled = Bool(True, help="nbconvert skips disabled preprocessors; this one always runs.")

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        from grader.feedback.summary import (
            SUMMARY_FILE,
            feedback_pages,
            gather,
            render,
            render_section,
        )

        info = resources["nbgrader"]
        course = self._course(info["db_url"])
        summary = gather(course, info["assignment"], info["student"])
        resources["course_summary"] = render_section(summary)
        summary.pages = feedback_pages(course, info["assignment"], info["student"])
        outputs = resources.setdefault("outputs", {})
        outputs[SUMMARY_FILE] = render(summary).encode("utf-8")
        return nb, resources

    def _course(self, db_url: str):
        """The course nbgrader is working on, with the gradebook it is writing feedback from."""
        from grader.course import Course

        config = copy.deepcopy(self.config)
        config.CourseDirectory.db_url = db_url
        root = config.CourseDirectory.get("root") or os.getcwd()
        return Course(root=Path(str(root)).resolve(), config=config)
