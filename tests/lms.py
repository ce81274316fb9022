"""Helpers for the LMS tests: Moodle zips and maps built from the sample submissions, a
small course to collect into, and the `course` command on a wide terminal.

The zips are made in each test's tmp_path, the way Moodle's "Download all submissions"
names things, with each file's zip time set from the sample's timestamp.txt in Moodle's
(Swiss) local time, so that collecting them must give the original times back.
"""

from __future__ import annotations

import atexit
import csv
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nbgrader.utils import parse_utc

from tests.conftest import REPO

SAMPLES = REPO / "tests" / "fixtures" / "submissions"
ZURICH = ZoneInfo("Europe/Zurich")
#: The fictional students of the samples as Moodle knows them: full name, participant id.
PEOPLE = {
    "amelie": ("Amélie Rochat", "1001"),
    "bastien": ("Bastien Favre", "1002"),
    "chloe": ("Chloé Dubois", "1003"),
    "dimitri": ("Dimitri Monnier", "1004"),
    "elodie": ("Élodie Cuénod", "1005"),
    "florian": ("Florian Imhof", "1006"),
    "gaelle": ("Gaëlle Zbinden", "1007"),
}


def handed_in(assignment: str, student: str) -> datetime:
    """The sample's submission time, naive UTC (as nbgrader stores it)."""
    return parse_utc((SAMPLES / assignment / student / "timestamp.txt").read_text("utf-8"))


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A naive UTC time as the wall-clock time a Moodle server in Zurich writes in a zip."""
    local = moment.replace(tzinfo=UTC).astimezone(ZURICH)
    return local.timetuple()[:6]


def moodle_entry(student: str, layout: str = "folders") -> str:
    """The path prefix of a student's files: 'folders' (3.1-4.0), 'folders41' or 'flat'."""
    name, lms_id = PEOPLE[student]
    prefix = f"{name}_{lms_id}_assignsubmission_file"
    return {"folders": prefix + "_/", "folders41": prefix + "/", "flat": prefix + "_"}[layout]


def add(archive: zipfile.ZipFile, name: str, data: bytes, moment: datetime | None = None) -> None:
    info = zipfile.ZipInfo(name, zip_time(moment or datetime(2026, 11, 20, 17, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def moodle_zip(path: Path, assignment: str, students: list[str], layout: str = "folders") -> Path:
    """A Moodle download of these samples' notebooks."""
    with zipfile.ZipFile(path, "w") as archive:
        for student in students:
            notebook = (SAMPLES / assignment / student / "exercice.ipynb").read_bytes()
            add(
                archive,
                moodle_entry(student, layout) + "exercice.ipynb",
                notebook,
                handed_in(assignment, student),
            )
    return path


def write_map(path: Path, students: list[str], delimiter: str = ",", bom: bool = False) -> Path:
    """A map CSV tying each sample's Moodle identity to its folder name."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["student_id", "lms_id", "lms_name"])
        for student in students:
            name, lms_id = PEOPLE[student]
            writer.writerow([student, lms_id, name])
    return path


def digest(path: Path) -> bytes:
    """A file's bytes, or every file of a folder: to prove the download was not touched."""
    if path.is_file():
        return path.read_bytes()
    return b"".join(
        p.read_bytes() + str(p).encode() for p in sorted(path.rglob("*")) if p.is_file()
    )


def course_copy(root: Path, *assignments: str):
    """A course at ``root`` with the repository's config and these assignments only.

    It starts with an empty SQLite gradebook copied from one made once per test session:
    nbgrader spends seconds creating a new one (it runs ``alembic`` to stamp it).
    """
    from grader.course import Course

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for assignment in assignments:
        for folder in ("source", "release"):
            shutil.copytree(REPO / folder / assignment, root / folder / assignment)
    shutil.copy2(_empty_gradebook(), root / "gradebook.db")
    return Course.load(root)


@functools.cache
def _empty_gradebook() -> Path:
    from nbgrader.api import Gradebook

    from grader.course import Course

    folder = Path(tempfile.mkdtemp(prefix="course-test-gradebook-"))
    atexit.register(shutil.rmtree, folder, True)
    course = Course.load(REPO)
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", course.course_id):
        pass
    return folder / "gradebook.db"


def course_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`course` as an instructor runs it, on a wide terminal so that table rows stay whole."""
    command = Path(sys.executable).parent / "course"
    env = dict(os.environ, COLUMNS="250")
    return subprocess.run(
        [str(command), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )
