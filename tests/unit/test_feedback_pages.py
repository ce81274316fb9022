"""The French summary page and the names Moodle's feedback upload reads."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from grader.collect.moodle import moodle_folder, parse_moodle_path
from grader.feedback.summary import (
    Question,
    Summary,
    _remarks,
    failed_tests,
    french_date,
    points,
    render,
)

pytestmark = pytest.mark.unit


def _summary(**changes) -> Summary:
    summary = Summary(
        student="amelie",
        name="Amélie Rochat",
        assignment="01-cluetrain",
        questions=[
            Question("partie-a-test", 1.5, 3.0, failure="AssertionError: <b>h</b> mal classée"),
            Question("partie-c", None, 4.0, pending=True),
            Question("partie-d", 2.0, 2.0, comment="Très clair."),
        ],
        comments=[("partie-b1-reponse", "Pensez au cas vide.")],
        remarks=["Le notebook « extra.ipynb » ne fait pas partie du rendu : 0 point."],
        raw_score=3.5,
        max_score=9.0,
        handed_in=datetime(2026, 11, 20, 18, 0),
        graded=True,
        pages=["exercice.html"],
    )
    for name, value in changes.items():
        setattr(summary, name, value)
    return summary


def test_page_is_french_and_says_what_counted():
    html = render(_summary())
    assert '<html lang="fr">' in html
    assert "Note : 3,5 / 9 points" in html
    assert "rendu le 20 novembre 2026 à 19:00" in html  # UTC 18:00 is 19:00 in Zurich
    assert "n'est pas encore définitive" in html  # partie-c waits for the instructor
    assert "En attente de la correction" in html
    assert "Pensez au cas vide." in html and "Très clair." in html
    assert "ne fait pas partie du rendu" in html
    assert "exercice.html" in html


def test_page_escapes_what_tests_and_graders_wrote():
    html = render(_summary())
    assert "<b>h</b>" not in html and "&lt;b&gt;h&lt;/b&gt;" in html


def test_late_penalty_and_ungraded_submission():
    late = render(_summary(late_penalty=1.0))
    assert "Note : 2,5 / 9 points" in late and "Pénalité de retard : −1 point(s)" in late
    nothing = render(_summary(graded=False, questions=[], pages=[]))
    assert "n'a pas encore pu être corrigé" in nothing and "exercice.html" not in nothing


def test_points_are_written_the_french_way():
    assert [points(v) for v in (7.0, 7.5, 2.25, 0.0, None)] == ["7", "7,5", "2,25", "0", "–"]
    assert french_date(datetime(2026, 7, 1, 10, 5)) == "1 juillet 2026 à 12:05"  # summer time


def _cell(grade_id: str, grade: bool, error: str | None) -> dict:
    outputs = [{"output_type": "error", "ename": error, "evalue": "raté", "traceback": []}]
    return {
        "cell_type": "code",
        "metadata": {"nbgrader": {"grade": grade, "grade_id": grade_id}},
        "outputs": outputs if error else [],
        "source": "",
    }


def test_failed_tests_come_from_graded_cells_only_and_remarks_skip_them(tmp_path):
    nb = {
        "cells": [
            _cell("t1", True, "AssertionError"),
            _cell("code", False, "NameError"),
            _cell("t2", True, None),
        ]
    }
    (tmp_path / "exercice.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert failed_tests(tmp_path) == {"t1": "AssertionError: raté"}
    (tmp_path / "messages-correction.txt").write_text(
        "t1 : test échoué (AssertionError: raté).\nAutre remarque.\n", encoding="utf-8"
    )
    (tmp_path / "timestamp.txt").write_text("2026-11-20 18:00:00 UTC", encoding="utf-8")
    assert _remarks(tmp_path, {"t1"}) == ["Autre remarque."]


def test_feedback_folders_are_names_moodle_reads_back():
    folder = moodle_folder("Jean_Paul Dupont", "1234")
    assert folder == "Jean Paul Dupont_1234_assignsubmission_file_"
    parsed = parse_moodle_path((folder, "resultats.html"))
    assert (parsed.lms_id, parsed.plugin, parsed.path) == ("1234", "file", "resultats.html")
    # what Moodle's importer does: explode('_', part, 5) → id at [1], plugin at [2] and [3]
    assert folder.split("_", 4)[1:4] == ["1234", "assignsubmission", "file"]
