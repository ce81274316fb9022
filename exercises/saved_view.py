"""What a saved notebook shows in place of its widgets, read again without a kernel.

A widget output in an ``.ipynb`` only names a model of the kernel that drew it. Reopened
later, that kernel is gone and JupyterLab shows « Error displaying widget: model not
found », which a student reads as lost work. The answers are safe in
``metadata.course.answers`` (see :mod:`exercises.answers`), so, each time the server saves a
notebook, :func:`pre_save_hook` replaces every widget output of the file by a French
summary of the saved answer and tells how to get the buttons back. The browser keeps its
live widgets; only the file changes. Grading re-executes the notebook and never reads
these outputs.

It runs in the Jupyter server: ``jupyter-config/jupyter_server_config.d`` sets
``ContentsManager.pre_save_hook`` to it. It must not import the widget libraries.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Key of an output's metadata where a question's view names its question.
OUTPUT_KEY = "course"

HOW_TO_SEE = (
    "Pour revoir les boutons et modifier votre réponse, exécutez cette cellule "
    "(Maj+Entrée) ou tout le notebook (menu Exécuter ▸ Exécuter toutes les cellules)\u202f: "
    "votre réponse enregistrée y revient d’elle-même."
)
NOT_ANSWERED = (
    "Pas encore de réponse enregistrée pour cette question. Exécutez cette cellule "
    "(Maj+Entrée) pour afficher les boutons et répondre."
)
OTHER_WIDGET = "Cet élément interactif s’affiche quand la cellule est exécutée (Maj+Entrée)."


def pre_save_hook(model: dict[str, Any], **_kwargs: Any) -> None:
    """Replace the widget outputs of a notebook being saved by readable French text."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    replace_widget_outputs(model["content"])


def replace_widget_outputs(nb: dict[str, Any]) -> None:
    """In a parsed notebook, turn every widget-view output into its saved-answer summary."""
    records = _records(nb)
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") if isinstance(output, dict) else None
            if isinstance(data, dict) and WIDGET_MIME in data:
                qid = (output.get("metadata") or {}).get(OUTPUT_KEY, {}).get("question_id")
                output["data"] = fallback(qid, records.get(qid) if qid else None)


def fallback(question_id: str | None, record: Any) -> dict[str, str]:
    """The mime bundle shown for one widget output: HTML for JupyterLab, text elsewhere."""
    if question_id is None:
        return {
            "text/html": f"<p><em>{html.escape(OTHER_WIDGET)}</em></p>",
            "text/plain": OTHER_WIDGET,
        }
    if not isinstance(record, dict) or "value" not in record:
        return {
            "text/html": f"<div class='course-saved-answer'><p>{html.escape(NOT_ANSWERED)}</p></div>",
            "text/plain": NOT_ANSWERED,
        }
    when = _when(record.get("saved_at"))
    head = f"✔ Votre réponse est enregistrée dans ce notebook{when}."
    lines = summary_lines(record["value"])
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return {
        "text/html": (
            f"<div class='course-saved-answer'><p><strong>{html.escape(head)}</strong></p>"
            f"<ul>{items}</ul><p>{html.escape(HOW_TO_SEE)}</p></div>"
        ),
        "text/plain": "\n".join([head, *(f"- {line}" for line in lines), HOW_TO_SEE]),
    }


def summary_lines(value: Any) -> list[str]:
    """One readable line per part of an answer (``clé : valeur``), short enough to scan."""
    if isinstance(value, dict):
        return [f"{key}\u00a0: {_short(part)}" for key, part in value.items()]
    if isinstance(value, list):
        return [_short(part) for part in value]
    return [_short(value)]


def _short(value: Any, limit: int = 160) -> str:
    if value is None or value == "":
        return "(sans réponse)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(saved_at: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(saved_at).replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    return f" (le {moment:%d.%m.%Y à %H:%M})"


def _records(nb: dict[str, Any]) -> dict[str, Any]:
    stored = (nb.get("metadata") or {}).get("course") or {}
    records = stored.get("answers") if isinstance(stored, dict) else None
    return records if isinstance(records, dict) else {}
