"""Génère les figures du module 05 (Le métier de community manager).

Usage (depuis n'importe quel dossier) :
    python modules/05-community-manager/images/make_figures.py

Produit images/pont-deux-cultures.png : le community manager comme pont entre
la culture « post-Cluetrain » des passionné·es d'internet et la culture
« pré-Cluetrain » des médias de masse, avec les deux façons de « se planter »
que décrit Stephanie Booth (commentaire au billet de Thierry Crouzet sur les
community managers, repris sur son blog).
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import (  # noqa: E402
    Arc,
    Circle,
    FancyArrowPatch,
    FancyBboxPatch,
    Polygon,
    Rectangle,
)

HERE = Path(__file__).resolve().parent

POST = "#2a9d8f"  # la culture des passionné·es (post-Cluetrain)
PRE = "#c8553d"  # la culture des médias de masse (pré-Cluetrain)
PONT = "#6d597a"
EAU = "#cfe3f0"
TEXTE = "#222222"


def personne(ax, x, y, couleur, taille=1.0):
    """Un petit personnage : une tête et un corps."""
    ax.add_patch(Circle((x, y + 0.42 * taille), 0.13 * taille, color=couleur, zorder=6))
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.13 * taille, y - 0.05 * taille), 0.26 * taille, 0.36 * taille,
            boxstyle="round,pad=0.02,rounding_size=0.08", color=couleur, zorder=6,
        )
    )


def rive(ax, x0, x1, couleur):
    ax.add_patch(Rectangle((x0, 0.9), x1 - x0, 2.3, fc=couleur, alpha=0.18, ec="none", zorder=1))
    ax.plot([x0, x1], [3.2, 3.2], color=couleur, lw=3, zorder=2)


def chute(ax, depart, arrivee, couleur):
    ax.add_patch(
        FancyArrowPatch(
            depart, arrivee, arrowstyle="-|>", mutation_scale=14, lw=1.8,
            color=couleur, linestyle=(0, (4, 2)), connectionstyle="arc3,rad=-0.25", zorder=5,
        )
    )


def pont_deux_cultures(chemin):
    # natural size close to the slide's display size, so 16 pt stays ≥ 22 px on screen
    fig, ax = plt.subplots(figsize=(8.4, 4.5), dpi=100)
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.3, 6.1)
    ax.set_aspect("equal")
    ax.axis("off")

    # la rivière et les deux rives
    ax.add_patch(Rectangle((3.6, -0.2), 4.8, 3.4, fc=EAU, ec="none", zorder=0))
    for k in range(4):
        y = 0.3 + 0.55 * k
        ax.add_patch(Arc((5.0 + 0.6 * (k % 2), y), 1.0, 0.25, theta1=200, theta2=340,
                         color="#8fb8d6", lw=1.2, zorder=1))
        ax.add_patch(Arc((7.0 - 0.6 * (k % 2), y), 1.0, 0.25, theta1=200, theta2=340,
                         color="#8fb8d6", lw=1.2, zorder=1))
    rive(ax, 0.0, 3.6, POST)
    rive(ax, 8.4, 12.0, PRE)

    # le pont
    ax.add_patch(Polygon([(3.3, 3.2), (8.7, 3.2), (8.7, 3.45), (3.3, 3.45)], closed=True,
                         fc=PONT, ec="none", zorder=3))
    ax.add_patch(Arc((6.0, 3.2), 4.6, 2.2, theta1=180, theta2=360, color=PONT, lw=3, zorder=3))
    personne(ax, 6.0, 3.5, PONT, taille=1.25)
    ax.text(6.0, 5.15, "community manager", ha="center", fontsize=17,
            weight="bold", color=PONT)
    ax.text(6.0, 4.6, "« être hybride »", ha="center", fontsize=17, color=TEXTE)

    # les habitant·es de chaque rive
    for x in (0.7, 1.5, 2.3):
        personne(ax, x, 3.3, POST, taille=0.8)
    for x in (9.2, 9.9, 10.6):
        personne(ax, x, 3.3, PRE, taille=0.8)
    ax.add_patch(Rectangle((10.9, 3.2), 0.9, 1.1, fc="white", ec=PRE, lw=1.5, zorder=4))
    for dy in (0.25, 0.55, 0.85):
        ax.plot([11.05, 11.65], [3.2 + dy, 3.2 + dy], color=PRE, lw=1.2, zorder=5)

    ax.text(1.8, 5.6, "POST-Cluetrain", ha="center", fontsize=18, weight="bold", color=POST)
    ax.text(1.8, 5.05, "les passionnés", ha="center", fontsize=17, color=TEXTE)
    ax.text(10.2, 5.6, "PRÉ-Cluetrain", ha="center", fontsize=18, weight="bold", color=PRE)
    ax.text(10.2, 5.05, "l'employeur", ha="center", fontsize=17, color=TEXTE)

    # les deux façons de se planter
    chute(ax, (5.4, 3.1), (4.4, 0.9), POST)
    chute(ax, (6.6, 3.1), (7.6, 0.9), PRE)
    ax.text(1.8, 2.3, "piège du\npassionné", ha="center", va="top", fontsize=17,
            weight="bold", color=POST)
    ax.text(1.8, 1.05, "le décalage", ha="center", fontsize=17, color=TEXTE)
    ax.text(10.2, 2.3, "piège du\nmercenaire", ha="center", va="top", fontsize=17,
            weight="bold", color=PRE)
    ax.text(10.2, 1.05, "la trahison", ha="center", fontsize=17, color=TEXTE)

    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "pont-deux-cultures.png"
    pont_deux_cultures(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
