"""Due dates, per-student extensions, and late penalties that follow the current score.

Where things are kept, and why:

* **Due dates** are part of the course, so they are versioned with it: ``deadlines.json``
  at the course root maps each assignment to an ISO 8601 time with its UTC offset.
  nbgrader 0.9 has no config setting for due dates (``db_assignments`` is gone); its only
  place is the gradebook's ``assignment.duedate``, which its collect, autograde and
  formgrader read. `course deadline` writes both, and `course build` copies the file into
  the gradebook, so a fresh gradebook (a new term, a second machine) gets the same dates.
* **Extensions** are about students, so they stay with the class's data, never in the
  repository: a table ``course_extension`` in the gradebook's own database (SQLite or
  PostgreSQL alike; nbgrader's migrations leave other tables alone). nbgrader's own
  ``submission.extension`` column exists only once a submission has been graded, and an
  extension is usually granted before the hand-in; so the table is the record, and every
  command that grades or reports copies it into nbgrader's column (so that nbgrader's
  ``total_seconds_late`` and formgrader see the student's own deadline).
* **Late penalties** are computed by `CourseLatePenalty`, a subclass of nbgrader's
  ``LateSubmissionPlugin`` set in ``nbgrader_config.py`` (``nbgrader autograde`` and
  `course grade` both run it), from the lateness relative to the student's own deadline.
  nbgrader stores the penalty when autograding and never again, but a penalty per hour or
  a percentage depends on the score, which a hand grade changes: `reapply_penalties`
  recomputes it with the same plugin before any command reports grades, and
  `ReapplyLatePenalties` does it inside ``nbgrader generate_feedback`` (formgrader's
  button included), which cannot call us otherwise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Bool, Enum, Float

from grader.course import SCHOOL_TIMEZONE, Course, CourseError

#: The versioned due dates, at the course root.
DEADLINES_FILE = "deadlines.json"

_METADATA = sa.MetaData()
#: One row per extension; ``until`` (naive UTC) wins over ``hours`` when both are set.
EXTENSIONS = sa.Table(
    "course_extension",
    _METADATA,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("hours", sa.Float, nullable=True),
    sa.Column("until", sa.DateTime, nullable=True),
)


@dataclass(frozen=True)
class Extension:
    """A student's extension: so many hours after the due date, or until a fixed time."""

    student: str
    hours: float | None = None
    until: datetime | None = None  # aware

    def deadline(self, due: datetime | None) -> datetime | None:
        """The student's own deadline (aware), given the assignment's (aware or None).

        Never before the due date: an ``until`` that a later `course deadline` overtook
        gives no extension rather than an earlier deadline. No due date, no deadline.
        """
        if due is None:
            return None
        if self.until is not None:
            return max(self.until, due)
        return due + timedelta(hours=self.hours or 0)


@dataclass(frozen=True)
class Deadline:
    """An assignment's due date (aware, or None) and its extensions by student."""

    assignment: str
    due: datetime | None
    extensions: dict[str, Extension]

    def for_student(self, student: str) -> datetime | None:
        """The deadline that counts for ``student``."""
        extension = self.extensions.get(student)
        return extension.deadline(self.due) if extension else self.due


# -- times -------------------------------------------------------------------------------
def parse_moment(text: str) -> datetime:
    """An ISO 8601 time; without a UTC offset it is the school's time (Europe/Zurich).

    The course is taught in one place, so "2026-12-10 23:59" means midnight there, whatever
    the zone of the machine that grades.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise CourseError(
            f"not a date and time: {text!r} (use ISO 8601, e.g. 2026-12-10T23:59+01:00)"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(SCHOOL_TIMEZONE))
    return moment


def to_gradebook(moment: datetime) -> datetime:
    """An aware time as nbgrader stores times: naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_gradebook(moment: datetime | None) -> datetime | None:
    """A gradebook time (naive UTC) as an aware one."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def local_text(moment: datetime | None) -> str:
    """A time in the school's zone, to the minute, for tables."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(SCHOOL_TIMEZONE)).strftime("%Y-%m-%d %H:%M %Z")


# -- the versioned file ------------------------------------------------------------------
def deadlines_path(course: Course) -> Path:
    return course.root / DEADLINES_FILE


def read_deadlines(course: Course) -> dict[str, datetime]:
    """Assignment → due date (aware) from ``deadlines.json``; empty when there is none."""
    path = deadlines_path(course)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {name: parse_moment(str(when)) for name, when in data.items()}
    except (ValueError, AttributeError, CourseError) as error:
        raise CourseError(f"cannot read {path}: {error}") from error


def _write_deadlines(course: Course, deadlines: dict[str, datetime]) -> None:
    """One assignment a line, sorted, with the offset the instructor gave: small diffs."""
    data = {name: deadlines[name].isoformat(timespec="minutes") for name in sorted(deadlines)}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    deadlines_path(course).write_text(text, encoding="utf-8")


# -- due dates ---------------------------------------------------------------------------
def set_deadline(course: Course, assignment: str, moment: datetime) -> Deadline:
    """Make ``moment`` the due date of ``assignment``: in the file and in the gradebook.

    Late penalties already given are recomputed, since they depend on it.
    """
    course.require_assignment(assignment)
    deadlines = read_deadlines(course)
    deadlines[assignment] = moment
    _write_deadlines(course, deadlines)
    with course.gradebook() as gb:
        gb.update_or_create_assignment(assignment, duedate=to_gradebook(moment))
    reapply_penalties(course, assignment)
    return show_deadline(course, assignment)


def apply_deadlines(course: Course, assignments: list[str]) -> list[str]:
    """Copy the due dates of ``deadlines.json`` into the gradebook (`course build`).

    Returns the assignments whose date was set. An assignment the file does not name keeps
    whatever date the gradebook has (one set in formgrader, say).
    """
    deadlines = read_deadlines(course)
    chosen = [name for name in assignments if name in deadlines]
    if not chosen:
        return []
    with course.gradebook() as gb:
        for name in chosen:
            gb.update_or_create_assignment(name, duedate=to_gradebook(deadlines[name]))
    for name in chosen:
        reapply_penalties(course, name)
    return chosen


def show_deadline(course: Course, assignment: str) -> Deadline:
    """The gradebook's due date of ``assignment`` and every extension granted on it."""
    course.require_assignment(assignment)
    with course.gradebook() as gb:
        deadline = load_deadline(gb, assignment)
        gb.db.commit()  # the table may just have been created
    return deadline


def load_deadline(gb: Any, assignment: str) -> Deadline:
    """The due date and extensions of ``assignment``, read in ``gb``'s session."""
    try:
        due = from_gradebook(gb.find_assignment(assignment).duedate)
    except MissingEntry:
        due = None
    _create_extensions_table(gb)
    rows = gb.db.execute(sa.select(EXTENSIONS).where(EXTENSIONS.c.assignment == assignment))
    extensions = {
        row.student: Extension(row.student, row.hours, from_gradebook(row.until)) for row in rows
    }
    return Deadline(assignment, due, extensions)


def _create_extensions_table(gb: Any) -> None:
    """Create the extensions table if needed, in the session's own transaction.

    Through the session's connection: on SQLite a second connection would wait for the
    lock that the session holds while nbgrader is writing penalties.
    """
    EXTENSIONS.create(gb.db.connection(), checkfirst=True)


# -- extensions --------------------------------------------------------------------------
def extend(
    course: Course,
    assignment: str,
    student: str,
    hours: float | None = None,
    until: datetime | None = None,
) -> Deadline:
    """Give ``student`` an extension on ``assignment`` (replacing any earlier one).

    ``hours=0`` (or an ``until`` equal to the due date) removes it. The student's penalty,
    if already graded, is recomputed.
    """
    course.require_assignment(assignment)
    if (hours is None) == (until is None):
        raise CourseError("give either a number of hours or a time to extend until")
    if hours is not None and hours < 0:
        raise CourseError("an extension cannot be negative")
    with course.gradebook() as gb:
        due = load_deadline(gb, assignment).due
        if due is None:
            raise CourseError(
                f"{assignment} has no due date: set one first (course deadline {assignment} …)"
            )
        if until is not None and until < due:
            raise CourseError(
                f"{local_text(until)} is before the due date ({local_text(due)}): not an extension"
            )
        _require_student(gb, course, assignment, student)
        removed = hours == 0 or (until is not None and until == due)
        _store_extension(gb, assignment, student, None if removed else (hours, until))
        gb.db.commit()
    reapply_penalties(course, assignment)
    return show_deadline(course, assignment)


def _require_student(gb: Any, course: Course, assignment: str, student: str) -> None:
    """A typo in a student id would otherwise give an extension to nobody, silently."""
    known = {s.id for s in gb.students} | set(course.submitted_students(assignment))
    if student not in known:
        raise CourseError(
            f"unknown student {student!r}: not in the gradebook nor in submitted/{assignment}"
            f" (add the class with nbgrader db student add {student} or db student import)"
        )


def _store_extension(
    gb: Any, assignment: str, student: str, given: tuple[float | None, datetime | None] | None
) -> None:
    """Replace the student's extension by ``given`` (hours, until), or remove it (None)."""
    _create_extensions_table(gb)
    where = (EXTENSIONS.c.assignment == assignment, EXTENSIONS.c.student == student)
    gb.db.execute(sa.delete(EXTENSIONS).where(*where))
    if given is None:
        return
    hours, until = given
    values = {"hours": hours, "until": to_gradebook(until) if until else None}
    gb.db.execute(sa.insert(EXTENSIONS).values(assignment=assignment, student=student, **values))


def sync_extension(submission: Any, deadline: Deadline) -> None:
    """Copy the student's extension into nbgrader's own ``submission.extension`` column.

    nbgrader's ``total_seconds_late`` (and formgrader) then count from the student's own
    deadline. Without a due date an extension means nothing to nbgrader: it is cleared.
    """
    own = deadline.for_student(submission.student.id)
    if deadline.due is None or own is None or own == deadline.due:
        extension = None
    else:
        extension = own - deadline.due
    if submission.extension != extension:
        submission.extension = extension


# -- penalties ---------------------------------------------------------------------------
def penalty_for(method: str, score: float, seconds_late: float, per_hour: float, percent: float):
    """The points a late notebook loses (before nbgrader caps them at its score).

    ``per_hour``: so many points per hour or part of an hour late; ``percent_per_day``: a
    percentage of the score per day or part of a day late (a proportional penalty: a hand
    grade that raises the score raises it). None means no penalty, as nbgrader's plugin.
    """
    if seconds_late <= 0 or method == "none":
        return None if method == "none" else 0.0
    if method == "zero":
        return score
    if method == "per_hour":
        return per_hour * math.ceil(seconds_late / 3600)
    if method == "percent_per_day":
        days = math.ceil(seconds_late / 86400)
        return score * min(1.0, percent * days / 100)
    raise CourseError(f"unknown late penalty method {method!r}")


class CourseLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin, counting from each student's own deadline.

    Configured in ``nbgrader_config.py`` as ``c.AssignLatePenalties.plugin_class``, so that
    ``nbgrader autograde`` and `course grade` give the same penalty. Settings are read from
    ``LateSubmissionPlugin`` too, so an existing ``c.LateSubmissionPlugin.penalty_method =
    "zero"`` keeps working.
    """

    penalty_method = Enum(
        ("none", "zero", "per_hour", "percent_per_day"),
        default_value="none",
        help="none; zero (the score); per_hour (points_per_hour per started hour); "
        "percent_per_day (percent_per_day % of the score per started day).",
    ).tag(config=True)
    points_per_hour = Float(1.0, help="Points off per started hour late (per_hour).").tag(
        config=True
    )
    percent_per_day = Float(10.0, help="Percent of the score off per started day late.").tag(
        config=True
    )

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        seconds = self._own_lateness(student_id, total_seconds_late)
        return penalty_for(
            self.penalty_method, score, seconds, self.points_per_hour, self.percent_per_day
        )

    def _own_lateness(self, student_id: str, given: float) -> float:
        """Seconds late from the student's own deadline, read in the grading session.

        nbgrader hands the plugin the lateness from its own column, which is right only
        once the extension has been copied into it; the parent (nbgrader's
        AssignLatePenalties) holds the open gradebook and the assignment's name.
        """
        gb = getattr(self.parent, "gradebook", None)
        assignment = getattr(self.parent, "assignment_id", None)
        if gb is None or assignment is None:
            return given
        submission = gb.find_submission(assignment, student_id)
        sync_extension(submission, load_deadline(gb, assignment))
        return float(submission.total_seconds_late)


def reapply_penalties(course: Course, assignment: str | None = None) -> int:
    """Recompute every stored late penalty from the current scores; the number changed.

    A hand grade (formgrader or `course mark`) changes a notebook's score but not the
    penalty nbgrader stored when autograding. Run with nbgrader's own AssignLatePenalties
    step and the configured plugin, so the result is what autograding would give now.
    """
    names = [assignment] if assignment else course.assignments()
    with course.gradebook() as gb:
        changed = sum(_reapply(course, gb, name) for name in names)
        gb.db.commit()
    return changed


def _reapply(course: Course, gb: Any, assignment: str) -> int:
    try:
        record = gb.find_assignment(assignment)
    except MissingEntry:
        return 0
    step = _penalty_step(course.config, gb, assignment)
    deadline = load_deadline(gb, assignment)
    changed = 0
    for submission in record.submissions:
        changed += _reapply_to(step, submission, deadline, submission.notebooks)
    return changed


def _penalty_step(config: Any, gb: Any, assignment: str) -> Any:
    """nbgrader's AssignLatePenalties with the configured plugin, bound to ``gb``."""
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties(config=config)
    step.init_plugin()
    step.gradebook, step.assignment_id = gb, assignment
    return step


def _reapply_to(step: Any, submission: Any, deadline: Deadline, notebooks: list[Any]) -> int:
    """Store the current penalty of ``notebooks`` of ``submission``; how many changed."""
    step.student_id = submission.student.id
    sync_extension(submission, deadline)
    changed = 0
    for notebook in notebooks:
        penalty = _penalty(step, submission, notebook)
        changed += (notebook.late_submission_penalty or 0) != (penalty or 0)
        notebook.late_submission_penalty = penalty
    return changed


def _penalty(step: Any, submission: Any, notebook: Any) -> float | None:
    """What nbgrader's AssignLatePenalties.preprocess stores for ``notebook``."""
    seconds = submission.total_seconds_late
    if seconds <= 0:
        return None
    penalty = step.plugin_inst.late_submission_penalty(step.student_id, notebook.score, seconds)
    return None if penalty is None else step._check_late_penalty(notebook, penalty)


class ReapplyLatePenalties(Preprocessor):
    """First step of nbgrader's generate_feedback: the penalty from the current score.

    formgrader saves a hand grade without telling anyone; its "Generate feedback" button
    and ``nbgrader generate_feedback`` then read the penalty stored at autograding. This
    step recomputes it (for the one student) before nbgrader's GetGrades reads it.
    """

    enabled = Bool(True, help="nbconvert skips disabled preprocessors; this one always runs.")

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        assignment, student = info["assignment"], info["student"]
        with Gradebook(info["db_url"]) as gb:
            submission = gb.find_submission(assignment, student)
            notebook = gb.find_submission_notebook(info["notebook"], assignment, student)
            step = _penalty_step(self.config, gb, assignment)
            _reapply_to(step, submission, load_deadline(gb, assignment), [notebook])
            gb.db.commit()
        return nb, resources
