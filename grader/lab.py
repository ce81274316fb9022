"""Start JupyterLab on the course, set up so that widget answers are saved in notebooks.

Two views:

* the author's (``course lab``): the whole course tree, nbgrader's instructor tools;
* the student's (``course lab --student``): a student working folder made from the
  course index, the lessons (``modules/``) and the student version of the exercises
  (``release/``), never the instructor's tree; JupyterLab in French, without nbgrader's
  instructor menu and "Create Assignment" panel. Its settings are the folder
  ``jupyter-config/student/``, which a hub uses as it is (see its
  ``jupyter_server_config.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat

from grader.build.notebooks import lab_text, normalise
from grader.course import CourseError

#: The student view's Jupyter config folder, relative to the course root.
STUDENT_CONFIG = Path("jupyter-config") / "student"
#: What a student's folder is made of, relative to the course root.
STUDENT_SOURCES = ("index.ipynb", "modules", "release")
#: Where ``course lab --student`` puts the student's files unless told otherwise.
DEFAULT_STUDENT_DIR = Path.home() / "communautes-en-ligne"


def lab_command(root: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    """The command line that starts JupyterLab on ``root``.

    ``expose_app_in_browser`` lets the answer-store widget reach the open notebook (see
    exercises/answers.py); the course's installed server config sets it too.
    """
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines run as root
        command.append("--ServerApp.allow_root=True")
    if port:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    return command


def student_environment(course_root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the student config path first.

    Jupyter reads ``jupyter_server_config.py`` and ``labconfig/page_config.json`` from every
    folder of ``JUPYTER_CONFIG_PATH`` before its usual ones, so the student settings win
    over the environment's (which enable nbgrader's instructor tools).
    """
    env = dict(os.environ if base is None else base)
    config = str((course_root / STUDENT_CONFIG).resolve())
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        part for part in (config, env.get("JUPYTER_CONFIG_PATH", "")) if part
    )
    return env


def make_student_folder(course_root: Path, folder: Path) -> list[Path]:
    """Give ``folder`` the index, the lessons and the exercises' student version.

    Only what is missing is copied: a student's own work (an answered exercise, a lesson
    they ran) is never overwritten, so running it again after a new release only adds the
    new modules. Notebooks lose their jupytext pairing (a student has no use for the
    ``.md`` twins, and JupyterLab would write them on save) and are written as JupyterLab
    saves them. Returns the files copied.
    """
    course_root, folder = course_root.resolve(), folder.resolve()
    if folder == course_root or folder in course_root.parents:
        raise CourseError(f"{folder}: a student folder must not contain the course itself")
    copied = []
    for name in STUDENT_SOURCES:
        source = course_root / name
        files = [source] if source.is_file() else sorted(source.rglob("*"))
        for path in files:
            target = folder / path.relative_to(course_root)
            if path.is_file() and _for_students(path) and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy_for_student(path, target)
                copied.append(target)
    return copied


def _for_students(path: Path) -> bool:
    """Not a checkpoint, and not the jupytext text twin of a notebook."""
    if ".ipynb_checkpoints" in path.parts:
        return False
    return not (path.suffix == ".md" and path.with_suffix(".ipynb").is_file())


def _copy_for_student(path: Path, target: Path) -> None:
    if path.suffix != ".ipynb":
        shutil.copy2(path, target)
        return
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("jupytext", None)
    normalise(nb)
    target.write_text(lab_text(nb), encoding="utf-8")


def launch_lab(
    root: Path,
    port: int | None = None,
    open_browser: bool = True,
    student_dir: Path | None = None,
) -> None:
    """Replace this process with JupyterLab (Ctrl+C stops it as usual).

    With ``student_dir``, the student view: that folder is filled from the course
    (see make_student_folder) and served with the student settings.
    """
    if student_dir is None:
        command = lab_command(root, port, open_browser)
        os.execv(command[0], command)
    make_student_folder(root, student_dir)
    command = lab_command(student_dir, port, open_browser)
    os.execve(command[0], command, student_environment(root))
