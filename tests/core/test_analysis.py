"""The analysis tables against the project of `build_coded_project` (tests/conftest.py), counted
by hand: articles A1, A2 (Herald), A3 (Courier, in progress), A4 (no outlet, no date), A5
(Courier, unreadable date, nothing coded); annotators ana and bob."""

from __future__ import annotations

import pytest

from annotator.core import analysis
from annotator.core.model import AnalysisFilter, Status

EVERYTHING = AnalysisFilter()


def rows(store, key, f=EVERYTHING):
    return list(analysis.TABLES[key](store, f).rows)


def test_spans_per_label_and_outlet_with_share_of_the_outlets_articles(coded_project):
    store, _ = coded_project
    assert rows(store, "labels_by_outlet") == [
        ("claim", "", 1, 1, 1, 1.0),
        ("claim", "Herald", 1, 1, 2, 0.5),
        ("quote", "", 1, 1, 1, 1.0),
        ("quote", "Courier", 2, 1, 2, 0.5),
        ("quote", "Herald", 4, 2, 2, 1.0),
        ("actor", "", 1, 1, 1, 1.0),
        ("actor", "Courier", 2, 1, 2, 0.5),
        ("actor", "Herald", 3, 2, 2, 1.0),
        ("framing", "Courier", 1, 1, 2, 0.5),
        ("framing", "Herald", 4, 2, 2, 1.0),
    ]


def test_spans_per_label_and_month_an_unreadable_date_counts_as_none(coded_project):
    store, _ = coded_project
    assert rows(store, "labels_by_month") == [
        ("claim", "", 1, 1, 2, 0.5),
        ("claim", "2024-02", 1, 1, 1, 1.0),
        ("quote", "", 1, 1, 2, 0.5),
        ("quote", "2024-01", 5, 2, 2, 1.0),
        ("quote", "2024-02", 1, 1, 1, 1.0),
        ("actor", "", 1, 1, 2, 0.5),
        ("actor", "2024-01", 4, 2, 2, 1.0),
        ("actor", "2024-02", 1, 1, 1, 1.0),
        ("framing", "2024-01", 4, 2, 2, 1.0),
        ("framing", "2024-02", 1, 1, 1, 1.0),
    ]


def test_frames_per_outlet_and_month(coded_project):
    store, _ = coded_project
    assert rows(store, "frames_by_outlet") == [
        ("Economic", "Courier", 1, 1, 2, 0.5),
        ("Economic", "Herald", 2, 1, 2, 0.5),
        ("Security and defense", "Herald", 2, 2, 2, 1.0),
    ]
    assert rows(store, "frames_by_month") == [
        ("Economic", "2024-01", 3, 2, 2, 1.0),
        ("Security and defense", "2024-01", 1, 1, 2, 0.5),
        ("Security and defense", "2024-02", 1, 1, 1, 1.0),
    ]


def test_quoted_actors_grouped_by_normalised_name_whatever_its_case(coded_project):
    store, _ = coded_project
    assert rows(store, "quoted_actors") == [
        ("Sergey Lavrov", 3, 2, 1, 2, "Herald 2, Courier 1"),
        ("Greenpeace", 1, 0, 1, 1, "(no outlet) 1"),  # no normalised name: the span's text
        ("NATO", 1, 1, 0, 1, "Herald 1"),
        ("Olaf Scholz", 1, 0, 1, 1, "Courier 1"),
    ]


def test_the_speaker_relation_is_the_one_the_scheme_rules_give_quotes_to_actors(tmp_path):
    """A project whose quotes point to their actor by `spoken_by` (its relation rule) gets the
    same quoted actors, network and spans behind them as one with `said_by`."""
    from coded_project import build_coded_project

    from annotator.core.scheme import RelationRule

    store, ids = build_coded_project(tmp_path / "spoken.annotator", speaker_relation="spoken_by")
    with store:
        store.set_relation_rules([RelationRule("spoken_by", "quote", ("actor",))])
        quoted = analysis.quoted_actors(store, EVERYTHING)
        assert quoted.rows[0] == ("Sergey Lavrov", 3, 2, 1, 2, "Herald 2, Courier 1")
        assert len(quoted.rows) == 4 and "(spoken_by)" in quoted.description
        assert rows(store, "actor_network") == [("Olaf Scholz", "Sergey Lavrov", 1)]
        hits = analysis.spans_behind(store, quoted, quoted.rows[0])
        assert sorted(hit.span_id for hit in hits) == sorted(ids[name] for name in ("q1", "q2", "q6"))


def test_without_a_rule_from_quotes_to_actors_the_speaker_relation_is_said_by(coded_project):
    store, _ = coded_project
    store.set_relation_rules([])
    assert rows(store, "quoted_actors")[0] == ("Sergey Lavrov", 3, 2, 1, 2, "Herald 2, Courier 1")


def test_actor_network_links_actors_quoted_in_the_same_article(coded_project):
    store, _ = coded_project
    assert rows(store, "actor_network") == [("Olaf Scholz", "Sergey Lavrov", 1)]


def test_cooccurrence_counts_articles_and_overlapping_span_pairs(coded_project):
    store, _ = coded_project
    table = {(a, b): (n, overlaps) for a, b, n, overlaps in rows(store, "cooccurrence")}
    assert table[("quote", "actor")] == (4, 0)
    assert table[("actor", "framing")] == (3, 2)
    assert table[("quote", "framing")] == (3, 2)
    assert table[("claim", "quote")] == (2, 1)
    assert table[("claim", "framing")] == (1, 1)
    assert table[("quote.kind=direct", "quote.kind=indirect")] == (2, 0)
    assert table[("quote.kind=indirect", "framing.frame=Economic")] == (2, 2)
    assert table[("claim.check_worthy=no", "quote.kind=indirect")] == (1, 1)
    assert table[("framing.frame=Economic", "framing.frame=Security and defense")] == (1, 1)
    # a label is never paired with its own values, nor a code with itself
    assert not any(a == b or b.startswith(a + ".") for a, b in table)


def test_cooccurrence_of_claims_and_quotes_in_full(coded_project):
    store, _ = coded_project
    assert rows(store, "cooccurrence", AnalysisFilter(labels=("claim", "quote"))) == [
        ("claim", "quote", 2, 1),
        ("quote.kind=direct", "quote.kind=indirect", 2, 0),
        ("claim", "quote.kind=indirect", 1, 1),
        ("claim.check_worthy=no", "quote", 1, 1),
        ("claim.check_worthy=no", "quote.kind=indirect", 1, 1),
        ("claim", "quote.kind=direct", 1, 0),
        ("claim.check_worthy=yes", "quote", 1, 0),
        ("claim.check_worthy=yes", "quote.kind=direct", 1, 0),
    ]


def test_annotator_filter(coded_project):
    store, _ = coded_project
    bob = AnalysisFilter(annotators=("bob",))
    assert rows(store, "labels_by_outlet", bob) == [
        ("quote", "Courier", 2, 1, 2, 0.5),
        ("quote", "Herald", 1, 1, 2, 0.5),
        ("actor", "Courier", 2, 1, 2, 0.5),
        ("framing", "Courier", 1, 1, 2, 0.5),
        ("framing", "Herald", 1, 1, 2, 0.5),
    ]
    assert rows(store, "quoted_actors", bob) == [
        ("Olaf Scholz", 1, 0, 1, 1, "Courier 1"),
        ("Sergey Lavrov", 1, 1, 0, 1, "Courier 1"),
    ]
    overlaps = {(a, b): (n, o) for a, b, n, o in rows(store, "cooccurrence", bob)}
    assert overlaps[("actor", "framing")] == (1, 1)
    assert ("claim", "quote") not in overlaps


def test_status_and_outlet_filters(coded_project):
    store, _ = coded_project
    done = AnalysisFilter(statuses=(Status.DONE,))
    assert rows(store, "labels_by_outlet", done) == [
        ("claim", "", 1, 1, 1, 1.0),
        ("claim", "Herald", 1, 1, 2, 0.5),
        ("quote", "", 1, 1, 1, 1.0),
        ("quote", "Herald", 4, 2, 2, 1.0),
        ("actor", "", 1, 1, 1, 1.0),
        ("actor", "Herald", 3, 2, 2, 1.0),
        ("framing", "Herald", 4, 2, 2, 1.0),
    ]
    assert rows(store, "actor_network", done) == []
    courier = AnalysisFilter(outlets=("Courier",))
    assert rows(store, "frames_by_outlet", courier) == [("Economic", "Courier", 1, 1, 2, 0.5)]
    assert [row[0] for row in rows(store, "quoted_actors", courier)] == ["Olaf Scholz", "Sergey Lavrov"]


def test_date_range_is_inclusive_and_leaves_out_articles_without_a_date(coded_project):
    store, _ = coded_project
    window = AnalysisFilter(since="2024-01-16", until="2024-02")
    assert rows(store, "labels_by_month", window) == [
        ("claim", "2024-02", 1, 1, 1, 1.0),
        ("quote", "2024-01", 2, 1, 1, 1.0),
        ("quote", "2024-02", 1, 1, 1, 1.0),
        ("actor", "2024-01", 2, 1, 1, 1.0),
        ("actor", "2024-02", 1, 1, 1, 1.0),
        ("framing", "2024-01", 1, 1, 1, 1.0),
        ("framing", "2024-02", 1, 1, 1, 1.0),
    ]
    assert rows(store, "quoted_actors", AnalysisFilter(until="2024-01-15")) == [
        ("Sergey Lavrov", 2, 1, 1, 1, "Herald 2")
    ]


def test_label_filter(coded_project):
    store, _ = coded_project
    quotes = AnalysisFilter(labels=("quote", "actor"))
    assert {row[0] for row in rows(store, "labels_by_outlet", quotes)} == {"quote", "actor"}
    assert rows(store, "frames_by_outlet", quotes) == []
    codes = {code for row in rows(store, "cooccurrence", quotes) for code in row[:2]}
    assert codes and all(code.startswith(("quote", "actor")) for code in codes)
    assert rows(store, "quoted_actors", AnalysisFilter(labels=("framing",))) == []


def test_a_date_bound_that_is_not_a_date_is_refused_clearly(coded_project):
    store, _ = coded_project
    with pytest.raises(ValueError, match="--since must be a date like 2024"):
        analysis.tables(store, AnalysisFilter(since="2024/01"))


def test_search_input_cannot_break_the_sql(coded_project):
    store, _ = coded_project
    hostile = AnalysisFilter(outlets=("x' OR 1=1 --",), annotators=('"); DROP TABLE spans; --',))
    assert all(table.rows == () for table in analysis.tables(store, hostile))
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 20


def span_ids(hits):
    return sorted(hit.span_id for hit in hits)


def test_spans_behind_each_kind_of_row(coded_project):
    store, ids = coded_project
    by_key = {table.key: table for table in analysis.tables(store)}

    def behind(key, *first):
        table = by_key[key]
        row = next(row for row in table.rows if row[: len(first)] == first)
        hits = analysis.spans_behind(store, table, row)
        for hit in hits:
            assert (
                hit.context[hit.context_start : hit.context_end]
                == store.article(hit.article_id).text[hit.start : hit.end]
            )
        return span_ids(hits)

    assert behind("labels_by_outlet", "quote", "Herald") == span_ids_of(ids, "q1 q2 q3 q4")
    assert behind("labels_by_month", "actor", "") == span_ids_of(ids, "x6")
    assert behind("frames_by_outlet", "Economic", "Herald") == span_ids_of(ids, "f1 f2")
    assert behind("quoted_actors", "Sergey Lavrov") == span_ids_of(ids, "q1 q2 q6")
    assert behind("actor_network", "Olaf Scholz", "Sergey Lavrov") == span_ids_of(ids, "q5 q6")
    assert behind("cooccurrence", "claim", "quote") == span_ids_of(ids, "c1 q4 q7 c2")


def span_ids_of(ids, names):
    return sorted(ids[name] for name in names.split())


def test_spans_behind_follow_the_filter(coded_project):
    store, ids = coded_project
    bob = AnalysisFilter(annotators=("bob",))
    table = analysis.labels_by_outlet(store, bob)
    row = next(row for row in table.rows if row[:2] == ("quote", "Herald"))
    assert span_ids(analysis.spans_behind(store, table, row, bob)) == span_ids_of(ids, "q3")


def test_an_empty_project_gives_empty_tables(tmp_path):
    from annotator.core.store import Store

    with Store.open(tmp_path / "empty.annotator") as store:
        assert [table.rows for table in analysis.tables(store)] == [()] * len(analysis.TABLES)


def test_cooccurrence_and_actors_match_a_count_span_by_span(tmp_path):
    """Random spans (nested, touching, equal ranges, several annotators, unnamed actors) counted
    by brute force in Python against the tables, which count whole arrays."""
    import itertools
    import random

    from annotator.core.model import NewArticle
    from annotator.core.store import Store

    chance = random.Random(14)
    store = Store.open(tmp_path / "random.annotator", annotator="ana")
    articles = store.add_articles(
        NewArticle(title=f"A{i}", text="x" * 60, outlet=chance.choice(["", "Herald", "Courier"]))
        for i in range(12)
    ).article_ids
    choices = {"claim": ("check_worthy", ["yes", "no"]), "quote": ("kind", ["direct", "indirect"])}
    spans = []  # (id, article, start, end, codes, annotator)
    for _ in range(150):
        store.set_annotator(chance.choice(["ana", "bob"]))
        article, start = chance.choice(articles), chance.randrange(50)
        end = start + chance.randrange(1, 10)
        label = chance.choice(["claim", "quote", "actor"])
        attributes = {}
        if label in choices and chance.random() < 0.8:
            name, values = choices[label]
            attributes[name] = chance.choice(values)
        if label == "actor" and chance.random() < 0.7:
            attributes["normalised_name"] = chance.choice(["Ann", "ann", "Bo", " Cy "])
        changes = store.add_span(article, start, end, label, attributes)
        codes = {label} | {f"{label}.{k}={v}" for k, v in attributes.items() if label in choices}
        spans.append((next(iter(changes.spans)), article, start, end, codes, store.annotator))
    bob = AnalysisFilter(annotators=("bob",))
    for f in (EVERYTHING, bob):
        counted = [s for s in spans if not f.annotators or s[5] in f.annotators]
        articles_with, overlapping = {}, {}
        for article in articles:
            codes = set().union(*(s[4] for s in counted if s[1] == article))
            for pair in itertools.combinations(sorted(codes), 2):
                articles_with[pair] = articles_with.get(pair, 0) + 1
        for x, y in itertools.combinations(counted, 2):
            if x[1] == y[1] and x[2] < y[3] and y[2] < x[3]:
                for a, b in itertools.product(x[4], y[4]):
                    if a != b:
                        pair = tuple(sorted((a, b)))
                        overlapping[pair] = overlapping.get(pair, 0) + 1
        table = {tuple(sorted(row[:2])): row[2:] for row in rows(store, "cooccurrence", f)}
        expected = {
            pair: (n, overlapping.get(pair, 0))
            for pair, n in articles_with.items()
            if not pair[1].startswith(pair[0] + ".")
        }
        assert table == expected
    # quotes attributed to random actors: names by normalised name (case ignored) or span text
    quotes = [s for s in spans if "quote" in s[4]]
    actors = [s for s in spans if "actor" in s[4]]
    store.set_annotator("ana")
    said = {}
    for quote in quotes:
        same = [a for a in actors if a[1] == quote[1]]
        if same:
            actor = chance.choice(same)
            store.add_relation(quote[0], actor[0], "said_by")
            said[quote[0]] = actor
    names = {row[0]: row[1:] for row in rows(store, "quoted_actors")}
    expected_quotes = {}
    for quote, actor in said.items():
        text = "x" * (actor[3] - actor[2])  # an unnamed actor goes by its text
        name = store.span(actor[0]).attributes.get("normalised_name", "").strip(" ") or text
        expected_quotes.setdefault(name.lower(), []).append(quote)
    assert {name.lower(): row[0] for name, row in names.items()} == {
        key: len(found) for key, found in expected_quotes.items()
    }
    keys_in = {}
    for key, found in expected_quotes.items():
        for quote in found:
            keys_in.setdefault(said[quote][1], set()).add(key)
    edges = {}
    for keys in keys_in.values():
        for pair in itertools.combinations(sorted(keys), 2):
            edges[pair] = edges.get(pair, 0) + 1
    network = {(a.lower(), b.lower()): n for a, b, n in rows(store, "actor_network")}
    assert network == edges and edges
    store.close()


def rename(store, renames: dict[str, str]) -> None:
    from dataclasses import replace

    for old, new in renames.items():
        store.update_label(replace(store.label(old), name=new))


def test_tables_follow_a_scheme_that_renamed_the_quote_actor_and_framing_labels(coded_project):
    """Renamed labels keep their role: the tables are the same and their texts say the
    project's names, not quote/actor/framing (QA pass: the tables went empty)."""
    store, _ = coded_project
    before = {table.key: table.rows for table in analysis.tables(store)}
    rename(store, {"quote": "Zitat", "actor": "Sprecher", "framing": "Rahmen"})
    after = {table.key: table for table in analysis.tables(store)}
    for key in ("frames_by_outlet", "frames_by_month", "quoted_actors", "actor_network"):
        assert after[key].rows == before[key] and after[key].rows
    texts = " ".join(after[key].description for key in after)
    assert "Zitat" in texts and "Sprecher" in texts and "Rahmen" in texts
    for word in ("quote", "actor", "framing"):
        assert f"{word} spans" not in texts and f"each {word}" not in texts
    table = after["quoted_actors"]
    hits = analysis.spans_behind(store, table, table.rows[0])
    assert hits and {hit.label for hit in hits} == {"Zitat"}
