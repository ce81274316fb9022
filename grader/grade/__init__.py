"""Autograding submissions into nbgrader's gradebook.

``grade`` is imported on first use: the warm workers (``grader.grade.workers``) live in
this package too and must start without loading nbgrader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.grade.autograde import StudentResult, grade

__all__ = ["StudentResult", "grade"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from grader.grade import autograde

        return getattr(autograde, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
