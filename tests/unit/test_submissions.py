"""Reading hostile submissions never raises, and deleted cells come back in place."""

from __future__ import annotations

import json

import pytest

from grader.grade.submissions import (
    ReferenceCell,
    find_submitted_notebook,
    inspect_notebook,
    renumber_cell_ids,
    restore_grading_metadata,
    restore_missing_cells,
    symlinks_in,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"", "vide"),
        (b"\xff\xfe\x00\x00binary", "UTF-8"),
        (b'{"cells": [', "JSON est abîmé"),
        (b'"just a string"', "structure"),
    ],
)
def test_unreadable_notebooks_get_a_french_reason(tmp_path, content, phrase):
    path = tmp_path / "exercice.ipynb"
    path.write_bytes(content)
    inspection = inspect_notebook(path)
    assert inspection.notebook is None
    assert phrase in inspection.problem
    assert path.read_bytes() == content  # never modified


def test_readable_notebook_is_returned_parsed_and_untouched(tmp_path):
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "q1"}}, "source": "x"},
        ],
    }
    path = tmp_path / "exercice.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    before = path.read_bytes()
    inspection = inspect_notebook(path)
    assert inspection.problem is None
    assert inspection.notebook["cells"][0]["metadata"]["nbgrader"]["grade_id"] == "q1"
    inspection.notebook["cells"].clear()  # the caller may change it freely
    assert path.read_bytes() == before


def test_old_nbformat_3_notebook_is_upgraded(tmp_path):
    old = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "1 + 1",
                        "language": "python",
                        "outputs": [],
                        "metadata": {},
                    }
                ],
                "metadata": {},
            }
        ],
    }
    path = tmp_path / "exercice.ipynb"
    path.write_text(json.dumps(old), encoding="utf-8")
    inspection = inspect_notebook(path)
    assert inspection.notebook["nbformat"] == 4
    assert inspection.notebook["cells"][0]["source"] == "1 + 1"


def _cell(grade_id: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {"nbgrader": {"grade_id": grade_id}},
        "source": grade_id,
        "outputs": [],
        "execution_count": None,
    }


def test_deleted_cells_are_restored_after_their_predecessor():
    reference = [
        ReferenceCell(gid, "code", f"source of {gid}", {"nbgrader": {"grade_id": gid}})
        for gid in ("setup", "answer", "test", "answer2", "test2")
    ]
    nb = {
        "cells": [
            _cell("setup"),
            {"cell_type": "markdown", "metadata": {}, "source": "notes"},
            _cell("answer2"),
        ]
    }
    restored = restore_missing_cells(nb, reference)
    assert restored == ["answer", "test", "test2"]
    order = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
    assert order == ["setup", "answer", "test", None, "answer2", "test2"]
    assert "manquait dans votre rendu" in nb["cells"][1]["source"]
    assert nb["cells"][1]["source"].endswith("source of answer")


def _ref(grade_id: str, cell_type: str = "code", **nbgrader) -> ReferenceCell:
    fields = {"grade": False, "solution": False, "locked": False, "task": False, **nbgrader}
    return ReferenceCell(grade_id, cell_type, "", {"nbgrader": {"grade_id": grade_id, **fields}})


REFERENCE = [
    _ref("reponse", solution=True),
    _ref("test", grade=True, locked=True, points=2.0),
]


@pytest.mark.parametrize(
    ("cell", "change"),
    [
        ({"metadata": {"nbgrader": {"grade_id": "test", "grade": False}}}, "test (notée"),
        ({"metadata": {"nbgrader": {"grade_id": "test", "points": "beaucoup"}}}, "points"),
        ({"metadata": {"nbgrader": {"grade_id": "faux", "grade": True}}}, "faux (métadonnées"),
        ({"metadata": {"nbgrader": "n'importe quoi"}}, "None (métadonnées"),
        ({"metadata": {"nbgrader": {"grade_id": ["liste"]}}}, "(métadonnées inconnues"),
    ],
)
def test_grading_metadata_is_the_release_s_whatever_the_student_wrote(cell, change):
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [], **cell}]}
    changes = restore_grading_metadata(nb, REFERENCE)
    assert len(changes) == 1 and change in changes[0]
    grading = nb["cells"][0]["metadata"].get("nbgrader")
    if grading is not None:  # a known cell: exactly the release's metadata
        assert grading == {**REFERENCE[1].metadata["nbgrader"]}


def test_mangled_cells_and_metadata_leave_a_gradable_notebook():
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [
            "pas une cellule",
            {"cell_type": "code", "metadata": ["pas", "un", "dict"], "source": "x = 1"},
            {"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "test"}}, "source": ""},
        ],
    }
    changes = restore_grading_metadata(nb, REFERENCE)
    assert [c["cell_type"] for c in nb["cells"]] == ["code", "code"]
    assert nb["cells"][0]["metadata"] == {}
    assert nb["cells"][1]["outputs"] == [] and "type de cellule" in changes[0]
    for cell in nb["cells"]:
        cell["id"] = "meme-id"
    renumber_cell_ids(nb)
    assert len({cell["id"] for cell in nb["cells"]}) == 2


def test_an_untouched_notebook_reports_no_change():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": dict(r.metadata), "source": ""} for r in REFERENCE
        ]
    }
    assert restore_grading_metadata(nb, REFERENCE) == []


def test_a_symlinked_notebook_is_refused_not_followed(tmp_path):
    secret = tmp_path / "secret.ipynb"
    secret.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    link = tmp_path / "rendu" / "exercice.ipynb"
    link.parent.mkdir()
    link.symlink_to(secret)
    assert "lien symbolique" in inspect_notebook(link).problem
    assert find_submitted_notebook(link.parent, "exercice", {"exercice"}) == (None, None)
    assert symlinks_in(link.parent) == ["exercice.ipynb"]


def test_a_huge_file_is_not_read_whole(tmp_path, monkeypatch):
    from grader.grade import submissions

    monkeypatch.setattr(submissions, "MAX_NOTEBOOK_BYTES", 1000)
    path = tmp_path / "exercice.ipynb"
    path.write_bytes(b" " * 1001)
    assert "dépasse" in inspect_notebook(path).problem
