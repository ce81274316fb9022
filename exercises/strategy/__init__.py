"""The strategy canvas: a plan as data (``plan``), its checks, its renderings, its widget."""

from exercises.strategy.canvas import Canevas, plan_advice, points_summary, show_plan
from exercises.strategy.checks import auto_points, check
from exercises.strategy.render import chart, export, to_html, to_markdown

__all__ = [
    "Canevas", "auto_points", "chart", "check", "export", "plan_advice", "points_summary",
    "show_plan",
    "to_html", "to_markdown",
]  # fmt: skip
