"""The instructor's report on one assignment: one self-contained HTML file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from grader.course import SCHOOL_TIMEZONE, Course, CourseError
from grader.deadlines import reapply_penalties
from grader.export.grades import grade_table, question_max_scores
from grader.report import plots
from grader.report.analytics import NOT_GRADED, item_statistics

TEMPLATES = Path(__file__).parent / "templates"
ZONE = ZoneInfo(SCHOOL_TIMEZONE)


@dataclass
class ReportResult:
    """Where the report went, its per-question table, and the questions worth a look."""

    path: Path
    items: pd.DataFrame
    flagged: dict[str, str] = field(default_factory=dict)
    #: when each plotted submission came in (school's wall-clock time), by student id
    times: pd.Series | None = None


def build_report(course: Course, assignment: str, out: Path) -> ReportResult:
    """Analyse the gradebook's scores of ``assignment`` and write the HTML report to ``out``.

    Item statistics and plots are about the work handed in; students who handed nothing in
    are counted apart (they would make every question look harder than it is).
    """
    course.require_assignment(assignment)
    reapply_penalties(course, assignment)  # a hand grade may have changed the score
    everyone = grade_table(course, assignment, per_question=True)
    table = everyone[everyone["submitted"]] if not everyone.empty else everyone
    if table.empty:
        raise CourseError(f"no graded submission of {assignment}: run `course grade` first")
    maxima = question_max_scores(course, assignment)
    scores = table.set_index("student_id").reindex(columns=list(maxima)).astype(float)
    items = item_statistics(scores, maxima)
    totals = table.set_index("student_id")["score"]
    times = local_times(table.set_index("student_id")["timestamp"])
    figures = {
        "distribution": plots.score_distribution(totals, float(table["max_score"].max())),
        "difficulty": plots.difficulty(items),
        "discrimination": plots.discrimination(items),
        "time": plots.time_versus_score(times, totals, _local_due(course, assignment)),
    }
    flagged = {q: w for q, w in items["warning"].items() if w and w != NOT_GRADED}
    missing = len(everyone) - len(table)
    html = _render(course, assignment, table, items, flagged, figures, missing)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return ReportResult(out, items, flagged, times)


def local_times(stamps: pd.Series) -> pd.Series:
    """ISO 8601 times with an offset (the grade table's) as naive wall-clock school times.

    ``format="ISO8601"`` reads every row on its own: guessing one format from the first
    row turned the times without microseconds (Moodle's) into missing values.
    """
    parsed = pd.to_datetime(stamps.replace("", None), utc=True, format="ISO8601")
    return parsed.dt.tz_convert(ZONE).dt.tz_localize(None)


def _local_due(course: Course, assignment: str) -> datetime | None:
    with course.gradebook() as gb:
        due = gb.find_assignment(assignment).duedate
    if due is None:
        return None
    return due.replace(tzinfo=UTC).astimezone(ZONE).replace(tzinfo=None)


def _render(
    course: Course,
    assignment: str,
    table: pd.DataFrame,
    items: pd.DataFrame,
    flagged: dict[str, str],
    figures: dict,
    missing: int,
) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    return env.get_template("report.html.j2").render(
        assignment=assignment,
        course_id=course.course_id,
        made=datetime.now(ZONE).strftime("%Y-%m-%d %H:%M"),
        students=len(table),
        missing=missing,
        pending=int(table["needs_manual_grade"].sum()),
        mean=float(table["score"].mean()),
        median=float(table["score"].median()),
        max_score=float(table["max_score"].max()),
        items=items.reset_index().to_dict("records"),
        flagged=flagged,
        images={name: plots.to_data_uri(figure) for name, figure in figures.items()},
    )


def _number(value: float, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"
