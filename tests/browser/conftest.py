"""Shared browser fixtures: Debian's Chromium driven by Playwright, and a real JupyterLab."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import free_port, running

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's build), shared by the browser tests of one run."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not installed (the test command installs it: apt-get install chromium)"
        )
    from playwright import sync_api  # in the test extra: missing is an error, not a skip

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Lab:
    """A running JupyterLab server on 127.0.0.1 serving ``root``."""

    root: Path
    url: str
    token: str

    def open_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"


TOKEN = "browser-test-token"


@contextmanager
def serve_lab(root: Path, scratch: Path, env: dict[str, str] | None = None) -> Iterator[Lab]:
    """JupyterLab as ``course lab`` starts it on ``root``, with private config and runtime dirs.

    ``env`` replaces the environment (the student view passes its own); the config and
    runtime folders are always the test's, so no user setting leaks into a test.
    """
    from grader.lab import lab_command

    port = free_port()
    command = lab_command(root, port=port, open_browser=False) + [
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    env = dict(
        env if env is not None else os.environ,
        JUPYTER_CONFIG_DIR=str(scratch / "config"),
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        PYTHONUNBUFFERED="1",
    )
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/status?token={TOKEN}", scratch / "lab.log", env=env):
        yield Lab(root=root, url=url, token=TOKEN)


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """Start JupyterLab as `course lab` does, in an empty folder; stop it afterwards."""
    root = tmp_path / "lab"
    root.mkdir()
    with serve_lab(root, tmp_path) as lab:
        yield lab


def read_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


TIMEOUT_MS = 60_000


def open_notebook(lab: Lab, chromium, name: str = "exercice.ipynb"):
    """Open a notebook in a new browser session, once its kernel is there."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(lab.open_url(name))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
        timeout=TIMEOUT_MS,
    )
    return context, page


def run_all(page) -> None:
    """Run every cell and wait until the first answer widget reports its state."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator(".course-answer-status").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => ['empty', 'saved', 'restored'].includes("
        "document.querySelector('.course-answer-status')?.dataset.state)",
        timeout=TIMEOUT_MS,
    )


def wait_for_stored_answer(page, question_id: str, expected) -> None:
    """Wait until the notebook's metadata holds ``expected`` for ``question_id`` (key order aside)."""
    page.wait_for_function(
        """([qid, expected]) => {
            const canonical = (v) => Array.isArray(v) ? v.map(canonical)
                : (v && typeof v === 'object')
                    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
                    : v;
            const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
            const stored = window.jupyterapp.shell.currentWidget.context.model.getMetadata('course');
            const record = stored && stored.answers && stored.answers[qid];
            return record && same(record.value, expected);
        }""",
        arg=[question_id, expected],
        timeout=TIMEOUT_MS,
    )


SAVES_SETTLED = """() => {
    const saves = window.__courseAnswerSaves;
    const context = window.jupyterapp.shell.currentWidget.context;
    return !saves || (saves.pending === 0 && !saves.inFlight.get(context));
}"""


def save_and_close(page) -> None:
    """Save the notebook, shut its kernel down and close it, as a student finishing.

    The answer bridge's own saves are let finish first (two overlapping saves make
    JupyterLab ask "File Changed"). The save is not awaited inside the page: if a dialog
    blocks it, the test fails in a minute with the dialog's text, not at the suite timeout.
    """
    page.wait_for_function(SAVES_SETTLED, timeout=TIMEOUT_MS)
    page.evaluate("() => { window.jupyterapp.commands.execute('docmanager:save'); }")
    try:
        page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty",
            timeout=TIMEOUT_MS,
        )
    except Exception as error:  # a Playwright timeout: say what the student would see
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        raise AssertionError(f"the notebook did not save; dialogs open: {dialogs!r}") from error
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
        ".then(() => window.jupyterapp.shell.currentWidget.close())"
    )


def hand_in_and_grade(saved: Path, tmp_path: Path, assignment: str, student: str) -> dict:
    """Hand in the .ipynb alone, run `course grade`, return {grade id: score} from the gradebook."""
    from nbgrader.api import Gradebook

    from grader.course import Course
    from grader.demo import scratch_course
    from tests.conftest import REPO, run_course

    course = scratch_course(Course.find(REPO), tmp_path / "grading")
    folder = course.submitted_dir / student / assignment
    folder.mkdir(parents=True)
    shutil.copy2(saved, folder / "exercice.ipynb")
    result = run_course("grade", assignment, cwd=course.root)
    assert result.returncode == 0, result.stdout + result.stderr
    with Gradebook(course.db_url, "communautes-en-ligne") as gb:
        submission = gb.find_submission_notebook("exercice", assignment, student)
        return {grade.name: grade.score for grade in submission.grades}


@dataclass
class NotebookServer(Lab):
    """A running Notebook 7 server (``jupyter notebook``): notebooks open in its own interface."""

    def open_url(self, path: str) -> str:
        return f"{self.url}/notebooks/{path}?token={self.token}"


@pytest.fixture
def jupyter_notebook(tmp_path: Path) -> Iterator[NotebookServer]:
    """Start ``jupyter notebook`` (Notebook 7) on an empty folder, with only the installed config.

    Nothing on the command line exposes the app to the page: the course's installed server
    config must do it, as it will on a student's machine or a hub that opens ``/tree``.
    """
    import sys

    root = tmp_path / "nb"
    root.mkdir()
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "notebook",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        "--no-browser",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        PYTHONUNBUFFERED="1",
    )
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/status?token={TOKEN}", tmp_path / "notebook.log", env=env):
        yield NotebookServer(root=root, url=url, token=TOKEN)


def open_without_running(lab: Lab, chromium, name: str = "exercice.ipynb", width: int = 1400):
    """Open a saved notebook as a student coming back to it: outputs shown, nothing run."""
    context = chromium.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.goto(lab.open_url(name))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.context"
        " && window.jupyterapp.shell.currentWidget.context.isReady"
        " && document.querySelectorAll('.jp-OutputArea-output').length > 0",
        timeout=TIMEOUT_MS,
    )
    return context, page
