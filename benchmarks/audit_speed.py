"""How long `course audit` takes on a 2 MB page, beside parsing the same page with bs4+lxml.

Run: python benchmarks/audit_speed.py [--size-mb 2] [--repeat 5]

The page is built from a realistic blog post (headings, links out, images, comments,
dates) repeated until it reaches the size; it is written to a temporary file and audited
through the same function the CLI calls (reading, decoding, parsing, all signals).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bs4 import BeautifulSoup

from exercises.audit import audit_page

POST = """
<article class="post">
  <h2>Sortie du {n} : le Moléson par les crêtes</h2>
  <p class="byline">Par <a rel="author" href="/membres/anne">Anne</a>,
     <time datetime="2024-{month:02d}-12">12 mars</time></p>
  <p>Nous étions douze au départ de Moléson-sur-Gruyères. J'ai proposé de passer par la
     Vudalla ; je me suis trompée d'embranchement, et nous avons bien ri. Merci à
     <a href="https://www.fribourgregion.ch/fr/">Fribourg Région</a> pour les cartes et à
     <a href="https://www.meteosuisse.admin.ch/">MétéoSuisse</a> pour la fenêtre de beau.</p>
  <img src="/images/{n}.jpg" alt="Le groupe au sommet">
  <img src="/images/deco-{n}.png" alt="">
  <section class="comments">
    <h3>Commentaires</h3>
    <article class="comment"><p>Quelle journée ! Je reviens la prochaine fois.</p></article>
    <article class="comment"><p>Nous avons oublié le pique-nique, mais pas le sourire.</p></article>
  </section>
</article>
"""


def build_page(size_bytes: int) -> str:
    head = (
        '<!doctype html><html lang="fr-CH"><head><meta charset="utf-8">'
        "<title>Les Sentiers — blog</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>'
        '<h1>Le blog des Sentiers</h1><a href="https://www.facebook.com/sentiers">Facebook</a>'
    )
    posts, n = [], 0
    while len(head) + sum(map(len, posts)) < size_bytes:
        n += 1
        posts.append(POST.format(n=n, month=n % 12 + 1))
    return head + "".join(posts) + "</body></html>"


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    html = build_page(int(args.size_mb * 1_000_000))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html"
        path.write_text(html, encoding="utf-8")
        size = path.stat().st_size
        audit = timed(lambda: audit_page(path, url="https://www.sentiers.ch/"), args.repeat)
        bs4 = timed(lambda: BeautifulSoup(path.read_bytes(), "lxml"), args.repeat)
        signals = audit_page(path, url="https://www.sentiers.ch/")["signals"]
    print(f"page: {size / 1e6:.2f} MB, {signals['word_count']} words, median of {args.repeat} runs")
    print(f"{'course audit (all signals)':<34}{audit:8.3f} s")
    print(f"{'BeautifulSoup(lxml) parse only':<34}{bs4:8.3f} s")
    print(f"ratio (bs4 parse / full audit)    {bs4 / audit:8.1f}x")


if __name__ == "__main__":
    main()
