"""Warm workers: imports paid once, each submission in a fresh forked process.

``WorkerPool`` (in the grading process) starts one helper process, the *zygote*, which
builds an IPython shell and imports what the assignment's notebooks import (matplotlib,
ipywidgets, pandas, the course's ``exercises`` package…), then never runs student code
itself. For each submission it forks a child: a copy-on-write clone of that warm
interpreter that has seen no other student. The child confines itself (``grader.grade.sandbox``), runs the
code cells one by one and reports each cell's outputs. Up to ``workers`` children run at
once, one per core.

The zygote also enforces the per-cell time limit: it interrupts a cell that runs too long
(like a Jupyter kernel interrupt) and kills the child if the interrupt is ignored. When a
child dies (killed, crashed, ``os._exit``), the cell it was running gets an error output
and the submission is run again in a new child without that cell, so a student loses the
points that depend on it and no more.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from grader.grade.sandbox import Limits, SandboxError, apply_limits, die_with_parent, enter

#: Modules the zygote always imports, besides those the assignment's notebooks import.
PRELOAD = ("json", "math", "re", "statistics", "collections", "datetime", "pathlib", "random")
#: How long the zygote may take to import everything before we give up.
START_TIMEOUT = 180.0
#: How long an interrupted cell may take to stop before its process is killed.
INTERRUPT_GRACE = 2.0
#: How many times one submission may be restarted after its process died.
MAX_RESTARTS = 3
#: The largest message a child may send (a cell's outputs, as JSON); beyond, it is killed.
MAX_MESSAGE = 64 * 1024 * 1024
#: How often the memory of each submission's processes is summed (seconds).
MEMORY_CHECK_EVERY = 0.25
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
#: What a child may say it did with a cell's output types.
OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}


@dataclass
class Job:
    """One notebook to execute: its code cells (``None`` for other cells) and where."""

    key: str
    workdir: str
    cells: list[str | None]
    env: dict[str, str] = field(default_factory=dict)
    trusted: set[int] = field(default_factory=set)  # the instructor's cells (tests, locked)


@dataclass
class Incident:
    """Something the limits or the sandbox did to a cell, told to the student."""

    cell: int
    kind: str  # "timeout" or "died"
    detail: str


@dataclass
class JobResult:
    """The outputs of each executed cell, and what went wrong on the way."""

    key: str
    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)
    unconfined: str | None = None
    alerts: list[str] = field(default_factory=list)  # what the student's code reached into


class WorkerError(RuntimeError):
    """The warm workers could not start or stopped answering."""


# --------------------------------------------------------------------------- grading side


class WorkerPool:
    """The grading process's handle on the zygote: submit jobs, receive results."""

    def __init__(self, workers: int, preload: Iterable[str] = ()) -> None:
        """Start the zygote; it imports ``preload`` in the background until :meth:`configure`.

        ``preload`` is best what the assignment's own notebooks import
        (:func:`imported_modules`): every child gets them for free, and no child carries
        modules it will not use (each makes forking, and formatting a traceback, slower).
        """
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "grader.grade.workers", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        theirs.close()
        self._conn = Connection(ours.detach())
        self._conn.send((workers, list(preload)))
        self._configured = False
        self._ready = False
        self._backlog: deque[Job] = deque()
        self._in_flight = 0
        self._max_in_flight = 4 * workers  # enough to keep every worker busy

    def configure(self, limits: Limits, visible: list[Path], unsafe: bool = False) -> None:
        """Before any job: every child's limits and the folders it may read.

        With ``unsafe``,
        a child that the kernel refuses to sandbox runs anyway, limited but unconfined
        (and says so in :attr:`JobResult.unconfined`); without, such a job fails the batch.
        """
        payload = (limits, [str(p) for p in visible], unsafe)
        self._conn.send(("configure", payload))
        self._configured = True

    def submit(self, job: Job) -> None:
        """Queue a job; it is sent once the zygote is warm and a worker is nearly free."""
        if not self._configured:
            raise WorkerError("the grading workers got a job before their limits")
        self._backlog.append(job)
        self._pump(wait=0)

    def next_result(self, timeout: float | None = None) -> JobResult | None:
        """The next finished job, or ``None`` if none finished within ``timeout``."""
        if not self._pump(wait=START_TIMEOUT if timeout is None else timeout):
            return None
        if not self._in_flight or not self._conn.poll(timeout):
            return None
        message = self._recv()
        if message[0] == "refused":
            raise WorkerError(
                f"the kernel refused the grading sandbox ({message[1]}): no student code was "
                "run; grade as a user allowed to create namespaces, or pass --unsafe-no-sandbox"
            )
        if message[0] != "result":
            raise WorkerError(f"the grading workers stopped: {message[1]}")
        self._in_flight -= 1
        self._pump(wait=0)
        return message[1]

    def _pump(self, wait: float) -> bool:
        """Send queued jobs if the zygote is ready (waiting up to ``wait`` for it)."""
        if not self._ready:
            if not self._conn.poll(wait):
                if wait >= START_TIMEOUT:
                    raise WorkerError(f"the grading workers did not start within {wait:g} s")
                return False
            message = self._recv()
            if message[0] != "ready":
                raise WorkerError(f"the grading workers failed to start: {message[1]}")
            self._ready = True
        while self._backlog and self._in_flight < self._max_in_flight:
            self._conn.send(("job", self._backlog.popleft()))
            self._in_flight += 1
        return True

    def _recv(self) -> tuple:
        try:
            return self._conn.recv()
        except (EOFError, OSError) as error:
            raise WorkerError("the grading workers stopped unexpectedly") from error

    def close(self) -> None:
        """Stop the zygote; children still running (an interrupted batch) are killed."""
        with contextlib.suppress(OSError):
            self._conn.send(("stop", None))
        for stop in (None, self._process.terminate, self._process.kill):
            if stop:
                stop()
            try:
                self._process.wait(2 if stop is None else 5)
                break
            except subprocess.TimeoutExpired:
                continue
        self._conn.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------- zygote side


def imported_modules(notebooks: Iterable[Path]) -> list[str]:
    """The modules the code cells of ``notebooks`` import, as names to preload.

    ``from package import name`` yields ``package`` and ``package.name``, in case ``name``
    is a submodule. Magics and shell lines are skipped; a cell that does not parse, or a
    notebook that cannot be read, adds nothing (the workers import it when it runs).
    """
    found: dict[str, None] = {}
    for path in notebooks:
        try:
            cells = json.loads(Path(path).read_text("utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            lines = [line for line in source.splitlines() if line.lstrip()[:1] not in ("%", "!")]
            try:
                tree = ast.parse("\n".join(lines))
            except (SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return list(found)


def _warm(preload: list[str]) -> None:
    """Build the shell and import the modules every child will need."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"  # no thread pools to fork, one core per worker
    from grader.grade.kernel import new_shell

    shell = new_shell()
    for name in (*PRELOAD, *preload):
        with contextlib.suppress(Exception):  # the child meets the same error, and shows it
            importlib.import_module(name)
    _format_a_traceback(shell)
    # Everything alive now is shared by every child and never garbage: freezing it keeps
    # the children's collector from walking (and copying, page by page) the whole warm
    # heap. Measured on module 07: 0.46 s -> 0.30 s per submission.
    gc.freeze()


def _format_a_traceback(shell: Any) -> None:
    """Format one traceback the way a failing cell's is, so that children need not.

    To show a frame, IPython looks up its module with ``inspect.getmodule``, whose first
    call stats the file of every loaded module (about 60 ms here) before caching them all.
    Every failing test pays that in a fresh process; after this, the forked children
    inherit the cache.
    """
    try:
        raise ValueError("warm-up")
    except ValueError:
        shell.InteractiveTB.structured_traceback(*sys.exc_info())


@dataclass
class _Run:
    """A job being executed by a child process."""

    job: Job
    pid: int
    events: Connection
    commands: Connection
    skip: set[int]
    result: JobResult
    restarts: int = 0
    cell: int | None = None
    token: str = ""
    deadline: float = float("inf")
    interrupted: bool = False
    started: float = field(default_factory=time.monotonic)
    greeted: bool = False
    over_memory: int = 0  # the private memory (bytes) that broke the budget, if any


class _Zygote:
    def __init__(
        self,
        conn: Connection,
        workers: int,
        limits: Limits,
        visible: list[str],
        unsafe: bool,
    ):
        self.conn = conn
        self.workers = workers
        self.limits = limits
        self.visible = [Path(p) for p in visible]
        self.unsafe = unsafe
        self.queue: deque[Job] = deque()
        self.running: dict[int, _Run] = {}
        self.stopping = False
        self._next_memory_check = 0.0

    def serve(self) -> None:
        while not (self.stopping and not self.queue and not self.running):
            while self.queue and len(self.running) < self.workers and not self.stopping:
                job = self.queue.popleft()
                self._start(job, JobResult(job.key), set(), 0)
            self._step()

    def _step(self) -> None:
        now = time.monotonic()
        deadlines = [run.deadline for run in self.running.values()]
        timeout = max(0.0, min([*deadlines, now + MEMORY_CHECK_EVERY]) - now)
        sources: list[Any] = [] if self.stopping else [self.conn]
        sources += [run.events for run in self.running.values()]
        for ready in wait(sources, timeout):
            if ready is self.conn:
                self._from_parent()
            else:
                self._from_child(next(r for r in self.running.values() if r.events is ready))
        self._enforce_deadlines()
        self._enforce_memory()
        self._reap_silent_deaths()

    def _from_parent(self) -> None:
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            kind, payload = "stop", None
        if kind == "job":
            self.queue.append(payload)
        else:
            self.stopping = True
            self.queue.clear()

    def _start(self, job: Job, result: JobResult, skip: set[int], restarts: int) -> None:
        """Fork a child for ``job``; it is told its cells one at a time (:meth:`_next_cell`).

        The child gets neither the sources of the job's cells (a hidden test is sent when
        it is to run, never before) nor anything of the other jobs this zygote holds.
        """
        reader, writer = _pipe()
        command_reader, command_writer = _pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            reader.close()
            command_writer.close()
            self.conn.close()
            for run in self.running.values():
                run.events.close()
                run.commands.close()
            self.running.clear()
            self.queue.clear()
            bare = Job(job.key, job.workdir, [None] * len(job.cells), job.env, job.trusted)
            job = None  # type: ignore[assignment]
            _child(bare, writer, command_reader, self.limits, self._sandbox())
        writer.close()
        command_reader.close()
        self.running[pid] = _Run(job, pid, reader, command_writer, skip, result, restarts)

    def _sandbox(self) -> tuple[list[Path], bool]:
        return self.visible, self.unsafe

    def _next_cell(self, run: _Run) -> None:
        """Send the child its next code cell to run, with a fresh token; or tell it to stop."""
        after = -1 if run.cell is None else run.cell
        for index in range(after + 1, len(run.job.cells)):
            source = run.job.cells[index]
            if source is None or index in run.skip:
                continue
            run.cell, run.token, run.interrupted = index, os.urandom(16).hex(), False
            run.deadline = min(
                time.monotonic() + self.limits.cell_timeout,
                run.started + self.limits.total_timeout,
            )
            _send_json(run.commands, {"run": index, "source": source, "token": run.token})
            return
        run.cell, run.deadline = len(run.job.cells), float("inf")
        _send_json(run.commands, {"stop": True})

    def _from_child(self, run: _Run) -> None:
        try:
            message = json.loads(run.events.recv_bytes(MAX_MESSAGE))
        except (EOFError, OSError, ValueError) as error:  # exited, closed, or too much
            _signal_group(run.pid, signal.SIGKILL)
            status = _exit_status(run.pid)
            if not isinstance(error, EOFError):
                run.result.alerts.append(f"canal de correction : message refusé ({error})")
            self._died(run, status)
            return
        problem = _invalid(message, run)
        if problem:  # forged or mangled: the child is not believed, and is stopped
            run.result.alerts.append(f"canal de correction : {problem}")
            _signal_group(run.pid, signal.SIGKILL)
            self._died(run, _exit_status(run.pid))
            return
        kind = message["kind"]
        if kind == "hello":
            run.greeted = True
            run.result.unconfined = message.get("unconfined")
            if run.result.unconfined and not self.unsafe:
                self._refuse(run, run.result.unconfined)
                return
            run.cell = None
            self._next_cell(run)
        elif kind == "alert":
            if len(run.result.alerts) < 50:
                run.result.alerts.append(str(message["what"])[:300])
        elif kind == "done":
            self._done(run, message)
        elif kind == "fatal":
            cell = -1 if run.cell is None or run.cell >= len(run.job.cells) else run.cell
            detail = str(message["detail"]).strip().splitlines() or ["?"]
            run.result.incidents.append(Incident(cell, "died", detail[-1][:300]))
            self._finish(run)
        elif kind == "end":
            self._finish(run)

    def _done(self, run: _Run, message: dict) -> None:
        index, outputs, count = message["index"], message["outputs"], message["count"]
        if run.interrupted:
            outputs = [o for o in outputs if o.get("ename") != "KeyboardInterrupt"]
            outputs.append(_timeout_error(self.limits.cell_timeout))
            run.result.incidents.append(Incident(index, "timeout", ""))
            run.skip.add(index)  # a restart must not pay this cell's time again
        run.result.outputs[index], run.result.counts[index] = outputs, count
        self._next_cell(run)

    def _refuse(self, run: _Run, reason: str) -> None:
        del self.running[run.pid]
        run.events.close()
        run.commands.close()
        _signal_group(run.pid, signal.SIGKILL)
        _exit_status(run.pid)
        try:
            self.conn.send(("refused", reason))
        except OSError:
            self.stopping = True

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for run in list(self.running.values()):
            if not run.greeted and now > run.started + START_TIMEOUT:
                run.deadline = now  # it never started: treat it like an ignored interrupt
                run.interrupted = True
            if run.deadline > now:
                continue
            if not run.interrupted:
                run.interrupted = True
                run.deadline = now + INTERRUPT_GRACE
                _signal_group(run.pid, signal.SIGINT)
            else:  # the code ignored the interrupt
                _signal_group(run.pid, signal.SIGKILL)
                self._died(run, _exit_status(run.pid))

    def _enforce_memory(self) -> None:
        """Kill a submission whose processes together hold more than its memory budget.

        The per-process address-space limit cannot see a submission that spreads over many
        processes; this sums the private memory of the child's whole process tree (PID
        namespace included), a few times a second.
        """
        if not self.running or time.monotonic() < self._next_memory_check:
            return
        self._next_memory_check = time.monotonic() + MEMORY_CHECK_EVERY
        budget = self.limits.total_memory_mb * 1024 * 1024
        children = _process_children()
        for run in list(self.running.values()):
            tree = _tree(run.pid, children)
            if sum(_resident_bytes(pid) for pid in tree) <= budget:
                continue  # an upper bound, cheap to read: the exact sum is not needed
            used = sum(_private_bytes(pid) for pid in tree)
            if used > budget:
                run.over_memory = used
                _signal_group(run.pid, signal.SIGKILL)
                self._died(run, _exit_status(run.pid))

    def _reap_silent_deaths(self) -> None:
        """A child whose grandchildren keep the pipe open cannot signal EOF: poll it."""
        for run in list(self.running.values()):
            try:
                pid, status = os.waitpid(run.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = run.pid, 0
            if pid == 0:
                continue
            while run.events.poll(0):  # read what it said before dying
                self._from_child(run)
                if run.pid not in self.running:
                    return
            _signal_group(run.pid, signal.SIGKILL)  # its grandchildren
            self._died(run, _describe_status(status))

    def _died(self, run: _Run, status: str) -> None:
        """The child is gone (killed and reaped by the caller): record it, maybe restart."""
        del self.running[run.pid]
        run.events.close()
        run.commands.close()
        cell = run.cell
        if cell is not None and cell >= len(run.job.cells):
            cell = None  # after its last cell, before saying it had finished
        if cell is None:  # died outside a cell: nothing to skip, report and stop
            run.result.incidents.append(Incident(-1, "died", status))
            self._send(run.result)
            return
        timed_out = run.interrupted
        if run.over_memory:
            error, kind = _memory_error(self.limits.total_memory_mb), "memory"
        elif timed_out:
            error, kind = _timeout_error(self.limits.cell_timeout), "timeout"
        else:
            error, kind = _death_error(status), "died"
        kept_errors = {i: outs for i, outs in run.result.outputs.items() if i in run.skip}
        kept_errors[cell] = [error]
        run.result.incidents.append(Incident(cell, kind, status))
        if run.restarts >= MAX_RESTARTS:
            run.result.outputs.update(kept_errors)
            self._send(run.result)
            return
        result = JobResult(
            run.job.key,
            outputs=kept_errors,
            incidents=run.result.incidents,
            alerts=run.result.alerts,
            unconfined=run.result.unconfined,
        )
        self._start(run.job, result, run.skip | {cell}, run.restarts + 1)

    def _finish(self, run: _Run) -> None:
        del self.running[run.pid]
        run.events.close()
        run.commands.close()
        _signal_group(run.pid, signal.SIGKILL)
        _exit_status(run.pid)
        self._send(run.result)

    def _send(self, result: JobResult) -> None:
        try:
            self.conn.send(("result", result))
        except OSError:
            self.stopping = True

    def kill_all(self) -> None:
        for run in self.running.values():
            _signal_group(run.pid, signal.SIGKILL)


def _send_json(conn: Connection, message: dict) -> None:
    with contextlib.suppress(OSError):
        conn.send_bytes(json.dumps(message).encode("utf-8"))


def _invalid(message: Any, run: _Run) -> str | None:
    """Why a child's message cannot be believed, or ``None``: data only, as expected."""
    if not isinstance(message, dict) or message.get("kind") not in (
        "hello",
        "alert",
        "done",
        "fatal",
        "end",
    ):
        return "message inconnu"
    kind = message["kind"]
    if kind == "hello" and run.greeted:
        return "second « hello »"
    if kind in ("done", "end") and not run.greeted:
        return f"« {kind} » avant le début"
    if kind == "done":
        if message.get("index") != run.cell or message.get("token") != run.token:
            return f"« done » pour la cellule {message.get('index')!r} sans le bon jeton"
        if not isinstance(message.get("count"), (int, type(None))):
            return "compteur d'exécution invalide"
        outputs = message.get("outputs")
        if not isinstance(outputs, list) or not all(_valid_output(o) for o in outputs):
            return "sorties invalides"
    if kind == "end" and (run.cell is None or run.cell < len(run.job.cells)):
        return "« end » avant la dernière cellule"
    if kind == "end" and message.get("token") != run.token:
        return "« end » sans le bon jeton"
    return None


def _valid_output(output: Any) -> bool:
    if not isinstance(output, dict) or output.get("output_type") not in OUTPUT_TYPES:
        return False
    kind = output["output_type"]
    if kind == "stream":
        return output.get("name") in ("stdout", "stderr") and isinstance(output.get("text"), str)
    if kind == "error":
        return (
            isinstance(output.get("ename"), str)
            and isinstance(output.get("evalue"), str)
            and isinstance(output.get("traceback"), list)
            and all(isinstance(line, str) for line in output["traceback"])
        )
    return isinstance(output.get("data"), dict) and isinstance(output.get("metadata"), dict)


def _pipe() -> tuple[Connection, Connection]:
    reader, writer = os.pipe()
    return Connection(reader, writable=False), Connection(writer, readable=False)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _exit_status(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "terminé"
    return _describe_status(status)


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"arrêté par le signal {signal.Signals(number).name}"
    return f"sorti avec le code {os.WEXITSTATUS(status)}"


def _error_output(ename: str, text: str) -> dict[str, Any]:
    """An ``error`` output that the grader, not the student's code, wrote in a cell."""
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": text,
        "traceback": [f"{ename}: {text}"],
    }


def _timeout_error(seconds: float) -> dict[str, Any]:
    text = (
        f"La cellule a dépassé le temps maximal d'exécution ({seconds:g} s) et a été "
        "interrompue (boucle infinie ?)."
    )
    return _error_output("CellTimeoutError", text)


def _memory_error(megabytes: int) -> dict[str, Any]:
    text = (
        f"Votre code a utilisé plus de mémoire que les {megabytes} Mo permis pour tout le "
        "rendu (tous ses processus ensemble) : la cellule a été arrêtée et n'a pas été notée."
    )
    return _error_output("MemoryError", text)


def _process_children() -> dict[int, list[int]]:
    """Parent PID → child PIDs, for every process this one can see."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _resident_bytes(pid: int) -> int:
    """All the memory the process has in RAM, shared or not: at least its private memory.

    An upper bound of :func:`_private_bytes` (swap aside), two hundred times cheaper to
    read (``/proc/PID/statm`` against a walk of every mapping).
    """
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _private_bytes(pid: int) -> int:
    """Memory only this process holds (private pages and swap); what forks share is not.

    A fresh child shares the warm interpreter with the zygote, copy-on-write: only what
    the student's code allocates, or writes over, becomes private.
    """
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:", b"Swap:")):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0  # gone meanwhile, or not ours to read: the address-space limit remains
    return total


def _death_error(status: str) -> dict[str, Any]:
    text = (
        f"Le processus qui exécutait cette cellule s'est arrêté ({status}). La cellule "
        "n'a pas été notée ; les autres cellules ont été exécutées sans elle."
    )
    return _error_output("DeadKernelError", text)


# ----------------------------------------------------------------------------- child side


def _child(
    job: Job,
    events: Connection,
    commands: Connection,
    limits: Limits,
    sandbox: tuple[list[Path], bool],
) -> None:
    """Run in the forked child: confine, then run each cell the zygote sends, report, exit.

    Messages are JSON (``send_bytes``), never pickles: whatever the student's code writes
    on this pipe is at most a message the zygote refuses.
    """
    code = 0

    def say(message: dict) -> None:
        events.send_bytes(json.dumps(message, default=_json_default).encode("utf-8"))

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        apply_limits(limits)
        visible, unsafe = sandbox
        unconfined = None
        try:
            enter(Path(job.workdir), visible, limits)
        except SandboxError as error:
            unconfined = str(error)
            os.chdir(job.workdir)
        os.environ.update(job.env)
        from grader.grade import guard
        from grader.grade.kernel import GradingShell

        shell = GradingShell.instance()
        shell.sink.output_limit = limits.output_chars
        snapshot = guard.Snapshot(shell)
        guard.watch(set(job.trusted), lambda what: say({"kind": "alert", "what": what}))
        say({"kind": "hello", "unconfined": unconfined})
        token = ""
        while True:
            command = json.loads(commands.recv_bytes(MAX_MESSAGE))
            if "stop" in command:
                break
            index, token = int(command["run"]), str(command["token"])
            trusted = index in job.trusted
            if trusted:
                for what in snapshot.restore():
                    say({"kind": "alert", "what": f"{what} remplacé (rétabli avant le test)"})
                for name in guard.lying_values(shell.user_ns):
                    say({"kind": "alert", "what": f"la valeur « {name} » redéfinit =="})
            outputs, count = shell.run(
                command["source"], guard.cell_name(index), trusted, job.trusted if trusted else None
            )
            command = None
            say({"kind": "done", "index": index, "outputs": outputs, "count": count,
                 "token": token})  # fmt: skip
        say({"kind": "end", "token": token})
    except BaseException:  # report anything, then leave without running atexit hooks
        code = 1
        with contextlib.suppress(Exception):
            say({"kind": "fatal", "detail": traceback.format_exc(limit=3)})
    finally:
        os._exit(code)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return base64.b64encode(obj).decode("ascii")
    return repr(obj)


def main(fd: int) -> None:
    """The zygote's entry point (``python -m grader.grade.workers FD``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grading process's business
    die_with_parent()
    conn = Connection(fd)
    try:
        workers, preload = conn.recv()
        _warm(preload)
    except BaseException:
        conn.send(("error", traceback.format_exc(limit=3)))
        return
    conn.send(("ready", None))
    try:
        kind, payload = conn.recv()  # sent before any job, or "stop" if none will come
    except (EOFError, OSError):
        return
    if kind != "configure":
        return
    zygote = _Zygote(conn, workers, *payload)
    signal.signal(signal.SIGTERM, lambda *_: (zygote.kill_all(), os._exit(1)))
    try:
        zygote.serve()
    finally:
        zygote.kill_all()


if __name__ == "__main__":
    # import by name: pickled results must name grader.grade.workers, not __main__
    from grader.grade import workers

    workers.main(int(sys.argv[1]))
