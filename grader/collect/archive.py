"""Reading an LMS download (a zip, or a folder) without extracting it or changing it.

Files are listed with their path inside the download and read only when they are filed,
so a zip full of videos costs nothing. A zip a student uploaded inside their submission
is opened one level deep: its files count as theirs. Nothing is ever written next to the
original.

A download is hostile until read: students choose the names, sizes and kinds of the files
in it, and everything inside a zip they upload. So no name is trusted to be a safe path
(``..``, absolute paths and drive letters are refused), no file to be a file (links are
reported, never followed) and no size to be what the zip announces (every read stops at a
limit, and the whole download at another). What is refused is listed with one reason.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from grader.course import CourseError

#: Folders and files that operating systems and Jupyter add, never a student's work.
JUNK_DIRS = frozenset({"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"})
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
#: A nested zip larger than this is not opened (it is read into memory).
MAX_NESTED_ZIP_BYTES = 200 * 2**20
#: All that one download may make us inflate, bombs included: more than a class's notebooks.
MAX_DOWNLOAD_BYTES = 4 * 2**30
#: Files in a download: a Moodle zip of a large class holds a few thousand.
MAX_MEMBERS = 20_000
#: Files in a zip a student uploaded: a notebook and its data, not a file system.
MAX_NESTED_MEMBERS = 1_000
#: Bytes of a zip's list of files allowed per file (zipfile reads the list whole).
DIRECTORY_BYTES_PER_MEMBER = 1024
#: Bytes inflated at a time: a read never holds much more than its limit.
CHUNK_BYTES = 2**20
#: The compressions zipfile inflates a chunk at a time (it inflates bzip2 and lzma unbounded).
BOUNDED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
#: Characters that make a name print as another one (terminal controls, bidi overrides).
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DRIVE = re.compile(r"^[A-Za-z]:")


class ReadLimit(Exception):
    """A file that would take more than a limit to read; the message is the report's."""


@dataclass
class Budget:
    """What the download may still make us read: bounds the work and memory of a bomb."""

    total: int
    left: int = field(init=False)

    def __post_init__(self) -> None:
        self.left = self.total

    def take(self, count: int) -> None:
        if count > self.left:
            self.left = 0
            raise ReadLimit(f"over the {size_text(self.total)} read from one download, not read")
        self.left -= count


@dataclass
class Member:
    """One file of the download."""

    parts: tuple[str, ...]
    size: int
    #: naive: a zip's local wall-clock time; aware: an exact instant (files on disk)
    modified: datetime | None
    opener: Callable[[], BinaryIO]
    budget: Budget
    #: the name of the zip a student uploaded that held this file, if any
    inside: str | None = None
    #: how many of the last ``parts`` are names from inside that zip (the student's)
    nested_parts: int = 0

    @property
    def path(self) -> str:
        return "/".join(self.parts)

    def read(self, limit: int) -> bytes:
        """The file's bytes, or ``ReadLimit``: the size the zip announces is checked first,
        then the bytes actually inflated, since a zip can announce any size."""
        if self.size > limit:
            raise ReadLimit(f"larger than {size_text(limit)}, not read")
        with self.opener() as stream:
            return read_bounded(stream, limit, self.budget)


@dataclass
class _OpenNested:
    """The nested zip read last. Its files are read one student at a time, so keeping only
    this one in memory serves them all, however many nested zips the download holds."""

    member: Member | None = None
    archive: zipfile.ZipFile | None = None

    def get(self, member: Member) -> zipfile.ZipFile:
        if self.member is not member or self.archive is None:
            self.archive = _nested_zip(member)
            self.member = member
        return self.archive

    def open(self, member: Member, index: int) -> BinaryIO:
        archive = self.get(member)
        return archive.open(archive.infolist()[index])


@dataclass
class Download:
    """What a download holds: its files, the junk left out, and what could not be read."""

    members: list[Member] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    budget: Budget = field(default_factory=lambda: Budget(MAX_DOWNLOAD_BYTES))
    nested: _OpenNested = field(default_factory=_OpenNested)

    def refuse(self, path: str, reason: str) -> None:
        self.unreadable.append((path, reason))


@contextmanager
def open_download(source: Path) -> Iterator[Download]:
    """List a zip file or a folder of submissions; a bad zip is one CourseError."""
    download = Download()
    if source.is_dir():
        _add_folder(download, source)
        yield download
        return
    if not source.exists():
        raise CourseError(f"{source} does not exist")
    if not source.is_file():
        raise CourseError(f"{source} is neither a zip file nor a folder")
    with _open_zip(source) as archive:
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


def read_bounded(stream: BinaryIO, limit: int, budget: Budget) -> bytes:
    """At most ``limit`` bytes of ``stream``, inflated a chunk at a time: ``ReadLimit`` as
    soon as there are more, whatever size was announced."""
    out = io.BytesIO()
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - out.tell())):
        budget.take(len(chunk))
        out.write(chunk)
        if out.tell() > limit:
            raise ReadLimit(f"larger than {size_text(limit)}, not read")
    return out.getvalue()


def size_text(count: int) -> str:
    """``4 GB``, ``100 MB``, ``1 KB``, ``300 bytes``: sizes as the report gives them."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= scale:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def unsafe_name(name: str) -> str | None:
    """Why a name from the download cannot be a path inside a student's folder, if so.

    Nothing is extracted, but a name that climbs out (``..``), starts at a root (``/``,
    ``\\\\server``, ``C:``) or hides characters would mislead anyone who reads it.
    """
    if any(unicodedata.category(char) == "Cc" or char in _INVISIBLE for char in name):
        return "control character"
    path = name.replace("\\", "/")
    if path.startswith("/"):
        return "absolute"
    if _DRIVE.match(path):
        return f"drive {path[:2]}"
    if ".." in path.split("/"):
        return ".."
    return None


def shown_name(name: str) -> str:
    """The name with its control characters escaped, safe to print in the report."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) == "Cc" or char in _INVISIBLE
        else char
        for char in name
    )


# -- folders --------------------------------------------------------------------------------
def _add_folder(download: Download, root: Path) -> None:
    """List a folder without following links: a link could bring in another student's
    file, or any file the instructor can read."""

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or root)
        download.refuse(_relative(where, root), f"cannot be read ({error.strerror}): not read")

    found: list[Path] = []
    for parent, dirs, files in os.walk(root, onerror=unreadable):
        here = Path(parent)
        links = [name for name in dirs if (here / name).is_symlink()]
        dirs[:] = [name for name in dirs if name not in links]
        found.extend(here / name for name in (*links, *files))
        if len(found) > MAX_MEMBERS:
            raise CourseError(
                f"{root} holds more than {MAX_MEMBERS} files: not read (is it the LMS download?)"
            )
    for path in sorted(found):
        _add_file(download, root, path)


def _relative(path: Path, root: Path) -> str:
    with suppress(ValueError):
        return shown_name(path.relative_to(root).as_posix())
    return shown_name(str(path))


def _add_file(download: Download, root: Path, path: Path) -> None:
    parts = path.relative_to(root).parts
    shown = shown_name("/".join(parts))
    if is_junk(parts):
        download.junk.append(shown)
        return
    if problem := unsafe_name("/".join(parts)):
        download.refuse(shown, f"unsafe path ({problem}): not read")
        return
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        download.refuse(shown, "a symbolic link: not followed")
        return
    if not stat.S_ISREG(info.st_mode):
        download.refuse(shown, "not a regular file: not read")
        return
    modified = datetime.fromtimestamp(info.st_mtime, tz=UTC)
    member = Member(parts, info.st_size, modified, lambda: _open_regular(path), download.budget)
    if path.suffix.lower() == ".zip":
        _add_nested(download, member)
    else:
        download.members.append(member)


def _open_regular(path: Path) -> BinaryIO:
    """The file itself, never what a link points to: ``O_NOFOLLOW`` refuses a link even if
    one replaced the file after it was listed, and a FIFO neither blocks nor is read."""
    flags = os.O_RDONLY
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_BINARY"):
        flags |= getattr(os, name, 0)
    handle = os.fdopen(os.open(path, flags), "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return handle


# -- zips -----------------------------------------------------------------------------------
def _open_zip(source: Path) -> zipfile.ZipFile:
    """The download's zip, its list of files checked for size before zipfile parses it."""
    try:
        with source.open("rb") as handle:
            crowded = _crowding(handle, MAX_MEMBERS)
        if not crowded:
            archive = zipfile.ZipFile(source)
            if len(archive.infolist()) <= MAX_MEMBERS:
                return archive
            archive.close()
            crowded = f"holds more than {MAX_MEMBERS} files"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise CourseError(f"{source} is not a readable zip file ({error})") from error
    raise CourseError(f"{source} {crowded}: not read (is it the LMS download?)")


def _crowding(handle: BinaryIO, most: int) -> str | None:
    """Why not to let zipfile parse this zip: it reads the list of files whole and makes an
    object per file, so a few MB of zip can list millions. The end record is read with
    zipfile's own function, so the check sees the sizes zipfile will use."""
    end = zipfile._EndRecData(handle)
    if end is None:
        return None  # not a zip: zipfile says so
    files, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if files > most:
        return f"holds {files} files, more than {most}"
    if size > most * DIRECTORY_BYTES_PER_MEMBER:
        return f"lists its files in {size_text(size)}, more than {most} files take"
    return None


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
    for index, info in enumerate(archive.infolist()):
        if info.is_dir() or stat.S_ISDIR(info.external_attr >> 16):
            continue
        parts = _safe_parts(download, info, prefix)
        if parts is None:
            continue
        member = Member(
            prefix + parts,
            info.file_size,
            outer.modified if outer else datetime(*info.date_time),
            _zip_opener(download, archive, index, outer),
            download.budget,
            inside=outer.parts[-1] if outer else None,
            nested_parts=len(parts) if outer else 0,
        )
        if parts[-1].lower().endswith(".zip") and outer is None:
            _add_nested(download, member)
        else:
            download.members.append(member)


def _zip_opener(
    download: Download, archive: zipfile.ZipFile, index: int, outer: Member | None
) -> Callable[[], BinaryIO]:
    """How to open entry ``index`` later: from the download's zip, or from the nested zip
    ``outer`` read again if another one was opened since."""
    if outer is None:
        info = archive.infolist()[index]
        return lambda: archive.open(info)
    return lambda: download.nested.open(outer, index)


def _safe_parts(
    download: Download, info: zipfile.ZipInfo, prefix: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The entry's path, or None when it is junk or refused (and recorded as such)."""
    name = _member_name(info)
    shown = "/".join((*prefix, shown_name(name)))
    if problem := unsafe_name(name):
        download.refuse(shown, f"unsafe path ({problem}): not read")
        return None
    parts = tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))
    if not parts:
        download.refuse(shown, "no file name: not read")
        return None
    if is_junk(parts):
        download.junk.append("/".join(prefix + parts))
        return None
    if reason := _entry_refusal(info):
        download.refuse("/".join(prefix + parts), reason)
        return None
    return parts


def _entry_refusal(info: zipfile.ZipInfo) -> str | None:
    """Why an entry with a safe name is not read: not a plain file, or packed in a way that
    would let a few bytes inflate past every limit."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "a symbolic link: not followed"
    if kind not in (0, stat.S_IFREG):
        return "not a regular file: not read"
    if info.flag_bits & 0x1:
        return "encrypted: not read"
    if info.compress_type not in BOUNDED_METHODS:
        method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        return f"compressed with {method}, which cannot be read within limits: not read"
    if info.compress_size > _largest_compressed(info):
        return (
            f"the zip announces {size_text(info.file_size)} but holds "
            f"{size_text(info.compress_size)} compressed: not read"
        )
    return None


def _largest_compressed(info: zipfile.ZipInfo) -> int:
    """The most bytes ``file_size`` bytes take once packed; beyond, the size is a lie.

    Stored, they take exactly their size. Deflate never expands data by more than a few
    bytes per block; a quarter more leaves room for any tool's choices.
    """
    if info.compress_type == zipfile.ZIP_STORED:
        return info.file_size
    return info.file_size + info.file_size // 4 + 1024


def _nested_zip(member: Member) -> zipfile.ZipFile:
    """A zip a student uploaded, read into memory within the limits; ``ReadLimit`` when it
    is too large or lists too many files, before zipfile parses that list."""
    if member.size > MAX_NESTED_ZIP_BYTES:
        raise ReadLimit("zip too large to open: not read")
    data = io.BytesIO(member.read(MAX_NESTED_ZIP_BYTES))
    if crowded := _crowding(data, MAX_NESTED_MEMBERS):
        raise ReadLimit(f"{crowded}: not opened")
    archive = zipfile.ZipFile(data)
    if len(archive.infolist()) > MAX_NESTED_MEMBERS:
        raise ReadLimit(f"holds more than {MAX_NESTED_MEMBERS} files: not opened")
    return archive


def _add_nested(download: Download, member: Member) -> None:
    """Open a zip found inside the download; its files join the download under its path."""
    try:
        inner = download.nested.get(member)
    except ReadLimit as error:
        download.refuse(member.path, str(error))
        return
    except Exception as error:  # zipfile raises many kinds on hostile bytes
        download.refuse(member.path, f"not a readable zip ({error}): not opened")
        return
    if len(download.members) + len(inner.infolist()) > MAX_MEMBERS:
        download.refuse(member.path, f"the download holds over {MAX_MEMBERS} files: not opened")
        return
    _add_zip(download, inner, prefix=member.parts, outer=member)
