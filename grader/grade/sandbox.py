"""Confine the process that runs one student's code (Linux only).

Called in the forked child before any student code runs:

- **no network**: a new, empty network namespace (not even a loopback that is up);
- **no writes outside its own folder**: a new mount namespace in which the course root
  (gradebook, submitted/, autograded/, other students) and the staging area are re-mounted
  read-only, except the child's working folder;
- **limits**: address space (memory), size of files written, core dumps off; the child
  leads its own session so that everything it spawns is killed with it.

The namespaces come from an unprivileged user namespace, so this works without root on
kernels that allow it (Debian does by default). Where the kernel refuses, the limits still
apply but the network and the file system are not confined: ``confine`` says so in its
return value and ``course grade`` prints a warning.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    cell_timeout: float = 60.0  # seconds per cell (nbgrader's Execute.timeout)
    memory_mb: int = 1024  # on top of what the warm interpreter already maps
    output_chars: int = 1_000_000  # printed per cell before the rest is dropped
    file_mb: int = 64  # largest file the code may write


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Be killed when the parent process dies, so no student code outlives a batch."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def apply_limits(limits: Limits) -> None:
    """Resource limits for this process and its children."""
    die_with_parent()
    os.setsid()
    mapped = _mapped_bytes()
    memory = mapped + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = limits.file_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write raises instead of killing


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def confine(workdir: Path, read_only: list[Path]) -> str | None:
    """Cut the network and make ``read_only`` unwritable except ``workdir``.

    Returns ``None`` when confined, else the reason it could not be done.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) != 0:
        return f"unshare: {os.strerror(ctypes.get_errno())}"
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
        _mount(libc, None, "/", MS_REC | MS_PRIVATE)
        _mount(libc, str(workdir), str(workdir), MS_BIND | MS_REC)
        for folder in read_only:
            _mount(libc, str(folder), str(folder), MS_BIND | MS_REC)
            _mount(libc, None, str(folder), MS_REMOUNT | MS_BIND | MS_RDONLY)
    except OSError as error:
        return f"mount namespace: {error}"
    return None


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _mount(libc: ctypes.CDLL, source: str | None, target: str, flags: int) -> None:
    raw_source = source.encode() if source is not None else None
    if libc.mount(raw_source, target.encode(), None, flags, None) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{target}: {os.strerror(errno)}")
