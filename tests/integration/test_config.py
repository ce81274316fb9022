"""`course` reads the configuration nbgrader reads: the user's and the system's, then the course's.

The issue's case: a late penalty set in the instructor's ``~/.jupyter/nbgrader_config.py``
was applied by `nbgrader autograde` and ignored by `course grade`, which then overwrote
nbgrader's value on the next run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
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
#: amelie's sample earns every automatic point (test_grading.py)
AUTO_POINTS = 7.0
USER_CONFIG = 'c = get_config()\nc.LateSubmissionPlugin.penalty_method = "zero"\n'


def _environment(home: Path, config_dir: Path | None) -> dict[str, str]:
    """The instructor's environment with a fresh HOME (and JUPYTER_CONFIG_DIR if given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")}
    env["HOME"] = str(home)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if config_dir is not None:
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
    return env


def _late_penalty(course: Course, student: str) -> tuple[float, float]:
    with Gradebook(course.db_url, course.course_id) as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return submission.score, submission.late_submission_penalty


@pytest.fixture(scope="module")
def late_course(tmp_path_factory) -> Course:
    """A built course whose assignment is due before amelie's (perfect) submission."""
    work = tmp_path_factory.mktemp("config")
    course = scratch_course(Course.load(REPO), work)
    build(course, [ASSIGNMENT])
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=datetime(2026, 11, 19, 12, 0))
    target = course.submitted_dir / "amelie" / ASSIGNMENT
    shutil.copytree(SAMPLES / "amelie", target)
    return course


@pytest.mark.parametrize("where", ["home", "JUPYTER_CONFIG_DIR"])
def test_user_config_gives_the_same_late_penalty_to_nbgrader_and_course(
    late_course, tmp_path, where
):
    home = tmp_path / "home"
    config_dir = home / ".jupyter" if where == "home" else tmp_path / "jupyter-config"
    config_dir.mkdir(parents=True)
    (config_dir / "nbgrader_config.py").write_text(USER_CONFIG, encoding="utf-8")
    env = _environment(home, None if where == "home" else config_dir)
    root = late_course.root

    nbgrader = subprocess.run(
        ["nbgrader", "autograde", ASSIGNMENT, "--student", "amelie", "--force"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert nbgrader.returncode == 0, nbgrader.stderr[-3000:]
    assert _late_penalty(late_course, "amelie") == (AUTO_POINTS, AUTO_POINTS)

    course = subprocess.run(
        [str(Path(sys.executable).parent / "course"), "grade", ASSIGNMENT, "amelie"],
        cwd=root / "source", env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert course.returncode == 0, course.stdout[-3000:] + course.stderr[-3000:]
    # the same penalty, and the second grading left nbgrader's value as it was
    assert _late_penalty(late_course, "amelie") == (AUTO_POINTS, AUTO_POINTS)
