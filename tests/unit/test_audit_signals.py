"""The audit engine against expected values written by hand from docs/audit-signals.md.

The expected files (tests/fixtures/audit/) were derived from the markup and the written
definitions, independently of the engine; see tests/fixtures/audit/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercises.audit import audit_html, audit_page
from exercises.audit.corpus import CORPUS, sites
from exercises.audit.page import decode
from tests.conftest import REPO

pytestmark = pytest.mark.unit

FIXTURES = REPO / "tests" / "fixtures" / "audit"
CONTRACT_KEYS = {
    "lang", "title", "viewport", "https", "h1_count", "images", "images_missing_alt", "feeds",
    "open_graph_complete", "external_domains", "contact", "social_platforms", "comments",
    "first_person_per_100_words",
}  # fmt: skip
EXTRA_KEYS = {
    "meta_description", "headings_ordered", "word_count", "latest_date", "about_page",
    "author", "share_links", "forms", "noreply_contact",
}  # fmt: skip
EXPECTED = sorted((FIXTURES / "expected").glob("*.json"))
CONTRACT = sorted((FIXTURES / "contract").glob("*.json"))


def _compare(actual: dict, expected: dict, where: str) -> None:
    wrong = {
        key: {"expected": value, "engine": actual.get(key)}
        for key, value in expected.items()
        if actual.get(key) != value
    }
    assert not wrong, f"{where}: {json.dumps(wrong, ensure_ascii=False)}"


def test_corpus_is_large_enough_and_described() -> None:
    slugs = [site.slug for site in sites()]
    assert len(slugs) >= 8
    assert sorted(slugs) == sorted(path.stem for path in EXPECTED)
    for site in sites():
        assert site.page.is_file(), site.page


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda path: path.stem)
def test_corpus_page_signals(expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    page = CORPUS / expected_file.stem / "index.html"
    report = audit_page(page, url=expected["url"])
    assert set(report["signals"]) >= CONTRACT_KEYS | EXTRA_KEYS
    assert set(expected["signals"]) >= CONTRACT_KEYS, "the oracle must pin every contract key"
    _compare(report["signals"], expected["signals"], expected_file.stem)


@pytest.mark.parametrize("expected_file", CONTRACT, ids=lambda path: path.stem)
def test_contract_edge_case(expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    raw = expected_file.with_suffix(".html").read_bytes()
    text, _encoding = decode(raw, expected.get("http_charset"), expected_file.name)
    report = audit_html(text, url=expected.get("url"))
    _compare(report["signals"], expected["signals"], expected_file.stem)


def test_there_are_enough_contract_cases() -> None:
    assert len(CONTRACT) >= 14


def test_gaming_page_does_not_fool_the_conversation_signals() -> None:
    signals = audit_page(CORPUS / "buzzmax-agence" / "index.html")["signals"]
    assert signals["comments"] is False  # an empty comment block is not a conversation
    assert signals["noreply_contact"] is True
    assert signals["contact"] is True  # the contract counts any mailto, noreply or not
    cafe = audit_page(CORPUS / "association-les-sentiers" / "index.html")["signals"]
    assert signals["first_person_per_100_words"] > cafe["first_person_per_100_words"]


def test_latin1_corpus_page_reads_correctly() -> None:
    report = audit_page(CORPUS / "boulangerie-du-bourg" / "index.html")
    assert report["encoding"] == "windows-1252"
    assert "\ufffd" not in report["evidence"]["excerpt"]
    assert any(char in report["evidence"]["excerpt"] for char in "éèàç")


def test_bom_wins_over_a_wrong_meta_charset() -> None:
    raw = "\ufeff<meta charset='iso-8859-1'><title>Dégustation</title>".encode()
    text, encoding = decode(raw, None, "bom")
    assert "Dégustation" in text and encoding.startswith("utf-8")


def test_invisible_text_is_not_counted() -> None:
    signals = audit_html(
        "<body><p>Bonjour à vous</p><p hidden>je je je</p><div aria-hidden='true'>nous</div>"
        "<script>var je = 1;</script><style>.je{}</style><noscript>moi</noscript></body>"
    )["signals"]
    assert signals["word_count"] == 3
    assert signals["first_person_per_100_words"] == 0.0


def test_malformed_addresses_match_nothing_and_never_crash() -> None:
    html = (
        "<html><head><link rel='canonical' href='https://[canon'></head><body>"
        "<a href='http://[oops'>à propos</a><a href='https://[::1/partager'>x</a>"
        "<a href='https://www.facebook.com/sharer/?u=[x'>partager</a>"
        "<a href='https://exemple.ch/'>ailleurs</a></body></html>"
    )
    report = audit_html(html, url="http://[x")
    signals = report["signals"]
    assert signals["https"] is None
    assert signals["external_domains"] == 2
    assert report["evidence"]["external_domains"] == ["exemple.ch", "facebook.com"]
    assert signals["share_links"] == 1
    assert signals["about_page"] is True  # by its text; the broken address is not read
    assert audit_html(html, url="https://[x")["signals"]["https"] is None
