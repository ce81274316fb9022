"""Who an LMS entry is in the course: from the instructor's map, or derived from its name.

An entry is one submission of the download: a Moodle participant (name and participant
id) or a plain folder (its name). Without a map the student id is derived in a fixed,
documented way (README, "From Moodle and back"):

* a Moodle entry gets the slug of its full name: "Amélie Rochat" → ``amelie-rochat``;
  under blind marking, or when the name has no Latin letter or digit, ``participant-12345``;
* a plain folder keeps its name when it is already a valid student id (``amelie``),
  otherwise it gets its slug ("Amélie R" → ``amelie-r``).

A map is a CSV file with a ``student_id`` column and ``lms_id`` and/or ``lms_name``
columns (comma or semicolon separated, UTF-8 with or without BOM; other columns ignored).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from exercises.text import fold
from grader.collect.moodle import BLIND_NAME
from grader.course import CourseError

#: A student id that is safe as a folder name and in nbgrader's gradebook.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")


@dataclass(frozen=True)
class LmsEntry:
    """One submission in the download, as the LMS names it."""

    name: str
    lms_id: str | None = None
    moodle: bool = False

    @property
    def label(self) -> str:
        """How reports name the entry: what the instructor sees in the zip."""
        return f"{self.name} ({self.lms_id})" if self.lms_id else f"{self.name}/"


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: "Zoë O'Neil" → ``zoe-o-neil``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:100].strip("-")


def derive_student_id(entry: LmsEntry) -> str | None:
    """The student id of an entry when there is no map (None: no usable name)."""
    if entry.moodle:
        slug = "" if entry.name == BLIND_NAME else slugify(entry.name)
        return slug or f"participant-{entry.lms_id}"
    if STUDENT_ID.match(entry.name):
        return entry.name
    return slugify(entry.name) or None


def name_key(name: str) -> str:
    """Names match whatever the case, accents and spacing."""
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class MapRow:
    student_id: str
    lms_id: str
    lms_name: str


class Roster:
    """The instructor's map from LMS entries to student ids."""

    def __init__(self, rows: list[MapRow]) -> None:
        self.rows = rows
        self._by_id = {row.lms_id: row.student_id for row in rows if row.lms_id}
        self._by_name = {name_key(r.lms_name): r.student_id for r in rows if r.lms_name}
        self._students = {row.student_id for row in rows}

    @classmethod
    def load(cls, path: Path) -> Roster:
        """Read and check a map CSV; any problem is one CourseError naming the line."""
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CourseError(f"cannot read the map {path}: {error}") from error
        lines = text.splitlines()
        if not lines:
            raise CourseError(f"the map {path} is empty")
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        reader = csv.DictReader(lines, delimiter=delimiter)
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if "student_id" not in columns or not columns & {"lms_id", "lms_name"}:
            raise CourseError(
                f"the map {path} needs a student_id column and an lms_id or lms_name column "
                f"(found: {', '.join(sorted(columns)) or 'none'})"
            )
        rows = [_map_row(path, number, raw) for number, raw in enumerate(reader, start=2)]
        _check_unique(path, rows)
        return cls([row for row in rows if row is not None])

    def knows_lms_id(self, entry: LmsEntry) -> bool:
        """Whether the map names this entry by its LMS id (not only by a name, which matches
        whatever its case and accents, and so may be two people)."""
        return bool(entry.lms_id) and entry.lms_id in self._by_id

    def student_for(self, entry: LmsEntry) -> str | None:
        """The mapped student id, by LMS id first, then by name; None if unknown."""
        if entry.lms_id and entry.lms_id in self._by_id:
            return self._by_id[entry.lms_id]
        by_name = self._by_name.get(name_key(entry.name))
        if by_name:
            return by_name
        if not entry.moodle and entry.name in self._students:
            return entry.name  # a plain folder already named by its student id
        return None


def _map_row(path: Path, number: int, raw: dict) -> MapRow | None:
    values = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
    if not any(values.values()):
        return None  # blank line
    student = values.get("student_id", "")
    if not STUDENT_ID.match(student):
        raise CourseError(
            f"{path}, line {number}: student id {student!r} is not valid "
            "(letters, digits, . _ @ + -, starting with a letter or digit)"
        )
    lms_id, lms_name = values.get("lms_id", ""), values.get("lms_name", "")
    if lms_id and not lms_id.isdigit():
        raise CourseError(f"{path}, line {number}: lms_id {lms_id!r} is not a number")
    if not lms_id and not lms_name:
        raise CourseError(f"{path}, line {number}: {student} has neither lms_id nor lms_name")
    return MapRow(student, lms_id, lms_name)


def _check_unique(path: Path, rows: list[MapRow | None]) -> None:
    """An LMS id or name that points to two students would file work under the wrong one."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row is None:
            continue
        keys = [("lms_id", row.lms_id)] if row.lms_id else []
        if row.lms_name:
            keys.append(("lms_name", name_key(row.lms_name)))
        for key in keys:
            other = seen.setdefault(key, row.student_id)
            if other != row.student_id:
                raise CourseError(
                    f"{path}: {key[0]} {key[1]!r} is given to both {other} and {row.student_id}"
                )
