"""The Moodle grading worksheet: the columns and values Moodle's importer needs."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from grader.collect.identities import LmsIdentity
from grader.course import CourseError
from grader.export.moodle import GradeRecord, build_worksheet, write_worksheet

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
