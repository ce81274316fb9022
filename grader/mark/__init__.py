"""``course mark``: hand grading one question across all students, with rubric items.

The marking view is a small web application served on 127.0.0.1 (never in an iframe). Its
scores and comments are written into nbgrader's gradebook (manual score and comment of the
grade cell), which stays the one record of grades; the rubric items themselves live in two
extra tables of the same database so that several graders share them. See docs/marking.md.
"""

from grader.mark.server import serve  # noqa: E402

__all__ = ["serve"]
