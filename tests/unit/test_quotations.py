"""Quotations « … » in student-facing text must be found in the seeds.

A «…» span of at least five words in the lessons, the exercises (code cells included) and the
index counts as a quotation of a seed (titles of posts included) when it shares a run of
five consecutive words with a seed: the course also uses « » for its own questions,
prompts and invented example messages, which share no such run. A quotation must occur in one seed text
(`../shared/seeds/*.txt`) once whitespace, apostrophes, quotation marks, emphasis, the
spacing of punctuation and the case of its first letter are normalised. A cut
« […] », « (…) », « ... » or « … » splits it into pieces, each of which must occur, in
order. Quotations that are not from the seeds go in ALLOWED, with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.build.typography import _FRONT_MATTER, MASK
from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"
MIN_WORDS = 5
SHARED_RUN = 5  # consecutive words in common with a seed that make a span a quotation

# (normalised start of the quotation, reason): quotations not taken from the seeds.
ALLOWED: list[tuple[str, str]] = [
    ("Si la confiance est à la fois le point de départ", "a question of the course to the room"),
    ("Ce que je peux vraiment gérer dans une communauté", "a sentence the learners complete"),
    ("Quelle information, qui n'est pas un chiffre", "a question of the course to the room"),
    ("Des mesures ont été prises afin de garantir", "an invented institutional message (02)"),
    ("Merci, c'est ce que je voulais savoir", "an invented forum message (01's ski thread)"),
]


def student_texts() -> list[Path]:
    return sorted(
        [*REPO.glob("modules/*/lecon.md"), *REPO.glob("source/*/exercice.md"), REPO / "index.md"]
    )


_CUT = re.compile(r"\[[^\]]*\]|\((?:…|\.\.\.)\)|…|\.\.\.")
_QUOTES = re.compile('[«»“”„"‹›]')
_APOSTROPHES = re.compile("[’‘ʼ`´]")
_DASHES = re.compile("[–—−‑]")
_SPACE_BEFORE = re.compile(r"\s+([,.:;!?)])")
_SPACE_AFTER = re.compile(r"([(])\s+")


def normalise(text: str) -> str:
    text = _APOSTROPHES.sub("'", text)
    text = _QUOTES.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = re.sub(r"\*+|(?<!\w)_+|_+(?!\w)", "", text)  # markdown emphasis
    text = re.sub(r"\s+", " ", text)  # all whitespace, no-break spaces included
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return text.strip()


def pieces(quotation: str) -> list[str]:
    """The normalised pieces of a quotation between its cuts."""
    out = []
    for piece in _CUT.split(quotation):
        piece = normalise(piece).strip(" ,.;:")
        if piece:
            out.append(piece[0].lower() + piece[1:])
    return out


def _lower_initials(text: str) -> str:
    """The case of a first letter is free: lower the initial of every word."""
    return re.sub(r"(?<![\w'])(\w)", lambda m: m.group(1).lower(), text)


def prepare_seed(text: str) -> str:
    return _lower_initials(normalise(text))


def _seeds() -> list[str]:
    return [prepare_seed(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def found_in(quotation: str, seeds: list[str]) -> bool:
    wanted = [_lower_initials(p) for p in pieces(quotation)]
    for seed in seeds:
        at = 0
        for piece in wanted:
            at = seed.find(piece, at)
            if at < 0:
                break
            at += len(piece)
        else:
            return True
    return False


def quotations(text: str) -> list[tuple[int, str]]:
    """(line, inner text) of the outermost «…» spans of a MyST file, code cells included
    (a quiz option can quote a seed), front matter excluded."""
    front = _FRONT_MATTER.match(text)
    view = MASK * front.end() + text[front.end() :] if front else text
    out = []
    depth, start = 0, 0
    for i, char in enumerate(view):
        if char == "«":
            if depth == 0:
                start = i
            depth += 1
        elif char == "»" and depth:
            depth -= 1
            if depth == 0:
                inner = text[start + 1 : i]
                if MASK not in view[start:i] and len(inner) < 2000:
                    out.append((text.count("\n", 0, start) + 1, inner))
    return out


def _allowed(quotation: str) -> bool:
    text = normalise(quotation)
    return any(text.startswith(start) for start, _reason in ALLOWED)


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return {tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}


def mismatches(everything: bool = False) -> list[tuple[str, int, str]]:
    """Seed quotations not found in the seeds; with `everything`, all unmatched spans."""
    seeds = _seeds()
    seed_runs = set().union(*(_runs(seed) for seed in seeds))
    out = []
    for path in student_texts():
        if not path.exists():
            continue
        for line, inner in quotations(path.read_text(encoding="utf-8")):
            words = re.findall(r"\w+", _CUT.sub(" ", inner))
            if len(words) < MIN_WORDS or (_allowed(inner) and not everything):
                continue
            if found_in(inner, seeds):
                continue
            if everything or _runs(_lower_initials(normalise(_CUT.sub(" ", inner)))) & seed_runs:
                out.append((str(path.relative_to(REPO)), line, normalise(inner)))
    return out


# ------------------------------------------------------------------ the matcher itself

SEED = [
    "Les marchés sont des conversations. Le web a rendu l'entreprise poreuse, et (ça) change tout?"
]


@pytest.mark.parametrize(
    "quotation",
    [
        "les marchés sont des conversations",
        "Le web a rendu l’entreprise poreuse",  # typographic apostrophe
        "le web\u00a0a rendu\nl'entreprise poreuse",  # whitespace
        "Le web a rendu […] poreuse",  # a cut
        "Le web a rendu (…) poreuse",
        "Le web a rendu ... poreuse",
        "et (ça) change tout\u202f?",  # the spacing of the question mark
        "Les *marchés* sont des conversations",  # emphasis
    ],
)
def test_quotations_that_match(quotation):
    assert found_in(quotation, [prepare_seed(s) for s in SEED])


@pytest.mark.parametrize(
    "quotation",
    [
        "les marchés sont des relations",
        "poreuse […] Le web a rendu",  # pieces out of order
        "le web a rendu l'entreprise ouverte",
    ],
)
def test_quotations_that_do_not_match(quotation):
    assert not found_in(quotation, [prepare_seed(s) for s in SEED])


def test_quotations_are_found_in_text_and_code_but_not_front_matter():
    text = (
        "---\na: « pas ceci »\n---\nIl dit « ceci est cité »\n```{code-cell}\nx = '« là »'\n```\n"
    )
    assert quotations(text) == [(4, " ceci est cité "), (6, " là ")]


# ------------------------------------------------------------------ the course's text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are not beside the repository")
def test_quotations_come_from_the_seeds():
    found = mismatches()
    assert not found, "quotations not found in the seeds:\n" + "\n".join(
        f"{path}:{line}: « {text} »" for path, line, text in found
    )


if __name__ == "__main__":  # every unmatched span of five words or more, to review by eye
    for path, line, text in mismatches(everything=True):
        print(f"{path}:{line}: « {text} »")
