"""The course's Jupyter server extension: what the answer store needs from the server.

Enabled by ``jupyter-config/jupyter_server_config.d/course-communautes.json``, installed
with the package. Files in ``jupyter_server_config.d`` are only read for the
``jpserver_extensions`` they enable, never as traitlets config, so the settings below are
made here, when the server links its extensions (before it builds its contents manager and
before JupyterLab's and Notebook 7's own links, which come later alphabetically):

* both interfaces expose the application as ``window.jupyterapp``, which the answer
  bridge (``static/bridge.js``) needs to reach the open notebook's metadata; a command-line
  value still wins;
* every notebook the server saves gets its widget outputs replaced by the saved answer's
  French summary (:mod:`exercises.saved_view`). It is set as config, not registered on the
  contents manager, because jupytext's extension replaces that manager after this one loads.
"""

from __future__ import annotations

from typing import Any

HOOK = "exercises.saved_view.pre_save_hook"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "exercises.server_extension"}]


def _link_jupyter_server_extension(serverapp: Any) -> None:
    """Put the course's settings into the server's config, under any explicit ones."""
    config = serverapp.config
    for app in ("LabApp", "JupyterNotebookApp"):
        if "expose_app_in_browser" not in config[app]:
            config[app].expose_app_in_browser = True
    if "pre_save_hook" in config.ContentsManager:
        serverapp.log.warning(
            "course: ContentsManager.pre_save_hook already set; %s not used", HOOK
        )
    else:
        config.ContentsManager.pre_save_hook = HOOK


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.log.info("course: answer store settings in place (%s)", HOOK)
