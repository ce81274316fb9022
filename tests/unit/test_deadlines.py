"""Deadlines, extensions and the late-penalty plugin on a real (SQLite) gradebook.

The essay course: due 2026-11-20 17:00 UTC, amelie, bastien and chloe handed in at 18:00
UTC (one hour late), with 7, 6 and 1 points.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties

from grader.course import CourseError
from grader.deadlines import (
    CourseLatePenalty,
    extend,
    parse_moment,
    penalty_for,
    reapply_penalties,
    show_deadline,
)
from tests.unit.test_export_moodle import ESSAY, essay_course

pytestmark = pytest.mark.unit

DUE = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def course(tmp_path):
    course = essay_course(tmp_path)
    (course.source_dir / ESSAY).mkdir(parents=True)
    (course.source_dir / ESSAY / "exercice.ipynb").write_text("{}", encoding="utf-8")
    course.config.AssignLatePenalties.plugin_class = CourseLatePenalty
    course.config.LateSubmissionPlugin.penalty_method = "per_hour"
    course.config.CourseLatePenalty.points_per_hour = 2.5
    return course


def _penalties(course) -> dict[str, float | None]:
    with Gradebook(course.db_url, course.course_id) as gb:
        return {
            s.student.id: s.late_submission_penalty for s in gb.find_assignment(ESSAY).submissions
        }


@pytest.mark.parametrize(
    ("method", "score", "seconds", "expected"),
    [
        ("none", 8.0, 3600, None),
        ("zero", 8.0, 1, 8.0),
        ("per_hour", 8.0, 1, 0.5),  # a started hour counts
        ("per_hour", 8.0, 3601, 1.0),
        ("percent_per_day", 8.0, 86400, 0.8),
        ("percent_per_day", 8.0, 86400 * 30, 8.0),  # never more than the score
        ("per_hour", 8.0, 0, 0.0),  # on time (within an extension)
    ],
)
def test_penalty_methods(method, score, seconds, expected):
    assert penalty_for(method, score, seconds, per_hour=0.5, percent=10) == expected


def test_times_without_an_offset_are_the_schools():
    assert parse_moment("2026-12-10 23:59").tzinfo == ZoneInfo("Europe/Zurich")
    assert parse_moment("2026-12-10T23:59+00:00") == datetime(2026, 12, 10, 23, 59, tzinfo=UTC)
    with pytest.raises(CourseError, match="not a date and time"):
        parse_moment("next friday")


def test_the_plugin_counts_from_an_extension_nbgrader_has_not_seen(course):
    """Granted before grading: nbgrader's own column is empty, and nbgrader hands the plugin
    the hour late it computes from the assignment's due date."""
    extend(course, ESSAY, "bastien", hours=2)
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_submission(ESSAY, "bastien").extension = None
        gb.db.commit()
        step = AssignLatePenalties(config=course.config)
        step.init_plugin()
        step.gradebook, step.assignment_id = gb, ESSAY
        assert step.plugin_inst.late_submission_penalty("bastien", 6.0, 3600) == 0.0
        assert step.plugin_inst.late_submission_penalty("amelie", 7.0, 3600) == 2.5
        assert gb.find_submission(ESSAY, "bastien").extension == timedelta(hours=2)


def test_penalties_follow_the_score_capped_at_it(course):
    # stored at first: amelie 0, bastien 2.5, chloe 3.0 (more than her 1 point)
    assert reapply_penalties(course, ESSAY) == 2  # amelie's 0 becomes 2.5; chloe capped at 1
    assert _penalties(course) == {"amelie": 2.5, "bastien": 2.5, "chloe": 1.0}
    with Gradebook(course.db_url, course.course_id) as gb:  # a hand grade for chloe
        grade = gb.find_grade("q-essai", "exercice", ESSAY, "chloe")
        grade.manual_score = 3.0
        gb.db.commit()
    reapply_penalties(course, ESSAY)
    assert _penalties(course)["chloe"] == 2.5


def test_extensions_are_checked_replaced_and_removed(course):
    with pytest.raises(CourseError, match="unknown student 'amelei'"):
        extend(course, ESSAY, "amelei", hours=3)
    with pytest.raises(CourseError, match="before the due date"):
        extend(course, ESSAY, "amelie", until=DUE - timedelta(hours=1))
    extend(course, ESSAY, "amelie", hours=3)
    deadline = extend(course, ESSAY, "amelie", until=DUE + timedelta(days=1))
    assert deadline.for_student("amelie") == DUE + timedelta(days=1)
    assert deadline.for_student("bastien") == DUE
    assert _penalties(course)["amelie"] == 0.0  # nbgrader sums its notebooks: 0 when none
    assert not extend(course, ESSAY, "amelie", hours=0).extensions
    assert show_deadline(course, ESSAY).due == DUE
    assert _penalties(course)["amelie"] == 2.5


def test_a_due_date_moved_past_an_extension_never_makes_a_deadline_earlier(course):
    """Extended until the 21st; then the class gets until the 25th: amelie too, not the 21st."""
    from grader.deadlines import set_deadline

    extend(course, ESSAY, "amelie", until=DUE + timedelta(days=1))
    later = DUE + timedelta(days=5)
    deadline = set_deadline(course, ESSAY, later)
    assert deadline.for_student("amelie") == later
    with Gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_submission(ESSAY, "amelie").extension in (None, timedelta(0))
    assert _penalties(course) == {"amelie": 0.0, "bastien": 0.0, "chloe": 0.0}


def test_no_extension_without_a_due_date(course):
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_assignment(ESSAY).duedate = None
        gb.db.commit()
    with pytest.raises(CourseError, match="no due date: set one first"):
        extend(course, ESSAY, "amelie", until=DUE + timedelta(days=1))


def test_the_courses_own_name_for_the_method_wins_over_nbgraders(course):
    """README's ``c.CourseLatePenalty.penalty_method``; nbgrader's name is per_hour here."""
    course.config.CourseLatePenalty.penalty_method = "zero"
    reapply_penalties(course, ESSAY)
    assert _penalties(course) == {"amelie": 7.0, "bastien": 6.0, "chloe": 1.0}
