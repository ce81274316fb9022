"""Rubric items and their application, kept beside nbgrader's tables; scores written into them.

The gradebook's ``grade.manual_score`` and ``comment.manual_comment`` are the record:
formgrader, ``course export`` and ``course feedback`` read them. What nbgrader has no place
for (the rubric items of a question, which student got which item, the free adjustment) is
stored in three ``mark_*`` tables of the same database, so that every grader of a PostgreSQL
gradebook shares them. Each write checks that the grade still holds the score the grader saw
(optimistic locking, under ``SELECT … FOR UPDATE``): a second grader who changed it first
gets a :class:`Conflict`, never a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.api import (
    Assignment,
    Comment,
    Grade,
    Notebook,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class RubricItem(Base):
    """One rubric item of a question: a label, a point value, a comment for the student."""

    __tablename__ = "mark_rubric_item"
    id = Column(Integer, primary_key=True)
    assignment = Column(String(128), nullable=False, index=True)
    question = Column(String(256), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    label = Column(String(512), nullable=False)
    points = Column(Float, nullable=False)
    comment = Column(Text, nullable=False, default="")


class Applied(Base):
    """A rubric item given to a student."""

    __tablename__ = "mark_applied"
    __table_args__ = (UniqueConstraint("item_id", "student"),)
    id = Column(Integer, primary_key=True)
    item_id = Column(Integer, ForeignKey("mark_rubric_item.id", ondelete="CASCADE"))
    student = Column(String(128), nullable=False)


class Note(Base):
    """The free comment and manual adjustment of one student on one question."""

    __tablename__ = "mark_note"
    __table_args__ = (UniqueConstraint("assignment", "question", "student"),)
    id = Column(Integer, primary_key=True)
    assignment = Column(String(128), nullable=False)
    question = Column(String(256), nullable=False)
    student = Column(String(128), nullable=False)
    adjustment = Column(Float, nullable=False, default=0.0)
    comment = Column(Text, nullable=False, default="")
    graded = Column(Integer, nullable=False, default=0)


class Conflict(Exception):
    """Another grader changed this grade since the page was shown."""


@dataclass
class Mark:
    """What one student has on one question, as the page shows it."""

    score: float | None
    items: set[int]
    adjustment: float
    comment: str


class Store:
    """Rubric items and marks of one assignment, on the course's gradebook database."""

    def __init__(self, db_url: str, assignment: str) -> None:
        self.engine = create_engine(db_url)
        Base.metadata.create_all(self.engine)
        self.assignment = assignment

    # ------------------------------------------------------------------ rubric items
    def items(self, question: str) -> list[RubricItem]:
        with Session(self.engine, expire_on_commit=False) as s:
            query = select(RubricItem).filter_by(assignment=self.assignment, question=question)
            return list(s.scalars(query.order_by(RubricItem.position, RubricItem.id)))

    def seed(self, question: str, criteria: list[tuple[str, float]]) -> None:
        """Start a question's rubric from its mark scheme, once."""
        if self.items(question) or not criteria:
            return
        for label, points in criteria:
            self.add_item(question, label, points)

    def add_item(self, question: str, label: str, points: float, comment: str = "") -> int:
        position = len(self.items(question))
        with Session(self.engine) as s, s.begin():
            item = RubricItem(
                assignment=self.assignment,
                question=question,
                position=position,
                label=label,
                points=points,
                comment=comment,
            )
            s.add(item)
            s.flush()
            return item.id

    def edit_item(
        self, question: str, item_id: int, label: str, points: float, comment: str
    ) -> None:
        """Change an item; every student who got it is scored again."""
        with Session(self.engine) as s, s.begin():
            item = s.get(RubricItem, item_id, with_for_update=True)
            item.label, item.points, item.comment = label, points, comment
            students = [a.student for a in s.scalars(select(Applied).filter_by(item_id=item_id))]
            for student in students:
                self._write(s, question, student, None)

    # ------------------------------------------------------------------------ marks
    def mark(self, question: str, student: str) -> Mark:
        with Session(self.engine) as s:
            grade, _ = self._cells(s, question, student)
            note = self._note(s, question, student)
            return Mark(
                score=grade.manual_score if grade is not None else None,
                items=self._applied(s, question, student),
                adjustment=note.adjustment if note else 0.0,
                comment=note.comment if note else "",
            )

    def toggle(self, question: str, student: str, item_id: int, seen: float | None) -> None:
        with Session(self.engine) as s, s.begin():
            self._check(s, question, student, seen)
            found = s.scalars(select(Applied).filter_by(item_id=item_id, student=student)).first()
            if found:
                s.delete(found)
            else:
                s.add(Applied(item_id=item_id, student=student))
            s.flush()
            self._write(s, question, student, None)

    def annotate(
        self, question: str, student: str, adjustment: float, comment: str, seen: float | None
    ) -> None:
        """Set the free comment and adjustment (and mark the answer as graded)."""
        with Session(self.engine) as s, s.begin():
            self._check(s, question, student, seen)
            self._write(s, question, student, (adjustment, comment))

    def students_with(self, item_id: int) -> list[str]:
        with Session(self.engine) as s:
            return sorted(a.student for a in s.scalars(select(Applied).filter_by(item_id=item_id)))

    # --------------------------------------------------------------------- internals
    def _cells(
        self, s: Session, question: str, student: str
    ) -> tuple[Grade | None, Comment | None]:
        notebook, grade_id = question.split("/", 1)
        submitted = (
            select(SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .where(
                Assignment.name == self.assignment,
                Notebook.name == notebook,
                SubmittedAssignment.student_id == student,
            )
        ).scalar_subquery()
        grade = next(
            (
                g
                for g in s.scalars(select(Grade).where(Grade.notebook_id == submitted))
                if g.name == grade_id
            ),
            None,
        )
        comment = next(
            (
                c
                for c in s.scalars(select(Comment).where(Comment.notebook_id == submitted))
                if c.name == grade_id
            ),
            None,
        )
        return grade, comment

    def _note(self, s: Session, question: str, student: str) -> Note | None:
        query = select(Note).filter_by(
            assignment=self.assignment, question=question, student=student
        )
        return s.scalars(query).first()

    def _applied(self, s: Session, question: str, student: str) -> set[int]:
        query = (
            select(Applied.item_id)
            .join(RubricItem, Applied.item_id == RubricItem.id)
            .where(RubricItem.assignment == self.assignment, RubricItem.question == question)
            .where(Applied.student == student)
        )
        return set(s.scalars(query))

    def _check(self, s: Session, question: str, student: str, seen: float | None) -> None:
        grade, _ = self._cells(s, question, student)
        if grade is None:
            raise LookupError(f"no grade cell {question} for this student")
        s.refresh(grade, with_for_update=True)
        if grade.manual_score != seen:
            raise Conflict(f"the score is now {grade.manual_score}, not {seen}")

    def _write(
        self, s: Session, question: str, student: str, annotation: tuple[float, str] | None
    ) -> None:
        """Score = applied items + adjustment, within [0, max]; comment = items' reasons."""
        note = self._note(s, question, student)
        if note is None:
            note = Note(assignment=self.assignment, question=question, student=student)
            s.add(note)
        if annotation is not None:
            note.adjustment, note.comment = annotation
        note.graded = 1
        applied = self._applied(s, question, student)
        query = select(RubricItem).filter_by(assignment=self.assignment, question=question)
        ordered = s.scalars(query.order_by(RubricItem.position, RubricItem.id))
        items = [i for i in ordered if i.id in applied]
        grade, comment = self._cells(s, question, student)
        total = sum(i.points for i in items) + (note.adjustment or 0.0)
        grade.manual_score = round(min(max(total, 0.0), grade.max_score), 2)
        if comment is not None:
            comment.manual_comment = feedback_text(items, note) or None


def _points(value: float) -> str:
    text = f"{value:g}".replace(".", ",")
    return f"{text} pt" if abs(value) <= 1 else f"{text} pts"


def feedback_text(items: list[RubricItem], note: Note | None) -> str:
    """The comment the student reads: each item as a reason for points, then the free text."""
    lines = []
    for item in items:
        reason = f"{'+' if item.points >= 0 else '−'}{_points(abs(item.points))} — {item.label}"
        lines.append(f"- {reason}" + (f"\u00a0: {item.comment}" if item.comment else ""))
    if note is not None and note.adjustment:
        lines.append(
            f"- Ajustement\u00a0: {'+' if note.adjustment > 0 else '−'}{_points(abs(note.adjustment))}"
        )
    if note is not None and note.comment:
        if lines:  # a blank line between the reasons and the free text, none before it
            lines.append("")
        lines.append(note.comment)
    return "\n".join(lines)
