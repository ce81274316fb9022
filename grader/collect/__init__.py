"""Submissions from an LMS download (a Moodle zip, or per-student folders) into submitted/."""

from grader.collect.filing import DEFAULT_TIMEZONE, CollectReport, Line, collect
from grader.collect.identities import LmsIdentity, load_identities

__all__ = ["DEFAULT_TIMEZONE", "CollectReport", "Line", "LmsIdentity", "collect", "load_identities"]
