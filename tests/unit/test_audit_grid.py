"""The audit grid, its consistency rules, and the form's handling of any stored answer."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from exercises import answers
from exercises.audit import corpus, grid
from exercises.audit.form import (
    AuditForm,
    Recommandations,
    audit_advice,
    chart,
    recapitulatif,
    voir_site,
)
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


def test_advice_warns_of_each_broken_grid_rule_and_nothing_else() -> None:
    """« Vérifier » names the scores the autograder will count wrong (issue 15), not the rest."""
    model = solution_answers("07-site-cafe")[AUDIT]
    signals = corpus.audit_site(model["site"])["signals"]
    fooled = {
        "site": model["site"],
        "criteria": {
            cid: {"score": 0 if entry["score"] == 2 else 2, "justification": entry["justification"]}
            for cid, entry in model["criteria"].items()
        },
    }
    broken = [c.criterion for c in grid.consistency(fooled["criteria"], signals) if not c.ok]
    assert "mobile" in broken and "apercu" in broken
    assert audit_advice(model) == COMPLETE
    remarks = audit_advice(fooled)
    assert remarks[0] == COMPLETE[0]
    warned = [
        cid
        for cid in grid.BY_ID
        if any(f"«\u00a0{grid.BY_ID[cid].label}\u00a0»" in r for r in remarks[1:])
    ]
    assert warned == broken  # judgement criteria (voix, identite, partage) get no warning
    mobile = next(r for r in remarks if "Lisible sur mobile" in r)
    assert "vous notez 0" in mobile and "donne 2" in mobile
    assert "la correction automatique appliquera cette règle" in mobile
    apercu = next(r for r in remarks if "Open Graph" in r)
    assert "n'enlève aucun point" in apercu


def test_differences_name_the_wrong_key_and_both_values() -> None:
    expected = {"https": 2, "langue": 2, "alt": "na"}
    assert grid.differences(dict(expected), expected) == []
    assert grid.differences({"https": 2, "langue": 0, "alt": "na"}, expected) == [
        "langue\u00a0: vous renvoyez 0, attendu 2"
    ]
    assert grid.differences({"https": True, "langue": 2, "extra": 1}, expected) == [
        "https\u00a0: vous renvoyez True, attendu 2",
        "alt\u00a0: clé absente, attendu 'na'",
        "extra\u00a0: clé en trop",
    ]
    assert "pas un dictionnaire" in grid.differences(None, expected)[0]


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


def test_chart_legend_covers_no_bar() -> None:
    """Issue 15: the legend sat on the bars of the last criteria; now it covers none."""
    full = {"site": "cave-de-lavaux",
            "criteria": {cid: {"score": 2, "justification": ""} for cid in grid.BY_ID}}  # fmt: skip
    for value in (solution_answers("07-site-cafe")[AUDIT], full):
        figure = chart(value)
        renderer = FigureCanvasAgg(figure).get_renderer()
        axes = figure.axes[0]
        legend = axes.get_legend().get_window_extent(renderer)
        bars = [bar.get_window_extent(renderer) for bar in axes.patches]
        assert bars and not [bar for bar in bars if bar.overlaps(legend)]
        labels = [text.get_window_extent(renderer) for text in axes.texts]
        assert not [label for label in labels if label.overlaps(legend)]
        assert figure.bbox.contains(legend.x0, legend.y0) and figure.bbox.contains(
            legend.x1, legend.y1
        )


def test_evidence_shows_decimal_commas() -> None:
    form = AuditForm(AUDIT)
    form.site.value = "association-les-sentiers"
    rate = form.report["signals"]["first_person_per_100_words"]
    assert isinstance(rate, float) and rate != int(rate)
    shown = form.evidence["voix"].value
    assert str(rate).replace(".", ",") in shown and str(rate) not in shown


def test_site_dropdown_is_not_blank_at_start_and_stores_none() -> None:
    form = AuditForm(AUDIT)
    assert form.site.label == "— choisissez un site —"
    assert form.collect()["site"] is None
    form.apply({"site": "inconnu"})
    assert form.site.label == "— choisissez un site —" and form.collect()["site"] is None


def test_page_preview_raises_no_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = voir_site("association-les-sentiers").data
    assert "<iframe sandbox=''" in shown


def test_recap_table_is_left_aligned() -> None:
    answers.record(AUDIT, solution_answers("07-site-cafe")[AUDIT])
    html = recapitulatif(AUDIT, "07-site-cafe/recommandations").data
    cells = html.count("<td") + html.count("<th")
    assert cells == 3 * (len(grid.CRITERIA) + 1)
    assert html.count("text-align:left") == cells


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


def test_the_page_preview_shows_images_as_labels_not_broken_icons():
    """The corpus has no image files: each <img> becomes a label that keeps its alt text."""
    from exercises.audit.form import _images_as_placeholders

    shown = _images_as_placeholders(
        '<p><img src="images/equipe.jpg" alt="L\'équipe au marché"><img src="x.png"></p>'
    )
    assert "<img" not in shown
    assert "[image\u00a0: L'équipe au marché]" in shown
    assert "[image sans texte alternatif]" in shown
