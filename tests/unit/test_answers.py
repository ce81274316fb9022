"""The answer store finds saved answers the way each kind of kernel needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercises import Classification, answers
from exercises.answers import answers_of, read_answers, saved_answer, set_answer

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("clean_answers")]
QID = "99-test/tri"


def _notebook(path: Path, value) -> Path:
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    set_answer(nb, QID, value, "2026-11-21T08:00:00Z")
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_answers_round_trip_through_notebook_metadata():
    nb: dict = {}
    set_answer(nb, QID, {"a": "ville"}, "t")
    assert nb["metadata"]["course"]["answers"][QID] == {"value": {"a": "ville"}, "saved_at": "t"}
    assert answers_of(nb) == {QID: {"a": "ville"}}


@pytest.mark.parametrize(
    "content", [b"", b"\x00\xff\xfe", b"{not json", b"[1, 2]", b'{"metadata": 3}']
)
def test_unreadable_files_hold_no_answers(tmp_path, content):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    assert read_answers(path) == {}


def test_grader_names_the_notebook(tmp_path, monkeypatch):
    _notebook(tmp_path / "other.ipynb", {"a": "télé"})
    named = _notebook(tmp_path / "named.ipynb", {"a": "ville"})
    monkeypatch.setenv("COURSE_NOTEBOOK", str(named))
    assert saved_answer(QID) == {"a": "ville"}


def test_jupyterlab_session_name_is_ignored_during_nbgrader_execution(tmp_path, monkeypatch):
    _notebook(tmp_path / "exercice.ipynb", {"a": "ville"})
    instructor = _notebook(tmp_path.parent / "instructor.ipynb", {"a": "télé"})
    monkeypatch.setenv("JPY_SESSION_NAME", str(instructor))
    assert saved_answer(QID) == {"a": "télé"}
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert saved_answer(QID) == {"a": "ville"}


def test_unnamed_kernel_reads_the_notebook_in_its_folder(tmp_path):
    _notebook(tmp_path / "exercice.ipynb", {"a": "bibliothèque"})
    (tmp_path / "unrelated.ipynb").write_text("{}", encoding="utf-8")
    assert saved_answer(QID) == {"a": "bibliothèque"}
    assert saved_answer("99-test/absent") is None


def test_session_answer_wins_over_saved_one(tmp_path):
    _notebook(tmp_path / "exercice.ipynb", {"a": "ville"})
    answers.record(QID, {"a": "télé"})
    assert answers.get(QID) == {"a": "télé"}


def _question() -> Classification:
    return Classification(QID, ["ville", "télé"], {"a": "un", "b": "deux"})


def test_classification_restores_a_saved_answer(tmp_path):
    _notebook(tmp_path / "exercice.ipynb", {"a": "télé", "b": "pas une catégorie"})
    question = _question()
    assert question.value == {"a": "télé", "b": None}
    assert question.bridge.value == {"a": "télé", "b": None}


def test_clicking_records_the_answer_and_tells_the_bridge():
    question = _question()
    question.choices["a"].value = "ville"
    assert answers.get(QID) == {"a": "ville", "b": None}
    assert question.bridge.value == {"a": "ville", "b": None}


def test_answer_sent_back_by_the_browser_updates_the_controls():
    question = _question()
    question.bridge.value = {"a": "télé", "b": "ville"}
    assert question.value == {"a": "télé", "b": "ville"}
    assert answers.get(QID) == {"a": "télé", "b": "ville"}


def test_formative_check_says_what_is_missing_never_what_is_right():
    question = _question()
    question.choices["a"].value = "ville"
    remarks = question.verifier(show=False)
    assert remarks == ["Il reste 1 affirmation(s) à classer : b."]
    question.choices["b"].value = "ville"
    remarks = " ".join(question.verifier(show=False))
    assert "ville : 2" in remarks and "juste" not in remarks


def test_formative_check_warns_when_the_browser_cannot_save():
    question = _question()
    question.bridge.persisted = False
    assert any("pas enregistrée" in remark for remark in question.verifier(show=False))
