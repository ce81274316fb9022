"""Reading what students handed in, without ever changing it.

Everything here answers one question about a submitted file and says what is wrong in
French, because the message goes to the student.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4.nbbase import random_cell_id
from nbformat.v4.rwbase import rejoin_lines
from nbgrader.utils import compute_checksum


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
        raw = _read_regular_file(path, MAX_NOTEBOOK_BYTES)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Inspection(path, problem=f"« {name} » est un lien symbolique, pas un fichier.")
        return Inspection(path, problem=f"« {name} » n'a pas pu être lu ({error.strerror}).")
    if raw is None:
        return Inspection(
            path,
            problem=f"« {name} » dépasse {MAX_NOTEBOOK_BYTES // 2**20} Mo : ce n'est pas le "
            "notebook de l'exercice (les images et vidéos ne se rendent pas dans le notebook).",
        )
    if not raw.strip():
        return Inspection(path, problem=f"« {name} » est vide.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Inspection(path, problem=f"« {name} » n'est pas un fichier texte UTF-8.")
    except ValueError as error:
        return Inspection(
            path,
            problem=f"« {name} » n'est pas un notebook valide : le JSON est abîmé "
            f"(ligne {getattr(error, 'lineno', '?')}).",
        )
    try:
        nb = nbformat.from_dict(data)
        if nb.get("nbformat") != 4:
            nb = nbformat.convert(nb, 4)
        nb = rejoin_lines(nb)  # sources saved as lists of lines become strings
        if not isinstance(nb.cells, list):
            raise TypeError("cells is not a list")
    except Exception:  # nbformat raises many kinds on hostile input
        return Inspection(path, problem=f"« {name} » n'a pas la structure d'un notebook.")
    return Inspection(path, notebook=json.loads(json.dumps(nb)))


#: A submitted notebook larger than this is not read (an exercise's is well under 5 MB).
MAX_NOTEBOOK_BYTES = 100 * 2**20


def _read_regular_file(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or ``None`` if larger than ``limit``; a symlink raises ELOOP.

    ``O_NOFOLLOW`` refuses the link itself at open time, so a link swapped in after a
    check is refused too.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "pas un fichier ordinaire")
        raw = handle.read(limit + 1)
    return None if len(raw) > limit else raw


def symlinks_in(folder: Path) -> list[str]:
    """The symbolic links in a submission folder (relative paths), never followed.

    A link could bring another student's notebook or an instructor's file into the
    grading; links are reported and every step skips them.
    """
    found = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        for entry in [*dirs, *files]:
            path = Path(parent, entry)
            if path.is_symlink():
                found.append(str(path.relative_to(folder)))
    return sorted(found)


@dataclass(frozen=True)
class ReferenceCell:
    """A cell of the released exercise as the gradebook records it."""

    grade_id: str
    cell_type: str
    source: str
    metadata: dict


RESTORED_NOTE = (
    "Cette cellule (id : {grade_id}) manquait dans votre rendu ; "
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


#: The fields of a cell's nbgrader metadata that decide how it is graded, in the words of
#: the message the student reads.
GRADING_FIELDS = {
    "grade": "notée",
    "solution": "réponse",
    "locked": "lecture seule",
    "task": "tâche",
    "points": "points",
}


def restore_grading_metadata(nb: dict, reference: list[ReferenceCell]) -> list[str]:
    """Give each exercise cell the grading metadata of the release, in place.

    Which cells are tests, answers or read-only, and their points, are the gradebook's
    (``reference``), never the student's copy: a test set to ``grade: false``, changed
    points or a changed cell type are put back, and nbgrader metadata naming no cell of
    the release (a fake test, a renamed id) is removed, so the cell is graded as the
    student's own code and the original is restored as missing. Metadata too mangled to
    read is removed the same way, so no edit makes a notebook ungradable. Returns one
    description per change, as "grade id (what)".
    """
    known = {ref.grade_id: ref for ref in reference}
    changes = []
    cells = nb.get("cells")
    if not isinstance(cells, list):
        nb["cells"] = cells = []
    cells[:] = [cell for cell in cells if isinstance(cell, dict)]
    for cell in cells:
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        grading = cell["metadata"].get("nbgrader")
        if grading is None:
            continue
        grade_id = grading.get("grade_id") if isinstance(grading, dict) else None
        ref = known.get(grade_id) if isinstance(grade_id, str) else None
        if ref is None:
            del cell["metadata"]["nbgrader"]
            changes.append(f"{str(grade_id)[:40]} (métadonnées inconnues de l'exercice)")
            continue
        changed = [
            word for key, word in GRADING_FIELDS.items() if grading.get(key) != _expected(ref, key)
        ]
        if cell.get("cell_type") != ref.cell_type:
            changed.append("type de cellule")
            _set_cell_type(cell, ref.cell_type)
        cell["metadata"].update(json.loads(json.dumps(ref.metadata)))
        if changed:
            changes.append(f"{grade_id} ({', '.join(changed)})")
    return changes


def _expected(ref: ReferenceCell, key: str) -> object:
    return ref.metadata["nbgrader"].get(key, False if key != "points" else None)


def _set_cell_type(cell: dict, cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def renumber_cell_ids(nb: dict) -> None:
    """Give a fresh id to each cell whose nbformat id is missing, invalid or a duplicate.

    Grading never goes by these ids (nbgrader's are the grade ids), but a notebook with
    duplicated ids fails validation wherever it is opened next (feedback, formgrader).
    """
    if nb.get("nbformat_minor", 0) < 5:
        return
    seen: set[str] = set()
    for cell in nb.get("cells", []):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not CELL_ID.fullmatch(cell_id) or cell_id in seen:
            cell["id"] = cell_id = random_cell_id()
        seen.add(cell_id)


#: What nbformat 4.5 allows as a cell id.
CELL_ID = re.compile(r"[a-zA-Z0-9-_]{1,64}")


def _grade_id(cell: object) -> str | None:
    if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
        return None
    grading = cell["metadata"].get("nbgrader")
    return grading.get("grade_id") if isinstance(grading, dict) else None


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


def find_submitted_notebook(
    folder: Path, name: str, expected: set[str]
) -> tuple[Path | None, str | None]:
    """The file to grade as ``name``.ipynb, and its original name if it was renamed.

    Students often hand in "Copie de exercice.ipynb" or "exercice (1).ipynb". When the
    expected file is absent and exactly one notebook in the folder is not another expected
    one, that notebook is graded in its place (and the renaming reported).
    """
    exact = folder / f"{name}.ipynb"
    if exact.is_symlink():
        return None, None  # reported with the other links (:func:`symlinks_in`)
    if exact.is_file():
        return exact, None
    others = [
        path
        for path in sorted(folder.glob("*.ipynb"))
        if path.is_file() and not path.is_symlink() and path.stem not in expected
    ]
    if len(others) == 1:
        return others[0], others[0].name
    return None, None


def released_checksums(released: dict) -> dict[str, str]:
    """Grade id → nbgrader checksum of each read-only cell of a released notebook."""
    checksums = {}
    for cell in released.get("cells", []):
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("locked") and not grading.get("solution") and grading.get("checksum"):
            checksums[grading["grade_id"]] = grading["checksum"]
    return checksums


def tampered_cells(nb: dict, checksums: dict[str, str]) -> list[str]:
    """Grade ids of read-only cells the student changed (nbgrader overwrites them anyway).

    Cells are compared with nbgrader's checksum of the version students were given (hidden
    tests and mark schemes removed), computed on a fresh release, not on the student's
    own metadata.
    """
    edited = []
    for cell in nb.get("cells", []):
        grade_id = _grade_id(cell)
        if grade_id not in checksums:
            continue
        try:
            changed = compute_checksum(nbformat.from_dict(cell)) != checksums[grade_id]
        except Exception:  # metadata too broken to checksum: it was edited
            changed = True
        if changed:
            edited.append(grade_id)
    return edited


def drop_duplicate_ids(nb: dict) -> list[str]:
    """Make each grade id unique, in place; return the ids that were duplicated.

    As nbgrader's DeduplicateIds, the last cell carrying an id keeps it. Unlike it, the
    earlier copies lose their nbgrader metadata entirely: the empty ``{}`` nbgrader leaves
    fails its own metadata check ("old version of the nbgrader metadata format") and stops
    the grading of the whole notebook.
    """
    seen: set[str] = set()
    duplicated: list[str] = []
    for cell in reversed(nb.get("cells", [])):
        grade_id = _grade_id(cell)
        if grade_id is None:
            continue
        if grade_id in seen:
            del cell["metadata"]["nbgrader"]
            if grade_id not in duplicated:
                duplicated.append(grade_id)
        seen.add(grade_id)
    return duplicated[::-1]


def failed_tests_of(nb: dict) -> dict[str, str]:
    """Grade id → "Exception: message" for each graded code cell of ``nb`` that raised.

    ``nb`` is an nbformat notebook or the plain dict of one. Only the first error's name and
    message count, which the test's author wrote for the student: the code of hidden tests
    is never shown.
    """
    failures = {}
    for cell in nb.get("cells", []):
        grading = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not (grading.get("grade") and cell.get("cell_type") == "code"):
            continue
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if errors:
            name, value = errors[0].get("ename", "Erreur"), errors[0].get("evalue", "")
            failures[grading.get("grade_id", "")] = f"{name}: {value}".strip().rstrip(":")
    return failures


def failure_message(grade_id: str, failure: str) -> str:
    """The line the student reads about a failed test (feedback pages leave it out of the
    remarks, since their table already shows the failure)."""
    return f"{grade_id} : test échoué ({failure})."
