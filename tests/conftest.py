"""Fixtures shared by every kind of test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]


def course_copy(workdir: Path, *extra: str) -> Path:
    """A copy of the course (config, source/, release/ and the ``extra`` folders) to work in.

    Commands that write (build, demo) run there, so the test suite never changes the
    checkout it tests.
    """
    from grader.course import Course
    from grader.demo import scratch_course

    root = scratch_course(Course.load(REPO), workdir).root
    for folder in extra:
        shutil.copytree(REPO / folder, root / folder)
    return root


def run_course(*args: str, cwd: Path = REPO, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed `course` command as a user would."""
    course = Path(sys.executable).parent / "course"
    return subprocess.run(
        [str(course), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def nbgrader_meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    """A cell's ``metadata`` as nbgrader's create_assignment writes it."""
    nbgrader = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


PYTHON_KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def python_notebook(cells: list | None = None, **metadata) -> nbformat.NotebookNode:
    """A notebook with the Python 3 kernelspec nbgrader and JupyterLab expect, and ``cells``."""
    nb = nbformat.v4.new_notebook(cells=list(cells or []))
    nb.metadata.update(metadata)
    nb.metadata["kernelspec"] = dict(PYTHON_KERNELSPEC)
    return nb
