"""Start the real servers the tests talk to (JupyterLab, JupyterHub, PostgreSQL) on 127.0.0.1.

One place for the two things every such test needs: a free port, and a process that is
waited for until it answers, whose log is shown when it does not, and that is always
stopped afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    command: list[str],
    ready_url: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 90,
) -> Iterator[subprocess.Popen]:
    """Run ``command`` until the block ends; enter the block once ``ready_url`` answers 200.

    The server's output goes to ``log_path``; its tail is the error when the server exits
    or does not answer within ``timeout`` seconds, so a failing test says why.
    """
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env or dict(os.environ), cwd=cwd
        )
        try:
            wait_until_answering(ready_url, server, log_path, timeout)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_answering(
    url: str, server: subprocess.Popen, log_path: Path, timeout: float = 90
) -> None:
    """Return once ``url`` answers 200; raise with the log's tail if the server dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{Path(server.args[0]).name} exited:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s:\n{_tail(log_path)}")


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:] if log_path.exists() else "(no log)"
