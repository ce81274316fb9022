"""Reading an LMS download (a zip, or a folder) without extracting it or changing it.

Files are listed with their path inside the download and read only when they are filed,
so a zip full of videos costs nothing. A zip a student uploaded inside their submission
is opened one level deep: its files count as theirs. Nothing is ever written next to the
original.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from grader.course import CourseError

#: Folders and files that operating systems and Jupyter add, never a student's work.
JUNK_DIRS = frozenset({"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"})
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
#: A nested zip larger than this is not opened (it would be read into memory).
MAX_NESTED_ZIP_BYTES = 200 * 1024 * 1024


@dataclass
class Member:
    """One file of the download."""

    parts: tuple[str, ...]
    size: int
    #: naive: a zip's local wall-clock time; aware: an exact instant (files on disk)
    modified: datetime | None
    read: Callable[[], bytes]
    #: the name of the zip a student uploaded that held this file, if any
    inside: str | None = None

    @property
    def path(self) -> str:
        return "/".join(self.parts)


@dataclass
class Download:
    """What a download holds: its files, the junk left out, and what could not be read."""

    members: list[Member] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def open_download(source: Path) -> Iterator[Download]:
    """List a zip file or a folder of submissions; a bad zip is one CourseError."""
    if source.is_dir():
        yield _from_folder(source)
        return
    if not source.is_file():
        raise CourseError(f"{source} does not exist")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CourseError(f"{source} is not a readable zip file ({error})") from error
    with archive:
        download = Download()
        _add_zip(download, archive, prefix=(), outer=None)
        yield download


def is_junk(parts: tuple[str, ...]) -> bool:
    """System files: macOS resource forks, Jupyter checkpoints, Office lock files."""
    name = parts[-1]
    return (
        any(part in JUNK_DIRS for part in parts[:-1])
        or name in JUNK_FILES
        or name.startswith(("._", "~$"))
    )


def _from_folder(root: Path) -> Download:
    download = Download()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        parts = path.relative_to(root).parts
        if is_junk(parts):
            download.junk.append("/".join(parts))
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        member = Member(parts, path.stat().st_size, modified, path.read_bytes)
        if path.suffix.lower() == ".zip":
            _add_nested(download, member)
        else:
            download.members.append(member)
    return download


def _member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; zips made on Windows without the UTF-8 flag are re-decoded."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return name


def _add_zip(
    download: Download, archive: zipfile.ZipFile, prefix: tuple[str, ...], outer: Member | None
) -> None:
    """List a zip's files; those of a zip found inside the download (``outer``) take its
    time, when the LMS received it, not the student's clock when they made the zip."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts = tuple(
            p for p in _member_name(info).replace("\\", "/").split("/") if p not in ("", ".")
        )
        if not parts:
            continue
        full = prefix + parts
        if ".." in parts:
            download.unreadable.append(("/".join(full), "unsafe path (..): not read"))
            continue
        if is_junk(parts):
            download.junk.append("/".join(full))
            continue
        member = Member(
            full,
            info.file_size,
            outer.modified if outer else datetime(*info.date_time),
            lambda info=info: archive.read(info),
            inside=outer.parts[-1] if outer else None,
        )
        if parts[-1].lower().endswith(".zip") and outer is None:
            _add_nested(download, member)
        else:
            download.members.append(member)


def _add_nested(download: Download, member: Member) -> None:
    """Open a zip found inside the download; its files join the download under its path."""
    if member.size > MAX_NESTED_ZIP_BYTES:
        download.unreadable.append((member.path, "zip too large to open: not read"))
        return
    try:
        inner = zipfile.ZipFile(io.BytesIO(member.read()))
        _add_zip(download, inner, prefix=member.parts, outer=member)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as error:
        download.unreadable.append((member.path, f"not a readable zip ({error}): not opened"))
