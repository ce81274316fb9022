"""The link reader of module 03: what learners call to list a post's links."""

from __future__ import annotations

import pytest

from exercises.billet import liens_du_billet

pytestmark = pytest.mark.unit


def test_text_and_address_in_order_with_nested_tags_and_collapsed_spaces():
    html = (
        '<p>Voir <a href="/a">le <b>plan</b></a>.</p>'
        '<p><a href="  /b  ">Plus&nbsp;d’infos\n   ici</a></p>'
    )
    assert liens_du_billet(html) == [("le plan", "/a"), ("Plus d’infos ici", "/b")]


def test_anchors_without_href_and_commented_links_are_not_links():
    html = '<a id="fin"></a><!-- <a href="/brouillon">ancien</a> --><a href="/x"></a>'
    assert liens_du_billet(html) == [("", "/x")]


def test_uppercase_tags_single_quotes_and_entities():
    html = "<A class='b' HREF='https://e.example/?a=1&amp;b=2'>La page</A>"
    assert liens_du_billet(html) == [("La page", "https://e.example/?a=1&b=2")]


def test_no_links_and_empty_input():
    assert liens_du_billet("<p>Aucun lien.</p>") == []
    assert liens_du_billet("") == []
