"""The audit grid, its consistency rules, and the form's handling of any stored answer."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from exercises import answers
from exercises.audit import corpus, grid
from exercises.audit.form import AuditForm, Recommandations, audit_advice, chart, recapitulatif
from tests.fixtures.make_submissions import solution_answers

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("clean_answers")]

AUDIT = "07-site-cafe/audit"


def test_grid_has_at_least_15_criteria_whose_evidence_the_engine_produces() -> None:
    assert len(grid.CRITERIA) >= 15
    assert len(grid.BY_ID) == len(grid.CRITERIA)
    report = corpus.audit_site("cave-de-lavaux")
    produced = set(report["signals"]) | set(report["evidence"])
    for criterion in grid.CRITERIA:
        assert criterion.family in grid.FAMILIES
        assert set(criterion.evidence) <= produced, criterion.id
        assert len(criterion.levels) == 3


def test_model_answer_is_consistent_with_its_evidence() -> None:
    audit = solution_answers("07-site-cafe")[AUDIT]
    signals = corpus.audit_site(audit["site"])["signals"]
    checks = grid.consistency(audit["criteria"], signals)
    assert [check.criterion for check in checks if not check.ok] == []


def test_an_auditor_fooled_by_the_gaming_page_is_caught() -> None:
    signals = corpus.audit_site("buzzmax-agence")["signals"]
    everything_two = {cid: {"score": 2, "justification": "x"} for cid in grid.BY_ID}
    wrong = {check.criterion for check in grid.consistency(everything_two, signals) if not check.ok}
    # noreply only, an empty comment block, no date, no feed
    assert wrong == {"repondre", "commentaires", "fraicheur", "blog"}


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ({"images": 0, "images_missing_alt": 0}, {grid.NA}),
        ({"images": 4, "images_missing_alt": 0}, {2}),
        ({"images": 4, "images_missing_alt": 2}, {1}),
        ({"images": 4, "images_missing_alt": 3}, {0}),
    ],
)
def test_alt_rule(signals: dict, expected: set) -> None:
    assert grid.allowed_scores("alt", signals) == expected


def test_unscored_and_malformed_answers_are_inconsistent_not_crashes() -> None:
    signals = corpus.audit_site("lea-moret-musique")["signals"]
    for criteria in (None, [], "texte", {"https": "2"}, {"https": {"score": "deux"}}):
        assert not any(check.ok for check in grid.consistency(criteria, signals))


@pytest.mark.parametrize(
    "stored",
    [None, [], "n'importe quoi", {"site": "inconnu"}, {"site": None, "criteria": [1, 2]},
     {"site": "cave-de-lavaux", "criteria": {"https": {"score": 7, "justification": 3}}}],
)  # fmt: skip
def test_form_accepts_any_stored_value(stored) -> None:
    form = AuditForm(AUDIT)
    form.apply(stored)
    value = form.collect()
    assert set(value["criteria"]) == set(grid.BY_ID)
    assert all(entry["score"] in (*grid.SCORES, None) for entry in value["criteria"].values())


def test_form_round_trip_and_site_evidence() -> None:
    audit = solution_answers("07-site-cafe")[AUDIT]
    form = AuditForm(AUDIT)
    form.apply(audit)
    assert form.collect() == audit
    assert "comite@les-sentiers.ch" in form.evidence["repondre"].value
    assert form.report is not None and form.report["signals"]["https"] is True


COMPLETE = [
    "Votre audit est complet. Relisez chaque note à côté de ses indices : "
    "la cohérence et vos justifications seront évaluées après le rendu."
]


def test_advice_names_what_is_missing() -> None:
    assert audit_advice(None) == ["Choisissez d'abord le site à auditer."]
    same = "Même texte partout, copié-collé sans réfléchir."
    value = {
        "site": "cave-de-lavaux",
        "criteria": {cid: {"score": 1, "justification": same} for cid in grid.BY_ID},
    }
    value["criteria"]["voix"] = {"score": None, "justification": "court"}
    value["criteria"]["liens"] = {"score": 2, "justification": "x" * 100_000}
    remarks = " ".join(audit_advice(value))
    assert "1 critère(s) sans note : Une voix humaine ?" in remarks
    assert "trop courte" in remarks
    assert "plus de 2000 caractères" in remarks
    assert "même justification" in remarks


def test_advice_on_a_complete_audit_never_gives_the_verdict() -> None:
    model = solution_answers("07-site-cafe")[AUDIT]
    signals = corpus.audit_site(model["site"])["signals"]
    fooled = {
        "site": model["site"],
        "criteria": {
            cid: {"score": 0 if entry["score"] == 2 else 2, "justification": entry["justification"]}
            for cid, entry in model["criteria"].items()
        },
    }
    assert any(not check.ok for check in grid.consistency(fooled["criteria"], signals))
    # consistency is graded, not revealed: a wrong audit hears what a right one hears
    assert audit_advice(model) == audit_advice(fooled) == COMPLETE


@pytest.mark.parametrize(
    ("criteria", "unscored"),
    [([1, 2], 17), ("cassé", 17), (None, 17), ({"voix": "2"}, 17),
     ({"voix": {"score": 1, "justification": 42}}, 16)],
)  # fmt: skip
def test_advice_on_malformed_criteria_lists_them_as_missing(criteria, unscored) -> None:
    assert len(grid.CRITERIA) == 17
    remarks = audit_advice({"site": "cave-de-lavaux", "criteria": criteria})
    assert remarks[0].startswith(f"{unscored} critère(s) sans note : ")
    assert remarks[1].startswith("17 justification(s) absente(s) ou trop courte(s)")


def test_chart_has_one_bar_row_per_criterion() -> None:
    audit = solution_answers("07-site-cafe")[AUDIT]
    for value in (audit, None, {"site": "cave-de-lavaux", "criteria": "cassé"}):
        axes = chart(value).axes[0]
        assert len(axes.get_yticklabels()) == len(grid.CRITERIA)
        assert axes.get_xlabel()
    bars = chart(audit).axes[0].patches
    assert len(bars) == sum(
        1 for entry in audit["criteria"].values() if entry["score"] in (0, 1, 2)
    )


def test_chart_title_reads_as_french_and_any_site_is_accepted() -> None:
    audit = solution_answers("07-site-cafe")[AUDIT]
    name = corpus.site(audit["site"]).name
    assert chart(audit).axes[0].get_title() == f"Audit : {name}"
    for value in (None, {"site": "inconnu"}, {"site": ["cassé"]}, {"criteria": [1]}):
        assert chart(value).axes[0].get_title() == "Audit : aucun site choisi"


def test_chart_fits_its_figure() -> None:
    """The fixed margins leave room for the longest label, the title and the axis label."""
    audit = solution_answers("07-site-cafe")[AUDIT]
    figure = chart(audit)
    renderer = FigureCanvasAgg(figure).get_renderer()
    drawn = figure.axes[0].get_tightbbox(renderer)
    page = figure.bbox
    assert page.x0 <= drawn.x0 and drawn.x1 <= page.x1
    assert page.y0 <= drawn.y0 and drawn.y1 <= page.y1
    assert drawn.x0 < 0.05 * page.width  # and no wide empty band on the left


def test_recap_escapes_what_the_student_typed() -> None:
    answers.record(AUDIT, {"site": "cave-de-lavaux", "criteria": {
        "voix": {"score": 1, "justification": "<script>alert('x')</script>"}}})  # fmt: skip
    answers.record("07-site-cafe/recommandations", [{"quoi": "<b>gras</b>"}, "cassé"])
    html = recapitulatif(AUDIT, "07-site-cafe/recommandations").data
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert "Domaine" in html


def test_recap_truncates_before_escaping_and_names_the_site() -> None:
    answers.record(AUDIT, {"site": "cave-de-lavaux", "criteria": [1, 2]})
    answers.record("07-site-cafe/recommandations", [{"quoi": "&" * 3000}])
    html = recapitulatif(AUDIT, "07-site-cafe/recommandations").data
    assert "<h4>Site audité : Domaine Chappuis-Bron</h4>" in html
    assert f"<b>Ce qu'il faut changer</b> : {'&amp;' * 2000}</li>" in html
    answers.record(AUDIT, {"site": "inconnu", "criteria": {"voix": "cassé"}})
    html = recapitulatif(AUDIT, "07-site-cafe/recommandations").data
    assert "<h4>Site audité : —</h4>" in html


def test_recommendations_advice_reads_as_french() -> None:
    reco = Recommandations("07-site-cafe/recommandations", count=2)
    text = "Une phrase assez longue pour compter."
    reco.apply([{"quoi": text, "pourquoi": "", "mesure": ""}])
    assert reco.advice(reco.collect())[0] == (
        "Recommandation 1 : à compléter (« Pourquoi (le café, un critère de la grille, une liste "
        "de contrôle) » ; « Comment saurez-vous que cela a marché ? »)."
    )
    reco.apply([{"quoi": text, "pourquoi": text, "mesure": text}] * 2)
    assert reco.advice(reco.collect()) == [
        "Vos deux recommandations sont complètes\u202f; elles seront lues par l'enseignant·e."
    ]


def test_recommendations_round_trip() -> None:
    reco = Recommandations("07-site-cafe/recommandations")
    reco.apply([{"quoi": "a", "pourquoi": "b", "mesure": "c"}, None])
    assert reco.collect()[0] == {"quoi": "a", "pourquoi": "b", "mesure": "c"}
    assert reco.collect()[1] == {"quoi": "", "pourquoi": "", "mesure": ""}
    assert len(reco.advice(reco.collect())) == 3
