"""What the course notebooks import: gradable widget questions and the answer store.

Importing it also puts French hints under the beginner's first errors (see ``hints``).
"""

from exercises import answers, hints
from exercises.questions import Classification, Question

__all__ = ["Classification", "Question", "answers"]

hints.install()
