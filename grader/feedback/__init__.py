"""Feedback for students, made by nbgrader's generate_feedback with the course's filters."""

from grader.feedback.generate import generate_feedback

__all__ = ["generate_feedback"]
