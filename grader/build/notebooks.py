"""Write notebooks as JupyterLab saves them, so that opening one does not modify it.

When JupyterLab opens a notebook and its kernel starts, it copies the kernel's
``kernelspec`` display name and its ``language_info`` (from the kernel's ``kernel_info``
reply) into the notebook's metadata. A notebook committed without them is marked
modified at once, and autosave rewrites it: the student's copy of the course, and the
instructor's ``git status``, change without anyone touching anything. This module
writes that metadata as the course's kernel reports it (``python3``, ipykernel in this
environment), and the notebook in the format JupyterLab's contents manager writes
(nbformat's JSON, then a newline).

``language_info.version`` is the kernel's Python version: on a machine whose Python
differs, JupyterLab updates it once, then never again.

Run ``python -m grader.build.notebooks FILE.ipynb…`` to normalise notebooks in place;
for a notebook paired by jupytext, its text twin is updated too (the kernelspec lives in
its front matter), so that ``jupytext --sync`` keeps what was written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import nbformat

KERNEL_NAME = "python3"


@cache
def kernel_metadata() -> dict[str, dict]:
    """The ``kernelspec`` and ``language_info`` JupyterLab writes for the course kernel.

    Read from the installed kernelspec and from ipykernel's own ``language_info`` (what its
    ``kernel_info`` reply sends) rather than by starting a kernel: the same values, at no
    cost. JupyterLab starts ``python`` kernelspecs with the server's own interpreter,
    which is this one.
    """
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    return {
        "kernelspec": {
            "display_name": spec.display_name,
            "language": spec.language,
            "name": KERNEL_NAME,
        },
        "language_info": dict(IPythonKernel.language_info),
    }


def normalise(nb: nbformat.NotebookNode) -> bool:
    """Give ``nb`` the metadata JupyterLab would write; return whether anything changed."""
    changed = False
    for key, value in kernel_metadata().items():
        if nb.metadata.get(key) != value:
            nb.metadata[key] = nbformat.from_dict(value)
            changed = True
    return changed


def version_free(nb: dict) -> dict:
    """``nb`` (notebook JSON) without the kernel's Python version, for "is it up to date" checks.

    ``language_info.version`` comes from the machine that wrote the notebook: a course
    checked out where Python is another patch release is not out of date for that.
    """
    language_info = {
        k: v for k, v in nb.get("metadata", {}).get("language_info", {}).items() if k != "version"
    }
    return {**nb, "metadata": {**nb.get("metadata", {}), "language_info": language_info}}


def lab_text(nb: nbformat.NotebookNode) -> str:
    """The notebook's file content byte for byte as JupyterLab saves it."""
    return nbformat.writes(nb) + "\n"


def normalise_file(path: Path) -> bool:
    """Normalise one ``.ipynb`` file in place (and its jupytext twin); return if it changed."""
    text = path.read_text("utf-8")
    nb = nbformat.reads(text, as_version=4)
    normalise(nb)
    fresh = lab_text(nb)
    if fresh == text:
        return False
    path.write_text(fresh, encoding="utf-8")
    _update_twin(path, nb)
    return True


def _update_twin(path: Path, nb: nbformat.NotebookNode) -> None:
    """Rewrite the jupytext text twin from ``nb``, then let jupytext sync the pair.

    The sync (from the twin, now the newer file) is what ``jupytext --sync`` would do next:
    it adds jupytext's own metadata derived from ``language_info`` (``default_lexer``), so
    the pair is left exactly as every later sync leaves it.
    """
    formats = nb.metadata.get("jupytext", {}).get("formats", "")
    if not formats:
        return
    import jupytext
    from jupytext.cli import jupytext as jupytext_cli
    from jupytext.paired_paths import paired_paths

    for twin, fmt in paired_paths(str(path), "ipynb", formats):
        if Path(twin) != path:
            jupytext.write(nb, twin, fmt=fmt)
            jupytext_cli(["--sync", "--quiet", twin])


def main(paths: Iterable[str]) -> int:
    """Normalise the given notebooks; print those that changed."""
    for name in paths:
        if normalise_file(Path(name)):
            print(f"normalised {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
