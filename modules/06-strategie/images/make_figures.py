"""Génère les figures du module 06 (Intégrer les médias sociaux à la stratégie).

Usage (depuis n'importe quel dossier) :
    python modules/06-strategie/images/make_figures.py

Produit images/escalier-maturite.png : les cinq niveaux du modèle de maturité
de l'utilisation des médias sociaux en entreprise d'Alban Martin, tels que
Stephanie Booth les présente dans « Intracom: comment intégrer les médias
sociaux à sa stratégie? » (2011). Les descriptions suivent celles du billet ;
les mots-clés en gras (ignorer, écouter…) sont des étiquettes du cours.
L'escalier sert aussi de support pour l'activité du module (six cas fictifs).
"""

from pathlib import Path

from grader.slides.figures import save_figure

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

HERE = Path(__file__).resolve().parent

GRIS = "#555555"
TEXTE = "#222222"
# du gris-bleu (rien ne remonte) au vert (tout est intégré)
COULEURS = ["#8d99ae", "#6d9dc5", "#4f9d9a", "#3f8f6b", "#2f7d4a"]

NIVEAUX = [
    ("ignorer", ("ce qui remonte", "des médias sociaux", "n'est pas pris en compte")),
    ("écouter", ("médias sociaux écoutés", "et inclus", "dans la veille")),
    ("réagir", ("l'organisation réagit", "à certains", "messages clés")),
    ("encourager", ("attitude proactive :", "elle encourage", "la discussion")),
    ("intégrer", ("intégration dans", "l'innovation et", "le service client")),
]


def escalier(chemin):
    fig, ax = plt.subplots(figsize=(8, 5.2), dpi=100)
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 7.8)
    ax.set_aspect("equal")
    ax.axis("off")

    ax.text(0.1, 7.45, "Cinq niveaux de maturité", fontsize=14, weight="bold")
    ax.text(0.1, 6.98, "modèle d'Alban Martin, d'après Stephanie Booth, "
            "conférence Intracom (Montréal, 2011)", fontsize=9, color=GRIS)

    largeur, hauteur, x0, y0 = 2.25, 0.85, 0.45, 0.95
    for k, (etiquette, lignes) in enumerate(NIVEAUX):
        x = x0 + k * largeur
        h = hauteur * (k + 1)
        ax.add_patch(Rectangle((x, y0), largeur - 0.06, h, fc=COULEURS[k], ec="white",
                               lw=1.5, zorder=2))
        # numéro du niveau, dans la marche
        ax.text(x + 0.18, y0 + h - 0.2, str(k + 1), fontsize=17, weight="bold",
                color="white", ha="left", va="top", zorder=3)
        ax.text(x + largeur - 0.22, y0 + h - 0.26, etiquette, fontsize=10.5, weight="bold",
                color="white", ha="right", va="top", zorder=3)
        # description, posée au-dessus de la marche
        for j, ligne in enumerate(reversed(lignes)):
            ax.text(x + 0.05, y0 + h + 0.1 + 0.3 * j, ligne, fontsize=7.8, color=TEXTE,
                    ha="left", va="bottom", zorder=3)

    # les questions de Booth au public, et le sens de la montée
    ax.text(0.45, 6.45, "Où en êtes-vous ? Vos partenaires ? Vos concurrents ?",
            fontsize=9.5, color=GRIS, style="italic", ha="left", va="bottom")
    ax.add_patch(FancyArrowPatch((0.75, 3.35), (3.5, 5.35), arrowstyle="-|>",
                                 mutation_scale=14, lw=1.2, color=GRIS,
                                 connectionstyle="arc3,rad=-0.25"))
    ax.text(0.45, 5.75, "on monte selon ce qu'on fait de ce qui « remonte »", fontsize=8.5,
            color=GRIS, ha="left", va="bottom", style="italic")

    ax.text(6.0, 0.45, "Monter n'est pas une fin en soi : le niveau visé dépend du problème "
            "à résoudre.", fontsize=9, color=GRIS, ha="center", style="italic")
    ax.text(11.9, 0.08, "mots-clés en gras : étiquettes du cours", fontsize=7, color=GRIS,
            ha="right")

    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "escalier-maturite.png"
    escalier(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
