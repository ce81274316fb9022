"""The answer store finds saved answers the way each kind of kernel needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.core.formatters import DisplayFormatter

from exercises import Classification, answers, saved_view
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


# -- what a saved notebook shows without a kernel (exercises.saved_view) -----------------


def _widget_output(question_id: str | None) -> dict:
    metadata = {"course": {"question_id": question_id}} if question_id else {}
    return {
        "output_type": "display_data",
        "metadata": metadata,
        "data": {
            "text/plain": "VBox(children=(HTML(value='<b>a.</b> …",
            saved_view.WIDGET_MIME: {"model_id": "abc", "version_major": 2, "version_minor": 0},
        },
    }


def test_saving_replaces_widget_outputs_by_the_saved_answer_in_french():
    nb = {"cells": [{"cell_type": "code", "outputs": [_widget_output(QID)]}], "metadata": {}}
    set_answer(nb, QID, {"a": "ville", "b": None}, "2026-11-21T08:00:00Z")
    saved_view.pre_save_hook({"type": "notebook", "content": nb}, path="x.ipynb")
    data = nb["cells"][0]["outputs"][0]["data"]
    assert saved_view.WIDGET_MIME not in data
    assert "Votre réponse est enregistrée dans ce notebook" in data["text/html"]
    assert "a\u00a0: ville" in data["text/plain"]
    assert "b\u00a0: (sans réponse)" in data["text/plain"]
    assert "exécutez cette cellule" in data["text/plain"]


def test_unanswered_question_and_other_widgets_get_their_own_text():
    outputs = [_widget_output(QID), _widget_output(None), {"output_type": "stream", "text": "x"}]
    nb = {"cells": [{"cell_type": "code", "outputs": outputs}], "metadata": {}}
    saved_view.replace_widget_outputs(nb)
    assert outputs[0]["data"]["text/plain"] == saved_view.NOT_ANSWERED
    assert outputs[1]["data"]["text/plain"] == saved_view.OTHER_WIDGET
    assert outputs[2] == {"output_type": "stream", "text": "x"}


def test_files_that_are_not_notebooks_are_left_alone():
    model = {"type": "file", "content": "text"}
    saved_view.pre_save_hook(model, path="notes.md")
    assert model == {"type": "file", "content": "text"}


def test_question_output_names_its_question_for_the_hook():
    question = Classification(QID, ["ville", "télé"], {"a": "…", "b": "…"})
    data, metadata = DisplayFormatter().format(question)
    assert metadata == {"course": {"question_id": QID}}
    assert saved_view.WIDGET_MIME in data
    assert data["text/plain"].splitlines()[0] == f"Question {QID}"


def test_copies_of_one_question_show_the_same_answer():
    first = Classification(QID, ["ville", "télé"], {"a": "…", "b": "…"})
    copy = Classification(QID, ["ville", "télé"], {"a": "…", "b": "…"})
    copy.choices["a"].value = "télé"
    assert first.collect() == copy.collect() == {"a": "télé", "b": None}
    assert first.bridge.value == {"a": "télé", "b": None}
    first.choices["b"].value = "ville"
    assert copy.collect() == {"a": "télé", "b": "ville"}
