"""Numbers as a French reader expects them in module 08's printed results (« 0,286 »).

Python prints ``0.286``; the course writes decimal commas everywhere a student reads
(issue 15). Babel applies the Swiss French conventions (the course is Swiss).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.numbers import format_decimal

LOCALE = "fr_CH"


def nombre(value: Any, decimales: int = 3) -> str:
    """``value`` rounded to at most ``decimales`` places, with a decimal comma: ``0,6``.

    Anything that is not a number (a message such as « non calculé ») is returned as text.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    pattern = "#,##0" + ("." + "#" * decimales if decimales > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def tableau(frame: pd.DataFrame, decimales: int = 3) -> pd.DataFrame:
    """A copy of ``frame`` whose numbers are shown with decimal commas (for display only)."""
    return frame.map(lambda value: nombre(value, decimales))
