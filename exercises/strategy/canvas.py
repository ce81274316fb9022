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
    TEXTS,
    audience_ids,
    empty_plan,
    normalise,
    objective_ids,
)

FieldPath = tuple[Any, ...]
#: The permanent label above each field: a placeholder vanishes as soon as one types, and a
#: student who comes back to the canvas must still see what each box is for.
LABELS = {
    "role": "Personne rencontrée (rôle)",
    "date": "Date de l'entretien",
    "appris": "Ce que vous avez appris",
    "nom": "Public",
    "besoin": "Ce qu'il attend de vous",
    "intitule": "Objectif",
    "indicateur": "Indicateur",
    "base": "Point de départ",
    "cible": "Cible",
    "echeance": "Échéance",
    "responsable": "Responsable",
    "canal": "Canal",
    "objectif": "Objectif servi",
    "public": "Public visé",
    "frequence": "Fréquence de contrôle",
    "actuelle": "Niveau actuel",
    "visee": "Niveau visé",
    "heures": "Heures par semaine",
    "qui": "Qui s'en charge",
    "indices": "Sur quels indices fondez-vous ces niveaux\u202f?",
    "description": "Le premier petit test, en quelques phrases",
    "critere": "Critère pour continuer ou arrêter",
    "probleme": "Le problème du client, dans ses mots, sans nommer d'outil",
    "questions_sceptiques": "Une question sceptique par ligne",
    "strategie": "Votre stratégie, en quelques phrases\u00a0: la chaîne de causes jusqu'au résultat",
    "risques": "Ce qui peut abîmer la confiance, et comment vous réagiriez",
}
#: Examples inside the empty boxes; the label above says what the box is for.
PLACEHOLDERS = {
    "role": "ex. présidente",
    "date": "JJ.MM.AAAA",
    "nom": "ex. nouvelles familles",
    "base": "un chiffre",
    "cible": "un chiffre",
    "echeance": "JJ.MM.AAAA",
    "canal": "ex. infolettre",
    "heures": "ex. 2",
    "questions_sceptiques": "«\u00a0Comment cela fera-t-il venir…\u202f?\u00a0»",
}
WIDE = {"appris", "besoin", "indices", "description", "intitule", "critere", "qui"}
LEVELS = [("—", None)] + [(str(level), level) for level in range(1, 6)]


class Canevas(Question):
    """The whole strategy canvas; its answer is a plan (see :mod:`exercises.strategy.plan`)."""

    def __init__(self, question_id: str, **kwargs: Any):
        self.written_on = date.today().isoformat()
        self.fields: dict[FieldPath, widgets.Widget] = {}
        self.export_output = widgets.HTML()
        sections = [self._section(section) for section in SECTIONS]
        export = widgets.Button(
            description="Exporter le plan (Markdown + HTML)",
            icon="download",
            layout=widgets.Layout(width="auto"),
        )
        export.add_class("canvas-export")
        export.on_click(lambda _button: self._export_clicked())
        super().__init__(question_id, [*sections, export, self.export_output], **kwargs)

    # -- building ----------------------------------------------------------------------
    def _control(self, path: FieldPath, widget: widgets.Widget) -> widgets.Widget:
        widget.add_class("canvas-" + "-".join(str(part) for part in path))
        widget.observe(self._controls_changed, names="value")
        self.fields[path] = widget
        return widget

    def _labelled(self, path: FieldPath, widget: widgets.Widget) -> widgets.Widget:
        """The control under its permanent label, in a box that wraps with its neighbours."""
        field = str(path[-1])
        label = widgets.HTML(f"<label class='canvas-label'>{html.escape(LABELS[field])}</label>")
        wide = field in WIDE or field in TEXTS
        box = widgets.VBox(
            [label, self._control(path, widget)],
            layout=widgets.Layout(
                flex="3 1 22em" if wide else "1 1 11em",
                min_width="10em",
                margin="0 0.6em 0.5em 0",
            ),
        )
        box.add_class("canvas-field")
        return box

    def _text(self, path: FieldPath, area: bool = False) -> widgets.Widget:
        field = str(path[-1])
        placeholder = PLACEHOLDERS.get(field, "")
        layout = widgets.Layout(width="100%", height="5em" if area else None)
        if area:
            widget = widgets.Textarea(placeholder=placeholder, layout=layout)
        else:
            widget = widgets.Text(placeholder=placeholder, layout=layout)
        return self._labelled(path, widget)

    def _section(self, section: str) -> widgets.Widget:
        heading = widgets.HTML(f"<h3>{list(SECTIONS).index(section) + 1}. {SECTIONS[section]}</h3>")
        if section in ROWS:
            body = [self._row(section, index) for index in range(ROWS[section])]
        elif section == "maturite":
            body = [
                widgets.HBox([
                    self._labelled((section, "actuelle"), widgets.Dropdown(options=LEVELS, value=None)),
                    self._labelled((section, "visee"), widgets.Dropdown(options=LEVELS, value=None)),
                ], layout=widgets.Layout(flex_flow="row wrap")),
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
                parts.append(self._labelled(path, widgets.Dropdown(options=options, value="")))
            elif section == "canaux" and field == "public":
                options = [("public\u202f?", "")] + [(key, key) for key in audience_ids()]
                parts.append(self._labelled(path, widgets.Dropdown(options=options, value="")))
            elif section == "controle" and field == "frequence":
                options = [("fréquence\u202f?", "")] + [
                    (text, text) for text in FREQUENCIES if text
                ]
                parts.append(self._labelled(path, widgets.Dropdown(options=options, value="")))
            else:
                parts.append(self._text(path))
        row = widgets.HBox(
            parts, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-end")
        )
        row.add_class("canvas-row")
        return row

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


#: The automatic criteria of part A, as the student reads them in the test cell.
CRITERIA = {
    "complet": "rubriques complètes",
    "liens": "chaque canal relié à un objectif et à un public",
    "smart": "objectifs SMART",
    "probleme": "un problème qui ne nomme pas d'outil",
    "mesures": "des indicateurs qui ne comptent pas que des fans",
    "maturite": "une maturité visée qui ne recule pas",
}


def points_summary(points: dict[str, float]) -> str:
    """Part A's points as French lines (« 1,5 / 3 »), not the raw dict a test cell would print."""
    lines = ["Points automatiques de la partie A\u00a0:"]
    for name, out_of in checks.POINTS.items():
        got = points.get(name, 0.0)
        mark = "✔" if got == out_of else "✘"
        lines.append(
            f"  {mark} {CRITERIA[name]}\u00a0: {_decimal(got)}\u00a0/\u00a0{_decimal(out_of)}"
        )
    total, out_of = sum(points.values()), sum(checks.POINTS.values())
    lines.append(f"Total\u00a0: {_decimal(total)}\u00a0/\u00a0{_decimal(out_of)}")
    return "\n".join(lines)


def _decimal(number: float) -> str:
    """A number as French writes it: ``9,5``."""
    return f"{round(number, 2):g}".replace(".", ",")


def show_plan(value: Any) -> None:
    """Display the plan as the client would read it (used in the recap cell)."""
    display(HTML(render.to_fragment(value)))
