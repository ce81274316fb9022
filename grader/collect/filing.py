"""File an LMS download under submitted/STUDENT/ASSIGNMENT/, reporting every file.

This is nbgrader's ``zip_collect`` (same target layout, same ``timestamp.txt``, newest
duplicate wins) made safe for real downloads: students come from a map or a documented
derivation instead of a regular expression, and nothing is skipped in silence. Every file
of the download ends up either filed or on a line of the report saying why not. The
download itself is never modified; a submission already collected is only replaced with
``force``.

The download is hostile (see ``archive``): besides what it refuses to read, filing never
merges two students into one folder. Student ids that differ only by case are one folder
on macOS and Windows, so they are refused, and so are several entries that a map matches
by name alone. Notebook names match whatever their case and Unicode form, and different
copies are settled by time, never by which one is written last.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.api import MissingEntry
from nbgrader.utils import parse_utc

from grader.collect.archive import Download, Member, ReadLimit, open_download
from grader.collect.identities import LmsIdentity, save_identities
from grader.collect.moodle import BLIND_NAME, MOODLE_PREFIX, find_moodle_path
from grader.collect.roster import LmsEntry, Roster, derive_student_id
from grader.course import SCHOOL_TIMEZONE, Course, CourseError
from grader.grade.submissions import MAX_NOTEBOOK_BYTES  # a larger one is not read

#: Moodle's server writes zip times in its own local time: by default the school's.
DEFAULT_TIMEZONE = SCHOOL_TIMEZONE
TIMESTAMP_FILE = "timestamp.txt"
#: nbgrader's timestamp.txt holds one date; a larger one is not read.
MAX_TIMESTAMP_BYTES = 1024
#: Outcomes of report lines that mean "the instructor has something to look at".
PROBLEMS = frozenset({"not filed", "kept"})


@dataclass(frozen=True)
class Line:
    """One line of the report: a thing in the download and what became of it."""

    source: str
    student: str
    outcome: str
    detail: str


@dataclass
class CollectReport:
    """What ``collect`` did with every file of the download."""

    assignment: str
    lines: list[Line] = field(default_factory=list)

    @property
    def filed(self) -> list[str]:
        return sorted({line.student for line in self.lines if line.outcome == "filed"})

    @property
    def unchanged(self) -> list[str]:
        return sorted({line.student for line in self.lines if line.outcome == "unchanged"})

    @property
    def problems(self) -> list[Line]:
        return [line for line in self.lines if line.outcome in PROBLEMS]


@dataclass(frozen=True)
class _Item:
    """A file of one entry, with its path inside that student's submission."""

    entry: LmsEntry
    member: Member
    inner: str
    plugin: str = "file"

    @property
    def name(self) -> str:
        return PurePosixPath(self.inner).name


@dataclass
class _Student:
    """Everything one student handed in, possibly through several entries."""

    student_id: str
    entries: list[LmsEntry] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ", ".join(entry.label for entry in self.entries)


def collect(
    course: Course,
    assignment: str,
    source: Path,
    map_file: Path | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    force: bool = False,
) -> CollectReport:
    """File each notebook of ``source`` (a Moodle zip, a zip or folder of per-student
    folders) under submitted/STUDENT/ASSIGNMENT/ with a timestamp; report every file."""
    course.require_assignment(assignment)
    expected = _released_notebooks(course, assignment)
    zone = _zone(timezone)
    roster = Roster.load(map_file) if map_file else None
    report = CollectReport(assignment)
    with course.gradebook() as gb, open_download(source) as download:
        _report_unreadable(download, report)
        students = _students(download, assignment, roster, report)
        _drop_colliding(students, course.submitted_dir, report)
        filer = _Filer(course, assignment, expected, zone, force, report)
        for student in sorted(students.values(), key=lambda s: s.student_id):
            if filer.file(student):
                _record_names(gb, student)
        save_identities(course, assignment, filer.identities)
    report.lines.sort(key=lambda line: (line.source.casefold(), line.outcome))
    return report


def _released_notebooks(course: Course, assignment: str) -> list[str]:
    for folder in (course.release_dir / assignment, course.source_dir / assignment):
        names = sorted(path.name for path in folder.glob("*.ipynb"))
        if names:
            return names
    raise CourseError(f"{assignment} has no notebook in release/ or source/")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CourseError(f"unknown time zone {name!r} (e.g. Europe/Zurich, UTC)") from error


def _report_unreadable(download: Download, report: CollectReport) -> None:
    if not (download.members or download.unreadable or download.junk):
        report.lines.append(Line("(download)", "", "not filed", "no file in the download"))
    for path, reason in download.unreadable:
        report.lines.append(Line(path, "", "not filed", reason))
    if download.junk:
        shown = ", ".join(download.junk[:3]) + (" …" if len(download.junk) > 3 else "")
        report.lines.append(
            Line("(system files)", "", "ignored", f"{len(download.junk)} file(s): {shown}")
        )


# -- who handed in what ---------------------------------------------------------------------
def _students(
    download: Download, assignment: str, roster: Roster | None, report: CollectReport
) -> dict[str, _Student]:
    """Group the files by student, reporting loose files, unknown and ambiguous entries."""
    by_entry: dict[LmsEntry, list[_Item]] = defaultdict(list)
    for member in _strip_wrapper(download.members, assignment):
        item = _item(member, assignment)
        if item is None:
            report.lines.append(
                Line(member.path, "", "not filed", "not inside a student's folder or Moodle entry")
            )
        else:
            by_entry[item.entry].append(item)
    students: dict[str, _Student] = {}
    claimed: dict[str, list[LmsEntry]] = defaultdict(list)
    for entry, items in by_entry.items():
        student_id = roster.student_for(entry) if roster else derive_student_id(entry)
        if student_id is None:
            why = "not in the map" if roster else "no usable name to derive a student id from"
            report.lines.append(Line(entry.label, "", "not filed", f"{why}: {_names(items)}"))
            continue
        claimed[student_id].append(entry)
        student = students.setdefault(student_id, _Student(student_id))
        student.entries.append(entry)
        student.items.extend(items)
    _drop_shared(students, claimed, roster, report)
    return students


def _drop_shared(
    students: dict[str, _Student],
    claimed: dict[str, list[LmsEntry]],
    roster: Roster | None,
    report: CollectReport,
) -> None:
    """Several entries are one student only when the map names each by its LMS id.

    Without a map, two participants whose names give the same id cannot be told apart; with
    one, a name matches whatever its case and accents, so two entries it matches may be two
    people ("Dupont/" and "dupont/"), or one of them an impostor.
    """
    for student_id, entries in claimed.items():
        if len(entries) < 2 or (roster and all(map(roster.knows_lms_id, entries))):
            continue
        detail = (
            "several entries of the download match this student of the map: none filed"
            if roster
            else "several LMS entries give this student id: give a --map"
        )
        if len({_nfc(entry.label) for entry in entries}) < len(entries):
            detail += " (names that look the same, written with different characters)"
        del students[student_id]
        for entry in entries:
            report.lines.append(Line(entry.label, student_id, "not filed", detail))


def _folder_key(name: str) -> str:
    """Names that macOS and Windows take for one folder (case, Unicode form, final dots)."""
    return _nfc(name).casefold().rstrip(". ")


def _drop_colliding(students: dict[str, _Student], submitted: Path, report: CollectReport) -> None:
    """Never file two students into what some systems see as one folder: one would merge
    into, or overwrite, the other, here or once the course is copied to another machine."""
    existing: dict[str, set[str]] = defaultdict(set)
    if submitted.is_dir():
        for folder in submitted.iterdir():
            existing[_folder_key(folder.name)].add(folder.name)
    batch: dict[str, list[str]] = defaultdict(list)
    for student_id in students:
        batch[_folder_key(student_id)].append(student_id)
    for key, ids in batch.items():
        others = existing[key] - set(ids)
        if len(ids) > 1:
            detail = f"student ids {' and '.join(sorted(ids))} differ only by case: none filed"
        elif others:
            held = ", ".join(sorted(others))
            detail = f"submitted/ already holds {held}, which differs only by case: not filed"
        else:
            continue
        for student_id in ids:
            student = students.pop(student_id)
            report.lines.append(Line(student.label, student_id, "not filed", detail))


def _strip_wrapper(members: list[Member], assignment: str) -> list[Member]:
    """Remove a folder that wraps the whole download ("rendus/amelie/…" → "amelie/…").

    The folders decide: a loose file beside the student folders ("rendus/consignes.txt")
    does not keep the wrapper, it is reported as outside any student's folder.
    """
    while members:
        tops = {member.parts[0] for member in members}
        deep = [member for member in members if len(member.parts) >= 3]
        if len(tops) > 1 or not deep or MOODLE_PREFIX.match(next(iter(tops))):
            break
        if all(member.parts[1] == assignment for member in deep):
            break  # nbgrader's own layout: STUDENT/ASSIGNMENT/notebook
        if any(len(m.parts) == 2 and m.parts[1].lower().endswith(".ipynb") for m in members):
            break  # one student's folder, holding its notebook
        members = [replace(member, parts=member.parts[1:]) for member in members]
    return members


def _item(member: Member, assignment: str) -> _Item | None:
    # a Moodle entry starts in the download's own names, not in those of a student's zip
    # (unless that zip was the whole download, its name taken off as a wrapper)
    own = len(member.parts) - member.nested_parts
    moodle = find_moodle_path(member.parts, starts=own or None)
    if moodle is not None:
        entry = LmsEntry(moodle.name, moodle.lms_id, moodle=True)
        return _Item(entry, member, moodle.path, moodle.plugin)
    if len(member.parts) < 2:
        return None
    inner = member.parts[1:]
    if len(inner) >= 2 and inner[0] == assignment:
        inner = inner[1:]
    return _Item(LmsEntry(member.parts[0]), member, "/".join(inner))


def _names(items: list[_Item]) -> str:
    return ", ".join(sorted(item.inner for item in items))


def _printable_name(name: str) -> str:
    """The name without ``<``, ``>``, ``&`` and ``"``: formgrader prints names unescaped.

    No real name needs them (apostrophes, hyphens and accents are kept), and a name from
    the LMS is text the student typed.
    """
    return " ".join(name.translate({ord(c): " " for c in '<>&"'}).split())


def _record_names(gb, student: _Student) -> None:
    """Give formgrader the student's name from Moodle, unless the gradebook has one."""
    entry = next((e for e in student.entries if e.moodle and e.name != BLIND_NAME), None)
    first, _, last = _printable_name(entry.name).partition(" ") if entry else ("", "", "")
    try:
        found = gb.find_student(student.student_id)
    except MissingEntry:
        gb.add_student(student.student_id, first_name=first or None, last_name=last or None)
        return
    if entry and not (found.first_name or found.last_name):
        found.first_name, found.last_name = first or None, last or None
        gb.db.commit()


# -- filing -----------------------------------------------------------------------------------
@dataclass
class _Choice:
    """The notebooks chosen for one student, and what the report must say about it."""

    files: dict[str, tuple[_Item, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    refused: list[Line] = field(default_factory=list)


class _Filer:
    """Files one student at a time; collects the LMS identities of those filed."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        expected: list[str],
        zone: ZoneInfo,
        force: bool,
        report: CollectReport,
    ) -> None:
        self.course, self.assignment, self.expected = course, assignment, expected
        self.zone, self.force, self.report = zone, force, report
        self.identities: list[LmsIdentity] = []

    def file(self, student: _Student) -> bool:
        """File the student's notebooks; True when their submission is in submitted/."""
        notebooks, stamps, others = self._sort(student)
        if not notebooks:
            self._line(student, "not filed", _no_notebook(others))
            return False
        for item in others:
            self._line(student, "not filed", f"{item.inner}: {_not_notebook(item)}")
        choice = self._choose(student, notebooks)
        self.report.lines.extend(choice.refused)
        if not choice.files:
            return False
        timestamp, stamp_note = self._timestamp(choice, stamps)
        outcome, detail = self._write(student, choice, timestamp)
        local = timestamp.replace(tzinfo=UTC).astimezone(self.zone)
        notes = [detail, f"handed in {local:%Y-%m-%d %H:%M} ({self.zone.key})", *choice.notes]
        self._line(student, outcome, "; ".join(n for n in (*notes, stamp_note) if n))
        if outcome == "kept":
            return False
        self.identities.extend(
            LmsIdentity(student.student_id, entry.lms_id, entry.name)
            for entry in student.entries
            if entry.moodle and entry.lms_id
        )
        return True

    def _line(self, student: _Student, outcome: str, detail: str) -> None:
        self.report.lines.append(Line(student.label, student.student_id, outcome, detail))

    @staticmethod
    def _sort(student: _Student) -> tuple[list[_Item], list[_Item], list[_Item]]:
        notebooks, stamps, others = [], [], []
        for item in student.items:
            if item.name.lower().endswith(".ipynb"):
                notebooks.append(item)
            elif item.name == TIMESTAMP_FILE and not item.entry.moodle:
                stamps.append(item)
            else:
                others.append(item)
        return notebooks, stamps, others

    def _choose(self, student: _Student, notebooks: list[_Item]) -> _Choice:
        """One notebook per released notebook name; never a guess between different files."""
        choice = _Choice()
        by_name: dict[str, list[_Item]] = defaultdict(list)
        for item in notebooks:
            by_name[_file_key(item.name)].append(item)
        for name in self.expected:
            picked = self._pick(student, name, by_name.pop(_file_key(name), []), choice)
            if picked:
                choice.files[name] = picked
        leftovers = [item for items in by_name.values() for item in items]
        if len(self.expected) == 1 and not choice.files and len(leftovers) == 1:
            picked = self._pick(student, self.expected[0], leftovers, choice)
            leftovers = []
            if picked:
                choice.files[self.expected[0]] = picked
        for item in leftovers:
            reason = (
                "one of several notebooks, none named "
                if len(self.expected) == 1 and not choice.files
                else "extra notebook; the assignment expects "
            )
            choice.refused.append(
                _refusal(student, f"{item.inner}: {reason}{', '.join(self.expected)}")
            )
        _describe(choice)
        return choice

    def _pick(
        self, student: _Student, name: str, items: list[_Item], choice: _Choice
    ) -> tuple[_Item, bytes] | None:
        """The one file for ``name``; among different copies the strictly newest one.

        Copies are read one at a time and only the newest one's bytes are kept: a student's
        many copies cost the memory of two notebooks, not of all of them at once.
        """
        copies: list[tuple[_Item, bytes]] = []  # each readable copy and its content's digest
        newest: tuple[_Item, bytes] | None = None
        for item in items:
            data = self._read(student, item, choice)
            if data is None:
                continue
            copies.append((item, hashlib.sha256(data).digest()))
            if newest is None or self._instant(item.member) > self._instant(newest[0].member):
                newest = (item, data)
        if newest is None:
            return None
        if len({digest for _, digest in copies}) == 1:
            return copies[0][0], newest[1]  # one content: the first copy, as listed
        ordered = [item for item, _ in sorted(copies, key=lambda c: self._instant(c[0].member))]
        if self._instant(ordered[-1].member) == self._instant(ordered[-2].member):
            choice.refused.append(
                _refusal(
                    student,
                    f"{len(copies)} different {name} with the same time: none filed; keep one",
                )
            )
            return None
        choice.notes.extend(f"older copy {item.inner} not filed" for item in ordered[:-1])
        return newest

    @staticmethod
    def _read(student: _Student, item: _Item, choice: _Choice) -> bytes | None:
        """The notebook's bytes within the grader's limit, or None and a report line."""
        try:
            return item.member.read(MAX_NOTEBOOK_BYTES)
        except ReadLimit as error:
            choice.refused.append(_refusal(student, f"{item.inner}: {error}"))
        except Exception as error:  # zipfile raises many kinds on damaged entries
            choice.refused.append(
                _refusal(student, f"{item.inner}: cannot be read from the download ({error})")
            )
        return None

    def _instant(self, member: Member) -> datetime:
        """The member's time as naive UTC (a zip's wall-clock time is in ``self.zone``)."""
        moment = member.modified or datetime.now(UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC).replace(tzinfo=None)

    def _timestamp(self, choice: _Choice, stamps: list[_Item]) -> tuple[datetime, str]:
        """A timestamp.txt the folder brought (nbgrader's), else the notebooks' newest time."""
        newest = max(self._instant(item.member) for item, _ in choice.files.values())
        if not stamps:
            return newest, ""
        try:
            text = stamps[0].member.read(MAX_TIMESTAMP_BYTES).decode("utf-8")
            return parse_utc(text.strip()), ""
        except Exception:  # nbgrader's parser raises several kinds; fall back to the file time
            return newest, f"{stamps[0].inner} unreadable: used the file time"

    def _write(self, student: _Student, choice: _Choice, timestamp: datetime) -> tuple[str, str]:
        target = self.course.submitted_dir / student.student_id / self.assignment
        names = ", ".join(sorted(choice.files))
        if target.exists():
            same = all(
                (target / name).is_file() and (target / name).read_bytes() == data
                for name, (_, data) in choice.files.items()
            )
            if same:
                return "unchanged", f"{names} already collected"
            if not self.force:
                return "kept", "already collected with other content: --force replaces it"
            names += " (replaced the earlier submission)"
        _replace_folder(target, choice, timestamp)
        return "filed", names


def _replace_folder(target: Path, choice: _Choice, timestamp: datetime) -> None:
    """Write the new submission beside the old one, then swap: if writing fails (a full
    disk), the submission collected before is still whole."""
    staging = target.with_name(f".{target.name}.collecting")
    if staging.exists():
        shutil.rmtree(staging)  # left by a collect that was interrupted
    staging.mkdir(parents=True)
    for name, (_, data) in choice.files.items():
        (staging / name).write_bytes(data)
    (staging / TIMESTAMP_FILE).write_text(f"{timestamp:%Y-%m-%d %H:%M:%S.%f} UTC", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def _describe(choice: _Choice) -> None:
    """What the report says about each chosen notebook: where it came from, under which
    name, and whether grading will be able to read it."""
    for name, (item, data) in choice.files.items():
        if _nfc(item.name) != _nfc(name):  # a note only when the student sees a difference
            choice.notes.append(f"{item.inner} filed as {name}")
        if item.member.inside:
            choice.notes.append(f"{name} taken from inside {item.member.inside}")
        if not _looks_like_notebook(data):
            choice.notes.append(
                f"{item.inner} is not a readable notebook: grading will score it 0 and "
                "tell the student why"
            )


def _file_key(name: str) -> str:
    """File names that are one name to the student: whatever their case and Unicode form
    (macOS writes "é" as "e" and an accent)."""
    return _nfc(name).casefold()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _refusal(student: _Student, detail: str) -> Line:
    return Line(student.label, student.student_id, "not filed", detail)


def _not_notebook(item: _Item) -> str:
    if item.plugin == "onlinetext":
        return "online text typed in Moodle, not a notebook"
    if item.member.inside and item.name.lower().endswith(".zip"):
        return "a zip inside a zip: not opened"
    return "not a notebook"


def _no_notebook(others: list[_Item]) -> str:
    if others and all(item.plugin == "onlinetext" for item in others):
        return f"no notebook: online text only ({_names(others)})"
    found = "; ".join(f"{item.inner}: {_not_notebook(item)}" for item in others)
    return "no notebook in this submission" + (f" ({found})" if found else "")


def _looks_like_notebook(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data.decode("utf-8")).get("cells"), list)
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return False  # RecursionError: "[[[[…" nested deeper than the parser goes
