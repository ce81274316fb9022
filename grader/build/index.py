"""The course index (``index.ipynb`` and its text twin ``index.md``), made from the modules.

Each module's entry is read from its own files: the lesson's title and its
"Objectifs d'apprentissage" list, the exercise's title and its points (from nbgrader's
metadata, split into automatic and hand-graded). Regenerating it with ``course build``
keeps it true when a lesson or an exercise changes; ``course build --check`` fails when it
is stale, like release/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbgrader.utils import is_grade, is_solution, is_task

from grader.course import Course

INDEX = "index"
OBJECTIVES_HEADING = "## Objectifs d'apprentissage"

INTRO = """# Communautés en ligne — sommaire du cours

Ce cours porte sur les médias sociaux, les communautés en ligne et le métier de community
manager. Il s'appuie sur des textes de Stephanie Booth, de Frédéric Bascuñana et de leurs
commentateurs et commentatrices, écrits autour de la formation SAWI de spécialiste en
management de communautés et médias sociaux (Lausanne).

**Comment travailler.** Pour chaque module, lisez d'abord la leçon, puis faites
l'exercice. Dans l'exercice, exécutez les cellules dans l'ordre, répondez, vérifiez,
enregistrez (Ctrl+S) et rendez le fichier `.ipynb`. Les parties « automatiques » sont
corrigées par des tests ; les parties « par l'enseignant·e » sont lues et notées à la main,
selon un barème qui juge l'argumentation, jamais la position défendue.
"""


@dataclass(frozen=True)
class ModuleEntry:
    """What the index says about one module."""

    folder: str
    title: str
    objectives: list[str]
    exercise_title: str | None
    auto_points: float
    manual_points: float


def module_entries(course: Course) -> list[ModuleEntry]:
    """One entry per module that has a lesson, in folder order."""
    entries = []
    for lesson in sorted(course.modules_dir.glob("*/lecon.md")):
        folder = lesson.parent.name
        title, objectives = _lesson_summary(lesson)
        exercise = course.source_dir / folder / "exercice.ipynb"
        exercise_title, auto, manual = exercise_summary(exercise)
        entries.append(ModuleEntry(folder, title, objectives, exercise_title, auto, manual))
    return entries


def _lesson_summary(path: Path) -> tuple[str, list[str]]:
    cells = [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "markdown"]
    title = next((s.splitlines()[0][2:] for s in cells if s.startswith("# ")), path.parent.name)
    block = next((s for s in cells if s.startswith(OBJECTIVES_HEADING)), "")
    objectives = [line[2:] for line in block.splitlines() if line.startswith("- ")]
    return title, objectives


def exercise_summary(path: Path) -> tuple[str | None, float, float]:
    """The exercise's title, and its points graded automatically and by hand, as nbgrader does."""
    if not path.is_file():
        return None, 0.0, 0.0
    nb = nbformat.read(path, as_version=4)
    title = next(
        (c.source.splitlines()[0][2:] for c in nb.cells if c.source.startswith("# ")), None
    )
    auto = manual = 0.0
    for cell in nb.cells:
        if not (is_grade(cell) or is_task(cell)):
            continue
        points = float(cell.metadata.nbgrader.get("points", 0) or 0)
        # nbgrader's determine_grade scores only graded code cells that are not answers
        if is_grade(cell) and not is_solution(cell) and cell.cell_type == "code":
            auto += points
        else:
            manual += points
    return title, auto, manual


def _points(value: float) -> str:
    text = f"{value:g}"
    return f"{text} point" + ("s" if value >= 2 else "")


def _entry_markdown(entry: ModuleEntry) -> str:
    lines = [f"## {entry.title}", "", "À la fin de ce module, vous serez en mesure de :", ""]
    lines += [f"- {objective}" for objective in entry.objectives]
    lines += ["", f"**Leçon** : [ouvrir la leçon](modules/{entry.folder}/lecon.ipynb)"]
    if entry.exercise_title:
        total = entry.auto_points + entry.manual_points
        lines.append("")
        lines.append(
            f"**Exercice** : [{entry.exercise_title}](release/{entry.folder}/exercice.ipynb)"
            f" — {_points(total)}, dont {_points(entry.auto_points)} corrigés automatiquement"
            f" et {_points(entry.manual_points)} par l'enseignant·e"
        )
    return "\n".join(lines)


def course_index(course: Course) -> nbformat.NotebookNode:
    """The index notebook: an introduction, then one cell per module."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["jupytext"] = {"formats": "ipynb,md:myst"}
    nb.cells = [nbformat.v4.new_markdown_cell(INTRO.strip())]
    nb.cells += [nbformat.v4.new_markdown_cell(_entry_markdown(e)) for e in module_entries(course)]
    for number, cell in enumerate(nb.cells):
        cell.id = f"index-{number:02d}"  # stable ids: regenerating changes nothing
    return nb


def index_texts(course: Course) -> dict[Path, str]:
    """The two files of the index and their content."""
    nb = course_index(course)
    return {
        course.root / f"{INDEX}.ipynb": nbformat.writes(nb) + "\n",
        course.root / f"{INDEX}.md": jupytext.writes(nb, fmt="md:myst"),
    }


def write_index(course: Course) -> list[Path]:
    written = []
    for path, text in index_texts(course).items():
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def index_is_stale(course: Course) -> bool:
    return any(
        not path.is_file() or path.read_text("utf-8") != text
        for path, text in index_texts(course).items()
    )
