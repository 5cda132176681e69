from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import NewArticle
from annotator.core.search import Hit, fts_query, match_ranges, search
from annotator.core.store import Store
from annotator.core.store.articles import BATCH_FROM_CHARS, INDEX_PENDING_BYTES

ARTICLES = [
    NewArticle(title="Weather report", text="Rain tomorrow. Sanctions were not discussed."),
    NewArticle(
        title="Sanctions on energy exports",
        text="The sanctions package targets energy. Critics say sanctions rarely work.",
    ),
    NewArticle(title="Cafés in Kyiv", text="A report on the café scene 😀 and its naïve charm."),
    NewArticle(title="Trade", text="U.S.-China trade talks resumed; AND( the NEAR future looks open."),
    NewArticle(title="Rights", text='O\'Brien said "no" to the DROP TABLE joke -- twice.'),
]

HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '"unbalanced',
    'sanctions"',
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "AND(",
    "sanctions AND",
    "NOT sanctions",
    "NEAR(sanctions energy, 2)",
    "*",
    "**",
    "sanc**",
    "*sanc",
    "-",
    "-sanctions",
    "U.S.-China",
    "(",
    ")",
    "((sanctions",
    "sanctions)",
    "'; DROP TABLE articles; --",
    "title:sanctions",
    "{title text}: energy",
    "^sanctions",
    "+ - @ # $ % ^ & *",
    "...",
    "😀",
    "😀sanctions😀",
    "🇺🇦",
    "\x00",
    "sanctions\x00energy",
    "\u0301",
    "e\u0301",
    "\ud800",
    "a_b",
    "_",
    "x" * 5000,
    "sanctions " * 300,
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "p.db", annotator="tester")
    store.add_articles(ARTICLES)
    yield store
    store.close()


def ids(hits: list[Hit]) -> list[int]:
    return [hit.article_id for hit in hits]


def test_title_and_frequency_rank_first(store: Store):
    hits = search(store, "sanctions")
    assert ids(hits) == [2, 1]
    assert hits[0].title == "Sanctions on energy exports"
    assert hits[0].rank < hits[1].rank


def test_snippets_mark_the_hits(store: Store):
    (hit,) = search(store, "charm")
    assert "«charm»" in hit.snippet
    assert all("«" in hit.snippet and "»" in hit.snippet for hit in search(store, "sanctions"))


def test_all_words_must_match(store: Store):
    assert ids(search(store, "sanctions energy")) == [2]
    assert search(store, "sanctions giraffe") == []


def test_trailing_star_is_a_prefix_query(store: Store):
    assert ids(search(store, "sanc*")) == [2, 1]
    assert search(store, "sanc") == []


def test_diacritics_and_case_are_ignored(store: Store):
    assert ids(search(store, "cafe")) == [3]
    assert ids(search(store, "CAFÉ")) == [3]
    assert ids(search(store, "naive")) == [3]


def test_operators_and_punctuation_are_plain_words(store: Store):
    assert ids(search(store, "U.S.-China")) == [4]
    assert sorted(ids(search(store, "AND("))) == [3, 4]  # the word "and"
    assert ids(search(store, "NEAR")) == [4]
    assert ids(search(store, "'; DROP TABLE articles; --")) == []
    assert ids(search(store, "DROP TABLE")) == [5]
    assert store.article_count() == len(ARTICLES)


def test_limit_caps_the_hits(store: Store):
    assert len(search(store, "sanctions", limit=1)) == 1
    assert search(store, "sanctions", limit=0) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_raises(store: Store, query: str):
    hits = search(store, query)
    assert isinstance(hits, list)
    assert all(isinstance(hit, Hit) for hit in hits)


def test_input_without_words_gives_no_query_and_no_hits(store: Store):
    for query in ("", "  ", "😀 🇺🇦", "...", "-- ()", "_"):
        assert fts_query(query) == ""
        assert search(store, query) == []


def test_fts_query_quotes_every_word():
    assert fts_query('say "hello" AND(bye)') == '"say" "hello" "AND" "bye"'
    assert fts_query("U.S.-China") == '"U" "S" "China"'
    assert fts_query("sanc* *x") == '"sanc"* "x"'
    assert fts_query("cafe\u0301 noir") == '"cafe\u0301" "noir"'


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text())
def test_search_never_raises_on_any_text(store: Store, query: str):
    assert isinstance(search(store, query), list)
    assert isinstance(match_ranges("Sanctions 😀 café", query), list)


def test_match_ranges_are_code_points_after_emoji():
    text = "😀🇺🇦 Sanctions, sanctions! unsanctioned sanctionsX"
    ranges = match_ranges(text, "sanctions")
    assert ranges == [(4, 13), (15, 24)]
    assert [text[start:end] for start, end in ranges] == ["Sanctions", "sanctions"]


def test_match_ranges_ignore_diacritics_and_keep_combining_marks():
    text = "Café, cafe\u0301 and CAFE but not cafeteria"
    assert [text[a:b] for a, b in match_ranges(text, "cafe")] == ["Café", "cafe\u0301", "CAFE"]
    assert [text[a:b] for a, b in match_ranges(text, "café")] == ["Café", "cafe\u0301", "CAFE"]


def test_match_ranges_prefix_and_several_words():
    text = "Energy sanctions: sanctioned energetic actors."
    assert [text[a:b] for a, b in match_ranges(text, "sanction* energy")] == [
        "Energy",
        "sanctions",
        "sanctioned",
    ]


def test_match_ranges_in_right_to_left_text():
    text = "قال الوزير إن العقوبات فشلت"
    ((start, end),) = match_ranges(text, "العقوبات")
    assert text[start:end] == "العقوبات" and start == text.index("العقوبات")


def test_match_ranges_without_words_is_empty():
    assert match_ranges("anything", "") == []
    assert match_ranges("anything", "*** 😀") == []
    assert match_ranges("", "word") == []


@given(prefix=st.text(), word=st.text(alphabet=st.characters(categories=["Ll", "Lu"]), min_size=1))
def test_match_ranges_find_a_word_after_any_prefix(prefix: str, word: str):
    text = prefix + " " + word + " tail"
    start = len(prefix) + 1
    assert (start, start + len(word)) in match_ranges(text, word)


def _fts_integrity(store: Store) -> None:
    """FTS5 raises unless its index holds exactly what the articles table holds."""
    store.conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def _hashsize(store: Store) -> tuple | None:
    return store.conn.execute("SELECT v FROM articles_fts_config WHERE k = 'hashsize'").fetchone()


def test_an_import_indexes_every_article_and_keeps_the_trigger(store: Store):
    filler = " and more" * 20
    many = [
        NewArticle(title=f"Brief {n}", text=f"Tariff brief number {n} of many{filler}.") for n in range(1200)
    ]
    assert sum(len(article.text) for article in many) > 2 * BATCH_FROM_CHARS  # past it: in batches
    store.add_articles(many)
    assert len(search(store, "tariff", limit=2000)) == 1200
    _fts_integrity(store)
    assert _hashsize(store) == (INDEX_PENDING_BYTES,)  # fewer, larger segments written in batches
    store.conn.execute(
        "INSERT INTO articles (title, text, content_hash, imported_at) VALUES ('x', 'zebra', 'h', 'now')"
    )
    assert ids(search(store, "zebra")) == [store.article_count()]  # a plain INSERT is indexed again
    _fts_integrity(store)


def test_a_small_import_is_indexed_by_the_trigger_it_leaves_alone(store: Store):
    schema = store.conn.execute("PRAGMA schema_version").fetchone()
    added = store.add_articles([NewArticle(title="One", text="Pangolin alone.")])
    assert ids(search(store, "pangolin")) == list(added.article_ids)
    _fts_integrity(store)
    assert store.conn.execute("PRAGMA schema_version").fetchone() == schema  # no trigger dropped
    assert _hashsize(store) is None


@pytest.mark.parametrize("past_the_batch_size", [False, True])
def test_a_failed_import_leaves_index_and_trigger_as_they_were(store: Store, past_the_batch_size: bool):
    """Below the batch size the per-row trigger indexed the rows; past it the trigger was dropped
    for a batch rebuild and must come back."""
    from annotator.core.errors import InvalidSpan
    from annotator.core.model import NewSpan

    long = (
        [NewArticle(title="Long", text="Walrus " * (BATCH_FROM_CHARS // 7 + 1))]
        if past_the_batch_size
        else []
    )
    bad = [
        *long,
        NewArticle(title="Good", text="Walrus here."),
        NewArticle("Bad", "Walrus too.", spans=(NewSpan(0, 99, "claim"),)),
    ]
    with pytest.raises(InvalidSpan):
        store.add_articles(bad)
    assert search(store, "walrus") == []
    _fts_integrity(store)
    store.add_articles([NewArticle(title="Later", text="A walrus, later.")])
    assert len(search(store, "walrus")) == 1
    _fts_integrity(store)


def test_an_import_into_an_import_is_indexed(store: Store):
    with store._write():
        store.add_articles([NewArticle(title="Outer", text="Narwhal outer.")])
        store.add_articles([NewArticle(title="Inner", text="Narwhal inner.")])
    assert len(search(store, "narwhal")) == 2
    _fts_integrity(store)


FOLDED = [
    NewArticle(title="Interview", text="Łukasz Kowalski spoke in Tromsø and Gdańsk."),
    NewArticle(title="Visit", text="Lukasz went to Tromso; Straße closed; Ærø ferry."),
]


SERBIAN = [
    NewArticle(title="Minister", text="Đorđević met Ødegaard in Beograd."),
    NewArticle(title="Tennis", text="Djokovic and Djordjevic won; Ødegaard watched."),
]


@pytest.mark.parametrize(
    ("articles", "query", "expected"),
    [
        (FOLDED, "Lukasz", [6, 7]),
        (FOLDED, "łukasz", [6, 7]),
        (FOLDED, "ŁUKASZ tromso", [6, 7]),
        (FOLDED, "Tromsø", [6, 7]),
        (FOLDED, "Gdansk", [6]),
        (FOLDED, "strasse", [7]),
        (FOLDED, "Aero", [7]),
        (FOLDED, "Łuk*", [6, 7]),
        (FOLDED, "tromsø*", [6, 7]),
        (SERBIAN, "Djordjevic", [6, 7]),
        (SERBIAN, "Dordevic", [6, 7]),  # d, dj and đ are one letter to a search
        (SERBIAN, "djordjević", [6, 7]),
        (SERBIAN, "Đorđević", [6, 7]),
        (SERBIAN, "Djordj*", [6, 7]),
        (SERBIAN, "Odegaard", [6, 7]),
        (SERBIAN, "Đoković", [7]),
        (SERBIAN, "Dokovic", [7]),
        (SERBIAN, "Beograd", [6]),
    ],
)
def test_letters_without_decomposition_fold_both_ways(
    store: Store, articles, query: str, expected: list[int]
):
    """Ł, ø, ß, æ, đ (and dj, d for đ) find each other: one letter to a search."""
    store.add_articles(articles)
    assert sorted(ids(search(store, query))) == expected


def test_highlights_fold_the_same_letters():
    text = "Łukasz in Tromsø"
    assert match_ranges(text, "lukasz tromso") == [(0, 6), (10, 16)]


def test_highlights_fold_dj_like_the_search():
    text = "Đorđević and Djordjevic"
    assert match_ranges(text, "Djordjevic") == [(0, 8), (13, 23)]
    assert match_ranges(text, "dordevic") == [(0, 8), (13, 23)]


def test_a_common_word_is_ranked_among_its_newest_matches(store: Store, monkeypatch):
    import annotator.core.search as search_module

    store.add_articles([NewArticle(title=f"Note {n}", text=f"Otter count {n}.") for n in range(10)])
    store.add_articles([NewArticle(title="Otter otter otter", text="Otter otter.")])  # the best
    everything = ids(search(store, "otter", limit=20))
    assert len(everything) == 11 and everything[0] == store.article_count()
    monkeypatch.setattr(search_module, "WINDOW", 4)
    newest = ids(search(store, "otter", limit=2))
    assert newest[0] == store.article_count()
    assert len(newest) == 2 and min(newest) > store.article_count() - 4
    assert len(search(store, "otter", limit=20)) == 11  # the window is never smaller than the limit


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_query_words_are_the_words_the_pattern_finds(text: str):
    from annotator.core.search import _query_pattern, _query_words

    found = [(m.group(1), m.group(2)) for m in _query_pattern(False).finditer(text)]
    assert list(_query_words(text)) == found
