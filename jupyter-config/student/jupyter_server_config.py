"""The student view of the course: French JupyterLab, without nbgrader's instructor tools.

Used by ``course lab --student``, and on a hub by putting this folder first on the
single-user servers' config path (``c.Spawner.environment = {"JUPYTER_CONFIG_PATH":
"/path/to/course/jupyter-config/student"}``). Beside this file:

* ``lab/settings/overrides.json`` makes French (``fr_FR``, from the
  ``jupyterlab-language-pack-fr-FR`` package) the default language; a student may still
  choose another in Settings → Language;
* ``labconfig/page_config.json`` turns off nbgrader's instructor plugins (its menu,
  "Create Assignment", formgrader, course list); its "Assignments" list and "Validate"
  button stay, for fetching and handing in through a hub's exchange.
"""

from pathlib import Path

c = get_config()  # noqa: F821 (traitlets provides it to config files)
here = Path(__file__).resolve().parent

c.LabApp.app_settings_dir = str(here / "lab" / "settings")
c.LabApp.expose_app_in_browser = True  # the answer store needs it (exercises/answers.py)
c.JupyterNotebookApp.expose_app_in_browser = True  # and so in Notebook 7's interface
c.ServerApp.jpserver_extensions.update(
    {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
)
