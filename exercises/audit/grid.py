"""The audit grid: 17 criteria, the evidence each one shows, the question the student judges.

A score is 0, 1, 2 or ``"na"`` (non applicable, with a justification). For some criteria
the evidence alone settles part of the answer (no ``viewport`` meta: the page is not
declared for mobiles, whatever one thinks of it); :func:`allowed_scores` says which scores
are consistent with the evidence there. That consistency is what autograding checks.
Everything else (is the voice human? is a Facebook page enough?) is the student's
judgement and is graded by hand from the justification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Score = int | str  # 0, 1, 2 or "na"
NA = "na"
SCORES: tuple[Score, ...] = (0, 1, 2, NA)
FAMILIES = ("Qui parle ?", "Conversation", "Vie du site", "Bases techniques")


@dataclass(frozen=True)
class Criterion:
    """One line of the grid, in the words the student reads."""

    id: str
    family: str
    label: str
    question: str
    evidence: tuple[str, ...]
    levels: tuple[str, str, str]
    rule: str = ""
    allowed: Callable[[dict[str, Any]], set[Score]] | None = field(default=None, compare=False)


def _alt(signals: dict[str, Any]) -> set[Score]:
    images, missing = signals["images"], signals["images_missing_alt"]
    if images == 0:
        return {NA}
    if missing == 0:
        return {2}
    return {1} if 2 * missing <= images else {0}


def _headings(signals: dict[str, Any]) -> set[Score]:
    if signals["h1_count"] == 0:
        return {0}
    return {2} if signals["h1_count"] == 1 and signals["headings_ordered"] else {1}


def _lang(signals: dict[str, Any]) -> set[Score]:
    lang = (signals["lang"] or "").lower()
    if not lang:
        return {0}
    return {2} if lang == "fr" or lang.startswith("fr-") else {1}


def _https(signals: dict[str, Any]) -> set[Score]:
    return {NA} if signals["https"] is None else ({2} if signals["https"] else {0})


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "identite", "Qui parle ?", "Qui est derrière le site ?",
        "Sait-on qui parle : une personne, une équipe, avec un nom et un visage ?",
        ("about_page", "author"),
        ("personne n'est identifiable", "une organisation, sans personnes", "des personnes nommées"),
    ),
    Criterion(
        "voix", "Qui parle ?", "Une voix humaine ?",
        "Le texte sonne-t-il comme une personne qui vous parle, ou comme une plaquette ?",
        ("first_person_per_100_words", "excerpt"),
        ("discours institutionnel", "par endroits", "une vraie voix"),
        rule="Le taux de « je/nous » n'est qu'un indice : lisez le texte.",
    ),
    Criterion(
        "repondre", "Conversation", "Puis-je écrire à quelqu'un ?",
        "Y a-t-il un moyen d'écrire à une personne qui répondra ?",
        ("contact", "noreply_contact"),
        ("aucun moyen, ou une adresse « noreply »", "un moyen impersonnel", "une personne joignable"),
        rule="Sans contact, ou avec seulement une adresse « noreply » : 0.",
        allowed=lambda s: {0} if not s["contact"] or s["noreply_contact"] else {0, 1, 2},
    ),
    Criterion(
        "commentaires", "Conversation", "Les visiteurs peuvent-ils commenter ?",
        "Le site montre-t-il des échanges avec les visiteurs, ou permet-il d'en avoir ?",
        ("comments", "comment_items"),
        ("aucun échange", "possible mais désert", "des échanges visibles"),
        rule="Sans section ni formulaire de commentaires : 0 ou non applicable.",
        allowed=lambda s: {0, NA} if not s["comments"] else {0, 1, 2, NA},
    ),
    Criterion(
        "liens", "Conversation", "Le site renvoie-t-il vers d'autres ?",
        "Le site cite-t-il d'autres sources, partenaires, personnes (des liens sortants) ?",
        ("external_domains",),
        ("aucun lien sortant", "quelques liens utilitaires", "des liens qui enrichissent"),
        rule="Aucun domaine externe : 0.",
        allowed=lambda s: {0} if s["external_domains"] == 0 else {0, 1, 2},
    ),
    Criterion(
        "fraicheur", "Vie du site", "Le contenu est-il vivant ?",
        "Y a-t-il des contenus datés et récents ?",
        ("latest_date", "dates"),
        ("aucune date ou tout est ancien", "quelques dates, peu récentes", "mis à jour récemment"),
        rule="Aucune date sur la page : 0 (on ne peut pas savoir).",
        allowed=lambda s: {0} if s["latest_date"] is None else {0, 1, 2},
    ),
    Criterion(
        "blog", "Vie du site", "Un blog ou un flux à suivre ?",
        "Peut-on suivre ce que publie le site (blog, actualités, flux RSS/Atom) ?",
        ("feeds",),
        ("rien à suivre", "des actualités sans flux", "un blog avec un flux"),
        rule="Sans flux RSS ou Atom, pas 2.",
        allowed=lambda s: {0, 1, NA} if s["feeds"] == 0 else {0, 1, 2, NA},
    ),
    Criterion(
        "reseaux", "Vie du site", "Présence sur les réseaux sociaux",
        "Le site mène-t-il à des espaces où l'organisation converse (réseaux sociaux) ?",
        ("social_platforms",),
        ("aucun lien", "des liens, sans plus", "une présence qui prolonge la conversation"),
        rule="Aucun lien vers un réseau : 0 ou non applicable.",
        allowed=lambda s: {0, NA} if not s["social_platforms"] else {0, 1, 2, NA},
    ),
    Criterion(
        "partage", "Vie du site", "Peut-on partager facilement ?",
        "Un visiteur peut-il transmettre un contenu à d'autres en un geste ?",
        ("share_links",),
        ("rien n'est prévu", "possible, mais caché ou maladroit", "simple et discret"),
    ),
    Criterion(
        "apercu", "Vie du site", "Aperçu lors d'un partage (Open Graph)",
        "Un lien vers ce site partagé sur un réseau affichera-t-il un bel aperçu ?",
        ("open_graph_complete",),
        ("pas de métadonnées Open Graph", "métadonnées incomplètes", "titre, type, image et URL"),
        rule="Open Graph complet : 2 ; sinon 0 ou 1 (repère du cours, non noté : voir la leçon).",
        allowed=lambda s: {2} if s["open_graph_complete"] else {0, 1},
    ),
    Criterion(
        "https", "Bases techniques", "Connexion sécurisée (https)",
        "La page est-elle servie en https ?",
        ("https",),
        ("http", "—", "https"),
        rule="https : 2 ; http : 0.",
        allowed=_https,
    ),
    Criterion(
        "langue", "Bases techniques", "Langue déclarée",
        "La langue de la page est-elle déclarée, et juste ?",
        ("lang",),
        ("non déclarée", "déclarée, mais pas le français", "français déclaré"),
        rule="Absente : 0 ; « fr » ou « fr-… » : 2 ; une autre langue : 1.",
        allowed=_lang,
    ),
    Criterion(
        "titre", "Bases techniques", "Titre de la page",
        "Le titre (onglet, résultats de recherche) dit-il qui et quoi ?",
        ("title",),
        ("absent", "présent mais vague", "dit qui et quoi"),
        rule="Sans titre : 0 ; avec un titre : 1 ou 2.",
        allowed=lambda s: {0} if s["title"] is None else {1, 2},
    ),
    Criterion(
        "description", "Bases techniques", "Description pour les moteurs de recherche",
        "La description résume-t-elle la page pour qui la trouve dans un moteur ?",
        ("meta_description",),
        ("absente", "présente mais creuse", "utile et précise"),
        rule="Sans description : 0 ; avec : 1 ou 2.",
        allowed=lambda s: {0} if s["meta_description"] is None else {1, 2},
    ),
    Criterion(
        "mobile", "Bases techniques", "Lisible sur mobile",
        "La page est-elle déclarée pour les petits écrans (meta viewport) ?",
        ("viewport",),
        ("non", "—", "oui"),
        rule="viewport : 2 ; sans : 0.",
        allowed=lambda s: {2} if s["viewport"] else {0},
    ),
    Criterion(
        "alt", "Bases techniques", "Textes alternatifs des images",
        "Les images ont-elles un texte alternatif (ou alt=\"\" si décoratives) ?",
        ("images", "images_missing_alt"),
        ("plus de la moitié sans alt", "la moitié ou moins sans alt", "toutes en ont un"),
        rule="Aucune image : non applicable ; aucune sans alt : 2 ; "
        "la moitié ou moins : 1 ; plus de la moitié : 0.",
        allowed=_alt,
    ),
    Criterion(
        "titres", "Bases techniques", "Structure des titres",
        "Les intertitres forment-ils un plan : un seul h1, sans sauter de niveau ?",
        ("h1_count", "headings_ordered", "headings"),
        ("aucun h1", "un plan imparfait", "un h1 et un plan sans saut"),
        rule="Aucun h1 : 0 ; un seul h1 et un plan sans saut : 2 ; sinon 1.",
        allowed=_headings,
    ),
)  # fmt: skip

BY_ID = {criterion.id: criterion for criterion in CRITERIA}


def allowed_scores(criterion_id: str, signals: dict[str, Any]) -> set[Score] | None:
    """Scores consistent with the evidence, or None when the grid leaves it to judgement."""
    criterion = BY_ID[criterion_id]
    return criterion.allowed(signals) if criterion.allowed else None


def ruled_criteria() -> list[str]:
    """Ids of the criteria whose score the evidence constrains."""
    return [criterion.id for criterion in CRITERIA if criterion.allowed]


@dataclass(frozen=True)
class Check:
    """Whether the score given to one ruled criterion agrees with the evidence."""

    criterion: str
    score: Any
    allowed: frozenset[Score]

    @property
    def ok(self) -> bool:
        return self.score in self.allowed


def consistency(criteria: Any, signals: dict[str, Any]) -> list[Check]:
    """One check per ruled criterion; a missing or malformed score is inconsistent."""
    criteria = criteria if isinstance(criteria, dict) else {}
    checks = []
    for criterion_id in ruled_criteria():
        entry = criteria.get(criterion_id)
        score = entry.get("score") if isinstance(entry, dict) else None
        allowed = frozenset(allowed_scores(criterion_id, signals) or ())
        checks.append(Check(criterion_id, score, allowed))
    return checks


def score_label(score: Any) -> str:
    """A score as the form shows it: ``0``, ``1``, ``2``, ``n. a.`` or ``aucune note``."""
    if score == NA:
        return "n. a."
    return "aucune note" if score is None else str(score)


def contradictions(criteria: Any, signals: dict[str, Any]) -> list[str]:
    """A French warning per scored criterion whose score breaks the rule the grader applies.

    Unscored criteria are left to the completeness remarks. The Open Graph preview is a
    course benchmark, not graded, so its warning says so.
    """
    warnings = []
    for check in consistency(criteria, signals):
        if check.ok or check.score is None:
            continue
        criterion = BY_ID[check.criterion]
        allowed = " ou ".join(score_label(s) for s in SCORES if s in check.allowed)
        graded = (
            "ce repère du cours n'enlève aucun point, mais justifiez l'écart"
            if check.criterion == "apercu"
            else "la correction automatique appliquera cette règle"
        )
        rule = criterion.rule if criterion.rule.endswith(".") else criterion.rule + "."
        warnings.append(
            f"⚠ «\u00a0{criterion.label}\u00a0»\u00a0: vous notez {score_label(check.score)}, "
            f"mais pour ce site la règle de la grille donne {allowed}\u202f; {graded}. "
            f"Règle\u00a0: {rule}"
        )
    return warnings


def differences(got: Any, expected: dict[str, Any]) -> list[str]:
    """What differs between a returned dict of scores and the expected one, key by key.

    Used by the visible tests so that a failing message names the wrong key and both values
    (« langue : vous renvoyez 0, attendu 2 ») instead of printing two whole dicts.
    """
    if not isinstance(got, dict):
        return [f"la fonction renvoie {got!r} ({type(got).__name__}), pas un dictionnaire"]
    found = []
    for key, value in expected.items():
        if key not in got:
            found.append(f"{key}\u00a0: clé absente, attendu {value!r}")
        elif got[key] != value or type(got[key]) is bool:
            found.append(f"{key}\u00a0: vous renvoyez {got[key]!r}, attendu {value!r}")
    found += [f"{key}\u00a0: clé en trop" for key in got if key not in expected]
    return found
