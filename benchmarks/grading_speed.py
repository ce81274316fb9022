"""`course grade` beside `nbgrader autograde` on the same submissions, in one run.

Run: python benchmarks/grading_speed.py [--assignment 07-site-cafe] [--count 40]

Builds a scratch course, files ``--count`` submissions made by cycling the sample
submissions of the assignment (tests/fixtures/submissions/), copies it twice with the same
gradebook, then times, each as a new process as an instructor would type it:

- ``nbgrader autograde ASSIGNMENT`` in the first copy;
- ``course grade ASSIGNMENT`` in the second.

It prints both wall times, the time per submission, the ratio, and whether the two
gradebooks hold the same score for every graded cell.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.build.release import build
from grader.course import Course
from grader.demo import scratch_course
from grader.grade.autograde import auto_scores

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "fixtures" / "submissions"


def prepare(workdir: Path, assignment: str, count: int) -> Course:
    """A scratch course with its gradebook and ``count`` submissions of ``assignment``."""
    course = scratch_course(Course.load(REPO), workdir)
    build(course, [assignment])
    samples = sorted(p for p in (SAMPLES / assignment).iterdir() if p.is_dir())
    for number in range(count):
        target = course.submitted_dir / f"etudiant{number + 1:03d}" / assignment
        shutil.copytree(samples[number % len(samples)], target)
        (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
    return course


def restored_students(course: Course, assignment: str) -> set[str]:
    """Students whose deleted exercise cells `course grade` restored (told in their messages)."""
    return {
        path.parents[1].name
        for path in course.autograded_dir.glob(f"*/{assignment}/messages-correction.txt")
        if "avaient été supprimées" in path.read_text("utf-8")
    }


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time of the command and its exit code (nbgrader exits 1 if any student failed)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="07-site-cafe")
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    tools = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        base = prepare(Path(scratch) / "base", args.assignment, args.count)
        copies = {}
        for name in ("nbgrader", "course"):
            copies[name] = Path(scratch) / name
            shutil.copytree(base.root, copies[name])
        nbgrader_s, nbgrader_rc = timed(
            [str(tools / "nbgrader"), "autograde", args.assignment], copies["nbgrader"]
        )
        course_s, course_rc = timed(
            [str(tools / "course"), "grade", args.assignment], copies["course"]
        )
        theirs = auto_scores(Course.load(copies["nbgrader"]), args.assignment)
        ours = auto_scores(Course.load(copies["course"]), args.assignment)
        restored = restored_students(Course.load(copies["course"]), args.assignment)
    # a submission nbgrader could not grade has no scores there: compare the others
    graded = {student for (student, _, _), score in theirs.items() if score is not None}
    differing = sorted(
        key
        for key in theirs.keys() | ours.keys()
        if key[0] in graded - restored and theirs.get(key) != ours.get(key)
    )
    n = args.count
    print(f"{args.assignment}: {n} submissions, {os.cpu_count()} CPU cores")
    print(f"{'':24}{'total (s)':>12}{'per submission (s)':>22}")
    print(f"{'nbgrader autograde':24}{nbgrader_s:12.1f}{nbgrader_s / n:22.2f}   exit {nbgrader_rc}")
    print(f"{'course grade':24}{course_s:12.1f}{course_s / n:22.2f}   exit {course_rc}")
    print(f"speed-up: {nbgrader_s / course_s:.1f}x")
    print(f"submissions nbgrader graded: {len(graded)} of {n}")
    print(
        f"not compared, by design: {len(graded & restored)} submissions with deleted test "
        "cells (course grade restores and runs them; nbgrader leaves them unscored)"
    )
    print(
        f"graded cells compared: {sum(k[0] in graded - restored for k in theirs)}; "
        f"differing: {len(differing)}"
    )
    for key in differing[:20]:
        print(f"  {key}: nbgrader {theirs.get(key)} / course {ours.get(key)}")
    sys.exit(1 if differing or not graded else 0)


if __name__ == "__main__":
    main()
