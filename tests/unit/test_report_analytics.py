"""Item analytics: difficulty, discrimination, and the questions flagged as possibly broken."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from grader.report import plots
from grader.report.analytics import (
    EVERYONE_FAILS,
    EVERYONE_PASSES,
    NEGATIVE,
    NOT_GRADED,
    item_statistics,
)

pytestmark = pytest.mark.unit

# eight students, strongest first; q1 right/wrong and in line with the rest, q2 nobody,
# q3 everybody, q4 only the weakest get it right, q5 hand-graded and not graded yet
SCORES = pd.DataFrame(
    {
        "q1": [1, 1, 1, 0, 1, 0, 0, 0],
        "q2": [0, 0, 0, 0, 0, 0, 0, 0],
        "q3": [2, 2, 2, 2, 2, 2, 2, 2],
        "q4": [0, 0, 0, 0, 1, 0, 1, 1],
        "q5": [np.nan] * 8,
        "q6": [4, 4, 3, 3, 2, 2, 1, 0],
    },
    index=[f"s{i}" for i in range(8)],
    dtype=float,
)
MAXIMA = {"q1": 1, "q2": 1, "q3": 2, "q4": 1, "q5": 4, "q6": 4}


@pytest.fixture(scope="module")
def items():
    return item_statistics(SCORES, MAXIMA)


def test_difficulty_is_the_mean_share_of_the_points(items):
    assert items.loc["q1", "difficulty"] == pytest.approx(4 / 8)
    assert items.loc["q6", "difficulty"] == pytest.approx(19 / 32)
    assert items.loc["q6", "mean"] == pytest.approx(19 / 8)


def test_item_rest_correlation_is_the_point_biserial_against_the_other_questions(items):
    rest = SCORES.fillna(0).sum(axis=1) - SCORES["q1"]
    expected = np.corrcoef(SCORES["q1"], rest)[0, 1]
    assert items.loc["q1", "item_rest_r"] == pytest.approx(expected)
    # by hand: mean rest of those right minus those wrong, times sqrt(pq) / sd(rest)
    right, wrong = rest[SCORES["q1"] == 1], rest[SCORES["q1"] == 0]
    p = len(right) / len(rest)
    by_hand = (right.mean() - wrong.mean()) * math.sqrt(p * (1 - p)) / rest.std(ddof=0)
    assert items.loc["q1", "item_rest_r"] == pytest.approx(by_hand)


def test_upper_lower_index_uses_the_27_percent_groups(items):
    # 8 students → groups of 2; best rest scores s0, s1 (q1 = 1, 1), lowest s7, s5 (0, 0)
    assert items.loc["q1", "upper_lower"] == pytest.approx(1.0)
    assert items.loc["q4", "upper_lower"] == pytest.approx(-1.0)


def test_broken_questions_are_flagged(items):
    assert items.loc["q2", "warning"] == EVERYONE_FAILS
    assert items.loc["q3", "warning"] == EVERYONE_PASSES
    assert items.loc["q4", "warning"] == NEGATIVE
    assert items.loc["q5", "warning"] == NOT_GRADED and items.loc["q5", "n"] == 0
    assert items.loc["q1", "warning"] == ""
    # no spread, no correlation (rather than a division by zero)
    assert math.isnan(items.loc["q2", "item_rest_r"]) and math.isnan(items.loc["q3", "item_rest_r"])


def test_pending_scores_are_left_out_not_counted_as_zero():
    partly = SCORES.copy()
    partly.loc[["s0", "s1"], "q6"] = np.nan
    stats = item_statistics(partly, MAXIMA)
    assert stats.loc["q6", "n"] == 6
    assert stats.loc["q6", "difficulty"] == pytest.approx(11 / 24)
    # s0 and s1 have no rest score for q1 yet: its discrimination uses the six others
    # (q5, scored for nobody, counts for no one rather than leaving nobody)
    complete = partly.drop(index=["s0", "s1"])
    rest = complete[["q2", "q3", "q4", "q6"]].sum(axis=1)
    expected = np.corrcoef(complete["q1"], rest)[0, 1]
    assert stats.loc["q1", "item_rest_r"] == pytest.approx(expected)
    as_zero = partly.fillna(0)
    as_zero_r = np.corrcoef(as_zero["q1"], as_zero.sum(axis=1) - as_zero["q1"])[0, 1]
    assert expected != pytest.approx(as_zero_r, abs=0.01)  # what counting them as 0 gives
    # groups of round(6 × 0.27) = 2: best rests s3, s4 (q1 = 0, 1), lowest s7, s5 (0, 0)
    assert stats.loc["q1", "upper_lower"] == pytest.approx(0.5)
    assert stats.loc["q1", "warning"] == ""  # as zeros, s0 and s1 would make it look negative
    assert stats.loc["q1", "n"] == 8 and stats.loc["q1", "difficulty"] == pytest.approx(4 / 8)


def test_too_few_students_give_no_discrimination():
    stats = item_statistics(SCORES.iloc[:2], MAXIMA)
    assert math.isnan(stats.loc["q1", "item_rest_r"]) and math.isnan(stats.loc["q1", "upper_lower"])


def test_charts_are_png_data_uris(items):
    totals = SCORES.fillna(0).sum(axis=1)
    times = pd.Series(pd.date_range("2026-11-20 18:00", periods=8, freq="h"), index=SCORES.index)
    figures = [
        plots.score_distribution(totals, 13),
        plots.difficulty(items),
        plots.discrimination(items),
        plots.time_versus_score(times, totals, times.iloc[4].to_pydatetime()),
    ]
    for figure in figures:
        assert plots.to_data_uri(figure).startswith("data:image/png;base64,iVBOR")


# -- the report on a real gradebook ------------------------------------------------------------
from datetime import datetime  # noqa: E402 (the section's own imports)

from nbgrader.api import Gradebook  # noqa: E402

from grader.report.build import build_report  # noqa: E402
from tests.unit.test_export_moodle import ESSAY, essay_course  # noqa: E402


def test_time_plot_keeps_times_with_and_without_microseconds(tmp_path):
    """Moodle's times have no microseconds, the exchange's have: both must be plotted."""
    course = essay_course(tmp_path)
    (course.source_dir / ESSAY).mkdir(parents=True)
    (course.source_dir / ESSAY / "exercice.ipynb").write_text("{}", encoding="utf-8")
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_submission(ESSAY, "amelie").timestamp = datetime(2026, 11, 20, 16, 0, 0, 250000)
        gb.add_student("dimitri")  # handed nothing in: counted apart, not plotted
        gb.db.commit()
    result = build_report(course, ESSAY, tmp_path / "report.html")
    assert result.times.notna().all() and len(result.times) == 3
    assert result.times["amelie"] == pd.Timestamp("2026-11-20 17:00:00")  # Zurich
    assert result.times["bastien"] == pd.Timestamp("2026-11-20 19:00:00")
    assert "1 student(s) in the gradebook handed nothing in" in result.path.read_text("utf-8")
