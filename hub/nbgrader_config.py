"""System-wide nbgrader settings for the hub: copy to /etc/jupyter/nbgrader_config.py.

Every user's nbgrader (students' Assignments tab, the instructor's commands and `course`,
which reads the same files: README "The `course` command") then agrees on the course id
and the exchange. The instructor's ``~/.jupyter/nbgrader_config.py`` adds
``c.CourseDirectory.root`` (the course checkout) so that formgrader finds the course.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "communautes-en-ligne")
# Must exist, owned by root, mode 0777 with the sticky bit (nbgrader's documented setup).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
