"""Which hand-in the private exchange's collect keeps, on a real (SQLite) gradebook.

Records as nbgrader's collect builds them from ``inbound/``; no Linux accounts needed.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory

from grader.deadlines import EXTENSIONS, to_gradebook
from grader.exchange.private import PrivateCollect

pytestmark = pytest.mark.unit

DUE = "2026-11-20 17:00:00 UTC"
ON_TIME, LATE = datetime(2026, 11, 20, 16), datetime(2026, 11, 20, 18)  # naive UTC


@pytest.fixture
def collect(tmp_path) -> PrivateCollect:
    coursedir = CourseDirectory(root=str(tmp_path))
    coursedir.course_id, coursedir.assignment_id = "cours", "ps1"
    with Gradebook(coursedir.db_url, "cours") as gb:
        gb.add_assignment("ps1", duedate=DUE)
        gb.add_student("ana")
        gb.add_student("ben")
        EXTENSIONS.create(gb.db.connection(), checkfirst=True)
        until = to_gradebook(datetime.fromisoformat("2026-11-21T17:00+00:00"))
        gb.db.execute(EXTENSIONS.insert().values(assignment="ps1", student="ben", until=until))
        gb.db.commit()
    step = PrivateCollect(coursedir=coursedir, authenticator=Authenticator(), root=str(tmp_path))
    step.before_duedate = True
    return step


def _hand_ins(student: str) -> list[dict]:
    return [
        {"username": student, "timestamp": when, "filename": f"{student}+ps1+{when}"}
        for when in (ON_TIME, LATE)
    ]


def test_before_duedate_keeps_what_each_student_handed_in_by_their_own_deadline(collect):
    """ana: her 16:00 hand-in (18:00 is late); ben, extended by a day: his 18:00 one."""
    chosen = collect._latest({"ana": _hand_ins("ana"), "ben": _hand_ins("ben")})
    assert {r["username"]: r["timestamp"] for r in chosen} == {"ana": ON_TIME, "ben": LATE}


def test_without_before_duedate_the_latest_counts(collect):
    collect.before_duedate = False
    chosen = collect._latest({"ana": _hand_ins("ana")})
    assert [r["timestamp"] for r in chosen] == [LATE]
