"""The names Moodle gives to the files of its "Download all submissions" zip.

Moodle prefixes every file with who handed it in: ``Full Name_12345_assignsubmission_file_``
where 12345 is the participant id (Moodle's "Participant 12345", unique per assignment).
Three layouts exist, and an instructor may meet any of them:

* folders, Moodle 3.1 to 4.0 (the default there): ``Full Name_12345_assignsubmission_file_/a.ipynb``
* folders, Moodle 4.1 and later: ``Full Name_12345_assignsubmission_file/a.ipynb``
* flat, older Moodle or "download submissions in folders" unticked:
  ``Full Name_12345_assignsubmission_file_a.ipynb``

The plugin part says what kind of submission it is: ``file`` for uploaded files,
``onlinetext`` for text typed in Moodle (``onlinetext.html``). Moodle replaces underscores
in names by spaces, so the name never holds one; in group mode it is "Group-Full Name", and
under blind marking it is the word "Participant".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from nbgrader.plugins import FileNameCollectorPlugin

MOODLE_PREFIX = re.compile(
    r"^(?P<name>[^_/]+)_(?P<lms_id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)(?:_(?P<rest>.*))?$"
)
#: What Moodle writes instead of the name under blind marking.
BLIND_NAME = "Participant"


@dataclass(frozen=True)
class MoodlePath:
    """One file of a Moodle download: whose it is, and where it sits in their submission."""

    name: str
    lms_id: str
    plugin: str
    path: str

    @property
    def folder(self) -> str:
        """The submission's folder name as Moodle 3.1-4.0 writes it (feedback zips reuse it)."""
        return moodle_folder(self.name, self.lms_id)


def moodle_folder(name: str, lms_id: str, plugin: str = "file") -> str:
    """``Full Name_12345_assignsubmission_file_``: the prefix Moodle's zip importers read.

    The trailing underscore is what Moodle 3.1-4.0 writes; Moodle 4.1 and later still
    accept it (their importer reads both forms).
    """
    return f"{name.replace('_', ' ').replace('/', ' ')}_{lms_id}_assignsubmission_{plugin}_"


def parse_moodle_path(parts: tuple[str, ...]) -> MoodlePath | None:
    """Read the Moodle prefix of a path inside the zip (its parts); None if it has none."""
    if not parts:
        return None
    match = MOODLE_PREFIX.match(parts[0])
    if not match:
        return None
    inner = [part for part in (match["rest"] or "", *parts[1:]) if part]
    if not inner:
        return None
    return MoodlePath(
        name=" ".join(match["name"].split()),
        lms_id=match["lms_id"],
        plugin=match["plugin"],
        path="/".join(inner),
    )


def find_moodle_path(parts: tuple[str, ...], starts: int | None = None) -> MoodlePath | None:
    """The Moodle entry in ``parts`` at any depth (a download may sit inside a folder).

    ``starts`` limits where the entry may begin: the names inside a zip a student uploaded
    are theirs, and must not make their file someone else's.
    """
    for start in range(len(parts) if starts is None else min(starts, len(parts))):
        found = parse_moodle_path(parts[start:])
        if found is not None:
            return found
    return None


class MoodleCollector(FileNameCollectorPlugin):
    """The same reading for nbgrader's own ``zip_collect`` (no map; ids derived from names).

    ``nbgrader zip_collect --collector=grader.collect.moodle.MoodleCollector ASSIGNMENT``
    files a Moodle zip the way ``course collect`` does without ``--map``, without its report.
    """

    def collect(self, submitted_file: str) -> dict | None:
        from grader.collect.roster import LmsEntry, derive_student_id  # roster imports us

        if not submitted_file.lower().endswith(".ipynb"):
            return None
        found = find_moodle_path(PurePosixPath(submitted_file.replace("\\", "/")).parts)
        if found is None:
            return None
        student = derive_student_id(LmsEntry(found.name, found.lms_id, moodle=True))
        return {"student_id": student, "file_id": found.path} if student else None
