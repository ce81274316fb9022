"""The student's working folder and environment of ``course lab --student`` (grader/lab.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.build.notebooks import lab_text, normalise
from grader.course import CourseError
from grader.lab import STUDENT_CONFIG, make_student_folder, student_environment
from tests.conftest import REPO


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "eleve"
    make_student_folder(REPO, target)
    return target


def test_student_folder_has_index_lessons_and_exercises_only(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["index.ipynb", "modules", "release"]
    modules = sorted(p.parent.name for p in REPO.glob("modules/*/lecon.md"))
    assert sorted(p.parent.name for p in folder.glob("modules/*/lecon.ipynb")) == modules
    released = sorted(p.parent.name for p in REPO.glob("release/*/exercice.ipynb"))
    assert sorted(p.parent.name for p in folder.glob("release/*/exercice.ipynb")) == released
    assert not list(folder.rglob("*.md")), "jupytext twins are instructor files"
    images = [p.relative_to(REPO) for p in REPO.glob("modules/*/images/*") if p.is_file()]
    assert images and all((folder / image).is_file() for image in images)


def test_student_notebooks_are_unpaired_and_as_jupyterlab_saves_them(folder: Path) -> None:
    import nbformat

    for path in folder.rglob("*.ipynb"):
        text = path.read_text("utf-8")
        nb = nbformat.reads(text, as_version=4)
        assert "jupytext" not in nb.metadata, path
        assert normalise(nb) is False and lab_text(nb) == text, path


def test_a_second_run_keeps_the_students_work(folder: Path) -> None:
    exercise = folder / "release" / "01-cluetrain" / "exercice.ipynb"
    nb = json.loads(exercise.read_text("utf-8"))
    nb["metadata"]["course"] = {"answers": {"01-cluetrain/trois-internets": {"value": {}}}}
    exercise.write_text(json.dumps(nb), encoding="utf-8")
    (folder / "modules" / "01-cluetrain" / "lecon.ipynb").unlink()
    copied = make_student_folder(REPO, folder)
    assert copied == [folder / "modules" / "01-cluetrain" / "lecon.ipynb"]
    assert json.loads(exercise.read_text("utf-8"))["metadata"]["course"]


@pytest.mark.parametrize("where", [".", ".."])
def test_the_course_itself_is_never_a_student_folder(where: str) -> None:
    with pytest.raises(CourseError, match="must not contain the course"):
        make_student_folder(REPO, REPO / where)


def test_student_environment_puts_the_student_config_first() -> None:
    env = student_environment(REPO, {"JUPYTER_CONFIG_PATH": "/etc/autre", "PATH": "/bin"})
    first, rest = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert Path(first) == (REPO / STUDENT_CONFIG).resolve() and rest == "/etc/autre"
    assert env["PATH"] == "/bin"


def test_student_config_selects_french_and_hides_instructor_plugins() -> None:
    config = REPO / STUDENT_CONFIG
    overrides = json.loads((config / "lab" / "settings" / "overrides.json").read_text("utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "fr_FR"
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text("utf-8"))
    assert {"@jupyter/nbgrader:menu", "@jupyter/nbgrader:create-assignment"} <= set(
        disabled["disabledExtensions"]
    )
