"""The course's real hub (``hub/start.sh``) with real Linux accounts, for the tests.

``start_hub`` creates the accounts (root only: ``useradd``/``chpasswd``), sets up the
private exchange and starts JupyterHub with PAM and one server per Linux user on
127.0.0.1; ``run_as`` runs a command as one of those accounts (``runuser``), the way a
student's server would run it. Example::

    with start_hub(tmp, "prof", ["ana", "ben"], "mot-de-passe") as hub:
        requests.get(hub.url + "/hub/login")
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.servers import free_port, running

TOOLS = Path(sys.executable).parent


def skip_unless_root() -> None:
    """Real accounts need root (useradd, chpasswd, runuser); say so instead of failing."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to create the class's Linux accounts")


def proxy() -> str | None:
    """configurable-http-proxy: where $COURSE_CHP says, or on the PATH."""
    return os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy")


def make_python_reachable() -> None:
    """Let every account run the course's Python (``o+x`` on the folders on its way).

    The test machine's venv points at an interpreter under /root (pyenv, 0700), which the
    class's accounts could not start; traversal only (no listing) is added, on this test
    machine. A school installs the course's environment where users can run it
    (hub/README.md), and ``hub/start.sh`` refuses to start otherwise.
    """
    interpreter = Path(os.path.realpath(sys.executable))
    for folder in reversed(interpreter.parents):
        mode = os.stat(folder).st_mode
        if not mode & 0o001:
            os.chmod(folder, mode | 0o001)


def make_accounts(names: list[str], password: str) -> None:
    """Linux accounts ``names`` with ``password`` (existing ones get the password)."""
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True)
    lines = "".join(f"{name}:{password}\n" for name in names)
    subprocess.run(["chpasswd"], input=lines, text=True, check=True)


def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def run_as(
    user: str, *command: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``command`` as ``user`` (uid, gid and groups), in ``cwd`` (default: their home)."""
    variables = {"HOME": str(home(user)), "USER": user, "PATH": f"{TOOLS}:/usr/bin:/bin"}
    variables.update(env or {})
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", *(f"{k}={v}" for k, v in variables.items()), *command],
        cwd=cwd or home(user),
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class Hub:
    """A running hub: its address, its log, and how to stop it."""

    url: str
    log: Path
    exchange: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def start_hub(tmp: Path, instructor: str, students: list[str], password: str) -> Iterator[Hub]:
    """``hub/start.sh`` on free ports, accounts made; stopped when the block ends.

    ``tmp`` must be reachable by the accounts (the exchange lives in it): it is made 0755.
    """
    skip_unless_root()
    if not (TOOLS / "jupyterhub").is_file() or not proxy():
        pytest.skip("needs jupyterhub (PyPI) and configurable-http-proxy (npm, or $COURSE_CHP)")
    make_python_reachable()
    make_accounts([instructor, *students], password)
    tmp.mkdir(parents=True, exist_ok=True)
    for folder in [tmp, *tmp.parents]:
        if folder == Path("/"):
            break
        os.chmod(folder, os.stat(folder).st_mode | 0o005)
    port = free_port()
    env = dict(
        os.environ,
        HUB_PORT=str(port),
        HUB_INTERNAL_PORT=str(free_port()),
        HUB_PROXY_API_PORT=str(free_port()),
        HUB_PASSWORD=password,
        HUB_STATE=str(tmp / "state"),
        NBGRADER_EXCHANGE=str(tmp / "exchange"),
        COURSE_CHP=proxy() or "",
        COURSE_BIN=str(TOOLS),
        COURSE_INSTRUCTOR=instructor,
        COURSE_STUDENTS=",".join(students),
    )
    url = f"http://127.0.0.1:{port}"
    log = tmp / "hub.log"
    command = ["bash", str(REPO / "hub" / "start.sh")]
    with running(command, url + "/hub/api", log, env=env, cwd=tmp, timeout=120) as process:
        hub = Hub(url=url, log=log, exchange=tmp / "exchange", process=process)
        yield hub
