"""Feedback pages packed for Moodle's "Upload multiple feedback files in a zip".

Moodle's importer (``mod/assign/feedback/file/importziplib.php``) finds the student of each
file from the first path part shaped like its own download, ``Name_12345_plugin_type_``:
the number is the participant id, the name is not checked. So each student's pages go under
the same folder name the submission zip had, and Moodle attaches them as feedback files.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.collect.identities import load_identities
from grader.collect.moodle import moodle_folder
from grader.course import Course
from grader.feedback.generate import generate_feedback


@dataclass
class FeedbackResult:
    """Feedback folders written, the LMS zip, and who could not go in it."""

    folders: list[Path]
    zip_path: Path | None = None
    zipped: list[str] = field(default_factory=list)
    without_lms_id: list[str] = field(default_factory=list)


def give_feedback(
    course: Course,
    assignment: str,
    zip_out: Path | None,
    on_progress: Callable[[str], None] | None = None,
) -> FeedbackResult:
    """Write everyone's feedback in feedback/, then the zip to upload back to Moodle."""
    course.require_assignment(assignment)
    result = FeedbackResult(generate_feedback(course, assignment, on_progress=on_progress))
    if zip_out is not None:
        write_lms_zip(course, assignment, result, zip_out)
    return result


def write_lms_zip(course: Course, assignment: str, result: FeedbackResult, out: Path) -> None:
    """Pack the HTML pages of every student who came from Moodle; note those who did not.

    No zip is written when nobody came from Moodle: it would be empty.
    """
    identities = load_identities(course, assignment)
    pages: list[tuple[str, Path]] = []
    for folder in result.folders:
        student = folder.parent.name
        identity = identities.get(student)
        if identity is None:
            result.without_lms_id.append(student)
            continue
        prefix = moodle_folder(identity.lms_name, identity.lms_id)
        pages.extend((f"{prefix}/{page.name}", page) for page in sorted(folder.glob("*.html")))
        result.zipped.append(student)
    if not pages:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, page in pages:
            archive.write(page, name)
    result.zip_path = out
