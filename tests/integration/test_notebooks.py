"""Every notebook runs top to bottom on a fresh kernel, and text twins match notebooks."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def _notebooks(folder: str) -> list[Path]:
    return sorted(
        p for p in (REPO / folder).glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def _run(path: Path) -> nbformat.NotebookNode:
    """Execute a copy of the notebook's folder, so files it writes never land in the repo."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / path.parent.name
        shutil.copytree(path.parent, folder)
        nb = nbformat.read(folder / path.name, as_version=4)
        NotebookClient(
            nb,
            timeout=120,
            allow_errors=True,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    return nb


def _errors(nb) -> list[tuple[str | None, str]]:
    return [
        (cell.metadata.get("nbgrader", {}).get("grade_id"), f"{out.ename}: {out.evalue}")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]


@pytest.mark.parametrize("path", _notebooks("modules"), ids=lambda p: p.parent.name)
def test_lessons_run_without_errors(path):
    assert _errors(_run(path)) == []


@pytest.mark.parametrize("path", _notebooks("source"), ids=lambda p: p.parent.name)
def test_source_passes_all_its_tests(path):
    nb = _run(path)
    assert _errors(nb) == []
    # partial-credit tests print their score: the solution must earn all the points
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        for out in cell.get("outputs", []):
            if grading.get("grade") and out.output_type == "execute_result":
                assert float(out.data["text/plain"]) == grading["points"], grading["grade_id"]


@pytest.mark.parametrize("path", _notebooks("release"), ids=lambda p: p.parent.name)
def test_release_runs_and_fails_only_where_the_student_must_answer(path):
    nb = _run(path)
    answer_cells = {
        cell.metadata["nbgrader"]["grade_id"]
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
        or cell.metadata.get("nbgrader", {}).get("solution")
    }
    unexpected = [(gid, err) for gid, err in _errors(nb) if gid not in answer_cells]
    assert unexpected == []


@pytest.mark.parametrize(
    "path", _notebooks("modules") + _notebooks("source"), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_text_twin_matches_notebook(path):
    twin = path.with_suffix(".md")
    assert twin.exists(), f"{twin} missing: run jupytext --sync {path}"
    from_text = jupytext.read(twin)
    from_ipynb = nbformat.read(path, as_version=4)

    def cells(nb):
        return [(c.cell_type, c.source, c.metadata) for c in nb.cells]

    assert cells(from_text) == cells(from_ipynb)


@pytest.mark.parametrize(
    "path",
    _notebooks("modules") + _notebooks("source") + _notebooks("release"),
    ids=lambda p: f"{p.parts[-3]}/{p.parent.name}/{p.stem}",
)
def test_no_outputs_committed(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "keep_output" not in cell.metadata.get("tags", []):
            assert not cell.outputs and cell.execution_count is None
