"""The French summary page and the names Moodle's feedback upload reads."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

import nbformat
import pytest

from grader.collect.moodle import moodle_folder, parse_moodle_path
from grader.feedback.summary import (
    Question,
    Summary,
    _fill,
    _remarks,
    failed_tests,
    french_date,
    points,
    render,
)
from grader.grade.submissions import failed_tests_of, failure_message

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
        remarks=["Le notebook « extra.ipynb » ne fait pas partie du rendu : 0 point."],
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
    assert "Note : 3,5 / 9 points" in html
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
    assert "Note : 2,5 / 9 points" in late and "Pénalité de retard : −1 point(s)" in late
    nothing = render(_summary(graded=False, questions=[], pages=[]))
    assert "n'a pas encore pu être corrigé" in nothing and "exercice.html" not in nothing


def test_points_are_written_the_french_way():
    assert [points(v) for v in (7.0, 7.5, 2.25, 0.0, None)] == ["7", "7,5", "2,25", "0", "–"]
    assert french_date(datetime(2026, 7, 1, 10, 5)) == "1 juillet 2026 à 12:05"  # summer time


def _cell(grade_id: str, grade: bool, error: str | None, evalue: str = "raté") -> dict:
    if error is None:
        outputs = []
    else:
        outputs = [nbformat.v4.new_output("error", ename=error, evalue=evalue, traceback=[])]
    return nbformat.v4.new_code_cell(
        "",
        metadata={"nbgrader": {"grade": grade, "grade_id": grade_id}},
        outputs=outputs,
    )


def _write(path, *cells) -> None:
    nbformat.write(nbformat.v4.new_notebook(cells=list(cells)), path)


def test_failed_tests_come_from_graded_cells_only_and_remarks_skip_them(tmp_path):
    _write(
        tmp_path / "exercice.ipynb",
        _cell("t1", True, "AssertionError"),
        _cell("code", False, "NameError"),
        _cell("t2", True, None),
    )
    assert failed_tests(tmp_path) == {("exercice", "t1"): "AssertionError: raté"}
    (tmp_path / "messages-correction.txt").write_text(
        "t1 : test échoué (AssertionError: raté).\nAutre remarque.\n", encoding="utf-8"
    )
    (tmp_path / "timestamp.txt").write_text("2026-11-20 18:00:00 UTC", encoding="utf-8")
    shown = {failure_message("t1", "AssertionError: raté")}
    assert _remarks(tmp_path, shown) == ["Autre remarque."]


def test_failed_tests_are_per_notebook_and_skip_unreadable_ones(tmp_path):
    # the same grade id in two notebooks: only the second one's test failed
    _write(tmp_path / "partie1.ipynb", _cell("test", True, None))
    _write(tmp_path / "partie2.ipynb", _cell("test", True, "ValueError", "trop grand"))
    (tmp_path / "coupe.ipynb").write_text('{"cells": [', encoding="utf-8")
    assert failed_tests(tmp_path) == {("partie2", "test"): "ValueError: trop grand"}


def test_failed_tests_of_reads_plain_dicts_and_notebook_nodes_alike():
    raised = {"output_type": "error", "evalue": "", "traceback": []}  # no ename
    cells = [
        _cell("t1", True, "AssertionError", ""),
        {
            "cell_type": "code",
            "metadata": {"nbgrader": {"grade": True, "grade_id": "t2"}},
            "outputs": [raised],
            "source": "",
        },
        {
            "cell_type": "markdown",
            "metadata": {"nbgrader": {"grade": True, "grade_id": "m"}},
            "source": "",
        },
    ]
    plain = {"cells": [dict(cell) for cell in cells]}
    node = nbformat.from_dict(plain)
    expected = {"t1": "AssertionError", "t2": "Erreur"}
    assert failed_tests_of(plain) == expected
    assert failed_tests_of(node) == expected


def _fake_notebook(name: str, grade_ids: list[str], sources: list[str]) -> SimpleNamespace:
    grades = [
        SimpleNamespace(
            name=gid, score=1.0, max_score=1.0, needs_manual_grade=False, manual_score=None
        )
        for gid in grade_ids
    ]
    return SimpleNamespace(
        name=name,
        grades=grades,
        comments=[],
        notebook=SimpleNamespace(source_cells=[SimpleNamespace(name=s) for s in sources]),
    )


def test_page_shows_each_failure_in_its_own_notebook_and_keeps_unknown_cells():
    submission = SimpleNamespace(
        student=SimpleNamespace(first_name="Amélie", last_name="Rochat"),
        score=3.0,
        late_submission_penalty=None,
        max_score=3.0,
        timestamp=None,
        notebooks=[
            _fake_notebook("partie1", ["test"], ["test"]),
            # "vieux" has no source cell any more: it goes last instead of failing
            _fake_notebook("partie2", ["vieux", "test"], ["test"]),
        ],
    )
    summary = Summary(student="amelie", name="amelie", assignment="02")
    _fill(summary, submission, {("partie2", "test"): "ValueError: trop grand"})
    shown = [(q.grade_id, q.failure) for q in summary.questions]
    assert shown == [("test", None), ("test", "ValueError: trop grand"), ("vieux", None)]


def test_feedback_folders_are_names_moodle_reads_back():
    folder = moodle_folder("Jean_Paul Dupont", "1234")
    assert folder == "Jean Paul Dupont_1234_assignsubmission_file_"
    parsed = parse_moodle_path((folder, "resultats.html"))
    assert (parsed.lms_id, parsed.plugin, parsed.path) == ("1234", "file", "resultats.html")
    # what Moodle's importer does: explode('_', part, 5) → id at [1], plugin at [2] and [3]
    assert folder.split("_", 4)[1:4] == ["1234", "assignsubmission", "file"]


def test_remarks_come_only_from_the_graders_messages(tmp_path):
    """nbgrader's exchange leaves submission_secret.txt beside the notebook; students may
    hand in their own .txt: neither is a remark of the grader's."""
    (tmp_path / "messages-correction.txt").write_text("Remarque du correcteur.\n", "utf-8")
    (tmp_path / "submission_secret.txt").write_text("3f2a9c0e5b", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Note : 10 / 10, validé.", encoding="utf-8")
    assert _remarks(tmp_path, set()) == ["Remarque du correcteur."]


def test_feedback_template_loads_nothing_from_the_network():
    """The pages must work offline: nbgrader's template loads MathJax from a CDN."""
    from grader.feedback.summary import TEMPLATES

    for path in [TEMPLATES / "feedback" / "index.html.j2", *TEMPLATES.glob("*.j2")]:
        text = path.read_text("utf-8")
        assert "mathjax()" not in text.replace("No MathJax", ""), path
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path


def test_summary_section_is_the_page_body_and_says_the_notebook_follows():
    from grader.feedback.summary import render_section

    section = render_section(_summary())
    assert section.lstrip().startswith('<section class="resultats">')
    assert "Note\u00a0: 3,5 / 9 points" in section and "<html" not in section
    assert "Votre notebook corrigé suit" in section
