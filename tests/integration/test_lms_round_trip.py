"""From Moodle and back: a Moodle zip of the samples → collect → grade → hand grades →
per-question CSV and Moodle worksheet → French feedback zip → item report, through `course`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook

from tests.lms import (
    PEOPLE,
    SAMPLES,
    add,
    course_cli,
    course_copy,
    digest,
    handed_in,
    moodle_entry,
)
from tests.lms import write_map as write_people_map

pytestmark = pytest.mark.integration

ASSIGNMENT = "01-cluetrain"
#: partie-c (4 points) graded by hand in the test; gaelle's is left waiting
HAND = {
    "amelie": (3.0, "Analyse nuancée, exemples précis."),
    "bastien": (1.0, "Réponse trop courte : développez."),
    "chloe": (3.0, ""),
    "dimitri": (0.0, ""),
    "florian": (2.0, ""),
}
# auto points (see test_grading.py) + hand points
EXPECTED = {"amelie": 10.0, "bastien": 1.0, "chloe": 7.0, "dimitri": 0.0, "florian": 7.0}
QUESTIONS = ("partie-a-test", "partie-b1-test", "partie-b2-test", "partie-c")
SECRETS = ("cle_a", "desordre", "fil_cache", "BEGIN HIDDEN", "Barème")


def _sample(student: str) -> bytes:
    return (SAMPLES / ASSIGNMENT / student / "exercice.ipynb").read_bytes()


def _nested(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        inner.writestr(name, data)
    return buffer.getvalue()


def moodle_download(path: Path) -> Path:
    """Moodle's "Download all submissions" of the seven samples, with the usual surprises."""
    with zipfile.ZipFile(path, "w") as archive:
        for student in PEOPLE:
            when = handed_in(ASSIGNMENT, student)
            if student == "dimitri":  # handed in a zip of his notebook
                add(
                    archive,
                    moodle_entry(student) + "rendu.zip",
                    _nested("exercice.ipynb", _sample(student)),
                    when,
                )
            elif student == "florian":  # an older Moodle's flat layout
                add(
                    archive,
                    moodle_entry(student, "flat") + "exercice.ipynb",
                    _sample(student),
                    when,
                )
            else:
                add(archive, moodle_entry(student) + "exercice.ipynb", _sample(student), when)
        add(archive, moodle_entry("bastien") + "exercice (1).ipynb", _sample("gaelle"))
        add(archive, moodle_entry("chloe") + "notes.pdf", b"%PDF-1.4")
        add(archive, "Hugo Rey_1008_assignsubmission_onlinetext_/onlinetext.html", b"<p>Oups</p>")
        add(archive, "Inconnu Total_1099_assignsubmission_file_/exercice.ipynb", _sample("amelie"))
    return path


def write_map(path: Path) -> Path:
    write_people_map(path, list(PEOPLE))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("hugo,1008,Hugo Rey\n")
    return path


def grade_by_hand(root: Path) -> None:
    """What the instructor does in formgrader: a score and a comment on the essay."""
    from grader.course import Course

    course = Course.load(root)
    with Gradebook(course.db_url, course.course_id) as gb:
        for student, (score, comment) in HAND.items():
            grade = gb.find_grade("partie-c", "exercice", ASSIGNMENT, student)
            grade.manual_score, grade.needs_manual_grade = score, False  # as formgrader does
            gb.find_comment("partie-c", "exercice", ASSIGNMENT, student).manual_comment = comment
        gb.db.commit()


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    work = tmp_path_factory.mktemp("lms")
    root = course_copy(work / "course", ASSIGNMENT).root
    download = moodle_download(work / "moodle.zip")
    before = digest(download)
    runs = {
        "collect": course_cli(
            "collect",
            ASSIGNMENT,
            str(download),
            "--map",
            str(write_map(work / "map.csv")),
            cwd=root,
        )
    }
    runs["grade"] = course_cli("grade", ASSIGNMENT, cwd=root)
    grade_by_hand(root)
    runs["export"] = course_cli(
        "export",
        ASSIGNMENT,
        "--per-question",
        "--out",
        str(work / "grades.csv"),
        "--moodle",
        str(work / "moodle.csv"),
        cwd=root,
    )
    runs["feedback"] = course_cli(
        "feedback", ASSIGNMENT, "--zip", str(work / "feedback.zip"), cwd=root
    )
    runs["report"] = course_cli("report", ASSIGNMENT, "--out", str(work / "report.html"), cwd=root)
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stdout[-3000:], run.stderr[-3000:])
    assert digest(download) == before, "the Moodle zip was modified"
    return work, root, runs


def test_collect_files_everyone_and_reports_each_surprise(trip):
    work, root, runs = trip
    out = runs["collect"].stdout
    filed = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{ASSIGNMENT}"))
    assert filed == sorted(PEOPLE)
    for phrase in (
        "exercice (1).ipynb: extra notebook",
        "notes.pdf: not a notebook",
        "taken from inside rendu.zip",
        "no notebook: online text only (onlinetext.html)",
        "Inconnu Total (1099)",
        "not in the map",
        "is not a readable notebook",  # elodie's cut file: filed, graded 0 with a reason
        "7 filed, 0 unchanged, 4 problem(s) to look at",
    ):
        assert phrase in out, phrase
    for student in ("chloe", "dimitri"):  # dimitri's: when Moodle got his zip
        stamp = (root / "submitted" / student / ASSIGNMENT / "timestamp.txt").read_text()
        assert stamp == f"{handed_in(ASSIGNMENT, student):%Y-%m-%d %H:%M:%S.%f} UTC"


def test_per_question_csv_has_grade_ids_totals_and_penalty(trip):
    work, _, _ = trip
    table = pd.read_csv(work / "grades.csv", encoding="utf-8-sig").set_index("student_id")
    assert {"partie-a-test", "partie-b1-test", "partie-b2-test", "partie-c"} <= set(table.columns)
    assert {"raw_score", "late_penalty", "score", "max_score"} <= set(table.columns)
    assert {s: table.loc[s, "score"] for s in EXPECTED} == EXPECTED
    assert table.loc["amelie", "partie-c"] == 3.0 and pd.isna(table.loc["gaelle", "partie-c"])
    parts = ["partie-a-test", "partie-b1-test", "partie-b2-test", "partie-c"]
    assert table.loc["chloe", parts].sum() == table.loc["chloe", "raw_score"]


def test_moodle_worksheet_identifies_participants_and_skips_unfinished_grades(trip):
    work, _, runs = trip
    with (work / "moodle.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["Identifiant"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {f"Participant{lms_id}" for _, lms_id in PEOPLE.values()}
    amelie = rows["Participant1001"]
    assert (amelie["Nom complet"], amelie["Note"], amelie["Note maximale"]) == (
        "Amélie Rochat",
        "10.00",
        "11.00",
    )
    assert "Analyse nuancée" in amelie["Feedback par commentaires"]
    assert amelie["Dernière modification (note)"]
    assert rows["Participant1007"]["Note"] == ""  # gaelle's essay is not graded yet
    assert "waiting for hand grading" in runs["export"].stdout and "gaelle" in runs["export"].stdout


def test_feedback_zip_is_named_for_moodle_in_french_without_hidden_tests(trip):
    work, _, runs = trip
    with zipfile.ZipFile(work / "feedback.zip") as archive:
        pages = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    folders = {name.split("/")[0] for name in pages}
    assert folders == {
        f"{name}_{lms_id}_assignsubmission_file_" for name, lms_id in PEOPLE.values()
    }
    amelie = pages["Amélie Rochat_1001_assignsubmission_file_/resultats.html"]
    assert "Note : 10 / 11 points" in amelie and "Analyse nuancée, exemples précis." in amelie
    bastien = pages["Bastien Favre_1002_assignsubmission_file_/resultats.html"]
    assert "Test non réussi" in bastien and "Réponse trop courte" in bastien
    # the visible test's message, naming the thread and the values, reaches the student
    assert "fil de la boulangerie (5 réponses sur 8 messages)" in bastien
    assert "vous renvoyez" in bastien and "attendu 0,625" in bastien
    gaelle = pages["Gaëlle Zbinden_1007_assignsubmission_file_/resultats.html"]
    assert "En attente de la correction" in gaelle
    elodie = pages["Élodie Cuénod_1005_assignsubmission_file_/resultats.html"]
    assert "pas un notebook valide" in elodie  # the student's remark from grading
    notebook = pages["Amélie Rochat_1001_assignsubmission_file_/exercice.html"]
    assert "Votre réponse" in notebook and "Student's answer" not in notebook
    for name, page in pages.items():
        for secret in SECRETS:
            assert secret not in page, (name, secret)
    assert "Zip for Moodle (7 student(s))" in runs["feedback"].stdout


def test_report_has_the_four_plots_and_every_question(trip):
    work, _, runs = trip
    html = (work / "report.html").read_text("utf-8")
    assert html.count('src="data:image/png;base64,') == 4
    for question in QUESTIONS:
        assert f"<code>{question}</code>" in html
    for heading in ("Score distribution", "Difficulty per question", "Submission time versus"):
        assert heading in html
    # every sample question separates stronger from weaker students: none is flagged
    assert "None: every question separates students" in html
    assert 'class="flags"' not in html and 'class="flagged"' not in html
    out = runs["report"].stdout
    assert "Report written to" in out and not any(q in out for q in QUESTIONS)
    # gaelle's essay waits for a hand grade: 6 of the 7 students are scored on partie-c
    assert re.search(r"<code>partie-c</code></td>\s*<td>4\.0</td>\s*<td>6</td>", html)


@pytest.mark.parametrize(
    ("problem", "phrase"),
    [("corrupt zip", "is not a readable zip file"), ("bad map", "needs a student_id column")],
)
def test_bad_input_is_one_line_and_files_nothing(tmp_path, problem, phrase):
    root = course_copy(tmp_path / "course", ASSIGNMENT).root
    download = moodle_download(tmp_path / "moodle.zip")
    args = ["collect", ASSIGNMENT, str(download)]
    if problem == "corrupt zip":
        download.write_bytes(download.read_bytes()[:-200])
    else:
        (tmp_path / "map.csv").write_text("nom;id\nx;1\n", encoding="utf-8")
        args += ["--map", str(tmp_path / "map.csv")]
    result = course_cli(*args, cwd=root)
    assert result.returncode == 1
    assert phrase in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (root / "submitted").exists()
