"""Actions to hand-grade one question for 20 students: nbgrader's formgrader beside `course mark`.

Run: python benchmarks/marking_actions.py [--assignment 01-cluetrain] [--count 20]

Builds a scratch course with ``--count`` submissions made by cycling the sample submissions
of the assignment that autograde (tests/fixtures/submissions/), autogrades them, and copies
the folder twice, each with its own gradebook. Chromium (driven by Playwright) then gives
every student the same grade on the first hand-graded question in both copies:

- ``course mark``: rubric items 1 and 3 for even positions, item 2 for odd ones, by key;
- formgrader (a Jupyter server with nbgrader's server extension on 127.0.0.1), driven as an
  instructor would: Manual Grading → assignment → notebook → Submission #1, click the
  question's score box, type the score, Tab past the extra-credit box, type the comment,
  Ctrl+. (formgrader's own "save and go to the same box of the next submission"), Esc on
  the last one. The comment typed is the one ``course mark`` wrote for that student, so
  both do the same work. Each page is waited for until formgrader is ready for keys.
  formgrader loads MathJax 2 from a CDN: it is served from an npm copy instead
  (``npm install --prefix .cache/mathjax2 mathjax@2.7.7``), every other outside request
  is refused.

To be fair to formgrader, a comment line already typed for an earlier student is pasted
(counted as one keystroke, as Ctrl+V); the count if every comment were typed is printed too.
Page loads are loads of the main frame's document; clicks and keystrokes are counted by the
driver below, the only way the script touches the pages. The script fails (exit 1) unless
both gradebooks end with the same manual score and comment for every student.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook
from playwright.sync_api import Page, sync_playwright

from grader.course import Course
from grader.demo import scratch_course
from grader.grade import grade
from grader.mark.server import start
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import free_port, running

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "fixtures" / "submissions"
TIMEOUT_MS = 30_000
FORMGRADER = "nbgrader.server_extensions.formgrader"
#: formgrader's pages load MathJax 2 from this CDN and wait for it before taking keys; with
#: no internet here it is served from an npm copy (the script says how to install it).
MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/"
MATHJAX = REPO / ".cache" / "mathjax2" / "node_modules" / "mathjax"


@dataclass
class Driver:
    """Every click and key press of one side goes through here, and is counted."""

    page: Page
    loads: int = 0
    clicks: int = 0
    keys: int = 0
    typed_keys: int = 0  # what the keys would be with every comment typed (no paste)
    pasted: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.page.on("load", lambda _page: self._loaded())

    def _loaded(self) -> None:
        self.loads += 1

    def goto(self, url: str) -> None:
        """Typing the address (one page load, counted by the load event, no key counted)."""
        self.page.goto(url)

    def click(self, selector: str) -> None:
        self.page.click(selector, timeout=TIMEOUT_MS)
        self.clicks += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1
        self.typed_keys += 1

    def type(self, text: str) -> None:
        """Type ``text`` key by key; a line typed before is pasted instead (one key)."""
        for number, line in enumerate(text.split("\n")):
            if number:
                self.press("Enter")
            if not line:
                continue
            if line in self.pasted:
                self.page.keyboard.insert_text(line)  # Ctrl+V
                self.keys += 1
            else:
                self.page.keyboard.type(line)
                self.keys += len(line)
                self.pasted.add(line)
            self.typed_keys += len(line)

    def total(self) -> int:
        return self.loads + self.clicks + self.keys


def prepare(workdir: Path, assignment: str, count: int) -> Course:
    """A scratch course with ``count`` autograded submissions of ``assignment``."""
    course = scratch_course(Course.load(REPO), workdir)
    samples = sorted(p for p in (SAMPLES / assignment).iterdir() if p.is_dir())
    samples = [p for p in samples if _valid(p)]
    for number in range(count):
        target = course.submitted_dir / f"etudiant{number + 1:03d}" / assignment
        shutil.copytree(samples[number % len(samples)], target)
        (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
    grade(course, assignment)
    return course


def _valid(sample: Path) -> bool:
    """A sample whose notebooks are JSON (the broken ones are not in formgrader's list)."""
    try:
        for path in sample.glob("*.ipynb"):
            json.loads(path.read_text("utf-8"))
    except ValueError:
        return False
    return True


def grades(course: Course, assignment: str, notebook: str, grade_id: str) -> dict[str, tuple]:
    """Every student's manual score and comment of the question, from nbgrader's gradebook."""
    gb = Gradebook(course.db_url, course.course_id)
    try:
        found = {}
        for submission in gb.find_assignment(assignment).submissions:
            student = submission.student.id
            score = gb.find_grade(grade_id, notebook, assignment, student).manual_score
            comment = gb.find_comment(grade_id, notebook, assignment, student).manual_comment
            found[student] = (score, (comment or "").strip())
        return found
    finally:
        gb.close()


def items_for(position: int) -> list[str]:
    """The rubric keys an instructor presses for the answer at ``position``."""
    return ["1", "3"] if position % 2 == 0 else ["2"]


def mark_side(browser, course: Course, assignment: str) -> tuple[Driver, float, tuple]:
    """Grade the first hand-graded question of every student with `course mark`."""
    server = start(course, assignment)
    question = server.marking.questions[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    driver = Driver(page)
    began = time.perf_counter()
    try:
        driver.goto(server.url)
        driver.click("#question-0")
        page.wait_for_selector("nav[data-next]")
        for position in range(len(server.marking.students)):
            for key in items_for(position) + ["ArrowRight"]:
                driver.press(key)
                page.wait_for_function(
                    "() => document.body.dataset.pending === '0'", timeout=TIMEOUT_MS
                )
        seconds = time.perf_counter() - began
    finally:
        context.close()
        server.stop()
    return driver, seconds, (question.notebook, question.grade_id)


def formgrader_side(
    browser, course: Course, assignment: str, question: tuple, wanted: dict, logs: Path
) -> tuple[Driver, float]:
    """Give every student ``wanted[student]`` on the question in formgrader."""
    notebook, grade_id = question
    port, token = free_port(), secrets.token_hex(16)
    config = logs / "jupyter-config"
    config.mkdir(exist_ok=True)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_PATH="")
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "server",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={course.root}",
        f"--ServerApp.jpserver_extensions={{'{FORMGRADER}': True}}",
    ]
    base = f"http://127.0.0.1:{port}"
    with running(
        command, f"{base}/api/status?token={token}", logs / "formgrader.log", env, course.root
    ):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", _offline)
        page = context.new_page()
        driver = Driver(page)
        began = time.perf_counter()
        try:
            driver.goto(f"{base}/formgrader?token={token}")
            driver.click("text=Manual Grading")
            driver.click(f"a[href$='/formgrader/gradebook/{assignment}']")
            driver.click(f"a[href$='/formgrader/gradebook/{assignment}/{notebook}']")
            driver.click("a.name-hidden:text-is('Submission #1')")
            _grade_in_formgrader(driver, course, assignment, question, wanted)
            seconds = time.perf_counter() - began
        finally:
            context.close()
    return driver, seconds


#: A submission page takes keys as intended once MathJax has run (it then focuses the box
#: named in the URL) and the grades and comments are loaded (a late load would overwrite
#: what was typed into the box).
READY = """() => window.formgrader && formgrader.loaded && formgrader.grades.loaded
    && formgrader.comments.loaded && window.MathJax && MathJax.loaded === true"""


def _offline(route) -> None:
    """127.0.0.1 as is, MathJax from the local copy, anything else refused."""
    url = route.request.url
    if url.startswith("http://127.0.0.1:"):
        route.continue_()
    elif url.startswith(MATHJAX_CDN):
        name = url[len(MATHJAX_CDN) :].split("?")[0]
        # MathJax.js itself, not latest.js (which asks the CDN for the newest version first)
        path = MATHJAX / ("MathJax.js" if name == "latest.js" else name)
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)
    else:
        route.abort()


def _grade_in_formgrader(
    driver: Driver, course: Course, assignment: str, question: tuple, wanted: dict
) -> None:
    page, grade_id = driver.page, question[1]
    score_box = f"#{grade_id}"
    for number in range(len(wanted)):
        page.wait_for_function(READY, timeout=TIMEOUT_MS)  # a person waits for it too
        student = _student_of(course, page.url)
        if number == 0:
            driver.click(score_box)  # the first page opens on the first box of the notebook
        else:  # Ctrl+. lands on the same box of the next submission once the page is ready
            page.wait_for_function(
                f"() => document.activeElement && document.activeElement.id === '{grade_id}'",
                timeout=TIMEOUT_MS,
            )
        score, comment = wanted[student]
        driver.type(f"{score:g}")
        while page.evaluate("document.activeElement.id") != f"{grade_id}-comment":
            driver.press("Tab")  # a task cell has an extra-credit box before its comment
        driver.type(comment)
        if number + 1 < len(wanted):
            before = driver.loads
            driver.press("Control+.")  # save, then go to the next submission
            _wait_until(lambda seen=before: driver.loads > seen, page)
        else:
            driver.press("Escape")  # save the last one and stay
            _wait_until(
                lambda last=student: (
                    grades(course, assignment, *question).get(last) == wanted[last]
                ),
                page,
            )


def _student_of(course: Course, url: str) -> str:
    submission_id = url.split("/formgrader/submissions/")[1].split("/")[0].split("?")[0]
    gb = Gradebook(course.db_url, course.course_id)
    try:
        return gb.find_submission_notebook_by_id(submission_id).student.id
    finally:
        gb.close()


def _wait_until(condition: Callable[[], bool], page: Page, seconds: float = 30) -> None:
    """Poll ``condition`` while Playwright keeps handling the page's events."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("formgrader did not save or move on in time")
        page.wait_for_timeout(50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01-cluetrain")
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    assignment = args.assignment
    if not (MATHJAX / "MathJax.js").exists():
        sys.exit(f"MathJax 2 missing: npm install --prefix {MATHJAX.parents[1]} mathjax@2.7.7")
    with tempfile.TemporaryDirectory(prefix="bench-marking-") as scratch:
        base = prepare(Path(scratch) / "base", assignment, args.count)
        roots = {}
        for name in ("mark", "formgrader"):
            roots[name] = Path(scratch) / name
            shutil.copytree(base.root, roots[name])
        ours, theirs = Course.load(roots["mark"]), Course.load(roots["formgrader"])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                mark, mark_s, question = mark_side(browser, ours, assignment)
                wanted = grades(ours, assignment, *question)
                form, form_s = formgrader_side(
                    browser, theirs, assignment, question, wanted, Path(scratch)
                )
            finally:
                browser.close()
        given = grades(theirs, assignment, *question)
    report(assignment, question, args.count, mark, mark_s, form, form_s)
    differing = sorted(s for s in wanted.keys() | given.keys() if wanted.get(s) != given.get(s))
    if differing or len(wanted) != args.count or any(v[0] is None for v in wanted.values()):
        for student in differing:
            print(
                f"  {student}: course mark {wanted.get(student)} / formgrader {given.get(student)}"
            )
        sys.exit("FAILED: the two sides did not give the same grades")
    print(f"same manual score and comment in both gradebooks for all {len(wanted)} students")


def report(assignment, question, count, mark, mark_s, form, form_s) -> None:
    """Both sides' counts, side by side, and the ratio."""
    print(f"{assignment} {'/'.join(question)}: {count} submissions, one grade each")
    print(f"{'':30}{'formgrader':>12}{'course mark':>14}")
    rows = [
        ("page loads", form.loads, mark.loads),
        ("clicks", form.clicks, mark.clicks),
        ("keystrokes (lines pasted)", form.keys, mark.keys),
        ("total actions", form.total(), mark.total()),
        ("wall time (s)", f"{form_s:.1f}", f"{mark_s:.1f}"),
    ]
    for label, theirs, ours in rows:
        print(f"{label:30}{theirs:>12}{ours:>14}")
    print(f"ratio course mark / formgrader: {mark.total() / form.total():.2f} (goal: ≤ 0.33)")
    typed = form.loads + form.clicks + form.typed_keys
    print(
        f"formgrader with every comment typed: {form.typed_keys} keystrokes, {typed} actions; "
        f"ratio {mark.total() / typed:.2f}"
    )


if __name__ == "__main__":
    main()
