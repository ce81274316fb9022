"""Fixtures shared by every kind of test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_course(*args: str, cwd: Path = REPO, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed `course` command as a user would."""
    course = Path(sys.executable).parent / "course"
    return subprocess.run(
        [str(course), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
