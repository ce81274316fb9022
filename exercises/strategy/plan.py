"""The strategy canvas as data: its sections, an empty plan, and reading any stored value.

A plan is plain JSON (it lives in the notebook's metadata through the answer store)::

    {"redige_le": "2026-11-21",
     "dialogue": [{"role", "date", "appris"}] * 3,
     "probleme": str, "questions_sceptiques": str,
     "maturite": {"actuelle": 1-5 | None, "visee": 1-5 | None, "indices": str},
     "publics": [{"nom", "besoin"}] * 3,
     "objectifs": [{"intitule", "indicateur", "base", "cible", "echeance", "responsable"}] * 3,
     "strategie": str,
     "canaux": [{"canal", "objectif": "O1".."O3" | "", "public": "P1".."P3" | ""}] * 4,
     "ressources": {"heures": str, "qui": str},
     "risques": str,
     "test": {"description", "critere"},
     "controle": [{"indicateur", "frequence"}] * 3}

Objectives are called O1–O3 and audiences P1–P3 by their position, so that channels and
controls can point at them. :func:`normalise` turns anything (a malformed or tampered
value) into this shape, so checks, chart and export never crash on a student's file.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

ROWS = {"dialogue": 3, "publics": 3, "objectifs": 3, "canaux": 4, "controle": 3}
ROW_FIELDS = {
    "dialogue": ("role", "date", "appris"),
    "publics": ("nom", "besoin"),
    "objectifs": ("intitule", "indicateur", "base", "cible", "echeance", "responsable"),
    "canaux": ("canal", "objectif", "public"),
    "controle": ("indicateur", "frequence"),
}
TEXTS = ("probleme", "questions_sceptiques", "strategie", "risques")
GROUPS = {
    "maturite": ("actuelle", "visee", "indices"),
    "ressources": ("heures", "qui"),
    "test": ("description", "critere"),
}
#: Section titles, in the canvas's order, as the lesson names them.
SECTIONS = {
    "dialogue": "Dialogue avec le client",
    "probleme": "Le problème concret",
    "questions_sceptiques": "Questions sceptiques",
    "maturite": "Maturité actuelle et visée",
    "publics": "Publics",
    "objectifs": "Objectifs SMART",
    "strategie": "Stratégie",
    "canaux": "Canaux",
    "ressources": "Ressources",
    "risques": "Risques de confiance et de crise",
    "test": "Premier test",
    "controle": "Contrôle",
}
FREQUENCIES = ("", "chaque semaine", "toutes les deux semaines", "chaque mois", "chaque trimestre")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_SWISS = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def objective_ids() -> list[str]:
    return [f"O{n}" for n in range(1, ROWS["objectifs"] + 1)]


def audience_ids() -> list[str]:
    return [f"P{n}" for n in range(1, ROWS["publics"] + 1)]


def empty_plan(written_on: date | None = None) -> dict[str, Any]:
    """A blank plan, dated the day it is started (deadlines must come after it)."""
    plan: dict[str, Any] = {"redige_le": (written_on or date.today()).isoformat()}
    for section in SECTIONS:
        if section in ROWS:
            plan[section] = [dict.fromkeys(ROW_FIELDS[section], "") for _ in range(ROWS[section])]
        elif section in GROUPS:
            plan[section] = dict.fromkeys(GROUPS[section], "")
        else:
            plan[section] = ""
    plan["maturite"]["actuelle"] = None
    plan["maturite"]["visee"] = None
    return plan


def normalise(value: Any) -> dict[str, Any]:
    """Any stored value → a well-formed plan; unknown keys dropped, wrong types emptied."""
    source = value if isinstance(value, dict) else {}
    plan = empty_plan()
    written = parse_date(source.get("redige_le"))
    plan["redige_le"] = written.isoformat() if written else plan["redige_le"]
    for section in TEXTS:
        plan[section] = _text(source.get(section))
    for section, fields in GROUPS.items():
        stored = source.get(section) if isinstance(source.get(section), dict) else {}
        for field in fields:
            plan[section][field] = _text(stored.get(field))
    for level in ("actuelle", "visee"):
        stored = (source.get("maturite") or {}) if isinstance(source.get("maturite"), dict) else {}
        raw = stored.get(level)
        is_level = isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= 5
        plan["maturite"][level] = raw if is_level else None
    for section, count in ROWS.items():
        rows = source.get(section) if isinstance(source.get(section), list) else []
        for index in range(count):
            row = rows[index] if index < len(rows) and isinstance(rows[index], dict) else {}
            for field in ROW_FIELDS[section]:
                plan[section][index][field] = _text(row.get(field))
    return copy.deepcopy(plan)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def parse_date(text: Any) -> date | None:
    """``2027-03-31`` or the Swiss ``31.03.2027``; None when empty or impossible."""
    if not isinstance(text, str):
        return None
    match = _ISO.match(text)
    if match:
        year, month, day = map(int, match.groups())
    else:
        match = _SWISS.match(text)
        if not match:
            return None
        day, month, year = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def filled(row: dict[str, str]) -> bool:
    """A table row counts when any of its fields has text."""
    return any(str(value).strip() for value in row.values())
