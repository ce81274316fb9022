"""Autograde the submissions of one assignment into nbgrader's gradebook.

nbgrader does the grading; this module makes a batch of real submissions safe to feed it:
the originals in submitted/ are copied to a staging folder and never touched, a file that
is not a readable notebook is left out (nbgrader then scores it zero) instead of aborting
that student, each student is graded on their own so one failure never stops the batch,
and every problem becomes a message, in French, for the student concerned.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from grader.build.release import sync_gradebook
from grader.course import Course, CourseError, nbgrader_error
from grader.grade.submissions import ReferenceCell, inspect_notebook, restore_missing_cells

#: Written beside each student's autograded notebooks: what the student must be told.
MESSAGES_FILE = "messages-correction.txt"


@dataclass
class StudentResult:
    """The outcome of grading one student's submission."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    graded: bool = True
    messages: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.graded:
            return "failed"
        return "graded with remarks" if self.messages else "graded"


def submitted_students(course: Course, assignment: str) -> list[str]:
    """Students with a folder for this assignment in submitted/."""
    if not course.submitted_dir.is_dir():
        return []
    return sorted(
        folder.name for folder in course.submitted_dir.iterdir() if (folder / assignment).is_dir()
    )


def grade(
    course: Course,
    assignment: str,
    students: Iterable[str] | None = None,
    on_progress: Callable[[StudentResult], None] | None = None,
) -> list[StudentResult]:
    """Autograde each student's submission; return one result per student, in order."""
    course.require_assignment(assignment)
    chosen = list(students) if students else submitted_students(course, assignment)
    if not chosen:
        raise CourseError(f"no submissions for {assignment} in {course.submitted_dir}")
    missing = [s for s in chosen if not (course.submitted_dir / s / assignment).is_dir()]
    if missing:
        raise CourseError(f"no submission of {assignment} for: {', '.join(missing)}")
    sync_gradebook(course, assignment)
    results = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as staging:
        batch = _Batch(course, assignment, _expected_notebooks(course, assignment), Path(staging))
        for student in chosen:
            result = batch.grade(student)
            results.append(result)
            if on_progress:
                on_progress(result)
    return results


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


@dataclass(frozen=True)
class _Batch:
    """One grading run: the assignment, its exercise cells, and a staging folder."""

    course: Course
    assignment: str
    expected: dict[str, list[ReferenceCell]]
    staging: Path

    def grade(self, student: str) -> StudentResult:
        result = StudentResult(student)
        staged = self._stage(student, result.messages)
        if staged:
            api = self.course.api(submitted_directory=str(self.staging / "submitted"))
            outcome = api.autograde(self.assignment, student, force=True, create=True)
            if not outcome["success"]:
                result.graded = False
                result.messages.append(
                    "La correction automatique de votre rendu a échoué ; votre enseignant·e est "
                    f"prévenu·e. (Détail technique : {nbgrader_error(outcome)})"
                )
        else:
            result.graded = False
            self._record_zero(student)
        result.messages.extend(self._failed_tests(student, staged))
        result.score, result.max_score = self._scores(student)
        self._write_messages(student, result.messages)
        return result

    def _stage(self, student: str, messages: list[str]) -> list[str]:
        """Copy what nbgrader can grade into the staging submitted/ folder.

        Returns the notebooks staged. Unreadable or missing notebooks are not staged
        (nbgrader scores an absent notebook zero); each one adds a message for the student.
        """
        origin = self.course.submitted_dir / student / self.assignment
        target = self.staging / "submitted" / student / self.assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(origin, target, ignore=shutil.ignore_patterns("*.ipynb"))
        staged = []
        for name, reference in self.expected.items():
            path = origin / f"{name}.ipynb"
            if not path.is_file():
                messages.append(
                    f"Le notebook « {name}.ipynb » ne fait pas partie du rendu : 0 point."
                )
                continue
            inspection = inspect_notebook(path)
            if inspection.notebook is None:
                messages.append(
                    f"{inspection.problem} Il n'a pas pu être corrigé et compte 0 point pour "
                    "l'instant : rendez à nouveau le fichier original ou contactez votre "
                    "enseignant·e."
                )
                continue
            restored = restore_missing_cells(inspection.notebook, reference)
            if restored:
                messages.append(
                    f"Dans « {name}.ipynb », des cellules de l'exercice avaient été supprimées "
                    f"({', '.join(restored)}) : elles ont été rétablies dans leur version "
                    "d'origine pour la correction ; une réponse supprimée compte 0 point."
                )
            copy = target / path.name
            copy.write_text(json.dumps(inspection.notebook, ensure_ascii=False), encoding="utf-8")
            shutil.copystat(path, copy)
            staged.append(name)
        return staged

    def _failed_tests(self, student: str, notebooks: list[str]) -> list[str]:
        """One message per autograded test that raised, with the error the student can see.

        Only the exception's name and message are shown: the code of hidden tests never is.
        """
        messages = []
        for name in notebooks:
            path = self.course.autograded_dir / student / self.assignment / f"{name}.ipynb"
            try:
                nb = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            for cell in nb.get("cells", []):
                grading = cell.get("metadata", {}).get("nbgrader", {})
                if not (grading.get("grade") and cell.get("cell_type") == "code"):
                    continue
                errors = [
                    out for out in cell.get("outputs", []) if out.get("output_type") == "error"
                ]
                if errors:
                    detail = f"{errors[0].get('ename', 'Erreur')}: {errors[0].get('evalue', '')}"
                    messages.append(
                        f"{grading.get('grade_id')} : test échoué ({detail.strip().rstrip(':')})."
                    )
        return messages

    def _record_zero(self, student: str) -> None:
        """Record a submission scored zero when nothing of it could be graded.

        nbgrader refuses to autograde a submission with no readable notebook; the gradebook
        must still show the student, at zero, so that exports and the instructor see them.
        """
        folder = self.course.submitted_dir / student / self.assignment
        timestamp = self.course.api().coursedir.get_existing_timestamp(str(folder))
        with _gradebook(self.course) as gb:
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(
                self.assignment, student, timestamp=timestamp
            )
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is None:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
            gb.db.commit()

    def _scores(self, student: str) -> tuple[float, float]:
        with _gradebook(self.course) as gb:
            try:
                submission = gb.find_submission(self.assignment, student)
            except MissingEntry:
                return 0.0, gb.find_assignment(self.assignment).max_score
            return float(submission.score), float(submission.max_score)

    def _write_messages(self, student: str, messages: list[str]) -> None:
        folder = self.course.autograded_dir / student / self.assignment
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join(messages) if messages else "Aucune remarque sur la correction automatique."
        (folder / MESSAGES_FILE).write_text(text + "\n", encoding="utf-8")
