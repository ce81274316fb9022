"""Every slide of every deck can be read in a room (issue 18), measured in Chromium at 1280×720.

The rules live in grader/slides/readability.py. Two fixture decks, written here, prove
that the check passes a readable deck and fails each kind of unreadable slide; the real
decks are then measured one by one.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from PIL import Image, PngImagePlugin

from grader.slides import export_lesson, find_lessons
from grader.slides.readability import LABEL_KEY, deck_problems, measure_deck

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_LESSONS = find_lessons(REPO_ROOT / "modules")

# Decks whose content is still being cut down to what a room must see (issue 18).
# strict: a deck that becomes readable fails here until it is removed from this set.
NOT_YET_READABLE: set[str] = set()

SLIDE = '+++ {"slideshow": {"slide_type": "slide"}}\n\n'
GOOD_DECK = (
    f"{SLIDE}# Une leçon lisible\n\nTrois idées, pas plus.\n\n"
    f"{SLIDE}## Une liste courte\n\n- une idée\n- une autre idée\n- une dernière\n\n"
    f"{SLIDE}## Une figure\n\n![Figure lisible](images/grande.png)\n"
)
BAD_DECK = (
    f"{SLIDE}# Une leçon illisible\n\n"
    f"{SLIDE}## Un mur de texte\n\n"
    + "".join(f"- point numéro {n} qui prend toute une ligne à lui seul\n" for n in range(14))
    + f"\n{SLIDE}## En petit\n\n<div style='font-size: 12px'>Texte minuscule.</div>\n\n"
    f"{SLIDE}## Ponctuation\n\nPourquoi<br>? Parce que le texte dit «<br>bonjour ».\n\n"
    f"{SLIDE}## Une figure\n\n![Figure minuscule](images/petite.png)\n"
)


def _figure(path: Path, label_px: float) -> None:
    """A PNG 1000 px wide that declares its smallest label, as the figure scripts do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    info = PngImagePlugin.PngInfo()
    info.add_text(LABEL_KEY, str(label_px))
    Image.new("RGB", (1000, 400), "white").save(path, pnginfo=info)


def _deck(tmp_path: Path, name: str, text: str) -> Path:
    lesson = tmp_path / name / "lecon.ipynb"
    _figure(lesson.parent / "images" / "grande.png", 40)
    _figure(lesson.parent / "images" / "petite.png", 10)
    nbformat.write(jupytext.reads(text, fmt="md:myst"), lesson)
    return export_lesson(lesson, tmp_path / "out")


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_readable_deck_passes(page, tmp_path: Path) -> None:
    reports = measure_deck(page, _deck(tmp_path, "98-lisible", GOOD_DECK).as_uri())
    assert len(reports) == 3
    assert deck_problems(reports) == []
    assert min(r.min_body_px for r in reports if r.min_body_px) >= 28


def test_each_unreadable_slide_fails(page, tmp_path: Path) -> None:
    reports = measure_deck(page, _deck(tmp_path, "97-illisible", BAD_DECK).as_uri())
    by_heading = {r.heading.strip(): r.problems() for r in reports}
    assert by_heading["Une leçon illisible"] == []
    wall = " ".join(by_heading["Un mur de texte"])
    assert "lines of body text" in wall and "outside the slide" in wall
    assert "px < 28" in " ".join(by_heading["En petit"])
    punctuation = " ".join(by_heading["Ponctuation"])
    assert "'? Parce que" in punctuation and "«'" in punctuation
    assert "labels at" in " ".join(by_heading["Une figure"])


@pytest.mark.parametrize(
    "lesson",
    [
        pytest.param(
            path,
            marks=pytest.mark.xfail(
                path.parent.name in NOT_YET_READABLE, reason="content not cut yet", strict=True
            ),
        )
        for path in REAL_LESSONS
    ],
    ids=lambda path: path.parent.name,
)
def test_every_slide_of_the_deck_is_readable(page, lesson: Path, tmp_path: Path) -> None:
    reports = measure_deck(page, export_lesson(lesson, tmp_path).as_uri())
    found = deck_problems(reports)
    assert found == [], f"{len(found)} problem(s):\n" + "\n".join(found)
