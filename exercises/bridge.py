"""The kernel half of the widget that carries answers between kernel and notebook file."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_STATIC = Path(__file__).with_name("static")


class AnswerBridge(anywidget.AnyWidget):
    """Shows whether an answer is saved, and syncs it with the notebook's metadata.

    ``value`` is the answer as JSON. The browser side (``static/bridge.js``) writes every
    change of ``value`` into the open notebook's metadata and, when the notebook already
    holds an answer for ``question_id``, sets ``value`` from it. ``persisted`` tells the
    kernel whether a browser confirmed it can save answers (``None`` before any view).
    """

    _esm = _STATIC / "bridge.js"
    _css = _STATIC / "bridge.css"
    question_id = traitlets.Unicode().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    persisted = traitlets.Bool(None, allow_none=True).tag(sync=True)
