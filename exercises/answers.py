"""The answer store: where widget answers live so that they can be graded.

A widget's state lives in the kernel, and the kernel dies: on restart, on reopening the
notebook, and when nbgrader re-executes a handed-in copy on a fresh kernel. The only thing
that survives all of these is the ``.ipynb`` file itself, so every answer given through a
widget is written into the notebook's own metadata::

    metadata.course.answers[question_id] = {"value": <JSON>, "saved_at": "<ISO time>"}

Two halves keep it there:

* in the browser, :class:`exercises.bridge.AnswerBridge` copies each answer into the open
  notebook's metadata (JupyterLab then saves it with the file) and, when a question is
  shown again in a new kernel, sends the saved answer back to the kernel;
* in the kernel, this module keeps the answers of the running session in memory and, for a
  question it has not seen yet, reads the saved answer from the notebook file on disk. That
  is how a re-executed notebook (nbgrader's autograde, ``course grade``) finds the answers
  with no browser at all.

``metadata.widgets`` is never used: JupyterLab does not save it by default and
re-execution replaces it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: Top-level key of the notebook metadata that holds everything this course stores.
METADATA_KEY = "course"
#: Key under :data:`METADATA_KEY` that maps question ids to answer records.
ANSWERS_KEY = "answers"
#: Environment variable naming the notebook file whose answers a kernel must read.
#: Set by ``course grade``; wins over every other way of finding the notebook.
NOTEBOOK_ENV = "COURSE_NOTEBOOK"

_session: dict[str, Any] = {}


def answers_of(nb: dict[str, Any]) -> dict[str, Any]:
    """Return ``{question_id: value}`` stored in a notebook (a parsed ``.ipynb`` dict)."""
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    stored = (metadata or {}).get(METADATA_KEY, {})
    records = stored.get(ANSWERS_KEY, {}) if isinstance(stored, dict) else {}
    if not isinstance(records, dict):
        return {}
    return {
        qid: record["value"]
        for qid, record in records.items()
        if isinstance(record, dict) and "value" in record
    }


def set_answer(nb: dict[str, Any], question_id: str, value: Any, saved_at: str) -> None:
    """Write one answer record into a parsed notebook (used by tests and sample makers)."""
    metadata = nb.setdefault("metadata", {})
    answers = metadata.setdefault(METADATA_KEY, {}).setdefault(ANSWERS_KEY, {})
    answers[question_id] = {"value": value, "saved_at": saved_at}


def read_answers(path: Path) -> dict[str, Any]:
    """Answers saved in the notebook file at ``path``; ``{}`` if it cannot be read.

    A student's file may be anything (truncated, not JSON, binary): that must not stop the
    kernel, it only means no saved answer is found.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            return answers_of(json.load(handle))
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        return {}


def _named_notebook() -> Path | None:
    """The notebook this kernel runs, when something told us which one.

    ``COURSE_NOTEBOOK`` is set by ``course grade``. ``JPY_SESSION_NAME`` is set by
    jupyter_server for kernels started from JupyterLab; it is ignored during nbgrader
    execution, where it could only have leaked from the instructor's own session.
    """
    candidates = [os.environ.get(NOTEBOOK_ENV)]
    if not os.environ.get("NBGRADER_EXECUTION"):
        candidates.append(os.environ.get("JPY_SESSION_NAME"))
    for name in filter(None, candidates):
        path = Path(name)
        for candidate in (path, Path.cwd() / path.name):
            if candidate.suffix == ".ipynb" and candidate.is_file():
                return candidate
    return None


def _notebook_holding(question_id: str) -> Path | None:
    """Find, in the working directory, the notebook that holds an answer to this question.

    A kernel started by nbconvert or nbgrader is told nothing about its notebook, but runs
    in the notebook's folder; question ids are unique to one exercise notebook, so the file
    that answers this question is the one being graded. Should a copy sit beside it, the
    most recently written file wins.
    """
    holders = [path for path in Path.cwd().glob("*.ipynb") if question_id in read_answers(path)]
    if not holders:
        return None
    return max(holders, key=lambda path: path.stat().st_mtime)


def saved_answer(question_id: str) -> Any:
    """The answer to ``question_id`` saved in this kernel's notebook file, or ``None``."""
    named = _named_notebook()
    if named is not None:
        return read_answers(named).get(question_id)
    holder = _notebook_holding(question_id)
    return read_answers(holder).get(question_id) if holder else None


def get(question_id: str) -> Any:
    """The student's answer to ``question_id``: the latest one of this session, else the saved one.

    Test cells call this; it returns ``None`` when the question was never answered.
    """
    if question_id in _session:
        return _session[question_id]
    return saved_answer(question_id)


def record(question_id: str, value: Any) -> None:
    """Remember an answer given in this session (the bridge persists it in the notebook)."""
    _session[question_id] = value


def forget_session() -> None:
    """Drop the answers held in memory (as a kernel restart would); for tests."""
    _session.clear()
