"""Automatic checks of a strategy plan: feedback while the student works, and auto points.

Only structure is checked (is it complete, is every channel tied to an objective and an
audience, are objectives SMART, does the problem name a platform, are the only measures
vanity metrics, is the maturity target below the current level). Whether the strategy is
*good* is for the instructor, with the mark scheme; the checks never judge a position.
A finding of kind ``advice`` (the course's own rule of thumb, such as not climbing more than
two maturity levels at once) is shown to the student and costs no point.

Messages follow French typography: a no-break space (U+00A0) before ":" and inside « »,
a narrow one (U+202F) before ";", "!" and "?".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from exercises.strategy.plan import (
    GROUPS,
    ROWS,
    SECTIONS,
    TEXTS,
    audience_ids,
    filled,
    normalise,
    objective_ids,
    parse_date,
)
from exercises.text import fold

MAX_FIELD = 5000
MIN_REPEATED = 10
PLATFORMS = (
    "facebook", "instagram", "tiktok", "linkedin", "twitter", "youtube", "snapchat",
    "whatsapp", "pinterest", "threads", "mastodon", "bluesky", "reseaux sociaux",
    "reseau social", "x.com",
)  # fmt: skip
#: Counts of attention, not of what the client needs (a pattern each, on folded text).
VANITY = (
    r"\bfans?\b", r"\bfollowers?\b", r"\blikes?\b", r"\bj'aime\b", r"\bvues\b",
    r"\bimpressions?\b", r"\bportee\b", r"\breach\b",
)  # fmt: skip
#: "abonnés" is vanity only for an account, page or channel (a library's members are not).
FOLLOWER_CONTEXT = ("compte", "page", "chaine", "reseau", "profil")
NUMBER = re.compile(r"\d")
POINTS = {
    "complet": 3.0,
    "liens": 2.0,
    "smart": 3.0,
    "probleme": 1.0,
    "mesures": 0.5,
    "maturite": 0.5,
}


@dataclass(frozen=True)
class Finding:
    """One remark on the plan: ``missing`` (to complete), ``warning`` (to reconsider, may cost
    points) or ``advice`` (the course's advice, never costs points)."""

    code: str
    section: str
    message: str
    kind: str = "warning"


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w'.]+", " ", fold(text)) + " "


def names_platform(text: str) -> list[str]:
    words = _words(text)
    return [name for name in PLATFORMS if re.search(rf"\b{re.escape(name)}", words)]


def is_vanity(indicator: str) -> bool:
    """True for fans, followers, likes, views…, and "abonnés" of an account or a platform."""
    words = _words(indicator)
    if any(re.search(pattern, words) for pattern in VANITY):
        return True
    return "abonne" in words and bool(
        names_platform(indicator) or any(context in words for context in FOLLOWER_CONTEXT)
    )


# -- the checks -------------------------------------------------------------------------
def check(value: Any) -> list[Finding]:
    """Every finding on a plan (any stored value is accepted)."""
    plan = normalise(value)
    return [
        *_completeness(plan),
        *_links(plan),
        *_smart(plan),
        *_problem(plan),
        *_measures(plan),
        *_maturity(plan),
        *_dates(plan),
        *_sizes(plan),
    ]


def _completeness(plan: dict) -> list[Finding]:
    return [
        Finding(
            f"incomplet:{section}",
            section,
            f"La rubrique «\u00a0{SECTIONS[section]}\u00a0» est à compléter.",
            "missing",
        )
        for section in SECTIONS
        if not _section_complete(plan, section)
    ]


def _section_complete(plan: dict, section: str) -> bool:
    value = plan[section]
    if section == "dialogue":
        return any(
            row["role"].strip() and parse_date(row["date"]) and row["appris"].strip()
            for row in value
        )
    if section == "maturite":
        return (
            value["actuelle"] is not None
            and value["visee"] is not None
            and bool(value["indices"].strip())
        )
    if section == "objectifs":
        return any(row["intitule"].strip() for row in value)
    if section == "canaux":
        return any(row["canal"].strip() for row in value)
    if section == "publics":
        return any(row["nom"].strip() for row in value)
    if section == "controle":
        used = _used_objectives(plan)
        return bool(used) and all(
            plan["controle"][index]["indicateur"].strip()
            and plan["controle"][index]["frequence"].strip()
            for index in used
        )
    if isinstance(value, dict):
        return all(str(field).strip() for field in value.values())
    return bool(value.strip())


def _used_objectives(plan: dict) -> list[int]:
    return [index for index, row in enumerate(plan["objectifs"]) if filled(row)]


def _used_audiences(plan: dict) -> list[int]:
    return [index for index, row in enumerate(plan["publics"]) if filled(row)]


def _links(plan: dict) -> list[Finding]:
    findings = []
    objectives = {objective_ids()[index] for index in _used_objectives(plan)}
    audiences = {audience_ids()[index] for index in _used_audiences(plan)}
    reached_objectives, reached_audiences = set(), set()
    for number, row in enumerate(plan["canaux"], start=1):
        if not filled(row):
            continue
        name = row["canal"].strip() or f"canal {number}"
        if row["objectif"] not in objectives:
            findings.append(
                Finding(
                    "canal-orphelin",
                    "canaux",
                    f"Le canal «\u00a0{name}\u00a0» ne sert aucun objectif défini.",
                )
            )
        if row["public"] not in audiences:
            findings.append(
                Finding(
                    "canal-orphelin",
                    "canaux",
                    f"Le canal «\u00a0{name}\u00a0» ne vise aucun public défini.",
                )
            )
        reached_objectives.add(row["objectif"])
        reached_audiences.add(row["public"])
    for objective in sorted(objectives - reached_objectives):
        findings.append(
            Finding(
                "objectif-orphelin",
                "objectifs",
                f"L'objectif {objective} n'a aucun canal pour l'atteindre.",
            )
        )
    for audience in sorted(audiences - reached_audiences):
        findings.append(
            Finding(
                "public-orphelin", "publics", f"Le public {audience} n'est visé par aucun canal."
            )
        )
    return findings


def _smart(plan: dict) -> list[Finding]:
    findings = []
    written = parse_date(plan["redige_le"])
    for index in _used_objectives(plan):
        row, name = plan["objectifs"][index], objective_ids()[index]
        missing = []
        if not row["indicateur"].strip():
            missing.append("un indicateur")
        if not NUMBER.search(row["base"]):
            missing.append("un point de départ chiffré")
        if not NUMBER.search(row["cible"]):
            missing.append("une cible chiffrée")
        deadline = parse_date(row["echeance"])
        if deadline is None:
            missing.append("une échéance valable (AAAA-MM-JJ ou JJ.MM.AAAA)")
        elif written and deadline <= written:
            missing.append(f"une échéance future (le plan est rédigé le {written:%d.%m.%Y})")
        if not row["responsable"].strip():
            missing.append("une personne responsable")
        if missing:
            findings.append(
                Finding(
                    f"non-smart:{name}",
                    "objectifs",
                    f"L'objectif {name} n'est pas SMART\u00a0: il manque {', '.join(missing)}.",
                )
            )
    return findings


def _problem(plan: dict) -> list[Finding]:
    named = names_platform(plan["probleme"])
    if not named:
        return []
    return [
        Finding(
            "probleme-plateforme",
            "probleme",
            f"Le problème nomme une plateforme ({', '.join(named)})\u00a0: n'est-ce pas une solution "
            "déguisée en problème\u202f? Décrivez ce qui ne va pas pour le client, sans outil.",
        )
    ]


def _indicators(plan: dict) -> list[str]:
    rows = [plan["objectifs"][index]["indicateur"] for index in _used_objectives(plan)]
    rows += [row["indicateur"] for row in plan["controle"]]
    return [text for text in rows if text.strip()]


def _measures(plan: dict) -> list[Finding]:
    indicators = _indicators(plan)
    if indicators and all(is_vanity(text) for text in indicators):
        return [
            Finding(
                "indicateurs-vanite",
                "controle",
                "Vos seuls indicateurs comptent des fans, des abonnés ou des «\u00a0j'aime\u00a0»\u00a0: "
                "que mesurent-ils de votre objectif\u202f?",
            )
        ]
    return []


def _maturity(plan: dict) -> list[Finding]:
    current, target = plan["maturite"]["actuelle"], plan["maturite"]["visee"]
    if current is None or target is None:
        return []
    if target < current:
        return [
            Finding(
                "maturite-recul", "maturite", "La maturité visée est plus basse que l'actuelle."
            )
        ]
    if target - current > 2:
        return [
            Finding(
                "maturite-saut",
                "maturite",
                f"Passer du niveau {current} au niveau {target}, c'est monter plus de deux marches "
                f"d'un coup\u00a0: est-ce réaliste avec vos ressources\u202f? Justifiez-le dans les indices.",
                "advice",
            )
        ]
    return []


def _dates(plan: dict) -> list[Finding]:
    findings = []
    written = parse_date(plan["redige_le"])
    for number, row in enumerate(plan["dialogue"], start=1):
        if not row["date"].strip():
            continue
        day = parse_date(row["date"])
        if day is None:
            findings.append(
                Finding(
                    "date-impossible",
                    "dialogue",
                    f"Entretien {number}\u00a0: «\u00a0{row['date'][:40]}\u00a0» n'est pas une date valable.",
                )
            )
        elif written and day > written:
            findings.append(
                Finding(
                    "date-future",
                    "dialogue",
                    f"Entretien {number}\u00a0: daté après la rédaction du plan.",
                )
            )
    return findings


def _all_texts(plan: dict) -> list[tuple[str, str]]:
    texts = [(section, plan[section]) for section in TEXTS]
    for section in GROUPS:
        texts += [
            (section, str(value)) for value in plan[section].values() if isinstance(value, str)
        ]
    for section in ROWS:
        texts += [(section, value) for row in plan[section] for value in row.values()]
    return texts


#: Fields that call for sentences of their own; short table cells (an indicator used for
#: an objective and its control) may rightly repeat.
PROSE = {
    "dialogue": ("appris",), "publics": ("besoin",), "objectifs": ("intitule",),
    "maturite": ("indices",), "test": ("description", "critere"),
}  # fmt: skip


def _prose(plan: dict) -> list[tuple[str, str, str]]:
    found = [(section, "", plan[section]) for section in TEXTS]
    for section, fields in PROSE.items():
        rows = plan[section] if isinstance(plan[section], list) else [plan[section]]
        found += [(section, field, row[field]) for row in rows for field in fields]
    return found


def _sizes(plan: dict) -> list[Finding]:
    findings = []
    texts = _all_texts(plan)
    long = sorted({SECTIONS[section] for section, text in texts if len(text) > MAX_FIELD})
    if long:
        findings.append(
            Finding(
                "trop-long",
                "",
                f"Champ(s) de plus de {MAX_FIELD} caractères\u00a0: {', '.join(long)}. Rien n'est perdu, mais soyez concis.",
            )
        )
    prose = [text for section, field, text in _prose(plan)]
    counts = Counter(text.strip() for text in prose if len(text.strip()) >= MIN_REPEATED)
    if any(count >= 3 for count in counts.values()):
        findings.append(
            Finding(
                "texte-repete",
                "",
                "Le même texte revient dans au moins trois champs\u00a0: chaque rubrique attend sa propre réponse.",
            )
        )
    return findings


# -- points -----------------------------------------------------------------------------
def assess(value: Any) -> tuple[list[Finding], dict[str, float]]:
    """The findings on a plan and the automatic points they give, checking it once."""
    plan = normalise(value)
    findings = check(plan)
    return findings, _points(plan, findings)


def auto_points(value: Any) -> dict[str, float]:
    """Points per automatic criterion (out of :data:`POINTS`), from the findings."""
    return assess(value)[1]


def _points(plan: dict, findings: list[Finding]) -> dict[str, float]:
    codes = [finding.code for finding in findings]
    repeated = "texte-repete" in codes
    complete = sum(1 for section in SECTIONS if _section_complete(plan, section))
    used = _used_objectives(plan)
    smart = sum(1 for index in used if f"non-smart:{objective_ids()[index]}" not in codes)
    orphans = codes.count("canal-orphelin") + codes.count("objectif-orphelin")
    has_channels = any(filled(row) for row in plan["canaux"])
    maturity_set = (
        plan["maturite"]["actuelle"] is not None and plan["maturite"]["visee"] is not None
    )
    points = {
        "complet": 0.0 if repeated else POINTS["complet"] * complete / len(SECTIONS),
        "liens": max(0.0, POINTS["liens"] - 0.5 * orphans) if used and has_channels else 0.0,
        "smart": POINTS["smart"] * smart / len(used) if used else 0.0,
        "probleme": POINTS["probleme"]
        if plan["probleme"].strip() and "probleme-plateforme" not in codes
        else 0.0,
        "mesures": POINTS["mesures"]
        if _indicators(plan) and "indicateurs-vanite" not in codes
        else 0.0,
        "maturite": POINTS["maturite"]
        if maturity_set and "maturite-recul" not in codes  # a big jump is advice only
        else 0.0,
    }
    return {name: round(value, 2) for name, value in points.items()}
