"""Reading a blog post's links, for module 03 ("Anatomie d'un billet de blog").

Learners call :func:`liens_du_billet` and read the list it returns, the way a screen reader
lists a page's links out of context; judging those links is their job, not this module's.
"""

from __future__ import annotations

from bs4 import BeautifulSoup


def liens_du_billet(html: str) -> list[tuple[str, str]]:
    """Every ``<a href>`` of ``html``, in document order, as ``(texte, adresse)``.

    ``texte`` is all the text inside the link (nested tags included), each run of
    whitespace (no-break spaces included) collapsed to one space, stripped; ``adresse``
    is the ``href`` value, stripped. An ``<a>`` without ``href`` is not a link; links
    inside HTML comments are not links either.
    """
    soup = BeautifulSoup(html or "", "html.parser")
    return [
        (" ".join(link.get_text().split()), link["href"].strip())
        for link in soup.find_all("a", href=True)
    ]
