"""Autograding submissions into nbgrader's gradebook."""

from grader.grade.autograde import StudentResult, grade

__all__ = ["StudentResult", "grade"]
