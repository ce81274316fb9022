"""The versioned hub configuration says what the course needs (JupyterHub itself is not run).

These tests load the files the way JupyterHub and nbgrader load them (traitlets) and check
the settings; tests/integration/test_exchange_hub.py runs them on a real hub.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from jupyter_server.serverapp import ServerApp
from nbgrader.exchange import ExchangeFactory
from traitlets.config.loader import PyFileConfigLoader

from tests.conftest import REPO

pytestmark = pytest.mark.unit

HUB = REPO / "hub"


def _hub_config(monkeypatch, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_students_log_in_with_linux_accounts_and_land_in_jupyterlab(monkeypatch):
    config = _hub_config(monkeypatch, COURSE_INSTRUCTOR="prof", COURSE_STUDENTS="ana,ben")
    assert config.JupyterHub.ip == "127.0.0.1"
    assert config.JupyterHub.authenticator_class == "pam"
    assert config.Authenticator.allowed_users == {"prof", "ana", "ben"}
    assert config.Authenticator.admin_users == {"prof"}
    assert config.Spawner.default_url == "/lab"
    assert config.Spawner.cmd[0].endswith("jupyterhub-singleuser")


def test_only_the_instructor_gets_formgrader(monkeypatch):
    config = _hub_config(monkeypatch, COURSE_INSTRUCTOR="prof")
    hook = config.Spawner.pre_spawn_hook
    servers = {}
    for user in ("prof", "ana"):
        spawner = SimpleNamespace(
            user=SimpleNamespace(name=user), args=list(config.Spawner.args), environment={}
        )
        hook(spawner)
        app = ServerApp()  # the arguments as jupyter_server parses them
        app.parse_command_line([a for a in spawner.args if a.startswith("--ServerApp")])
        servers[user] = app.jpserver_extensions
    assert servers["ana"] == {"nbgrader.server_extensions.formgrader": False}
    assert servers["prof"] == {}


def test_system_nbgrader_config_names_the_course_and_the_private_exchange(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXCHANGE", "/srv/x")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(HUB)).load_config()
    assert config.CourseDirectory.course_id == "communautes-en-ligne"
    assert config.Exchange.root == "/srv/x"
    factory = ExchangeFactory(config=config)  # as nbgrader's apps build their exchange
    for operation in ("submit", "collect", "release_feedback", "fetch_feedback", "list"):
        assert getattr(factory, operation).__module__ == "grader.exchange.private", operation


def test_servers_get_the_exchange_config_and_students_the_student_settings(monkeypatch):
    config = _hub_config(
        monkeypatch, COURSE_INSTRUCTOR="prof", NBGRADER_EXCHANGE="/srv/x", COURSE_BIN="/opt/cours"
    )
    hook = config.Spawner.pre_spawn_hook
    paths = {}
    for user in ("prof", "ana"):
        spawner = SimpleNamespace(user=SimpleNamespace(name=user), args=[], environment={})
        hook(spawner)
        assert spawner.environment["NBGRADER_EXCHANGE"] == "/srv/x"
        # a terminal finds `course` and `nbgrader` (README's weekly commands)
        assert spawner.environment["PATH"].split(os.pathsep)[0] == "/opt/cours"
        paths[user] = spawner.environment["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert paths["prof"] == [str(HUB)]
    assert paths["ana"] == [str(REPO / "jupyter-config" / "student"), str(HUB)]
