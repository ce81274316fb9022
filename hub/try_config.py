"""The course's hub for a try on one machine (and for the tests): no accounts to create.

Loads ``jupyterhub_config.py`` and changes only who may log in and as whom servers run:
JupyterHub's DummyAuthenticator (any allowed name, one shared password) and its
SimpleLocalProcessSpawner (every server runs as you, each user in ``$HUB_STATE/home/NAME``).
Never for a class: students would share your account. Started by ``hub/try.sh``.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jupyterhub_config.py"))  # noqa: F821

STATE = os.environ.get("HUB_STATE", "/srv/jupyterhub")
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("HUB_PASSWORD", "cours")
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "home", "{username}")
if os.getuid() == 0:  # jupyter_server refuses root unless told
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
if os.environ.get("HUB_INTERNAL_PORT"):
    c.JupyterHub.hub_port = int(os.environ["HUB_INTERNAL_PORT"])
if os.environ.get("HUB_PROXY_API_PORT"):
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['HUB_PROXY_API_PORT']}"
if os.environ.get("COURSE_CHP"):
    c.ConfigurableHTTPProxy.command = [os.environ["COURSE_CHP"]]
