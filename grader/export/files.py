"""`course export`: the grade CSV and, if asked, the Moodle worksheet, in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course
from grader.deadlines import reapply_penalties
from grader.export.grades import grade_table, write_csv
from grader.export.moodle import (
    DEFAULT_LANGUAGE,
    check_options,
    moodle_worksheet,
    write_worksheet,
)


@dataclass
class ExportResult:
    """The files written, and what the instructor must know about the Moodle file."""

    rows: int
    path: Path
    moodle_path: Path | None = None
    moodle_rows: int = 0
    without_lms_id: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    #: gradebook students who handed nothing in (0 in the CSV, as in ``nbgrader export``)
    missing: list[str] = field(default_factory=list)


def export_grades(
    course: Course,
    assignment: str,
    out: Path,
    per_question: bool = False,
    moodle_out: Path | None = None,
    moodle_language: str = DEFAULT_LANGUAGE,
    moodle_max_grade: float | None = None,
) -> ExportResult:
    """Write the grade CSV and, if asked, the worksheet that Moodle's grade upload reads.

    Late penalties are recomputed first: a hand grade since `course grade` may have
    changed a score that the penalty depends on.
    """
    course.require_assignment(assignment)
    if moodle_out is not None:
        check_options(moodle_language, moodle_max_grade)
    reapply_penalties(course, assignment)
    table = grade_table(course, assignment, per_question=per_question)
    result = ExportResult(len(table), write_csv(table, out))
    if not table.empty:
        result.missing = sorted(table.loc[~table["submitted"], "student_id"])
    if moodle_out is not None:
        sheet = moodle_worksheet(course, assignment, moodle_language, moodle_max_grade)
        result.moodle_path = write_worksheet(sheet.table, moodle_out)
        result.moodle_rows = len(sheet.table)
        result.without_lms_id, result.pending = sheet.without_lms_id, sheet.pending
    return result
