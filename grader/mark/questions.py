"""The questions graded by hand, their mark schemes, and each student's answer to them.

A question is a cell nbgrader grades by hand: a task cell (the answer is in the cells that
follow it, up to the next cell nbgrader tracks) or a manually graded solution cell. Its
definition (points) comes from the gradebook; its prompt and mark scheme from ``source/``;
answers from ``autograded/`` (what nbgrader executed), so widget answers and outputs are
those the grade is about.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from exercises.answers import answers_of
from grader.course import Course
from grader.mark import render

SCHEME = re.compile(r"#+\s*BEGIN MARK SCHEME\s*\n(.*?)#+\s*END MARK SCHEME", re.S)
#: "- **1 pt — Diagnostic étayé** : …" in a mark scheme.
BULLET_ITEM = re.compile(
    r"^\s*[-*]\s+\*\*([0-9]+(?:[.,][0-9]+)?)\s*pts?\.?\s*[—–-]\s*(.+?)\*\*", re.M
)
#: "| 1. un vrai problème, issu du dialogue | 4 |" in a criteria table.
TABLE_ITEM = re.compile(r"^\|\s*[0-9]+\.\s*([^|]+?)\s*\|\s*([0-9]+(?:[.,][0-9]+)?)\s*\|", re.M)
QUESTION_ID = re.compile(r"[\"']([\w-]+/[\w./-]+)[\"']")


@dataclass(frozen=True)
class Question:
    """One hand-graded cell: where it is, what it is worth, what the grader reads."""

    notebook: str
    grade_id: str
    max_score: float
    prompt: str
    scheme: str

    @property
    def key(self) -> str:
        return f"{self.notebook}/{self.grade_id}"

    def starting_rubric(self) -> list[tuple[str, float]]:
        """Criteria the mark scheme (or the prompt's criteria table) lists, with points."""
        for text in (self.scheme, self.prompt):
            found = [(m[2].strip(), _number(m[1])) for m in BULLET_ITEM.finditer(text)]
            found += [(m[1].strip(), _number(m[2])) for m in TABLE_ITEM.finditer(text)]
            if found:
                return found
        return []


@dataclass
class Answer:
    """A student's answer to one question, ready to show; ``text`` is for comparing."""

    student: str
    html: str
    text: str
    problem: str | None = None
    widgets: list[str] = field(default_factory=list)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def source_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _nbgrader(cell: dict) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def _manual(cell: dict) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("task")) or (bool(meta.get("grade")) and bool(meta.get("solution")))


def _scored(cell: dict) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) or bool(meta.get("task"))


def questions(course: Course, assignment: str) -> list[Question]:
    """The hand-graded questions of ``assignment``, in notebook order."""
    course.require_assignment(assignment)
    found = []
    for path in sorted((course.source_dir / assignment).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if _manual(cell):
                found.append(_question(path.stem, cell))
    return found


def _question(notebook: str, cell: dict) -> Question:
    text = source_of(cell)
    match = SCHEME.search(text)
    prompt = SCHEME.sub("", text).strip()
    meta = _nbgrader(cell)
    return Question(
        notebook=notebook,
        grade_id=meta["grade_id"],
        max_score=float(meta.get("points", 0)),
        prompt=prompt,
        scheme=match[1].strip() if match else "",
    )


def order(assignment: str, question: Question, students: list[str]) -> list[str]:
    """Students in a shuffled order that is the same every time (and for every grader)."""

    def digest(student: str) -> str:
        return hashlib.sha256(f"{assignment}/{question.key}/{student}".encode()).hexdigest()

    return sorted(students, key=digest)


def answer(course: Course, assignment: str, question: Question, student: str) -> Answer:
    """What ``student`` answered to ``question``, rendered inert."""
    path = course.autograded_dir / student / assignment / f"{question.notebook}.ipynb"
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Answer(
            student, "", "", problem="Le notebook n'a pas pu être corrigé automatiquement."
        )
    cells = nb.get("cells", [])
    index = next(
        (i for i, c in enumerate(cells) if _nbgrader(c).get("grade_id") == question.grade_id),
        None,
    )
    if index is None:
        return Answer(student, "", "", problem="La cellule de la question est absente.")
    own = [cells[index]] if _nbgrader(cells[index]).get("solution") else following(cells, index)
    parts = [_cell_html(c) for c in own]
    text = "\n".join(source_of(c) for c in own)
    widgets = _widget_tables(
        _stored_answers(course, assignment, question, student, nb), _section(cells, index)
    )
    return Answer(student, "".join(parts), text, widgets=widgets)


def following(cells: list[dict], index: int) -> list[dict]:
    """The cells after a task cell that the student wrote, up to the next tracked cell."""
    out = []
    for cell in cells[index + 1 :]:
        if _nbgrader(cell).get("grade_id"):
            break
        out.append(cell)
    return out


def _section(cells: list[dict], index: int) -> str:
    """Source of the cells since the previous scored cell (they name the widget ids shown)."""
    start = index
    while start > 0 and not _scored(cells[start - 1]):
        start -= 1
    return "\n".join(source_of(c) for c in cells[start : index + 1])


def _stored_answers(
    course: Course, assignment: str, question: Question, student: str, graded: dict
) -> dict:
    """Widget answers: the autograded copy's, else the handed-in copy's.

    make_inert keeps only kernelspec and language_info in the autograded notebook's metadata,
    so the answers are read from ``submitted/`` (the same values nbgrader's run read).
    """
    found = answers_of(graded)
    if found:
        return found
    path = course.submitted_dir / student / assignment / f"{question.notebook}.ipynb"
    try:
        return answers_of(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _widget_tables(stored: dict, section: str) -> list[str]:
    named = set(QUESTION_ID.findall(section))
    return [
        f"<h4>{render.html.escape(qid)}</h4>{render.value_table(value)}"
        for qid, value in stored.items()
        if qid in named
    ]


def _cell_html(cell: dict) -> str:
    if cell.get("cell_type") == "code":
        return render.code(source_of(cell), cell.get("outputs", []))
    return render.markdown(source_of(cell))
