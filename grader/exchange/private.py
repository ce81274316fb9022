"""nbgrader's exchange classes, with one private inbound and feedback folder per student.

Layout under ``<Exchange.root>/<course_id>/`` (made by :mod:`grader.exchange.setup`)::

    outbound/                  instructor, 0755: released assignments, for everyone
    inbound/                   instructor:graders, 0751: nobody else can list it
    inbound/<student>/         student:graders, 2770: ``<student>+<assignment>+<time>+<rand>``
    feedback/                  instructor:graders, 0751
    feedback/<student>/        student:graders, 2770: ``<hash>.html``, as nbgrader names them

Each class changes only the paths and the checks; copying, naming and hashing stay
nbgrader's, so ``nbgrader submit/collect/list/fetch_feedback`` and the Assignments tab
work as with the default exchange.
"""

from __future__ import annotations

import base64
import glob
import os
import pwd
import re
import stat
from datetime import UTC, datetime, timedelta

from nbgrader.api import Gradebook
from nbgrader.exchange.default import (
    Exchange,
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeList,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from nbgrader.exchange.default.collect import groupby
from nbgrader.utils import get_username, notebook_hash
from traitlets import Bool, Float

from grader.deadlines import load_deadline, to_gradebook

#: Modes inside a submission. The privacy is the student's folder (2770), not these: a
#: student's chmod cannot keep the setgid bit of a group they are not in, so the files of
#: a submission end up in the student's own group, which the graders read through "other".
FILE_MODE = 0o644
DIR_MODE = 0o755


#: The private folders, as a student reads their names in an error.
FOLDER_NAMES = {"inbound": "de remise", "feedback": "de retours"}


def account_name() -> str:
    """The Linux account this process runs as: the only name a student may submit under."""
    return pwd.getpwuid(os.getuid()).pw_name


class PrivateExchange(Exchange):
    """Paths of the private layout, shared by every operation."""

    def course_root(self) -> str:
        """``<root>/<course_id>``. Not ``course_path``: nbgrader assigns that attribute."""
        return os.path.join(self.root, self.coursedir.course_id)

    def student_folder(self, kind: str, student: str) -> str:
        """``inbound/<student>`` or ``feedback/<student>``: where only that student goes."""
        return os.path.join(self.course_root(), kind, student)

    def ensure_root(self) -> None:
        """The root is made once by the setup (root-owned, 0755); never opened up to 0777."""
        if not os.path.isdir(self.root):
            self.fail(  # students read it in the Assignments tab
                f"L'espace d'échange du cours n'est pas prêt ({self.root}) : prévenez votre "
                "formateur (hub/start.sh ou python -m grader.exchange.setup le prépare)."
            )

    def own_student_id(self) -> str:
        """The student submitting or fetching: their account, whatever the command line says."""
        student = get_username()
        asked = self.coursedir.student_id
        if asked not in ("", "*", student):
            self.fail(
                f"Vous ne pouvez rendre ou récupérer qu'en votre nom ({student}), pas {asked}."
            )
        return student

    def private_folder(self, kind: str, student: str) -> str:
        folder = self.student_folder(kind, student)
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
            self.fail(
                f"Pas de dossier {FOLDER_NAMES[kind]} pour {student} : prévenez votre "
                f"formateur ({folder})."
            )
        return folder


class PrivateFetchAssignment(PrivateExchange, ExchangeFetchAssignment):
    """Unchanged: ``outbound/`` is readable by every student of the course."""


class PrivateReleaseAssignment(PrivateExchange, ExchangeReleaseAssignment):
    """Releases into ``outbound/``; refuses to create the shared inbound nbgrader would make."""

    def init_dest(self) -> None:
        if not os.path.isdir(os.path.join(self.course_root(), "inbound")):
            self.fail(
                f"Exchange not set up for {self.coursedir.course_id}: "
                "run hub/start.sh or python -m grader.exchange.setup."
            )
        super().init_dest()


class PrivateSubmit(PrivateExchange, ExchangeSubmit):
    """Hands in to ``inbound/<own account>/``, files readable by the graders only."""

    def init_dest(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        student = self.own_student_id()
        self.coursedir.student_id = student
        self.inbound_path = self.private_folder("inbound", student)
        self.cache_path = os.path.join(self.cache, self.coursedir.course_id)
        random = base64.urlsafe_b64encode(os.urandom(9)).decode("ascii")
        self.assignment_filename = "+".join(
            [student, self.coursedir.assignment_id, self.timestamp]
            + ([random] if self.add_random_string else [])
        )

    def set_perms(self, dest: str, fileperms: int, dirperms: int) -> None:
        """Read-only for the graders (who reach it through the folder); not nbgrader's 0777."""
        super().set_perms(dest, FILE_MODE, DIR_MODE)

    def copy_files(self) -> None:
        super().copy_files()
        os.chmod(os.path.join(self.inbound_path, self.assignment_filename), DIR_MODE)


class PrivateCollect(PrivateExchange, ExchangeCollect):
    """Collects from each ``inbound/<student>/`` only what that student's account made."""

    check_change_time = Bool(
        True,
        help="Count a submission from its files' last change when that is later than its "
        "name says (a backdated or edited submission). Turn off only after copying or "
        "restoring the exchange, which sets every change time to the time of the copy.",
    ).tag(config=True)
    clock_slack_seconds = Float(
        300.0,
        help="nbgrader's submit names a submission by its start time and writes the files "
        "just after; files changed longer than this after that time mean the name is not "
        "when it was handed in.",
    ).tag(config=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: submission folder name -> its true time (naive UTC), when its name lied
        self._corrected: dict[str, datetime] = {}

    def init_src(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.inbound_path = os.path.join(self.course_root(), "inbound")
        if not os.access(self.inbound_path, os.R_OK | os.X_OK):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        asked = self.coursedir.student_id or "*"
        records = [
            self._honest_record(path)
            for folder in sorted(glob.glob(os.path.join(self.inbound_path, asked)))
            for path in self._submissions(folder)
        ]
        self.src_records = self._latest(groupby(records, lambda record: record["username"]))

    def _honest_record(self, path: str) -> dict:
        """nbgrader's record of ``path``, its time no earlier than its files' last change.

        The student owns their submission: they can rename it and rewrite its
        ``timestamp.txt`` to look on time, or edit it after the due date. Neither can set a
        file's change time (ctime), which the kernel sets to now whenever a file changes.
        """
        record = dict(self._path_to_record(path), filename=os.path.relpath(path, self.inbound_path))
        if not self.check_change_time:
            return record
        written = last_change(path)
        if written - record["timestamp"] > timedelta(seconds=self.clock_slack_seconds):
            self.log.warning(
                "Corrected the time of %s: named %s, its files last changed %s; counted from then",
                record["filename"], record["timestamp"], written,
            )  # fmt: skip
            record["timestamp"] = written
            self._corrected[os.path.basename(path)] = written
        return record

    def do_copy(self, src: str, dest: str, log=None) -> None:
        """nbgrader's copy; a corrected submission gets its true time in ``timestamp.txt``."""
        super().do_copy(src, dest, log)
        written = self._corrected.get(os.path.basename(src))
        if written is not None:
            stamp = written.replace(tzinfo=UTC).strftime(self.timestamp_format)
            with open(os.path.join(dest, "timestamp.txt"), "w", encoding="utf-8") as handle:
                handle.write(stamp)

    def _latest(self, by_student: dict[str, list[dict]]) -> list[dict]:
        """nbgrader's choice per student: the latest, or with --before-duedate the latest
        handed in by the student's own deadline (their extension included)."""
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            deadline = load_deadline(gradebook, self.coursedir.assignment_id)
            gradebook.db.commit()  # the extensions table may just have been created
        self.duedate = to_gradebook(deadline.due) if deadline.due else None
        chosen = []
        for student, records in by_student.items():
            records = self._sort_by_timestamp(records)
            own = deadline.for_student(student)
            limit = to_gradebook(own) if own else None
            on_time = [r for r in records if limit and r["timestamp"] <= limit]
            chosen.append(on_time[0] if self.before_duedate and on_time else records[0])
        return chosen

    def _submissions(self, folder: str) -> list[str]:
        """Submissions in ``folder`` that its student made; the others refused in one line."""
        student = os.path.basename(folder)
        pattern = os.path.join(folder, f"*+{self.coursedir.assignment_id}+*")
        accepted = []
        for path in sorted(glob.glob(pattern)):
            reason = forgery(path, student)
            if reason:
                self.log.error("Refused %s: %s", os.path.relpath(path, self.inbound_path), reason)
            else:
                accepted.append(path)
        return accepted


def last_change(path: str) -> datetime:
    """The latest change time (ctime) of ``path`` and everything in it, as naive UTC."""
    latest = os.lstat(path).st_ctime
    for current, dirs, files in os.walk(path):
        for name in dirs + files:
            latest = max(latest, os.lstat(os.path.join(current, name)).st_ctime)
    return datetime.fromtimestamp(latest, UTC).replace(tzinfo=None)


def forgery(path: str, student: str) -> str | None:
    """Why ``path`` in ``inbound/<student>/`` is not ``student``'s own submission, or None."""
    try:
        uid = pwd.getpwnam(student).pw_uid
    except KeyError:
        return f"no Linux account named {student}"
    if not os.path.basename(path).startswith(student + "+"):
        return f"named for another student than {student}"
    folder = os.path.dirname(path)
    if os.lstat(folder).st_uid != uid:
        return f"folder inbound/{student} not owned by {student}"
    for current, dirs, files in os.walk(path):
        for entry in [current, *(os.path.join(current, name) for name in dirs + files)]:
            info = os.lstat(entry)
            if stat.S_ISLNK(info.st_mode):
                return f"symbolic link {os.path.relpath(entry, folder)}"
            if info.st_uid != uid:
                return f"{os.path.relpath(entry, folder)} not owned by {student}"
    return None


class PrivateReleaseFeedback(PrivateExchange, ExchangeReleaseFeedback):
    """Puts each student's feedback in ``feedback/<student>/`` under nbgrader's hashed name."""

    def init_dest(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.dest_path = os.path.join(self.course_root(), "feedback")

    def copy_files(self) -> None:
        shared = self.dest_path
        for folder in sorted(glob.glob(self.src_path)):
            student = _student_of(folder, self.coursedir)
            if student is None:
                continue
            self.dest_path = self.student_folder("feedback", student)
            if not os.path.isdir(self.dest_path):
                self.log.error("No feedback folder for %s (run the hub setup): skipped", student)
                continue
            src_path, self.src_path = self.src_path, folder
            self.coursedir.student_id, asked = student, self.coursedir.student_id
            try:
                super().copy_files()
            finally:
                self.src_path, self.coursedir.student_id = src_path, asked
            for name in os.listdir(self.dest_path):  # the student reads it; no one else gets in
                os.chmod(os.path.join(self.dest_path, name), 0o644)
        self.dest_path = shared


def _student_of(folder: str, coursedir) -> str | None:
    """The student id in a ``feedback/<student>/<assignment>`` folder of the course."""
    regexp = coursedir.format_path(
        coursedir.feedback_directory, "(?P<student_id>[^/]+)", coursedir.assignment_id, escape=True
    )
    match = re.fullmatch(regexp, os.path.abspath(folder))
    return match["student_id"] if match else None


class PrivateFetchFeedback(PrivateExchange, ExchangeFetchFeedback):
    """Looks for the student's feedback in ``feedback/<own account>/`` only."""

    def init_src(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        student = self.own_student_id()
        self.coursedir.student_id = student
        self.src_path = self.private_folder("feedback", student)
        self.cache_path = os.path.join(self.cache, self.coursedir.course_id)
        assignment_id = self.coursedir.assignment_id or "*"
        self.feedback_files = []
        for submission in sorted(glob.glob(os.path.join(self.cache_path, f"*+{assignment_id}+*"))):
            self.feedback_files += self._found(submission)

    def _found(self, submission: str) -> list[tuple[str, str, str]]:
        """(notebook, timestamp, feedback path) for the submission's released feedback."""
        timestamp = os.path.basename(submission).split("+")[2]
        secret_path = os.path.join(submission, "submission_secret.txt")
        if not os.path.isfile(secret_path):
            return []
        with open(secret_path) as handle:
            secret = handle.read()
        found = []
        for notebook in sorted(glob.glob(os.path.join(submission, "*.ipynb"))):
            notebook_id = os.path.splitext(os.path.basename(notebook))[0]
            path = os.path.join(
                self.src_path, notebook_hash(secret=secret, notebook_id=notebook_id) + ".html"
            )
            if os.path.isfile(path):
                found.append((notebook_id, timestamp, path))
        return found


class PrivateList(PrivateExchange, ExchangeList):
    """Lists ``inbound/*/`` for the instructor and checks each student's own feedback folder."""

    def init_dest(self) -> None:
        if not self.inbound:
            return super().init_dest()
        course_id = self.coursedir.course_id or "*"
        assignment_id = self.coursedir.assignment_id or "*"
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(
            self.root, course_id, "inbound", student_id, f"{student_id}+{assignment_id}+*"
        )
        self.assignments = sorted(glob.glob(pattern))

    def parse_assignment(self, assignment: str) -> dict:
        if not self.inbound:
            return super().parse_assignment(assignment)
        regexp = (
            r".*/(?P<course_id>[^/]*)/inbound/[^/]*/(?P<student_id>[^+/]*)\+"
            r"(?P<assignment_id>[^+]*)\+(?P<timestamp>[^+]*)(?P<random_string>\+.*)?"
        )
        return re.match(regexp, assignment).groupdict()

    def parse_assignments(self) -> list[dict]:
        assignments = super().parse_assignments()
        if self.inbound or self.cached:
            for group in assignments:
                for info in group["submissions"]:
                    self._private_feedback(info)
        return assignments

    def _private_feedback(self, info: dict) -> None:
        """Redo nbgrader's "feedback ready" check in ``feedback/<student>/``."""
        secret_path = os.path.join(info["path"], "submission_secret.txt")
        if not os.path.isfile(secret_path):
            return
        with open(secret_path) as handle:
            secret = handle.read()
        folder = os.path.join(self.root, info["course_id"], "feedback", info["student_id"])
        for notebook in info["notebooks"]:
            exchange = os.path.join(
                folder, notebook_hash(secret=secret, notebook_id=notebook["notebook_id"]) + ".html"
            )
            notebook["has_exchange_feedback"] = os.path.isfile(exchange)
            local = notebook.get("local_feedback_path")
            notebook["feedback_updated"] = bool(
                local and notebook["has_exchange_feedback"] and _differs(local, exchange)
            )
        notebooks = info["notebooks"]
        info["has_exchange_feedback"] = bool(notebooks) and all(
            nb["has_exchange_feedback"] for nb in notebooks
        )
        info["feedback_updated"] = any(nb["feedback_updated"] for nb in notebooks)


def _differs(first: str, second: str) -> bool:
    with open(first, "rb") as one, open(second, "rb") as other:
        return one.read() != other.read()
