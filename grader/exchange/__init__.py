"""A private nbgrader exchange for a hub with real Linux accounts.

nbgrader's default exchange is one world-writable ``inbound/`` folder and one world-readable
``feedback/`` folder: any student can read every submission and every feedback, and can hand
in under another student's name. Here each student has ``inbound/<student>/`` and
``feedback/<student>/``, owned by the student, group the course's graders, mode 2770, so the
operating system keeps other students out; collect accepts a submission only from its
owner's folder and only if that account owns every file of it. File names inside stay
nbgrader's, so nbgrader's commands and its Assignments tab work unchanged once
``hub/nbgrader_config.py`` names these classes. ``grader.exchange.setup`` makes the folders.
"""

from grader.exchange.private import (
    PrivateCollect,
    PrivateExchange,
    PrivateFetchAssignment,
    PrivateFetchFeedback,
    PrivateList,
    PrivateReleaseAssignment,
    PrivateReleaseFeedback,
    PrivateSubmit,
)

__all__ = [
    "PrivateCollect",
    "PrivateExchange",
    "PrivateFetchAssignment",
    "PrivateFetchFeedback",
    "PrivateList",
    "PrivateReleaseAssignment",
    "PrivateReleaseFeedback",
    "PrivateSubmit",
]
