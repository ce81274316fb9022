"""Génère les figures du module 02 (Voix humaine et « blog attitude »).

Usage (depuis n'importe quel dossier) :
    python modules/02-voix-humaine/images/make_figures.py

Produit images/blog-attitude.png : les huit traits de la « blog attitude » d'après
Stephanie Booth (billet « La "blog attitude" »), en couleur les quatre que le module
travaille, autour de l'idée centrale : « être » plutôt que « faire ».
"""

from pathlib import Path

from grader.slides.figures import save_figure

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent

GRIS = "#555555"
GRIS_CLAIR = "#d9d9d9"
CENTRE = "#264653"

# Les huit traits, dans l'ordre du billet ; une couleur pour ceux que le module travaille.
TRAITS = [
    ("dire « je »", "#2a9d8f"),
    ("parler de ce qui\nnous tient à cœur", None),
    ("partager ce qui\nnous intéresse", None),
    ("être authentique,\nêtre « soi »", None),
    ("oser l'imperfection\net l'erreur", "#e9a03b"),
    ("accepter la rencontre\navec autrui", None),
    ("être généreux", "#8e6bbf"),
    ("exprimer des avis\net des opinions", "#c8553d"),
]


def blog_attitude(chemin):
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    ax.set_xlim(-6.2, 6.2)
    ax.set_ylim(-4.6, 4.9)
    ax.set_aspect("equal")
    ax.axis("off")

    ax.add_patch(Circle((0, 0), 1.45, fc=CENTRE, ec="white", lw=2, zorder=3))
    ax.text(0, 0.3, "blog attitude", ha="center", va="center", color="white",
            fontsize=13, weight="bold", zorder=4)
    ax.text(0, -0.4, "« être » plutôt\nque « faire »", ha="center", va="center",
            color="white", fontsize=9.5, zorder=4)

    positions = [(0, 3.2), (3.5, 1.9), (4.3, 0), (3.5, -1.9),
                 (0, -3.2), (-3.5, -1.9), (-4.3, 0), (-3.5, 1.9)]
    for (texte, couleur), (x, y) in zip(TRAITS, positions):
        distance = (x * x + y * y) ** 0.5
        ax.plot([1.45 * x / distance, x], [1.45 * y / distance, y],
                color=couleur or GRIS_CLAIR, lw=2.5 if couleur else 1.5, zorder=1)
        largeur, hauteur = 2.9, 0.95
        ax.add_patch(FancyBboxPatch(
            (x - largeur / 2, y - hauteur / 2), largeur, hauteur,
            boxstyle="round,pad=0.08,rounding_size=0.25",
            fc=couleur or "white", ec=couleur or GRIS_CLAIR, lw=1.5, zorder=2,
        ))
        ax.text(x, y, texte, ha="center", va="center", zorder=3,
                fontsize=10.5 if couleur else 9.5,
                color="white" if couleur else GRIS,
                weight="bold" if couleur else "normal")

    ax.text(-6.1, 4.6, "La « blog attitude » : huit traits", fontsize=14,
            weight="bold")
    ax.text(-6.1, 4.15, "d'après Stephanie Booth, « La \"blog attitude\" »",
            fontsize=9, color=GRIS)
    ax.text(0, -4.4, "En couleur : les quatre traits travaillés dans ce module.",
            ha="center", fontsize=9.5, color=GRIS, style="italic")

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "blog-attitude.png"
    blog_attitude(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
