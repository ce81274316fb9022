"""Feedback for students: nbgrader's generate_feedback with the course's filters and French
template, a French summary page per student, and a zip to upload back to Moodle."""

from grader.feedback.generate import generate_feedback
from grader.feedback.lms import FeedbackResult, give_feedback

__all__ = ["FeedbackResult", "generate_feedback", "give_feedback"]
