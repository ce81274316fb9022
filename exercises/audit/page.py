"""Reading a page to audit, from a file or a URL, with limits and honest encodings.

Everything that can go wrong here raises :class:`AuditError` with a one-line message: the
CLI prints it on stderr and exits non-zero; nothing here ever writes to the file it reads.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import httpx
from bs4.dammit import EncodingDetector

MAX_BYTES = 5_000_000
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 10
USER_AGENT = "course-communautes-audit/1.0 (+https://github.com/; teaching tool)"

# WHATWG Encoding Standard: browsers read these labels as windows-1252.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class AuditError(Exception):
    """A page that cannot be audited; the message is one line meant for the user."""


@dataclass(frozen=True)
class Page:
    """A decoded page and where it came from."""

    text: str
    source: str
    url: str | None
    encoding: str
    size: int


def load_file(path: Path, url: str | None = None, max_bytes: int = MAX_BYTES) -> Page:
    """Read a local HTML file; ``url`` says where the page lives on the web, if known."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise AuditError(f"cannot read {path}: {error.strerror or error}") from None
    if path.is_dir():
        raise AuditError(f"{path} is a folder, not an HTML file")
    _check_size(size, max_bytes, str(path))
    data = path.read_bytes()
    text, encoding = decode(data, None, str(path))
    return Page(text, str(path), url, encoding, size)


def load_url(url: str, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> Page:
    """Fetch a page over http(s), following at most ``MAX_REDIRECTS`` redirects."""
    if not url.lower().startswith(("http://", "https://")):
        raise AuditError(f"not an http(s) URL: {url}")
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    try:
        with (
            httpx.Client(
                follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout, headers=headers
            ) as client,
            client.stream("GET", url) as response,
        ):
            _check_response(response, url, max_bytes)
            data = _read_limited(response, max_bytes, url)
            final_url = str(response.url)
            charset = response.charset_encoding
    except httpx.TooManyRedirects:
        raise AuditError(f"{url}: more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise AuditError(f"{url}: no answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise AuditError(f"{url}: {type(error).__name__}: {error}") from None
    text, encoding = decode(data, charset, url)
    return Page(text, url, final_url, encoding, len(data))


def _check_response(response: httpx.Response, url: str, max_bytes: int) -> None:
    if response.status_code >= 400:
        raise AuditError(f"{url}: the server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in _HTML_TYPES:
        raise AuditError(f"{url}: not an HTML page (Content-Type {content_type})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit():
        _check_size(int(declared), max_bytes, url)


def _read_limited(response: httpx.Response, max_bytes: int, url: str) -> bytes:
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        _check_size(received, max_bytes, url)
        chunks.append(chunk)
    return b"".join(chunks)


def _check_size(size: int, max_bytes: int, where: str) -> None:
    if size > max_bytes:
        raise AuditError(
            f"{where}: the page is larger than the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)"
        )


def decode(data: bytes, http_charset: str | None, where: str) -> tuple[str, str]:
    """Bytes to ``(text, encoding)``: BOM, HTTP charset, <meta>, UTF-8, then windows-1252."""
    if not data.strip():
        raise AuditError(f"{where}: the page is empty")
    encoding = _encoding_of(data, http_charset)
    text = data.decode(encoding, errors="replace").removeprefix("\ufeff")
    if _looks_binary(text[:1024]):
        raise AuditError(f"{where}: binary content, not an HTML page")
    return text, encoding


def _looks_binary(head: str) -> bool:
    """NUL bytes, or more than 5 % control or undecodable characters, at the start."""
    odd = sum(1 for char in head if char == "\ufffd" or (char < " " and char not in "\t\n\r\f"))
    return "\x00" in head or odd > 0.05 * len(head)


def _encoding_of(data: bytes, http_charset: str | None) -> str:
    """The encoding a browser would use, as a Python codec name."""
    _, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    for label in (bom_encoding, http_charset, EncodingDetector.find_declared_encoding(data, True)):
        name = _codec(label)
        if name:
            return name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _codec(label: str | None) -> str | None:
    """A known codec for an encoding label, read as browsers read it; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name == "utf-8-sig" else name
