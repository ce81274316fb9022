"""The course's own pages and files never let a student's strings run in the instructor's
browser or spreadsheet: the French summary page, nbgrader's feedback page with the course's
template, the item report, the grade CSV and the Moodle worksheet.

The student below comes from the LMS with HTML and a spreadsheet formula for a name, hands in
a notebook with a chosen file name, and makes a test fail with a message of their own; the
instructor's comment quotes them. Everything is built from a real (SQLite) gradebook.
"""

from __future__ import annotations

import csv
import os
import warnings
from pathlib import Path

import nbformat
import nbgrader
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from grader.collect.identities import LmsIdentity, save_identities
from grader.export.files import export_grades
from grader.export.grades import spreadsheet_text
from grader.feedback.summary import write_summary
from grader.report.build import build_report
from tests.conftest import REPO, nbgrader_meta
from tests.lms import course_copy

pytestmark = pytest.mark.unit

CANARY = "canari_pages_51c9"
SCRIPT = f"<script>window.{CANARY}()</script>"
IMG = f"<img src=x onerror=window.{CANARY}()>"
FORMULA = '=HYPERLINK("http://evil","x")'
ESSAY = "02-essai"
#: A student id from outside the course; it names folders, so it has no slash.
STUDENT = f"<svg onload=window.{CANARY}()>"
#: A second student, only in the gradebook (the exports), whose id is a formula.
FORMULA_STUDENT = FORMULA
NAMES = {STUDENT: (SCRIPT, IMG), FORMULA_STUDENT: (FORMULA, "-1+1")}
FORMGRADER = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"


def live(page: str) -> list[str]:
    """Every way the page would run the canary, as a browser reads it."""
    found = []
    for tag in BeautifulSoup(page, "lxml").find_all(True):
        if tag.name in ("script", "svg", "iframe", "object", "embed") and CANARY in str(tag):
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if CANARY in text and (name.startswith("on") or "javascript:" in text.lower()):
                found.append(f"{name} on <{tag.name}>")
    return found


@pytest.fixture
def course(tmp_path):
    """A graded two-question essay: the hostile student and the formula student."""
    course = course_copy(tmp_path / "course")
    source = course.source_dir / ESSAY
    source.mkdir(parents=True)
    nbformat.write(new_notebook(), source / "exercice.ipynb")
    with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id) as gb:
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's add_submission, as elsewhere
        gb.add_assignment(ESSAY, duedate="2026-11-20 17:00:00 UTC")
        gb.add_notebook("exercice", ESSAY)
        gb.add_source_cell("q-auto", "exercice", ESSAY, cell_type="code")
        gb.add_source_cell("q-essai", "exercice", ESSAY, cell_type="markdown")
        gb.add_grade_cell("q-auto", "exercice", ESSAY, max_score=4, cell_type="code")
        gb.add_grade_cell("q-essai", "exercice", ESSAY, max_score=4, cell_type="markdown")
        gb.add_solution_cell("q-essai", "exercice", ESSAY)
        for student, (first, last) in NAMES.items():
            gb.add_student(student, first_name=first, last_name=last)
            gb.add_submission(ESSAY, student, timestamp="2026-11-20 18:00:00 UTC")
            auto = gb.find_grade("q-auto", "exercice", ESSAY, student)
            auto.auto_score, auto.needs_manual_grade = 0.0, False
            essay = gb.find_grade("q-essai", "exercice", ESSAY, student)
            essay.needs_manual_grade, essay.manual_score = True, 3.0
            comment = gb.find_comment("q-essai", "exercice", ESSAY, student)
            comment.manual_comment = f"Vous avez écrit « {SCRIPT} » et « {IMG} ». {FORMULA}"
        gb.db.commit()
    _autograded(course)
    save_identities(
        course,
        ESSAY,
        [LmsIdentity(STUDENT, "1001", SCRIPT), LmsIdentity(FORMULA_STUDENT, "1002", FORMULA)],
    )
    return course


def _autograded(course) -> None:
    """The student's autograded folder: a failed test with their own message, the
    grader's message about the notebook they named, and nbgrader's page of a chosen name."""
    folder = course.autograded_dir / STUDENT / ESSAY
    folder.mkdir(parents=True)
    error = new_output("error", ename=f"Erreur{IMG}", evalue=f"{SCRIPT} {FORMULA}", traceback=[])
    cell = new_code_cell(
        "assert ok", metadata=nbgrader_meta("q-auto", grade=True, points=4), outputs=[error]
    )
    nbformat.write(new_notebook(cells=[cell]), folder / "exercice.ipynb")
    (folder / "messages-correction.txt").write_text(
        f"Votre notebook s'appelait « {SCRIPT}.ipynb » : il ne compte pas.\n{IMG}\n",
        encoding="utf-8",
    )
    pages = course.feedback_dir / STUDENT / ESSAY
    pages.mkdir(parents=True)
    (pages / f"{IMG}.html").write_text("", encoding="utf-8")


def test_summary_page_shows_the_students_strings_as_text_only(course):
    page = write_summary(course, ESSAY, STUDENT).read_text("utf-8")
    assert live(page) == []
    text = BeautifulSoup(page, "lxml").get_text()
    assert f"{SCRIPT} {IMG}" in text  # the name, in the page's heading
    assert f"Erreur{IMG}: {SCRIPT} {FORMULA}" in text  # the failure message
    assert f"« {SCRIPT}.ipynb »" in text  # the grader's message about the notebook's name
    assert f"« {SCRIPT} » et « {IMG} »" in text  # the instructor's comment
    assert f"{IMG}.html" in text  # the file names of nbgrader's pages


def test_report_shows_nothing_live(course, tmp_path):
    # the report names questions, never students: it must stay so
    result = build_report(course, ESSAY, tmp_path / "rapport.html")
    assert live(result.path.read_text("utf-8")) == []


def _feedback_page(template_dir: Path, notebook: str) -> str:
    exporter = HTMLExporter(
        template_name="feedback",
        extra_template_basedirs=[str(template_dir), str(FORMGRADER / "templates")],
        extra_template_paths=[
            str(FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css")
        ],
    )
    resources = {"nbgrader": {"notebook": notebook, "score": 0, "max_score": 4, "late_penalty": 0}}
    body, _ = exporter.from_notebook_node(new_notebook(), resources=resources)
    return body


def test_french_feedback_template_escapes_the_notebook_name():
    # nbgrader's own template prints the name as it is: proof the check can fail
    assert live(_feedback_page(FORMGRADER / "templates", SCRIPT))
    ours = _feedback_page(REPO / "grader" / "feedback" / "templates", SCRIPT)
    assert live(ours) == [] and '<html lang="fr">' in ours  # ours: French, name escaped
    assert SCRIPT in BeautifulSoup(ours, "lxml").get_text()


def _rows(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_exports_cannot_start_a_formula(course, tmp_path):
    result = export_grades(
        course,
        ESSAY,
        tmp_path / "notes.csv",
        per_question=True,
        moodle_out=tmp_path / "moodle.csv",
    )
    grades = {row["student_id"]: row for row in _rows(result.path, "utf-8-sig")}
    assert set(grades) == {STUDENT, "'" + FORMULA}
    assert grades["'" + FORMULA]["score"] == "3.0"  # numbers stay numbers
    raw = result.path.read_text("utf-8-sig")
    assert raw.startswith("student_id,timestamp,")
    assert '"\'=HYPERLINK(""http://evil"",""x"")","2026-11-20' in raw  # quoted whole

    moodle = {row["Identifiant"]: row for row in _rows(result.moodle_path, "utf-8")}
    assert result.moodle_path.read_bytes().startswith(b"Identifiant,")  # what Moodle matches
    assert moodle["Participant1002"]["Nom complet"] == "'" + FORMULA
    assert moodle["Participant1002"]["Note"] == "3.00"
    assert moodle["Participant1001"]["Nom complet"] == SCRIPT  # text, not a formula
    feedback = moodle["Participant1001"]["Feedback par commentaires"]
    assert feedback.startswith("<p><strong>q-essai</strong>") and live(feedback) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (FORMULA, "'" + FORMULA),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.50", "-1.50"),
        ("+2", "+2"),
        ("Amélie = Rochat", "Amélie = Rochat"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_spreadsheet_text_neutralises_formulas_only(value, shown):
    assert spreadsheet_text(value) == shown


def test_lms_name_with_a_separator_stays_one_quoted_field(course, tmp_path):
    # French spreadsheets split CSV on ";": quoting keeps "x;=1+1" one cell starting with x
    save_identities(course, ESSAY, [LmsIdentity(STUDENT, "1001", "x;=1+1")])
    result = export_grades(course, ESSAY, tmp_path / "n.csv", moodle_out=tmp_path / "m.csv")
    assert '"x;=1+1"' in result.moodle_path.read_text("utf-8")
    assert os.path.getsize(result.path) > 0
