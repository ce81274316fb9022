"""The main job end to end on the sample submissions: scores, messages, exports, feedback."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from tests.conftest import REPO, course_copy, run_course

pytestmark = pytest.mark.integration

SAMPLES = REPO / "tests" / "fixtures" / "submissions" / "01-cluetrain"
# auto points out of 7 (part C, 4 points, is graded by hand)
EXPECTED = {
    "amelie": 7.0,  # everything right
    "bastien": 0.0,  # everything wrong
    "chloe": 4.0,  # 6/9 sorted right (2 pts) + B1 (2 pts), B2 off by one
    "dimitri": 0.0,  # answers that raise, unfinished sort
    "elodie": 0.0,  # not valid JSON
    "florian": 5.0,  # deleted B1 answer and part A test: A (3) + B2 (2)
    "gaelle": 0.0,  # handed in untouched
}


def _digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo, run in a copy of the course: it rebuilds release/ where it runs."""
    workdir = tmp_path_factory.mktemp("demo")
    root = course_copy(workdir, "modules", "tests/fixtures/submissions")
    out = workdir / "out"
    before = _digest(SAMPLES)
    result = run_course("demo", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert _digest(root / SAMPLES.relative_to(REPO)) == before, "samples were modified"
    return out, result


def test_scores_match_what_each_student_deserves(demo):
    out, _ = demo
    table = pd.read_csv(out / "grades-01-cluetrain.csv", encoding="utf-8-sig")
    assert dict(zip(table.student_id, table.score, strict=True)) == EXPECTED


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        # model plan; a platform named as the problem, vanity indicators (a 1→5 jump is
        # advice only, no deduction); empty
        ("06-strategie", {"amelie": 10.0, "bastien": 8.5, "chloe": 0.0}),
        # model audit + part B; fooled by the gaming page (9 of the 13 scored rules: the Open
        # Graph guideline is feedback only) and part B wrong; three criteria left unscored +
        # part B right
        ("07-site-cafe", {"amelie": 9.0, "bastien": 3.46, "chloe": 4.0}),
    ],
)
def test_module_scores(demo, assignment, expected):
    out, _ = demo
    table = pd.read_csv(out / f"grades-{assignment}.csv", encoding="utf-8-sig")
    handed_in = table[table["submitted"]]
    assert dict(zip(handed_in.student_id, handed_in.score, strict=True)) == expected
    # the gradebook's other students are listed too, with 0, as `nbgrader export` does
    assert (table[~table["submitted"]].score == 0).all()


def test_per_question_columns_are_grade_ids(demo):
    out, _ = demo
    table = pd.read_csv(out / "grades-01-cluetrain.csv", encoding="utf-8-sig").set_index(
        "student_id"
    )
    assert {"partie-a-test", "partie-b1-test", "partie-b2-test", "partie-c"} <= set(table.columns)
    assert table.loc["chloe", "partie-a-test"] == 2.0
    assert pd.isna(table.loc["amelie", "partie-c"])  # waits for the instructor


def test_every_problem_reaches_the_student_concerned(demo):
    out, result = demo
    messages = {
        student: (
            out / "course" / "feedback" / student / "01-cluetrain" / "messages-correction.txt"
        ).read_text("utf-8")
        for student in EXPECTED
    }
    assert "n'est pas un notebook valide" in messages["elodie"]
    assert "partie-b1-reponse" in messages["florian"] and "rétablies" in messages["florian"]
    assert "ZeroDivisionError" in messages["dimitri"]
    assert "Aucune remarque" in messages["amelie"]
    assert "7 submission(s): 6 graded (1 flagged), 1 failed." in result.stdout
    assert "flagged florian: exercice.ipynb: deleted cells restored" in result.stdout


def test_feedback_never_shows_hidden_tests_or_the_mark_scheme(demo):
    out, _ = demo
    pages = list((out / "course" / "feedback").glob("*/01-cluetrain/exercice.html"))
    assert len(pages) == 6  # elodie's file could not be read: she gets the message only
    for page in pages:
        html = page.read_text("utf-8")
        for secret in ("cle_a", "desordre", "fil_cache", "BEGIN HIDDEN", "Barème"):
            assert secret not in html, (page, secret)


def test_demo_prints_where_everything_is(demo):
    out, result = demo
    assert (out / "slides" / "01-cluetrain.html").exists()
    for label in ("student release", "slides", "gradebook", "grades (01-cluetrain)", "feedback"):
        assert label in result.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["grade", "99-nothing"], "unknown assignment '99-nothing'"),
        (["export", "99-nothing"], "unknown assignment"),
    ],
)
def test_errors_are_one_line_without_traceback(args, phrase):
    result = run_course(*args)
    assert result.returncode == 1
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_outside_a_course_is_one_clear_line(tmp_path):
    result = run_course("grade", "01-cluetrain", cwd=tmp_path)
    assert result.returncode == 1 and "not inside a course" in result.stderr
