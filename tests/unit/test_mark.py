"""The marking view's pure parts: inert rendering, widget tables, rubric parsing, pairs."""

from __future__ import annotations

import re

import pytest

from grader.mark import render, similar
from grader.mark.questions import Question
from grader.mark.store import Note, RubricItem, feedback_text


@pytest.mark.parametrize(
    "answer",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[lien](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil></iframe>",
        '<svg onload="alert(1)"></svg>',
        "![x](javascript:alert(1))",
    ],
)
def test_student_markdown_is_rendered_inert(answer):
    out = render.markdown(answer)
    assert not re.search(r"<(script|iframe|svg)\b", out)
    assert not re.search(r"<[^>]*\bon[a-z]+\s*=", out)
    assert not re.search(r"<[^>]*\b(href|src)=\"?javascript:", out)


def test_markdown_is_still_markdown():
    out = render.markdown("**gras** et *italique*\n\n- un\n- deux")
    assert "<strong>gras</strong>" in out and "<li>un</li>" in out


def test_a_huge_answer_is_cut_and_an_empty_one_is_empty():
    out = render.markdown("x" * 100_000)
    assert len(out) < 21_000 and "dépasse 20 000 caractères" in out
    assert render.markdown("") == ""


def test_code_answers_keep_their_outputs_escaped():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["<b>bonjour</b>\n"]},
        {"output_type": "execute_result", "data": {"text/html": "<i onclick='x()'>ok</i>"}},
        {"output_type": "error", "ename": "ValueError", "evalue": "<script>", "traceback": []},
    ]
    out = render.code("print('<b>')", outputs)
    assert "&lt;b&gt;bonjour&lt;/b&gt;" in out and "<i>ok</i>" in out
    assert "ValueError: &lt;script&gt;" in out and "onclick" not in out


def test_widget_answers_become_tables_with_escaped_values():
    value = {"canaux": [{"canal": "<b>site</b>", "public": "P1"}], "probleme": "peu de familles"}
    out = render.value_table(value)
    assert "<th>canal</th><th>public</th>" in out and "&lt;b&gt;site&lt;/b&gt;" in out
    assert "<th>probleme</th><td>peu de familles</td>" in out
    assert "(vide)" in render.value_table([])


def _question(scheme: str, prompt: str = "") -> Question:
    return Question("exercice", "partie-c", 4.0, prompt, scheme)


def test_starting_rubric_from_bullet_criteria():
    scheme = (
        "**Barème (4 points)**\n\n- **1 pt — Diagnostic étayé** : deux indices.\n"
        "- **1,5 pt — Gains et risques** : un de chaque.\n- une remarque sans points\n"
    )
    assert _question(scheme).starting_rubric() == [
        ("Diagnostic étayé", 1.0),
        ("Gains et risques", 1.5),
    ]


def test_starting_rubric_from_a_criteria_table_and_none_without_criteria():
    table = "| critère | points | ce qu'on lit |\n|---|---|---|\n| 1. un vrai problème | 4 | x |\n"
    assert _question("", table).starting_rubric() == [("un vrai problème", 4.0)]
    assert _question("Lire et juger.").starting_rubric() == []


def test_near_identical_answers_are_paired_and_untouched_ones_are_not():
    text = "Le Paléo Festival se comporte plutôt comme la ville : il répond sur Instagram."
    blank = "*Écrivez votre réponse ici (double-cliquez sur cette cellule pour la modifier).*"
    texts = {
        "a": text,
        "b": text.replace("plutôt", "surtout"),
        "c": "Tout autre chose " * 5,
        "d": blank,
        "e": blank,
    }
    pairs = similar.pairs(texts, blank)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]
    assert similar.distribution([1.0, None, 1.0, 0.5]) == [("0.5", 1), ("1", 2), ("ungraded", 1)]


def test_feedback_gives_each_item_as_a_reason_in_french():
    items = [
        RubricItem(label="Diagnostic étayé", points=1.0, comment="deux indices"),
        RubricItem(label="Hors longueur", points=-0.5, comment=""),
    ]
    note = Note(adjustment=0.5, comment="Bon travail.")
    text = feedback_text(items, note)
    assert text.splitlines()[0] == "- +1 pt — Diagnostic étayé\u00a0: deux indices"
    assert "- −0,5 pt — Hors longueur" in text and "Ajustement\u00a0: +0,5 pt" in text
    assert text.endswith("Bon travail.")


def test_a_comment_without_items_has_no_leading_blank_line():
    assert feedback_text([], Note(adjustment=0, comment="Pas de réponse.")) == "Pas de réponse."
