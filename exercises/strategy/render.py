"""The plan as a document a client can read (Markdown, HTML) and as a picture (matplotlib).

Markdown is the one rendering; HTML is that Markdown through mistune with raw HTML
escaped, so whatever a student typed shows as text and never runs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import mistune
from matplotlib.figure import Figure

from exercises.strategy.plan import (
    SECTIONS,
    audience_ids,
    filled,
    normalise,
    objective_ids,
    parse_date,
)

MATURITY = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", None: "—"}
_markdown_to_html = mistune.create_markdown(escape=True, plugins=["table"])


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.replace("|", "\\|").split()) or "—"


def _para(text: str) -> str:
    return text.strip() or "*(à compléter)*"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "*(à compléter)*"
    # ":---" aligns every column left: JupyterLab right-aligns table cells by default, and a
    # recap of sentences reads badly right-aligned (mistune writes it as an inline style).
    lines = ["| " + " | ".join(headers) + " |", "|" + ":---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(value: Any, title: str = "Stratégie médias sociaux") -> str:
    """The whole canvas as a Markdown document, sections in the canvas's order."""
    plan = normalise(value)
    objectives = {objective_ids()[i]: row for i, row in enumerate(plan["objectifs"])}
    audiences = {audience_ids()[i]: row for i, row in enumerate(plan["publics"])}
    written = parse_date(plan["redige_le"])
    parts = [f"# {title}", f"*Plan rédigé le {written:%d.%m.%Y}.*" if written else ""]
    body = {
        "dialogue": _table(
            ["Rôle rencontré", "Date", "Ce que nous avons appris"],
            [[r["role"], r["date"], r["appris"]] for r in plan["dialogue"] if filled(r)],
        ),
        "probleme": _para(plan["probleme"]),
        "questions_sceptiques": _para(plan["questions_sceptiques"]),
        "maturite": (
            f"- Niveau actuel\u00a0: **{MATURITY[plan['maturite']['actuelle']]}**\u00a0/\u00a05\n"
            f"- Niveau visé\u00a0: **{MATURITY[plan['maturite']['visee']]}**\u00a0/\u00a05\n"
            f"- Indices\u00a0: {_cell(plan['maturite']['indices'])}"
        ),
        "publics": _table(
            ["", "Public", "Ce qu'il attend"],
            [[key, r["nom"], r["besoin"]] for key, r in audiences.items() if filled(r)],
        ),
        "objectifs": _table(
            ["", "Objectif", "Indicateur", "Départ", "Cible", "Échéance", "Responsable"],
            [
                [
                    key,
                    r["intitule"],
                    r["indicateur"],
                    r["base"],
                    r["cible"],
                    r["echeance"],
                    r["responsable"],
                ]
                for key, r in objectives.items()
                if filled(r)
            ],
        ),
        "strategie": _para(plan["strategie"]),
        "canaux": _table(
            ["Canal", "Objectif", "Public"],
            [
                [
                    r["canal"],
                    _label(r["objectif"], objectives, "intitule"),
                    _label(r["public"], audiences, "nom"),
                ]
                for r in plan["canaux"]
                if filled(r)
            ],
        ),
        "ressources": (
            f"- Heures par semaine\u00a0: {_cell(plan['ressources']['heures'])}\n"
            f"- Qui\u00a0: {_cell(plan['ressources']['qui'])}"
        ),
        "risques": _para(plan["risques"]),
        "test": (
            f"{_para(plan['test']['description'])}\n\n"
            f"**Critère de décision (on continue / on arrête)\u00a0:** {_cell(plan['test']['critere'])}"
        ),
        "controle": _table(
            ["Objectif", "Indicateur suivi", "Fréquence"],
            [
                [f"{key} {objectives[key]['intitule']}", row["indicateur"], row["frequence"]]
                for key, row in zip(objective_ids(), plan["controle"], strict=True)
                if filled(row) or filled(objectives[key])
            ],
        ),
    }
    for section, title_text in SECTIONS.items():
        parts.append(f"## {title_text}\n\n{body[section]}")
    return "\n\n".join(part for part in parts if part) + "\n"


def _label(key: str, rows: dict[str, dict[str, str]], field: str) -> str:
    if key not in rows:
        return "(aucun)"
    return f"{key} {rows[key][field]}".strip()


def to_fragment(value: Any, title: str = "Stratégie médias sociaux") -> str:
    """The canvas as HTML to show inside a notebook: no <head> or <style>, which the
    grader would strip from a handed-in output and flag (tables keep inline alignment)."""
    return _markdown_to_html(to_markdown(value, title))


def to_html(value: Any, title: str = "Stratégie médias sociaux") -> str:
    """A standalone, printable HTML page of the canvas (print it to PDF from a browser)."""
    body = to_fragment(value, title)
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{mistune.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;line-height:1.45;"
        "color:#222;padding:0 1em}h1{border-bottom:3px solid #2f6f8f}"
        "h2{color:#2f6f8f;margin-top:1.6em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
        "@media print{h2{break-after:avoid}table{break-inside:avoid}}"
        f"</style></head><body>{body}</body></html>"
    )


def export(value: Any, folder: Path, stem: str = "strategie") -> tuple[Path, Path]:
    """Write ``stem.md`` and ``stem.html`` into ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown, html = folder / f"{stem}.md", folder / f"{stem}.html"
    markdown.write_text(to_markdown(value), encoding="utf-8")
    html.write_text(to_html(value), encoding="utf-8")
    return markdown, html


def chart(value: Any) -> Figure:
    """Left: which channel serves which objective (and which audience). Right: the deadlines."""
    plan = normalise(value)
    channels = [row for row in plan["canaux"] if filled(row)]
    objectives = objective_ids()
    fig, (matrix, timeline) = plt.subplots(
        1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]}
    )
    for y, row in enumerate(channels):
        if row["objectif"] in objectives:
            x = objectives.index(row["objectif"])
            matrix.scatter(x, y, s=300, color="#2f6f8f")
            matrix.annotate(
                row["public"] or "?", (x, y), ha="center", va="center", color="white", fontsize=8
            )
    matrix.set_xticks(range(len(objectives)), [_short(o, plan) for o in objectives], fontsize=8)
    matrix.set_yticks(
        range(len(channels)), [row["canal"][:25] or "?" for row in channels], fontsize=8
    )
    matrix.set_xlim(-0.5, len(objectives) - 0.5)
    matrix.set_ylim(len(channels) - 0.5 if channels else 0.5, -0.5)
    matrix.set_xlabel("objectif servi")
    matrix.set_ylabel("canal")
    matrix.set_title("Canaux × objectifs (pastille\u00a0: public visé)")
    matrix.grid(True, alpha=0.3)
    _timeline(timeline, plan)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _short(objective: str, plan: dict) -> str:
    index = objective_ids().index(objective)
    return f"{objective}\n{plan['objectifs'][index]['intitule'][:18]}"


def _timeline(axes: Any, plan: dict) -> None:
    written = parse_date(plan["redige_le"]) or date.today()
    events = [(written, "plan rédigé")]
    for key, row in zip(objective_ids(), plan["objectifs"], strict=True):
        deadline = parse_date(row["echeance"])
        if deadline:
            events.append((deadline, f"{key}\u00a0: {row['cible'][:20]}"))
    events.sort()
    days = [(day - written).days for day, _label in events]
    axes.scatter(days, range(len(events)), color="#c8553d")
    for y, ((_day, label), x) in enumerate(zip(events, days, strict=True)):
        axes.annotate(
            label, (x, y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8
        )
    axes.set_yticks([])
    axes.set_xlabel("jours après la rédaction du plan")
    axes.set_title("Échéances")
    axes.margins(x=0.4, y=0.3)
