"""What the course notebooks import: gradable widget questions and the answer store."""

from exercises import answers
from exercises.questions import Classification, Question

__all__ = ["Classification", "Question", "answers"]
