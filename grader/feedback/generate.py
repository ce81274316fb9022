"""Run nbgrader's generate_feedback for every graded student of an assignment, and write
each student's French summary page beside it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from grader.course import Course, CourseError, nbgrader_error
from grader.feedback.summary import write_summary


def generate_feedback(
    course: Course, assignment: str, on_progress: Callable[[str], None] | None = None
) -> list[Path]:
    """HTML feedback for each student with an autograded submission; returns the folders.

    Each folder holds nbgrader's annotated notebook (``exercice.html``, French labels, the
    summary on top) and the summary page (``resultats.html``), both written by nbgrader's
    generate_feedback itself (`grader.feedback.preprocessors.EmbedSummary`), so that
    formgrader's button and ``nbgrader generate_feedback`` give the same feedback.
    """
    folder = course.autograded_dir
    students = (
        sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir())
        if folder.is_dir()
        else []
    )
    if not students:
        raise CourseError(f"nothing graded yet for {assignment}: run `course grade {assignment}`")
    api = course.api()
    written = []
    for student in students:
        if any((folder / student / assignment).glob("*.ipynb")):
            result = api.generate_feedback(assignment, student, force=True)
            if not result["success"]:
                raise CourseError(f"feedback for {student} failed: {nbgrader_error(result)}")
        else:  # nothing could be graded: the student still gets the reason
            target = course.feedback_dir / student / assignment
            target.mkdir(parents=True, exist_ok=True)
            for message in (folder / student / assignment).glob("*.txt"):
                shutil.copy2(message, target / message.name)
            write_summary(course, assignment, student)
        written.append(course.feedback_dir / student / assignment)
        if on_progress:
            on_progress(student)
    return written
