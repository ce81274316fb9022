"""Reading hostile submissions never raises, and deleted cells come back in place."""

from __future__ import annotations

import json

import pytest

from grader.grade.submissions import ReferenceCell, inspect_notebook, restore_missing_cells

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
