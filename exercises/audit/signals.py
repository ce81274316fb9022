"""Evidence from one HTML page: the signals of docs/audit-signals.md, and nothing judged.

Parsing is selectolax's Lexbor HTML5 parser; regular expressions only ever see text
(words, dates), never markup. Signals that depend on markup hidden from the reader
(links, head metadata, scripts) are read first; then invisible elements are removed and
the text-based signals are read from what is left.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from exercises.text import fold

INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe"]
HEADINGS = "h1, h2, h3, h4, h5, h6"
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}
OPEN_GRAPH_KEYS = ("og:title", "og:type", "og:image", "og:url")
SOCIAL_HOSTS = {
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "linkedin.com": "linkedin",
    "twitter.com": "x",
    "x.com": "x",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "tiktok.com": "tiktok",
}
COMMENT_NAMES = ("comment", "reaction", "réaction")  # "commentaire" contains "comment"
COMMENT_SERVICES = ("disqus.com", "commento.io", "hyvor.com")
FIRST_PERSON = {
    "je", "j'", "me", "m'", "moi", "nous",
    "mien", "mienne", "miens", "miennes", "nôtre", "nôtres",
}  # fmt: skip
NOREPLY_LOCAL_PARTS = {
    "noreply", "no-reply", "donotreply", "do-not-reply", "ne-pas-repondre", "nepasrepondre",
}  # fmt: skip
ABOUT_TEXTS = ("a propos", "qui sommes-nous", "qui suis-je", "notre equipe", "l'equipe", "about")
ABOUT_PATHS = ("a-propos", "about", "equipe", "qui-sommes-nous")
AUTHOR_CLASSES = {"author", "auteur", "byline"}
WORD = re.compile(r"[^\W_]+(?:['’](?=[^\W\d_]))?")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
SPACES = re.compile(r"\s+")
EXCERPT_CHARS = 300


def extract(html: str, url: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's ``(signals, evidence)``; ``url`` is the page's address when known."""
    tree = LexborHTMLParser(html)
    links = _links(tree)
    page_host = _page_host(tree, url)
    signals: dict[str, Any] = {
        "lang": _lang(tree),
        "title": _title(tree),
        "viewport": _viewport(tree),
        "https": _https(url),
        "h1_count": len(tree.css("h1")),
    }
    evidence: dict[str, Any] = {}
    _images(tree, signals, evidence)
    _feeds(tree, signals, evidence)
    signals["open_graph_complete"] = all(_meta_property(tree, key) for key in OPEN_GRAPH_KEYS)
    _external_domains(links, page_host, signals, evidence)
    _contact(tree, links, signals, evidence)
    _social(links, signals, evidence)
    comment_service = _comment_service(tree)
    signals["meta_description"] = _collapse(_meta_name(tree, "description")) or None
    _dates(tree, signals, evidence)
    signals["about_page"] = any(_is_about_link(href, text) for href, text in links)
    signals["forms"] = len(tree.css("form"))

    _remove_invisible(tree)
    text = _collapse(tree.body.text(separator=" ")) if tree.body else ""
    words = WORD.findall(text)
    signals["word_count"] = len(words)
    signals["first_person_per_100_words"] = _first_person_rate(words)
    _comments(tree, comment_service, signals, evidence)
    _headings(tree, signals, evidence)
    signals["author"] = _author(tree)
    evidence["excerpt"] = text[:EXCERPT_CHARS]
    return signals, evidence


# -- helpers for text and attributes ----------------------------------------------------
def _collapse(text: str | None) -> str:
    return SPACES.sub(" ", text or "").strip()


def _attr(node: LexborNode, name: str) -> str:
    return node.attributes.get(name) or ""


def _tokens(node: LexborNode, name: str) -> list[str]:
    return _attr(node, name).lower().split()


def _split(href: str) -> SplitResult | None:
    """The parts of ``href``; None when it is malformed (``http://[oops``), so it matches nothing."""
    try:
        return urlsplit(href.strip())
    except ValueError:
        return None


def _scheme(href: str) -> str:
    """Lowercased scheme; empty when there is none or the address is malformed."""
    parts = _split(href)
    return parts.scheme.lower() if parts else ""


def _host(href: str) -> str | None:
    """Lowercased host without one leading ``www.``; None when there is none."""
    parts = _split(href)
    host = parts.hostname if parts else None
    if not host:
        return None
    return host.removeprefix("www.")


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _meta_name(tree: LexborHTMLParser, name: str) -> str | None:
    for meta in tree.css("meta[name]"):
        if _attr(meta, "name").strip().lower() == name:
            return _attr(meta, "content")
    return None


def _meta_property(tree: LexborHTMLParser, prop: str) -> str:
    for meta in tree.css("meta[property]"):
        if _attr(meta, "property").strip().lower() == prop and _attr(meta, "content").strip():
            return _attr(meta, "content").strip()
    return ""


def _links(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    """``(href, visible text)`` of every ``<a href>``, hidden ones included."""
    return [(_attr(a, "href").strip(), _collapse(a.text())) for a in tree.css("a[href]")]


# -- head and document signals ----------------------------------------------------------
def _lang(tree: LexborHTMLParser) -> str | None:
    html = tree.css_first("html")
    lang = _attr(html, "lang").strip() if html is not None else ""
    return lang or None


def _title(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("title"):
        if not any(parent.tag == "svg" for parent in _ancestors(node)):
            return _collapse(node.text()) or None
    return None


def _ancestors(node: LexborNode) -> list[LexborNode]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _viewport(tree: LexborHTMLParser) -> bool:
    content = _meta_name(tree, "viewport")
    return content is not None and "width=device-width" in SPACES.sub("", content.lower())


def _https(url: str | None) -> bool | None:
    if not url:
        return None
    scheme = _scheme(url)
    return scheme == "https" if scheme in {"http", "https"} else None


def _page_host(tree: LexborHTMLParser, url: str | None) -> str | None:
    candidates = [url or ""]
    candidates += [
        _attr(link, "href") for link in tree.css("link[rel]") if "canonical" in _tokens(link, "rel")
    ]
    candidates.append(_meta_property(tree, "og:url"))
    for candidate in candidates:
        host = _host(candidate) if candidate else None
        if host:
            return host
    return None


def _images(tree: LexborHTMLParser, signals: dict, evidence: dict) -> None:
    images = tree.css("img")
    missing = [image for image in images if "alt" not in image.attributes]
    signals["images"] = len(images)
    signals["images_missing_alt"] = len(missing)
    evidence["images_missing_alt"] = [_attr(image, "src") for image in missing]


def _feeds(tree: LexborHTMLParser, signals: dict, evidence: dict) -> None:
    feeds = [
        _attr(link, "href")
        for link in tree.css("link[rel]")
        if "alternate" in _tokens(link, "rel") and _attr(link, "type").strip().lower() in FEED_TYPES
    ]
    signals["feeds"] = len(feeds)
    evidence["feeds"] = feeds


def _dates(tree: LexborHTMLParser, signals: dict, evidence: dict) -> None:
    raw = [_attr(node, "datetime") for node in tree.css("time[datetime]")]
    raw += [
        _meta_property(tree, key) for key in ("article:published_time", "article:modified_time")
    ]
    parsed = sorted({day for day in map(_iso_date, raw) if day})
    signals["latest_date"] = parsed[-1] if parsed else None
    evidence["dates"] = parsed


def _iso_date(value: str) -> str | None:
    match = ISO_DATE.match(value or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


# -- links ------------------------------------------------------------------------------
def _external_domains(
    links: list[tuple[str, str]], page_host: str | None, signals: dict, evidence: dict
) -> None:
    hosts = set()
    for href, _text in links:
        if _scheme(href) not in {"http", "https"}:
            continue
        host = _host(href)
        if host and host != page_host:
            hosts.add(host)
    signals["external_domains"] = len(hosts)
    evidence["external_domains"] = sorted(hosts)


def _social(links: list[tuple[str, str]], signals: dict, evidence: dict) -> None:
    platforms: set[str] = set()
    social_links: list[str] = []
    share_links: list[str] = []
    for href, _text in links:
        if _is_share_link(href):
            share_links.append(href)
        host = _host(href)
        for domain, platform in SOCIAL_HOSTS.items():
            if host and _host_matches(host, domain):
                platforms.add(platform)
                social_links.append(href)
    signals["social_platforms"] = sorted(platforms)
    signals["share_links"] = len(share_links)
    evidence["social_links"] = social_links
    evidence["share_links"] = share_links


def _is_share_link(href: str) -> bool:
    parts = _split(href)
    if parts is None:
        return False
    if parts.scheme.lower() == "mailto":
        query = parse_qs(parts.query)
        return not parts.path.strip() and bool({"subject", "body"} & {k.lower() for k in query})
    host, path = _host(href) or "", parts.path.lower()
    return (
        (_host_matches(host, "facebook.com") and path.startswith("/sharer"))
        or (
            (_host_matches(host, "twitter.com") or _host_matches(host, "x.com"))
            and path.startswith("/intent")
        )
        or (_host_matches(host, "linkedin.com") and path.startswith(("/sharing", "/sharearticle")))
        or host == "wa.me"
        or (host == "api.whatsapp.com" and path.startswith("/send"))
    )


def _is_about_link(href: str, text: str) -> bool:
    label = _fold(text)
    if any(phrase in label for phrase in ABOUT_TEXTS):
        return True
    parts = _split(href)
    if parts is None:
        return False
    path = _fold(unquote(parts.path))
    return any(part in path for part in ABOUT_PATHS)


def _fold(text: str) -> str:
    return _collapse(fold(text))


# -- contact ----------------------------------------------------------------------------
def _contact(
    tree: LexborHTMLParser, links: list[tuple[str, str]], signals: dict, evidence: dict
) -> None:
    targets = [href for href, _text in links if href.lower().startswith(("mailto:", "tel:"))]
    forms = [form for form in tree.css("form") if form.css_first("textarea") is not None]
    signals["contact"] = bool(targets or forms)
    evidence["contact"] = targets + ["formulaire"] * len(forms)
    addresses = [address for href in targets for address in _mail_addresses(href)]
    phones = [href for href in targets if href.lower().startswith("tel:")]
    signals["noreply_contact"] = (
        bool(addresses)
        and not phones
        and not forms
        and all(address.split("@")[0] in NOREPLY_LOCAL_PARTS for address in addresses)
    )


def _mail_addresses(href: str) -> list[str]:
    if not href.lower().startswith("mailto:"):
        return []
    path = unquote(href[len("mailto:") :].split("?")[0])
    return [part.strip().lower() for part in path.split(",") if "@" in part]


# -- after removing what the reader cannot see ------------------------------------------
def _comment_service(tree: LexborHTMLParser) -> bool:
    if tree.css_first("#disqus_thread") is not None:
        return True
    return any(
        _host_matches(_host(_attr(script, "src")) or "", service)
        for script in tree.css("script[src]")
        for service in COMMENT_SERVICES
    )


def _remove_invisible(tree: LexborHTMLParser) -> None:
    for node in tree.css("[hidden], [aria-hidden]"):
        if "hidden" in node.attributes or _attr(node, "aria-hidden").strip().lower() == "true":
            node.decompose()
    tree.strip_tags(INVISIBLE_TAGS)


def _first_person_rate(words: list[str]) -> float:
    if not words:
        return 0.0
    count = sum(1 for word in words if word.lower().replace("’", "'") in FIRST_PERSON)
    return round(100 * count / len(words), 2)


def _is_comment_named(node: LexborNode) -> bool:
    names = (_attr(node, "id") + " " + _attr(node, "class")).lower()
    return any(name in names for name in COMMENT_NAMES)


def _text_without_headings(node: LexborNode) -> str:
    text = _collapse(node.text(separator=" "))
    for heading in node.css(HEADINGS):
        text = text.replace(_collapse(heading.text(separator=" ")), "", 1)
    return text.strip()


def _comments(tree: LexborHTMLParser, comment_service: bool, signals: dict, evidence: dict) -> None:
    sections = [node for node in tree.css("[id], [class]") if _is_comment_named(node)]
    with_content = any(_text_without_headings(section) for section in sections)
    signals["comments"] = with_content or comment_service or _has_comment_form(tree)
    evidence["comment_items"] = _count_comment_items(sections)


def _has_comment_form(tree: LexborHTMLParser) -> bool:
    for form in tree.css("form"):
        textarea = form.css_first("textarea")
        if textarea is None:
            continue
        names = " ".join(
            [_attr(form, "id"), _attr(form, "class"), _attr(form, "action"),
             _attr(textarea, "name"), _attr(textarea, "id")]
        ).lower()  # fmt: skip
        if any(name in names for name in COMMENT_NAMES):
            return True
        if any(_is_comment_named(parent) for parent in _ancestors(form)):
            return True
    return False


def _count_comment_items(sections: list[LexborNode]) -> int:
    seen: set[int] = set()
    for section in sections:
        for node in section.css("article, li, .comment, .commentaire"):
            if _collapse(node.text()):
                seen.add(node.mem_id)
    return len(seen)


def _headings(tree: LexborHTMLParser, signals: dict, evidence: dict) -> None:
    headings = [
        (int(node.tag[1]), _collapse(node.text(separator=" "))) for node in tree.css(HEADINGS)
    ]
    levels = [level for level, _text in headings]
    signals["headings_ordered"] = (
        bool(levels)
        and levels[0] == 1
        and all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    )
    evidence["headings"] = [list(heading) for heading in headings]


def _author(tree: LexborHTMLParser) -> str | None:
    meta = _collapse(_meta_name(tree, "author"))
    if meta:
        return meta
    for node in tree.css("[rel], [itemprop], [class]"):
        marked = (
            "author" in _tokens(node, "rel")
            or "author" in _tokens(node, "itemprop")
            or bool(AUTHOR_CLASSES & set(_tokens(node, "class")))
        )
        text = _collapse(node.text(separator=" ")) if marked else ""
        if text:
            return text
    return None
