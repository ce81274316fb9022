"""JupyterHub for a class taking this course on one machine (a starting point, see README.md).

Students log in with their Linux account (PAM), get their own JupyterLab, run as their own
account (LocalProcessSpawner), in French with the course's student settings
(``jupyter-config/student``: widget answers saved, no instructor tools), and fetch and
submit through nbgrader's Assignments tab over the course's private exchange
(``hub/nbgrader_config.py``, on every server's config path); the instructor also gets
formgrader. Started by ``hub/start.sh``, which makes the accounts and the exchange. Needs, in the course's
environment: ``jupyterhub`` (PyPI) and ``configurable-http-proxy`` (npm) on the PATH.

Everything a school changes is an environment variable, so this file stays versioned as is.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

INSTRUCTOR = os.environ.get("COURSE_INSTRUCTOR", "instructor")
#: the course's virtual environment, where jupyterlab, nbgrader and this course's package are
PYTHON_BIN = os.environ.get("COURSE_BIN", os.path.dirname(sys.executable))
STATE = os.environ.get("HUB_STATE", "/srv/jupyterhub")
HUB = Path(__file__).resolve().parent  # traitlets sets __file__ when it loads this file
COURSE = HUB.parent

# Only on the machine itself unless the school puts a TLS proxy in front.
c.JupyterHub.ip = os.environ.get("HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("HUB_PORT", "8000"))
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")

# Real Linux accounts: the students' and the instructor's, made by the school's admin.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = {INSTRUCTOR}
_students = os.environ.get("COURSE_STUDENTS", "")  # comma-separated; empty: every account
if _students:
    c.Authenticator.allowed_users = {INSTRUCTOR, *_students.split(",")}

# Each user's server runs from the course's environment, as that user, in their home.
c.Spawner.cmd = [os.path.join(PYTHON_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# The answer store reaches the notebook through window.jupyterapp (README: "How widget
# answers are graded"); the package's jupyter_server_config.d file turns it on already,
# this says it again for environments that skip data files.
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]


#: Passed to every server so that its nbgrader reads the same exchange as the setup made.
SHARED_ENV = ("COURSE_ID", "NBGRADER_EXCHANGE")


def server_environment(user: str) -> dict[str, str]:
    """Config path and exchange of ``user``'s server: the student settings for students.

    ``hub/`` on ``JUPYTER_CONFIG_PATH`` brings ``hub/nbgrader_config.py`` (the private
    exchange) without copying it to /etc/jupyter; ``jupyter-config/student`` comes first
    for students (French JupyterLab, answer store, no formgrader).
    """
    path = [str(HUB)]
    if user != INSTRUCTOR:
        path.insert(0, str(COURSE / "jupyter-config" / "student"))
    env = {name: os.environ[name] for name in SHARED_ENV if name in os.environ}
    if user == INSTRUCTOR and os.environ.get("COURSE_DIR"):
        env["COURSE_DIR"] = os.environ["COURSE_DIR"]  # formgrader's course (nbgrader_config)
    # a terminal in JupyterLab finds `course` and `nbgrader` of the course's environment
    env["PATH"] = os.pathsep.join([PYTHON_BIN, os.environ.get("PATH", os.defpath)])
    return {**env, "JUPYTER_CONFIG_PATH": os.pathsep.join(path)}


def _formgrader_for_instructor_only(spawner):
    """Students do not get formgrader or the assignment-creation tools (nbgrader's docs)."""
    spawner.environment = {**spawner.environment, **server_environment(spawner.user.name)}
    if spawner.user.name != INSTRUCTOR:
        spawner.args = [
            *spawner.args,
            "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False",
        ]


c.Spawner.pre_spawn_hook = _formgrader_for_instructor_only

# Ports and proxy for a second hub on the same machine (the tests start one per test).
if os.environ.get("HUB_INTERNAL_PORT"):
    c.JupyterHub.hub_port = int(os.environ["HUB_INTERNAL_PORT"])
if os.environ.get("HUB_PROXY_API_PORT"):
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['HUB_PROXY_API_PORT']}"
if os.environ.get("COURSE_CHP"):
    c.ConfigurableHTTPProxy.command = [os.environ["COURSE_CHP"]]
