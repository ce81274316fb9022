"""Classical item analysis of one assignment: which questions work.

For each question (graded cell), over the students who have a score for it:

* **difficulty** — the mean share of its points students got (0 = nobody, 1 = everybody);
* **item-rest correlation** — Pearson's r between the question's score and the student's
  score on the *other* questions. For a right/wrong question this is the point-biserial
  correlation; leaving the question out of the total keeps it from correlating with itself;
* **upper-lower index** — the difficulty among the 27 % of students with the best rest score
  minus the difficulty among the 27 % with the lowest (Kelley's groups, at least one each).

A rest score is only known once every other question is scored: the two discrimination
measures use the students who also have a score for each other question (a question nobody
has a score for yet counts for no one). A pending hand grade is never taken as 0 points.

A question everyone fails or everyone passes tells the instructor nothing about who learnt
what, and often means a broken test or a giveaway; a negative discrimination means stronger
students do worse on it, often a wrong answer key. Both are flagged.
"""

from __future__ import annotations

import math

import pandas as pd

#: Share of students in each of the upper and lower groups (Kelley).
GROUP_FRACTION = 0.27
#: Below this many scored students, discrimination is not computed.
MIN_STUDENTS = 3

EVERYONE_FAILS = "everyone fails: broken test or question?"
EVERYONE_PASSES = "everyone passes: broken test or giveaway?"
NEGATIVE = "stronger students do worse: check the answer key"
NOT_GRADED = "not graded yet"


def item_statistics(scores: pd.DataFrame, max_scores: dict[str, float]) -> pd.DataFrame:
    """One row per question: n, max, mean, difficulty, item_rest_r, upper_lower, warning.

    ``scores`` has one row per student and one column per question; NaN is a score not given
    yet (a hand-graded question waiting for the instructor), left out of every measure:
    ``n``, ``mean`` and ``difficulty`` use the students with a score for the question, the
    discrimination measures those who also have every other (partly) scored question's.
    """
    scored = scores.loc[:, scores.notna().any()]  # not graded for anyone: no rest to spoil
    rows = []
    for item in scores.columns:
        answered = scores[item].dropna()
        maximum = float(max_scores.get(item, 0.0)) or float("nan")
        share = answered / maximum
        others = scored.drop(columns=item, errors="ignore").loc[answered.index]
        rest = others.dropna().sum(axis=1)  # students with a gap in the rest are left out
        row = {
            "question": item,
            "n": len(answered),
            "max": maximum,
            "mean": answered.mean() if len(answered) else math.nan,
            "difficulty": share.mean() if len(answered) else math.nan,
            "item_rest_r": _correlation(answered.loc[rest.index], rest),
            "upper_lower": upper_lower(share.loc[rest.index], rest),
        }
        row["warning"] = warning(row)
        rows.append(row)
    return pd.DataFrame(rows).set_index("question")


def _correlation(item: pd.Series, rest: pd.Series) -> float:
    """Pearson's r, or NaN when it means nothing (too few students, no spread)."""
    if len(item) < MIN_STUDENTS or item.std() == 0 or rest.std() == 0:
        return math.nan
    return float(item.corr(rest))


def upper_lower(share: pd.Series, rest: pd.Series) -> float:
    """Difficulty in the best-rest-score group minus difficulty in the lowest group."""
    if len(share) < MIN_STUDENTS:
        return math.nan
    size = max(1, round(len(share) * GROUP_FRACTION))
    ranked = rest.sort_values(kind="stable").index
    lower, upper = ranked[:size], ranked[-size:]
    return float(share.loc[upper].mean() - share.loc[lower].mean())


def warning(row: dict) -> str:
    """Why a question may be broken, or "" when nothing is suspicious."""
    if row["n"] == 0:
        return NOT_GRADED
    if row["n"] >= 2 and row["difficulty"] == 0:
        return EVERYONE_FAILS
    if row["n"] >= 2 and row["difficulty"] == 1:
        return EVERYONE_PASSES
    discriminations = [row["item_rest_r"], row["upper_lower"]]
    if any(value < 0 for value in discriminations if not math.isnan(value)):
        return NEGATIVE
    return ""
