"""Génère les figures du module 04 (Communauté, audience, confiance).

Usage (depuis n'importe quel dossier) :
    python modules/04-communaute-confiance/images/make_figures.py

Produit images/quatre-formes.png : quatre façons d'être relié à des gens
(carnet d'adresses, réseau, communauté, audience), dessinées comme des
graphes : qui parle à qui, et les membres sont-ils reliés entre eux ?
D'après Stephanie Booth (« Cluetrain 101 ») et Fadhila Brahimi (commentaire
au billet de Frédéric Bascuñana sur le community management).
"""

from math import cos, pi, sin
from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent

CARNET = "#7a7a7a"
RESEAU = "#3d6fb6"
COMMU = "#2a9d8f"
AUDIENCE = "#c8553d"
TEXTE = "#222222"


def point(ax, xy, couleur, r=0.11, contour=None):
    ax.add_patch(Circle(xy, r, fc=couleur, ec=contour or couleur, lw=1.5, zorder=3))


def trait(ax, a, b, couleur, lw=1.5):
    ax.plot(*zip(a, b, strict=True), color=couleur, lw=lw, zorder=2)


def fleche(ax, a, b, couleur, lw=1.2, courbe=0.0, recul=6):
    ax.add_patch(
        FancyArrowPatch(
            a, b, arrowstyle="-|>", mutation_scale=8, lw=lw, color=couleur,
            shrinkA=9, shrinkB=recul, connectionstyle=f"arc3,rad={courbe}", zorder=2,
        )
    )


def cercle(n, cx, cy, r, depart=pi / 2):
    return [(cx + r * cos(depart + 2 * pi * k / n), cy + r * sin(depart + 2 * pi * k / n))
            for k in range(n)]


def cadre(ax, x, y, couleur, titre, legende):
    ax.add_patch(FancyBboxPatch((x, y), 5.2, 3.6, boxstyle="round,pad=0.05,rounding_size=0.2",
                                fc="white", ec=couleur, lw=2, zorder=0))
    ax.text(x + 0.25, y + 3.35, titre, color=couleur, fontsize=18, weight="bold", va="top")
    ax.text(x + 2.6, y + 0.15, legende, fontsize=17, ha="center", va="bottom", color=TEXTE)


def carnet(ax, x, y):
    """Des coordonnées bien rangées : aucun lien effectif."""
    cadre(ax, x, y, CARNET, "Carnet d'adresses", "aucun échange")
    for rang in range(3):
        for col in range(4):
            cx, cy = x + 1.2 + col * 0.95, y + 2.35 - rang * 0.55
            point(ax, (cx, cy), "white", contour=CARNET)
            ax.plot([cx + 0.18, cx + 0.55], [cy, cy], color="#bbbbbb", lw=2.2, zorder=2)


def reseau(ax, x, y):
    """Chacun·e au centre de son réseau : des liens un à un, peu de liens entre contacts."""
    cadre(ax, x, y, RESEAU, "Réseau", "moi au centre, un à un")
    centre = (x + 2.6, y + 1.8)
    autour = cercle(7, *centre, 0.85)
    for p in autour:
        trait(ax, centre, p, RESEAU)
    trait(ax, autour[1], autour[2], RESEAU, lw=1)
    point(ax, centre, RESEAU, r=0.17)
    for p in autour:
        point(ax, p, "white", contour=RESEAU)
    # le réseau d'un de mes contacts commence ailleurs
    ailleurs = autour[5]
    for ang in (-0.2, 0.35):
        q = (ailleurs[0] + 0.7 * cos(ang - 0.6), ailleurs[1] + 0.7 * sin(ang - 0.6))
        trait(ax, ailleurs, q, "#9bb3d8", lw=1)
        point(ax, q, "white", r=0.08, contour="#9bb3d8")


def communaute(ax, x, y):
    """Un groupe restreint dont les membres se parlent entre eux."""
    cadre(ax, x, y, COMMU, "Communauté", "tous reliés entre eux")
    pts = cercle(6, x + 2.6, y + 1.8, 0.85, depart=pi / 6)
    liens = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (0, 2), (0, 3), (1, 4), (2, 5),
             (3, 5), (1, 3)]
    for i, j in liens:
        trait(ax, pts[i], pts[j], COMMU)
    for p in pts:
        point(ax, p, COMMU)
    # l'organisatrice (cercle blanc) est un membre parmi d'autres
    point(ax, pts[5], "white", r=0.15, contour=COMMU)


def audience(ax, x, y):
    """Un centre qui parle à tous ; quelques réponses au centre, aucune entre membres."""
    cadre(ax, x, y, AUDIENCE, "Audience", "un seul parle à tous")
    centre = (x + 1.3, y + 1.8)
    cibles = [(x + 3.9, y + 1.0 + k * 0.32) for k in range(6)]
    for k, c in enumerate(cibles):
        fleche(ax, centre, c, AUDIENCE)
        if k in (1, 4):
            fleche(ax, c, centre, "#d9826d", lw=1.0, courbe=0.35, recul=13)
    point(ax, centre, AUDIENCE, r=0.22)
    for c in cibles:
        point(ax, c, "white", r=0.09, contour=AUDIENCE)


def quatre_formes(chemin):
    # natural size close to the slide's display size, so 16 pt stays ≥ 22 px on screen
    fig, ax = plt.subplots(figsize=(7.6, 5.4), dpi=100)
    ax.set_xlim(0, 11.2)
    ax.set_ylim(0, 7.9)
    ax.set_aspect("equal")
    ax.axis("off")

    carnet(ax, 0.2, 4.1)
    reseau(ax, 5.8, 4.1)
    communaute(ax, 0.2, 0.2)
    audience(ax, 5.8, 0.2)

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "quatre-formes.png"
    quatre_formes(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
