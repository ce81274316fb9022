"""Module 08's package: the per-student brand page and the figure checks."""

from __future__ import annotations

import hashlib
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.dates import date2num  # noqa: E402

from exercises.metrics import BRAND, check_figure, describe, generate, write_csv  # noqa: E402
from exercises.metrics.dataset import (  # noqa: E402
    COMMENT_COLUMNS,
    PUBLICATION_COLUMNS,
    main,
    seed_of,
)

pytestmark = pytest.mark.unit

IDS = ["etudiant-exemple", "amelie", "bastien", "chloe", "x", "Élodie Müller", "42"]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00$")


@pytest.fixture(scope="module", params=IDS)
def page(request) -> dict[str, pd.DataFrame]:
    return generate(request.param)


@pytest.fixture
def figure():
    fig, ax = plt.subplots()
    yield fig, ax
    plt.close("all")


# --- the data -------------------------------------------------------------------------


def test_same_identifier_same_data():
    first, second = generate("amelie"), generate("amelie")
    for name in ("publications", "commentaires"):
        pd.testing.assert_frame_equal(first[name], second[name])


def test_different_identifiers_different_data():
    tables = [generate(ident)["commentaires"] for ident in IDS]
    fingerprints = {
        hashlib.sha256(table.to_csv(index=False).encode()).hexdigest() for table in tables
    }
    assert len(fingerprints) == len(IDS)
    # not only the rows: the behaviour of the page changes too
    rates = {round(_response_rate(table), 6) for table in tables}
    assert len(rates) == len(IDS)


def test_seed_is_a_stable_hash_not_pythons_hash():
    digest = hashlib.sha256(b"08-mesurer:amelie").digest()
    assert seed_of("amelie") == int.from_bytes(digest[:8], "big")


def test_data_of_an_identifier_never_changes():
    # Students write about their numbers: a new version of the generator must not change them.
    data = generate("etudiant-exemple")
    posts, comments = data["publications"], data["commentaires"]
    assert (len(posts), len(comments), int(posts["likes"].sum())) == (30, 424, 1813)
    assert comments.iloc[0][["id", "auteur", "date"]].tolist() == [
        1001,
        "Fatima A.",
        "2025-10-07T15:57:00",
    ]


def test_empty_identifier_is_refused():
    for bad in ("", "   "):
        with pytest.raises(ValueError):
            generate(bad)


def test_schema_and_types(page):
    posts, comments = page["publications"], page["commentaires"]
    assert list(posts.columns) == PUBLICATION_COLUMNS
    assert list(comments.columns) == COMMENT_COLUMNS
    assert posts["id"].dtype == "int64" and posts["likes"].dtype == "int64"
    assert comments["repond_a"].dtype == "Int64" and comments["est_marque"].dtype == bool
    assert (posts["auteur"] == BRAND).all()
    assert set(posts["type"]) <= {"annonce", "question", "concours", "coulisses"}
    assert (posts["likes"] >= 0).all()
    assert posts["id"].is_unique and comments["id"].is_unique
    assert (comments["est_marque"] == (comments["auteur"] == BRAND)).all()
    for column in (posts["date"], comments["date"]):
        assert column.map(lambda text: bool(ISO.match(text))).all()
    assert comments["texte"].str.len().gt(0).all()


def test_sizes(page):
    assert 30 <= len(page["publications"]) <= 60
    assert 300 <= len(page["commentaires"]) <= 800


def test_replies_point_to_earlier_comments_of_the_same_post(page):
    posts, comments = page["publications"], page["commentaires"]
    assert comments["publication_id"].isin(posts["id"]).all()
    replies = comments.dropna(subset=["repond_a"])
    by_id = comments.set_index("id")
    assert replies["repond_a"].isin(comments["id"]).all()
    parents = by_id.loc[replies["repond_a"].astype("int64")]
    assert (parents["publication_id"].to_numpy() == replies["publication_id"].to_numpy()).all()
    assert (pd.to_datetime(parents["date"]).to_numpy() < pd.to_datetime(replies["date"])).all()
    assert (parents.index.to_numpy() < replies["id"].to_numpy()).all()
    # nobody answers themselves, and the brand never answers the brand
    assert (parents["auteur"].to_numpy() != replies["auteur"].to_numpy()).all()


def test_comments_come_after_their_post(page):
    posts = page["publications"].set_index("id")
    comments = page["commentaires"]
    post_dates = pd.to_datetime(posts.loc[comments["publication_id"], "date"]).to_numpy()
    assert (pd.to_datetime(comments["date"]).to_numpy() > post_dates).all()
    assert comments["date"].is_monotonic_increasing and comments["id"].is_monotonic_increasing


def test_every_page_holds_the_cases_a_careless_definition_gets_wrong(page):
    comments = page["commentaires"]
    members = comments[~comments["est_marque"]]
    top_level = comments["repond_a"].isna()
    brand_replies = comments[comments["est_marque"] & ~top_level]
    # the brand writes top-level comments too (they are not "user comments")
    assert (comments["est_marque"] & top_level).sum() >= 2
    # one member comment answered twice by the brand (the *first* reply counts)
    assert brand_replies["repond_a"].value_counts().max() >= 2
    # unanswered member comments, member-to-member replies, replies to replies
    member_top = comments[~comments["est_marque"] & top_level]
    assert (~member_top["id"].isin(brand_replies["repond_a"])).sum() > 0
    author = comments.set_index("id")["est_marque"]
    replies = comments[~top_level]
    parent_is_member = ~replies["repond_a"].astype("int64").map(author)
    assert (~replies["est_marque"] & parent_is_member).sum() > 0
    assert replies["repond_a"].isin(replies["id"]).sum() > 0
    # some people write much more than others
    counts = members["auteur"].value_counts()
    top = math.ceil(0.1 * len(counts))
    assert counts.iloc[:top].sum() / len(members) > 0.3


def test_brand_delays_range_from_minutes_to_days():
    delays = pd.concat([_brand_delays(generate(ident)["commentaires"]) for ident in IDS])
    assert delays.min() < 0.5 and delays.max() > 48


def test_pages_differ_in_behaviour():
    rates = [_response_rate(generate(f"etudiant-{k}")["commentaires"]) for k in range(30)]
    assert max(rates) - min(rates) > 0.2


def test_write_csv_round_trip(tmp_path):
    written = write_csv("amelie", tmp_path / "donnees")
    assert set(written) == {"publications", "commentaires"}
    assert written["commentaires"] == tmp_path / "donnees" / "commentaires.csv"
    data = generate("amelie")
    posts = pd.read_csv(written["publications"], encoding="utf-8")
    comments = pd.read_csv(written["commentaires"], dtype={"repond_a": "Int64"})
    pd.testing.assert_frame_equal(posts, data["publications"])
    pd.testing.assert_frame_equal(comments, data["commentaires"])
    text = written["publications"].read_bytes().decode("utf-8")
    assert "é" in text and text.splitlines()[0] == ",".join(PUBLICATION_COLUMNS)
    # an empty repond_a is an empty CSV field
    assert ",," in written["commentaires"].read_text(encoding="utf-8")


def test_command_line_writes_both_files(tmp_path, capsys):
    assert main(["bastien", "--out", str(tmp_path / "sortie")]) == 0
    assert (tmp_path / "sortie" / "publications.csv").is_file()
    assert (tmp_path / "sortie" / "commentaires.csv").is_file()
    assert "commentaires" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["  ", "--out", str(tmp_path)])


# --- the figures ----------------------------------------------------------------------


def test_describe_two_bar_series(figure):
    fig, ax = figure
    ax.bar([1, 2, 3], [4, 5, 6], label="membres")
    ax.bar([1, 2, 3], [1, 0, 2], bottom=[4, 5, 6], label="marque")
    ax.set_xlabel("semaine")
    ax.set_ylabel("commentaires")
    ax.set_title("Commentaires par semaine")
    ax.legend()
    summary = describe(fig)
    (axes,) = summary["axes"]
    assert (axes["title"], axes["xlabel"], axes["ylabel"]) == (
        "Commentaires par semaine",
        "semaine",
        "commentaires",
    )
    assert axes["legend"] == ["membres", "marque"]
    assert [(s["kind"], s["label"], s["n"], s["y_total"]) for s in axes["series"]] == [
        ("bar", "membres", 3, 15.0),
        ("bar", "marque", 3, 3.0),
    ]
    assert check_figure(fig, series=2, need_title=True, need_legend=True) == []


def test_check_figure_names_what_is_missing(figure):
    fig, ax = figure
    ax.bar([1, 2], [3, 4])
    ax.bar([1, 2], [1, 1], bottom=[3, 4])
    messages = check_figure(fig, series=1, need_title=True, need_legend=True)
    text = " ".join(messages)
    assert len(messages) == 5
    assert "axe horizontal" in text and "axe vertical" in text
    assert "titre" in text and "légende" in text
    assert "1 série" in text and "il en montre 2" in text
    assert check_figure(fig, series=2, need_labels=False) == []
    assert check_figure(fig, series=(1, 3), need_labels=False) == []
    assert "entre 3 et 4 séries" in check_figure(fig, series=(3, 4), need_labels=False)[0]


def test_reference_lines_and_decorations_are_not_series(figure):
    fig, ax = figure
    ax.plot([1, 2, 3], [2, 4, 6], label="réponses")
    ax.axhline(3, color="grey")
    ax.axvline(2, color="grey")
    ax.text(1, 1, "note")
    (axes,) = describe(fig)["axes"]
    assert [(s["kind"], s["n"], s["x_total"], s["y_total"]) for s in axes["series"]] == [
        ("line", 3, 6.0, 12.0)
    ]


def test_scatter_counts_only_points_drawn(figure):
    fig, ax = figure
    ax.scatter([10, 20, 30, 40], [1, 0, np.nan, 3])
    (series,) = describe(fig)["axes"][0]["series"]
    assert series["kind"] == "scatter"
    assert (series["n"], series["x_total"], series["y_total"]) == (3, 100.0, 4.0)


def test_histogram_and_pandas_plots(figure):
    fig, ax = figure
    ax.hist([0.2, 0.5, 1.0, 3.0, 30.0], bins=4)
    (series,) = describe(fig)["axes"][0]["series"]
    assert series["kind"] == "bar" and series["y_total"] == 5.0

    table = pd.DataFrame({"marque": [2, np.nan], "membres": [5, 7]}, index=["S1", "S2"])
    axes = table.plot.bar(stacked=True)
    totals = [s["y_total"] for s in describe(axes.figure)["axes"][0]["series"]]
    assert totals == [2.0, 12.0]


def test_several_axes_are_checked_one_by_one(figure):
    fig, ax = figure
    fig.clf()
    left, right = fig.subplots(1, 2)
    left.plot([1, 2], [1, 2])
    left.set_xlabel("x")
    left.set_ylabel("y")
    right.plot([1, 2], [2, 1])
    messages = check_figure(fig, series=2)
    assert len(messages) == 2 and all("graphique n° 2" in m for m in messages)


def test_title_and_legend_messages_read_as_french(figure):
    fig, ax = figure
    ax.plot([1, 2], [1, 2])
    ax.plot([1, 2], [2, 1])
    assert check_figure(fig, need_labels=False, need_title=True, need_legend=True) == [
        "Le graphique n'a pas de titre (`ax.set_title(...)`).",
        "Le graphique montre plusieurs séries sans légende : on ne sait pas laquelle est "
        "laquelle (`label=...` puis `ax.legend()`).",
    ]
    fig.clf()
    left, right = fig.subplots(1, 2)
    left.plot([1, 2], [1, 2])
    left.set_title("gauche")
    right.plot([1, 2], [2, 1])
    right.plot([1, 2], [3, 1])
    assert check_figure(fig, need_labels=False, need_title=True, need_legend=True) == [
        "Le graphique n° 2 n'a pas de titre (`ax.set_title(...)`).",
        "Le graphique n° 2 montre plusieurs séries sans légende : on ne sait pas laquelle est "
        "laquelle (`label=...` puis `ax.legend()`).",
    ]


def test_lines_are_read_as_matplotlib_draws_them(figure):
    fig, ax = figure
    ax.plot(np.array([1, 2, 3], dtype=object), np.array([4, None, 6], dtype=object))
    ax.plot(["lundi", "mardi", "mercredi"], [1, 2, 3])  # categories sit at 0, 1, 2
    ax.plot([], [])  # nothing drawn: not a series
    days = pd.date_range("2024-01-01", periods=2)
    fig2, ax2 = plt.subplots()
    ax2.plot(days, [1, 1])
    ax2.plot(np.array([day.to_pydatetime() for day in days], dtype=object), [2, 2])
    rows = [(s["n"], s["x_total"], s["y_total"]) for s in describe(fig)["axes"][0]["series"]]
    assert rows == [(2, 6.0, 10.0), (3, 3.0, 6.0)]
    expected_x = float(date2num(days).sum())
    rows = [(s["n"], s["x_total"]) for s in describe(fig2)["axes"][0]["series"]]
    assert rows == [(2, expected_x), (2, expected_x)]

    fig.clf()
    bars = fig.subplots()
    bars.bar(["lundi", "mardi", "mercredi"], [1, 2, 3])
    assert describe(fig)["axes"][0]["series"][0]["x_total"] == 3.0  # as for the line


def test_not_a_figure():
    fig, ax = plt.subplots()
    try:
        assert "pas une figure" in check_figure(ax)[0]
        assert "figure matplotlib" in check_figure([1, 2])[0]
        assert "vide" in check_figure(fig)[0]
        with pytest.raises(TypeError):
            describe(ax)
    finally:
        plt.close(fig)


# --- helpers (computed independently of the notebook's definitions) ------------------


def _response_rate(comments: pd.DataFrame) -> float:
    top = comments[~comments["est_marque"] & comments["repond_a"].isna()]
    answered = comments.loc[comments["est_marque"], "repond_a"].dropna()
    return float(top["id"].isin(answered).mean())


def _brand_delays(comments: pd.DataFrame) -> pd.Series:
    dates = pd.to_datetime(comments.set_index("id")["date"])
    replies = comments[comments["est_marque"] & comments["repond_a"].notna()]
    first = (
        pd.to_datetime(replies.set_index("id")["date"]).groupby(replies["repond_a"].values).min()
    )
    return (first - dates.loc[first.index].values).dt.total_seconds() / 3600
