"""Read a matplotlib figure back, so that a test can tell a student what their plot lacks.

``describe(fig)`` summarises the figure as plain data: per axes, the title, the axis labels,
the legend, and each *series* drawn in data coordinates with how many points it has and the
sum of its values. A series is a group of bars (``bar``, ``barh``, ``hist``, pandas bar
plots), a line with data (``plot``, pandas line plots), a scatter (``scatter``) or a set of
segments (``vlines``, ``hlines``). Reference lines drawn across the axes (``axhline``,
``axvline``) and decorations are not series.

``check_figure(fig, …)`` turns that summary into messages, in French, that say what is
missing; an empty list means the figure has the expected shape. It never judges whether the
values are right: the tests compare the sums given by ``describe`` with the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D


def _total(values: Any) -> float:
    array = np.asarray(values, dtype=float).ravel()
    finite = array[np.isfinite(array)]
    return float(finite.sum()) if finite.size else 0.0


def _line_points(line: Line2D) -> np.ndarray:
    """The line's ``(x, y)`` points as matplotlib draws them, one row per point.

    Matplotlib's own unit conversion is used, so numbers stored as objects stay numbers,
    dates become day numbers and text categories their positions 0, 1, 2… (as for bars).
    Data that matplotlib cannot convert give no points.
    """
    try:
        return np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
    except (TypeError, ValueError):
        return np.empty((0, 2))


def _finite_points(x: np.ndarray, y: np.ndarray) -> int:
    """Points actually drawn: both coordinates finite."""
    if x.shape != y.shape:
        return int(min(x.size, y.size))
    return int((np.isfinite(x) & np.isfinite(y)).sum())


def _user_label(label: Any) -> str | None:
    text = str(label) if label is not None else ""
    return None if not text or text.startswith("_") else text


def _bars(container: BarContainer) -> dict[str, Any]:
    horizontal = getattr(container, "orientation", "vertical") == "horizontal"
    positions, values = [], []
    for patch in container.patches:
        if horizontal:
            positions.append(patch.get_y() + patch.get_height() / 2)
            values.append(patch.get_width())
        else:
            positions.append(patch.get_x() + patch.get_width() / 2)
            values.append(patch.get_height())
    # For bars the values are the heights (widths for barh): "y" is always the value axis.
    return {
        "kind": "barh" if horizontal else "bar",
        "label": _user_label(container.get_label()),
        "n": int(np.isfinite(np.asarray(values, dtype=float)).sum()),
        "x_total": _total(positions),
        "y_total": _total(values),
    }


def _series(ax: Axes) -> list[dict[str, Any]]:
    series = [_bars(c) for c in ax.containers if isinstance(c, BarContainer)]
    for line in ax.lines:
        if line.get_transform() != ax.transData:
            continue  # axhline, axvline and other lines drawn in axes coordinates
        points = _line_points(line)
        if not len(points):
            continue
        x, y = points[:, 0], points[:, 1]
        series.append(
            {
                "kind": "line",
                "label": _user_label(line.get_label()),
                "n": _finite_points(x, y),
                "x_total": _total(x),
                "y_total": _total(y),
            }
        )
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            offsets = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
            if not len(offsets):
                continue
            series.append(
                {
                    "kind": "scatter",
                    "label": _user_label(collection.get_label()),
                    "n": _finite_points(offsets[:, 0], offsets[:, 1]),
                    "x_total": _total(offsets[:, 0]),
                    "y_total": _total(offsets[:, 1]),
                }
            )
        elif isinstance(collection, LineCollection) and collection.get_segments():
            segments = collection.get_segments()
            series.append(
                {
                    "kind": "segments",
                    "label": _user_label(collection.get_label()),
                    "n": len(segments),
                    "x_total": _total([seg[:, 0].mean() for seg in segments if len(seg)]),
                    "y_total": _total([np.ptp(seg[:, 1]) for seg in segments if len(seg)]),
                }
            )
    return series


def _title(ax: Axes) -> str:
    for where in ("center", "left", "right"):
        if ax.get_title(loc=where).strip():
            return ax.get_title(loc=where).strip()
    return ""


def _legend(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    if legend is None:
        return []
    return [text.get_text() for text in legend.get_texts()]


def describe(fig: Figure) -> dict[str, Any]:
    """A plain-data summary of ``fig``.

    Returns ``{"suptitle": str, "legends": int, "axes": [...]}`` where each axes is
    ``{"title", "xlabel", "ylabel", "legend": [labels], "series": [...]}`` and each series
    is ``{"kind", "label", "n", "x_total", "y_total"}``: ``kind`` is ``bar``, ``barh``,
    ``line``, ``scatter`` or ``segments``; ``n`` counts the bars or points actually drawn
    (NaN values are not); for bars ``x_total`` sums the bar centres and ``y_total`` the
    heights (the widths for ``barh``). Values are read in data coordinates, as matplotlib
    draws them: dates count as matplotlib day numbers (pandas' own time-series plots draw
    pandas period numbers) and text categories as their positions 0, 1, 2…, for lines as
    for bars. Raises TypeError if ``fig`` is not a figure.
    """
    if not isinstance(fig, Figure | SubFigure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    return {
        "suptitle": (suptitle or "").strip(),
        "legends": len(fig.legends),
        "axes": [
            {
                "title": _title(ax),
                "xlabel": ax.get_xlabel().strip(),
                "ylabel": ax.get_ylabel().strip(),
                "legend": _legend(ax),
                "series": _series(ax),
            }
            for ax in fig.get_axes()
        ],
    }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_figure(
    fig: Any,
    *,
    series: int | tuple[int, int] | None = None,
    need_labels: bool = True,
    need_title: bool = False,
    need_legend: bool = False,
) -> list[str]:
    """What the figure lacks, as French messages for the student; ``[]`` if nothing.

    ``series``: the number of series expected over all axes, exactly (an int) or as an
    inclusive range ``(minimum, maximum)``. ``need_labels``: every axes with data has an x
    and a y label. ``need_title``: it has a title (or the figure a suptitle).
    ``need_legend``: with two series or more, a legend says which is which.
    """
    if isinstance(fig, Axes):
        return [
            "Vous avez donné des axes (Axes), pas une figure : utilisez `fig, ax = "
            "plt.subplots()` puis donnez `fig`, ou écrivez `ax.figure`."
        ]
    if not isinstance(fig, Figure | SubFigure):
        return [
            f"On attend une figure matplotlib, pas un objet de type {type(fig).__name__} : "
            "créez-la avec `fig, ax = plt.subplots()`."
        ]
    summary = describe(fig)
    drawn = [axes for axes in summary["axes"] if axes["series"]]
    if not drawn:
        return ["La figure est vide : aucune barre, aucune ligne, aucun point n'y est tracé."]
    messages = []
    many = len(drawn) > 1
    for number, axes in enumerate(drawn, start=1):
        where = f"Dans le graphique n° {number}, l" if many else "L"
        graph = f"Le graphique n° {number}" if many else "Le graphique"
        if need_labels and not axes["xlabel"]:
            messages.append(
                f"{where}'axe horizontal n'a pas de titre : dites ce qu'il montre, avec "
                "l'unité (`ax.set_xlabel(...)`)."
            )
        if need_labels and not axes["ylabel"]:
            messages.append(
                f"{where}'axe vertical n'a pas de titre : dites ce qu'il montre, avec "
                "l'unité (`ax.set_ylabel(...)`)."
            )
        if need_title and not axes["title"] and not summary["suptitle"]:
            messages.append(f"{graph} n'a pas de titre (`ax.set_title(...)`).")
        if (
            need_legend
            and len(axes["series"]) > 1
            and not axes["legend"]
            and not summary["legends"]
        ):
            messages.append(
                f"{graph} montre plusieurs séries sans légende : on ne sait pas "
                "laquelle est laquelle (`label=...` puis `ax.legend()`)."
            )
    if series is not None:
        found = sum(len(axes["series"]) for axes in drawn)
        low, high = (series, series) if isinstance(series, int) else series
        if not low <= found <= high:
            expected = _count(low, "série") if low == high else f"entre {low} et {high} séries"
            messages.append(
                f"Le graphique devrait montrer {expected} (par exemple un groupe de barres ou "
                f"une ligne par série) ; il en montre {found}."
            )
    return messages
