"""Génère les figures du module 03 (Anatomie d'un billet de blog).

Usage (depuis n'importe quel dossier) :
    python modules/03-anatomie-billet/images/make_figures.py

Produit images/anatomie-billet.png : la maquette d'un billet de blog, avec ses
parties (titre, date et autrice, chapô, image, corps et liens, étiquettes,
billets liés, commentaires) et, en couleur, le principe que chacune sert,
d'après Stephanie Booth, « Anatomie d'un article de blog ».
"""

from pathlib import Path

import matplotlib

from grader.slides.figures import save_figure

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


def trait(ax, x, y, largeur, couleur=PALE, lw=5):
    """Une ligne de texte factice (la maquette n'a pas de petit texte)."""
    ax.plot([x, x + largeur], [y, y], color=couleur, lw=lw, solid_capstyle="round")


def etiquette(ax, y_cible, y_texte, titre, couleur):
    """Le nom d'une partie, à droite de la maquette, relié par une flèche à sa partie."""
    ax.add_patch(FancyArrowPatch(
        (452, y_texte), (392, y_cible), arrowstyle="-|>", mutation_scale=14, lw=1.6,
        color=couleur, shrinkA=2, shrinkB=2, zorder=5,
    ))
    ax.text(460, y_texte, titre, fontsize=16, weight="bold", color=couleur, va="center")


def maquette(ax):
    """La page du billet, en formes : chaque partie a la couleur du principe qu'elle sert."""
    ax.add_patch(FancyBboxPatch((20, 12), 380, 516, boxstyle="round,pad=0,rounding_size=10",
                                fc="white", ec="#999999", lw=1.6))
    x0 = 45
    trait(ax, x0, 495, 300, TEXTE, lw=10)  # titre
    trait(ax, x0, 462, 210, "#aaaaaa", lw=4)  # date, autrice, catégorie
    ax.add_patch(Rectangle((x0 - 8, 398), 340, 48, fc="#fdf1e3", ec="none"))  # chapô
    trait(ax, x0, 430, 310, "#e2b27a")
    trait(ax, x0, 412, 200, "#e2b27a")
    ax.add_patch(Rectangle((x0, 305), 150, 80, fc="#e6edf5", ec="#9fb3c8", lw=1.2))  # image
    ax.plot([x0 + 10, x0 + 60, x0 + 85, x0 + 115, x0 + 140],
            [312, 365, 340, 372, 312], color="#9fb3c8", lw=2)
    trait(ax, x0, 280, 320)  # corps, avec un lien vers une source
    trait(ax, x0, 258, 90)
    trait(ax, x0 + 105, 258, 110, LIENS, lw=6)
    trait(ax, x0 + 230, 258, 90)
    trait(ax, x0, 236, 80, ARCHIVES, lw=6)  # un lien vers un ancien billet
    trait(ax, x0 + 95, 236, 225)
    trait(ax, x0, 204, 280, REPONSE, lw=5)  # la question finale
    for k in range(3):  # étiquettes
        ax.add_patch(FancyBboxPatch((x0 + k * 95, 160), 82, 20,
                                    boxstyle="round,pad=0,rounding_size=8",
                                    fc="#e6f2ea", ec=ARCHIVES, lw=1.2))
    for k, largeur in enumerate((190, 230, 160)):  # billets liés
        trait(ax, x0 + 15, 140 - 16 * k, largeur, ARCHIVES, lw=4)
    for k, (dx, couleur, fond) in enumerate(((0, "#bbbbbb", "#f4f4f4"),
                                             (30, REPONSE, "#fbeaea"))):
        yb = 58 - k * 36  # commentaires, puis la réponse de l'autrice
        ax.add_patch(FancyBboxPatch((x0 + dx, yb), 320 - dx, 28,
                                    boxstyle="round,pad=0,rounding_size=6",
                                    fc=fond, ec=couleur, lw=1.2))


def anatomie(chemin):
    """Dessinée à sa taille d'affichage (1200 × 540 px), pour des libellés de 22 px."""
    fig, ax = plt.subplots(figsize=(12, 5.4), dpi=100)
    ax.set_xlim(0, 1200)
    ax.set_ylim(0, 540)
    ax.set_aspect("equal")
    ax.axis("off")
    maquette(ax)

    for y_cible, y_texte, titre, couleur in (
        (495, 500, "Titre", TRAVAIL),
        (462, 462, "Date, autrice, catégorie", ARCHIVES),
        (421, 424, "Chapô", TRAVAIL),
        (345, 345, "Image", TRAVAIL),
        (258, 280, "Liens dans le corps", LIENS),
        (236, 240, "Lien vers un ancien billet", ARCHIVES),
        (204, 200, "Question finale", REPONSE),
        (140, 150, "Étiquettes, billets liés", ARCHIVES),
        (40, 60, "Commentaires et réponses", REPONSE),
    ):
        etiquette(ax, y_cible, y_texte, titre, couleur)

    xl = 860
    ax.text(xl, 500, "Les quatre principes", fontsize=16, weight="bold", color=TEXTE,
            va="center")
    for k, (nom, couleur) in enumerate((
        ("1. les liens", LIENS),
        ("2. mâcher le travail", TRAVAIL),
        ("3. archives visibles", ARCHIVES),
        ("4. inviter à répondre", REPONSE),
    )):
        yk = 450 - 46 * k
        ax.add_patch(Rectangle((xl, yk - 10), 22, 20, color=couleur))
        ax.text(xl + 32, yk, nom, fontsize=16, va="center", color=TEXTE)

    fig.subplots_adjust(left=0, right=1, top=1, bottom=0)
    save_figure(fig, chemin, dpi=100, facecolor="white")
    plt.close(fig)


if __name__ == "__main__":
    sortie = HERE / "anatomie-billet.png"
    anatomie(sortie)
    print(f"{sortie} : {sortie.stat().st_size / 1024:.1f} Ko")
