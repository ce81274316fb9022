"""`course status` on a real gradebook: every student, from hand-in to feedback."""

from __future__ import annotations

import zipfile

import pytest
from nbgrader.api import Gradebook

from grader.collect.identities import LmsIdentity, save_identities
from grader.collect.moodle import moodle_folder
from grader.status import course_status, late_text
from tests.unit.test_export_moodle import ESSAY, essay_course

pytestmark = pytest.mark.unit


@pytest.fixture
def course(tmp_path):
    """The essay course: amelie autograded with feedback in the Moodle zip, bastien failed,
    chloe not graded yet, dimitri in the gradebook without a submission."""
    course = essay_course(tmp_path)
    # the penalties the fixture stores (2.5 for 1 h late) are what this method gives: status
    # recomputes them from the current score with the configured plugin
    course.config.LateSubmissionPlugin.penalty_method = "per_hour"
    course.config.CourseLatePenalty.points_per_hour = 2.5
    (course.source_dir / ESSAY).mkdir(parents=True)
    (course.source_dir / ESSAY / "exercice.ipynb").write_text("{}", encoding="utf-8")
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.add_student("dimitri", first_name="Dimitri", last_name="Monnier")
    for student in ("amelie", "bastien", "chloe"):
        (course.submitted_dir / student / ESSAY).mkdir(parents=True)
    graded = course.autograded_dir / "amelie" / ESSAY
    graded.mkdir(parents=True)
    (graded / "exercice.ipynb").write_text("{}", encoding="utf-8")
    failed = course.autograded_dir / "bastien" / ESSAY
    failed.mkdir(parents=True)
    (failed / "messages-correction.txt").write_text("Fichier vide :\n0 point.\n", "utf-8")
    pages = course.feedback_dir / "amelie" / ESSAY
    pages.mkdir(parents=True)
    (pages / "exercice.html").write_text("<p>retour</p>", encoding="utf-8")
    save_identities(course, ESSAY, [LmsIdentity("amelie", "1001", "Amélie Rochat")])
    (course.root / "out").mkdir()
    with zipfile.ZipFile(course.root / "out" / f"feedback-{ESSAY}.zip", "w") as archive:
        archive.writestr(moodle_folder("Amélie Rochat", "1001") + "/exercice.html", "<p/>")
    return course


def test_every_student_with_where_they_stand(course):
    rows = {row.student: row for row in course_status(course, ESSAY)}
    assert list(rows) == ["amelie", "bastien", "chloe", "dimitri"]
    amelie, bastien, chloe, dimitri = (rows[s] for s in ("amelie", "bastien", "chloe", "dimitri"))
    # handed in 18:00 UTC, due 17:00 UTC
    assert amelie.submitted and amelie.seconds_late == 3600 and late_text(3600) == "1 h 00 min"
    assert amelie.grading == "autograded" and amelie.hand_grading == "done"
    assert amelie.name == "Amélie Rochat"  # from the LMS
    assert amelie.feedback_generated and amelie.released == "moodle zip"
    assert (bastien.grading, bastien.reason) == ("failed", "Fichier vide : 0 point.")
    assert bastien.late_penalty == 2.5 and bastien.score == 3.5
    assert chloe.grading == "not graded yet" and not chloe.feedback_generated
    assert not dimitri.submitted and dimitri.grading == "not submitted"
    assert (dimitri.score, dimitri.max_score, dimitri.name) == (0.0, 9.0, "Dimitri Monnier")


def test_chloe_waits_for_a_hand_grade_once_graded(course):
    (course.autograded_dir / "chloe" / ESSAY).mkdir(parents=True)
    (course.autograded_dir / "chloe" / ESSAY / "exercice.ipynb").write_text("{}", "utf-8")
    chloe = next(r for r in course_status(course, ESSAY) if r.student == "chloe")
    assert chloe.grading == "autograded" and chloe.hand_grading == "pending"


def test_late_text():
    assert [late_text(s) for s in (0, 30, 720, 3 * 86400 + 7200)] == [
        "",
        "1 min",
        "12 min",
        "3 d 2 h",
    ]


def test_whole_course_skips_assignments_nobody_could_hand_in_yet(course):
    (course.source_dir / "09-pas-encore").mkdir(parents=True)
    (course.source_dir / "09-pas-encore" / "exercice.ipynb").write_text("{}", "utf-8")
    assignments = {row.assignment for row in course_status(course)}
    assert ESSAY in assignments and "09-pas-encore" not in assignments
