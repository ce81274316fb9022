"""`course audit` as a user runs it: local files, pages served from 127.0.0.1, bad input.

Every failure must be one line on stderr, a non-zero exit and no traceback; the file
audited is never modified.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, run_course

pytestmark = pytest.mark.integration

CORPUS = REPO / "exercises" / "audit" / "corpus"
LATIN1_PAGE = (
    "<html lang='fr'><head><title>Café de la Gare à Orbe</title></head>"
    "<body><h1>Crème brûlée</h1><p>Je vous attends.</p></body></html>"
).encode("cp1252")
PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/ok": (200, {"Content-Type": "text/html; charset=utf-8"},
            b"<html lang='fr-CH'><title>Bonjour</title><a href='https://www.rts.ch/'>RTS</a>"
            b"<a href='/local'>ici</a></html>"),
    "/latin1": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, LATIN1_PAGE),
    "/moved": (301, {"Location": "/ok"}, b""),
    "/loop-a": (302, {"Location": "/loop-b"}, b""),
    "/loop-b": (302, {"Location": "/loop-a"}, b""),
    "/missing": (404, {"Content-Type": "text/html"}, b"<h1>introuvable</h1>"),
    "/broken": (500, {"Content-Type": "text/html"}, b"<h1>erreur</h1>"),
    "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(200)),
    "/huge": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 3000 + b"</p>"),
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow":
            time.sleep(3)
        status, headers, body = PAGES.get(self.path, PAGES["/ok"])
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def _audit(*args: str) -> dict:
    result = run_course("audit", *args, "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _fails(*args: str, message: str) -> None:
    result = run_course("audit", *args, "--json", timeout=60)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message in lines[0], lines[0]


def test_local_file_with_url_sets_https_and_host() -> None:
    page = CORPUS / "association-les-sentiers" / "index.html"
    before = hashlib.sha256(page.read_bytes()).hexdigest()
    report = _audit(str(page), "--url", "https://www.les-sentiers.ch/")
    assert report["signals"]["https"] is True
    assert "les-sentiers.ch" not in report["evidence"]["external_domains"]
    assert hashlib.sha256(page.read_bytes()).hexdigest() == before
    assert _audit(str(page))["signals"]["https"] is None


def test_url_served_locally(server: str) -> None:
    report = _audit(f"{server}/ok")
    assert report["signals"]["https"] is False
    assert report["signals"]["lang"] == "fr-CH"
    assert report["signals"]["external_domains"] == 1  # rts.ch; 127.0.0.1 is the page's host


def test_redirect_gives_the_final_url(server: str) -> None:
    report = _audit(f"{server}/moved")
    assert report["url"].endswith("/ok")
    assert report["signals"]["title"] == "Bonjour"


def test_http_charset_latin1(server: str) -> None:
    report = _audit(f"{server}/latin1")
    assert report["signals"]["title"] == "Café de la Gare à Orbe"
    assert report["encoding"] == "windows-1252"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop-a", "redirect"),
        ("/missing", "HTTP 404"),
        ("/broken", "HTTP 500"),
        ("/image", "not an HTML page"),
    ],
)
def test_bad_urls_fail_in_one_line(server: str, path: str, message: str) -> None:
    _fails(f"{server}{path}", message=message)


def test_timeout_and_size_limits_are_options(server: str) -> None:
    _fails(f"{server}/slow", "--timeout", "0.5", message="no answer within 0.5 s")
    _fails(f"{server}/huge", "--max-bytes", "1000", message="larger than the limit")


def test_unreachable_host_fails_in_one_line() -> None:
    _fails("http://127.0.0.1:9/", message="127.0.0.1:9")


def test_bad_files_fail_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "vide.html"
    empty.write_bytes(b"")
    _fails(str(empty), message="empty")
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    _fails(str(binary), message="binary")
    huge = tmp_path / "enorme.html"
    with huge.open("wb") as handle:
        handle.write(b"<html><body>")
        handle.write(b"<p>nous</p>" * 5_000_000)  # 55 MB
    _fails(str(huge), message="larger than the limit")
    _fails(str(tmp_path / "absent.html"), message="cannot read")
    _fails(str(tmp_path), message="folder")
    _fails("ftp://example.org/page.html", message="cannot read")
