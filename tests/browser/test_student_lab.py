"""The student view, ``course lab --student``: French, the student's own files, no instructor tools.

The server is started exactly as ``course lab --student`` starts it (grader/lab.py: the
student folder made from the course, the command line, the environment with the student
config first), in a real JupyterLab driven by Debian's Chromium.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.lab import make_student_folder, student_environment
from tests.browser.conftest import TIMEOUT_MS, TOKEN, Lab, serve_lab
from tests.conftest import REPO
from tests.servers import free_port, running

pytestmark = pytest.mark.browser


#: JupyterLab's menu bar with the French language pack, as a student sees it.
FRENCH_MENUS = [
    "Fichier",
    "Édition",
    "Affichage",
    "Exécution",
    "Noyau",
    "Onglets",
    "Paramètres",
    "Aide",
]
NBGRADER_INSTRUCTOR_COMMANDS = [
    "nbgrader:open-create-assignment",
    "nbgrader:open-formgrader",
    "nbgrader:open-course-list",
]


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    scratch = tmp_path_factory.mktemp("student-lab")
    folder = scratch / "communautes-en-ligne"
    make_student_folder(REPO, folder)
    with serve_lab(folder, scratch, student_environment(REPO)) as lab:
        yield lab


@pytest.fixture(scope="module")
def lab_page(student_lab: Lab, chromium):
    """The student's JupyterLab at its root folder, with the exercise of module 01 open."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(student_lab.open_url("release/01-cluetrain/exercice.ipynb"))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel",
        timeout=TIMEOUT_MS,
    )
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first.wait_for(timeout=TIMEOUT_MS)
    yield page
    context.close()


def _menu_items(page, menu: str) -> list[str]:
    page.locator("#jp-menu-panel .lm-MenuBar-item", has_text=menu).click()
    items = page.locator(".lm-Menu .lm-Menu-itemLabel")
    items.first.wait_for(timeout=TIMEOUT_MS)
    labels = [label for label in items.all_inner_texts() if label.strip()]
    page.keyboard.press("Escape")
    return labels


def test_menu_bar_is_french(lab_page) -> None:
    labels = lab_page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    assert labels == FRENCH_MENUS


def test_run_all_cells_is_in_the_execution_menu(lab_page) -> None:
    """What the exercises' instructions name: « Exécution › Exécuter toutes les cellules »."""
    assert "Exécuter toutes les cellules" in _menu_items(lab_page, "Exécution")
    assert "Redémarrer le noyau et Exécuter toutes les cellules…" in _menu_items(lab_page, "Noyau")
    assert "Sauvegarder Notebook" in _menu_items(lab_page, "Fichier")


def test_no_nbgrader_instructor_tools(lab_page, student_lab: Lab) -> None:
    assert not any(
        "nbgrader" in label.lower()
        for label in lab_page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    )
    present = lab_page.evaluate(
        "(ids) => ids.filter((id) => window.jupyterapp.commands.hasCommand(id))",
        NBGRADER_INSTRUCTOR_COMMANDS,
    )
    assert present == []
    sidebars = lab_page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map((tab) => tab.title + ' ' + tab.innerText)"
    )
    assert not any("assignment" in tab.lower() for tab in sidebars), sidebars
    assert "Create Assignment" not in lab_page.locator("body").inner_text()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{student_lab.url}/formgrader?token={student_lab.token}")
    assert refused.value.code == 404


def test_file_browser_shows_the_students_files_not_source(lab_page) -> None:
    lab_page.evaluate(
        "() => window.jupyterapp.commands.execute('filebrowser:go-to-path', {path: '/'})"
    )
    lab_page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-DirListing-itemName')]"
        ".some((el) => el.innerText.trim() === 'index.ipynb')",
        timeout=TIMEOUT_MS,
    )
    names = sorted(lab_page.locator(".jp-DirListing-itemName").all_inner_texts())
    assert names == ["index.ipynb", "modules", "release"]
    contents = lab_page.evaluate(
        "() => window.jupyterapp.serviceManager.contents.get('')"
        ".then((model) => model.content.map((item) => item.name).sort())"
    )
    assert "source" not in contents and "nbgrader_config.py" not in contents


def test_course_lab_student_serves_the_student_folder(tmp_path: Path) -> None:
    """The real command: ``course lab --student --student-dir DIR`` fills DIR and serves it."""
    import json
    import sys

    folder, port = tmp_path / "eleve", free_port()
    course = Path(sys.executable).parent / "course"
    env = dict(
        os.environ,
        JUPYTER_TOKEN=TOKEN,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    command = [str(course), "lab", "--student-dir", str(folder), "--no-browser", f"--port={port}"]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/status?token={TOKEN}", tmp_path / "lab.log", env, REPO):
        with urllib.request.urlopen(f"{url}/api/contents?token={TOKEN}") as reply:
            names = sorted(item["name"] for item in json.load(reply)["content"])
        with urllib.request.urlopen(f"{url}/lab/api/translations/?token={TOKEN}") as reply:
            packs = json.load(reply)["data"]
    assert names == ["index.ipynb", "modules", "release"]
    assert (folder / "release" / "01-cluetrain" / "exercice.ipynb").is_file()
    assert "fr_FR" in packs, "the French language pack is not installed"
