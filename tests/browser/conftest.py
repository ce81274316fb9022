"""Shared browser fixtures: Debian's Chromium driven by Playwright, and a real JupyterLab."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's build), shared by the browser tests of one run."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not installed (the test command installs it: apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server on 127.0.0.1 serving ``root``."""

    root: Path
    url: str
    token: str

    def open_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """Start JupyterLab as `course lab` does, in an empty folder; stop it afterwards."""
    from grader.lab import lab_command

    root = tmp_path / "lab"
    root.mkdir()
    port, token = _free_port(), "browser-test-token"
    command = lab_command(root, port=port, open_browser=False) + [
        f"--IdentityProvider.token={token}",
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        PYTHONUNBUFFERED="1",
    )
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, token, server, tmp_path / "lab.log")
        yield Lab(root=root, url=url, token=token)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_up(url: str, token: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("JupyterLab exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(
        "JupyterLab did not start in 90 s:\n" + log.read_text(errors="replace")[-3000:]
    )


def read_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))
