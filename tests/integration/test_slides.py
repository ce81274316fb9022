"""Lesson notebooks become self-contained reveal.js slides that need no network.

Built from the fixture lesson and from every real lesson under ``modules/`` (the
parametrization picks new lessons up as they are committed).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from grader.slides import SlidesError, export_all, export_lesson, find_lessons, output_name
from grader.slides.export import REVEAL_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIR = REPO_ROOT / "tests" / "fixtures" / "lessons" / "99-fixture"
FIXTURE = FIXTURE_DIR / "lecon.ipynb"
MODULES_DIR = REPO_ROOT / "modules"
REAL_LESSONS = find_lessons(MODULES_DIR) if MODULES_DIR.is_dir() else []
LESSONS = [FIXTURE, *REAL_LESSONS]

REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
REMOTE_IMPORT = re.compile(
    r"""\bimport\s*(?:\(\s*|[\w{}*$,\s]+\bfrom\s*)["'](?:https?:)?//""", re.IGNORECASE
)
REMOTE_CSS = re.compile(r"""(?:@import\s+|url\(\s*)["']?(?:https?:)?//""", re.IGNORECASE)


def _lesson_id(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


@pytest.fixture(scope="module", params=LESSONS, ids=_lesson_id)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Export one lesson once per module; yield (html path, parsed soup)."""
    html = export_lesson(request.param, tmp_path_factory.mktemp("slides"))
    return html, BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="module")
def fixture_soup(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    """The fixture lesson, with a stray output added to its untagged cell (which slides drop).

    The output is added here rather than committed: committed notebooks carry no outputs
    except in cells tagged keep_output.
    """
    lesson_dir = tmp_path_factory.mktemp("lesson") / FIXTURE_DIR.name
    shutil.copytree(FIXTURE_DIR, lesson_dir)
    nb = json.loads((lesson_dir / "lecon.ipynb").read_text("utf-8"))
    stray = next(c for c in nb["cells"] if "sortie parasite" in "".join(c["source"]))
    stray["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["SORTIE_PARASITE\n"]}]
    (lesson_dir / "lecon.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    html = export_lesson(lesson_dir / "lecon.ipynb", tmp_path_factory.mktemp("fixture"))
    return BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")


# --- every lesson --------------------------------------------------------------------


@pytest.mark.integration
def test_one_html_file_named_after_module(built) -> None:
    html, _ = built
    assert html.is_file()
    assert html.suffix == ".html"
    assert re.match(r"^\d{2}-[\w.-]+\.html$", html.name), html.name


@pytest.mark.integration
def test_nothing_loaded_from_the_network(built) -> None:
    _, soup = built
    for tag in soup.select("script[src]"):
        assert not REMOTE.match(tag["src"]), tag["src"]
    for tag in soup.select("link[href]"):
        assert not REMOTE.match(tag["href"]), tag["href"]
    for tag in soup.select("img[src], iframe[src], source[src], video[src], audio[src]"):
        assert not REMOTE.match(tag["src"]), tag["src"]
    for script in soup.find_all("script"):
        assert not REMOTE_IMPORT.search(script.get_text()), script.get_text()[:200]
    for style in soup.find_all("style"):
        assert not REMOTE_CSS.search(style.get_text())


@pytest.mark.integration
def test_single_file_without_external_scripts_or_styles(built) -> None:
    _, soup = built
    assert soup.select("script[src]") == []
    assert soup.select("link[rel=stylesheet]") == []
    scripts = " ".join(script.get_text() for script in soup.find_all("script"))
    for unwanted in ("MathJax.Hub", "requirejs", "mermaid.initialize", "jQuery"):
        assert unwanted not in scripts


@pytest.mark.integration
def test_reveal_and_notes_plugin_inlined(built) -> None:
    _, soup = built
    scripts = [script.get_text() for script in soup.find_all("script")]
    assert any("reveal.js 5." in text and "Reveal=" in text for text in scripts)
    assert any("RevealNotes=" in text for text in scripts)
    assert any("Reveal.initialize" in text and "RevealNotes" in text for text in scripts)
    styles = " ".join(style.get_text() for style in soup.find_all("style"))
    assert ".reveal .slides" in styles
    assert "--r-background-color" in styles  # the theme
    assert soup.select_one("div.reveal > div.slides > section") is not None


@pytest.mark.integration
def test_images_are_data_uris(built) -> None:
    _, soup = built
    for img in soup.find_all("img"):
        assert img["src"].startswith("data:"), img["src"][:80]


@pytest.mark.integration
def test_french_document(built) -> None:
    _, soup = built
    assert soup.html["lang"] == "fr"
    assert soup.find("meta", charset=True)["charset"].lower() == "utf-8"


# --- the fixture lesson ---------------------------------------------------------------


@pytest.mark.integration
def test_fixture_output_name() -> None:
    assert output_name(FIXTURE) == "99-fixture.html"


@pytest.mark.integration
def test_fixture_speaker_notes(fixture_soup: BeautifulSoup) -> None:
    notes = [aside.get_text(" ", strip=True) for aside in fixture_soup.select("aside.notes")]
    assert any("Notes de l'orateur : présenter le déroulé" in text for text in notes)


@pytest.mark.integration
def test_fixture_structure(fixture_soup: BeautifulSoup) -> None:
    slides = fixture_soup.select("div.slides > section")
    assert len(slides) == 4
    assert len(fixture_soup.select("div.slides > section > section")) == 5  # 1 subslide
    assert len(fixture_soup.select(".fragment")) == 2
    assert "Leçon témoin" in fixture_soup.title.get_text()
    assert "« guillemets »" in fixture_soup.get_text()


@pytest.mark.integration
def test_fixture_image_embedded(fixture_soup: BeautifulSoup) -> None:
    images = fixture_soup.find_all("img", alt="Un point bleu")
    assert len(images) == 1
    assert images[0]["src"].startswith("data:image/png;base64,")


@pytest.mark.integration
def test_fixture_tags_and_outputs(fixture_soup: BeautifulSoup) -> None:
    text = str(fixture_soup)
    assert "collections.Counter" not in text  # hide-input
    assert "Counter({" in text  # output kept: keep_output
    assert "SORTIE_PARASITE" not in text  # untagged output dropped
    assert "SECRET_DE_TEST" not in text  # remove-cell
    assert "ignorée dans les diapositives" not in text  # slide_type skip


# --- API behaviour ---------------------------------------------------------------------


@pytest.mark.integration
def test_invalid_json_raises_slides_error(tmp_path: Path) -> None:
    broken = tmp_path / "98-casse" / "lecon.ipynb"
    broken.parent.mkdir()
    broken.write_text('{"cells": [\n  oups\n', encoding="utf-8")
    with pytest.raises(SlidesError) as info:
        export_lesson(broken, tmp_path / "out")
    message = str(info.value)
    assert str(broken) in message and "JSON" in message
    assert "\n" not in message
    assert not (tmp_path / "out" / "98-casse.html").exists()


@pytest.mark.integration
def test_missing_image_raises_slides_error(tmp_path: Path) -> None:
    lesson = tmp_path / "97-image" / "lecon.ipynb"
    lesson.parent.mkdir()
    nb = json.loads(FIXTURE.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "markdown"][:3]
    lesson.write_text(json.dumps(nb), encoding="utf-8")  # images/dot.png not copied
    with pytest.raises(SlidesError, match=r"images/dot\.png.*offline"):
        export_lesson(lesson, tmp_path / "out")


@pytest.mark.unit
def test_output_names() -> None:
    assert output_name(Path("modules/01-cluetrain/lecon.ipynb")) == "01-cluetrain.html"
    assert output_name(Path("modules/01-cluetrain/annexe.ipynb")) == "01-cluetrain-annexe.html"
    assert output_name(Path("ailleurs/brouillon.ipynb")) == "brouillon.html"


@pytest.mark.unit
def test_find_lessons(tmp_path: Path) -> None:
    for rel in (
        "02-b/lecon.ipynb",
        "01-a/lecon.ipynb",
        "01-a/annexe.ipynb",
        "01-a/.ipynb_checkpoints/lecon-checkpoint.ipynb",
        "01-a/images/pas-une-lecon.ipynb",
        "brouillons/lecon.ipynb",
        "03-c/lisezmoi.md",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in find_lessons(tmp_path)]
    assert found == ["01-a/annexe.ipynb", "01-a/lecon.ipynb", "02-b/lecon.ipynb"]


@pytest.mark.unit
def test_find_lessons_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(SlidesError, match="not found"):
        find_lessons(tmp_path / "absent")


@pytest.mark.integration
def test_export_all_reports_progress(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    shutil.copytree(FIXTURE_DIR, modules / "01-premier")
    shutil.copytree(FIXTURE_DIR, modules / "02-second")
    shutil.copy(FIXTURE, modules / "02-second" / "exercices.ipynb")
    seen: list[Path] = []
    written = export_all(modules, tmp_path / "site", on_progress=seen.append)
    assert [p.name for p in written] == [
        "01-premier.html",
        "02-second-exercices.html",
        "02-second.html",
    ]
    assert seen == written
    assert all(p.is_file() for p in written)


@pytest.mark.unit
def test_vendored_assets_live_in_the_package() -> None:
    expected = {
        "LICENSE",
        "README.md",
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/theme/white.css",
        "plugin/notes/notes.js",
    }
    present = {p.relative_to(REVEAL_DIR).as_posix() for p in REVEAL_DIR.rglob("*") if p.is_file()}
    assert present == expected
    theme = (REVEAL_DIR / "dist" / "theme" / "white.css").read_text(encoding="utf-8")
    assert "@import" not in theme


@pytest.mark.integration
def test_detail_cells_are_notes_on_the_slide_they_follow(fixture_soup: BeautifulSoup) -> None:
    """Reading text tagged ``detail``: off the slide, in the speaker notes of its slide."""
    reading = "Texte de lecture : l'élève le lit dans la leçon"
    slide = next(
        s for s in fixture_soup.select("div.slides section") if "Un réseau, des nœuds" in s.text
    )
    notes = " ".join(aside.get_text(" ", strip=True) for aside in slide.select("aside.notes"))
    assert reading in notes
    shown = slide.get_text(" ", strip=True)
    for aside in slide.select("aside.notes"):
        shown = shown.replace(aside.get_text(" ", strip=True), "")
    assert reading not in shown
