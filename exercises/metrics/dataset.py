"""A fictional brand page, different for every student: publications and their comments.

The page belongs to a fictional cider maker of the Broye vaudoise. ``generate(identifiant)``
derives every number from a SHA-256 hash of the identifier, so each student gets their own
data (answers cannot be copied from a neighbour) and the same identifier always gives the
same data. Only ``random.Random.random()`` is used, the one part of Python's generator whose
sequence is guaranteed not to change between Python versions; every distribution below is
built from it.

Tables (``pandas.DataFrame``):

``publications``
    ``id`` (int, 1…), ``date`` (str, ISO 8601, local time, to the minute), ``auteur``
    (always ``"marque"``), ``type`` (``annonce``, ``question``, ``concours``,
    ``coulisses``), ``texte`` (str), ``likes`` (int).
``commentaires``
    ``id`` (int, 1001…, in chronological order), ``publication_id`` (int),
    ``repond_a`` (``Int64``: the id of the comment answered, ``<NA>`` for a top-level
    comment), ``auteur`` (str, ``"marque"`` for the brand), ``date`` (str, ISO 8601),
    ``est_marque`` (bool, ``auteur == "marque"``), ``texte`` (str).

Guarantees (checked by the unit tests): a reply belongs to the same publication as the
comment it answers and comes strictly after it; every comment comes after its publication;
nobody answers their own comment; the brand never answers itself; each page holds at least
two top-level comments by the brand and one member comment answered twice by the brand.

Command line: ``python -m exercises.metrics.dataset IDENTIFIANT --out DOSSIER``.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

#: The ``auteur`` of everything the brand writes.
BRAND = "marque"
#: The fictional page the data pretends to come from.
PAGE = "Cidrerie des Trois-Tilleuls, Lucens (entreprise fictive)"

PUBLICATION_COLUMNS = ["id", "date", "auteur", "type", "texte", "likes"]
COMMENT_COLUMNS = ["id", "publication_id", "repond_a", "auteur", "date", "est_marque", "texte"]

#: Comment counts accepted for a page; a draw outside is redrawn (deterministically).
COMMENT_RANGE = (300, 800)
_MAX_DRAWS = 50
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"

_FIRST_NAMES = (
    "Léa", "Noémie", "Yannick", "Loïc", "Mathilde", "Joël", "Sandrine", "Cédric", "Aurélie",
    "Valentin", "Chloé", "Gaëlle", "Fabienne", "Jérôme", "Nadia", "Karim", "Sami", "Fatima",
    "Elif", "Luca", "Giulia", "Marco", "Ana", "João", "Priya", "Tenzin", "Florian", "Maude",
    "Ludovic", "Camille", "Océane", "Théo", "Romain", "Lionel", "Nathalie", "Christophe",
    "Pascale", "Raphaël", "Inès", "Yasmine", "Mehdi", "Emma", "Zoé", "Julien", "Pierre-Alain",
    "Marie-Claude", "Jean-Daniel", "Séverine", "Delphine", "Steve", "Kevin", "Jessica",
    "Laetitia", "Sylvie", "Didier", "Alain", "Martine", "Bernadette", "Gilles", "Annick",
)  # fmt: skip
_INITIALS = "ABCDEFGHIJKLMNOPRSTVWZ"


@dataclass(frozen=True)
class PostKind:
    """How one kind of publication behaves: volume of comments, likes, replies."""

    weight: float  # share of publications of this kind
    volume: float  # multiplies the page's mean number of top-level comments
    likes: float  # median number of likes
    brand: float  # multiplies the brand's probability of answering a member
    members: float  # multiplies the probability that a member answers a member
    texts: tuple[str, ...]
    comments: tuple[str, ...]


_KINDS: dict[str, PostKind] = {
    "annonce": PostKind(
        0.38, 0.8, 45, 1.0, 0.8,
        ("Le cidre doux de la nouvelle récolte est arrivé !",
         "Nous serons au marché de Moudon samedi matin.",
         "Nouveaux horaires du magasin à la ferme dès lundi.",
         "Notre jus de pomme-coing est de retour en bouteilles de 1 litre.",
         "Fermeture exceptionnelle vendredi pour la mise en bouteilles.",
         "Dégustation gratuite à la Fête du cidre de Lucens."),
        ("Vous livrez jusqu'à Payerne ?", "Super, on passe samedi !", "Le prix a changé ?",
         "Il reste du cidre brut ?", "On peut payer par TWINT au marché ?",
         "Vous êtes ouverts le dimanche ?", "Miam !", "Et en magnum ?"),
    ),
    "question": PostKind(
        0.24, 1.5, 22, 1.2, 2.2,
        ("Quel cidre servez-vous avec une fondue ? Dites-nous tout !",
         "Vous préférez le cidre brut ou le doux ? Et pourquoi ?",
         "Quelle variété de pommes aimeriez-vous retrouver dans une cuvée ?",
         "Vos meilleures recettes avec du jus de pomme chaud ?",
         "Où aimez-vous boire notre cidre : en terrasse, en pique-nique, à table ?"),
        ("Brut, sans hésiter.", "Avec une fondue moitié-moitié, le brut est parfait.",
         "Moi je le coupe avec de l'eau gazeuse en été.", "La Boskoop, pour l'acidité !",
         "Chez nous, c'est avec les gaufres du dimanche.", "Le doux pour les enfants.",
         "Vous avez essayé avec des marrons chauds ?", "En pique-nique au bord de la Broye."),
    ),
    "concours": PostKind(
        0.16, 3.2, 180, 0.15, 0.25,
        ("CONCOURS : gagnez un panier de cidres ! Aimez la page et identifiez deux amis.",
         "Concours de l'automne : un carton de six bouteilles à gagner !",
         "Tirage au sort vendredi : une visite du pressoir pour quatre personnes."),
        ("Je participe !", "Je tente ma chance !", "Moi moi moi !", "Avec plaisir !",
         "Trop bien, je participe.", "Merci pour le concours !", "Je joue !"),
    ),
    "coulisses": PostKind(
        0.22, 1.0, 55, 0.9, 1.0,
        ("Dans les coulisses : le pressoir tourne depuis 5 h ce matin.",
         "Rencontrez Martine, qui trie les pommes depuis vingt ans.",
         "Les vergers en fleurs, vus du ciel.",
         "Pourquoi notre cidre est trouble : petite explication.",
         "Le nouveau tonneau est arrivé !"),
        ("Magnifique !", "Ça donne envie de venir vous voir.", "Bravo à toute l'équipe !",
         "On peut visiter le pressoir ?", "Quelle belle photo.", "Et ça dure combien de temps ?",
         "Merci pour ces explications."),
    ),
}  # fmt: skip

#: What the brand answers to a member's comment, by the text of that comment.
_ANSWERS: dict[str, tuple[str, ...]] = {
    "Vous livrez jusqu'à Payerne ?": (
        "Oui, dans toute la Broye : commandez par téléphone.",
        "Oui, le jeudi : écrivez-nous en message privé.",
    ),
    "Super, on passe samedi !": ("Avec plaisir, à samedi !", "On vous attend !"),
    "Le prix a changé ?": (
        "Non, toujours le même prix que l'an dernier.",
        "Un peu, à cause de la récolte : les prix sont affichés au magasin.",
    ),
    "Il reste du cidre brut ?": (
        "Oui, encore quelques cartons !",
        "Plus pour le moment : le prochain pressage arrive bientôt.",
    ),
    "On peut payer par TWINT au marché ?": ("Oui, TWINT fonctionne aussi au marché.",),
    "Vous êtes ouverts le dimanche ?": (
        "Non, du mardi au samedi seulement.",
        "Seulement pendant la Fête du cidre !",
    ),
    "Miam !": ("Merci !", "Merci, santé !"),
    "Et en magnum ?": ("Pas encore, mais c'est une idée !",),
    "Magnifique !": ("Merci !", "Merci, on transmet au photographe !"),
    "Ça donne envie de venir vous voir.": ("Avec plaisir, la porte est ouverte le samedi !",),
    "Bravo à toute l'équipe !": ("Merci, on transmet à l'équipe !",),
    "On peut visiter le pressoir ?": (
        "Oui, sur rendez-vous en automne.",
        "Oui, écrivez-nous pour convenir d'une date.",
    ),
    "Quelle belle photo.": ("Merci !",),
    "Et ça dure combien de temps ?": (
        "Environ trois semaines pour toute la récolte.",
        "Quelques heures par jour, pendant un mois.",
    ),
    "Merci pour ces explications.": ("Avec plaisir !",),
    **dict.fromkeys(
        _KINDS["question"].comments,
        ("Merci pour le partage !", "Excellente idée, on note !", "Bonne idée, on essaiera !"),
    ),
    **dict.fromkeys(
        _KINDS["concours"].comments, ("Bonne chance !", "Merci de votre participation !")
    ),
}
#: What the brand answers to anything else (a thank-you, a follow-up question…).
_BRAND_REPLIES = (
    "Avec plaisir !", "Merci à vous !", "À bientôt au magasin !",
    "Merci pour votre message !", "Merci de votre fidélité !",
)  # fmt: skip
_BRAND_TOP_LEVEL = (
    "Précision : le magasin reste ouvert entre midi et deux.",
    "Petit rappel : les bouteilles consignées peuvent être ramenées au magasin.",
    "Merci à toutes et à tous pour vos messages !",
)  # fmt: skip
_FOLLOW_UPS = (
    "Merci pour la réponse !", "Parfait, merci.", "Super, merci !",
    "D'accord, je vous écris en privé.", "Merci beaucoup.",
)  # fmt: skip
_MEMBER_REPLIES = (
    "Pareil pour moi !", "Je confirme.", "Bonne idée, je note.", "Merci pour l'info !",
    "Pas d'accord, mais chacun ses goûts !", "Tu as testé ?", "Ah oui, bien vu.",
)  # fmt: skip


class _Draw:
    """Every distribution the page needs, built on ``random.Random.random()`` alone."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self._random.random()

    def integer(self, low: int, high: int) -> int:
        """An integer between ``low`` and ``high``, both included."""
        return low + min(int(self._random.random() * (high - low + 1)), high - low)

    def chance(self, probability: float) -> bool:
        return self._random.random() < probability

    def exponential(self, mean: float) -> float:
        return -mean * math.log(1.0 - self._random.random())

    def normal(self) -> float:
        """A standard normal draw (Box–Muller)."""
        radius = math.sqrt(-2.0 * math.log(1.0 - self._random.random()))
        return radius * math.cos(2.0 * math.pi * self._random.random())

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.normal())

    def poisson(self, mean: float) -> int:
        """A Poisson draw (product of uniforms; normal approximation for large means)."""
        if mean > 60:
            return max(0, round(mean + math.sqrt(mean) * self.normal()))
        limit, count, product = math.exp(-mean), 0, self._random.random()
        while product > limit:
            count += 1
            product *= self._random.random()
        return count

    def pick(self, items: Sequence):
        return items[self.integer(0, len(items) - 1)]

    def weighted(self, cumulative: Sequence[float]) -> int:
        """An index drawn with the weights whose running sums are ``cumulative``."""
        target = self._random.random() * cumulative[-1]
        return min(bisect.bisect_right(cumulative, target), len(cumulative) - 1)

    def shuffled(self, items: Sequence) -> list:
        result = list(items)
        for i in range(len(result) - 1, 0, -1):
            j = self.integer(0, i)
            result[i], result[j] = result[j], result[i]
        return result


@dataclass(frozen=True)
class _Parameters:
    """What makes one page unlike another."""

    start: datetime
    weeks: int
    posts: int
    members: int
    concentration: float  # Zipf exponent of the members' activity
    volume: float  # mean number of top-level comments under a publication
    brand_reply: float  # probability that the brand answers a member's top-level comment
    delay_median: float  # hours
    delay_spread: float  # sigma of the log-normal delay
    member_reply: float  # probability that a member answers a member's top-level comment
    follow_up: float  # probability that a member answers the brand's reply


def _parameters(draw: _Draw) -> _Parameters:
    start = datetime(2025, 8, 4) + timedelta(weeks=draw.integer(0, 20))
    return _Parameters(
        start=start,
        weeks=draw.integer(16, 26),
        posts=draw.integer(30, 60),
        members=draw.integer(90, 240),
        concentration=draw.uniform(0.8, 1.35),
        volume=draw.uniform(5.0, 10.0),
        brand_reply=draw.uniform(0.2, 0.85),
        delay_median=math.exp(draw.uniform(math.log(0.4), math.log(20.0))),
        delay_spread=draw.uniform(0.9, 1.7),
        member_reply=draw.uniform(0.04, 0.22),
        follow_up=draw.uniform(0.15, 0.55),
    )


@dataclass
class _Comment:
    publication: int
    parent: int | None  # index in the page's list of comments
    author: str
    when: datetime
    text: str
    children: list[int] = field(default_factory=list)


class _Page:
    """Draws one page: its publications, then the threads under each of them."""

    def __init__(self, draw: _Draw, parameters: _Parameters) -> None:
        self.draw = draw
        self.p = parameters
        self.names = self._names()
        weights = [1.0 / (rank + 1) ** parameters.concentration for rank in range(len(self.names))]
        self.cumulative = [sum(weights[: k + 1]) for k in range(len(weights))]
        self.posts: list[dict] = []
        self.comments: list[_Comment] = []

    def _names(self) -> list[str]:
        pool = [f"{first} {initial}." for first in _FIRST_NAMES for initial in _INITIALS]
        return self.draw.shuffled(pool)[: self.p.members]

    def member(self, avoid: str | None = None) -> str:
        while True:
            name = self.names[self.draw.weighted(self.cumulative)]
            if name != avoid:
                return name

    def add(self, post: int, parent: int | None, author: str, when: datetime, text: str) -> int:
        self.comments.append(_Comment(post, parent, author, when, text))
        index = len(self.comments) - 1
        if parent is not None:
            self.comments[parent].children.append(index)
        return index

    def brand_delay(self, after: datetime) -> datetime:
        """When the brand answers: a log-normal delay, and nobody answers at night."""
        hours = self.draw.lognormal(self.p.delay_median, self.p.delay_spread)
        when = after + timedelta(minutes=min(max(round(hours * 60), 2), 240 * 60))
        if when.hour >= 22 or when.hour < 7:
            morning = when.replace(hour=7, minute=0) + timedelta(days=1 if when.hour >= 22 else 0)
            when = morning + timedelta(minutes=self.draw.integer(15, 120))
        return when

    def later(self, after: datetime, mean_hours: float) -> datetime:
        minutes = 1 + int(self.draw.exponential(mean_hours * 60))
        return after + timedelta(minutes=min(minutes, 14 * 24 * 60))

    def draw_posts(self) -> None:
        kinds = list(_KINDS)
        cumulative = [sum(_KINDS[k].weight for k in kinds[: i + 1]) for i in range(len(kinds))]
        days = self.p.weeks * 7
        moments = sorted(
            self.p.start
            + timedelta(days=self.draw.integer(0, days - 1), hours=self.draw.integer(7, 20))
            + timedelta(minutes=5 * self.draw.integer(0, 11))
            for _ in range(self.p.posts)
        )
        for number, when in enumerate(moments, start=1):
            kind = kinds[self.draw.weighted(cumulative)]
            spec = _KINDS[kind]
            likes = round(self.draw.lognormal(spec.likes, 0.55))
            self.posts.append(
                {
                    "id": number,
                    "date": when,
                    "auteur": BRAND,
                    "type": kind,
                    "texte": self.draw.pick(spec.texts),
                    "likes": likes,
                }  # fmt: skip
            )

    def draw_thread(self, post: dict) -> None:
        spec = _KINDS[post["type"]]
        p, draw = self.p, self.draw
        for _ in range(draw.poisson(p.volume * spec.volume)):
            author = self.member()
            when = self.later(post["date"], draw.pick((1.5, 3.0, 6.0, 30.0)))
            top = self.add(post["id"], None, author, when, draw.pick(spec.comments))
            if draw.chance(min(p.brand_reply * spec.brand, 0.97)):
                self.brand_answers(top, spec, depth=1)
            if draw.chance(min(p.member_reply * spec.members, 0.9)):
                other = self.member(avoid=author)
                answer = self.add(
                    post["id"], top, other, self.later(when, 4.0), draw.pick(_MEMBER_REPLIES)
                )
                if draw.chance(0.35):
                    self.add(post["id"], answer, author, self.later(self.comments[answer].when,
                             3.0), draw.pick(_MEMBER_REPLIES))  # fmt: skip
        if draw.chance(0.12):
            self.brand_top_level(post)

    def brand_answers(self, comment: int, spec: PostKind, depth: int) -> None:
        p, draw = self.p, self.draw
        asked = self.comments[comment]
        answers = _ANSWERS.get(asked.text, _BRAND_REPLIES)
        reply = self.add(
            asked.publication, comment, BRAND, self.brand_delay(asked.when), draw.pick(answers)
        )
        if draw.chance(0.05):
            self.add(
                asked.publication,
                comment,
                BRAND,
                self.later(self.comments[reply].when, 5.0),
                draw.pick(_BRAND_REPLIES),
            )
        if depth < 3 and draw.chance(p.follow_up):
            back = self.add(
                asked.publication, reply, asked.author,
                self.later(self.comments[reply].when, 3.0), draw.pick(_FOLLOW_UPS),
            )  # fmt: skip
            if draw.chance(p.brand_reply * 0.5):
                self.brand_answers(back, spec, depth + 1)
        if draw.chance(0.04):
            other = self.member(avoid=asked.author)
            self.add(asked.publication, reply, other,
                     self.later(self.comments[reply].when, 6.0), draw.pick(_MEMBER_REPLIES))  # fmt: skip

    def brand_top_level(self, post: dict) -> None:
        draw = self.draw
        when = self.later(post["date"], 2.0)
        top = self.add(post["id"], None, BRAND, when, draw.pick(_BRAND_TOP_LEVEL))
        if draw.chance(0.4):
            self.add(post["id"], top, self.member(), self.later(when, 4.0), draw.pick(_FOLLOW_UPS))

    def guarantee_edge_cases(self) -> None:
        """Cases a careless definition gets wrong must be on every page."""
        while sum(c.author == BRAND and c.parent is None for c in self.comments) < 2:
            self.brand_top_level(self.posts[self.draw.integer(0, len(self.posts) - 1)])
        twice = any(
            sum(self.comments[k].author == BRAND for k in c.children) >= 2
            for c in self.comments
            if c.author != BRAND and c.parent is None
        )
        if not twice:
            answered = [
                i for i, c in enumerate(self.comments)
                if c.author != BRAND and c.parent is None
                and any(self.comments[k].author == BRAND for k in c.children)
            ]  # fmt: skip
            if answered:
                target = answered[self.draw.integer(0, len(answered) - 1)]
                first = max(
                    self.comments[k].when for k in self.comments[target].children
                    if self.comments[k].author == BRAND
                )  # fmt: skip
                self.add(self.comments[target].publication, target, BRAND,
                         self.later(first, 5.0), self.draw.pick(_BRAND_REPLIES))  # fmt: skip

    def tables(self) -> dict[str, pd.DataFrame]:
        order = sorted(range(len(self.comments)), key=lambda i: (self.comments[i].when, i))
        new_id = {index: 1001 + rank for rank, index in enumerate(order)}
        rows = []
        for index in order:
            c = self.comments[index]
            rows.append(
                {
                    "id": new_id[index],
                    "publication_id": c.publication,
                    "repond_a": None if c.parent is None else new_id[c.parent],
                    "auteur": c.author,
                    "date": c.when.strftime(_DATE_FORMAT),
                    "est_marque": c.author == BRAND,
                    "texte": c.text,
                }
            )
        comments = pd.DataFrame(rows, columns=COMMENT_COLUMNS)
        comments = comments.astype(
            {
                "id": "int64",
                "publication_id": "int64",
                "repond_a": "Int64",
                "auteur": "object",
                "date": "object",
                "est_marque": "bool",
                "texte": "object",
            }  # fmt: skip
        )
        posts = pd.DataFrame(
            [{**post, "date": post["date"].strftime(_DATE_FORMAT)} for post in self.posts],
            columns=PUBLICATION_COLUMNS,
        ).astype({"id": "int64", "likes": "int64"})
        return {"publications": posts, "commentaires": comments}


def seed_of(identifiant: str) -> int:
    """The stable seed of an identifier: the first 8 bytes of its SHA-256 hash."""
    digest = hashlib.sha256(f"08-mesurer:{identifiant}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def generate(identifiant: str) -> dict[str, pd.DataFrame]:
    """The page of ``identifiant``: ``{"publications": …, "commentaires": …}``.

    Deterministic: the same identifier always gives the same tables, and two identifiers
    give different ones. Raises ValueError for an empty identifier.
    """
    if not isinstance(identifiant, str) or not identifiant.strip():
        raise ValueError("the identifier must be a non-empty string")
    draw = _Draw(seed_of(identifiant))
    page = None
    for _ in range(_MAX_DRAWS):
        page = _Page(draw, _parameters(draw))
        page.draw_posts()
        for post in page.posts:
            page.draw_thread(post)
        page.guarantee_edge_cases()
        if COMMENT_RANGE[0] <= len(page.comments) <= COMMENT_RANGE[1]:
            break
    assert page is not None
    return page.tables()


def write_csv(identifiant: str, folder: str | Path) -> dict[str, Path]:
    """Write ``publications.csv`` and ``commentaires.csv`` (UTF-8) into ``folder``.

    The folder is created if needed. Returns the path of each file, by table name.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in generate(identifiant).items():
        path = target / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8")
        written[name] = path
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m exercises.metrics.dataset IDENTIFIANT --out DOSSIER``."""
    parser = argparse.ArgumentParser(
        prog="python -m exercises.metrics.dataset",
        description="Write the fictional brand page of one student (module 08) as CSV files.",
    )
    parser.add_argument("identifiant", help="the student's identifier (nbgrader student id)")
    parser.add_argument(
        "--out", default="donnees", help="folder to write into (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if not args.identifiant.strip():
        parser.error("the identifier must not be empty")
    for name, path in write_csv(args.identifiant, args.out).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
