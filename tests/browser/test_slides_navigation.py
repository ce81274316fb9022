"""A presenter's remote never skips a slide, and every slide says its number (issue 18).

Remotes send →, PageDown or Space; with reveal.js's default grid navigation → jumps
over vertical subslides (58 of the 187 slides, with 48 of the notes). The fixture
lesson has one vertical subslide, so a skipped slide shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.slides import export_lesson

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "lessons" / "99-fixture" / "lecon.ipynb"


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_lesson(FIXTURE, tmp_path_factory.mktemp("slides"))


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    try:
        yield context.new_page()
    finally:
        context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    page.evaluate("Reveal.configure({transition: 'none'})")


def _position(page) -> tuple[int, int, int]:
    return tuple(
        page.evaluate(
            "[Reveal.getIndices().h, Reveal.getIndices().v || 0, Reveal.getIndices().f ?? -1]"
        )
    )


@pytest.mark.parametrize("key", ["ArrowRight", "PageDown", " "])
def test_next_visits_every_slide_in_order(page, deck: Path, key: str) -> None:
    _open(page, deck.as_uri())
    expected = page.evaluate(
        "Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })"
    )
    assert any(v for _, v in expected), "the fixture must have a vertical subslide"
    visited = [_position(page)[:2]]
    for _ in range(40):  # fragments take key presses too
        page.keyboard.press(key)
        here = _position(page)[:2]
        if here != visited[-1]:
            visited.append(here)
        if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
    assert [list(v) for v in visited] == expected


def test_slide_numbers_on_screen(page, deck: Path) -> None:
    _open(page, deck.as_uri())
    total = page.evaluate("Reveal.getTotalSlides()")
    number = page.locator(".slide-number")
    assert number.is_visible()
    assert number.inner_text().replace(" ", "") == f"1/{total}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert number.inner_text().split("/")[0].strip() != "1"


def test_slide_numbers_and_one_page_per_slide_in_print(page, deck: Path) -> None:
    page.emulate_media(media="print")
    page.goto(deck.as_uri() + "?print-pdf")
    page.wait_for_function("() => document.querySelector('.pdf-page')", timeout=20_000)
    total = page.evaluate("Reveal.getTotalSlides()")
    pages = page.locator(".pdf-page")
    assert pages.count() == total  # fragments printed once, no slide split over two pages
    numbers = page.evaluate(
        "[...document.querySelectorAll('.pdf-page .slide-number-pdf')].map(e => e.textContent)"
    )
    assert len(numbers) == total and numbers[0].startswith("1")
    # A printed page says where it stands in the deck, as the screen does.
    assert numbers == [f"{n} / {total}" for n in range(1, total + 1)]
