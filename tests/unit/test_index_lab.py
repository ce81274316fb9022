"""The course index is written as JupyterLab and jupytext leave it: opening or syncing it changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grader.build.index import index_texts
from grader.build.notebooks import kernel_metadata
from grader.course import Course
from tests.conftest import REPO

JUPYTEXT = Path(sys.executable).parent / "jupytext"


def test_index_has_the_kernel_metadata_jupyterlab_writes() -> None:
    import nbformat

    texts = index_texts(Course.load(REPO))
    nb = nbformat.reads(texts[REPO / "index.ipynb"], as_version=4)
    for key, value in kernel_metadata().items():
        assert nb.metadata[key] == value


def test_index_pair_is_a_fixed_point_of_jupytext_sync(tmp_path: Path) -> None:
    texts = {path.name: text for path, text in index_texts(Course.load(REPO)).items()}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for newer in ("index.md", "index.ipynb"):
        (tmp_path / newer).touch()
        result = subprocess.run(
            [str(JUPYTEXT), "--sync", str(tmp_path / "index.md")], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        for name, text in texts.items():
            assert (tmp_path / name).read_text("utf-8") == text, f"jupytext --sync changed {name}"


def test_another_python_patch_version_does_not_make_the_index_stale(tmp_path: Path) -> None:
    """``language_info.version`` is the writer's Python: not a reason for ``--check`` to fail."""
    from grader.build.index import index_is_stale
    from tests.conftest import course_copy

    texts = index_texts(Course.load(REPO))
    root = course_copy(tmp_path / "copy", "modules")
    (root / "index.md").write_text(texts[REPO / "index.md"], encoding="utf-8")
    nb = json.loads(texts[REPO / "index.ipynb"])

    def with_index(changed: dict) -> Course:
        text = json.dumps(changed, indent=1, ensure_ascii=False)
        (root / "index.ipynb").write_text(text, encoding="utf-8")
        return Course.load(root)

    nb["metadata"]["language_info"]["version"] = "3.11.0"
    assert not index_is_stale(with_index(nb))
    nb["metadata"]["language_info"]["name"] = "R"  # anything else still counts
    assert index_is_stale(with_index(nb))
