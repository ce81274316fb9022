"""Notebooks written as JupyterLab saves them (grader/build/notebooks.py), and their pairs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.ipkernel import IPythonKernel

from grader.build.notebooks import (
    kernel_metadata,
    lab_text,
    normalise,
    normalise_file,
    version_free,
)
from tests.conftest import REPO

JUPYTEXT = Path(sys.executable).parent / "jupytext"


def test_kernel_metadata_is_what_the_course_kernel_reports() -> None:
    meta = kernel_metadata()
    assert meta["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    assert meta["language_info"] == IPythonKernel.language_info
    assert meta["language_info"]["version"] == sys.version.split()[0]


def test_normalise_replaces_a_stale_display_name_and_adds_language_info() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    assert normalise(nb) is True
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    assert nb.metadata["language_info"]["name"] == "python"
    assert normalise(nb) is False  # a second time changes nothing


def test_lab_text_is_the_format_jupyter_server_writes(tmp_path: Path) -> None:
    """jupyter_server's contents manager writes nbformat.write's output: the same bytes."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("« é »")])
    normalise(nb)
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert (tmp_path / "a.ipynb").read_text("utf-8") == lab_text(nb)


@pytest.fixture
def lesson_pair(tmp_path: Path) -> Path:
    """A small lesson and its MyST twin, paired by jupytext as the course's lessons are."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Module 99 — essai", id="titre"),
            nbformat.v4.new_code_cell("print('bonjour')", id="code"),
        ]
    )
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["jupytext"] = {"formats": "ipynb,md:myst"}
    notebook = tmp_path / "lecon.ipynb"
    nbformat.write(nb, notebook)
    _sync(notebook)
    assert "display_name: Python 3\n" in notebook.with_suffix(".md").read_text("utf-8")
    return notebook


def _sync(path: Path) -> None:
    result = subprocess.run(
        [str(JUPYTEXT), "--sync", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_normalised_pair_survives_jupytext_sync(lesson_pair: Path) -> None:
    """``jupytext --sync`` from either side keeps what normalisation wrote, byte for byte."""
    md = lesson_pair.with_suffix(".md")
    normalise_file(lesson_pair)
    notebook_text, md_text = lesson_pair.read_text("utf-8"), md.read_text("utf-8")
    assert "display_name: Python 3 (ipykernel)" in md_text
    for newer in (md, lesson_pair):
        newer.touch()
        _sync(md)
        assert lesson_pair.read_text("utf-8") == notebook_text
        assert md.read_text("utf-8") == md_text


def test_an_edit_of_the_text_twin_keeps_language_info(lesson_pair: Path) -> None:
    md = lesson_pair.with_suffix(".md")
    normalise_file(lesson_pair)
    md.write_text(md.read_text("utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    _sync(md)
    metadata = json.loads(lesson_pair.read_text("utf-8"))["metadata"]
    assert metadata["language_info"] == kernel_metadata()["language_info"]
    assert metadata["kernelspec"] == kernel_metadata()["kernelspec"]


def test_normalise_file_reports_whether_it_wrote(lesson_pair: Path) -> None:
    normalise_file(lesson_pair)
    before = lesson_pair.stat().st_mtime_ns
    assert normalise_file(lesson_pair) is False
    assert lesson_pair.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    "path",
    ["index.ipynb", *sorted(str(p.relative_to(REPO)) for p in REPO.glob("release/*/*.ipynb"))],
)
def test_committed_notebooks_are_as_jupyterlab_saves_them(path: str) -> None:
    """Opening them in JupyterLab changes nothing (the browser test checks it for real)."""
    text = (REPO / path).read_text("utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert normalise(nb) is False, f"{path}: kernel metadata differs from what JupyterLab writes"
    assert lab_text(nb) == text


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(REPO)) for p in REPO.glob("modules/*/lecon.ipynb"))
)
def test_committed_lessons_are_as_jupyterlab_saves_them(path: str) -> None:
    """Fix with: python -m grader.build.notebooks modules/*/lecon.ipynb (rewrites the twins)."""
    text = (REPO / path).read_text("utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert normalise(nb) is False, f"{path}: run python -m grader.build.notebooks {path}"
    assert lab_text(nb) == text


def test_release_check_ignores_only_the_python_version(tmp_path: Path) -> None:
    """``course build --check`` on another Python patch release: releases are not stale."""
    from grader.build.release import _same_file

    nb = nbformat.v4.new_notebook()
    normalise(nb)
    here, there = tmp_path / "here.ipynb", tmp_path / "there.ipynb"
    here.write_text(lab_text(nb), encoding="utf-8")
    nb.metadata.language_info.version = "3.11.0"
    there.write_text(lab_text(nb), encoding="utf-8")
    assert _same_file(here, there)
    nb.metadata.language_info.pygments_lexer = "python3"
    there.write_text(lab_text(nb), encoding="utf-8")
    assert not _same_file(here, there)
    assert version_free({"metadata": {}}) == {"metadata": {"language_info": {}}}
