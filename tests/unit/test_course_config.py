"""`Course.load` merges the same config files as nbgrader, in the same order of priority."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import Course, CourseError

#: which file sets which key of a made-up section; where two files set one key, one wins
FILES = {
    "user/nbgrader_config.py": {"user": 1, "user_vs_extra": "user", "user_vs_course": "user"},
    "user/jupyter_config.json": {"json": 1, "user_vs_json": "json"},
    "user/nbgrader_config.json": {"user_vs_json": "user-json"},
    "extra/nbgrader_config.py": {"extra": 1, "user_vs_extra": "extra"},
    "course/nbgrader_config.py": {"course": 1, "user_vs_course": "course"},
}
KEYS = sorted({key for values in FILES.values() for key in values})
#: what nbgrader's own application ends up with, printed as JSON
NBGRADER = (
    "import json, sys\n"
    "from nbgrader.apps.baseapp import NbGrader\n"
    "app = NbGrader()\n"
    "app.initialize([])\n"
    "print(json.dumps({k: app.config.Probe.get(k) for k in sys.argv[1:]}))\n"
)


def _write(path: Path, values: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps({"Probe": values}), encoding="utf-8")
    else:
        lines = ["c = get_config()"] + [f"c.Probe.{k} = {v!r}" for k, v in values.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def layered(tmp_path, monkeypatch) -> Path:
    """User config dir, an extra JUPYTER_CONFIG_PATH folder and a course; the course root."""
    for name, values in FILES.items():
        _write(tmp_path / name, values)
    for name in [k for k in os.environ if k.startswith("JUPYTER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path / "extra"))
    return tmp_path / "course"


def test_course_merges_what_nbgrader_merges(layered):
    seen = subprocess.run(
        [sys.executable, "-c", NBGRADER, *KEYS],
        cwd=layered, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    theirs = json.loads(seen.stdout.strip().splitlines()[-1])
    ours = {key: Course.load(layered).config.Probe.get(key) for key in KEYS}
    assert ours == theirs
    # and the case is not trivial: every file counted, the course's winning over the user's
    assert ours["user"] == ours["extra"] == ours["json"] == ours["course"] == 1
    assert ours["user_vs_course"] == "course"


def test_a_broken_user_file_is_skipped_but_a_broken_course_file_is_an_error(layered):
    (layered.parent / "user" / "nbgrader_config.py").write_text("c = oops\n", encoding="utf-8")
    assert Course.load(layered).config.Probe.course == 1
    (layered / "nbgrader_config.py").write_text("c = oops\n", encoding="utf-8")
    with pytest.raises(CourseError, match="cannot read"):
        Course.load(layered)


def test_a_folder_without_course_config_is_an_error(tmp_path):
    with pytest.raises(CourseError, match="no such file"):
        Course.load(tmp_path)


def test_outside_a_course_find_takes_the_course_dir_the_hub_names(tmp_path, monkeypatch):
    """The instructor's terminal on the hub opens in their home, not in the course."""
    course, home = tmp_path / "cours", tmp_path / "home"
    course.mkdir()
    home.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    monkeypatch.delenv("COURSE_DIR", raising=False)
    with pytest.raises(CourseError, match="not inside a course"):
        Course.find(home)
    monkeypatch.setenv("COURSE_DIR", str(course))
    assert Course.find(home).root == course.resolve()
    (home / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    assert Course.find(home).root == home.resolve()  # the course you are in comes first
