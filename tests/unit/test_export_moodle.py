"""The Moodle grading worksheet: the columns and values Moodle's importer needs."""

from __future__ import annotations

import csv
import warnings
from datetime import UTC, datetime

import pandas as pd
import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from grader.collect.identities import LmsIdentity
from grader.course import CourseError
from grader.export.grades import grade_table
from grader.export.moodle import GradeRecord, build_worksheet, grade_records, write_worksheet
from tests.lms import course_copy

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
IDENTITIES = {
    "amelie": LmsIdentity("amelie", "1001", "Amélie Rochat"),
    "bastien": LmsIdentity("bastien", "1002", "Bastien Favre"),
}
RECORDS = [
    GradeRecord("amelie", 10.0, 11.0, True, (("partie-c", "Analyse <nuancée> & précise"),)),
    GradeRecord("bastien", 3.5, 11.0, False),
    GradeRecord("zoe", 7.0, 11.0, True),  # handed in outside Moodle
]


def test_french_worksheet_has_the_columns_moodle_matches_and_its_identifiers():
    sheet = build_worksheet(RECORDS, IDENTITIES, "fr", None, NOW)
    columns = list(sheet.table.columns)
    # the importer refuses a file without these three (French language pack strings)
    assert {"Identifiant", "Note", "Dernière modification (note)"} <= set(columns)
    assert columns.index("Feedback par commentaires") > 0  # index 0 counts as "absent"
    rows = sheet.table.set_index("Identifiant")
    # French Moodle cuts "Participant" (11 characters) off the identifier
    assert list(rows.index) == ["Participant1001", "Participant1002"]
    assert rows.loc["Participant1001", "Note"] == "10.00"
    assert rows.loc["Participant1001", "Note maximale"] == "11.00"
    assert (
        rows.loc["Participant1001", "Dernière modification (note)"] == "2026-11-25T08:30:00+00:00"
    )
    assert rows.loc["Participant1001", "Feedback par commentaires"] == (
        "<p><strong>partie-c</strong> : Analyse &lt;nuancée&gt; &amp; précise</p>"
    )
    # waiting for a hand grade: empty, which Moodle skips, and said so
    assert rows.loc["Participant1002", "Note"] == ""
    assert sheet.pending == ["bastien"] and sheet.without_lms_id == ["zoe"]


def test_english_worksheet_and_rescaling_to_the_moodle_maximum():
    sheet = build_worksheet(RECORDS, IDENTITIES, "en", 100, NOW)
    assert list(sheet.table.columns)[:3] == ["Identifier", "Full name", "Grade"]
    row = sheet.table.iloc[0]
    assert row["Identifier"] == "Participant 1001"  # English cuts "Participant " (12)
    assert row["Grade"] == f"{10 / 11 * 100:.2f}" and row["Maximum Grade"] == "100.00"
    assert row["Last modified (grade)"] == "2026-11-25T08:30:00+00:00"


@pytest.mark.parametrize(("language", "maximum"), [("de", None), ("fr", 0)])
def test_options_moodle_cannot_use_are_refused(language, maximum):
    with pytest.raises(CourseError):
        build_worksheet(RECORDS, IDENTITIES, language, maximum, NOW)


def test_worksheet_file_is_utf8_without_bom_and_comma_separated(tmp_path):
    sheet = build_worksheet(RECORDS, IDENTITIES, "fr", None, NOW)
    path = write_worksheet(sheet.table, tmp_path / "out" / "moodle.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"Identifiant,")  # a BOM would glue itself to the first header
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Nom complet"] == "Amélie Rochat"


def test_nobody_from_moodle_gives_an_empty_sheet_with_its_columns():
    sheet = build_worksheet(RECORDS, {}, "fr", None, NOW)
    assert sheet.table.empty and "Identifiant" in sheet.table.columns
    assert sheet.without_lms_id == ["amelie", "bastien", "zoe"]


# -- from a real gradebook ---------------------------------------------------------------------
ESSAY = "02-essai"
#: (auto score, hand score or None if not graded yet, late penalty, manual comment)
GRADED = {
    "amelie": (4.0, 3.0, 0.0, "  Analyse précise.  "),
    "bastien": (4.0, 2.0, 2.5, "   "),  # late; a blank comment is no comment
    "chloe": (1.0, None, 3.0, None),  # late and waiting for a hand grade: never below 0
}


@pytest.fixture
def gradebook_course(tmp_path):
    """A course whose gradebook holds three graded submissions of a two-question essay."""
    return essay_course(tmp_path)


def essay_course(tmp_path):
    """The course of `gradebook_course` (other test modules build it too)."""
    course = course_copy(tmp_path / "course", "01-cluetrain")
    with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id) as gb:
        # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings; harmless here
        warnings.simplefilter("ignore", SAWarning)
        gb.add_assignment(ESSAY, duedate="2026-11-20 17:00:00 UTC")
        gb.add_notebook("exercice", ESSAY)
        gb.add_source_cell("q-auto", "exercice", ESSAY, cell_type="code")
        gb.add_source_cell("q-essai", "exercice", ESSAY, cell_type="markdown")
        # a graded cell the source no longer has: sorted last rather than failing
        gb.add_grade_cell("q-ancienne", "exercice", ESSAY, max_score=1, cell_type="code")
        gb.add_grade_cell("q-essai", "exercice", ESSAY, max_score=4, cell_type="markdown")
        gb.add_grade_cell("q-auto", "exercice", ESSAY, max_score=4, cell_type="code")
        gb.add_solution_cell("q-essai", "exercice", ESSAY)
        for student, (auto, hand, penalty, comment) in GRADED.items():
            gb.add_student(student)
            gb.add_submission(ESSAY, student, timestamp="2026-11-20 18:00:00 UTC")
            for cell, score in (("q-auto", auto), ("q-ancienne", 0.0)):  # as autograde does
                grade = gb.find_grade(cell, "exercice", ESSAY, student)
                grade.auto_score, grade.needs_manual_grade = score, False
            essay = gb.find_grade("q-essai", "exercice", ESSAY, student)
            essay.needs_manual_grade = True  # as autograde leaves it; formgrader clears it
            essay.manual_score = hand
            note = gb.find_comment("q-essai", "exercice", ESSAY, student)
            note.manual_comment, note.auto_comment = comment, "No response."
            gb.find_submission_notebook(
                "exercice", ESSAY, student
            ).late_submission_penalty = penalty
        gb.db.commit()
    return course


def test_records_deduct_the_late_penalty_and_keep_only_the_graders_comments(gradebook_course):
    records = {r.student_id: r for r in grade_records(gradebook_course, ESSAY)}
    assert records["amelie"] == GradeRecord(
        "amelie", 7.0, 9.0, True, (("q-essai", "Analyse précise."),)
    )
    assert records["bastien"] == GradeRecord("bastien", 3.5, 9.0, True)  # 6 - 2.5, no comment
    assert records["chloe"] == GradeRecord("chloe", 0.0, 9.0, False)  # 1 - 3, essay pending
    identities = {**IDENTITIES, "chloe": LmsIdentity("chloe", "1003", "Chloé Dubois")}
    sheet = build_worksheet(list(records.values()), identities, "fr", None, NOW)
    grades = dict(zip(sheet.table["Identifiant"], sheet.table["Note"], strict=True))
    assert grades == {"Participant1001": "7.00", "Participant1002": "3.50", "Participant1003": ""}
    assert sheet.pending == ["chloe"]


def test_grade_table_agrees_with_the_worksheet_and_orders_unknown_cells_last(gradebook_course):
    table = grade_table(gradebook_course, ESSAY, per_question=True).set_index("student_id")
    assert list(table.columns[-3:]) == ["q-auto", "q-essai", "q-ancienne"]
    assert table["score"].to_dict() == {"amelie": 7.0, "bastien": 3.5, "chloe": 0.0}
    assert table["late_penalty"].to_dict() == {"amelie": 0.0, "bastien": 2.5, "chloe": 3.0}
    assert table["needs_manual_grade"].to_dict() == {
        "amelie": False,
        "bastien": False,
        "chloe": True,
    }
    assert pd.isna(table.loc["chloe", "q-essai"])


def test_an_assignment_never_graded_is_a_course_error(gradebook_course):
    with pytest.raises(CourseError, match="run `course grade` first"):
        grade_records(gradebook_course, "03-absent")
    with pytest.raises(CourseError, match="run `course grade` first"):
        grade_table(gradebook_course, "03-absent")


def _add_student_without_submission(course, student: str, first: str, last: str) -> None:
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.add_student(student, first_name=first, last_name=last)


def test_grade_table_lists_students_who_did_not_submit_with_zero(gradebook_course):
    _add_student_without_submission(gradebook_course, "dimitri", "Dimitri", "Monnier")
    table = grade_table(gradebook_course, ESSAY, per_question=True).set_index("student_id")
    assert list(table.index) == ["amelie", "bastien", "chloe", "dimitri"]
    missing = table.loc["dimitri"]
    assert missing["submitted"] == False  # noqa: E712 (a numpy bool)
    assert (missing["raw_score"], missing["score"], missing["max_score"]) == (0.0, 0.0, 9.0)
    assert missing["timestamp"] == "" and missing["name"] == "Dimitri Monnier"
    assert pd.isna(missing["q-essai"])
    assert table["submitted"].sum() == 3


def test_grade_table_has_names_and_timestamps_with_their_offset(gradebook_course):
    from grader.collect.identities import LmsIdentity, save_identities

    save_identities(gradebook_course, ESSAY, [LmsIdentity("amelie", "1001", "Amélie Rochat")])
    table = grade_table(gradebook_course, ESSAY).set_index("student_id")
    # 18:00 UTC is 19:00 in Zurich in November; the offset makes it unambiguous
    assert table.loc["bastien", "timestamp"] == "2026-11-20T19:00:00+01:00"
    assert table.loc["amelie", "name"] == "Amélie Rochat"  # from the LMS: nbgrader has none
    assert {"first_name", "last_name"} <= set(table.columns)
