"""Two graders marking the same question on a real PostgreSQL gradebook.

The server is the throwaway cluster of tests/integration/test_postgres.py. Both graders
start from the same page (no score yet) and apply a rubric item at the same moment: one
write wins, the other is refused with a Conflict, and nothing is lost silently.
"""

from __future__ import annotations

import threading

import pytest

from grader.course import Course
from grader.demo import copy_samples, scratch_course
from grader.grade import grade
from grader.mark.server import start
from grader.mark.store import Conflict, Store
from tests.conftest import REPO
from tests.integration.test_mark import Client, _items, _manual
from tests.integration.test_postgres import needs_server, postgres  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, needs_server]

C = "exercice/partie-c"


@pytest.fixture(scope="module")
def course(postgres, tmp_path_factory) -> Course:  # noqa: F811
    postgres.create_database("marking")
    scratch = scratch_course(Course.load(REPO), tmp_path_factory.mktemp("mark-pg"))
    (scratch.root / "gradebook.db").unlink(missing_ok=True)
    with (scratch.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = {postgres.url('marking')!r}\n")
    course = Course.load(scratch.root)
    copy_samples(REPO / "tests" / "fixtures" / "submissions", course)
    grade(course, "01-cluetrain", ["amelie", "bastien", "chloe"])
    return course


def test_the_marking_view_writes_to_postgresql(course):
    running = start(course, "01-cluetrain")
    try:
        client = Client(running.url)
        order = running.marking.order(running.marking.questions[0])
        items = _items(client.get("/q/0", at=0)[1])
        status, page = client.post("/q/0", at=0, action="toggle", item=items[0], seen="")
        assert status == 200 and 'id="score">1.0<' in page
        assert _manual(course, order[0])[0] == 1.0
        assert not (course.root / "gradebook.db").exists()
    finally:
        running.stop()


def test_two_graders_at_once_do_not_overwrite_each_other(course):
    first, second = Store(course.db_url, "01-cluetrain"), Store(course.db_url, "01-cluetrain")
    items = first.items(C)
    student = "chloe"
    assert first.mark(C, student).score is None and second.mark(C, student).score is None
    barrier, outcomes = threading.Barrier(2), {}

    def apply(name: str, store: Store, item: int) -> None:
        barrier.wait()
        try:
            store.toggle(C, student, item, None)  # both saw "not graded yet"
            outcomes[name] = "saved"
        except Conflict:
            outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=apply, args=("first", first, items[0].id)),
        threading.Thread(target=apply, args=("second", second, items[3].id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    mark = first.mark(C, student)
    assert mark.score == 1.0 and len(mark.items) == 1  # the winner's item only
    # the one refused sees the new score and can then decide knowingly
    loser = {"first": (first, items[0].id), "second": (second, items[3].id)}
    store, item = next(loser[name] for name, outcome in outcomes.items() if outcome == "conflict")
    store.toggle(C, student, item, mark.score)
    assert first.mark(C, student).score == 2.0 and len(first.mark(C, student).items) == 2
