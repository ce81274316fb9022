"""Grade tables from nbgrader's gradebook: one row per student."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from grader.course import Course, CourseError


def grade_table(course: Course, assignment: str, per_question: bool = False) -> pd.DataFrame:
    """Scores of every submission of ``assignment``; one column per graded cell if asked.

    Per-question columns are named by grade id (prefixed by the notebook name when the
    assignment has several notebooks). A cell still waiting for a manual grade is empty.
    """
    with Gradebook(course.db_url, str(course.config.CourseDirectory.course_id)) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry as error:
            raise CourseError(
                f"{assignment} is not in the gradebook: run `course grade` first"
            ) from error
        several = len(found.notebooks) > 1
        rows = []
        for submission in sorted(found.submissions, key=lambda s: s.student.id):
            row = {
                "student_id": submission.student.id,
                "timestamp": submission.timestamp.isoformat() if submission.timestamp else "",
                "score": round(float(submission.score), 2),
                "max_score": float(submission.max_score),
                "late_penalty": float(submission.late_submission_penalty or 0),
                "needs_manual_grade": bool(submission.needs_manual_grade),
            }
            if per_question:
                row.update(_per_question(submission, several))
            rows.append(row)
    return pd.DataFrame(rows)


def _per_question(submission, several: bool) -> dict[str, float | None]:
    scores = {}
    for notebook in submission.notebooks:
        order = [cell.name for cell in notebook.notebook.source_cells]
        for grade in sorted(notebook.grades, key=lambda g: order.index(g.name)):
            column = f"{notebook.name}:{grade.name}" if several else grade.name
            scores[column] = (
                None
                if grade.score is None or (grade.needs_manual_grade and grade.manual_score is None)
                else round(float(grade.score), 2)
            )
    return scores


def write_csv(table: pd.DataFrame, out: Path) -> Path:
    """Write the table as UTF-8 CSV (with BOM, so spreadsheet programs read accents)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, encoding="utf-8-sig")
    return out
