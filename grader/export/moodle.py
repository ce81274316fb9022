"""Grades as a Moodle "offline grading worksheet", the CSV an assignment's
"Upload grading worksheet" action imports.

Moodle's importer (``mod/assign/feedback/offline/importgradeslib.php``) finds its columns
by comparing each header with strings of the *uploading user's interface language*, and
refuses a file that lacks any of three: the identifier, the grade and the last-modified
date. It reads the participant id by cutting the localised word "Participant" off the
identifier, and skips a row whose grade is empty, above the assignment's maximum, or
older than a grade changed in Moodle since (unless "ignore modified" is ticked). It also
reads a "Feedback comments" column (HTML) when that feedback type is on; it ignores any
other column. The headers below are those of Moodle's English and French language packs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from grader.collect.identities import LmsIdentity, load_identities
from grader.course import Course, CourseError
from grader.export.grades import (
    awaiting_hand_grade,
    final_score,
    find_graded_assignment,
    write_spreadsheet_csv,
)

DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Headers:
    """The worksheet's column names, and the identifier prefix, in one Moodle language."""

    identifier: str
    participant: str
    full_name: str
    grade: str
    maximum: str
    modified: str
    comments: str


HEADERS = {
    "en": Headers(
        identifier="Identifier",
        participant="Participant ",
        full_name="Full name",
        grade="Grade",
        maximum="Maximum Grade",
        modified="Last modified (grade)",
        comments="Feedback comments",
    ),
    "fr": Headers(
        identifier="Identifiant",
        participant="Participant",
        full_name="Nom complet",
        grade="Note",
        maximum="Note maximale",
        modified="Dernière modification (note)",
        comments="Feedback par commentaires",
    ),
}


@dataclass(frozen=True)
class GradeRecord:
    """What Moodle needs of one graded submission."""

    student_id: str
    score: float
    max_score: float
    complete: bool
    comments: tuple[tuple[str, str], ...] = ()


@dataclass
class Worksheet:
    """The worksheet, and who is not in it or has no grade yet (and why)."""

    table: pd.DataFrame
    without_lms_id: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def moodle_worksheet(
    course: Course,
    assignment: str,
    language: str = DEFAULT_LANGUAGE,
    max_grade: float | None = None,
    now: datetime | None = None,
) -> Worksheet:
    """The worksheet of every graded submission that came from a Moodle download."""
    records = grade_records(course, assignment)
    return build_worksheet(
        records, load_identities(course, assignment), language, max_grade, now or _now()
    )


def build_worksheet(
    records: list[GradeRecord],
    identities: dict[str, LmsIdentity],
    language: str,
    max_grade: float | None,
    now: datetime,
) -> Worksheet:
    """Pure part of :func:`moodle_worksheet`: one row per student Moodle knows.

    A submission still waiting for a hand grade gets an empty grade (Moodle skips it), so
    that no student sees a partial mark as final. ``max_grade`` rescales scores to the
    Moodle assignment's maximum, which must not be exceeded.
    """
    check_options(language, max_grade)
    names = HEADERS[language]
    sheet = Worksheet(pd.DataFrame(columns=_columns(names)))
    rows = []
    for record in sorted(records, key=lambda r: r.student_id):
        identity = identities.get(record.student_id)
        if identity is None:
            sheet.without_lms_id.append(record.student_id)
            continue
        if not record.complete:
            sheet.pending.append(record.student_id)
        rows.append(_row(names, record, identity, max_grade, now))
    if rows:
        sheet.table = pd.DataFrame(rows, columns=_columns(names))
    return sheet


def check_options(language: str, max_grade: float | None) -> None:
    """Refuse options Moodle could not use, before anything is written."""
    if language not in HEADERS:
        raise CourseError(f"unknown Moodle language {language!r} (known: {', '.join(HEADERS)})")
    if max_grade is not None and max_grade <= 0:
        raise CourseError("the Moodle maximum grade must be above 0")


def _columns(names: Headers) -> list[str]:
    # the comments column is never first: the importer treats index 0 as "absent"
    return [
        names.identifier,
        names.full_name,
        names.grade,
        names.maximum,
        names.modified,
        names.comments,
    ]


def _row(
    names: Headers,
    record: GradeRecord,
    identity: LmsIdentity,
    max_grade: float | None,
    now: datetime,
) -> dict[str, str]:
    maximum = max_grade if max_grade is not None else record.max_score
    scale = maximum / record.max_score if record.max_score else 0.0
    return {
        names.identifier: f"{names.participant}{identity.lms_id}",
        names.full_name: identity.lms_name,
        names.grade: f"{record.score * scale:.2f}" if record.complete else "",
        names.maximum: f"{maximum:.2f}",
        names.modified: now.astimezone(UTC).isoformat(timespec="seconds"),
        names.comments: "".join(
            f"<p><strong>{html.escape(cell)}</strong> : {html.escape(text)}</p>"
            for cell, text in record.comments
        ),
    }


def grade_records(course: Course, assignment: str) -> list[GradeRecord]:
    """Final score (late penalty deducted) and the grader's comments of each submission."""
    with course.gradebook() as gb:
        found = find_graded_assignment(gb, assignment)
        return [_record(submission) for submission in found.submissions]


def _record(submission) -> GradeRecord:
    comments = tuple(
        (comment.name, text)
        for notebook in submission.notebooks
        for comment in notebook.comments
        if (text := (comment.manual_comment or "").strip())  # auto ones are nbgrader's English
    )
    return GradeRecord(
        student_id=submission.student.id,
        score=final_score(submission),
        max_score=float(submission.max_score),
        complete=not awaiting_hand_grade(submission),
        comments=comments,
    )


def write_worksheet(table: pd.DataFrame, out: Path) -> Path:
    """UTF-8 without BOM, comma separated: what the importer reads by default.

    (A BOM would become part of the first header, which then matches no Moodle string.)
    Text fields are quoted and cannot start a formula; Moodle's reader (PHP's fgetcsv)
    takes the quotes off, and ignores the full name, the only field a ``'`` can reach.
    """
    return write_spreadsheet_csv(table, out, encoding="utf-8")


def _now() -> datetime:
    return datetime.now(UTC)
