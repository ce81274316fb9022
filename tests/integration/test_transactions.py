"""One transaction per grading step: nbgrader's many commits become one, or none on error."""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook, MissingEntry

from grader.grade import steps

pytestmark = pytest.mark.integration


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("a1")
    return url


def _students(db_url: str) -> list[str]:
    """What another connection (formgrader, a second command) sees."""
    with Gradebook(db_url) as gb:
        return sorted(student.id for student in gb.students)


def test_commits_inside_the_block_are_seen_by_others_only_at_its_end(db_url):
    with Gradebook(db_url) as gb, steps.batch_speedups(gb):
        with steps.one_transaction(gb):
            gb.add_student("alice")  # nbgrader commits here
            gb.add_student("bruno")
            assert sorted(s.id for s in gb.students) == ["alice", "bruno"]  # own writes
            assert _students(db_url) == []
        assert _students(db_url) == ["alice", "bruno"]


def test_a_step_that_fails_half_way_leaves_nothing(db_url):
    with Gradebook(db_url) as gb, steps.batch_speedups(gb):
        with pytest.raises(RuntimeError), steps.one_transaction(gb):
            gb.add_student("alice")
            gb.update_or_create_submission("a1", "alice")
            raise RuntimeError("the step broke after two writes")
        with pytest.raises(MissingEntry):
            gb.find_student("alice")
        with steps.one_transaction(gb):  # the session is usable again
            gb.add_student("chloe")
    assert _students(db_url) == ["chloe"]


def test_computed_scores_are_reloaded_after_an_inner_commit(db_url):
    """nbgrader reads ``notebook.score`` (SQL-computed) after writing grades: keep it fresh."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_notebook("nb", "a1")
        gb.add_grade_cell("q1", "nb", "a1", max_score=2, cell_type="code")
        gb.add_source_cell("q1", "nb", "a1", cell_type="code")
        gb.add_student("alice")
    with Gradebook(db_url) as gb, steps.batch_speedups(gb), steps.one_transaction(gb):
        gb.update_or_create_submission("a1", "alice")
        notebook = gb.find_submission_notebook("nb", "a1", "alice")
        assert notebook.score == 0
        gb.find_grade("q1", "nb", "a1", "alice").auto_score = 2
        gb.db.commit()
        assert notebook.score == 2
