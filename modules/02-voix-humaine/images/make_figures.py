"""Génère les figures du module 02 (Voix humaine et « blog attitude »).

Usage (depuis n'importe quel dossier) :
    python modules/02-voix-humaine/images/make_figures.py

Produit images/blog-attitude.png : les huit traits de la « blog attitude » d'après
Stephanie Booth (billet « La "blog attitude" »), en couleur les quatre que le module
travaille, autour de l'idée centrale : « être » plutôt que « faire ».
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

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
    """Huit cases sur deux colonnes autour de l'idée centrale, dessinées à la taille
    où la diapositive les affiche (1200 × 540 px) : les libellés restent lisibles
    au fond d'une salle (≥ 22 px à l'écran)."""
    fig, ax = plt.subplots(figsize=(12, 5.4), dpi=100)
    ax.set_xlim(0, 1200)
    ax.set_ylim(0, 540)
    ax.set_aspect("equal")
    ax.axis("off")

    cx, cy, rayon = 600, 285, 150
    ax.add_patch(Circle((cx, cy), rayon, fc=CENTRE, ec="white", lw=2, zorder=3))
    ax.text(cx, cy + 45, "blog attitude", ha="center", va="center", color="white",
            fontsize=20, weight="bold", zorder=4)
    ax.text(cx, cy - 35, "« être » plutôt\nque « faire »", ha="center", va="center",
            color="white", fontsize=17, zorder=4)
    ax.text(cx, 40, "en couleur : travaillés ici", ha="center", va="center",
            fontsize=16, color=GRIS, style="italic")

    largeur, hauteur = 330, 100
    ordonnees = [470, 340, 210, 80]
    positions = [(190, y) for y in ordonnees] + [(1010, y) for y in ordonnees]
    for (texte, couleur), (x, y) in zip(TRAITS, positions, strict=True):
        bord = x + largeur / 2 if x < cx else x - largeur / 2
        ax.plot([cx, bord], [cy, y], color=couleur or GRIS_CLAIR,
                lw=3 if couleur else 1.5, zorder=1)
        ax.add_patch(FancyBboxPatch(
            (x - largeur / 2, y - hauteur / 2), largeur, hauteur,
            boxstyle="round,pad=4,rounding_size=18",
            fc=couleur or "white", ec=couleur or GRIS_CLAIR, lw=2, zorder=2,
        ))
        ax.text(x, y, texte, ha="center", va="center", zorder=3, fontsize=16,
                color="white" if couleur else GRIS,
                weight="bold" if couleur else "normal")

    fig.subplots_adjust(left=0, right=1, top=1, bottom=0)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "blog-attitude.png"
    blog_attitude(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
