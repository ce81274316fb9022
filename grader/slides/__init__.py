"""Offline reveal.js slides for the lesson notebooks (see ``grader.slides.export``)."""

from grader.slides.export import (
    SlidesError,
    export_all,
    export_lesson,
    find_lessons,
    output_name,
)

__all__ = ["SlidesError", "export_all", "export_lesson", "find_lessons", "output_name"]
