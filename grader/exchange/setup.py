"""Make the private exchange's folders (run as root, once per class and per new student).

Run by ``hub/start.sh`` (``python -m grader.exchange.setup``). Idempotent: running it
again after adding students only adds their folders and repairs modes that drifted.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import subprocess
from pathlib import Path

#: inbound/ and feedback/: the instructor lists them; students only pass through.
SHARED_MODE = 0o751
#: a student's own inbound/feedback folder: the student and the graders group, no one else.
PRIVATE_MODE = 0o2770
#: a student's home: their notebooks and nbgrader cache (with the submission secrets).
HOME_MODE = 0o700


def ensure_group(group: str, members: list[str]) -> int:
    """The graders group (created if missing) with ``members`` in it; returns its gid."""
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", group], check=True)
    for member in members:
        subprocess.run(["usermod", "-aG", group, member], check=True)
    return grp.getgrnam(group).gr_gid


def _folder(path: Path, uid: int, gid: int, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def set_up(root: Path, course_id: str, instructor: str, students: list[str], group: str) -> None:
    """The exchange tree of ``course_id`` under ``root`` for ``instructor`` and ``students``."""
    gid = ensure_group(group, [instructor])
    teacher = pwd.getpwnam(instructor).pw_uid
    _folder(root, 0, 0, 0o755)
    course = root / course_id
    _folder(course, teacher, gid, 0o755)
    _folder(course / "outbound", teacher, gid, 0o755)
    for kind in ("inbound", "feedback"):
        _folder(course / kind, teacher, gid, SHARED_MODE)
        for student in students:
            _folder(course / kind / student, pwd.getpwnam(student).pw_uid, gid, PRIVATE_MODE)
    for account in [instructor, *students]:
        os.chmod(pwd.getpwnam(account).pw_dir, HOME_MODE)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m grader.exchange.setup --instructor prof --students ana,ben``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", default=os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
    )
    parser.add_argument("--course", default=os.environ.get("COURSE_ID", "communautes-en-ligne"))
    parser.add_argument("--instructor", required=True)
    parser.add_argument("--students", required=True, help="comma-separated Linux accounts")
    parser.add_argument("--group", default="graders", help="the instructor's (and TAs') group")
    args = parser.parse_args(argv)
    students = [name for name in args.students.split(",") if name]
    set_up(Path(args.root), args.course, args.instructor, students, args.group)
    print(
        f"exchange ready: {args.root}/{args.course} for {args.instructor} and {len(students)} students"
    )


if __name__ == "__main__":
    main()
