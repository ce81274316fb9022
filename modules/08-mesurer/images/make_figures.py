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

from grader.slides.figures import save_figure

import matplotlib

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
    (10, "marque", "le lendemain, 9 h 10", 2, 3, 8),
]
DELAIS = {2: "45 min", 7: "12 min", 10: "15 h"}


def position(profondeur, ligne):
    return 0.4 + 3.1 * profondeur, 5.2 - 1.05 * ligne


def boite(ax, x, y, texte, couleur, largeur=2.55):
    ax.add_patch(FancyBboxPatch((x - largeur / 2, y - 0.32), largeur, 0.64,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                fc="white", ec=couleur, lw=2, zorder=3))
    ax.text(x, y, texte, ha="center", va="center", fontsize=9, color=TEXTE, zorder=4)


def fil_de_commentaires(chemin):
    fig, ax = plt.subplots(figsize=(10, 5.6), dpi=100)
    ax.set_xlim(-1.0, 11.5)
    ax.set_ylim(-0.9, 7.1)
    ax.axis("off")

    ax.text(-0.9, 6.85, "Un fil de commentaires est un arbre", fontsize=14, weight="bold")
    ax.text(-0.9, 6.45, "Publication fictive de la Cidrerie des Trois-Tilleuls : "
            "« Nouvelle cuvée : cidre doux aux coings » (10 h 00)", fontsize=9, color=GRIS)
    for profondeur, titre in ((0, "publication"), (1, "profondeur 1"), (2, "profondeur 2"),
                              (3, "profondeur 3")):
        x = position(profondeur, 0)[0] if profondeur else 0.0
        ax.text(x, 5.95, titre, ha="center", fontsize=9.5, color=GRIS, style="italic")

    boite(ax, 0.0, 3.1, "publication\n12 « j'aime »", GRIS, largeur=1.7)
    lieux = {}
    for numero, auteur, heure, profondeur, ligne, parent in FIL:
        lieux[numero] = position(profondeur, ligne)
    for numero, auteur, heure, profondeur, ligne, parent in FIL:
        x, y = lieux[numero]
        x0, y0 = (0.85, 3.1) if parent is None else (lieux[parent][0] + 1.28, lieux[parent][1])
        ax.annotate("", xy=(x - 1.28, y), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": GRIS, "lw": 1.1,
                                "shrinkA": 0, "shrinkB": 0}, zorder=2)
        if numero in DELAIS:
            ax.text((x0 + x - 1.28) / 2, y + 0.4, f"réponse en {DELAIS[numero]}",
                    ha="center", fontsize=8.5, color=MARQUE, weight="bold")
        couleur = MARQUE if auteur == "marque" else MEMBRES
        boite(ax, x, y, f"n° {numero} · {auteur}\n{heure}", couleur)

    x, y = lieux[9]
    ax.text(x + 1.5, y, "aucune réponse de la marque", fontsize=9, color=GRIS, va="center",
            style="italic")
    x, y = lieux[5]
    ax.text(x + 1.45, y, "réponse entre membres ;\nMarc, lui, n'a rien reçu de la marque",
            fontsize=8.5, color=MEMBRES, va="center")
    x, y = lieux[3]
    ax.text(x, y - 0.55, "un aller-retour : réponse à une réponse", fontsize=8.5,
            color=GRIS, ha="center", va="top")

    ax.legend(handles=[Patch(fc="white", ec=MARQUE, lw=2, label="la marque"),
                       Patch(fc="white", ec=MEMBRES, lw=2, label="des membres")],
              loc="lower left", bbox_to_anchor=(0.0, 0.0), frameon=False, fontsize=9.5)
    ax.text(11.4, -0.75, "Chaque flèche va du commentaire à la réponse qu'il a reçue.",
            fontsize=8.5, color=GRIS, ha="right", style="italic")

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


def axe_tronque(chemin):
    mois = ["janvier", "février", "mars"]
    taux = [0.61, 0.63, 0.66]
    # Labels at 14 pt and more: at least 18 px once the figure fills a 1280×720 slide.
    with plt.rc_context({"font.size": 14}):
        fig, (gauche, droite) = plt.subplots(1, 2, figsize=(10, 5.2), dpi=100)
        _axes_tronque(fig, gauche, droite, mois, taux)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


def _axes_tronque(fig, gauche, droite, mois, taux):
    for ax in (gauche, droite):
        ax.bar(mois, taux, color=MARQUE, width=0.6)
        ax.set_xlabel("mois")
        ax.set_ylabel("taux de réponse")
        for k, valeur in enumerate(taux):
            ax.text(k, valeur, f"{valeur:.0%}".replace("%", " %"), ha="center", va="bottom",
                    fontsize=14, color=TEXTE)
        ax.spines[["top", "right"]].set_visible(False)
    gauche.set_ylim(0.60, 0.67)
    gauche.set_title("Axe tronqué (de 60 % à 67 %) :\nla réponse « explose »", fontsize=15)
    droite.set_ylim(0, 1)
    droite.set_title("Axe depuis zéro :\nune hausse modeste", fontsize=15)
    for ax in (gauche, droite):
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}".replace("%", " %"))
    fig.suptitle("Les mêmes trois chiffres, deux impressions", fontsize=18, weight="bold")
    fig.tight_layout()


if __name__ == "__main__":
    for nom, dessin in (("fil-de-commentaires.png", fil_de_commentaires),
                        ("axe-tronque.png", axe_tronque)):
        sortie = HERE / nom
        dessin(sortie)
        print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
