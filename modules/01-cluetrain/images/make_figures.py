"""Génère les figures du module 01 (Cluetrain : ce qui a changé).

Usage (depuis n'importe quel dossier) :
    python modules/01-cluetrain/images/make_figures.py

Produit images/trois-internets.png : les trois conceptions d'internet
(ville, bibliothèque, télé) d'après Stephanie Booth, « Cluetrain 101 ».
Le triangle sert aussi de carte vierge pour l'activité du module.
"""

from pathlib import Path

from grader.slides.figures import save_figure

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle  # noqa: E402

HERE = Path(__file__).resolve().parent

VILLE = "#2a9d8f"
BIBLIO = "#e9a03b"
TELE = "#c8553d"
GRIS = "#555555"


def fleche(ax, a, b, couleur, double=False):
    ax.add_patch(
        FancyArrowPatch(
            a, b,
            arrowstyle="<|-|>" if double else "-|>",
            mutation_scale=9, lw=1.3, color=couleur,
            shrinkA=6, shrinkB=6,
        )
    )


def point(ax, xy, couleur, r=0.13):
    ax.add_patch(Circle(xy, r, color=couleur, zorder=3))


def motif_ville(ax, cx, cy):
    """Réseau maillé : tout le monde parle avec tout le monde."""
    pts = [(cx - 0.55, cy + 0.35), (cx + 0.1, cy + 0.6), (cx + 0.6, cy + 0.15),
           (cx + 0.3, cy - 0.5), (cx - 0.4, cy - 0.45)]
    liens = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (0, 2), (1, 3), (1, 4)]
    for i, j in liens:
        ax.plot(*zip(pts[i], pts[j]), color=VILLE, lw=1.6, zorder=2)
    for p in pts:
        point(ax, p, VILLE)


def motif_biblio(ax, cx, cy):
    """Une étagère de documents ; les lecteurs et lectrices viennent chercher."""
    for k, h in enumerate([0.75, 0.6, 0.8, 0.5, 0.7]):
        ax.add_patch(Rectangle((cx - 0.75 + k * 0.2, cy - 0.2), 0.16, h,
                               color=BIBLIO, zorder=2))
    ax.plot([cx - 0.85, cx + 0.3], [cy - 0.22, cy - 0.22], color=GRIS, lw=2)
    for dy in (0.35, -0.1):
        lecteur = (cx + 0.85, cy + dy)
        point(ax, lecteur, GRIS)
        fleche(ax, lecteur, (cx + 0.3, cy + dy + 0.05), BIBLIO)


def motif_tele(ax, cx, cy):
    """Un émetteur, un public : la diffusion à sens unique."""
    ax.add_patch(Rectangle((cx - 0.85, cy - 0.3), 0.55, 0.45, fill=False,
                           ec=TELE, lw=2.2, zorder=3))
    ax.plot([cx - 0.7, cx - 0.45], [cy - 0.42, cy - 0.42], color=TELE, lw=2.2)
    for dy in (0.5, 0.0, -0.5):
        cible = (cx + 0.75, cy + dy)
        point(ax, cible, GRIS)
        fleche(ax, (cx - 0.3, cy - 0.07), cible, TELE)


def trois_internets(chemin):
    fig, ax = plt.subplots(figsize=(8, 5.6), dpi=100)
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.6, 7.8)
    ax.set_aspect("equal")
    ax.axis("off")

    sommets = {"ville": (6, 5.9), "biblio": (2.2, 2.0), "tele": (9.8, 2.0)}
    ax.add_patch(Polygon(list(sommets.values()), closed=True, fc="#f4f4f4",
                         ec="#bbbbbb", lw=1.2, ls="--", zorder=0))
    ax.text(6, 3.3, "carte pour l'activité :\nplacez-y vos exemples",
            ha="center", va="center", fontsize=14, color="#888888", style="italic")

    for (x, y), couleur in zip(sommets.values(), (VILLE, BIBLIO, TELE)):
        ax.add_patch(Circle((x, y), 1.1, fc="white", ec=couleur, lw=2.5, zorder=1))

    motif_ville(ax, *sommets["ville"])
    motif_biblio(ax, *sommets["biblio"])
    motif_tele(ax, *sommets["tele"])

    ax.text(7.3, 6.45, "VILLE", color=VILLE, fontsize=18, weight="bold")
    ax.text(7.3, 5.85, "celles et ceux qui y vivent\net y créent (liens, culture)",
            fontsize=14, va="top", color="#222222")
    ax.text(2.2, 0.35, "BIBLIOTHÈQUE", color=BIBLIO, fontsize=18, weight="bold",
            ha="center")
    ax.text(2.2, 0.0, "consommateurs d'information", fontsize=14, ha="center",
            va="top", color="#222222")
    ax.text(9.8, 0.35, "TÉLÉ", color=TELE, fontsize=18, weight="bold", ha="center")
    ax.text(9.8, 0.0, "annonceurs : un message,\nune audience", fontsize=14,
            ha="center", va="top", color="#222222")

    ax.text(0.0, 7.5, "Trois conceptions d'internet", fontsize=19, weight="bold")
    ax.text(0.0, 7.2, "d'après Stephanie Booth,\n« Cluetrain 101 »",
            fontsize=14, color=GRIS, va="top")

    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "trois-internets.png"
    trois_internets(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
