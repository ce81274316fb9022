"""The strategy canvas widget: every section of the plan as ipywidgets, one stored answer.

Each control is known by its path in the plan (``("objectifs", 0, "cible")``) and carries
the CSS class ``canvas-objectifs-0-cible``, which is how the browser test finds it.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display
from matplotlib.figure import Figure

from exercises.questions import Question
from exercises.strategy import checks, render
from exercises.strategy.plan import (
    FREQUENCIES,
    GROUPS,
    ROW_FIELDS,
    ROWS,
    SECTIONS,
    audience_ids,
    empty_plan,
    normalise,
    objective_ids,
)

FieldPath = tuple[Any, ...]
PLACEHOLDERS = {
    "role": "rôle de la personne (ex. gérante)",
    "date": "date (JJ.MM.AAAA)",
    "appris": "ce que vous avez appris",
    "nom": "public",
    "besoin": "ce qu'il attend de vous",
    "intitule": "objectif",
    "indicateur": "indicateur",
    "base": "point de départ (chiffre)",
    "cible": "cible (chiffre)",
    "echeance": "échéance (JJ.MM.AAAA)",
    "responsable": "responsable",
    "canal": "canal (ex. infolettre)",
    "heures": "heures par semaine",
    "qui": "qui s'en charge",
    "indices": "sur quels indices fondez-vous ces niveaux\u202f?",
    "description": "le premier petit test, en quelques phrases",
    "critere": "critère pour continuer ou arrêter",
    "probleme": "le problème du client, dans ses mots, sans nommer d'outil",
    "questions_sceptiques": "une question par ligne («\u00a0comment cela fera-t-il…\u202f?\u00a0»)",
    "strategie": "votre stratégie, en quelques phrases\u00a0: la chaîne de causes jusqu'au résultat",
    "risques": "ce qui peut abîmer la confiance, et comment vous réagiriez",
}
WIDE = {"appris", "besoin", "indices", "description"}
LEVELS = [("—", None)] + [(str(level), level) for level in range(1, 6)]


class Canevas(Question):
    """The whole strategy canvas; its answer is a plan (see :mod:`exercises.strategy.plan`)."""

    def __init__(self, question_id: str, **kwargs: Any):
        self.written_on = date.today().isoformat()
        self.fields: dict[FieldPath, widgets.Widget] = {}
        self.export_output = widgets.HTML()
        sections = [self._section(section) for section in SECTIONS]
        export = widgets.Button(description="Exporter le plan (Markdown + HTML)", icon="download")
        export.on_click(lambda _button: self._export_clicked())
        super().__init__(question_id, [*sections, export, self.export_output], **kwargs)

    # -- building ----------------------------------------------------------------------
    def _control(self, path: FieldPath, widget: widgets.Widget) -> widgets.Widget:
        widget.add_class("canvas-" + "-".join(str(part) for part in path))
        widget.observe(self._controls_changed, names="value")
        self.fields[path] = widget
        return widget

    def _text(self, path: FieldPath, area: bool = False) -> widgets.Widget:
        field = str(path[-1])
        placeholder = PLACEHOLDERS.get(field, "")
        if area:
            widget = widgets.Textarea(
                placeholder=placeholder, layout=widgets.Layout(width="100%", height="5em")
            )
        else:
            width = "100%" if field in WIDE else "auto"
            widget = widgets.Text(placeholder=placeholder, layout=widgets.Layout(width=width))
        return self._control(path, widget)

    def _section(self, section: str) -> widgets.Widget:
        heading = widgets.HTML(f"<h3>{list(SECTIONS).index(section) + 1}. {SECTIONS[section]}</h3>")
        if section in ROWS:
            body = [self._row(section, index) for index in range(ROWS[section])]
        elif section == "maturite":
            body = [
                widgets.HBox([
                    self._control((section, "actuelle"), widgets.Dropdown(options=LEVELS, value=None, description="actuelle")),
                    self._control((section, "visee"), widgets.Dropdown(options=LEVELS, value=None, description="visée")),
                ]),
                self._text((section, "indices")),
            ]  # fmt: skip
        elif section in GROUPS:
            body = [
                self._text((section, field), area=field == "description")
                for field in GROUPS[section]
            ]
        else:
            body = [self._text((section,), area=True)]
        box = widgets.VBox([heading, *body])
        box.add_class(f"canvas-section-{section}")
        return box

    def _row(self, section: str, index: int) -> widgets.Widget:
        label = {
            "publics": audience_ids,
            "objectifs": objective_ids,
            "controle": objective_ids,
        }.get(section)
        parts: list[widgets.Widget] = [widgets.HTML(f"<b>{label()[index]}</b>")] if label else []
        for field in ROW_FIELDS[section]:
            path = (section, index, field)
            if section == "canaux" and field == "objectif":
                options = [("objectif\u202f?", "")] + [(key, key) for key in objective_ids()]
                parts.append(self._control(path, widgets.Dropdown(options=options, value="")))
            elif section == "canaux" and field == "public":
                options = [("public\u202f?", "")] + [(key, key) for key in audience_ids()]
                parts.append(self._control(path, widgets.Dropdown(options=options, value="")))
            elif section == "controle" and field == "frequence":
                options = [("fréquence\u202f?", "")] + [
                    (text, text) for text in FREQUENCIES if text
                ]
                parts.append(self._control(path, widgets.Dropdown(options=options, value="")))
            else:
                parts.append(self._text(path))
        return widgets.HBox(parts, layout=widgets.Layout(flex_flow="row wrap"))

    # -- the Question protocol ---------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        plan = empty_plan()
        plan["redige_le"] = self.written_on
        for path, widget in self.fields.items():
            target = plan
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = widget.value
        return plan

    def apply(self, value: Any) -> None:
        plan = normalise(value)
        if isinstance(value, dict) and "redige_le" in value:
            self.written_on = plan["redige_le"]
        for path, widget in self.fields.items():
            stored: Any = plan
            for part in path:
                stored = stored[part]
            if isinstance(widget, widgets.Dropdown):
                allowed = [
                    option[1] if isinstance(option, tuple) else option for option in widget.options
                ]
                widget.value = stored if stored in allowed else widget.options[0][1]
            else:
                widget.value = stored

    def advice(self, value: dict[str, Any]) -> list[str]:
        return plan_advice(value)

    # -- what the student does with the plan -------------------------------------------
    def graphique(self) -> Figure:
        """Channels × objectives and the deadlines, drawn from the current answer."""
        return render.chart(self.collect())

    def exporter(self, folder: str | Path = ".") -> tuple[Path, Path]:
        """Write strategie.md and strategie.html beside the notebook; returns the paths."""
        return render.export(self.collect(), Path(folder))

    def _export_clicked(self) -> None:
        markdown, page = self.exporter()
        self.export_output.value = (
            f"<p>Plan exporté\u00a0: <a href='{html.escape(markdown.name)}' target='_blank'>{markdown.name}</a> et "
            f"<a href='{html.escape(page.name)}' target='_blank'>{page.name}</a> (à côté du notebook).</p>"
        )


def plan_advice(value: Any) -> list[str]:
    """The automatic checks as French feedback, with the automatic points they give."""
    findings, points = checks.assess(value)
    total, out_of = sum(points.values()), sum(checks.POINTS.values())
    # A missing section's message already says "à compléter"; a warning is to reconsider;
    # advice is the course's rule of thumb and costs no point.
    prefix = {
        "missing": "",
        "warning": "À revoir\u00a0: ",
        "advice": "Conseil du cours, sans effet sur les points\u00a0: ",
    }
    remarks = [prefix.get(f.kind, prefix["warning"]) + f.message for f in findings]
    if not findings:
        remarks.append(
            "Aucune remarque automatique\u00a0: le plan est complet et cohérent dans sa forme."
        )
    remarks.append(
        f"Points automatiques si vous rendiez maintenant\u00a0: {_decimal(total)}\u00a0/\u00a0{_decimal(out_of)}. "
        "La qualité de la stratégie (barème sur 20) sera évaluée par l'enseignant·e."
    )
    return remarks


def _decimal(number: float) -> str:
    """A number as French writes it: ``9,5``."""
    return f"{round(number, 2):g}".replace(".", ",")


def show_plan(value: Any) -> None:
    """Display the plan as the client would read it (used in the recap cell)."""
    display(HTML(render.to_html(value)))
