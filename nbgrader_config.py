"""nbgrader settings for this course (read by nbgrader's own commands and by `course`)."""

import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "communautes-en-ligne"
# The repository root is the nbgrader course root, wherever the command is run from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
# The jupytext text twins (*.md) of the exercise notebooks are for review, not for students.
# *.md: jupytext twins; strategie.*: what the module-06 export cell writes when run in place
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.md",
    "strategie.*",
    "donnees",  # the CSV files the module-08 notebook writes
]

# Student-facing stubs are in French.
c.ClearSolutions.code_stub = {
    "python": "# VOTRE CODE ICI : remplacez la ligne ci-dessous par votre réponse\n"
    "raise NotImplementedError()"
}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"

# Releases never carry the instructor's widget answers or the jupytext pairing.
c.GenerateAssignment.preprocessors = [
    "grader.build.preprocessors.StripInstructorMetadata",
    "grader.build.preprocessors.LetRunAllContinue",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Late penalties count from each student's own deadline (extensions: `course extend`) and
# follow the current score after a hand grade (grader/deadlines.py). Choose the method
# here (or in ~/.jupyter/nbgrader_config.py), e.g.:
#   c.CourseLatePenalty.penalty_method = "per_hour"   # none, zero, per_hour, percent_per_day
#   c.CourseLatePenalty.points_per_hour = 0.5
#   c.CourseLatePenalty.percent_per_day = 10
c.AssignLatePenalties.plugin_class = "grader.deadlines.CourseLatePenalty"

# Grading: a cell may run this long before the student loses its points.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True


# Feedback shows scores, comments and test messages, never hidden tests or mark schemes.
c.GenerateFeedback.preprocessors = [
    # the late penalty from the current score (a hand grade in formgrader may have changed it)
    "grader.deadlines.ReapplyLatePenalties",
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "grader.feedback.preprocessors.HideTestTracebacks",
    # the French summary on top of each page, and resultats.html beside it, whoever asks
    # (course feedback, nbgrader generate_feedback, formgrader's button)
    "grader.feedback.preprocessors.EmbedSummary",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# ... in French: nbgrader's feedback template, its labels translated (grader/feedback/templates).
from importlib.util import find_spec  # noqa: E402 (config files run top to bottom)


def _package_dir(name):
    try:
        spec = find_spec(name)
    except ImportError:
        return None
    return spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None


# The French "feedback" template comes first, so it wins wherever nbgrader asks for "feedback"
# (its API and formgrader name the template explicitly).
_nbgrader, _feedback = _package_dir("nbgrader"), _package_dir("grader.feedback")
if _nbgrader and _feedback:  # without this course's package nbgrader keeps its English template
    c.HTMLExporter.extra_template_basedirs = [
        os.path.join(_feedback, "templates"),
        os.path.join(_nbgrader, "server_extensions", "formgrader", "templates"),
    ]
