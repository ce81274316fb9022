"""Confine the process that runs one student's code (Linux only).

Called in the forked child before any student code runs, :func:`enter` leaves it in a
sandbox that the code inside cannot undo:

- **its own namespaces**: user, mount, network (empty: no loopback that is up), PID, IPC
  and UTS. The student's code runs as PID 1 of its PID namespace, so everything it starts
  (double forks and ``setsid`` included) dies with it, and it cannot see or signal any
  process outside;
- **an allow-listed file system**: a fresh root (``pivot_root``) holding only the Python
  installation, the course's ``exercises`` and ``grader`` packages, a few files of
  ``/etc``, ``/dev/null`` and friends, all read-only, and a size-limited in-memory
  ``/tmp`` holding the working copy and an empty ``$HOME``. ``source/``, the gradebook,
  ``submitted/``, ``autograded/``, other students, the instructor's home: not there;
- **no way back**: every capability dropped (bounding set included), ``no_new_privs``,
  and a seccomp filter that refuses ``mount``, ``umount2``, ``unshare``, ``setns``,
  ``ptrace``, module loading, ``bpf`` and new namespaces through ``clone``;
- **limits**: address space, size of one file, core dumps off, a process count, and the
  size of the in-memory file system (the submission's whole disk budget);
- **a clean environment**: only what a notebook needs.

Where the kernel refuses any of this, :func:`enter` raises :class:`SandboxError` and the
submission is not run, unless the instructor chose to grade unconfined
(``course grade --unsafe-no-sandbox``).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import platform
import resource
import signal
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWCGROUP = 0x02000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

#: Files of /etc a notebook may read (time zone, names of users, fonts); nothing secret.
ETC_FILES = ("localtime", "passwd", "group", "nsswitch.conf", "fonts", "mime.types")
#: Device nodes bound into the sandbox's /dev.
DEVICES = ("null", "zero", "full", "random", "urandom")
#: Who student code runs as when grading runs as root.
NOBODY = 65534
#: The environment of student code: nothing of the instructor's.
HOME = "/tmp/home"
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": HOME,
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "MPLCONFIGDIR": "/tmp/.matplotlib",
    "PYTHONDONTWRITEBYTECODE": "1",
}
#: Set by the workers for every notebook (inline figures, one thread per core).
KEPT_ENV = ("MPLBACKEND", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
            "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # fmt: skip


class SandboxError(RuntimeError):
    """The kernel refused part of the sandbox: the submission must not run."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    cell_timeout: float = 60.0  # seconds per cell (nbgrader's Execute.timeout)
    memory_mb: int = 1024  # on top of what the warm interpreter already maps, per process
    total_memory_mb: int = 1536  # private memory of all its processes together
    output_chars: int = 1_000_000  # printed per cell before the rest is dropped
    file_mb: int = 64  # largest file the code may write
    disk_mb: int = 256  # everything it may write, all files together (in memory)
    files: int = 4096  # how many files and folders it may create
    processes: int = 32  # how many processes it may run at once
    total_timeout: float = 600.0  # seconds for the whole submission


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


def visible_paths() -> list[Path]:
    """What student code may read: the Python installation and the course's two packages.

    The prefixes of the installation (standard library, site-packages) are visible whole.
    Any other folder on ``sys.path`` is not: an editable install puts the course's own
    checkout there, solutions (``source/``) included. Of it, only the folders of the
    ``exercises`` and ``grader`` packages, wherever they are imported from, are visible.
    """
    prefixes = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    visible = [p for p in sorted(prefixes) if p.exists() and p != Path("/")]
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        inside = any(path.is_relative_to(prefix) for prefix in prefixes)
        if inside and path.exists() and not any(path.is_relative_to(v) for v in visible):
            visible.append(path)
    for package in ("exercises", "grader"):
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            visible.append(Path(location).resolve())
    return visible


def enter(workdir: Path, visible: list[Path], limits: Limits) -> None:
    """Confine this process; return in a new process, PID 1 of its own PID namespace.

    Three processes: this one stays outside and maps the user namespace of the next one
    (which lays out the file system, then waits), whose child runs the student's code as
    PID 1 of the new PID namespace. The two outer ones only wait and exit with the inner
    one's status: this call returns only in the innermost. Run as root, student code runs
    as ``nobody`` (uid 65534) in the kernel's eyes: root is exempt from the process limit
    and could read whatever root owns in the sandbox.
    """
    os.chdir(workdir)  # a missing working folder fails here, before anything else
    libc = ctypes.CDLL(None, use_errno=True)
    as_root = os.getuid() == 0
    _split(lambda child: _map_user_namespace(child, as_root), libc)
    try:
        _build_root(libc, Path(workdir), visible, limits, owner=NOBODY if as_root else None)
    except OSError as error:
        raise SandboxError(f"file system: {error}") from error
    _split(None, libc)  # the next process is PID 1 of the new PID namespace
    with contextlib.suppress(OSError):  # else an empty /proc: no grading process seen
        _mount(libc, "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "proc")
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    os.chdir(workdir)
    kept = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    os.environ.clear()
    os.environ.update(BASE_ENV, **kept)
    _drop_bounding_set(libc)
    if as_root:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
        die_with_parent()  # a change of user clears it
    os.makedirs(HOME, exist_ok=True)
    _drop_privileges(libc)


def _split(outside, libc: ctypes.CDLL) -> None:
    """Fork; the parent waits for the child and dies as it does; the child returns.

    With ``outside`` (a function of the child's PID), the child first enters its new
    namespaces and waits for the parent to run ``outside`` (which maps its user
    namespace): a process cannot give itself the mapping of a user other than its own.
    """
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        die_with_parent()  # (the zygote also kills the whole process group)
        if outside is not None:
            failed = libc.unshare(NAMESPACES) != 0
            errno = ctypes.get_errno()
            os.write(ready_w, b"x")
            answer = os.read(go_r, 512)
            if failed:
                raise SandboxError(f"unshare: {os.strerror(errno)}")
            if answer != b"ok":
                raise SandboxError(f"user namespace: {answer.decode(errors='replace')}")
        os.close(ready_w)
        os.close(go_r)
        return
    os.close(ready_w)
    os.close(go_r)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # meant for the cell: the child has it
    if outside is not None and os.read(ready_r, 1) == b"x":
        try:
            outside(pid)
            os.write(go_w, b"ok")
        except OSError as error:
            os.write(go_w, str(error).encode()[:500])
    for fd in range(3, 1024):  # keep no pipe of the child's open: its death must be seen
        with contextlib.suppress(OSError):
            os.close(fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _map_user_namespace(pid: int, as_root: bool) -> None:
    """The child's user and group ids: itself, plus ``nobody`` when grading as root."""
    uid, gid = os.getuid(), os.getgid()
    if as_root:
        _write(f"/proc/{pid}/uid_map", f"0 0 1\n{NOBODY} {NOBODY} 1")
        _write(f"/proc/{pid}/gid_map", f"0 0 1\n{NOBODY} {NOBODY} 1")
    else:
        _write(f"/proc/{pid}/setgroups", "deny")
        _write(f"/proc/{pid}/uid_map", f"{uid} {uid} 1")
        _write(f"/proc/{pid}/gid_map", f"{gid} {gid} 1")


def _build_root(
    libc: ctypes.CDLL, workdir: Path, visible: list[Path], limits: Limits, owner: int | None
) -> None:
    """Lay out the allow-listed file system on a fresh tmpfs and make it ``/``.

    The tmpfs is mounted on the working folder itself, in this mount namespace only
    (every child has its own), after its files are read: no folder of the instructor's is
    covered, wherever the course and its Python installation live. ``owner`` becomes the
    owner of the working copy (``nobody`` when grading as root).
    """
    root = workdir
    staging_copy = _read_tree(workdir)
    _mount(libc, None, "/", MS_REC | MS_PRIVATE)
    _mount(libc, "tmpfs", str(root), MS_NOSUID | MS_NODEV, "tmpfs", "size=1m,mode=0755")
    budget = f"size={limits.disk_mb}m,nr_inodes={limits.files},mode=1777"
    (root / "tmp").mkdir()
    _mount(libc, "tmpfs", str(root / "tmp"), MS_NOSUID | MS_NODEV, "tmpfs", budget)
    for path in visible:
        if workdir.is_relative_to(path):
            continue  # would show every student's staging folder
        _bind(libc, path, root, read_only=True)
    for link in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / link
        if path.is_symlink():
            os.symlink(os.readlink(path), root / link)
        elif path.is_dir() and not any(p == path or path in p.parents for p in visible):
            _bind(libc, path, root, read_only=True)
    if not any(p == Path("/usr") or Path("/usr") in p.parents for p in visible):
        _bind(libc, Path("/usr"), root, read_only=True)
    for name in ETC_FILES:
        if os.path.exists(f"/etc/{name}"):
            _bind(libc, Path("/etc") / name, root, read_only=True)
    (root / "dev").mkdir(exist_ok=True)
    for name in DEVICES:
        _bind(libc, Path("/dev") / name, root, read_only=False)
    (root / "dev" / "shm").mkdir()
    small = f"size={limits.file_mb}m,nr_inodes=64,mode=1777"
    _mount(libc, "tmpfs", str(root / "dev/shm"), MS_NOSUID | MS_NODEV, "tmpfs", small)
    inside = root / workdir.relative_to("/")
    if not workdir.is_relative_to("/tmp"):  # the working copy's own budget
        inside.mkdir(parents=True)
        _mount(libc, "tmpfs", str(inside), MS_NOSUID | MS_NODEV, "tmpfs", budget)
    _write_tree(inside, staging_copy, owner)
    (root / "proc").mkdir()
    (root / ".old").mkdir()
    os.chdir(root)
    if libc.syscall(_SYSCALLS[_arch()]["pivot_root"], b".", b".old") != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"pivot_root: {os.strerror(errno)}")
    os.chdir("/")
    if libc.umount2(b"/.old", MNT_DETACH) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"umount /.old: {os.strerror(errno)}")
    os.rmdir("/.old")
    _mount(libc, None, "/", MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _bind(libc: ctypes.CDLL, path: Path, root: Path, read_only: bool) -> None:
    """Bind ``path`` at the same place under ``root`` (read-only unless told otherwise)."""
    target = root / path.relative_to("/")
    if path.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    _mount(libc, str(path), str(target), MS_BIND | MS_REC)
    if read_only:
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
        _mount(libc, None, str(target), flags | (MS_NODEV if path.is_dir() else 0))


def _read_tree(folder: Path) -> list[tuple[str, bytes | None]]:
    """The working copy's files (``None`` for a folder), read while it is reachable."""
    entries: list[tuple[str, bytes | None]] = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            continue  # never followed: a link could point at anything
        relative = str(path.relative_to(folder))
        entries.append((relative, None if path.is_dir() else path.read_bytes()))
    return entries


def _write_tree(target: Path, entries: list[tuple[str, bytes | None]], owner: int | None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for relative, data in entries:
        path = target / relative
        if data is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.write_bytes(data)
    if owner is not None:
        os.chown(target, owner, owner)
        for relative, _ in entries:
            os.chown(target / relative, owner, owner)


def _drop_bounding_set(libc: ctypes.CDLL) -> None:
    """No capability can ever come back, not even through executing a program as root."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:
            break  # EINVAL: past the last capability this kernel knows


def _drop_privileges(libc: ctypes.CDLL) -> None:
    """No capability left, none to gain back, and the syscalls that undo a sandbox refused."""
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("II", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # effective, permitted, inheritable: all empty (two 32-bit words each)
    if libc.capset(header, data) != 0:
        raise SandboxError(f"capset: {os.strerror(ctypes.get_errno())}")
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"no_new_privs: {os.strerror(ctypes.get_errno())}")
    program = _seccomp_program(_arch())
    filters = ctypes.create_string_buffer(program)
    fprog = struct.pack("HL", len(program) // 8, ctypes.addressof(filters))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog, 0, 0) != 0:
        raise SandboxError(f"seccomp: {os.strerror(ctypes.get_errno())}")


# ------------------------------------------------------------------------------ seccomp

#: Syscalls refused inside the sandbox (EPERM), by architecture, plus the two handled apart.
_DENIED = (
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "ptrace",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf",
    "process_vm_readv", "process_vm_writev", "keyctl", "add_key", "request_key",
    "perf_event_open", "userfaultfd", "open_by_handle_at", "name_to_handle_at",
    "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "swapon", "swapoff", "reboot", "sethostname", "setdomainname", "acct", "quotactl",
)  # fmt: skip
_SYSCALLS = {
    "x86_64": {
        "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272,
        "setns": 308, "ptrace": 101, "init_module": 175, "finit_module": 313,
        "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320, "bpf": 321,
        "process_vm_readv": 310, "process_vm_writev": 311, "keyctl": 250, "add_key": 248,
        "request_key": 249, "perf_event_open": 298, "userfaultfd": 323,
        "open_by_handle_at": 304, "name_to_handle_at": 303, "move_mount": 429,
        "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "swapon": 167, "swapoff": 168, "reboot": 169,
        "sethostname": 170, "setdomainname": 171, "acct": 163, "quotactl": 179,
        "clone": 56, "clone3": 435,
    },
    "aarch64": {
        "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "unshare": 97,
        "setns": 268, "ptrace": 117, "init_module": 105, "finit_module": 273,
        "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294, "bpf": 280,
        "process_vm_readv": 270, "process_vm_writev": 271, "keyctl": 219, "add_key": 217,
        "request_key": 218, "perf_event_open": 241, "userfaultfd": 282,
        "open_by_handle_at": 265, "name_to_handle_at": 264, "move_mount": 429,
        "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "swapon": 224, "swapoff": 225, "reboot": 142,
        "sethostname": 161, "setdomainname": 162, "acct": 89, "quotactl": 60,
        "clone": 220, "clone3": 435,
    },
}  # fmt: skip
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_EPERM, _ENOSYS = 1, 38


def _arch() -> str:
    machine = platform.machine()
    if machine not in _SYSCALLS:
        raise SandboxError(f"no seccomp filter for this processor ({machine})")
    return machine


def _seccomp_program(arch: str) -> bytes:
    """A classic BPF program: refuse the denied syscalls and namespace-creating clones."""
    numbers = _SYSCALLS[arch]
    ld, jeq, jset, jge, ret = 0x20, 0x15, 0x45, 0x35, 0x06

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    deny = op(ret, _RET_ERRNO | _EPERM)
    program = [
        op(ld, 4),  # seccomp_data.arch
        op(jeq, _AUDIT_ARCH[arch], 1, 0),
        deny,  # a foreign ABI: refuse everything
        op(ld, 0),  # seccomp_data.nr
    ]
    if arch == "x86_64":  # the x32 ABI's numbers would bypass the table below
        program += [op(jge, 0x40000000, 0, 1), deny]
    for name in _DENIED:
        program += [op(jeq, numbers[name], 0, 1), deny]
    program += [op(jeq, numbers["clone3"], 0, 1), op(ret, _RET_ERRNO | _ENOSYS)]
    program += [
        op(jeq, numbers["clone"], 0, 3),
        op(ld, 16),  # seccomp_data.args[0], low word: clone's flags
        op(jset, NAMESPACES | CLONE_NEWCGROUP, 0, 1),
        deny,
        op(ret, _RET_ALLOW),
    ]
    return b"".join(program)


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _mount(
    libc: ctypes.CDLL,
    source: str | None,
    target: str,
    flags: int,
    fstype: str | None = None,
    options: str | None = None,
) -> None:
    raw_source = source.encode() if source is not None else None
    raw_type = fstype.encode() if fstype else None
    raw_options = options.encode() if options else None
    if libc.mount(raw_source, target.encode(), raw_type, flags, raw_options) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{target}: {os.strerror(errno)}")
