"""The course on disk: where its folders are and how nbgrader is configured for it."""

from __future__ import annotations

import copy
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, JSONFileConfigLoader, PyFileConfigLoader

if TYPE_CHECKING:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

CONFIG_FILE = "nbgrader_config.py"
_LOG = logging.getLogger(__name__)
#: Where the course is taught: times in LMS zips, feedback pages and reports are in this zone.
SCHOOL_TIMEZONE = "Europe/Zurich"


class CourseError(Exception):
    """A problem the user can fix; the CLI prints its message as one line."""


def _put_own_tools_on_path() -> None:
    """nbgrader runs ``alembic`` by name: find it beside this Python even in an inactive venv."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


@dataclass(frozen=True)
class Course:
    """A course root (the folder holding ``nbgrader_config.py``) and its nbgrader config."""

    root: Path
    config: Config

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The course containing ``start`` (default: the working directory).

        Outside any course, the one ``$COURSE_DIR`` names: the hub sets it for the
        instructor, whose terminal opens in their home, as nbgrader's config does for
        nbgrader's commands (``hub/nbgrader_config.py``).
        """
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls.load(folder)
        named = os.environ.get("COURSE_DIR")
        if named and (Path(named) / CONFIG_FILE).is_file():
            return cls.load(Path(named))
        raise CourseError(f"no {CONFIG_FILE} in {here} or its parents: not inside a course")

    @classmethod
    def load(cls, root: Path) -> Course:
        """The configuration nbgrader's commands see when run in ``root`` (see `nbgrader_config`)."""
        root = root.resolve()
        config = load_nbgrader_config(root)
        config.CourseDirectory.root = str(root)
        _put_own_tools_on_path()
        return cls(root=root, config=config)

    # -- folders ---------------------------------------------------------------------
    @property
    def modules_dir(self) -> Path:
        return self.root / "modules"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def release_dir(self) -> Path:
        return self.root / "release"

    @property
    def submitted_dir(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded_dir(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback_dir(self) -> Path:
        return self.root / "feedback"

    @property
    def lms_dir(self) -> Path:
        """Who each collected submission is in the LMS, per assignment (`course collect`)."""
        return self.root / "lms"

    @property
    def db_url(self) -> str:
        return str(self.config.CourseDirectory.db_url)

    @property
    def course_id(self) -> str:
        return str(self.config.CourseDirectory.course_id)

    @contextmanager
    def gradebook(self) -> Iterator[Gradebook]:
        """nbgrader's gradebook (SQLite or PostgreSQL); one that cannot be opened is a CourseError.

        A server that is down, a wrong password or a missing driver would otherwise end the
        command with a long SQLAlchemy traceback.
        """
        from nbgrader.api import Gradebook
        from sqlalchemy.exc import SQLAlchemyError

        try:
            gb = Gradebook(self.db_url, self.course_id)
        except (SQLAlchemyError, ImportError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise CourseError(
                f"cannot open the gradebook {safe_db_url(self.db_url)}: {reason}"
            ) from error
        try:
            yield gb
        finally:
            gb.close()

    def assignments(self) -> list[str]:
        """Every assignment in source/, in module order."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            path.name
            for path in self.source_dir.iterdir()
            if path.is_dir() and any(path.glob("*.ipynb"))
        )

    def require_assignment(self, assignment: str) -> None:
        """Fail with a clear message when ``assignment`` is not in source/."""
        if assignment not in self.assignments():
            known = ", ".join(self.assignments()) or "none"
            raise CourseError(f"unknown assignment {assignment!r} (known: {known})")

    def submitted_students(self, assignment: str) -> list[str]:
        """Students with a folder for ``assignment`` in submitted/, sorted."""
        if not self.submitted_dir.is_dir():
            return []
        return sorted(
            folder.name for folder in self.submitted_dir.iterdir() if (folder / assignment).is_dir()
        )

    # -- nbgrader --------------------------------------------------------------------
    def nbgrader_config(self, **course_directory: str) -> Config:
        """A copy of the config, with CourseDirectory settings overridden."""
        config = copy.deepcopy(self.config)
        for name, value in course_directory.items():
            setattr(config.CourseDirectory, name, value)
        return config

    def api(self, **course_directory: str) -> NbGraderAPI:
        """nbgrader's Python API on this course (optionally with other folders or db)."""
        from nbgrader.apps import NbGraderAPI  # imported here: it takes ~2 s to load
        from nbgrader.coursedir import CourseDirectory

        config = self.nbgrader_config(**course_directory)
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def config_search_path() -> list[str]:
    """Jupyter's config folders, first one winning, as every Jupyter application gets them.

    The user's (``~/.jupyter`` or ``$JUPYTER_CONFIG_DIR``), the environment's and the
    system's, in the order ``$JUPYTER_PREFER_ENV_PATH`` and friends choose
    (``jupyter_core.application.JupyterApp.config_file_paths``).
    """
    from jupyter_core.paths import jupyter_config_dir, jupyter_config_path

    paths = jupyter_config_path()
    if jupyter_config_dir() not in paths:
        paths.insert(0, jupyter_config_dir())
    return paths


def load_nbgrader_config(root: Path) -> Config:
    """The merged config of an nbgrader command started in the course root ``root``.

    nbgrader (``nbgrader.apps.baseapp.NbGrader``) reads, lowest priority first:
    ``jupyter_config`` then ``nbgrader_config`` (``.py`` then ``.json``) in every Jupyter
    config folder, the system's first and the user's last, then the working directory's
    ``nbgrader_config.py`` and the course root's. Reading only the course's file made
    `course grade` use other settings (a late penalty set in ``~/.jupyter``) than
    `nbgrader autograde`, and overwrite its grades. Like nbgrader, a broken file outside the
    course is skipped with a warning; a broken course file is a CourseError.
    """
    if not (root / CONFIG_FILE).is_file():
        raise CourseError(f"cannot read {root / CONFIG_FILE}: no such file")
    folders = config_search_path()
    config = Config()
    for base in ("jupyter_config", "nbgrader_config"):
        for folder in reversed(folders):
            config.merge(_read_config_files(base, folder, strict=False))
    config.merge(_read_config_files("nbgrader_config", str(root), strict=True))
    return config


def _read_config_files(base: str, folder: str, *, strict: bool) -> Config:
    """``folder/base.py`` merged with ``folder/base.json`` (traitlets' order); missing ones are empty."""
    config = Config()
    for loader_class, suffix in ((PyFileConfigLoader, ".py"), (JSONFileConfigLoader, ".json")):
        path = Path(folder) / (base + suffix)
        try:
            config.merge(loader_class(base + suffix, path=folder).load_config())
        except ConfigFileNotFound:
            continue
        except Exception as error:  # a broken config file must still give one clear line
            if strict:
                raise CourseError(f"cannot read {path}: {error}") from error
            _LOG.warning("skipping %s, which nbgrader skips too: %s", path, error)
    return config


def safe_db_url(url: str) -> str:
    """The database URL with its password masked, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy understands: nothing to hide
        return url


_GENERIC = ("NbGraderException", "Please see the the above traceback")


def nbgrader_error(result: dict) -> str:
    """One line saying why an nbgrader API call failed, from its captured log.

    nbgrader ends every failure with a generic "see the above traceback"; the useful line
    is the last exception raised before it.
    """
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    exceptions = [
        line
        for line in lines
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Exit)\b.*:", line)
        and not any(generic in line for generic in _GENERIC)
    ]
    if exceptions:
        return exceptions[-1]
    errors = [line for line in lines if "[ERROR]" in line and not any(g in line for g in _GENERIC)]
    return errors[-1] if errors else (lines[-1] if lines else "unknown error")
