"""One French page per student: score per question, why a test failed, the grader's comments.

nbgrader's feedback is the whole notebook with scores in the margin; students (and the
LMS) also need a short page that says what counted. Everything here comes from the
gradebook and the autograded notebook, never from test code: a failed test shows only
its exception's name and message, which the test's author wrote for the student.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbgrader.api import MissingEntry

from grader.course import SCHOOL_TIMEZONE, Course
from grader.export.grades import after_penalty, awaits_hand_grade, late_penalty, source_order
from grader.grade.autograde import MESSAGES_FILE
from grader.grade.submissions import failed_tests_of, failure_message

SUMMARY_FILE = "resultats.html"
TEMPLATES = Path(__file__).parent / "templates"
#: Times are shown to students in the school's zone.
TIMEZONE = ZoneInfo(SCHOOL_TIMEZONE)
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
#: nbgrader's one automatic comment, on an answer cell left as released.
AUTO_COMMENTS = {"No response.": "Pas de réponse."}


@dataclass
class Question:
    """One graded cell as the student sees it."""

    grade_id: str
    score: float | None
    max_score: float
    pending: bool = False
    failure: str | None = None
    comment: str | None = None


@dataclass
class Summary:
    """Everything the page shows."""

    student: str
    name: str
    assignment: str
    questions: list[Question] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    raw_score: float = 0.0
    late_penalty: float = 0.0
    max_score: float = 0.0
    handed_in: datetime | None = None
    graded: bool = False
    #: nbgrader's annotated notebooks (HTML) that go with this page
    pages: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return after_penalty(self.raw_score, self.late_penalty)

    @property
    def pending(self) -> bool:
        return any(question.pending for question in self.questions)


def write_summary(course: Course, assignment: str, student: str) -> Path:
    """Write feedback/STUDENT/ASSIGNMENT/resultats.html and return its path.

    For a submission nbgrader could not turn into feedback (no notebook to convert);
    otherwise nbgrader's generate_feedback writes the page itself
    (`grader.feedback.preprocessors.EmbedSummary`).
    """
    summary = gather(course, assignment, student)
    target = course.feedback_dir / student / assignment / SUMMARY_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    summary.pages = sorted(p.name for p in target.parent.glob("*.html") if p.name != SUMMARY_FILE)
    target.write_text(render(summary), encoding="utf-8")
    return target


def feedback_pages(course: Course, assignment: str, student: str) -> list[str]:
    """The notebook pages generate_feedback writes for this student: one per autograded notebook."""
    folder = course.autograded_dir / student / assignment
    return sorted(path.stem + ".html" for path in folder.glob("*.ipynb"))


def gather(course: Course, assignment: str, student: str) -> Summary:
    """Read the gradebook and the autograded files of one student."""
    folder = course.autograded_dir / student / assignment
    failures = failed_tests(folder)
    summary = Summary(student=student, name=student, assignment=assignment)
    with course.gradebook() as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            submission = None
        if submission is not None:
            _fill(summary, submission, failures)
    shown = {failure_message(q.grade_id, q.failure) for q in summary.questions if q.failure}
    summary.remarks = _remarks(folder, shown)
    return summary


def _fill(summary: Summary, submission, failures: dict[tuple[str, str], str]) -> None:
    person = submission.student
    full = " ".join(part for part in (person.first_name, person.last_name) if part)
    summary.name = full or summary.student
    summary.graded = True
    summary.raw_score = float(submission.score)
    summary.late_penalty = late_penalty(submission)
    summary.max_score = float(submission.max_score)
    summary.handed_in = submission.timestamp
    for notebook in submission.notebooks:
        comments = {c.name: _comment_text(c) for c in notebook.comments if _comment_text(c)}
        position = source_order(notebook.notebook)
        for grade in sorted(notebook.grades, key=lambda g: position(g.name)):
            pending = awaits_hand_grade(grade)
            summary.questions.append(
                Question(
                    grade_id=grade.name,
                    score=None if pending or grade.score is None else float(grade.score),
                    max_score=float(grade.max_score),
                    pending=pending,
                    failure=failures.get((notebook.name, grade.name)),
                    comment=comments.pop(grade.name, None),
                )
            )
        summary.comments.extend(sorted(comments.items(), key=lambda kv: position(kv[0])))


def _comment_text(comment) -> str:
    text = (comment.manual_comment or "").strip()
    if text:
        return text
    auto = (comment.auto_comment or "").strip()
    return AUTO_COMMENTS.get(auto, auto)


def failed_tests(folder: Path) -> dict[tuple[str, str], str]:
    """(notebook name, grade id) → "Exception: message" of each test cell that raised.

    Grade ids are unique within a notebook only, hence the notebook's name (the file's stem,
    as the gradebook names it) in the key. An unreadable notebook has no failures to show.
    """
    failures = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            continue
        for grade_id, message in failed_tests_of(nb).items():
            failures[path.stem, grade_id] = message
    return failures


def _remarks(folder: Path, shown: set[str]) -> list[str]:
    """The grader's messages to the student, minus the test failures the table shows.

    Only the file `course grade` writes: the other ``.txt`` files there are nbgrader's
    (``timestamp.txt``, the exchange's ``submission_secret.txt``) or the student's own.
    """
    path = folder / MESSAGES_FILE
    if not path.is_file():
        return []
    lines = path.read_text("utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and line.strip() not in shown]


# -- rendering ---------------------------------------------------------------------------------
def points(value: float | None) -> str:
    """French number: 7.5 → "7,5", 3.0 → "3"."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def french_date(moment: datetime | None) -> str:
    """A gradebook time (naive UTC) as "20 novembre 2026 à 19:00", in the school's zone."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(TIMEZONE)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


def render(summary: Summary) -> str:
    """The page as HTML; every value from students or graders is escaped."""
    return _templates().get_template("resultats.html.j2").render(s=summary, embedded=False)


def render_section(summary: Summary) -> str:
    """The same summary as one ``<section>``, for the top of nbgrader's feedback page."""
    return _templates().get_template("resultats_section.html.j2").render(s=summary, embedded=True)


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["points"] = points
    env.filters["french_date"] = french_date
    return env
