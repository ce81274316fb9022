"""Generate release/ from source/ with nbgrader, and tell whether release/ is up to date."""

from __future__ import annotations

import filecmp
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from grader.build.index import index_is_stale, write_index
from grader.build.notebooks import normalise_file, version_free
from grader.course import Course, CourseError, nbgrader_error


def _generate(course: Course, assignment: str, **course_directory: str) -> None:
    """Run nbgrader's generate_assignment; raise CourseError with nbgrader's reason."""
    result = course.api(**course_directory).generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise CourseError(f"{assignment}: nbgrader could not release it: {nbgrader_error(result)}")
    release = Path(course_directory.get("release_directory", course.release_dir)) / assignment
    for notebook in sorted(release.glob("*.ipynb")):
        normalise_file(notebook)  # as JupyterLab saves it: opening it changes nothing


def build(
    course: Course,
    assignments: list[str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Regenerate release/ for the given assignments (default: all), and the gradebook."""
    names = assignments or course.assignments()
    for name in names:
        course.require_assignment(name)
        _generate(course, name)
        if on_progress:
            on_progress(name)
    write_index(course)
    return names


def stale(course: Course, on_progress: Callable[[str], None] | None = None) -> list[str]:
    """Assignments whose committed release/ differs from what source/ generates.

    Generates into a temporary folder with a temporary gradebook, so nothing in the
    course changes.
    """
    out_of_date = []
    with tempfile.TemporaryDirectory(prefix="course-check-") as scratch:
        scratch_path = Path(scratch)
        for name in course.assignments():
            _generate(
                course,
                name,
                release_directory=str(scratch_path / "release"),
                db_url=f"sqlite:///{scratch_path / 'gradebook.db'}",
            )
            fresh = scratch_path / "release" / name
            if not _same_tree(fresh, course.release_dir / name):
                out_of_date.append(name)
            if on_progress:
                on_progress(name)
    released = (
        {p.name for p in course.release_dir.iterdir()} if course.release_dir.is_dir() else set()
    )
    orphans = sorted(released - set(course.assignments()))
    index = ["index.ipynb (the course index)"] if index_is_stale(course) else []
    return out_of_date + [f"{name} (no longer in source/)" for name in orphans] + index


def _same_tree(fresh: Path, committed: Path) -> bool:
    """Same files with the same content; notebooks compared as JSON, not as bytes."""
    if not committed.is_dir():
        return False
    fresh_files = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    committed_files = {
        p.relative_to(committed)
        for p in committed.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }
    if fresh_files != committed_files:
        return False
    return all(_same_file(fresh / rel, committed / rel) for rel in fresh_files)


def _same_file(a: Path, b: Path) -> bool:
    if a.suffix == ".ipynb":
        try:
            fresh, committed = (json.loads(p.read_text("utf-8")) for p in (a, b))
            return version_free(fresh) == version_free(committed)
        except ValueError:
            return False
    return filecmp.cmp(a, b, shallow=False)


def sync_gradebook(course: Course, assignment: str) -> dict[str, dict]:
    """Make the gradebook know the assignment as source/ defines it, leaving release/ alone.

    Returns the freshly released notebooks (name → notebook JSON): what students were
    given, against which grading checks their copies for edits.
    """
    with tempfile.TemporaryDirectory(prefix="course-sync-") as scratch:
        release = Path(scratch) / "release"
        _generate(course, assignment, release_directory=str(release))
        return {
            path.stem: json.loads(path.read_text("utf-8"))
            for path in sorted((release / assignment).glob("*.ipynb"))
        }
