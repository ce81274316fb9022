"""Website audit: gather evidence from a page (the engine), judge it with a grid (the form).

The engine never scores: :func:`audit_page` and :func:`audit_html` return the signals of
``docs/audit-signals.md``; the audit grid and the notebook form let the student judge them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exercises.audit.page import MAX_BYTES, TIMEOUT_SECONDS, AuditError, Page, load_file, load_url
from exercises.audit.signals import extract

__all__ = ["AuditError", "audit_html", "audit_page"]


def audit_html(html: str, url: str | None = None, source: str = "<html>") -> dict[str, Any]:
    """Audit markup already in memory (used by tests and by hidden grading pages)."""
    page = Page(text=html, source=source, url=url, encoding="utf-8", size=len(html.encode()))
    return _report(page)


def audit_page(
    target: str | Path,
    url: str | None = None,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """Audit a local file or an http(s) URL; raises :class:`AuditError` on bad input.

    For a local file, ``url`` tells where the page lives on the web (it sets ``https`` and
    the page's host). For a URL, the final address after redirects is used instead.
    """
    text = str(target)
    if text.lower().startswith(("http://", "https://")):
        page = load_url(text, timeout=timeout, max_bytes=max_bytes)
    else:
        page = load_file(Path(target), url=url, max_bytes=max_bytes)
    return _report(page)


def _report(page: Page) -> dict[str, Any]:
    signals, evidence = extract(page.text, page.url)
    return {
        "source": page.source,
        "url": page.url,
        "encoding": page.encoding,
        "bytes": page.size,
        "signals": signals,
        "evidence": evidence,
    }
