"""Text helpers shared by the exercises."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lowercase, no accents, straight apostrophes: to match words however they were typed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
