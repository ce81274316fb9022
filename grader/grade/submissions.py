"""Reading what students handed in, without ever changing it.

Everything here answers one question about a submitted file and says what is wrong in
French, because the message goes to the student.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat


@dataclass
class Inspection:
    """A submitted notebook, parsed, or the reason (in French) why it could not be."""

    path: Path
    notebook: dict | None = None
    problem: str | None = None


def inspect_notebook(path: Path) -> Inspection:
    """Read a submitted notebook as nbformat 4; never raises, whatever the file holds."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        return Inspection(path, problem=f"« {name} » n'a pas pu être lu ({error.strerror}).")
    if not raw.strip():
        return Inspection(path, problem=f"« {name} » est vide.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Inspection(path, problem=f"« {name} » n'est pas un fichier texte UTF-8.")
    except ValueError as error:
        return Inspection(
            path,
            problem=f"« {name} » n'est pas un notebook valide : le JSON est abîmé "
            f"(ligne {getattr(error, 'lineno', '?')}).",
        )
    try:
        nb = nbformat.from_dict(data)
        if nb.get("nbformat") != 4:
            nb = nbformat.convert(nb, 4)
        if not isinstance(nb.cells, list):
            raise TypeError("cells is not a list")
    except Exception:  # nbformat raises many kinds on hostile input
        return Inspection(path, problem=f"« {name} » n'a pas la structure d'un notebook.")
    return Inspection(path, notebook=json.loads(json.dumps(nb)))


@dataclass(frozen=True)
class ReferenceCell:
    """A cell of the released exercise as the gradebook records it."""

    grade_id: str
    cell_type: str
    source: str
    metadata: dict


RESTORED_NOTE = (
    "Cette cellule (id : {grade_id}) manquait dans votre rendu ; "
    "elle a été rétablie pour la correction."
)


def restore_missing_cells(nb: dict, reference: list[ReferenceCell]) -> list[str]:
    """Put back, in place, the exercise cells a student deleted; return their ids.

    Each restored cell goes right after the nearest earlier exercise cell still present,
    so test cells run after the answers they test. (nbgrader's own add_missing_cells
    fails when the previous cell is a read-only cell that is not graded.)
    """
    cells = nb.setdefault("cells", [])
    present = {_grade_id(cell) for cell in cells}
    restored = []
    for index, ref in enumerate(reference):
        if ref.grade_id in present:
            continue
        position = 0
        for earlier in reversed(reference[:index]):
            found = _index_of(cells, earlier.grade_id)
            if found is not None:
                position = found + 1
                break
        cells.insert(position, _restored_cell(ref))
        present.add(ref.grade_id)
        restored.append(ref.grade_id)
    return restored


def _grade_id(cell: object) -> str | None:
    if not isinstance(cell, dict):
        return None
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _index_of(cells: list, grade_id: str) -> int | None:
    return next((i for i, cell in enumerate(cells) if _grade_id(cell) == grade_id), None)


def _restored_cell(ref: ReferenceCell) -> dict:
    note = RESTORED_NOTE.format(grade_id=ref.grade_id)
    cell: dict = {"cell_type": ref.cell_type, "metadata": json.loads(json.dumps(ref.metadata))}
    if ref.cell_type == "code":
        cell.update(source=f"# {note}\n{ref.source}", outputs=[], execution_count=None)
    else:
        cell["source"] = f"*{note}*\n\n{ref.source}"
    return cell
