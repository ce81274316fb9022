"""Grades out of nbgrader's gradebook, as files an instructor can use."""

from grader.export.grades import grade_table, write_csv

__all__ = ["grade_table", "write_csv"]
