"""Due dates, extensions and late penalties on a real gradebook, through the `course` command.

amelie's sample (7 automatic points; part C, 4 points, is graded by hand) was handed in on
2026-11-20 at 18:00 UTC. The course's penalty is 25 % of the score per started day late.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook

from grader.build.release import build
from grader.course import Course
from grader.demo import scratch_course
from grader.status import course_status
from tests.conftest import REPO, run_course

pytestmark = pytest.mark.integration

ASSIGNMENT = "01-cluetrain"
SAMPLES = REPO / "tests" / "fixtures" / "submissions" / ASSIGNMENT
PENALTY_CONFIG = """
c.LateSubmissionPlugin.penalty_method = "percent_per_day"
c.CourseLatePenalty.percent_per_day = 25
"""
#: 12:00 UTC on the 19th: amelie is 30 h late, two started days, so 50 % off
DUE = "2026-11-19T13:00+01:00"


def _course(*args: str, root: Path) -> subprocess.CompletedProcess:
    result = run_course(*args, cwd=root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _submission(course: Course, student: str = "amelie") -> tuple[float, float, timedelta | None]:
    with Gradebook(course.db_url, course.course_id) as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return submission.score, submission.late_submission_penalty, submission.extension


def _hand_grade(course: Course, points: float) -> None:
    """What formgrader does when the grader types a score: the manual score, nothing else."""
    with Gradebook(course.db_url, course.course_id) as gb:
        notebook = gb.find_submission(ASSIGNMENT, "amelie").notebooks[0]
        grade = next(
            g for g in notebook.grades if g.needs_manual_grade or g.cell_type == "markdown"
        )
        grade.manual_score = points
        gb.db.commit()


def _status(course: Course) -> dict:
    return {row.student: row for row in course_status(Course.load(course.root), ASSIGNMENT)}


def _exported(course: Course) -> dict:
    out = course.root / "out" / "grades.csv"
    _course("export", ASSIGNMENT, "--out", str(out), root=course.root)
    row = pd.read_csv(out, encoding="utf-8-sig").set_index("student_id").loc["amelie"]
    return {k: float(row[k]) for k in ("raw_score", "late_penalty", "score")}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    """A built course with the penalty configured and amelie's submission, due by `course
    deadline` and graded by `course grade`."""
    work = tmp_path_factory.mktemp("deadlines")
    course = scratch_course(Course.load(REPO), work)
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(PENALTY_CONFIG)
    course = Course.load(course.root)
    build(course, [ASSIGNMENT])
    shutil.copytree(SAMPLES / "amelie", course.submitted_dir / "amelie" / ASSIGNMENT)
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_student("bastien")  # in the class, nothing handed in yet
    _course("deadline", ASSIGNMENT, DUE, root=course.root)
    _course("grade", ASSIGNMENT, "amelie", root=course.root)
    return course


def test_the_due_date_goes_to_the_file_and_the_gradebook(course):
    assert json.loads((course.root / "deadlines.json").read_text("utf-8")) == {ASSIGNMENT: DUE}
    with Gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_assignment(ASSIGNMENT).duedate == datetime(2026, 11, 19, 12, 0)
    shown = _course("deadline", ASSIGNMENT, root=course.root).stdout
    assert "2026-11-19 13:00 CET" in shown and "No extensions." in shown


def test_course_build_applies_the_versioned_due_dates_to_a_fresh_gradebook(tmp_path, course):
    fresh = scratch_course(course, tmp_path)
    shutil.copy2(course.root / "deadlines.json", fresh.root / "deadlines.json")
    result = _course("build", ASSIGNMENT, root=fresh.root)
    assert "deadlines.json set in the gradebook: 01-cluetrain" in result.stdout
    with Gradebook(fresh.db_url, fresh.course_id) as gb:
        assert gb.find_assignment(ASSIGNMENT).duedate == datetime(2026, 11, 19, 12, 0)


def test_an_unknown_student_or_a_time_before_the_due_date_is_refused(course):
    typo = run_course("extend", ASSIGNMENT, "amelei", "--hours", "3", cwd=course.root)
    assert typo.returncode == 1 and "unknown student 'amelei'" in typo.stderr
    early = run_course("extend", ASSIGNMENT, "amelie", "--until", "2026-11-18", cwd=course.root)
    assert early.returncode == 1 and "before the due date" in early.stderr
    both = run_course("extend", ASSIGNMENT, "amelie", cwd=course.root)
    assert both.returncode == 2 and "exactly one of --hours" in both.stderr


def test_the_penalty_follows_a_hand_grade_and_the_students_extension(course):
    # autograded: 7 points, 50 % off
    assert _submission(course)[:2] == (7.0, 3.5)

    # a hand grade of 4 in formgrader: the penalty stored is still 3.5 (nbgrader never
    # recomputes it); every report must give 50 % of 11
    _hand_grade(course, 4.0)
    assert _exported(course) == {"raw_score": 11.0, "late_penalty": 5.5, "score": 5.5}
    assert _submission(course)[1] == 5.5

    # 24 hours more for amelie: 6 h late, one started day, 25 % off
    shown = _course("extend", ASSIGNMENT, "amelie", "--hours", "24", root=course.root).stdout
    assert "+24 h" in shown and "2026-11-20 13:00 CET" in shown
    assert _submission(course)[1:] == (2.75, timedelta(hours=24))  # in nbgrader's column too
    amelie = _status(course)["amelie"]
    assert (amelie.seconds_late, amelie.late_penalty, amelie.score) == (6 * 3600, 2.75, 8.25)
    assert amelie.extended_to == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    # until after her hand-in: on time, no penalty, and re-grading keeps it so
    _course("extend", ASSIGNMENT, "amelie", "--until", "2026-11-20T20:00+01:00", root=course.root)
    _course("grade", ASSIGNMENT, "amelie", root=course.root)
    assert _submission(course)[1] in (None, 0.0)
    assert _exported(course)["late_penalty"] == 0.0
    shown = _course("deadline", ASSIGNMENT, root=course.root).stdout
    assert "until 2026-11-20 20:00 CET" in shown


def test_feedback_made_by_nbgrader_shows_the_penalty_of_the_current_score(course):
    """formgrader's button runs nbgrader's generate_feedback, which cannot call `course`."""
    _course("extend", ASSIGNMENT, "amelie", "--hours", "0", root=course.root)  # back to 50 %
    _hand_grade(course, 2.0)  # 9 points now: 4.5 off, while the gradebook still says 5.5
    with Gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_submission(ASSIGNMENT, "amelie").late_submission_penalty != 4.5
    nbgrader = subprocess.run(
        ["nbgrader", "generate_feedback", ASSIGNMENT, "--student", "amelie", "--force"],
        cwd=course.root, capture_output=True, text=True, timeout=600,
        env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(course.root)},
    )  # fmt: skip
    assert nbgrader.returncode == 0, nbgrader.stderr[-3000:]
    page = (course.feedback_dir / "amelie" / ASSIGNMENT / "resultats.html").read_text("utf-8")
    page = page.replace("\u202f", " ").replace("\u00a0", " ")  # French no-break spaces
    assert "Pénalité de retard : −4,5 point(s) (avant pénalité : 9)" in page
    assert _submission(course)[1] == 4.5


def test_status_counts_from_each_students_own_deadline_before_any_hand_in(course):
    _course("extend", ASSIGNMENT, "bastien", "--until", "2026-11-25T12:00", root=course.root)
    shown = _course("deadline", ASSIGNMENT, root=course.root).stdout
    assert "bastien" in shown and "until 2026-11-25 12:00 CET" in shown
    late = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 1 h 30 after 12:00 CET (11:00 UTC)
    target = course.submitted_dir / "bastien" / ASSIGNMENT
    shutil.copytree(SAMPLES / "bastien", target)
    (target / "timestamp.txt").write_text(f"{late:%Y-%m-%d %H:%M:%S.%f} UTC", "utf-8")
    _course("status", ASSIGNMENT, root=course.root)
    bastien = _status(course)["bastien"]
    assert bastien.seconds_late == 90 * 60
    assert bastien.extended_to == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
