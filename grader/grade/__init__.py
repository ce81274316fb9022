"""Autograding submissions into nbgrader's gradebook.

This module stays light on purpose: :func:`grade` starts the warm workers
(``grader.grade.workers``) first, and only then imports nbgrader and the rest
(``grader.grade.autograde``), so that the workers import IPython and what the
assignment's notebooks import on one core while this process imports nbgrader on the
other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from grader.course import Course, CourseError

if TYPE_CHECKING:
    from grader.grade.autograde import StudentResult
    from grader.grade.sandbox import Limits

__all__ = ["StudentResult", "grade"]


def grade(
    course: Course,
    assignment: str,
    students: Iterable[str] | None = None,
    on_progress: Callable[[StudentResult], None] | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    unsafe: bool = False,
) -> list[StudentResult]:
    """Autograde each student's submission (default: all of them); one result per student."""
    course.require_assignment(assignment)
    chosen = list(students) if students else course.submitted_students(assignment)
    if not chosen:
        raise CourseError(f"no submissions for {assignment} in {course.submitted_dir}")
    missing = [s for s in chosen if not (course.submitted_dir / s / assignment).is_dir()]
    if missing:
        raise CourseError(f"no submission of {assignment} for: {', '.join(missing)}")
    from grader.grade.workers import WorkerPool, imported_modules

    notebooks = sorted((course.source_dir / assignment).glob("*.ipynb"))
    with WorkerPool(workers or os.cpu_count() or 1, imported_modules(notebooks)) as pool:
        from grader.grade.autograde import grade_with

        return grade_with(pool, course, assignment, chosen, on_progress, limits, unsafe)


def __getattr__(name: str) -> Any:
    if name == "StudentResult":
        from grader.grade import autograde

        return autograde.StudentResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
