"""JupyterHub for a class taking this course on one machine (a starting point, see README.md).

Students log in with their Linux account (PAM), get their own JupyterLab (not Notebook 7's
``/tree``: the course's answer store is tested in JupyterLab), fetch and submit through
nbgrader's Assignments tab; the instructor also gets formgrader. Needs, in the course's
environment: ``jupyterhub`` (PyPI) and ``configurable-http-proxy`` (npm) on the PATH.

Everything a school changes is an environment variable, so this file stays versioned as is.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

INSTRUCTOR = os.environ.get("COURSE_INSTRUCTOR", "instructor")
#: the course's virtual environment, where jupyterlab, nbgrader and this course's package are
PYTHON_BIN = os.environ.get("COURSE_BIN", os.path.dirname(sys.executable))
STATE = os.environ.get("HUB_STATE", "/srv/jupyterhub")

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


def _formgrader_for_instructor_only(spawner):
    """Students do not get formgrader or the assignment-creation tools (nbgrader's docs)."""
    if spawner.user.name != INSTRUCTOR:
        spawner.args = [
            *spawner.args,
            "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False",
        ]


c.Spawner.pre_spawn_hook = _formgrader_for_instructor_only
