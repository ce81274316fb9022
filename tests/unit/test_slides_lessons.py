"""What the lesson notebooks carry for their two readers: a student in JupyterLab, a presenter.

Speaker notes are for presenters: a student reading the lesson must see them collapsed
(``jupyter.source_hidden``, which JupyterLab honours and nbconvert's slides ignore, so
the notes stay in the speaker view). Strings that a lesson's code prints are
student-facing French too (issue 14): the same typography rules as the prose apply.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest

from grader.build.typography import problems
from tests.conftest import REPO

pytestmark = pytest.mark.unit

LESSONS = sorted(REPO.glob("modules/[0-9][0-9]-*/lecon.ipynb"))
TWINS = sorted(REPO.glob("modules/[0-9][0-9]-*/lecon.md"))


def _lesson_id(path: Path) -> str:
    return path.parent.name


def _notes_cells(cells: list[dict]) -> list[dict]:
    return [c for c in cells if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"]


def test_lessons_found() -> None:
    assert len(LESSONS) >= 9 and len(TWINS) == len(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=_lesson_id)
def test_speaker_notes_are_collapsed_for_students(lesson: Path) -> None:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    notes = _notes_cells(cells)
    assert notes, "a lesson without speaker notes: the presenter has nothing to say"
    shown = [
        "".join(c["source"])[:60]
        for c in notes
        if c["metadata"].get("jupyter", {}).get("source_hidden") is not True
    ]
    assert shown == [], f"{len(shown)} notes cell(s) shown to students: {shown}"


@pytest.mark.parametrize("lesson", LESSONS, ids=_lesson_id)
def test_reading_text_is_shown_to_students_and_kept_off_slides(lesson: Path) -> None:
    """Cells tagged ``detail`` (text moved off a slide, issue 18) stay readable in the lesson.

    They are the lesson's own text, not presenter notes: open in JupyterLab, skipped as
    slides (the export puts them in the speaker notes), never collapsed.
    """
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    details = [c for c in cells if "detail" in c["metadata"].get("tags", [])]
    wrong = [
        "".join(c["source"])[:60]
        for c in details
        if c["cell_type"] != "markdown"
        or c["metadata"].get("slideshow", {}).get("slide_type") != "skip"
        or c["metadata"].get("jupyter", {}).get("source_hidden")
    ]
    assert wrong == [], f"detail cells must be shown markdown with slide_type skip: {wrong}"


@pytest.mark.parametrize("twin", TWINS, ids=_lesson_id)
def test_myst_twin_carries_the_hidden_notes(twin: Path) -> None:
    """The .md is what authors edit: the metadata must survive jupytext --sync."""
    nb = jupytext.read(twin)
    notes = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert notes
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") is True for c in notes)


@pytest.mark.parametrize("lesson", LESSONS, ids=_lesson_id)
def test_code_strings_follow_french_typography(lesson: Path) -> None:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    found = [
        f"cell {index}, line {line}: {message}"
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        for line, message in problems("".join(cell["source"]), "py")
    ]
    assert found == [], "\n".join(found)


def test_code_string_check_can_fail() -> None:
    """The check above reads Python string literals of lesson code, not comments or names."""
    assert problems('print("Record de « j\'aime » :", record)', "py")
    assert not problems('print("Record\u00a0:", record)  # a : b', "py")
