"""Who each collected student is in the LMS, kept per assignment in ``lms/ASSIGNMENT.csv``.

Moodle's participant id is unique per assignment (the same student has another one in the
next assignment), so it cannot live in nbgrader's course-wide student table. Exports and
feedback zips read it back here to give Moodle the "Participant 12345" it knows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course

COLUMNS = ("student_id", "lms_id", "lms_name")


@dataclass(frozen=True)
class LmsIdentity:
    """A student as one LMS assignment knows them."""

    student_id: str
    lms_id: str
    lms_name: str


def identities_file(course: Course, assignment: str) -> Path:
    return course.lms_dir / f"{assignment}.csv"


def load_identities(course: Course, assignment: str) -> dict[str, LmsIdentity]:
    """Student id → LMS identity for this assignment (empty if nothing came from an LMS)."""
    path = identities_file(course, assignment)
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["student_id"]: LmsIdentity(row["student_id"], row["lms_id"], row["lms_name"])
        for row in rows
        if row.get("student_id") and row.get("lms_id")
    }


def save_identities(course: Course, assignment: str, found: list[LmsIdentity]) -> None:
    """Add or update these students, keeping the others already recorded."""
    if not found:
        return
    known = load_identities(course, assignment)
    known.update({identity.student_id: identity for identity in found})
    path = identities_file(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for identity in sorted(known.values(), key=lambda i: i.student_id):
            writer.writerow((identity.student_id, identity.lms_id, identity.lms_name))
