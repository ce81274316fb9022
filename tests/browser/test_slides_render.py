"""The fixture's slides render in Chromium with the network cut off.

Proves the HTML is really self-contained: any request that is not file:// or
data: is aborted and recorded, and the test fails if one was attempted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.slides import export_lesson

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "lessons" / "99-fixture" / "lecon.ipynb"
LOCAL_SCHEMES = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def slides_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_lesson(FIXTURE, tmp_path_factory.mktemp("slides"))


@pytest.fixture
def offline_page(chromium):
    """Yield (page, blocked URLs, page errors) in a Chromium context with no network."""
    blocked: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        context.route("**/*", guard)  # context-wide: covers the speaker-view popup too
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, blocked, errors
    finally:
        context.close()


def _wait_ready(page) -> None:
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)


def test_first_slide_renders_offline(slides_html: Path, offline_page, tmp_path: Path) -> None:
    from PIL import Image as image_module  # in the test extra

    page, blocked, errors = offline_page
    page.goto(slides_html.as_uri())
    _wait_ready(page)

    shot = tmp_path / "first-slide.png"
    page.screenshot(path=str(shot))

    assert blocked == [], f"network requests attempted: {blocked}"
    assert errors == [], f"JavaScript errors: {errors}"
    assert page.evaluate("Reveal.hasPlugin('notes')") is True
    assert page.evaluate("Reveal.getTotalSlides()") == 5
    title = page.locator("section.present h1")
    assert title.is_visible()
    assert "Leçon témoin" in title.text_content()
    fonts = page.evaluate(
        "[...document.querySelectorAll('section.present h1, section.present p')]"
        ".map(e => getComputedStyle(e).fontFamily)"
    )
    assert len(fonts) >= 2 and len(set(fonts)) == 1, fonts  # one typeface family

    with image_module.open(shot) as image:
        grey = image.convert("L")
        colours = grey.getcolors(maxcolors=256) or []
        dark = sum(count for value, count in colours if value < 128)
    assert len(colours) > 10, "screenshot looks blank"
    assert dark > 500, "no readable text on the first slide"


def test_speaker_view_shows_notes(slides_html: Path, offline_page) -> None:
    page, blocked, errors = offline_page
    page.goto(slides_html.as_uri())
    _wait_ready(page)
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_function(
        "() => (document.querySelector('.speaker-controls-notes .value') || {})"
        '.textContent?.includes("Notes de l\'orateur")',
        timeout=20_000,
    )
    labels = speaker.evaluate("[...document.querySelectorAll('.label')].map(e => e.textContent)")
    assert "À suivre" in labels and "Notes de l’orateur" in labels, labels
    assert any(label.startswith("Temps") for label in labels), labels
    assert not {"Upcoming", "Notes"} & {label.strip() for label in labels}
    assert blocked == [], f"network requests attempted: {blocked}"
    assert errors == [], f"JavaScript errors: {errors}"
