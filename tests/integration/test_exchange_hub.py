"""The course's JupyterHub configuration on a real JupyterHub and configurable-http-proxy.

The hub runs as ``hub/try.sh`` starts it for a teacher: ``hub/jupyterhub_config.py`` on
127.0.0.1 with ``hub/try_config.py``'s two changes, JupyterHub's DummyAuthenticator instead
of PAM and its SimpleLocalProcessSpawner instead of one Linux account per user (every
server runs as the test's user), so PAM and real accounts are not tested. Through the hub's login form over HTTP (no browser), a student lands in
JupyterLab with the answer store's ``window.jupyterapp`` turned on and without formgrader;
the instructor gets formgrader. Skipped when JupyterHub (PyPI) or configurable-http-proxy
(npm) is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO

pytestmark = pytest.mark.integration

TOOLS = Path(sys.executable).parent
PASSWORD = "cours-test"


def _proxy() -> str | None:
    """configurable-http-proxy: on the PATH, or where $COURSE_CHP says."""
    return os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not (TOOLS / "jupyterhub").is_file() or not _proxy():
        pytest.skip("needs jupyterhub (PyPI) and configurable-http-proxy (npm)")
    tmp = tmp_path_factory.mktemp("hub")
    port = _free_port()
    env = dict(
        os.environ,
        HUB_STATE=str(tmp),
        HUB_PORT=str(port),
        HUB_INTERNAL_PORT=str(_free_port()),
        HUB_PROXY_API_PORT=str(_free_port()),
        HUB_PASSWORD=PASSWORD,
        COURSE_CHP=_proxy(),
        COURSE_BIN=str(TOOLS),
        COURSE_INSTRUCTOR="prof",
        COURSE_STUDENTS="ana",
    )
    log = (tmp / "hub.log").open("w")
    process = subprocess.Popen(
        ["bash", str(REPO / "hub" / "try.sh")],
        cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(base + "/hub/api", timeout=5).ok, 60, tmp / "hub.log")
        yield base, tmp
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait(ready, seconds: float, log: Path):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            result = ready()
            if result:
                return result
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail("hub not ready; its log ends:\n" + log.read_text()[-3000:])


def _log_in(base: str, user: str) -> requests.Session:
    """The hub's login form, as a browser fills it (with its XSRF cookie)."""
    session = requests.Session()
    session.get(base + "/hub/login", timeout=10)
    form = {"username": user, "password": PASSWORD, "_xsrf": session.cookies.get("_xsrf", "")}
    answer = session.post(base + "/hub/login", data=form, timeout=30)
    assert answer.ok, answer.text[-500:]
    return session


def _page(session: requests.Session, url: str, log: Path, marker: str) -> requests.Response:
    """``url`` once the user's server is up (the hub spawns it on the first request)."""

    def ready():
        answer = session.get(url, timeout=30)
        return answer if marker in answer.text else None

    return _wait(ready, 120, log)


def test_a_student_lands_in_jupyterlab_with_the_answer_store_on(hub):
    base, tmp = hub
    session = _log_in(base, "ana")
    lab = _page(session, base + "/hub/", tmp / "hub.log", "jupyter-config-data")
    assert lab.url.startswith(base + "/user/ana/lab"), lab.url
    assert '"exposeAppInBrowser": true' in lab.text
    formgrader = session.get(base + "/user/ana/formgrader", timeout=30)
    assert formgrader.status_code == 404


def test_the_instructor_gets_formgrader(hub):
    base, tmp = hub
    session = _log_in(base, "prof")
    _page(session, base + "/hub/", tmp / "hub.log", "jupyter-config-data")
    formgrader = session.get(base + "/user/prof/formgrader", timeout=30)
    assert formgrader.status_code == 200, formgrader.text[-500:]
    assert "formgrader" in formgrader.url


def test_someone_not_in_the_class_cannot_log_in(hub):
    base, _ = hub
    session = requests.Session()
    session.get(base + "/hub/login", timeout=10)
    form = {"username": "mallory", "password": PASSWORD, "_xsrf": session.cookies.get("_xsrf")}
    answer = session.post(base + "/hub/login", data=form, timeout=30, allow_redirects=False)
    assert answer.status_code == 403  # the login form again, no session
