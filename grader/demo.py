"""The main job on the embedded defaults: build, slides, grade the sample submissions.

It grades in a scratch copy of the course (its own SQLite gradebook), so that running the
demo inside a real course never mixes fictional students into real grades.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.build.release import build
from grader.course import CONFIG_FILE, Course
from grader.export import grade_table, write_csv
from grader.feedback import generate_feedback
from grader.grade import StudentResult, grade
from grader.slides import export_all

SAMPLES = Path("tests") / "fixtures" / "submissions"


@dataclass
class DemoResult:
    """Where everything the demo made went."""

    release: Path
    slides: list[Path]
    gradebook: str
    grades: dict[str, Path] = field(default_factory=dict)
    feedback: Path | None = None
    results: dict[str, list[StudentResult]] = field(default_factory=dict)


def scratch_course(course: Course, workdir: Path) -> Course:
    """A fresh copy of the course's config, source/ and release/ under ``workdir``."""
    root = workdir / "course"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(course.root / CONFIG_FILE, root / CONFIG_FILE)
    for folder in ("source", "release"):
        shutil.copytree(course.root / folder, root / folder)
    return Course.load(root)


def copy_samples(samples: Path, scratch: Course) -> list[str]:
    """File samples/<assignment>/<student>/ as nbgrader's submitted/<student>/<assignment>/."""
    assignments = []
    for assignment_dir in sorted(p for p in samples.iterdir() if p.is_dir()):
        for student_dir in sorted(p for p in assignment_dir.iterdir() if p.is_dir()):
            target = scratch.submitted_dir / student_dir.name / assignment_dir.name
            shutil.copytree(student_dir, target)
        assignments.append(assignment_dir.name)
    return assignments


def run_demo(
    course: Course,
    workdir: Path,
    say: Callable[[str], None] = print,
    on_graded: Callable[[StudentResult], None] | None = None,
) -> DemoResult:
    """Build the release and slides, then grade, export and give feedback on the samples."""
    say("Building release/ from source/ with nbgrader")
    build(course)
    say("Making offline slides")
    slides = export_all(course.modules_dir, workdir / "slides")
    scratch = scratch_course(course, workdir)
    result = DemoResult(release=course.release_dir, slides=slides, gradebook=scratch.db_url)
    for assignment in copy_samples(course.root / SAMPLES, scratch):
        say(f"Grading the sample submissions of {assignment}")
        result.results[assignment] = grade(scratch, assignment, on_progress=on_graded)
        table = grade_table(scratch, assignment, per_question=True)
        result.grades[assignment] = write_csv(table, workdir / f"grades-{assignment}.csv")
        generate_feedback(scratch, assignment)
    result.feedback = scratch.feedback_dir
    return result
