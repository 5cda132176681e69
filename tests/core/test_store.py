from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import NewArticle, NewSpan, Status
from annotator.core.scheme import AttributeSpec, SchemeError
from annotator.core.store import Store, StoreError
from annotator.core.store.migrations import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        yield store


@pytest.fixture
def article_id(store):
    outcome = store.add_articles([NewArticle("Lavrov warns", "Lavrov said 😀 the alliance is a threat.")])
    return outcome.article_ids[0]


def snapshot(store: Store) -> dict:
    """Everything a user could see, to compare before and after an edit and its inverse."""
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("articles", "labels", "spans", "relations")
    }


def test_new_project_has_schema_wal_and_default_scheme(store):
    conn = store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert [label.name for label in store.labels()] == ["claim", "quote", "actor", "framing"]
    frame = store.label("framing").attribute("frame")
    assert len(frame.choices) == 15
    assert store.is_new


def test_every_connection_the_store_opens_commits_durably(tmp_path, monkeypatch):
    """PRAGMA synchronous = FULL (2) on every connection a Store opens, writing or reading: with
    anything less a power cut can lose edits the analyst saw saved (WAL mode alone does not
    prevent it). The connections are caught as they are made, not taken from `store.conn`."""
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", recording)
    path = tmp_path / "p.annotator"
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle("One", "Some text.")])
        with Store.open(path, read_only=True) as reader:
            assert len(opened) == 2
            assert [conn.execute("PRAGMA synchronous").fetchone()[0] for conn in opened] == [2, 2]
            assert reader.article_count() == store.article_count() == 1


def test_the_first_migration_keeps_its_own_copy_of_the_default_scheme(tmp_path, monkeypatch):
    from annotator.core import scheme
    from annotator.core.store import migrations

    shipped = [(label.name, label.color, label.shortcut, label.attributes) for label in scheme.DEFAULT_SCHEME]
    monkeypatch.setattr(scheme, "DEFAULT_SCHEME", ())  # a later edit of the live default scheme
    monkeypatch.setattr(migrations, "DEFAULT_SCHEME", (), raising=False)
    with Store.open(tmp_path / "new.annotator") as store:
        made = [(label.name, label.color, label.shortcut, label.attributes) for label in store.labels()]
    assert made == shipped


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "p.annotator"
    with Store.open(path) as store:
        store.add_articles([NewArticle("t", "some text")])
    with Store.open(path) as store:
        assert store.article_count() == 1
        assert len(store.labels()) == 4


def test_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "p.annotator"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        Store.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"hello, I am a text file\n" * 10, b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_non_sqlite_file_is_refused(tmp_path, content):
    path = tmp_path / "notes.annotator"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not an annotator project"):
        Store.open(path)
    assert path.read_bytes() == content


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not an annotator project"):
        Store.open(path)


def test_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        Store.open(tmp_path)


def test_a_device_or_pipe_is_refused_as_what_it_is(tmp_path):
    """`--db /dev/null import ...` said "/dev/null is a folder, not a project file"."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for path in (Path("/dev/null"), pipe):
        with pytest.raises(StoreError, match=f"^{path} is not a regular file, so not a project file"):
            Store.open(path)


def test_add_span_returns_changes_and_records_the_annotator(store, article_id):
    changes = store.add_span(article_id, 0, 6, "actor", {"type": "person"})
    (span_id,) = changes.spans
    assert changes.op == "add_span" and changes.articles == {article_id}
    span = store.span(span_id)
    assert (span.start, span.end, span.label, span.annotator) == (0, 6, "actor", "ana")
    assert span.attributes == {"type": "person"}
    assert store.article(article_id).status == Status.NEW


@pytest.mark.parametrize(
    "attributes", [None, {}, {"type": "person", "ids": (1, 2), "score": 0.5, "name": "Лавров"}]
)
def test_spans_written_come_back_in_the_changes_as_the_store_holds_them(store, article_id, attributes):
    added = store.add_span(article_id, 0, 6, "actor", attributes, note="who?")
    (span,) = added.span_rows
    assert added.spans == {span.id} and span == store.span(span.id)
    tagged = store.add_spans([(article_id, 7, 11, "claim"), (article_id, 12, 14, "quote")])
    assert {s.id: s for s in tagged.span_rows} == store.spans_by_id(tagged.spans)
    store.delete_spans([span.id, *tagged.spans])
    restored = store.restore_spans([span, *tagged.span_rows])
    assert {s.id: s for s in restored.span_rows} == store.spans_by_id([span.id, *tagged.spans])
    assert len(store.spans(article_id)) == 3


@pytest.mark.parametrize("start,end", [(-1, 3), (3, 3), (5, 2), (0, 10_000)])
def test_span_outside_text_is_refused(store, article_id, start, end):
    with pytest.raises(ValueError):
        store.add_span(article_id, start, end, "claim")
    assert store.spans(article_id) == []


def test_unknown_label_is_refused(store, article_id):
    with pytest.raises(SchemeError):
        store.add_span(article_id, 0, 3, "nonsense")


def test_overlapping_and_nested_spans_are_kept(store, article_id):
    store.add_span(article_id, 0, 39, "claim")
    store.add_span(article_id, 0, 6, "actor")
    store.add_span(article_id, 3, 20, "framing")
    assert [(s.start, s.end, s.label) for s in store.spans(article_id)] == [
        (0, 39, "claim"),
        (0, 6, "actor"),
        (3, 20, "framing"),
    ]


def test_delete_span_cascades_relations_and_restore_is_exact(store, article_id):
    (quote,) = store.add_span(article_id, 7, 30, "quote").spans
    (actor,) = store.add_span(article_id, 0, 6, "actor").spans
    (relation,) = store.add_relation(quote, actor, "said_by").relations
    before = snapshot(store)
    span, relations = store.span(quote), store.relations(article_id)
    changes = store.delete_span(quote)
    assert changes.relations == {relation}
    assert store.relations(article_id) == []
    store.restore_spans([span], relations)
    assert snapshot(store) == before


def test_update_span_changes_label_and_note(store, article_id):
    (span_id,) = store.add_span(article_id, 0, 6, "actor").spans
    store.update_span(span_id, label="claim", note="check this")
    span = store.span(span_id)
    assert (span.label, span.note) == ("claim", "check this")


def test_relation_rules(store, article_id):
    (a,) = store.add_span(article_id, 0, 6, "actor").spans
    (q,) = store.add_span(article_id, 7, 30, "quote").spans
    with pytest.raises(ValueError):
        store.add_relation(q, q, "said_by")
    store.add_relation(q, a, "said_by")
    with pytest.raises(ValueError):
        store.add_relation(q, a, "said_by")
    (rel,) = [r.id for r in store.relations(article_id)]
    assert store.delete_relation(rel).relations == {rel}
    assert store.relations(article_id) == []


def test_set_status_and_next_article(store):
    ids = store.add_articles([NewArticle(f"a{i}", f"text {i}") for i in range(3)]).article_ids
    store.set_status(ids[1], Status.DONE)
    assert store.next_article_id(ids[0], not_done=True) == ids[2]
    assert store.next_article_id(ids[2], not_done=True) == ids[0]
    assert store.status_counts()["done"] == 1


def test_scheme_edits_validate_uniqueness(store):
    with pytest.raises(SchemeError, match="already used"):
        store.add_label("source", "#123456", "q")
    store.add_label("source", "#123456", "s", [AttributeSpec("kind", "choice", ("wire", "own"))])
    label = store.label("source")
    store.update_label(label.__class__(label.id, "origin", "#654321", "o", label.attributes))
    assert store.label("origin").shortcut == "o"
    with pytest.raises(SchemeError, match="already"):
        store.update_label(label.__class__(label.id, "claim", "#654321", "o"))
    store.delete_label("origin")
    assert "origin" not in [label.name for label in store.labels()]


def test_used_label_cannot_be_deleted(store, article_id):
    store.add_span(article_id, 0, 6, "actor")
    with pytest.raises(SchemeError, match="used by 1"):
        store.delete_label("actor")


def test_import_is_atomic_and_skips_duplicates(store, article_id):
    before = snapshot(store)
    bad = [NewArticle("ok", "fine text"), NewArticle("bad", "short", spans=(NewSpan(0, 99, "claim"),))]
    with pytest.raises(ValueError):
        store.add_articles(bad)
    assert snapshot(store) == before
    outcome = store.add_articles(
        [NewArticle("again", store.article(article_id).text), NewArticle("n", "new")]
    )
    assert outcome.duplicates == ("again",) and len(outcome.article_ids) == 1


def test_imported_unknown_labels_join_the_scheme(store):
    store.add_articles([NewArticle("t", "Kyiv said", spans=(NewSpan(0, 4, "place", annotator="bo"),))])
    assert store.label("place").color.startswith("#")
    (span,) = store.spans(store.article_ids()[0])
    assert span.annotator == "bo"


def test_iter_annotated_filters(store):
    ids = store.add_articles(
        [
            NewArticle("one", "alpha beta", spans=(NewSpan(0, 5, "claim"), NewSpan(6, 10, "actor"))),
            NewArticle("two", "gamma delta", spans=(NewSpan(0, 5, "quote"),)),
        ]
    ).article_ids
    store.set_status(ids[1], Status.DONE)
    rows = list(store.iter_annotated(labels=["claim"]))
    assert [[s.label for s in spans] for _, spans, _ in rows] == [["claim"], []]
    rows = list(store.iter_annotated(status=[Status.DONE]))
    assert [a.id for a, _, _ in rows] == [ids[1]]
    assert store.count_spans(labels=["claim", "quote"]) == 2


edits = st.lists(
    st.tuples(
        st.integers(0, 37), st.integers(1, 12), st.sampled_from(["claim", "quote", "actor", "framing"])
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits)
def test_delete_then_restore_leaves_store_unchanged(store, article_id, ranges):
    for start, length, label in ranges:
        store.add_span(article_id, start, min(start + length, 39), label)
    spans = store.spans(article_id)
    if len(spans) > 1:
        store.add_relation(spans[0].id, spans[1].id, "said_by")
    before = snapshot(store)
    victim = spans[-1]
    relations = [r for r in store.relations(article_id) if victim.id in (r.from_span, r.to_span)]
    store.delete_span(victim.id)
    store.restore_spans([victim], relations)
    assert snapshot(store) == before
    for span in store.spans(article_id):
        store.delete_span(span.id)


def test_copied_spans_keep_their_relations_where_gold_has_the_other_end(store, article_id):
    (actor,) = store.add_span(article_id, 0, 6, "actor").spans
    (quote,) = store.add_span(article_id, 7, 30, "quote").spans
    store.add_relation(quote, actor, "said_by")
    first = store.copy_spans([actor], "gold")
    assert first.relations == frozenset()  # the quote is not in gold yet
    second = store.copy_spans([quote], "gold")
    (relation_id,) = second.relations
    relation = store.relation(relation_id)
    gold_quote, gold_actor = store.span(relation.from_span), store.span(relation.to_span)
    assert (gold_quote.label, gold_quote.annotator, gold_actor.label, gold_actor.annotator) == (
        "quote",
        "gold",
        "actor",
        "gold",
    )
    assert relation.type == "said_by" and relation.annotator == "gold"


def test_check_spans_names_a_span_whose_attributes_cannot_be_read(tmp_path):
    from annotator.core.errors import DamagedRow

    with Store.open(tmp_path / "p.annotator") as store:
        (article_id,) = store.add_articles([NewArticle("One", "Lavrov said hello.")]).article_ids
        store.add_span(article_id, 0, 6, "actor")
        damaged = store.spans(article_id)[0].id
        store.add_span(article_id, 7, 11, "claim", attributes={"stance": "pro"})
        store.check_spans(article_id)
        store.conn.execute("UPDATE spans SET attributes = '[1]' WHERE id = ?", [damaged])
        with pytest.raises(DamagedRow, match=f"the attributes of span {damaged} should be a JSON object"):
            store.check_spans(article_id)


@pytest.mark.parametrize("between", [2, 50], ids=["side by side", "spread over the table"])
def test_check_spans_finds_a_damaged_span_however_the_article_s_spans_lie_in_the_table(tmp_path, between):
    from annotator.core.errors import DamagedRow

    with Store.open(tmp_path / "p.annotator") as store:
        one, two = store.add_articles(
            [NewArticle("One", "Lavrov said hello."), NewArticle("Two", "x" * 99)]
        ).article_ids
        store.add_span(one, 0, 6, "actor")
        store.add_spans([(two, n, n + 1, "claim") for n in range(between)])
        store.add_span(one, 7, 11, "claim", attributes={"stance": "pro"})
        damaged = max(span.id for span in store.spans(one))
        store.add_spans([(two, n, n + 1, "claim") for n in range(between)])
        store.conn.execute("UPDATE spans SET attributes = '{' WHERE article_id = ?", [two])
        store.check_spans(one)  # the other article's damaged rows in between are not this one's
        store.conn.execute("UPDATE spans SET attributes = 'x' WHERE id = ?", [damaged])
        with pytest.raises(DamagedRow, match=f"the attributes of span {damaged} cannot be read as JSON"):
            store.check_spans(one)


def test_relations_near_the_start_of_an_article_are_those_with_an_end_there(tmp_path):
    with Store.open(tmp_path / "p.annotator") as store:
        (article_id,) = store.add_articles([NewArticle("One", "x" * 300)]).article_ids
        near, also_near, far, farther = (
            store.add_span(article_id, start, start + 5, "actor").spans for start in (0, 50, 200, 250)
        )
        ids = [next(iter(made)) for made in (near, also_near, far, farther)]
        pairs = [(ids[0], ids[1]), (ids[2], ids[0]), (ids[1], ids[3]), (ids[2], ids[3])]
        for source, target in pairs:
            store.add_relation(source, target, "said_by")
        assert [(r.from_span, r.to_span) for r in store.relations(article_id)] == pairs
        assert [(r.from_span, r.to_span) for r in store.relations(article_id, before=100)] == pairs[:3]
        assert store.relations(article_id, before=0) == []
