"""Génère les figures du module 03 (Anatomie d'un billet de blog).

Usage (depuis n'importe quel dossier) :
    python modules/03-anatomie-billet/images/make_figures.py

Produit images/anatomie-billet.png : la maquette d'un billet de blog, avec ses
parties (titre, date et autrice, chapô, image, corps et liens, étiquettes,
billets liés, commentaires) et, en couleur, le principe que chacune sert,
d'après Stephanie Booth, « Anatomie d'un article de blog ».
"""

from pathlib import Path

from grader.slides.figures import save_figure

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

HERE = Path(__file__).resolve().parent

LIENS = "#2b6cb0"  # 1. les liens, valeur ajoutée
TRAVAIL = "#d98324"  # 2. mâcher le travail du lecteur
ARCHIVES = "#2f855a"  # 3. rendre les archives visibles
REPONSE = "#c53030"  # 4. inviter à répondre
GRIS = "#666666"
PALE = "#c9c9c9"
TEXTE = "#222222"


def lignes(ax, x, y, largeurs, pas=0.22, couleur=PALE, lw=2.2):
    """Des lignes de texte factices, de haut en bas ; renvoie l'ordonnée suivante."""
    for largeur in largeurs:
        ax.plot([x, x + largeur], [y, y], color=couleur, lw=lw, solid_capstyle="round")
        y -= pas
    return y


def lien(ax, x, y, largeur, couleur=LIENS):
    """Un lien dans le texte : un segment coloré et souligné."""
    ax.plot([x, x + largeur], [y, y], color=couleur, lw=2.6, solid_capstyle="round", zorder=3)
    ax.plot([x, x + largeur], [y - 0.06, y - 0.06], color=couleur, lw=0.8, zorder=3)


def etiquette(ax, xy_cible, xy_texte, titre, detail, couleur):
    ax.add_patch(
        FancyArrowPatch(
            (xy_texte[0] - 0.08, xy_texte[1] - 0.1), xy_cible,
            arrowstyle="-|>", mutation_scale=9, lw=1.1, color=couleur,
            connectionstyle="arc3,rad=0.0", shrinkA=2, shrinkB=3, zorder=5,
        )
    )
    ax.text(xy_texte[0], xy_texte[1], titre, fontsize=10.5, weight="bold", color=couleur,
            va="center")
    ax.text(xy_texte[0], xy_texte[1] - 0.24, detail, fontsize=8.6, color=TEXTE, va="center")


def anatomie(chemin):
    fig, ax = plt.subplots(figsize=(10, 7.2), dpi=100)
    ax.set_xlim(0, 13.9)
    ax.set_ylim(0, 10)
    ax.axis("off")

    ax.text(0.2, 9.68, "Anatomie d'un billet de blog", fontsize=15, weight="bold")
    ax.text(0.2, 9.3, "d'après Stephanie Booth, « Anatomie d'un article de blog » : "
            "chaque partie sert un principe", fontsize=9, color=GRIS)

    # la page du billet
    ax.add_patch(FancyBboxPatch((0.3, 0.12), 6.4, 8.83, boxstyle="round,pad=0.02,rounding_size=0.1",
                                fc="white", ec="#999999", lw=1.4))
    x0 = 0.65

    # titre et ligne de métadonnées
    ax.text(x0, 8.55, "Premier 4000 : ce qu'il faut savoir", fontsize=12.5, weight="bold",
            color=TEXTE)
    ax.text(x0, 8.18, "12 mars · par Céline · catégorie « Courses »", fontsize=8.5, color=GRIS)

    # chapô
    ax.add_patch(Rectangle((x0 - 0.1, 7.12), 5.9, 0.82, fc="#fdf1e3", ec="none"))
    lignes(ax, x0, 7.78, [5.6, 5.3, 3.4], couleur="#e2b27a")

    # image
    ax.add_patch(Rectangle((x0, 5.55), 2.3, 1.35, fc="#e6edf5", ec="#9fb3c8", lw=1))
    ax.plot([x0 + 0.15, x0 + 0.95, x0 + 1.35, x0 + 1.85, x0 + 2.15],
            [5.7, 6.55, 6.15, 6.75, 5.7], color="#9fb3c8", lw=1.6)
    ax.text(x0 + 2.55, 6.55, "photo : attire l'œil,\nmise en avant au partage",
            fontsize=8.3, color=GRIS, va="center")

    # corps, avec des liens
    y = lignes(ax, x0, 5.2, [5.6, 5.4])
    ax.plot([x0, x0 + 1.6], [y, y], color=PALE, lw=2.2, solid_capstyle="round")
    lien(ax, x0 + 1.75, y, 1.9)
    ax.plot([x0 + 3.8, x0 + 5.6], [y, y], color=PALE, lw=2.2, solid_capstyle="round")
    y_lien = y
    y = lignes(ax, x0, y - 0.22, [5.5, 4.8])
    lien(ax, x0, y, 1.5, ARCHIVES)
    ax.plot([x0 + 1.65, x0 + 5.2], [y, y], color=PALE, lw=2.2, solid_capstyle="round")
    y = lignes(ax, x0, y - 0.22, [5.3])
    y_question = y
    ax.text(x0, y_question, "Et vous, quel a été votre premier sommet ?", fontsize=9,
            style="italic", color=REPONSE, va="center")

    # étiquettes
    y_tags = y_question - 0.5
    ax.text(x0, y_tags, "Étiquettes :", fontsize=8.5, color=GRIS, va="center")
    for k, mot in enumerate(("haute montagne", "débutants", "Valais")):
        xb = x0 + 1.2 + k * 1.55
        ax.add_patch(FancyBboxPatch((xb, y_tags - 0.13), 1.42, 0.26,
                                    boxstyle="round,pad=0.02,rounding_size=0.1",
                                    fc="#e6f2ea", ec=ARCHIVES, lw=0.9))
        ax.text(xb + 0.71, y_tags, mot, fontsize=7.6, ha="center", va="center",
                color=ARCHIVES)

    # billets liés
    y_lies = y_tags - 0.5
    ax.text(x0, y_lies, "Sur le même sujet :", fontsize=8.5, color=GRIS, va="center")
    for k in range(3):
        lien(ax, x0 + 0.25, y_lies - 0.25 * (k + 1), (2.6, 3.1, 2.2)[k], ARCHIVES)

    # commentaires
    y_com = y_lies - 1.1
    ax.text(x0, y_com, "3 commentaires", fontsize=8.5, color=GRIS, va="center")
    for k, (dx, larg) in enumerate(((0.0, 5.5), (0.5, 5.0))):
        yb = y_com - 0.58 - k * 0.56
        ax.add_patch(FancyBboxPatch((x0 + dx, yb), larg, 0.45,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    fc="#fbeaea" if k else "#f4f4f4",
                                    ec=REPONSE if k else "#bbbbbb", lw=0.9))
        lignes(ax, x0 + dx + 0.15, yb + 0.3, [larg - 0.6, larg - 1.8], pas=0.16, lw=1.6)
    y_reponse = y_com - 0.58 - 0.56 + 0.22

    # étiquettes de droite
    xt = 7.55
    etiquette(ax, (6.45, 8.5), (xt, 8.6), "Titre", "dit de quoi il s'agit, sans énigme",
              TRAVAIL)
    etiquette(ax, (5.5, 8.18), (xt, 7.95), "Date, autrice, catégorie",
              "qui parle, quand, dans quel rayon", ARCHIVES)
    etiquette(ax, (6.45, 7.5), (xt, 7.25), "Chapô",
              "l'essentiel d'abord : le lecteur sait s'il reste", TRAVAIL)
    etiquette(ax, (x0 + 3.7, y_lien), (xt, 5.55), "Liens dans le corps",
              "sources, contexte, autres gens : texte qui dit où l'on va", LIENS)
    etiquette(ax, (x0 + 1.5, y_lien - 0.88), (xt, 4.8), "Lien vers un ancien billet",
              "pas d'« exploration archéologique » à faire", ARCHIVES)
    etiquette(ax, (6.25, y_question), (xt, 4.05), "Question finale",
              "une vraie invitation à répondre", REPONSE)
    etiquette(ax, (6.62, y_tags), (xt, 3.3), "Étiquettes et billets liés",
              "ouvrent les archives au lecteur de passage", ARCHIVES)
    etiquette(ax, (x0 + 5.5, y_reponse), (xt, 2.1), "Commentaires… et réponses",
              "l'autrice répond : l'échange est possible", REPONSE)

    # légende des quatre principes
    yl = 1.15
    ax.text(xt, yl + 0.2, "Les quatre principes :", fontsize=9, weight="bold", color=TEXTE)
    for k, (nom, couleur) in enumerate((
        ("1. les liens, valeur ajoutée", LIENS),
        ("2. mâcher le travail du lecteur", TRAVAIL),
        ("3. des archives visibles", ARCHIVES),
        ("4. inviter à répondre", REPONSE),
    )):
        xk = xt + (k % 2) * 3.1
        yk = yl - 0.3 - (k // 2) * 0.33
        ax.add_patch(Rectangle((xk, yk - 0.08), 0.22, 0.16, color=couleur))
        ax.text(xk + 0.32, yk, nom, fontsize=8.6, va="center", color=TEXTE)

    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "anatomie-billet.png"
    anatomie(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
