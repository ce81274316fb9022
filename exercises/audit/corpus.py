"""The frozen corpus: fictional Swiss organisations' home pages shipped with the course.

Students audit these pages offline; ``sites.json`` gives each page the web address it
pretends to have, so that ``https`` and the page's host are defined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from exercises.audit import audit_page

CORPUS = Path(__file__).with_name("corpus")


@dataclass(frozen=True)
class Site:
    """One fictional organisation and its home page."""

    slug: str
    name: str
    url: str
    sector: str
    summary: str

    @property
    def page(self) -> Path:
        return CORPUS / self.slug / "index.html"


@cache
def sites() -> tuple[Site, ...]:
    """Every site of the corpus, in the order of ``sites.json``."""
    entries = json.loads((CORPUS / "sites.json").read_text(encoding="utf-8"))
    return tuple(
        Site(**{key: entry[key] for key in Site.__dataclass_fields__}) for entry in entries
    )


def site(slug: str) -> Site:
    """The site called ``slug``; KeyError names the known ones."""
    for candidate in sites():
        if candidate.slug == slug:
            return candidate
    known = ", ".join(candidate.slug for candidate in sites())
    raise KeyError(f"unknown site {slug!r}; the corpus has: {known}")


@cache
def _audit(slug: str) -> str:
    chosen = site(slug)
    return json.dumps(audit_page(chosen.page, url=chosen.url))


def audit_site(slug: str) -> dict[str, Any]:
    """The audit report of a corpus site (cached; a fresh copy each call)."""
    return json.loads(_audit(slug))
