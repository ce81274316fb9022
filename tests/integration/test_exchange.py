"""A class through nbgrader's own exchange, end to end, with nbgrader's own commands.

The instructor releases; three students (each their own HOME and user name, as on a hub)
fetch, answer and submit, one of them after the due date; a fourth student is in the
gradebook and never submits. The instructor collects, runs `course grade`, grades the
essay by hand, and makes and releases feedback with nbgrader; the students fetch it.
What is not here: real Linux accounts and a JupyterHub. Students are told apart as on
hubs built on the Jupyter Docker Stacks (one ``jovyan`` user, ``JUPYTERHUB_USER`` naming
the student) and by their HOME, so the exchange's permissions between students are not
tested.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.build.release import build
from grader.course import Course
from grader.demo import scratch_course
from tests.conftest import REPO

pytestmark = pytest.mark.integration

ASSIGNMENT = "01-cluetrain"
SAMPLES = REPO / "tests" / "fixtures" / "submissions" / ASSIGNMENT
ON_TIME = ("amelie", "bastien")
LATE = "chloe"  # 4 automatic points, all taken by the late penalty
NEVER = "dimitri"
#: (hand score, comment) for the essay, partie-c (4 points)
HAND = {"amelie": (3.0, "Analyse nuancée, exemples précis."), "bastien": (1.0, "Trop court.")}
#: amelie 7 auto + 3 hand; bastien 0 auto + 1 hand (test_grading.py)
SCORES = {"amelie": 10.0, "bastien": 1.0}
SECRETS = ("cle_a", "desordre", "fil_cache", "BEGIN HIDDEN", "Barème", "submission_secret")
TOOLS = Path(sys.executable).parent


def _run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _env(home: Path, user: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")}
    env.update(HOME=str(home), USER=user, LOGNAME=user, COLUMNS="250")
    env["PATH"] = str(TOOLS) + os.pathsep + env.get("PATH", "")
    return env


def _student_config(home: Path, exchange: Path, course_id: str) -> None:
    """What a hub's image gives each student: the course id and the shared exchange."""
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {course_id!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n",
        encoding="utf-8",
    )


def _student(student: str, command: str, work: Path):
    """A student's nbgrader command, run as hubs built on the Jupyter Docker Stacks run it:
    every student is the user ``jovyan`` and nbgrader names them by ``JUPYTERHUB_USER``.

    The process gets its own user and mount namespaces in which uid 0 is called ``jovyan``
    (a bind-mounted passwd file): nbgrader's code is unchanged, no account is created.
    """
    home = work / "home" / student
    passwd = work / "passwd"
    passwd.write_text("jovyan:x:0:0:jovyan:/home/jovyan:/bin/sh\n", encoding="utf-8")
    env = dict(_env(home, "jovyan"), JUPYTERHUB_USER=student)
    as_jovyan = 'mount --bind "$0" /etc/passwd && exec "$@"'
    return _run(
        "unshare", "--user", "--map-root-user", "--mount", "sh", "-c", as_jovyan, str(passwd),
        str(TOOLS / "nbgrader"), command, ASSIGNMENT, cwd=home, env=env,
    )  # fmt: skip


def _hand_grade(course: Course) -> None:
    """What the instructor does in formgrader: a score and a comment on the essay."""
    with Gradebook(course.db_url, course.course_id) as gb:
        for student, (score, comment) in HAND.items():
            grade = gb.find_grade("partie-c", "exercice", ASSIGNMENT, student)
            grade.manual_score, grade.needs_manual_grade = score, False
            gb.find_comment("partie-c", "exercice", ASSIGNMENT, student).manual_comment = comment
        gb.db.commit()


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The whole term, run once; every step's output, by name."""
    work = tmp_path_factory.mktemp("exchange")
    exchange = work / "exchange"
    exchange.mkdir(mode=0o777)
    course = scratch_course(Course.load(REPO), work)
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            f"\nc.Exchange.root = {str(exchange)!r}\n"
            'c.LateSubmissionPlugin.penalty_method = "zero"\n'
        )
    course = Course.load(course.root)
    build(course, [ASSIGNMENT])
    teacher = _env(work / "home" / "teacher", "teacher")
    (work / "home" / "teacher").mkdir(parents=True)
    nbgrader = str(TOOLS / "nbgrader")
    runs = {
        "release": _run(nbgrader, "release_assignment", ASSIGNMENT, cwd=course.root, env=teacher)
    }
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_student(NEVER, first_name="Dimitri", last_name="Monnier")
    for student in (*ON_TIME, LATE):
        home = work / "home" / student
        _student_config(home, exchange, course.course_id)
        runs[f"fetch {student}"] = _student(student, "fetch_assignment", work)
        fetched = home / ASSIGNMENT / "exercice.ipynb"
        assert fetched.is_file()
        shutil.copy2(SAMPLES / student / "exercice.ipynb", fetched)  # the student's work
    for student in ON_TIME:
        runs[f"submit {student}"] = _student(student, "submit", work)
    time.sleep(1.1)
    with Gradebook(course.db_url, course.course_id) as gb:  # the deadline passes
        due = datetime.now(UTC).replace(tzinfo=None)
        gb.update_or_create_assignment(ASSIGNMENT, duedate=due)
    time.sleep(1.1)
    runs[f"submit {LATE}"] = _student(LATE, "submit", work)
    root = course.root
    runs["collect"] = _run(nbgrader, "collect", ASSIGNMENT, cwd=root, env=teacher)
    runs["grade"] = _run(str(TOOLS / "course"), "grade", ASSIGNMENT, cwd=root, env=teacher)
    _hand_grade(course)
    runs["generate"] = _run(nbgrader, "generate_feedback", ASSIGNMENT, cwd=root, env=teacher)
    runs["release feedback"] = _run(nbgrader, "release_feedback", ASSIGNMENT, cwd=root, env=teacher)
    for student in (*ON_TIME, LATE):
        runs[f"feedback {student}"] = _student(student, "fetch_feedback", work)
    runs["status"] = _run(str(TOOLS / "course"), "status", ASSIGNMENT, cwd=root, env=teacher)
    runs["export"] = _run(
        str(TOOLS / "course"), "export", ASSIGNMENT, "--out", str(work / "grades.csv"),
        cwd=root, env=teacher,
    )  # fmt: skip
    return work, course, runs


def _fetched_feedback(work: Path, student: str) -> dict[str, str]:
    pages = sorted((work / "home" / student / ASSIGNMENT / "feedback").rglob("*.html"))
    return {page.name: page.read_text("utf-8") for page in pages}


@pytest.mark.parametrize("student", [*ON_TIME, LATE])
def test_each_student_fetches_the_course_feedback_through_the_exchange(term, student):
    work, _, _ = term
    pages = _fetched_feedback(work, student)
    assert list(pages) == ["exercice.html"]  # all fetch_feedback delivers
    page = pages["exercice.html"]
    assert "Résultats de l'exercice" in page  # the course's summary, on top
    if student in HAND:
        assert f"Note\u00a0: {SCORES[student]:g} / 11 points" in page
        assert HAND[student][1] in page
    else:  # late, and the penalty took everything
        assert "Pénalité de retard" in page and "Note\u00a0: 0 / 11 points" in page
    for secret in SECRETS:
        assert secret not in page, secret
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # works offline


def test_nbgrader_generate_feedback_keeps_the_summary_page(term):
    _, course, _ = term
    for student in (*ON_TIME, LATE):
        page = course.feedback_dir / student / ASSIGNMENT / "resultats.html"
        assert page.is_file(), student
        assert "submission_secret" not in page.read_text("utf-8")


def test_status_lists_everyone_late_missing_and_released(term):
    _, _, runs = term
    lines = {
        line.split("│")[1].strip(): line
        for line in runs["status"].stdout.splitlines()
        if "│" in line
    }
    assert set(lines) >= {"amelie", "bastien", "chloe", "dimitri"}
    assert "not submitted" in lines["dimitri"] and "Dimitri Monnier" in lines["dimitri"]
    assert "0 / 11" in lines["dimitri"]
    assert "released: exchange" in lines["amelie"] and "done" in lines["amelie"]
    assert "1 min" in lines[LATE]  # a couple of seconds late count as a minute
    assert "pending" in lines[LATE]  # nobody graded her essay
    assert "1 min" not in lines["amelie"]
    assert "1 not submitted" in runs["status"].stdout


def test_export_lists_the_student_who_never_submitted(term):
    import pandas as pd

    work, _, runs = term
    table = pd.read_csv(work / "grades.csv", encoding="utf-8-sig").set_index("student_id")
    assert table.loc[NEVER, "score"] == 0 and not table.loc[NEVER, "submitted"]
    assert table.loc["amelie", "score"] == SCORES["amelie"]
    assert table.loc[LATE, "late_penalty"] > 0
    assert "handed nothing in" in runs["export"].stdout
