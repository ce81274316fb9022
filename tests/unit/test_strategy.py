"""The strategy canvas: its checks, its points, its exports, and bad input."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from exercises.strategy import (
    Canevas,
    auto_points,
    chart,
    check,
    export,
    plan_advice,
    points_summary,
    to_html,
    to_markdown,
)
from exercises.strategy import checks as checks_module
from exercises.strategy.checks import POINTS, is_vanity, names_platform
from exercises.strategy.plan import SECTIONS, empty_plan, normalise, parse_date
from tests.fixtures.make_submissions import solution_answers

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("clean_answers")]

QID = "06-strategie/canevas"


def model_plan() -> dict:
    """The instructor's plan, kept in the source notebook's metadata."""
    return copy.deepcopy(solution_answers("06-strategie")[QID])


@pytest.fixture
def plan() -> dict:
    return model_plan()


def _codes(value) -> set[str]:
    return {finding.code for finding in check(value)}


def test_model_plan_has_no_findings_and_full_points(plan) -> None:
    assert check(plan) == []
    assert sum(auto_points(plan).values()) == sum(POINTS.values()) == 10


def test_empty_plan_lists_every_section_and_scores_zero() -> None:
    codes = _codes(empty_plan())
    assert {f"incomplet:{section}" for section in SECTIONS} <= codes
    assert sum(auto_points(empty_plan()).values()) == 0


def test_orphan_channel_and_objective(plan) -> None:
    plan["canaux"][3]["objectif"] = ""  # the Ville's report no longer serves O3
    codes = _codes(plan)
    assert {"canal-orphelin", "objectif-orphelin"} <= codes
    assert auto_points(plan)["liens"] == 1.0


def test_smart_needs_numbers_owner_and_a_future_deadline(plan) -> None:
    plan["objectifs"][0]["cible"] = "beaucoup plus"
    plan["objectifs"][1]["echeance"] = "01.01.2020"
    plan["objectifs"][2]["echeance"] = "31.02.2027"  # impossible
    findings = {f.code: f.message for f in check(plan)}
    assert "cible chiffrée" in findings["non-smart:O1"]
    assert "échéance future" in findings["non-smart:O2"]
    assert "échéance valable" in findings["non-smart:O3"]
    assert auto_points(plan)["smart"] == 0.0


def test_problem_naming_a_platform_is_flagged(plan) -> None:
    plan["probleme"] = "Nous ne sommes pas sur Instagram ni sur TikTok."
    assert "probleme-plateforme" in _codes(plan)
    assert names_platform(plan["probleme"]) == ["instagram", "tiktok"]
    assert names_platform("Les familles ne nous connaissent pas.") == []
    assert auto_points(plan)["probleme"] == 0.0


def test_vanity_only_indicators_are_flagged(plan) -> None:
    for row in plan["objectifs"] + plan["controle"]:
        row["indicateur"] = "nombre d'abonnés Instagram"
    assert "indicateurs-vanite" in _codes(plan)
    assert is_vanity("mentions J’aime") and is_vanity("Fans")
    assert not is_vanity("familles présentes le mercredi")
    assert not is_vanity("familles abonnées à la ludothèque")  # members, not followers
    assert is_vanity("abonnés de la page") and not is_vanity("en vue de la subvention")


def test_a_target_below_the_current_level_costs_the_maturity_point(plan) -> None:
    plan["maturite"].update(actuelle=3, visee=2)
    assert "maturite-recul" in _codes(plan)
    assert auto_points(plan)["maturite"] == 0.0


@pytest.mark.parametrize("target", [4, 5])
def test_a_big_maturity_jump_is_advice_that_costs_nothing(plan, target) -> None:
    """A jump of more than two levels is the course's rule of thumb, not Alban Martin's."""
    plan["maturite"].update(actuelle=1, visee=target)
    (finding,) = [f for f in check(plan) if f.code == "maturite-saut"]
    assert finding.kind == "advice"
    assert auto_points(plan) == auto_points(model_plan())
    assert sum(auto_points(plan).values()) == 10


def test_impossible_and_future_interview_dates(plan) -> None:
    plan["dialogue"][0]["date"] = "32.13.2026"
    plan["dialogue"][1]["date"] = "01.01.2030"
    codes = _codes(plan)
    assert {"date-impossible", "date-future"} <= codes
    assert parse_date("31.03.2027") == parse_date("2027-03-31")
    assert parse_date("2027-02-29") is None


def test_huge_field_is_kept_and_flagged(plan) -> None:
    huge = "texte collé " * 9000  # 108 000 characters
    plan["strategie"] = huge
    assert "trop-long" in _codes(plan)
    assert normalise(plan)["strategie"] == huge
    assert huge.strip()[:50] in to_markdown(plan)


def test_same_text_everywhere_earns_no_completeness(plan) -> None:
    same = "Je ne sais pas encore quoi écrire ici."
    for section in ("probleme", "questions_sceptiques", "strategie", "risques"):
        plan[section] = same
    assert "texte-repete" in _codes(plan)
    assert auto_points(plan)["complet"] == 0.0


@pytest.mark.parametrize(
    "stored", [None, [], "texte", 42, {"objectifs": "x", "maturite": {"actuelle": 9}}]
)
def test_any_stored_value_is_read_without_crashing(stored) -> None:
    plan = normalise(stored)
    assert plan["maturite"]["actuelle"] is None
    assert len(plan["objectifs"]) == 3
    assert "incomplet:probleme" in {finding.code for finding in check(stored)}
    assert sum(auto_points(stored).values()) == 0
    assert "<h1>Stratégie médias sociaux</h1>" in to_html(stored)
    assert len(chart(stored).axes) == 2


def test_a_boolean_is_not_a_maturity_level() -> None:
    plan = normalise({"maturite": {"actuelle": True, "visee": 3}})
    assert plan["maturite"] == {"actuelle": None, "visee": 3, "indices": ""}


def test_advice_reads_as_french_and_checks_once(plan, monkeypatch) -> None:
    calls = []

    def counted(value):
        calls.append(value)
        return check(value)

    monkeypatch.setattr(checks_module, "check", counted)
    plan["maturite"]["actuelle"], plan["maturite"]["visee"] = 1, 5  # advice, no deduction
    plan["probleme"] = "Nous ne sommes pas sur Instagram."  # -1: a platform as the problem
    remarks = plan_advice(plan)
    assert len(calls) == 1
    assert remarks == [
        "À revoir\u00a0: Le problème nomme une plateforme (instagram)\u00a0: n'est-ce pas une "
        "solution déguisée en problème\u202f? Décrivez ce qui ne va pas pour le client, sans outil.",
        "Conseil du cours, sans effet sur les points\u00a0: Passer du niveau 1 au niveau 5, "
        "c'est monter plus de deux marches d'un coup\u00a0: est-ce réaliste avec vos "
        "ressources\u202f? Justifiez-le dans les indices.",
        "Points automatiques si vous rendiez maintenant\u00a0: 9\u00a0/\u00a010. La qualité de "
        "la stratégie (barème sur 20) sera évaluée par l'enseignant·e.",
    ]
    plan["publics"] = [{"nom": "", "besoin": ""}] * 3
    remarks = plan_advice(plan)
    assert "La rubrique «\u00a0Publics\u00a0» est à compléter." in remarks
    assert not any("À compléter" in remark for remark in remarks)


def test_messages_follow_french_typography(plan) -> None:
    """No plain space before « : ; ! ? » or inside guillemets, in any automatic message."""
    plan["probleme"] = "Pas de compte Instagram."
    plan["maturite"].update(actuelle=1, visee=5)
    plan["dialogue"][0]["date"] = "32.13.2026"
    plan["canaux"][3]["objectif"] = ""
    plan["publics"] = [{"nom": "", "besoin": ""}] * 3
    remarks = plan_advice(plan)
    assert len(remarks) >= 6
    for remark in remarks:
        assert not any(bad in remark for bad in (" :", " ;", " ?", " !", "« ", " »")), remark


def test_exercise_quotes_level_one_as_the_seed_gives_it() -> None:
    """Level 1 is about what comes up from the public, not about using social media at all."""
    root = Path(__file__).resolve().parents[2]
    for path in ("source/06-strategie/exercice.md", "modules/06-strategie/lecon.md"):
        text = root.joinpath(path).read_text("utf-8")
        assert "canal “remontant” non pris en compte" in text, path
        assert "n'utilise pas les médias sociaux" not in text, path


def test_every_text_of_the_plan_is_checked_for_size() -> None:
    """The size check reads every field the plan has (its sections come from plan.py)."""
    plan = empty_plan()
    for section, value in plan.items():
        if section == "redige_le":
            continue
        fields = value if isinstance(value, list) else [value]
        for row in fields:
            if isinstance(row, str):
                plan[section] = "x" * 6000
            else:
                for key in row:
                    row[key] = "x" * 6000
    plan["maturite"]["actuelle"] = plan["maturite"]["visee"] = None
    (long,) = [finding for finding in check(plan) if finding.code == "trop-long"]
    for title in SECTIONS.values():
        assert title in long.message


def test_export_is_the_plan_and_escapes_html(plan, tmp_path: Path) -> None:
    plan["risques"] = "<script>alert('x')</script> et des | barres"
    markdown, page = export(plan, tmp_path / "client")
    text = markdown.read_text("utf-8")
    for section in SECTIONS.values():
        assert f"## {section}" in text
    assert plan["objectifs"][0]["responsable"] in text
    soup = BeautifulSoup(page.read_text("utf-8"), "lxml")
    assert soup.find("script") is None
    assert "<script>alert('x')</script>" in soup.get_text()
    cells = [td.get_text() for td in soup.find_all("td")]
    assert "30.06.2027" in cells and "Claudine Roulet" in cells


def test_chart_shows_each_channel_against_its_objective(plan) -> None:
    matrix, timeline = chart(plan).axes
    assert len(matrix.get_yticklabels()) == 4
    assert matrix.get_xlabel() == "objectif servi"
    assert len(matrix.collections) == 4  # one dot per channel tied to an objective
    assert timeline.get_xlabel()


def test_canvas_round_trip(plan) -> None:
    canvas = Canevas(QID)
    canvas.apply(plan)
    assert canvas.collect() == normalise(plan)
    assert canvas.fields[("canaux", 0, "objectif")].value == "O2"


def test_every_canvas_field_has_a_permanent_label() -> None:
    """A placeholder vanishes once one types: each control sits under its own <label>."""
    canvas = Canevas(QID)
    boxes = [box for box in _walk(canvas) if "canvas-field" in box._dom_classes]
    assert len(boxes) == len(canvas.fields) == 62
    for box in boxes:
        label, control = box.children
        assert label.value.startswith("<label class='canvas-label'>") and len(label.value) > 40
        assert control in canvas.fields.values()


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_recap_tables_are_left_aligned(plan) -> None:
    """JupyterLab right-aligns table cells unless told otherwise; a recap of sentences is not."""
    soup = BeautifulSoup(to_html(plan), "lxml")
    cells = soup.find_all(["td", "th"])
    assert len(cells) > 40
    assert all("text-align:left" in cell.get("style", "").replace(" ", "") for cell in cells)


def test_points_summary_reads_as_french_with_decimal_commas(plan) -> None:
    plan["canaux"][3]["objectif"] = ""
    plan["objectifs"][2]["cible"] = ""  # O3 no longer SMART: 2 of 3 objectives
    summary = points_summary(auto_points(plan))
    assert "{" not in summary and "'" not in summary.replace("d'outil", "")
    assert "objectifs SMART\u00a0: 2\u00a0/\u00a03" in summary
    assert "0,5\u00a0/\u00a00,5" in summary
    assert summary.splitlines()[-1] == "Total\u00a0: 8\u00a0/\u00a010"
    assert not re.search(r"\d\.\d", summary)
