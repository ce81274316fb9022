"""The `course` command: each subcommand parses its options and calls one function."""

from __future__ import annotations

import gc
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from exercises.audit.page import MAX_BYTES, TIMEOUT_SECONDS, AuditError
from grader.course import SCHOOL_TIMEZONE, Course, CourseError, safe_db_url

#: Text from submissions (names, files, messages) is printed through ``escape``: a file
#: named "[bold red]x.ipynb" is shown as it is, not as Rich markup.
console = Console()
errors = Console(stderr=True)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Progress]:
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[item]}"),
    ]
    with Progress(*columns, console=console, transient=False) as progress:
        progress.add_task(label, total=total, item="")
        yield progress


def _out(course: Course, given: Path | None, default: str) -> Path:
    """Where a command writes: the ``--out`` given, else ``out/…`` in the course root."""
    return given if given is not None else course.root / "out" / default


def _advance(progress: Progress, item: str) -> None:
    task = progress.tasks[0].id
    progress.update(task, advance=1, item=escape(item))


def _quiet_libraries() -> None:
    """nbgrader and SQLAlchemy log and warn a lot; the CLI reports what matters itself."""
    warnings.filterwarnings("ignore")
    logging.getLogger("traitlets").setLevel(logging.ERROR)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Course root (the folder with nbgrader_config.py). Default: found from here, else $COURSE_DIR.",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Build, present, grade and export the course."""
    _quiet_libraries()
    ctx.obj = root


def _course(ctx: click.Context) -> Course:
    root = ctx.obj
    return Course.load(root) if root else Course.find()


@main.command("build")
@click.option("--check", is_flag=True, help="Change nothing; fail if release/ is out of date.")
@click.argument("assignments", nargs=-1)
@click.pass_context
def build_command(ctx: click.Context, check: bool, assignments: tuple[str, ...]) -> None:
    """Regenerate release/ from source/ with nbgrader's generate_assignment."""
    from grader.build.release import build, stale
    from grader.deadlines import DEADLINES_FILE, apply_deadlines

    course = _course(ctx)
    if check and assignments:
        raise click.UsageError("--check compares every assignment: name none")
    names = list(assignments) or course.assignments()
    if check:
        with _progress(len(course.assignments()), "Checking release/") as progress:
            out_of_date = stale(course, on_progress=lambda name: _advance(progress, name))
        if out_of_date:
            raise CourseError(
                "release/ is out of date for: " + ", ".join(out_of_date) + " (run `course build`)"
            )
        console.print("release/ is in sync with source/.")
        return
    with _progress(len(names), "Releasing") as progress:
        built = build(course, names, on_progress=lambda name: _advance(progress, name))
    console.print(f"Released {len(built)} assignment(s) into {course.release_dir}")
    dated = apply_deadlines(course, built)
    if dated:
        console.print(f"Due dates from {DEADLINES_FILE} set in the gradebook: {', '.join(dated)}")


@main.command("slides")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the HTML slides (default: out/slides in the course).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each deck to a PDF handout (16:9, one slide per page, numbered), "
    "with Chromium.",
)
@click.option(
    "--notes",
    is_flag=True,
    help="With --pdf: put the speaker notes in the handout, on a page after each slide.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Also measure every slide in Chromium at 1280x720 (text size, lines, overflow, "
    "figure labels, French punctuation); fail if a room could not read one.",
)
@click.argument("lessons", nargs=-1)
@click.pass_context
def slides_command(
    ctx: click.Context,
    out: Path | None,
    pdf: bool,
    notes: bool,
    check: bool,
    lessons: tuple[str, ...],
) -> None:
    """Turn lessons into self-contained reveal.js HTML files (and PDF handouts).

    LESSONS are module folder names (e.g. 02-voix-humaine); none means every lesson.
    Present with the HTML file: press s for the speaker view (notes, next slide, timer).
    """
    from grader.slides import SlidesError, export_lesson, find_lessons
    from grader.slides.handout import write_handouts

    if notes and not pdf:
        raise click.UsageError("--notes goes with --pdf")
    course = _course(ctx)
    chosen = _chosen_lessons(find_lessons(course.modules_dir), lessons)
    target = _out(course, out, "slides")
    try:
        with _progress(len(chosen), "Slides") as progress:
            written = []
            for lesson in chosen:
                written.append(export_lesson(lesson, target))
                _advance(progress, lesson.parent.name)
        decks = list(written)
        if pdf:
            with _progress(len(written), "Handouts") as progress:
                written += write_handouts(
                    written,
                    target,
                    notes=notes,
                    on_progress=lambda path: _advance(progress, path.name),
                )
        problems = _check_slides(decks) if check else []
    except SlidesError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        console.print(f"  {path}")
    if problems:
        for problem in problems:
            console.print(f"  [red]✗[/red] {problem}", highlight=False)
        raise click.ClickException(f"{len(problems)} slide problem(s): a room could not read them")


def _chosen_lessons(found: list[Path], names: tuple[str, ...]) -> list[Path]:
    """The lessons named on the command line (module folder names), or all of them."""
    if not names:
        return found
    by_name = {path.parent.name: path for path in found}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise click.BadParameter(
            f"no lesson {', '.join(unknown)} (choose from {', '.join(by_name)})",
            param_hint="LESSONS",
        )
    return [by_name[name] for name in names]


def _check_slides(decks: list[Path]) -> list[str]:
    """Every readability problem of ``decks``, each prefixed with its deck's file name."""
    from grader.slides.readability import check_decks

    return [
        f"{deck.name}: {problem}"
        for deck, problems in check_decks(decks).items()
        for problem in problems
    ]


@main.command("grade")
@click.argument("assignment")
@click.argument("students", nargs=-1)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Submissions graded at once (default: one per CPU core).",
)
@click.option(
    "--unsafe-no-sandbox",
    "unsafe",
    is_flag=True,
    help="Where the kernel refuses the sandbox, grade anyway, unconfined (every "
    "submission is flagged). Only for code you trust.",
)
@click.pass_context
def grade_command(
    ctx: click.Context,
    assignment: str,
    students: tuple[str, ...],
    workers: int | None,
    unsafe: bool,
) -> None:
    """Autograde every submission (or the named students) into the gradebook."""
    from grader.grade import grade

    course = _course(ctx)
    course.require_assignment(assignment)
    total = len(students) or len(course.submitted_students(assignment))
    with _progress(total, f"Grading {assignment}") as progress:
        results = grade(
            course,
            assignment,
            students or None,
            on_progress=lambda result: _advance(progress, result.student),
            workers=workers,
            unsafe=unsafe,
        )
    _print_results(results)
    console.print(f"Gradebook: {safe_db_url(course.db_url)}")


def _print_results(results: list) -> None:
    """A table per student, then the summary: graded, failed (why), flagged (what)."""
    table = Table("student", "score", "status", "message to the student")
    for result in results:
        table.add_row(
            escape(result.student),
            f"{result.score:g} / {result.max_score:g}",
            result.status,
            escape("\n".join(result.messages)),
        )
    console.print(table)
    failed = [r for r in results if not r.graded]
    flagged = [r for r in results if r.graded and r.flags]
    console.print(
        f"{len(results)} submission(s): {len(results) - len(failed)} graded "
        f"({len(flagged)} flagged), {len(failed)} failed."
    )
    for result in failed:
        console.print(
            f"  failed  {result.student}: {'; '.join(result.flags) or 'see messages'}",
            soft_wrap=True,
            markup=False,
        )
    for result in flagged:
        console.print(
            f"  flagged {result.student}: {'; '.join(result.flags)}", soft_wrap=True, markup=False
        )


@main.command("export")
@click.argument("assignment")
@click.option("--per-question", is_flag=True, help="One column per graded cell.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file (default: out/grades-ASSIGNMENT.csv in the course).",
)
@click.option(
    "--moodle",
    "moodle_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the grading worksheet that Moodle's assignment upload imports.",
)
@click.option(
    "--moodle-language",
    default="fr",
    show_default=True,
    help="fr or en: the language of the Moodle interface you upload with (sets the columns).",
)
@click.option(
    "--moodle-max-grade",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Rescale to the Moodle assignment's maximum grade (default: the assignment's points).",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    assignment: str,
    per_question: bool,
    out: Path | None,
    moodle_out: Path | None,
    moodle_language: str,
    moodle_max_grade: float | None,
) -> None:
    """Write the grades of an assignment as CSV (and for Moodle with --moodle)."""
    from grader.export import export_grades

    course = _course(ctx)
    result = export_grades(
        course,
        assignment,
        _out(course, out, f"grades-{assignment}.csv"),
        per_question=per_question,
        moodle_out=moodle_out,
        moodle_language=moodle_language,
        moodle_max_grade=moodle_max_grade,
    )
    console.print(f"{result.rows} row(s) written to {result.path}")
    _warn(result.missing, "in the gradebook handed nothing in (0 in the CSV)")
    if result.moodle_path:
        console.print(f"{result.moodle_rows} row(s) for Moodle written to {result.moodle_path}")
        _warn(result.without_lms_id, "not from a Moodle download, left out of the Moodle file")
        _warn(result.pending, "waiting for hand grading: empty grade, Moodle skips them")


def _warn(students: list[str], why: str) -> None:
    if students:
        console.print(f"[yellow]{len(students)} student(s) {why}:[/] {escape(', '.join(students))}")


@main.command("feedback")
@click.argument("assignment")
@click.option(
    "--zip",
    "zip_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Zip for Moodle's feedback upload (default: out/feedback-ASSIGNMENT.zip).",
)
@click.pass_context
def feedback_command(ctx: click.Context, assignment: str, zip_out: Path | None) -> None:
    """Write each graded student's feedback (HTML, French) and a zip to upload to Moodle."""
    from grader.feedback import give_feedback

    course = _course(ctx)
    result = give_feedback(course, assignment, _out(course, zip_out, f"feedback-{assignment}.zip"))
    console.print(f"Feedback for {len(result.folders)} student(s) in {course.feedback_dir}")
    if result.zip_path:
        console.print(f"Zip for Moodle ({len(result.zipped)} student(s)): {result.zip_path}")
        _warn(result.without_lms_id, "not from a Moodle download, not in the zip")
    else:
        console.print("Nobody was collected from a Moodle zip: no zip for Moodle written.")


@main.command("collect")
@click.argument("assignment")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV tying LMS names or ids to student ids (columns student_id, lms_id, lms_name).",
)
@click.option(
    "--timezone",
    default=SCHOOL_TIMEZONE,
    show_default=True,
    help="Time zone of the times written in the zip (Moodle's server).",
)
@click.option("--force", is_flag=True, help="Replace submissions already collected.")
@click.pass_context
def collect_command(
    ctx: click.Context,
    assignment: str,
    source: Path,
    map_file: Path | None,
    timezone: str,
    force: bool,
) -> None:
    """File the notebooks of a Moodle zip (or per-student folders) under submitted/."""
    from grader.collect import collect

    course = _course(ctx)
    report = collect(course, assignment, source, map_file, timezone=timezone, force=force)
    table = Table("in the download", "student", "outcome", "detail", title=f"Collecting {source}")
    styles = {"filed": "green", "not filed": "red", "kept": "yellow"}
    for line in report.lines:
        style = styles.get(line.outcome, "")
        outcome = f"[{style}]{line.outcome}[/]" if style else line.outcome
        table.add_row(escape(line.source), escape(line.student), outcome, escape(line.detail))
    console.print(table)
    console.print(
        f"{len(report.filed)} filed, {len(report.unchanged)} unchanged, "
        f"{len(report.problems)} problem(s) to look at, in {course.submitted_dir}"
    )


@main.command("report")
@click.argument("assignment")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file (default: out/report-ASSIGNMENT.html in the course).",
)
@click.pass_context
def report_command(ctx: click.Context, assignment: str, out: Path | None) -> None:
    """Item analytics of an assignment: difficulty, discrimination, suspicious questions."""
    from grader.report import build_report

    course = _course(ctx)
    result = build_report(course, assignment, _out(course, out, f"report-{assignment}.html"))
    console.print(f"Report written to {result.path}")
    for question, why in result.flagged.items():
        console.print(f"[yellow]  {question}[/]: {why}")


@main.command("deadline")
@click.argument("assignment")
@click.argument("when", metavar="[DATETIME]", required=False)
@click.pass_context
def deadline_command(ctx: click.Context, assignment: str, when: str | None) -> None:
    """Set an assignment's due date (ISO 8601; school time without an offset), or show it."""
    from grader.deadlines import parse_moment, set_deadline, show_deadline

    course = _course(ctx)
    if when is None:
        deadline = show_deadline(course, assignment)
    else:
        deadline = set_deadline(course, assignment, parse_moment(when))
    _print_deadline(deadline)


@main.command("extend")
@click.argument("assignment")
@click.argument("student")
@click.option(
    "--hours",
    type=click.FloatRange(min=0),
    default=None,
    help="Hours after the due date (0 removes).",
)
@click.option(
    "--until", "until", default=None, metavar="DATETIME", help="The student's own deadline."
)
@click.pass_context
def extend_command(
    ctx: click.Context, assignment: str, student: str, hours: float | None, until: str | None
) -> None:
    """Give one student an extension on an assignment (it replaces an earlier one)."""
    from grader.deadlines import extend, parse_moment

    if (hours is None) == (until is None):
        raise click.UsageError("give exactly one of --hours N and --until DATETIME")
    course = _course(ctx)
    moment = parse_moment(until) if until else None
    _print_deadline(extend(course, assignment, student, hours=hours, until=moment))


def _print_deadline(deadline) -> None:
    from grader.deadlines import local_text

    due = local_text(deadline.due) or "no due date"
    console.print(f"{escape(deadline.assignment)}: due {due}")
    if not deadline.extensions:
        console.print("No extensions.")
        return
    table = Table("student", "extension", "own deadline", title="Extensions")
    for student, extension in sorted(deadline.extensions.items()):
        given = (
            f"until {local_text(extension.until)}" if extension.until else f"+{extension.hours:g} h"
        )
        own = local_text(extension.deadline(deadline.due))
        table.add_row(escape(student), given, own)
    console.print(table)


@main.command("status")
@click.argument("assignment", required=False)
@click.pass_context
def status_command(ctx: click.Context, assignment: str | None) -> None:
    """Where each student stands: hand-in, lateness, grading, hand grading, feedback."""
    from grader.status import course_status

    course = _course(ctx)
    rows = course_status(course, assignment)
    _print_status(rows, several=assignment is None)


def _print_status(rows: list, several: bool) -> None:
    from zoneinfo import ZoneInfo

    from grader.status import late_text

    zone = ZoneInfo(SCHOOL_TIMEZONE)
    headers = ["assignment"] if several else []
    headers += ["student", "name", "handed in", "late", "penalty", "score", "grading"]
    table = Table(*headers, "hand grading", "feedback", title="Status")
    colours = {"not submitted": "red", "failed": "red", "not graded yet": "yellow"}
    for row in rows:
        when = row.handed_in.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.handed_in else ""
        grading = row.grading + (f" ({row.reason})" if row.reason else "")
        colour = colours.get(row.grading)
        feedback = ("released: " + row.released) if row.released else (
            "generated" if row.feedback_generated else ""
        )  # fmt: skip
        cells = [row.assignment] if several else []
        late = late_text(row.seconds_late)
        if row.extended_to:  # lateness counts from the student's own deadline
            late += f" (extended to {row.extended_to.astimezone(zone):%Y-%m-%d %H:%M})"
        cells += [row.student, row.name, when, late.strip()]
        cells += [
            f"{row.late_penalty:g}" if row.late_penalty else "",
            f"{row.score:g} / {row.max_score:g}",
        ]
        cells += [f"[{colour}]{escape(grading)}[/]" if colour else escape(grading)]
        table.add_row(*[escape(c) for c in cells[:-1]], cells[-1], row.hand_grading, feedback)
    console.print(table)
    missing = sum(1 for row in rows if not row.submitted)
    console.print(f"{len(rows)} row(s), {missing} not submitted (score 0).")


@main.command("lab")
@click.option("--port", type=int, default=None, help="Port for JupyterLab.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option(
    "--student",
    is_flag=True,
    help="The student view: French, lessons and exercises only, no nbgrader instructor tools.",
)
@click.option(
    "--student-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The student's working folder (default ~/communautes-en-ligne); implies --student.",
)
@click.pass_context
def lab_command(
    ctx: click.Context, port: int | None, no_browser: bool, student: bool, student_dir: Path | None
) -> None:
    """Start JupyterLab on the course (widget answers are saved in the notebooks)."""
    from grader.lab import DEFAULT_STUDENT_DIR, launch_lab

    if student and student_dir is None:
        student_dir = DEFAULT_STUDENT_DIR
    launch_lab(_course(ctx).root, port=port, open_browser=not no_browser, student_dir=student_dir)


def _say_whole_line(text: str) -> None:
    """A line that must stay whole (a URL to copy), printed without wrapping or markup."""
    console.print(escape(text), soft_wrap=True, highlight=False)


@main.command("mark")
@click.argument("assignment")
@click.argument("question", required=False)
@click.option("--port", type=int, default=0, help="Port on 127.0.0.1 (default: any free one).")
@click.pass_context
def mark_command(ctx: click.Context, assignment: str, question: str | None, port: int) -> None:
    """Grade one question across all students with rubric items (a page on 127.0.0.1)."""
    from grader.mark import serve

    try:
        serve(_course(ctx), assignment, question, port=port, say=_say_whole_line)
    except ValueError as error:
        raise click.ClickException(str(error)) from error


@main.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for slides, grades and the scratch gradebook (default: out in the course).",
)
@click.pass_context
def demo_command(ctx: click.Context, out: Path | None) -> None:
    """Build, make slides, and grade the sample submissions shipped in the repository."""
    from grader.demo import run_demo

    course = _course(ctx)
    workdir = (out or course.root / "out").resolve()
    result = run_demo(course, workdir, say=lambda text: console.print(f"[bold]{text}[/]"))
    for results in result.results.values():
        _print_results(results)
    console.print("\n[bold]Where things are[/]")
    console.print(f"  student release : {result.release}")
    console.print(f"  slides          : {', '.join(str(p) for p in result.slides)}")
    console.print(f"  gradebook       : {result.gradebook}")
    for assignment, path in result.grades.items():
        console.print(f"  grades ({assignment}) : {path}")
    console.print(f"  feedback        : {result.feedback}")


@main.command("audit")
@click.argument("page")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the contract).")
@click.option("--url", default=None, help="Where a local file lives on the web (sets https, host).")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=MAX_BYTES,
    show_default=True,
    help="Refuse pages larger than this.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds to wait for a URL to answer.",
)
def audit_command(
    page: str, as_json: bool, url: str | None, max_bytes: int, timeout: float
) -> None:
    """Gather the audit evidence of PAGE, a local HTML file or an http(s) URL."""
    import json

    from exercises.audit import audit_page

    report = audit_page(page, url=url, max_bytes=max_bytes, timeout=timeout)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    table = Table("signal", "value", title=f"{report['source']} ({report['encoding']})")
    for key, value in report["signals"].items():
        table.add_row(key, json.dumps(value, ensure_ascii=False))
    console.print(table)


def run() -> None:
    """Entry point: a CourseError becomes one line on stderr and exit status 1."""
    try:
        main(standalone_mode=False)
    except (CourseError, AuditError) as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
    except click.exceptions.Abort:
        errors.print("aborted")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    finally:
        # Leaving walks the whole heap for cycles (0.3 s after grading); nothing in it
        # needs collecting, since the process ends. Exit handlers still run.
        gc.freeze()
