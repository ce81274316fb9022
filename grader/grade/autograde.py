"""Autograde the submissions of one assignment into nbgrader's gradebook, fast and safely.

The result is what ``nbgrader autograde`` leaves: the gradebook's scores and the
notebooks in autograded/, so formgrader, ``nbgrader generate_feedback`` and exports work
unchanged. What differs is how it gets there:

- **speed**: nbgrader starts a kernel and re-imports everything for each student; here
  warm workers (``grader.grade.workers``) fork a fresh, pre-imported interpreter per
  submission, and both cores grade at once while this process sanitizes the next
  submissions and records the finished ones;
- **safety**: each submission is confined (no network, read-only course) and limited
  (time per cell, memory, output); a cell that breaks a limit costs its own points only;
- **resilience**: a file that is not a notebook, a renamed notebook, deleted or edited
  read-only cells: each is handled or reported, in French, to the student concerned, and
  the batch always goes on. submitted/ is only ever read.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import partial
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from grader.build.release import sync_gradebook
from grader.course import Course, CourseError
from grader.grade import steps
from grader.grade.inert import make_inert
from grader.grade.sandbox import Limits, visible_paths
from grader.grade.submissions import (
    ReferenceCell,
    drop_duplicate_ids,
    failed_tests_of,
    failure_message,
    find_submitted_notebook,
    inspect_notebook,
    released_checksums,
    renumber_cell_ids,
    restore_grading_metadata,
    restore_missing_cells,
    symlinks_in,
    tampered_cells,
)
from grader.grade.workers import Job, JobResult, WorkerError, WorkerPool

#: Written beside each student's autograded notebooks: what the student must be told.
MESSAGES_FILE = "messages-correction.txt"


@dataclass
class StudentResult:
    """The outcome of grading one student's submission."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    graded: bool = True
    messages: list[str] = field(default_factory=list)  # to the student, in French
    flags: list[str] = field(default_factory=list)  # to the instructor: what to look at

    @property
    def status(self) -> str:
        if not self.graded:
            return "failed"
        return "flagged" if self.flags else "graded"


def limits_of(course: Course) -> Limits:
    """The per-submission limits; the cell timeout is nbgrader's ``Execute.timeout``."""
    timeout = course.config.Execute.get("timeout", Limits.cell_timeout)
    grader = course.config.get("CourseGrader", {})
    return Limits(
        cell_timeout=float(timeout or Limits.cell_timeout),
        memory_mb=int(grader.get("memory_mb", Limits.memory_mb)),
        total_memory_mb=int(grader.get("total_memory_mb", Limits.total_memory_mb)),
        output_chars=int(grader.get("output_chars", Limits.output_chars)),
        file_mb=int(grader.get("file_mb", Limits.file_mb)),
    )


def grade_with(
    pool: WorkerPool,
    course: Course,
    assignment: str,
    students: list[str],
    on_progress: Callable[[StudentResult], None] | None = None,
    limits: Limits | None = None,
    unsafe: bool = False,
) -> list[StudentResult]:
    """Autograde each student's submission with ``pool``; one result per student, in order.

    Student code runs in the sandbox of ``grader.grade.sandbox``; where the kernel refuses
    it, nothing is graded unless ``unsafe`` (then every submission is flagged).

    Called by :func:`grader.grade.grade`, which starts the pool before this module (and
    nbgrader) is imported, so that the workers warm up meanwhile.
    """
    gc.freeze()  # what exists by now outlives the batch: spare it the collector meanwhile
    try:
        with tempfile.TemporaryDirectory(prefix="course-grade-") as staging:
            pool.configure(limits or limits_of(course), visible_paths(), unsafe)
            released = sync_gradebook(course, assignment)
            expected = _expected_notebooks(course, assignment)
            checksums = {name: released_checksums(nb) for name, nb in released.items()}
            with _gradebook(course) as gb, steps.batch_speedups(gb):
                batch = _Batch(course, assignment, expected, checksums, Path(staging), pool, gb)
                return batch.run(students, on_progress)
    except WorkerError as error:  # what is graded is kept: run again to finish
        raise CourseError(f"{error}; run `course grade {assignment}` again") from error
    finally:
        gc.unfreeze()


def _gradebook(course: Course) -> Gradebook:
    return Gradebook(course.db_url, str(course.config.CourseDirectory.course_id))


def _expected_notebooks(course: Course, assignment: str) -> dict[str, list[ReferenceCell]]:
    """Notebook name → its exercise cells in order, as the gradebook recorded them."""
    with _gradebook(course) as gb:
        return {nb.name: _reference_cells(nb) for nb in gb.find_assignment(assignment).notebooks}


def _reference_cells(notebook) -> list[ReferenceCell]:
    grades = {cell.name: cell for cell in notebook.grade_cells}
    solutions = {cell.name for cell in notebook.solution_cells}
    tasks = {cell.name: cell for cell in notebook.task_cells}
    cells = []
    for source in notebook.source_cells:
        graded = grades.get(source.name) or tasks.get(source.name)
        nbgrader = {
            "grade": source.name in grades,
            "grade_id": source.name,
            "locked": bool(source.locked),
            "schema_version": 3,
            "solution": source.name in solutions,
            "task": source.name in tasks,
            "checksum": source.checksum,
            "cell_type": source.cell_type,
        }
        if graded is not None:
            nbgrader["points"] = graded.max_score
        metadata = {"nbgrader": nbgrader}
        if source.locked:
            metadata.update(deletable=False, editable=False)
        cells.append(ReferenceCell(source.name, source.cell_type, source.source or "", metadata))
    return cells


@dataclass
class _Submission:
    """One student's submission between sanitizing and recording."""

    result: StudentResult
    origin: Path
    prepared: bool = False  # sanitized without an unexpected error
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    unusable: list[str] = field(default_factory=list)  # missing or unreadable: zero
    waiting: set[str] = field(default_factory=set)
    executed: dict[str, JobResult] = field(default_factory=dict)


class _Batch:
    """One grading run: prepare in this process, execute in the pool, record here."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        expected: dict[str, list[ReferenceCell]],
        checksums: dict[str, dict[str, str]],
        staging: Path,
        pool: WorkerPool,
        gradebook: Gradebook,
    ) -> None:
        self.course = course
        self.assignment = assignment
        self.expected = expected
        self.checksums = checksums
        self.staging = staging
        self.pool = pool
        self.gradebook = gradebook  # one engine for the whole batch
        self.db_url = course.db_url
        self.coursedir = course.api().coursedir
        self.sanitize = steps.Chain(steps.SANITIZE, course.config)
        self.record = steps.Chain(steps.RECORD, course.config)
        self.ignore = list(course.config.CourseDirectory.get("ignore", []))

    def run(
        self, students: list[str], on_progress: Callable[[StudentResult], None] | None
    ) -> list[StudentResult]:
        done: dict[str, StudentResult] = {}
        waiting: dict[str, _Submission] = {}

        def finish(submission: _Submission) -> None:
            result = submission.result
            self._guarded(result, partial(self._conclude, submission))
            self._guarded(result, partial(self._report, result))  # even if that failed
            done[result.student] = result
            if on_progress:
                on_progress(result)

        for student in students:
            origin = self.course.submitted_dir / student / self.assignment
            submission = _Submission(StudentResult(student), origin)
            self._guarded(submission.result, partial(self._prepare, submission))
            if submission.waiting and submission.result.graded:
                waiting[student] = submission
            else:
                finish(submission)
            self._collect(waiting, finish, timeout=0)
        while waiting:
            self._collect(waiting, finish, timeout=None)
        return [done[student] for student in students]

    def _guarded(self, result: StudentResult, step: Callable[[], None]) -> None:
        """Run one step for one student, as one transaction; an error fails that student only.

        Only :meth:`_conclude` writes to the gradebook, so each student's rows are written
        in one transaction, and a batch killed half-way leaves none for the students it had
        not finished.
        """
        try:
            with steps.one_transaction(self.gradebook):
                step()
        except Exception as error:  # the batch goes on; the instructor sees why
            result.graded = False
            result.messages.append(
                "La correction automatique de votre rendu a échoué ; votre enseignant·e est "
                "prévenu·e."
            )
            result.flags.append(f"grading error: {type(error).__name__}: {error}")

    def _collect(
        self,
        waiting: dict[str, _Submission],
        finish: Callable[[_Submission], None],
        timeout: float | None,
    ) -> None:
        """Finish the submissions whose notebooks are executed (wait up to ``timeout``)."""
        while waiting:
            job = self.pool.next_result(timeout)
            if job is None:
                return
            student, notebook = job.key.split("/", 1)
            submission = waiting.get(student)
            if submission is None:  # its preparation failed after submitting: already told
                continue
            submission.executed[notebook] = job
            submission.waiting.discard(notebook)
            if not submission.waiting:
                del waiting[student]
                finish(submission)
            timeout = 0

    # ------------------------------------------------------------------ before execution

    def _prepare(self, submission: _Submission) -> None:
        """Sanitize each notebook like nbgrader, then hand it to the workers.

        Sanitizing only reads the gradebook (the assignment's cells), never writes to it.
        """
        student, origin = submission.result.student, submission.origin
        if self._linked_away(submission.result, origin):
            return
        graded = self.course.autograded_dir / student / self.assignment
        if graded.exists():
            shutil.rmtree(graded)
        self._copy_files(origin, graded)
        for name, reference in self.expected.items():
            nb = self._sanitized(origin, name, reference, submission.result)
            if nb is None:
                submission.unusable.append(name)
            else:
                submission.notebooks[name] = nb
        submission.prepared = True
        if not submission.notebooks:
            submission.result.graded = False
            return
        workdir = self.staging / "autograded" / student / self.assignment
        if workdir.exists():
            shutil.rmtree(workdir)
        shutil.copytree(graded, workdir)
        for name, nb in submission.notebooks.items():
            _write_notebook(_without_tests(nb), workdir / f"{name}.ipynb")
            cells = [c.source if c.cell_type == "code" else None for c in nb.cells]
            trusted = {i for i, cell in enumerate(nb.cells) if _instructors(cell)}
            job = Job(f"{student}/{name}", str(workdir), cells, _GRADING_ENV, trusted)
            self.pool.submit(job)
            submission.waiting.add(name)

    def _linked_away(self, result: StudentResult, origin: Path) -> bool:
        """Whether the submission folder is, or holds, symbolic links (reported).

        A folder that is itself a link (to another student's, say) is not graded at all;
        links inside it are skipped by every step.
        """
        home = self.course.submitted_dir / result.student
        if home.is_symlink() or origin.is_symlink():
            result.graded = False
            result.messages.append(
                "Votre dossier de rendu est un lien symbolique vers un autre dossier : il n'a "
                "pas été corrigé ; contactez votre enseignant·e."
            )
            result.flags.append("submission folder is a symbolic link: not graded")
            return True
        links = symlinks_in(origin) if origin.is_dir() else []
        if links:
            shown = ", ".join(links[:10])
            result.messages.append(
                f"Votre rendu contient des liens symboliques ({shown}) : ils ont été ignorés."
            )
            result.flags.append(f"symbolic links ignored: {shown}")
        return False

    def _copy_files(self, origin: Path, graded: Path) -> None:
        """Other files as nbgrader lays them out: the student's, then the source's on top.

        Symbolic links are never followed (the student's are reported by
        :meth:`_linked_away`).
        """
        graded.mkdir(parents=True)
        source = self.course.source_dir / self.assignment
        for folder in (origin, source):
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if self._ignored(relative) or (folder == origin and _linked(path, origin)):
                    continue
                if not path.is_file():
                    continue
                target = graded / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)

    def _ignored(self, relative: Path) -> bool:
        patterns = [*self.ignore, "*.ipynb"]
        return any(fnmatch(part, pattern) for part in relative.parts for pattern in patterns)

    def _open_submission(self, student: str, origin: Path) -> None:
        timestamp = self.coursedir.get_existing_timestamp(str(origin))
        with self.gradebook as gb:
            gb.update_or_create_student(student)
            if timestamp:
                gb.update_or_create_submission(self.assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(self.assignment, student)

    def _sanitized(
        self, origin: Path, name: str, reference: list[ReferenceCell], result: StudentResult
    ) -> nbformat.NotebookNode | None:
        """The notebook as nbgrader would execute it, or ``None`` (reported) if unusable."""
        path, renamed_from = find_submitted_notebook(origin, name, set(self.expected))
        if path is None:
            result.messages.append(
                f"Le notebook « {name}.ipynb » ne fait pas partie du rendu : 0 point."
            )
            return None
        if renamed_from:
            result.messages.append(
                f"Votre notebook s'appelait « {renamed_from} » : il a été corrigé comme "
                f"« {name}.ipynb »."
            )
            result.flags.append(f"renamed notebook {renamed_from!r} graded as {name}.ipynb")
        inspection = inspect_notebook(path)
        if inspection.notebook is None:
            result.messages.append(
                f"{inspection.problem} Il n'a pas pu être corrigé et compte 0 point pour "
                "l'instant : rendez à nouveau le fichier original ou contactez votre "
                "enseignant·e."
            )
            result.flags.append(f"{path.name}: unreadable")
            return None
        regraded = restore_grading_metadata(inspection.notebook, reference)
        if regraded:
            result.messages.append(
                f"Dans « {name}.ipynb », les réglages de correction de cellules avaient été "
                f"modifiés ({', '.join(regraded)}) : ceux de l'exercice distribué ont été "
                "rétablis pour la correction."
            )
            result.flags.append(f"{name}.ipynb: grading metadata edited: {', '.join(regraded)}")
        duplicated = drop_duplicate_ids(inspection.notebook)
        if duplicated:
            result.messages.append(
                f"Dans « {name}.ipynb », des cellules de l'exercice étaient en double "
                f"({', '.join(duplicated)}) : seule la dernière copie de chacune est notée."
            )
            result.flags.append(f"{name}.ipynb: duplicated cells: {', '.join(duplicated)}")
        restored = restore_missing_cells(inspection.notebook, reference)
        if restored:
            result.messages.append(
                f"Dans « {name}.ipynb », des cellules de l'exercice avaient été supprimées "
                f"({', '.join(restored)}) : elles ont été rétablies dans leur version "
                "d'origine pour la correction ; une réponse supprimée compte 0 point."
            )
            result.flags.append(f"{name}.ipynb: deleted cells restored: {', '.join(restored)}")
        renumber_cell_ids(inspection.notebook)
        edited = [
            c
            for c in tampered_cells(inspection.notebook, self.checksums.get(name, {}))
            if c not in restored
        ]
        res = steps.resources(self.db_url, self.assignment, result.student, name)
        nb = self.sanitize(nbformat.from_dict(inspection.notebook), res)
        if edited:
            result.messages.append(
                f"Dans « {name}.ipynb », des cellules en lecture seule avaient été modifiées "
                f"({', '.join(edited)}) : elles ont été corrigées dans leur version d'origine."
            )
            result.flags.append(f"{name}.ipynb: read-only cells edited: {', '.join(edited)}")
        return nb

    def _score_zero(self, student: str, notebook: str) -> None:
        """An absent or unreadable notebook scores zero, as nbgrader scores a missing one."""
        with self.gradebook as gb:
            submitted = gb.find_submission_notebook(notebook, self.assignment, student)
            for grade in submitted.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()

    # ------------------------------------------------------------------- after execution

    def _record(self, submission: _Submission, name: str, job: JobResult) -> None:
        nb = submission.notebooks[name]
        result = submission.result
        unrun = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if index not in job.outputs:  # the worker stopped before it: no free points
                unrun.append(index)
            outputs = job.outputs.get(index, [NOT_EXECUTED])
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            cell.execution_count = job.counts.get(index)
        if unrun:
            reasons = "; ".join(i.detail for i in job.incidents if i.cell < 0) or "unknown"
            result.flags.append(f"{name}.ipynb: {len(unrun)} code cells not executed ({reasons})")
        if job.unconfined:
            result.flags.append(f"not sandboxed ({job.unconfined})")
        if job.alerts:
            shown = "; ".join(dict.fromkeys(job.alerts))
            result.flags.append(f"{name}.ipynb: student code reached into the grader: {shown}")
        result.messages.extend(_limit_messages(name, nb))  # before nbgrader trims outputs
        res = steps.resources(self.db_url, self.assignment, result.student, name)
        nb = self.record(nb, res)
        neutralised = make_inert(nb)  # after scoring: formgrader and feedback render it
        if neutralised:
            result.flags.append(f"{name}.ipynb: active HTML neutralised: {'; '.join(neutralised)}")
        path = self.course.autograded_dir / result.student / self.assignment / f"{name}.ipynb"
        _write_notebook(nb, path)
        result.messages.extend(failure_message(g, f) for g, f in failed_tests_of(nb).items())

    def _conclude(self, submission: _Submission) -> None:
        """Write the student's rows in the gradebook (nbgrader's code does) and notebooks."""
        if not submission.prepared:
            return
        student = submission.result.student
        self._open_submission(student, submission.origin)
        for name in submission.unusable:
            self._score_zero(student, name)
        for name, job in submission.executed.items():
            self._record(submission, name, job)

    def _report(self, result: StudentResult) -> None:
        """The score the gradebook now holds, and the messages file for the student."""
        result.score, result.max_score = self._scores(result.student)
        self._write_messages(result)

    def _scores(self, student: str) -> tuple[float, float]:
        with self.gradebook as gb:
            try:
                submission = gb.find_submission(self.assignment, student)
            except MissingEntry:
                return 0.0, gb.find_assignment(self.assignment).max_score
            return float(submission.score), float(submission.max_score)

    def _write_messages(self, result: StudentResult) -> None:
        folder = self.course.autograded_dir / result.student / self.assignment
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join(result.messages) or "Aucune remarque sur la correction automatique."
        (folder / MESSAGES_FILE).write_text(text + "\n", encoding="utf-8")


def _linked(path: Path, folder: Path) -> bool:
    """Whether ``path``, or a folder between it and ``folder``, is a symbolic link."""
    relative = path.relative_to(folder)
    return any((folder / step).is_symlink() for step in [relative, *relative.parents][:-1])


def _instructors(cell: nbformat.NotebookNode) -> bool:
    """A cell whose code is the instructor's, not the student's: a test or a locked cell."""
    meta = cell.metadata.get("nbgrader", {})
    return (
        cell.cell_type == "code"
        and not meta.get("solution")
        and (bool(meta.get("grade")) or bool(meta.get("locked")))
    )


def _without_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The copy student code may read (the answer store reads its metadata): no tests.

    The sanitized notebook holds the hidden tests that nbgrader put back; the working copy
    has the instructor's cells emptied, so reading the file reveals nothing.
    """
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if _instructors(cell):
            cell.source = ""
    return copy


def _write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write as nbformat 4 without re-validating (nbgrader's steps already checked it)."""
    path.write_text(nbformat.v4.writes(nb), encoding="utf-8")


#: The output of a code cell the worker never ran: an error, so a test there scores 0.
NOT_EXECUTED = {
    "output_type": "error",
    "ename": "NotExecuted",
    "evalue": "Cette cellule n'a pas pu être exécutée pendant la correction.",
    "traceback": ["NotExecuted: cette cellule n'a pas pu être exécutée pendant la correction."],
}

#: What nbgrader sets while executing (the answer store reads it).
_GRADING_ENV = {"NBGRADER_EXECUTION": "autograde"}


def _cell_name(cell: nbformat.NotebookNode, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cellule n° {index + 1}"


def _limit_messages(name: str, nb: nbformat.NotebookNode) -> list[str]:
    """What the limits did, cell by cell, in words the student understands."""
    texts = {
        "CellTimeoutError": "a dépassé le temps maximal d'exécution et a été interrompue",
        "DeadKernelError": "a arrêté le processus de correction ; elle n'a pas été notée",
        "MemoryError": "a dépassé la mémoire autorisée",
        "NotExecuted": "n'a pas pu être exécutée ; votre enseignant·e est prévenu·e",
    }
    messages = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            what = texts.get(output.get("ename", ""))
            if output.get("output_type") == "stream" and "[… sortie tronquée" in output.get(
                "text", ""
            ):
                what = "a affiché trop de texte : la suite de sa sortie a été coupée"
            if what:
                messages.append(f"{name}.ipynb, {_cell_name(cell, index)} : la cellule {what}.")
    return messages


def auto_scores(course: Course, assignment: str) -> dict[tuple[str, str, str], float | None]:
    """(student, notebook, grade id) → the autograder's score, for every graded cell.

    What ``nbgrader autograde`` and ``course grade`` must agree on, cell by cell.
    """
    with _gradebook(course) as gb:
        return {
            (submission.student.id, notebook.name, grade.name): grade.auto_score
            for submission in gb.find_assignment(assignment).submissions
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
