"""Opening a course notebook in JupyterLab, saving and closing it, leaves its files byte-identical.

JupyterLab copies the kernel's ``kernelspec`` and ``language_info`` into a notebook when its
kernel starts; a notebook committed without them is marked modified at once and rewritten
by autosave. Each notebook a student or an instructor opens from the course (the index, the
lessons, the released exercises) is opened here as ``course lab`` serves it, checked not
to be modified, saved anyway (so that any difference reaches the disk, its jupytext twin
included) and closed; its files must then equal the repository's byte for byte.

The lessons pass once normalised: ``python -m grader.build.notebooks modules/*/lecon.ipynb``;
the releases once rebuilt by ``course build`` (which normalises them).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Lab, serve_lab
from tests.conftest import REPO

pytestmark = pytest.mark.browser

NOTEBOOKS = [
    "index.ipynb",
    *sorted(str(p.relative_to(REPO)) for p in REPO.glob("modules/*/lecon.ipynb")),
    *sorted(str(p.relative_to(REPO)) for p in REPO.glob("release/*/*.ipynb")),
]

# The notebook's own panel, found by path: JupyterLab restores the previous test's notebook
# from its saved workspace, and that one may be the current widget.
PANEL = """(path) => [...window.jupyterapp.shell.widgets('main')]
    .find((widget) => widget.context?.path === path)"""

KERNEL_READY = f"""async (path) => {{
    const panel = ({PANEL})(path);
    const pause = (ms) => new Promise((done) => setTimeout(done, ms));
    // the session may be replaced while the kernel starts: wait for an idle one
    while (panel.sessionContext.session?.kernel?.status !== 'idle') await pause(200);
    const kernel = panel.sessionContext.session.kernel;
    await kernel.info;
    await kernel.spec;
    await pause(1000);  // JupyterLab updates the metadata after these replies
    return panel.context.model.dirty;
}}"""


SAVE = f"""async (path) => {{
    const context = ({PANEL})(path).context;
    const before = context.contentsModel.last_modified;
    await context.save();
    const dialogs = [...document.querySelectorAll('.jp-Dialog')].map((d) => d.innerText);
    return {{before, after: context.contentsModel.last_modified, dialogs}};
}}"""

CLOSE = f"""(path) => {{
    const panel = ({PANEL})(path);
    return panel.sessionContext.shutdown().then(() => panel.close());
}}"""


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``course lab`` on a copy of the course's index, lessons and releases."""
    scratch = tmp_path_factory.mktemp("open-unmodified")
    root = scratch / "course"
    root.mkdir()
    for name in ("index.ipynb", "index.md"):
        shutil.copy2(REPO / name, root / name)
    for folder in ("modules", "release"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_*"))
    with serve_lab(root, scratch) as lab:
        yield lab


def _files_of(notebook: str) -> list[str]:
    """The notebook and its jupytext twin, if any (saving a paired notebook writes both)."""
    twin = Path(notebook).with_suffix(".md")
    return [notebook, *([str(twin)] if (REPO / twin).is_file() else [])]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_opening_and_closing_leaves_the_files_unchanged(
    course_lab: Lab, chromium, notebook: str
) -> None:
    written = course_lab.root / notebook
    before = written.stat().st_mtime_ns
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(course_lab.open_url(notebook))
        page.wait_for_function(
            f"(path) => window.jupyterapp && ({PANEL})(path)?.sessionContext?.session?.kernel",
            arg=notebook,
            timeout=TIMEOUT_MS,
        )
        dirty = page.evaluate(KERNEL_READY, notebook)
        saved = page.evaluate(SAVE, notebook)
        page.evaluate(CLOSE, notebook)
    finally:
        context.close()
    assert written.stat().st_mtime_ns != before, f"the save did not reach the disk: {saved}"
    changed = [
        name
        for name in _files_of(notebook)
        if (course_lab.root / name).read_bytes() != (REPO / name).read_bytes()
    ]
    assert not dirty, f"{notebook} is marked modified as soon as it is open"
    assert changed == [], f"opening and saving {notebook} rewrote {changed}"
