"""Consistency aids: the score distribution and answers that are near-identical."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from itertools import combinations

#: Ratio of matching text above which two answers are flagged as a pair.
THRESHOLD = 0.9
#: Answers shorter than this (after normalising) are too short to tell copying apart.
MIN_CHARS = 40
#: Only the start of a long answer is compared (SequenceMatcher is quadratic).
COMPARED = 5000
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    return _SPACE.sub(" ", text[:COMPARED]).strip().lower()


def pairs(texts: dict[str, str], blank: str = "") -> list[tuple[str, str, float]]:
    """Pairs of students whose answers match at ``THRESHOLD`` or more, closest first.

    ``blank`` is the text the student was handed (an untouched answer is not copying).
    """
    usable = {
        s: t
        for s, t in ((s, normalised(t)) for s, t in texts.items())
        if len(t) >= MIN_CHARS and t != normalised(blank)
    }
    found = []
    for (a, ta), (b, tb) in combinations(sorted(usable.items()), 2):
        matcher = SequenceMatcher(None, ta, tb, autojunk=False)
        if matcher.real_quick_ratio() < THRESHOLD or matcher.quick_ratio() < THRESHOLD:
            continue
        ratio = matcher.ratio()
        if ratio >= THRESHOLD:
            found.append((a, b, round(ratio, 3)))
    return sorted(found, key=lambda p: -p[2])


def distribution(scores: list[float | None]) -> list[tuple[str, int]]:
    """How many answers got each score (ungraded counted apart), lowest score first."""
    counts = Counter("ungraded" if s is None else f"{s:g}" for s in scores)
    graded = sorted((k for k in counts if k != "ungraded"), key=float)
    return [(k, counts[k]) for k in graded] + (
        [("ungraded", counts["ungraded"])] if "ungraded" in counts else []
    )
