"""`course status`: where every student stands on an assignment, from hand-in to feedback.

An instructor running a class (on a hub through nbgrader's exchange, or from Moodle zips)
needs one list that says who has not handed in, who was late and by how much, whose
submission could not be graded and why, what still waits for a hand grade, and whose
feedback is written and delivered. Everything is read: the gradebook (with the students'
extensions), ``submitted/``, ``autograded/``, ``feedback/``, the exchange's outbound feedback
folder and the Moodle feedback zip. The one thing written is the late penalty, recomputed
from the current score first (`grader.deadlines.reapply_penalties`): a hand grade changes
the score, and the penalty may depend on it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.utils import notebook_hash, parse_utc

from grader.collect.identities import load_identities
from grader.collect.moodle import moodle_folder
from grader.course import Course
from grader.deadlines import load_deadline, reapply_penalties
from grader.export.grades import awaiting_hand_grade, final_score, late_penalty
from grader.grade.autograde import MESSAGES_FILE

#: nbgrader's default exchange, used when the config names none
DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"


@dataclass
class StudentStatus:
    """One student's progress on one assignment."""

    student: str
    assignment: str
    name: str = ""
    submitted: bool = False
    handed_in: datetime | None = None  # UTC
    #: the student's own deadline when an extension moved it (`course extend`), else None
    extended_to: datetime | None = None
    seconds_late: float = 0.0
    late_penalty: float = 0.0
    score: float = 0.0
    max_score: float = 0.0
    #: "not submitted", "not graded yet", "autograded" or "failed"
    grading: str = "not submitted"
    reason: str = ""  # why grading failed, as the student is told
    #: "" (nothing to grade by hand or not graded yet), "pending" or "done"
    hand_grading: str = ""
    feedback_generated: bool = False
    #: where the feedback went: "exchange", "moodle zip", both, or "" (not released)
    released: str = ""


def course_status(course: Course, assignment: str | None = None) -> list[StudentStatus]:
    """Every student's status on ``assignment`` (default: every assignment that is in the
    gradebook or has submissions), sorted by assignment and student."""
    names = [assignment] if assignment else course.assignments()
    if assignment:
        course.require_assignment(assignment)
    reapply_penalties(course, assignment)
    rows: list[StudentStatus] = []
    with course.gradebook() as gb:
        people = {s.id: _full_name(s) for s in gb.students}
        for name in names:
            rows.extend(_assignment_status(course, gb, name, people))
    return rows


def _assignment_status(course: Course, gb, assignment: str, people: dict[str, str]):
    try:
        record = gb.find_assignment(assignment)
    except MissingEntry:
        record = None
    if record is None and not course.submitted_students(assignment):
        return  # never built nor handed in: nobody can be missing it yet
    submissions = {s.student.id: s for s in record.submissions} if record else {}
    deadline = load_deadline(gb, assignment)
    max_score = float(record.max_score) if record else 0.0
    lms = {i.student_id: i for i in load_identities(course, assignment).values()}
    students = set(people) | set(submissions) | set(course.submitted_students(assignment))
    for student in sorted(students):
        status = StudentStatus(student, assignment, max_score=max_score)
        status.name = people.get(student) or (lms[student].lms_name if student in lms else "")
        own = deadline.for_student(student)
        status.extended_to = own if own != deadline.due else None
        _hand_in(course, status, submissions.get(student), own)
        _grading(course, status, submissions.get(student))
        _feedback(course, status, lms.get(student))
        yield status


def _full_name(student) -> str:
    return " ".join(p for p in ((student.first_name or ""), (student.last_name or "")) if p)


def _hand_in(course: Course, status: StudentStatus, submission, due: datetime | None) -> None:
    """When the work came in and how late (from ``due``, aware: the student's own deadline):
    the gradebook's record, else ``timestamp.txt``."""
    stamp = course.submitted_dir / status.student / status.assignment / "timestamp.txt"
    folder_exists = stamp.parent.is_dir()
    status.submitted = folder_exists or submission is not None
    if submission is not None and submission.timestamp is not None:
        status.handed_in = submission.timestamp.replace(tzinfo=UTC)
    elif stamp.is_file():
        status.handed_in = parse_utc(stamp.read_text("utf-8").strip()).replace(tzinfo=UTC)
    if status.handed_in is not None and due is not None:
        late = (status.handed_in - due).total_seconds()
        status.seconds_late = max(0.0, late)


def _grading(course: Course, status: StudentStatus, submission) -> None:
    """Autograded, failed (with the reason the student reads) or still to grade."""
    if not status.submitted:
        return
    folder = course.autograded_dir / status.student / status.assignment
    if not folder.is_dir():
        status.grading = "not graded yet"
        return
    if any(folder.glob("*.ipynb")):
        status.grading = "autograded"
    else:
        status.grading = "failed"
        messages = folder / MESSAGES_FILE
        if messages.is_file():
            status.reason = " ".join(messages.read_text("utf-8", errors="replace").split())
    if submission is not None:
        status.score = round(final_score(submission), 2)
        status.late_penalty = late_penalty(submission)
        status.max_score = float(submission.max_score)
        needs_hand = any(
            grade.cell_type == "markdown"
            or grade.needs_manual_grade
            or grade.manual_score is not None
            for notebook in submission.notebooks
            for grade in notebook.grades
        )
        if needs_hand:
            status.hand_grading = "pending" if awaiting_hand_grade(submission) else "done"


def _feedback(course: Course, status: StudentStatus, identity) -> None:
    """Feedback pages written, and whether they reached the exchange or the Moodle zip."""
    folder = course.feedback_dir / status.student / status.assignment
    pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
    status.feedback_generated = bool(pages)
    if not pages:
        return
    places = []
    if _released_to_exchange(course, folder, pages):
        places.append("exchange")
    if identity is not None and _in_moodle_zip(course, status.assignment, identity):
        places.append("moodle zip")
    status.released = ", ".join(places)


def _released_to_exchange(course: Course, folder: Path, pages: list[Path]) -> bool:
    """nbgrader's release_feedback copies each page to the exchange under a hash of the
    submission's secret and the notebook's name."""
    secret_file = folder / "submission_secret.txt"
    if not secret_file.is_file():
        return False
    secret = secret_file.read_text("utf-8")
    root = Path(str(course.config.get("Exchange", {}).get("root", DEFAULT_EXCHANGE)))
    outbound = root / course.course_id / "feedback"
    return any(
        (outbound / f"{notebook_hash(secret=secret, notebook_id=page.stem)}.html").is_file()
        for page in pages
    )


def _in_moodle_zip(course: Course, assignment: str, identity) -> bool:
    """Whether `course feedback`'s zip (at its default place) holds this student's folder."""
    path = course.root / "out" / f"feedback-{assignment}.zip"
    if not path.is_file():
        return False
    prefix = moodle_folder(identity.lms_name, identity.lms_id) + "/"
    with zipfile.ZipFile(path) as archive:
        return any(name.startswith(prefix) for name in archive.namelist())


def late_text(seconds: float) -> str:
    """How late, for a table: "2 d 3 h", "3 h 05 min", "12 min", or "" when on time."""
    if seconds <= 0:
        return ""
    minutes = int(seconds // 60) or 1
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
