"""Génère les figures du module 07 (Le site web comme café).

Usage (depuis n'importe quel dossier) :
    python modules/07-site-cafe/images/make_figures.py

Produit images/brochure-cafe.png : le spectre qui va du site « brochure » au
site « café », d'après Stephanie Booth, « Un site web n'est pas une brochure
en ligne », avec, de chaque côté, des indices qu'un audit peut observer.
La flèche sert aussi de règle pour l'activité du module (pages A et B).
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.patches import (  # noqa: E402
    Circle,
    Ellipse,
    FancyArrowPatch,
    FancyBboxPatch,
    Polygon,
    Rectangle,
)

HERE = Path(__file__).resolve().parent

BROCHURE = "#5b6c8f"
CAFE = "#b0643a"
GRIS = "#555555"
TEXTE = "#222222"


def motif_brochure(ax, cx, cy):
    """Un dépliant en trois volets : beau, lisse, et personne derrière."""
    volets = [
        [(cx - 1.05, cy - 0.75), (cx - 0.35, cy - 0.6), (cx - 0.35, cy + 0.8), (cx - 1.05, cy + 0.65)],
        [(cx - 0.35, cy - 0.6), (cx + 0.35, cy - 0.75), (cx + 0.35, cy + 0.65), (cx - 0.35, cy + 0.8)],
        [(cx + 0.35, cy - 0.75), (cx + 1.05, cy - 0.6), (cx + 1.05, cy + 0.8), (cx + 0.35, cy + 0.65)],
    ]
    for k, pts in enumerate(volets):
        ax.add_patch(Polygon(pts, closed=True, fc=("#e8ecf4", "#dfe5f0", "#e8ecf4")[k],
                             ec=BROCHURE, lw=1.8, zorder=2))
    # un « visuel » et des lignes de texte uniformes
    ax.add_patch(Rectangle((cx - 0.22, cy + 0.15), 0.44, 0.4, color=BROCHURE, alpha=0.55,
                           zorder=3))
    for dy in (-0.05, -0.22, -0.39):
        for x0 in (cx - 0.92, cx - 0.22, cx + 0.48):
            ax.plot([x0, x0 + 0.45], [cy + dy, cy + dy], color=BROCHURE, lw=1.4, zorder=3)


def bulle(ax, x, y, largeur, couleur):
    ax.add_patch(FancyBboxPatch((x, y), largeur, 0.32, boxstyle="round,pad=0.04,rounding_size=0.12",
                                fc="white", ec=couleur, lw=1.6, zorder=4))
    for k in range(3):
        ax.add_patch(Circle((x + largeur * (k + 1) / 4, y + 0.16), 0.035, color=couleur, zorder=5))


def motif_cafe(ax, cx, cy):
    """Une table, deux tasses, deux personnes qui se parlent."""
    ax.add_patch(Ellipse((cx, cy - 0.2), 1.7, 0.42, fc="#f3e3d6", ec=CAFE, lw=1.8, zorder=2))
    ax.plot([cx, cx], [cy - 0.41, cy - 0.75], color=CAFE, lw=2.5, zorder=1)
    ax.plot([cx - 0.35, cx + 0.35], [cy - 0.75, cy - 0.75], color=CAFE, lw=2.5, zorder=1)
    for dx in (-0.35, 0.35):
        ax.add_patch(Rectangle((cx + dx - 0.1, cy - 0.2), 0.2, 0.2, fc="white", ec=CAFE,
                               lw=1.4, zorder=3))
    for dx, sens in ((-1.15, 1), (1.15, -1)):
        ax.add_patch(Circle((cx + dx, cy + 0.35), 0.17, color=CAFE, zorder=3))
        ax.plot([cx + dx, cx + dx + 0.15 * sens], [cy + 0.17, cy - 0.45], color=CAFE, lw=3,
                zorder=3)
    bulle(ax, cx - 1.0, cy + 0.62, 0.7, CAFE)
    bulle(ax, cx + 0.3, cy + 0.85, 0.7, GRIS)


def colonne(ax, x, y, lignes, couleur, ha):
    """Trois indices courts, assez gros pour être lus du fond de la salle."""
    for k, ligne in enumerate(lignes):
        ax.text(x, y - 0.62 * k, ligne, fontsize=17, color=couleur, ha=ha, va="top")


def brochure_cafe(chemin: Path) -> float:
    """Dessine la règle brochure–café ; renvoie la taille du plus petit texte (px)."""
    fig, ax = plt.subplots(figsize=(9, 5.4), dpi=100)
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 7.3)
    ax.set_aspect("equal")
    ax.axis("off")

    motif_brochure(ax, 2.0, 6.0)
    motif_cafe(ax, 10.0, 5.9)
    for x, nom, devise, couleur in ((2.0, "BROCHURE", "on vient lire", BROCHURE),
                                    (10.0, "CAFÉ", "on se répond", CAFE)):
        ax.text(x, 4.45, nom, color=couleur, fontsize=22, weight="bold", ha="center")
        ax.text(x, 3.85, devise, fontsize=17, color=GRIS, ha="center", style="italic")

    # la règle : un dégradé de la brochure au café
    degrade = LinearSegmentedColormap.from_list("bc", [BROCHURE, "#d9d4cc", CAFE])
    ax.imshow([[i / 255 for i in range(256)]], cmap=degrade, aspect="auto",
              extent=(0.6, 11.4, 3.05, 3.4), zorder=1)
    ax.add_patch(FancyArrowPatch((0.35, 3.22), (11.75, 3.22), arrowstyle="<|-|>",
                                 mutation_scale=18, lw=1.4, color=GRIS, zorder=2))
    for x in (0.6 + 10.8 * k / 4 for k in range(5)):
        ax.plot([x, x], [2.9, 3.05], color=GRIS, lw=1)

    colonne(ax, 0.3, 2.65, [
        "« nous », aucun nom",
        "noreply@… ou rien",
        "ni date, ni lien",
    ], BROCHURE, "left")
    colonne(ax, 11.7, 2.65, [
        "un nom, une voix",
        "quelqu'un répond",
        "dates, liens, flux",
    ], CAFE, "right")

    ax.text(6.0, 0.25, "Vous placez la page, pas un compteur.", fontsize=17, color=GRIS,
            ha="center", style="italic")

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    px = save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)
    return px


if __name__ == "__main__":
    sortie = HERE / "brochure-cafe.png"
    px = brochure_cafe(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko, plus petit texte {px:.1f} px")
