"""Grade tables from nbgrader's gradebook: one row per student."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from nbgrader.api import MissingEntry

from grader.collect.identities import load_identities
from grader.course import SCHOOL_TIMEZONE, Course, CourseError


def grade_table(course: Course, assignment: str, per_question: bool = False) -> pd.DataFrame:
    """One row per student of the gradebook; one column per graded cell if asked.

    Students who did not submit are listed too, with 0 and ``submitted`` false (as
    ``nbgrader export`` lists them), so that a grade list never silently drops anyone.
    Names come from the gradebook, else from the LMS (`course collect`); ``timestamp`` is
    ISO 8601 with its UTC offset, in the school's time zone. Per-question columns are named
    by grade id (prefixed by the notebook name when the assignment has several notebooks).
    A cell still waiting for a manual grade is empty. ``score`` is what nbgrader's own export
    calls the score: the raw score minus the late penalty, never below zero.
    """
    lms_names = {i.student_id: i.lms_name for i in load_identities(course, assignment).values()}
    with course.gradebook() as gb:
        found = find_graded_assignment(gb, assignment)
        several = len(found.notebooks) > 1
        submissions = {submission.student.id: submission for submission in found.submissions}
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            submission = submissions.get(student.id)
            row = _identity(student, lms_names.get(student.id, ""))
            if submission is None:
                row.update(_missing(float(found.max_score)))
            else:
                row.update(_submitted(submission))
                if per_question:
                    row.update(_per_question(submission, several))
            rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    # student_id and timestamp first, as before names and `submitted` were added
    return table[["student_id", "timestamp", *(c for c in table.columns if c not in FIRST)]]


FIRST = ("student_id", "timestamp")


def _identity(student, lms_name: str) -> dict[str, str]:
    """Who the row is about: nbgrader's id and names, the LMS name when nbgrader has none."""
    first, last = (student.first_name or "").strip(), (student.last_name or "").strip()
    return {
        "student_id": student.id,
        "first_name": first,
        "last_name": last,
        "name": " ".join(part for part in (first, last) if part) or lms_name,
    }


def _submitted(submission) -> dict[str, Any]:
    return {
        "submitted": True,
        "timestamp": local_timestamp(submission.timestamp),
        "raw_score": round(float(submission.score), 2),
        "late_penalty": late_penalty(submission),
        "score": round(final_score(submission), 2),
        "max_score": float(submission.max_score),
        "needs_manual_grade": awaiting_hand_grade(submission),
    }


def _missing(max_score: float) -> dict[str, Any]:
    """A student in the gradebook who handed nothing in: 0, as nbgrader's export gives."""
    return {
        "submitted": False,
        "timestamp": "",
        "raw_score": 0.0,
        "late_penalty": 0.0,
        "score": 0.0,
        "max_score": max_score,
        "needs_manual_grade": False,
    }


def local_timestamp(moment: datetime | None) -> str:
    """A gradebook time (naive UTC) as ISO 8601 in the school's zone, with its offset.

    Always to the second, so that every row has one format: mixing times with and without
    microseconds made ``pd.to_datetime`` drop the Moodle ones (which have none).
    """
    if moment is None:
        return ""
    zone = ZoneInfo(SCHOOL_TIMEZONE)
    return moment.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


def question_max_scores(course: Course, assignment: str) -> dict[str, float]:
    """Column name (as in the per-question table) → the points that question is worth."""
    with course.gradebook() as gb:
        found = find_graded_assignment(gb, assignment)
        several = len(found.notebooks) > 1
        maxima = {}
        for notebook in found.notebooks:
            graded = {cell.name: cell for cell in [*notebook.grade_cells, *notebook.task_cells]}
            for source in notebook.source_cells:
                if source.name in graded:
                    column = _column(notebook.name, source.name, several)
                    maxima[column] = float(graded[source.name].max_score)
        return maxima


def find_graded_assignment(gb, assignment: str):
    """The gradebook's record of ``assignment``; a CourseError when it was never graded."""
    try:
        return gb.find_assignment(assignment)
    except MissingEntry as error:
        raise CourseError(
            f"{assignment} is not in the gradebook: run `course grade` first"
        ) from error


def late_penalty(submission) -> float:
    """The points nbgrader's late-submission plugin took off (0 when on time)."""
    return float(submission.late_submission_penalty or 0)


def final_score(submission) -> float:
    """What the student gets: the raw score minus the late penalty, never below zero."""
    return after_penalty(float(submission.score), late_penalty(submission))


def after_penalty(raw: float, penalty: float) -> float:
    """The raw score minus the late penalty, never below zero (as nbgrader's own export)."""
    return max(0.0, raw - penalty)


def awaiting_hand_grade(submission) -> bool:
    """Whether any graded cell of the submission still waits for a manual score."""
    return any(
        awaits_hand_grade(grade) for notebook in submission.notebooks for grade in notebook.grades
    )


def source_order(notebook) -> Callable[[str], int]:
    """Sort key: a cell name's position in the notebook; unknown names go last (stably)."""
    order = {cell.name: i for i, cell in enumerate(notebook.source_cells)}
    return lambda name: order.get(name, len(order))


def _column(notebook: str, grade_id: str, several: bool) -> str:
    return f"{notebook}:{grade_id}" if several else grade_id


def _per_question(submission, several: bool) -> dict[str, float | None]:
    scores = {}
    for notebook in submission.notebooks:
        position = source_order(notebook.notebook)
        for grade in sorted(notebook.grades, key=lambda g: position(g.name)):
            column = _column(notebook.name, grade.name, several)
            scores[column] = (
                None
                if grade.score is None or awaits_hand_grade(grade)
                else round(float(grade.score), 2)
            )
    return scores


def awaits_hand_grade(grade) -> bool:
    """A graded cell nobody has scored yet.

    nbgrader's own flag can stay set after a manual score is given through its API (only
    formgrader clears it), so a manual score always counts as graded.
    """
    return bool(grade.needs_manual_grade and grade.manual_score is None)


def write_csv(table: pd.DataFrame, out: Path) -> Path:
    """Write the table as UTF-8 CSV (with BOM, so spreadsheet programs read accents)."""
    return write_spreadsheet_csv(table, out, encoding="utf-8-sig")


# -- CSV a spreadsheet opens safely ------------------------------------------------------------
#: What spreadsheet programs read as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text that is only a number (a grade written "-1.50") stays a number.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_text(value: Any) -> Any:
    """``value`` as a spreadsheet must show it: text that would start a formula gets OWASP's
    leading ``'``. Student ids, LMS names and comments come from outside the course, and a
    ``=HYPERLINK(...)`` there would run when the instructor opens the file."""
    formula = isinstance(value, str) and value.startswith(FORMULA_START)
    if formula and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_spreadsheet_csv(table: pd.DataFrame, out: Path, encoding: str) -> Path:
    """Write ``table`` as comma-separated CSV with every text field neutralised and quoted.

    Quoting keeps a field whole in a spreadsheet that splits on ``;`` (French locales do), so
    no part of it can start a formula either; numbers stay bare. The header is written
    unquoted (Moodle compares its first header byte for byte).
    """
    safe = table.map(spreadsheet_text)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding=encoding, newline="") as handle:
        header = [spreadsheet_text(str(column)) for column in safe.columns]
        csv.writer(handle, lineterminator="\n").writerow(header)
        if not safe.empty:
            safe.to_csv(
                handle, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n"
            )
    return out
