"""Génère les figures du module 06 (Intégrer les médias sociaux à la stratégie).

Usage (depuis n'importe quel dossier) :
    python modules/06-strategie/images/make_figures.py

Produit images/escalier-maturite.png : les cinq niveaux du modèle de maturité
de l'utilisation des médias sociaux en entreprise d'Alban Martin, tels que
Stephanie Booth les présente dans « Intracom: comment intégrer les médias
sociaux à sa stratégie? » (2011). Les descriptions abrègent celles du billet ;
les mots-clés (ignorer, écouter…) sont des étiquettes du cours. Le texte complet
des niveaux est dans la cellule de détail qui suit la figure dans la leçon.

La figure est dessinée à peu près à sa taille d'affichage (960 × 540 px) avec
des polices de 16 pt au moins, pour que ses étiquettes restent lisibles dans
une salle (≥ 18 px à l'écran, vérifié par ``course slides --check``).
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

HERE = Path(__file__).resolve().parent

GRIS = "#444444"
TEXTE = "#222222"
# du gris-bleu (rien ne remonte) au vert (tout est intégré)
COULEURS = ["#6b7a93", "#3f7fb0", "#2f7f7b", "#2f7a55", "#23603a"]

NIVEAUX = [
    ("ignorer", ("rien n'est", "pris en compte")),
    ("écouter", ("écoute", "et veille")),
    ("réagir", ("réponses aux", "messages clés")),
    ("encourager", ("encourage", "la discussion")),
    ("intégrer", ("innovation,", "service client")),
]


def marche(ax, k: int, etiquette: str, lignes: tuple[str, str]) -> None:
    """Une marche de l'escalier : numéro et mot-clé dedans, description au-dessus."""
    largeur, hauteur, x0, y0 = 2.36, 0.82, 0.1, 0.15
    x, h = x0 + k * largeur, hauteur * (k + 1)
    ax.add_patch(Rectangle((x, y0), largeur - 0.08, h, fc=COULEURS[k], ec="white",
                           lw=1.5, zorder=2))
    ax.text(x + 0.12, y0 + h - 0.1, str(k + 1), fontsize=22, weight="bold",
            color="white", ha="left", va="top", zorder=3)
    ax.text(x + largeur - 0.18, y0 + 0.12, etiquette, fontsize=17, weight="bold",
            color="white", ha="right", va="bottom", zorder=3)
    for j, ligne in enumerate(reversed(lignes)):
        ax.text(x + 0.04, y0 + h + 0.08 + 0.5 * j, ligne, fontsize=16, color=TEXTE,
                ha="left", va="bottom", zorder=3)


def escalier(chemin: Path) -> None:
    """Dessine l'escalier des cinq niveaux, du niveau 1 (ignorer) au niveau 5 (intégrer)."""
    fig, ax = plt.subplots(figsize=(9.6, 5.4), dpi=100)
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 6.75)
    ax.set_aspect("equal")
    ax.axis("off")

    ax.text(0.1, 6.6, "Cinq niveaux de maturité", fontsize=22, weight="bold",
            va="top", color=TEXTE)
    ax.text(0.1, 5.85, "Alban Martin, d'après Stephanie Booth (2011)", fontsize=16,
            va="top", color=GRIS)
    for k, (etiquette, lignes) in enumerate(NIVEAUX):
        marche(ax, k, etiquette, lignes)

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "escalier-maturite.png"
    escalier(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
