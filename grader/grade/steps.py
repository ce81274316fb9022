"""nbgrader's own autograde preprocessors, run in this process around our executor.

``nbgrader autograde`` runs two chains on each notebook: *sanitize* (clear outputs, drop
duplicated ids, restore the kernelspec and every read-only cell from the gradebook) and,
after executing it, *record* (limit outputs, save the scores and late penalties into the
gradebook). We run the very same preprocessor classes, configured from the course's
``nbgrader_config.py``, and replace only nbgrader's ``Execute`` step. That is what keeps
the scores identical: the gradebook is written by nbgrader's code, never by ours.

Run as is, those preprocessors cost more than executing a notebook: each opens its own
gradebook (a new SQLAlchemy engine, so every query is compiled again) and validates each
cell's metadata with ``jsonschema.validate``, which re-checks the schema itself every
time. ``batch_speedups`` removes both costs without touching their logic: while a batch
runs, the name ``Gradebook`` in those modules returns the batch's one open gradebook
(closing it only ends its session, as before), and ``jsonschema.validate`` in nbgrader's
metadata checker uses a validator built once for nbgrader's fixed schema, raising the
same errors. The release's cells, which OverwriteCells looks up one query per cell of
every notebook, are looked up once per batch. ``tests/integration/test_fast_grading.py`` compares the scores with an
unpatched ``nbgrader autograde``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import types
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import jsonschema
import sqlalchemy
from nbconvert.preprocessors import ClearMetadataPreprocessor, Preprocessor
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import common as metadata_format
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

SANITIZE = (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata)
RECORD = (
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
)


def resources(db_url: str, assignment: str, student: str, notebook: str) -> dict[str, Any]:
    """The ``resources`` nbgrader's converter hands its preprocessors."""
    return {
        "unique_key": notebook,
        "output_files_dir": f"{notebook}_files",
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": notebook,
            "db_url": db_url,
        },
    }


class Chain:
    """Preprocessor instances built once per batch from the course config."""

    def __init__(self, classes: tuple[type[Preprocessor], ...], config: Config) -> None:
        self._steps = [cls(config=config) for cls in classes]

    def __call__(self, nb: NotebookNode, res: dict[str, Any]) -> NotebookNode:
        for step in self._steps:
            nb, res = step(nb, res)  # __call__ honours each step's ``enabled``
        return nb


#: The nbgrader modules that open a gradebook of their own for each notebook.
_OPENS_GRADEBOOK = (
    "nbgrader.preprocessors.overwritecells",
    "nbgrader.preprocessors.overwritekernelspec",
    "nbgrader.preprocessors.saveautogrades",
    "nbgrader.preprocessors.latesubmissions",
)


@contextmanager
def batch_speedups(gradebook: Gradebook) -> Iterator[None]:
    """Within the block, nbgrader's preprocessors share ``gradebook`` and a cached validator."""

    def shared(*_args: Any, **_kwargs: Any) -> Gradebook:
        return gradebook

    fast_jsonschema = types.SimpleNamespace(validate=_validate)
    with ExitStack() as stack:
        for finder in ("find_source_cell", "find_graded_cell"):
            stack.enter_context(
                mock.patch.object(gradebook, finder, _remembered(getattr(gradebook, finder)))
            )
        for module in _OPENS_GRADEBOOK:
            stack.enter_context(mock.patch(f"{module}.Gradebook", shared))
        # "closing" it would end the session and reconnect; the batch closes it once, at the end
        stack.enter_context(mock.patch.object(gradebook, "close", lambda: None))
        stack.enter_context(mock.patch.object(metadata_format, "jsonschema", fast_jsonschema))
        yield


def _remembered(find: Callable[..., Any]) -> Callable[..., Any]:
    """``find`` answered once per cell and batch, as a plain copy of the row's columns.

    nbgrader's OverwriteCells asks the gradebook for each cell of each notebook (one query
    per cell); the release's cells do not change during a batch. A copy, because the rows
    themselves expire at each commit and would be queried again on their next use.
    """

    @functools.cache
    def remembered(*args: Any) -> Any:
        row = find(*args)
        columns = sqlalchemy.inspect(row).mapper.column_attrs
        return types.SimpleNamespace(**{column.key: getattr(row, column.key) for column in columns})

    return remembered


@contextmanager
def one_transaction(gradebook: Gradebook) -> Iterator[None]:
    """Everything written to ``gradebook`` inside the block is committed once, at its end.

    nbgrader commits after each row it writes (some twenty times per notebook), and on a
    disk that honours ``fsync`` each commit waits for it. Inside the block a commit only
    flushes and expires the session's objects, which is all the code that runs next can see
    of a commit: it reads back what it wrote, and nbgrader's computed scores are reloaded.
    If the block raises, none of it is kept; nbgrader's own handlers roll back and raise
    (every rollback in ``nbgrader.api`` is followed by ``raise InvalidEntry``), so a step
    that failed half-way leaves no half-written rows either.
    """
    session = gradebook.db()  # the scoped session's current Session

    def flush_and_expire() -> None:
        session.flush()
        session.expire_all()

    with mock.patch.object(session, "commit", flush_and_expire):
        try:
            yield
        except BaseException:
            session.rollback()
            raise
    session.commit()


def _validate(instance: Any, schema: dict) -> None:
    """``jsonschema.validate`` without re-checking the (constant) schema at each call.

    Metadata already found valid is not validated again: most cells carry the same
    nbgrader metadata in every student's copy. nbgrader loads its schema anew for each
    notebook, so the schema is known by its content, not by identity.
    """
    schema_key = hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()
    key = (schema_key, json.dumps(instance, sort_keys=True, default=str))
    if key in _VALID:
        return
    validator = _VALIDATORS.get(schema_key)
    if validator is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _VALIDATORS[schema_key] = cls(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    _VALID.add(key)


#: A schema's digest → its validator.
_VALIDATORS: dict[str, Any] = {}
#: (schema digest, metadata as JSON) already found valid.
_VALID: set[tuple[str, str]] = set()
