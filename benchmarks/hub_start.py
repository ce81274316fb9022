"""Time the real hub: start (accounts, exchange setup, hub answering) and log-in to JupyterLab.

Run as root from the checkout: ``COURSE_CHP=... .venv/bin/python benchmarks/hub_start.py``. Three
students log in one after another through the login form; each time runs from the form's
POST to JupyterLab's page served by the student's freshly spawned server.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.hub import start_hub  # noqa: E402

PASSWORD = "mesure-7"


def log_in_to_lab(url: str, user: str) -> float:
    """Seconds from the login form's POST to JupyterLab's page for ``user``."""
    session = requests.Session()
    session.get(url + "/hub/login", timeout=10)
    started = time.monotonic()
    form = {"username": user, "password": PASSWORD, "_xsrf": session.cookies.get("_xsrf", "")}
    session.post(url + "/hub/login", data=form, timeout=120)
    while "jupyter-config-data" not in session.get(url + "/hub/", timeout=120).text:
        time.sleep(0.2)
    return time.monotonic() - started


def main() -> None:
    students = ["mesana", "mesben", "meschloe"]
    with tempfile.TemporaryDirectory(prefix="hub-measure-") as tmp:
        started = time.monotonic()
        with start_hub(Path(tmp), "mesprof", students, PASSWORD) as hub:
            print(f"hub up (accounts, exchange, hub): {time.monotonic() - started:.1f} s")
            for student in students:
                print(f"log-in to JupyterLab, {student}: {log_in_to_lab(hub.url, student):.1f} s")


if __name__ == "__main__":
    main()
