"""The report's charts, drawn with matplotlib and embedded as PNG data URIs.

Figures are made with ``matplotlib.figure.Figure`` directly (no pyplot, no GUI backend), so
reports can be made on a server or in a test without a display and without global state.
"""

from __future__ import annotations

import base64
import io
import math
from datetime import datetime

import pandas as pd
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from grader.report.analytics import EVERYONE_FAILS, EVERYONE_PASSES, NEGATIVE

FLAGGED = {EVERYONE_FAILS: "#c0392b", EVERYONE_PASSES: "#c0392b", NEGATIVE: "#e67e22"}
NORMAL = "#2e86c1"


def to_data_uri(figure: Figure) -> str:
    """The figure as a ``data:image/png;base64,…`` URI (the report stays one file)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_distribution(totals: pd.Series, max_total: float) -> Figure:
    """Histogram of the final scores."""
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    bins = max(1, min(20, math.ceil(max_total))) if max_total > 0 else 10
    axes.hist(totals, bins=bins, range=(0, max_total or None), color=NORMAL, edgecolor="white")
    axes.set_xlabel(f"score (out of {max_total:g})")
    axes.set_ylabel("students")
    axes.set_title("Score distribution")
    return figure


def difficulty(items: pd.DataFrame) -> Figure:
    """Mean share of the points per question, flagged questions in red or orange."""
    figure = Figure(figsize=(6.4, 0.45 * len(items) + 1.2))
    axes = figure.subplots()
    values = items["difficulty"].fillna(0)
    colors = [FLAGGED.get(flag, NORMAL) for flag in items["warning"]]
    axes.barh(items.index, values, color=colors)
    axes.set_xlim(0, 1)
    axes.invert_yaxis()
    axes.set_xlabel("difficulty (mean share of the points; 1 = everyone got them all)")
    axes.set_title("Difficulty per question")
    return figure


def discrimination(items: pd.DataFrame) -> Figure:
    """Item-rest correlation and upper-lower index per question, with the usual 0.2 line."""
    figure = Figure(figsize=(6.4, 0.55 * len(items) + 1.4))
    axes = figure.subplots()
    positions = range(len(items))
    axes.barh(
        [p - 0.2 for p in positions],
        items["item_rest_r"].fillna(0),
        height=0.4,
        color=NORMAL,
        label="item-rest r (point-biserial)",
    )
    axes.barh(
        [p + 0.2 for p in positions],
        items["upper_lower"].fillna(0),
        height=0.4,
        color="#85c1e9",
        label="upper-lower index",
    )
    axes.set_yticks(list(positions), list(items.index))
    axes.axvline(0, color="black", linewidth=0.8)
    axes.axvline(0.2, color="grey", linestyle="--", linewidth=0.8)
    axes.set_xlim(-1, 1)
    axes.invert_yaxis()
    axes.set_xlabel("discrimination (below the dashed 0.2 line: weak; below 0: suspicious)")
    axes.set_title("Discrimination per question")
    axes.legend(loc="lower right", fontsize="small")
    return figure


def time_versus_score(times: pd.Series, totals: pd.Series, due: datetime | None) -> Figure:
    """Each submission's time (school's time zone) against its final score."""
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    known = times.dropna()
    axes.scatter(known, totals.loc[known.index], color=NORMAL)
    if due is not None:
        axes.axvline(due, color="#c0392b", linestyle="--", label="due date")
        axes.legend(loc="best", fontsize="small")
    axes.xaxis.set_major_formatter(DateFormatter("%d.%m %H:%M"))
    figure.autofmt_xdate()
    axes.set_xlabel("handed in")
    axes.set_ylabel("score")
    axes.set_title("Submission time versus score")
    return figure
