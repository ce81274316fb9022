"""System-wide nbgrader settings for the hub: copy to /etc/jupyter/nbgrader_config.py.

Every user's nbgrader (students' Assignments tab, the instructor's commands and `course`,
which reads the same files: README "The `course` command") then agrees on the course id
and the exchange. The exchange is the course's private one (``grader.exchange``): one
inbound and one feedback folder per student that other students cannot open, made by
``hub/start.sh`` (``python -m grader.exchange.setup``), never nbgrader's world-writable
one. The instructor's ``~/.jupyter/nbgrader_config.py`` adds ``c.CourseDirectory.root``
(the course checkout) so that formgrader finds the course.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "communautes-en-ligne")
# Root-owned, 0755; the course's folders below are made by the setup (hub/README.md).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

_PRIVATE = "grader.exchange.private.Private"
c.ExchangeFactory.exchange = _PRIVATE + "Exchange"
c.ExchangeFactory.fetch_assignment = _PRIVATE + "FetchAssignment"
c.ExchangeFactory.release_assignment = _PRIVATE + "ReleaseAssignment"
c.ExchangeFactory.submit = _PRIVATE + "Submit"
c.ExchangeFactory.collect = _PRIVATE + "Collect"
c.ExchangeFactory.release_feedback = _PRIVATE + "ReleaseFeedback"
c.ExchangeFactory.fetch_feedback = _PRIVATE + "FetchFeedback"
c.ExchangeFactory.list = _PRIVATE + "List"

# The instructor's course folder, for formgrader and nbgrader's commands run from anywhere
# (COURSE_DIR, which hub/jupyterhub_config.py passes to the instructor's server only).
if os.environ.get("COURSE_DIR"):
    c.CourseDirectory.root = os.environ["COURSE_DIR"]
