"""Génère les figures du module 08 (Mesurer sans se mentir).

Usage (depuis n'importe quel dossier) :
    python modules/08-mesurer/images/make_figures.py

Produit deux images :

- images/fil-de-commentaires.png : le fil de l'exemple travaillé de la leçon (une
  publication fictive de la Cidrerie des Trois-Tilleuls), dessiné comme un arbre, colonne
  par colonne selon la profondeur, la marque et les membres en deux couleurs ;
- images/axe-tronque.png : les mêmes trois chiffres dessinés deux fois, avec un axe
  vertical tronqué puis un axe qui part de zéro.
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Patch  # noqa: E402

HERE = Path(__file__).resolve().parent

MARQUE = "#b0643a"
MEMBRES = "#3f6e9e"
GRIS = "#555555"
TEXTE = "#222222"

# (numéro, auteur, heure, profondeur, ligne, numéro du parent)
FIL = [
    (1, "Léa", "10 h 05", 1, 0, None),
    (2, "marque", "10 h 50", 2, 0, 1),
    (3, "Léa", "11 h 02", 3, 0, 2),
    (4, "Marc", "12 h 30", 1, 1, None),
    (5, "Nadia", "12 h 41", 2, 1, 4),
    (6, "Chloé", "13 h 00", 1, 2, None),
    (7, "marque", "13 h 12", 2, 2, 6),
    (8, "Sami", "18 h 10", 1, 3, None),
    (9, "Yves", "20 h 00", 1, 4, None),
    (10, "marque", "lendemain, 9 h 10", 2, 3, 8),
]
DELAIS = {2: "45 min", 7: "12 min", 10: "15 h"}


def position(profondeur, ligne):
    return 0.4 + 3.1 * profondeur, 5.0 - 1.15 * ligne


def boite(ax, x, y, texte, couleur, largeur=2.7):
    ax.add_patch(FancyBboxPatch((x - largeur / 2, y - 0.45), largeur, 0.9,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                fc="white", ec=couleur, lw=2.2, zorder=3))
    ax.text(x, y, texte, ha="center", va="center", fontsize=16, color=TEXTE, zorder=4,
            linespacing=1.1)


def fil_de_commentaires(chemin: Path) -> float:
    """Dessine le fil comme un arbre ; renvoie la taille du plus petit texte (px).

    Textes de 16 pt au moins sur une image de 1000 px de large : lisibles du fond
    d'une salle une fois l'image affichée sur la diapositive.
    """
    fig, ax = plt.subplots(figsize=(10, 5.6), dpi=100)
    ax.set_xlim(-1.0, 11.5)
    ax.set_ylim(-1.0, 7.2)
    ax.axis("off")

    ax.text(-0.9, 6.75, "Un fil de commentaires est un arbre", fontsize=20, weight="bold")
    for profondeur, titre in ((0, "publication"), (1, "profondeur 1"), (2, "profondeur 2"),
                              (3, "profondeur 3")):
        x = position(profondeur, 0)[0] if profondeur else 0.0
        ax.text(x, 5.8, titre, ha="center", fontsize=16, color=GRIS, style="italic")

    boite(ax, 0.0, 2.7, "« Nouvelle\ncuvée »", GRIS, largeur=1.8)
    lieux = {}
    for numero, _auteur, _heure, profondeur, ligne, _parent in FIL:
        lieux[numero] = position(profondeur, ligne)
    for numero, auteur, heure, _profondeur, _ligne, parent in FIL:
        x, y = lieux[numero]
        x0, y0 = (0.9, 2.7) if parent is None else (lieux[parent][0] + 1.35, lieux[parent][1])
        ax.annotate("", xy=(x - 1.35, y), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": GRIS, "lw": 1.4,
                                "shrinkA": 0, "shrinkB": 0}, zorder=2)
        couleur = MARQUE if auteur == "marque" else MEMBRES
        detail = f"après {DELAIS[numero]}" if numero in DELAIS else heure
        boite(ax, x, y, f"n° {numero} · {auteur}\n{detail}", couleur)

    x, y = lieux[9]
    ax.text(x + 1.5, y, "aucune réponse", fontsize=16, color=GRIS, va="center",
            style="italic")
    x, y = lieux[5]
    ax.text(x + 1.5, y - 0.2, "entre membres", fontsize=16, color=MEMBRES, va="center")
    x, y = lieux[3]
    ax.text(x, y - 0.5, "un aller-retour", fontsize=16, color=GRIS, ha="center", va="top")

    ax.legend(handles=[Patch(fc="white", ec=MARQUE, lw=2, label="la marque"),
                       Patch(fc="white", ec=MEMBRES, lw=2, label="des membres")],
              loc="lower right", bbox_to_anchor=(1.0, 0.1), frameon=False, fontsize=16)
    ax.text(11.4, -0.85, "flèche : du commentaire à sa réponse", fontsize=16, color=GRIS,
            ha="right", style="italic")

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    px = save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)
    return px


def axe_tronque(chemin: Path) -> float:
    """Les mêmes chiffres sur deux axes ; renvoie la taille du plus petit texte (px)."""
    mois = ["janvier", "février", "mars"]
    taux = [0.61, 0.63, 0.66]
    # Labels at 17 pt and more: about 23 px once the figure fills a 1280×720 slide.
    with plt.rc_context({"font.size": 17}):
        fig, (gauche, droite) = plt.subplots(1, 2, figsize=(10, 5.2), dpi=100)
        _axes_tronque(fig, gauche, droite, mois, taux)
    px = save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)
    return px


def _axes_tronque(fig, gauche, droite, mois, taux):
    for ax in (gauche, droite):
        ax.bar(mois, taux, color=MARQUE, width=0.6)
        ax.set_xlabel("mois")
        ax.set_ylabel("taux de réponse")
        for k, valeur in enumerate(taux):
            ax.text(k, valeur, f"{valeur:.0%}".replace("%", " %"), ha="center", va="bottom",
                    fontsize=17, color=TEXTE)
        ax.spines[["top", "right"]].set_visible(False)
    gauche.set_ylim(0.60, 0.67)
    gauche.set_title("Axe tronqué (60 % à 67 %) :\nla réponse « explose »", fontsize=18)
    droite.set_ylim(0, 1)
    droite.set_title("Axe depuis zéro :\nune hausse modeste", fontsize=18)
    for ax in (gauche, droite):
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}".replace("%", " %"))
    fig.suptitle("Les mêmes trois chiffres, deux impressions", fontsize=20, weight="bold")
    fig.tight_layout()


if __name__ == "__main__":
    for nom, dessin in (("fil-de-commentaires.png", fil_de_commentaires),
                        ("axe-tronque.png", axe_tronque)):
        sortie = HERE / nom
        px = dessin(sortie)
        print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko, plus petit texte {px:.1f} px")
