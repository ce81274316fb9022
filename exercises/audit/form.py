"""The audit form, the recommendations, the chart and the recap the grader reads.

The answer of :class:`AuditForm` is::

    {"site": slug or None,
     "criteria": {criterion_id: {"score": 0 | 1 | 2 | "na" | None, "justification": str}}}

The answer of :class:`Recommandations` is a list of ``{"quoi", "pourquoi", "mesure"}``.
Both go through the answer store, so they survive saving, restarts and autograding.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from babel.numbers import format_decimal
from bs4 import BeautifulSoup
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exercises import answers
from exercises.audit import corpus, grid
from exercises.audit.page import AuditError, load_file
from exercises.questions import Question

#: The dropdown's value while no site is chosen: "" rather than None, which ipywidgets
#: shows as a blank box (issue 15); the stored answer still says None.
NO_SITE = ""
SCORE_OPTIONS = [("0", 0), ("1", 1), ("2", 2), ("n. a.", grid.NA)]
MIN_JUSTIFICATION = 20
MAX_FIELD = 2000
FAMILY_COLOURS = dict(zip(grid.FAMILIES, ["#2f6f8f", "#c8553d", "#588b3f", "#8a6fb0"], strict=True))
SIGNAL_LABELS = {
    "about_page": "lien « à propos »",
    "author": "auteur·rice indiqué·e",
    "first_person_per_100_words": "« je », « nous »… pour 100 mots",
    "excerpt": "début du texte",
    "contact": "moyens de contact",
    "noreply_contact": "seulement une adresse « noreply »",
    "comments": "section ou formulaire de commentaires",
    "comment_items": "commentaires visibles",
    "external_domains": "domaines externes",
    "latest_date": "date la plus récente",
    "dates": "dates trouvées",
    "feeds": "flux RSS/Atom",
    "social_platforms": "réseaux sociaux liés",
    "share_links": "liens de partage",
    "open_graph_complete": "Open Graph complet",
    "https": "https",
    "lang": "langue déclarée (lang)",
    "title": "titre",
    "meta_description": "description",
    "viewport": "meta viewport",
    "images": "images",
    "images_missing_alt": "images sans alt",
    "h1_count": "nombre de h1",
    "headings_ordered": "plan sans saut de niveau",
    "headings": "intertitres",
}
LIST_EVIDENCE = {"contact", "external_domains", "dates", "headings", "excerpt", "comment_items"}
NUMBER_WORDS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq"}


def stored_criteria(value: Any) -> dict[str, dict[str, Any]]:
    """Each grid criterion's entry in a stored audit answer; ``{}`` when missing or malformed."""
    criteria = value.get("criteria") if isinstance(value, dict) else None
    criteria = criteria if isinstance(criteria, dict) else {}
    return {
        cid: entry if isinstance(entry := criteria.get(cid), dict) else {} for cid in grid.BY_ID
    }


def _site_name(slug: Any) -> str | None:
    """The corpus name of ``slug``; None for no site or one that is not in the corpus."""
    known = {site.slug: site.name for site in corpus.sites()}
    return known.get(slug) if isinstance(slug, str) else None


def format_value(value: Any) -> str:
    """A signal's value as a French reader expects it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return format_decimal(value, locale="fr_CH")
    if isinstance(value, list):
        if not value:
            return "aucun"
        items = [f"h{item[0]} {item[1]}" if isinstance(item, list) else str(item) for item in value]
        shown = " · ".join(items[:8])
        return shown + (f" · … (+{len(items) - 8})" if len(items) > 8 else "")
    return str(value)


def evidence_html(criterion: grid.Criterion, report: dict[str, Any] | None) -> str:
    """The evidence the engine found for one criterion, as a small definition list."""
    if report is None:
        return "<i>Choisissez d'abord un site : les indices s'afficheront ici.</i>"
    rows = []
    for key in criterion.evidence:
        source = report["evidence"] if key in LIST_EVIDENCE else report["signals"]
        value = format_value(source.get(key))
        rows.append(f"<li><b>{SIGNAL_LABELS[key]}</b>\u00a0: {html.escape(value)}</li>")
    rule = (
        f"<div class='audit-rule'>Règle de la grille : {criterion.rule}</div>"
        if criterion.rule
        else ""
    )
    return f"<ul class='audit-evidence'>{''.join(rows)}</ul>{rule}"


class AuditForm(Question):
    """Audit one corpus site against the grid: a score and a justification per criterion."""

    def __init__(self, question_id: str, **kwargs: Any):
        self.report: dict[str, Any] | None = None
        self.site = widgets.Dropdown(
            options=[("— choisissez un site —", NO_SITE)]
            + [(f"{site.name} ({site.sector})", site.slug) for site in corpus.sites()],
            value=NO_SITE,
            description="Site :",
            layout=widgets.Layout(width="36em"),
        )
        self.site_info = widgets.HTML()
        self.scores: dict[str, widgets.ToggleButtons] = {}
        self.justifications: dict[str, widgets.Textarea] = {}
        self.evidence: dict[str, widgets.HTML] = {}
        rows = [self._row(criterion) for criterion in grid.CRITERIA]
        self.site.observe(self._site_changed, names="value")
        self.site.observe(self._controls_changed, names="value")
        super().__init__(question_id, [self.site, self.site_info, *rows], **kwargs)

    def _row(self, criterion: grid.Criterion) -> widgets.Widget:
        score = widgets.ToggleButtons(
            options=SCORE_OPTIONS,
            value=None,
            tooltips=[*criterion.levels, "non applicable (justifiez)"],
            style={"button_width": "auto"},
        )
        justification = widgets.Textarea(
            placeholder="Justifiez en une ou deux phrases, en citant les indices.",
            layout=widgets.Layout(width="100%", height="4.5em"),
        )
        score.observe(self._controls_changed, names="value")
        justification.observe(self._controls_changed, names="value")
        self.scores[criterion.id] = score
        self.justifications[criterion.id] = justification
        self.evidence[criterion.id] = widgets.HTML(evidence_html(criterion, None))
        levels = " · ".join(f"{n} = {text}" for n, text in enumerate(criterion.levels))
        heading = widgets.HTML(
            f"<h4>{criterion.label} <small>({criterion.family})</small></h4>"
            f"<p>{criterion.question}<br><small>{levels}</small></p>"
        )
        answer = widgets.VBox([score, justification], layout=widgets.Layout(width="55%"))
        evidence = widgets.Box([self.evidence[criterion.id]], layout=widgets.Layout(width="45%"))
        row = widgets.VBox([heading, widgets.HBox([answer, evidence])])
        row.add_class("audit-criterion")
        row.add_class(f"audit-{criterion.id}")
        return row

    def _site_changed(self, change: dict[str, Any]) -> None:
        slug = change["new"]
        self.report = None
        self.site_info.value = ""
        if slug:
            try:
                self.report = corpus.audit_site(slug)
                chosen = corpus.site(slug)
                self.site_info.value = (
                    f"<p><b>{chosen.name}</b> — {chosen.summary} "
                    f"Adresse : <code>{chosen.url}</code>. Page à lire : "
                    f"<code>{chosen.page.relative_to(corpus.CORPUS.parent)}</code></p>"
                )
            except (AuditError, KeyError) as error:
                self.site_info.value = (
                    f"<p>Impossible d'auditer ce site : {html.escape(str(error))}</p>"
                )
        for criterion in grid.CRITERIA:
            self.evidence[criterion.id].value = evidence_html(criterion, self.report)

    # -- the Question protocol ---------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        return {
            "site": self.site.value or None,
            "criteria": {
                cid: {
                    "score": self.scores[cid].value,
                    "justification": self.justifications[cid].value,
                }
                for cid in grid.BY_ID
            },
        }

    def apply(self, value: Any) -> None:
        stored = value if isinstance(value, dict) else {}
        slugs = {site.slug for site in corpus.sites()}
        self.site.value = stored.get("site") if stored.get("site") in slugs else NO_SITE
        for cid, entry in stored_criteria(stored).items():
            score = entry.get("score")
            self.scores[cid].value = score if score in grid.SCORES else None
            text = entry.get("justification")
            self.justifications[cid].value = text if isinstance(text, str) else ""

    def advice(self, value: dict[str, Any]) -> list[str]:
        return audit_advice(value)

    def graphique(self) -> Figure:
        """The chart of this audit (also available as :func:`chart` on a stored answer)."""
        return chart(self.collect())


def audit_advice(value: Any) -> list[str]:
    """What is missing or malformed in an audit answer, in French; never whether it is right."""
    if not isinstance(value, dict) or not value.get("site"):
        return ["Choisissez d'abord le site à auditer."]
    criteria = stored_criteria(value)
    remarks = []
    unscored = [
        grid.BY_ID[cid].label for cid, entry in criteria.items() if entry.get("score") is None
    ]
    if unscored:
        remarks.append(f"{len(unscored)} critère(s) sans note : {', '.join(unscored)}.")
    texts = {
        cid: entry.get("justification").strip()
        if isinstance(entry.get("justification"), str)
        else ""
        for cid, entry in criteria.items()
    }
    short = [grid.BY_ID[cid].label for cid, text in texts.items() if len(text) < MIN_JUSTIFICATION]
    if short:
        remarks.append(
            f"{len(short)} justification(s) absente(s) ou trop courte(s) "
            f"(moins de {MIN_JUSTIFICATION} caractères) : {', '.join(short)}."
        )
    long = [grid.BY_ID[cid].label for cid, text in texts.items() if len(text) > MAX_FIELD]
    if long:
        remarks.append(
            f"Justification(s) de plus de {MAX_FIELD} caractères : {', '.join(long)}. Soyez concis."
        )
    repeated = {text for text in texts.values() if text and list(texts.values()).count(text) > 1}
    if repeated:
        remarks.append(
            "Plusieurs critères ont exactement la même justification : justifiez chacun."
        )
    if not remarks:
        remarks.append(
            "Votre audit est complet. Relisez chaque note à côté de ses indices : "
            "la cohérence et vos justifications seront évaluées après le rendu."
        )
    # A score that breaks a grid rule is not a matter of judgement: say so before hand-in.
    return remarks + _rule_warnings(value, criteria)


def _rule_warnings(value: dict[str, Any], criteria: dict[str, dict[str, Any]]) -> list[str]:
    """Scores that break a grid rule for the chosen site: the grader will apply the rule."""
    try:
        signals = corpus.audit_site(value["site"])["signals"]
    except (AuditError, KeyError):
        return []
    return grid.contradictions(criteria, signals)


def chart(value: Any, title: str | None = None) -> Figure:
    """A horizontal bar per criterion, coloured by family; n. a. and missing scores labelled."""
    criteria = stored_criteria(value)
    scores = [criteria[criterion.id].get("score") for criterion in grid.CRITERIA]
    fig, ax = plt.subplots(figsize=(8, 6.5))
    # Margins that fit the grid's labels (test_chart_fits_its_figure checks it): what
    # tight_layout finds, without the layout pass it costs at every call.
    fig.subplots_adjust(**CHART_MARGINS)
    scored = [(row, score) for row, score in enumerate(scores) if score in (0, 1, 2)]
    if scored:
        ax.barh(
            [row for row, _ in scored],
            [score for _, score in scored],
            color=[FAMILY_COLOURS[grid.CRITERIA[row].family] for row, _ in scored],
        )
    for row, score in enumerate(scores):
        if score in (0, 1, 2):
            ax.text(score + 0.03, row, str(score), va="center", fontsize=8)
        else:
            label = "n. a." if score == grid.NA else "non noté"
            ax.text(0.03, row, label, va="center", fontsize=8, color="grey")
    ax.set_yticks(range(len(grid.CRITERIA)), [c.label for c in grid.CRITERIA], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 2.3)
    ax.set_xticks([0, 1, 2])
    ax.set_xlabel("note (0 = brochure, 2 = café)")
    name = _site_name(value.get("site")) if isinstance(value, dict) else None
    ax.set_title(title or f"Audit : {name or 'aucun site choisi'}")
    # Below the axes, not inside: inside, it covered the bars of the last criteria (issue 15).
    ax.legend(
        handles=[Patch(color=colour, label=family) for family, colour in FAMILY_COLOURS.items()],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=len(FAMILY_COLOURS),
        fontsize=8,
        frameon=False,
    )
    plt.close(fig)
    return fig


#: Where the axes sit in the chart's figure (fractions of its width and height).
CHART_MARGINS = {"left": 0.34, "right": 0.98, "top": 0.94, "bottom": 0.13}


class Recommandations(Question):
    """Three recommendations: what to change, why, and how to see that it worked."""

    FIELDS = (
        ("quoi", "Ce qu'il faut changer"),
        ("pourquoi", "Pourquoi (le café, un critère de la grille, une liste de contrôle)"),
        ("mesure", "Comment saurez-vous que cela a marché ?"),
    )

    def __init__(self, question_id: str, count: int = 3, **kwargs: Any):
        self.count = count
        self.fields: list[dict[str, widgets.Textarea]] = []
        boxes = []
        for number in range(1, count + 1):
            entry = {}
            for key, label in self.FIELDS:
                area = widgets.Textarea(
                    placeholder=label, layout=widgets.Layout(width="100%", height="3.5em")
                )
                area.observe(self._controls_changed, names="value")
                entry[key] = area
            self.fields.append(entry)
            box = widgets.VBox([widgets.HTML(f"<h4>Recommandation {number}</h4>"), *entry.values()])
            box.add_class(f"reco-{number}")
            boxes.append(box)
        super().__init__(question_id, boxes, **kwargs)

    def collect(self) -> list[dict[str, str]]:
        return [{key: area.value for key, area in entry.items()} for entry in self.fields]

    def apply(self, value: Any) -> None:
        stored = value if isinstance(value, list) else []
        for index, entry in enumerate(self.fields):
            item = stored[index] if index < len(stored) and isinstance(stored[index], dict) else {}
            for key, area in entry.items():
                text = item.get(key)
                area.value = text if isinstance(text, str) else ""

    def advice(self, value: list[dict[str, str]]) -> list[str]:
        remarks = []
        for number, item in enumerate(value, start=1):
            empty = [
                label for key, label in self.FIELDS if len(item[key].strip()) < MIN_JUSTIFICATION
            ]
            if empty:
                fields = "\u202f; ".join(f"« {label} »" for label in empty)
                remarks.append(f"Recommandation {number} : à compléter ({fields}).")
        if not remarks:
            if self.count == 1:
                remarks.append(
                    "Votre recommandation est complète ; elle sera lue par l'enseignant·e."
                )
            else:
                remarks.append(
                    f"Vos {NUMBER_WORDS.get(self.count, self.count)} recommandations sont "
                    "complètes ; elles seront lues par l'enseignant·e."
                )
        return remarks


#: JupyterLab right-aligns table cells; a recap of sentences reads left-aligned (issue 15).
LEFT = "style='text-align:left;vertical-align:top'"


def recapitulatif(audit_id: str, recommendations_id: str) -> HTML:
    """Everything the student answered, laid out for hand grading (formgrader shows it)."""
    audit = answers.get(audit_id)
    recos = answers.get(recommendations_id)
    if not isinstance(audit, dict):
        return HTML("<p><b>Aucun audit enregistré dans ce notebook.</b></p>")
    criteria = stored_criteria(audit)
    rows = []
    for criterion in grid.CRITERIA:
        entry = criteria[criterion.id]
        score = entry.get("score")
        shown = "n. a." if score == grid.NA else ("—" if score is None else html.escape(str(score)))
        text = html.escape(str(entry.get("justification") or "")[:MAX_FIELD])
        rows.append(
            f"<tr><td {LEFT}>{criterion.label}</td><td {LEFT}>{shown}</td>"
            f"<td {LEFT}>{text}</td></tr>"
        )
    name = html.escape(_site_name(audit.get("site")) or "—")
    parts = [
        f"<h4>Site audité : {name}</h4>",
        f"<table><tr><th {LEFT}>critère</th><th {LEFT}>note</th><th {LEFT}>justification</th></tr>",
        *rows,
        "</table>",
    ]
    for number, item in enumerate(recos if isinstance(recos, list) else [], start=1):
        item = item if isinstance(item, dict) else {}
        fields = "".join(
            f"<li><b>{label}</b>\u00a0: {html.escape(str(item.get(key) or '')[:MAX_FIELD])}</li>"
            for key, label in Recommandations.FIELDS
        )
        parts.append(f"<h4>Recommandation {number}</h4><ul>{fields}</ul>")
    return HTML("".join(parts))


def _images_as_placeholders(text: str) -> str:
    """Each image of a corpus page as a framed label (the corpus holds no image files).

    A sandboxed frame would show a broken-image icon for each, which reads as a broken
    notebook. The label keeps what the audit looks at: the alternative text, or its absence.
    """
    soup = BeautifulSoup(text, "lxml")
    for image in soup.find_all("img"):
        label = soup.new_tag(
            "span",
            style="display:inline-block;border:1px dashed #888;padding:0.3em 0.6em;"
            "color:#444;font:0.9em sans-serif",
        )
        alt = (image.get("alt") or "").strip()
        label.string = f"[image : {alt}]" if alt else "[image sans texte alternatif]"
        image.replace_with(label)
    return str(soup)


def voir_site(slug: str, height: int = 420) -> HTML:
    """The corpus page rendered in a sandboxed frame (no scripts, no network needed)."""
    page = corpus.site(slug).page
    text = _images_as_placeholders(load_file(page).text)
    # Inside a <div>: IPython warns (UserWarning, shown in the output) on HTML that starts
    # with "<iframe", and IPython.display.IFrame cannot pass a sandboxed srcdoc.
    return HTML(
        f"<div class='audit-page'><iframe sandbox='' srcdoc='{html.escape(text, quote=True)}' "
        f"style='width:100%;height:{height}px;border:1px solid #ccc'></iframe></div>"
    )
