"""The course index (``index.ipynb`` and its text twin ``index.md``), made from the modules.

Each module's entry is read from its own files: the lesson's title and its
"Objectifs d'apprentissage" list, the exercise's title and its points (from nbgrader's
metadata), split three ways: points of autograded tests of code, points of autograded
tests of widget answers (test cells that read ``answers.get(``), and points graded by
hand. Regenerating it with ``course build``
keeps it true when a lesson or an exercise changes; ``course build --check`` fails when it
is stale, like release/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbgrader.utils import is_grade, is_solution, is_task

from grader.build.notebooks import lab_text, normalise, version_free
from grader.course import Course

INDEX = "index"
OBJECTIVES_HEADING = "## Objectifs d'apprentissage"
#: A test cell whose source calls this grades a widget answer.
WIDGET_CALL = "answers.get("

INTRO = """# Communautés en ligne — sommaire du cours

Ce cours porte sur les médias sociaux, les communautés en ligne et le métier de community
manager. Il s'appuie sur des textes de Stephanie Booth, de Frédéric Bascuñana, d'Eric
(l'auteur d'un billet sur les réseaux sociaux numérisés, dont seul le prénom nous est
parvenu) et de leurs commentateurs et commentatrices, écrits autour de la formation SAWI de
spécialiste en management de communautés et médias sociaux (Lausanne).

**Ce qu'il faut savoir avant de commencer.** Rien en programmation : le cours s'adresse à
des professionnel·les de la communication et du marketing qui n'ont jamais écrit de code.
Commencez par le module 00, « Prise en main » (environ 1 h 30 de leçon et 20 minutes
d'exercice) : il enseigne l'usage des notebooks et tout le Python dont les exercices ont
besoin, ni plus ni moins : une variable, une liste, l'appel d'une fonction, un tableau lu
avec pandas et un graphique.

**Comment travailler.** Pour chaque module, lisez d'abord la leçon, puis faites
l'exercice. Dans l'exercice, exécutez les cellules dans l'ordre, répondez, vérifiez,
enregistrez (Ctrl+S) et rendez le fichier `.ipynb`. Chaque exercice annonce ses points de
trois sortes : les points « de code » et les points « de widgets » (des réponses données
en cliquant) sont corrigés automatiquement par des tests ; les points « par
l'enseignant·e » sont lus et notés à la main, selon un barème qui juge l'argumentation,
jamais la position défendue.
"""


@dataclass(frozen=True)
class Points:
    """An exercise's points by how they are earned."""

    code: float = 0.0  # autograded tests of code answers
    widget: float = 0.0  # autograded tests of widget answers (they read answers.get)
    hand: float = 0.0  # graded by hand: written answers, tasks, hand-graded code

    @property
    def auto(self) -> float:
        return self.code + self.widget

    @property
    def total(self) -> float:
        return self.code + self.widget + self.hand


@dataclass(frozen=True)
class ModuleEntry:
    """What the index says about one module."""

    folder: str
    title: str
    objectives: list[str]
    exercise_title: str | None
    points: Points

    @property
    def auto_points(self) -> float:
        return self.points.auto

    @property
    def manual_points(self) -> float:
        return self.points.hand


def module_entries(course: Course) -> list[ModuleEntry]:
    """One entry per module that has a lesson, in folder order."""
    entries = []
    for lesson in sorted(course.modules_dir.glob("*/lecon.md")):
        folder = lesson.parent.name
        title, objectives = _lesson_summary(lesson)
        exercise = course.source_dir / folder / "exercice.ipynb"
        exercise_title, points = exercise_summary(exercise)
        entries.append(ModuleEntry(folder, title, objectives, exercise_title, points))
    return entries


def _lesson_summary(path: Path) -> tuple[str, list[str]]:
    cells = [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "markdown"]
    title = next((s.splitlines()[0][2:] for s in cells if s.startswith("# ")), path.parent.name)
    block = next((s for s in cells if s.startswith(OBJECTIVES_HEADING)), "")
    objectives = [line[2:] for line in block.splitlines() if line.startswith("- ")]
    return title, objectives


def exercise_summary(path: Path) -> tuple[str | None, Points]:
    """The exercise's title, and its points split as nbgrader grades them.

    nbgrader's determine_grade scores from their outputs only the graded code cells that
    are not answers (test cells); among them, a test whose source calls ``answers.get(``
    grades a widget answer. Every other graded cell or task is graded by hand.
    """
    if not path.is_file():
        return None, Points()
    nb = nbformat.read(path, as_version=4)
    title = next(
        (c.source.splitlines()[0][2:] for c in nb.cells if c.source.startswith("# ")), None
    )
    code = widget = hand = 0.0
    for cell in nb.cells:
        if not (is_grade(cell) or is_task(cell)):
            continue
        points = float(cell.metadata.nbgrader.get("points", 0) or 0)
        if is_grade(cell) and not is_solution(cell) and cell.cell_type == "code":
            if WIDGET_CALL in cell.source:
                widget += points
            else:
                code += points
        else:
            hand += points
    return title, Points(code=code, widget=widget, hand=hand)


def _points(value: float) -> str:
    text = f"{value:g}"
    return f"{text} point" + ("s" if value >= 2 else "")


def _split(points: Points) -> str:
    """« 5 points de code, 3 points de widgets et 1 point par l'enseignant·e »."""
    return (
        f"{_points(points.code)} de code, {_points(points.widget)} de widgets"
        f" et {_points(points.hand)} par l'enseignant·e"
    )


def _entry_markdown(entry: ModuleEntry) -> str:
    lines = [f"## {entry.title}", "", "À la fin de ce module, vous serez en mesure de :", ""]
    lines += [f"- {objective}" for objective in entry.objectives]
    lines += ["", f"**Leçon** : [ouvrir la leçon](modules/{entry.folder}/lecon.ipynb)"]
    if entry.exercise_title:
        lines.append("")
        lines.append(
            f"**Exercice** : [{entry.exercise_title}](release/{entry.folder}/exercice.ipynb)"
            f" — {_points(entry.points.total)} : {_split(entry.points)}"
        )
    return "\n".join(lines)


def _points_table(entries: list[ModuleEntry]) -> str:
    """Every exercise's points by kind, in one table."""
    lines = [
        "## Les points des exercices",
        "",
        "Les points « de code » et « de widgets » sont corrigés automatiquement ; les autres,"
        " par l'enseignant·e.",
        "",
        "| module | code | widgets | par l'enseignant·e | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for entry in entries:
        if entry.exercise_title:
            p = entry.points
            lines.append(
                f"| {entry.title} | {p.code:g} | {p.widget:g} | {p.hand:g} | {p.total:g} |"
            )
    return "\n".join(lines)


def course_index(course: Course) -> nbformat.NotebookNode:
    """The index notebook: an introduction, then one cell per module."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["jupytext"] = {"formats": "ipynb,md:myst"}
    normalise(nb)  # the kernel metadata JupyterLab writes: opening the index changes nothing
    entries = module_entries(course)
    nb.cells = [nbformat.v4.new_markdown_cell(INTRO.strip())]
    nb.cells += [nbformat.v4.new_markdown_cell(_entry_markdown(e)) for e in entries]
    nb.cells.append(nbformat.v4.new_markdown_cell(_points_table(entries)))
    for number, cell in enumerate(nb.cells):
        cell.id = f"index-{number:02d}"  # stable ids: regenerating changes nothing
    return nb


def index_texts(course: Course) -> dict[Path, str]:
    """The two files of the index and their content."""
    nb = course_index(course)
    return {
        course.root / f"{INDEX}.ipynb": lab_text(nb),
        course.root / f"{INDEX}.md": jupytext.writes(nb, fmt="md:myst"),
    }


def write_index(course: Course) -> list[Path]:
    written = []
    for path, text in index_texts(course).items():
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def index_is_stale(course: Course) -> bool:
    """Whether the committed index differs from a fresh one (the kernel's Python version aside)."""
    return any(
        not path.is_file() or not _same_index(path.read_text("utf-8"), text, path.suffix)
        for path, text in index_texts(course).items()
    )


def _same_index(committed: str, fresh: str, suffix: str) -> bool:
    if suffix != ".ipynb" or committed == fresh:
        return committed == fresh
    try:
        return version_free(json.loads(committed)) == version_free(json.loads(fresh))
    except ValueError:
        return False
