"""Grades out of nbgrader's gradebook, as files an instructor can use."""

from grader.export.files import ExportResult, export_grades
from grader.export.grades import grade_table, write_csv
from grader.export.moodle import HEADERS as MOODLE_HEADERS
from grader.export.moodle import moodle_worksheet

__all__ = [
    "MOODLE_HEADERS",
    "ExportResult",
    "export_grades",
    "grade_table",
    "moodle_worksheet",
    "write_csv",
]
