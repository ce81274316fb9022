"""The course's real hub (``hub/start.sh``) on JupyterHub and configurable-http-proxy.

Real Linux accounts made for the test (root only), PAM log-in through the hub's login form
over HTTP (no browser), each server spawned as its Linux user: a student lands in
JupyterLab with the answer store's ``window.jupyterapp`` turned on, runs as their own
account, and has no formgrader; the instructor gets formgrader; a wrong password and a
name outside the class are refused. Skipped when not root, or when JupyterHub (PyPI) or
configurable-http-proxy (npm) is missing.
"""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path

import pytest
import requests

from tests.hub import start_hub

pytestmark = pytest.mark.integration

PASSWORD = "cours-test-7"
INSTRUCTOR, STUDENT = "hubprof", "hubana"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with start_hub(tmp_path_factory.mktemp("hub"), INSTRUCTOR, [STUDENT], PASSWORD) as hub:
        yield hub.url, hub.log


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


def _log_in(base: str, user: str, password: str = PASSWORD) -> requests.Session:
    """The hub's login form, as a browser fills it (with its XSRF cookie)."""
    session = requests.Session()
    session.get(base + "/hub/login", timeout=10)
    form = {"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf", "")}
    answer = session.post(base + "/hub/login", data=form, timeout=30)
    assert answer.ok, answer.text[-500:]
    return session


def _page(session: requests.Session, url: str, log: Path, marker: str) -> requests.Response:
    """``url`` once the user's server is up (the hub spawns it on the first request)."""

    def ready():
        answer = session.get(url, timeout=30)
        return answer if marker in answer.text else None

    return _wait(ready, 120, log)


def _server_xsrf(session: requests.Session, user: str) -> str:
    """The single-user server's XSRF cookie (the hub sets its own under /hub/)."""
    return next(c.value for c in session.cookies if c.name == "_xsrf" and "/user/" in c.path)


def test_a_student_lands_in_jupyterlab_with_the_answer_store_on(hub):
    base, log = hub
    session = _log_in(base, STUDENT)
    lab = _page(session, base + "/hub/", log, "jupyter-config-data")
    assert lab.url.startswith(base + f"/user/{STUDENT}/lab"), lab.url
    assert '"exposeAppInBrowser": true' in lab.text
    formgrader = session.get(base + f"/user/{STUDENT}/formgrader", timeout=30)
    assert formgrader.status_code == 404


def test_a_students_server_runs_as_their_linux_account(hub):
    base, log = hub
    session = _log_in(base, STUDENT)
    _page(session, base + "/hub/", log, "jupyter-config-data")
    saved = session.put(
        base + f"/user/{STUDENT}/api/contents/preuve.txt",
        json={"type": "file", "format": "text", "content": "à moi"},
        headers={"X-XSRFToken": _server_xsrf(session, STUDENT)},
        timeout=30,
    )
    assert saved.ok, saved.text[-500:]
    account = pwd.getpwnam(STUDENT)
    assert os.stat(Path(account.pw_dir) / "preuve.txt").st_uid == account.pw_uid


def test_the_instructor_gets_formgrader(hub):
    base, log = hub
    session = _log_in(base, INSTRUCTOR)
    _page(session, base + "/hub/", log, "jupyter-config-data")
    formgrader = session.get(base + f"/user/{INSTRUCTOR}/formgrader", timeout=30)
    assert formgrader.status_code == 200, formgrader.text[-500:]
    assert "formgrader" in formgrader.url


@pytest.mark.parametrize(
    ("user", "password"), [("root", PASSWORD), (STUDENT, "wrong-password"), ("mallory", PASSWORD)]
)
def test_a_wrong_password_or_someone_not_in_the_class_cannot_log_in(hub, user, password):
    base, _ = hub
    session = requests.Session()
    session.get(base + "/hub/login", timeout=10)
    form = {"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf")}
    answer = session.post(base + "/hub/login", data=form, timeout=30, allow_redirects=False)
    assert answer.status_code == 403  # the login form again, no session
