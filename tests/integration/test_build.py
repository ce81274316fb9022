"""release/ is generated from source/ and the committed tree is in sync."""

from __future__ import annotations

import json
import re

import pytest

from grader.build.release import stale
from grader.course import Course
from tests.conftest import REPO, course_copy, run_course

pytestmark = pytest.mark.integration


def test_committed_release_is_in_sync():
    result = run_course("build", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in sync" in result.stdout


def test_check_names_the_stale_assignment_and_changes_nothing(tmp_path):
    root = course_copy(tmp_path)
    source = root / "source" / "01-cluetrain" / "exercice.ipynb"
    nb = json.loads(source.read_text("utf-8"))
    nb["cells"][0]["source"] = "# Un autre titre"
    source.write_text(json.dumps(nb), encoding="utf-8")
    before = (root / "release" / "01-cluetrain" / "exercice.ipynb").read_bytes()
    result = run_course("build", "--check", cwd=root)
    assert result.returncode == 1
    assert "01-cluetrain" in result.stderr and "Traceback" not in result.stderr
    assert (root / "release" / "01-cluetrain" / "exercice.ipynb").read_bytes() == before
    assert not (root / "gradebook.db").exists()
    # building brings it back in sync
    assert run_course("build", cwd=root).returncode == 0
    assert stale(Course.load(root)) == []


@pytest.mark.parametrize(
    "released", sorted((REPO / "release").glob("*/exercice.ipynb")), ids=lambda p: p.parent.name
)
def test_release_holds_no_solution_hidden_test_mark_scheme_or_answer_key(released):
    text = released.read_text("utf-8")
    metadata = json.loads(text)["metadata"]
    assert "course" not in metadata and "jupytext" not in metadata  # no stored answers
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "Barème"):
        assert marker not in text
    source = json.loads((REPO / "source" / released.parent.name / "exercice.ipynb").read_text())
    for line in _hidden_test_lines(source):
        assert line not in text, line


def _hidden_test_lines(nb: dict) -> set[str]:
    """The distinctive lines of the source's hidden tests."""
    lines, hidden = set(), False
    for cell in nb["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                hidden = "BEGIN" in line
            elif hidden and len(line.strip()) > 25:
                lines.add(line.strip())
    return lines


def test_release_count_matches_source():
    released = sorted(p.parent.name for p in (REPO / "release").glob("*/exercice.ipynb"))
    sources = sorted(p.parent.name for p in (REPO / "source").glob("*/exercice.ipynb"))
    assert released == sources
    assert len(released) == 9 and released[0] == "00-prise-en-main"


def test_index_links_every_module_to_its_lesson_and_exercise():
    from grader.build.index import module_entries
    from grader.course import Course

    course = Course.load(REPO)
    text = (REPO / "index.md").read_text("utf-8")
    modules = sorted(p.name for p in (REPO / "modules").iterdir() if (p / "lecon.md").exists())
    assert [entry.folder for entry in module_entries(course)] == modules
    assert len(modules) == 9 and modules[0] == "00-prise-en-main"
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", text)
    assert len(links) == 2 * len(modules)
    for link in links:
        assert (REPO / link).is_file(), link
    for entry in module_entries(course):
        assert len(entry.objectives) >= 3, entry.folder
        assert all(objective in text for objective in entry.objectives)
        assert entry.auto_points > 0 and entry.manual_points > 0, entry.folder
        assert entry.points.total == entry.auto_points + entry.manual_points, entry.folder
    # the index says, per module, how many points need code, widgets or a human grader
    for entry in module_entries(course):
        if entry.exercise_title:
            p = entry.points
            assert f"{p.code:g} point" in text and f"{p.widget:g} point" in text, entry.folder
    assert "Les points des exercices" in text
    intro = text.split("## Module 00")[0]
    assert "Eric" in intro and "programmation" in intro and "module 00" in intro


def test_index_counts_widget_tests_as_widget_points():
    """A graded test that reads answers.get( is a widget point; other tests are code points."""
    from grader.build.index import module_entries
    from grader.course import Course

    points = {e.folder: e.points for e in module_entries(Course.load(REPO))}
    assert (points["00-prise-en-main"].code, points["00-prise-en-main"].widget) == (5.0, 3.0)
    assert points["00-prise-en-main"].hand == 1.0
    assert points["08-mesurer"].widget == 0.0  # no widget question in module 08


def test_check_names_no_assignment(tmp_path):
    result = run_course("build", "--check", "01-cluetrain")
    assert result.returncode == 2 and "--check compares every assignment" in result.stderr


def test_outputs_default_to_out_in_the_course_root_from_any_folder(tmp_path):
    root = course_copy(tmp_path, "modules")
    result = run_course("slides", cwd=root / "modules" / "01-cluetrain")
    assert result.returncode == 0, result.stderr
    assert (root / "out" / "slides" / "01-cluetrain.html").is_file()
    assert not (root / "modules" / "01-cluetrain" / "out").exists()
