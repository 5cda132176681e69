"""Team work in the store: per-annotator reads and statuses, and merging project files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.core.merge import MergeError, merge_project
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store, content_hash
from annotator.core.store.migrations import migrations

TEXTS = {
    "one": "Lavrov said the alliance is a threat. Stoltenberg disagreed.",
    "two": "Zelensky 🇺🇦 spoke in Kyiv: «We stand firm», he said.",
    "three": "The minister announced a new budget for schools.",
    "four": "Protesters gathered outside parliament on Monday.",
}


def make_project(path: Path, annotator: str, titles: list[str], spans, done=(), relate=()) -> Path:
    """A project holding `titles`, `annotator`'s spans [(title, piece, label)], done articles, and
    relations [(title, piece, piece)] between spans given by their text."""
    with Store.open(path, annotator=annotator) as store:
        store.add_articles([NewArticle(title, TEXTS[title]) for title in titles])
        ids = {store.article(i).title: i for i in store.article_ids()}
        made = {}
        for title, piece, label in spans:
            if label not in {known.name for known in store.labels()}:
                store.add_label(label, "#123456")
            start = TEXTS[title].index(piece)
            changes = store.add_span(ids[title], start, start + len(piece), label)
            made[(title, piece)] = next(iter(changes.spans))
        for title, source, target in relate:
            store.add_relation(made[(title, source)], made[(title, target)], "said_by")
        for title in done:
            store.set_status(ids[title], Status.DONE)
    return path


def content(store: Store) -> dict:
    """What a merge must agree on, independent of ids and insertion order."""
    hashes = {i: store.article(i).content_hash for i in store.article_ids()}
    spans, relations, statuses = set(), set(), set()
    for article_id, digest in hashes.items():
        by_id = {}
        for span in store.spans(article_id):
            key = (digest, span.start, span.end, span.label, span.annotator)
            spans.add(key + (span.note,))
            by_id[span.id] = key
        for relation in store.relations(article_id):
            relations.add((by_id[relation.from_span], by_id[relation.to_span], relation.type))
    for name in store.annotators():
        for article_id, status in store.annotator_status(name).items():
            statuses.add((hashes[article_id], name, str(status)))
    return {"spans": spans, "relations": relations, "statuses": statuses}


def everything(store: Store) -> dict:
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("articles", "labels", "spans", "relations", "annotators", "article_status")
    }


@pytest.fixture
def ana(tmp_path):
    return make_project(
        tmp_path / "ana.annotator",
        "ana",
        ["one", "two", "three"],
        [
            ("one", "Lavrov", "actor"),
            ("one", "the alliance is a threat", "claim"),
            ("two", "Zelensky", "actor"),
        ]
        + [("two", "«We stand firm»", "quote")],
        done=["one", "two"],
        relate=[("two", "«We stand firm»", "Zelensky")],
    )


@pytest.fixture
def bob(tmp_path):
    return make_project(
        tmp_path / "bob.annotator",
        "bob",
        ["two", "one", "four"],
        [("one", "Lavrov", "actor"), ("one", "Stoltenberg", "actor"), ("two", "Kyiv", "place")]
        + [("four", "Protesters", "actor")],
        done=["one", "four"],
    )


def test_spans_of_one_annotator(tmp_path, ana):
    with Store.open(ana, annotator="lead") as store:
        article_id = store.article_ids()[0]
        store.add_span(article_id, 0, 6, "actor")
        assert {s.annotator for s in store.spans(article_id)} == {"ana", "lead"}
        assert [(s.start, s.end, s.label) for s in store.spans(article_id, annotator="lead")] == [
            (0, 6, "actor")
        ]
        assert {e.label for e in store.span_extents(article_id, annotator="ana")} == {"actor", "claim"}
        assert store.span_extents(article_id, annotator="nobody") == []
        lead_ids = [s.id for s in store.spans(article_id, annotator="lead")]
        assert store.span_extents(article_id, lead_ids, annotator="ana") == []


def test_iter_annotated_and_count_filter_by_annotator(ana):
    with Store.open(ana, annotator="gold") as store:
        article_id = store.article_ids()[1]
        store.add_span(article_id, 0, 8, "actor")
        rows = list(store.iter_annotated(annotator="gold"))
        assert len(rows) == 3
        assert [(a.id, [(s.start, s.annotator) for s in spans]) for a, spans, _ in rows if spans] == [
            (article_id, [(0, "gold")])
        ]
        assert all(not relations for _, _, relations in rows)
        assert store.count_spans(annotator="gold") == 1
        assert store.count_spans(annotator="ana") == 4
        assert store.count_spans(labels=["actor"], annotator="ana") == 2
        ana_rows = list(store.iter_annotated(annotator="ana"))
        assert sum(len(relations) for _, _, relations in ana_rows) == 1


def test_annotators_and_their_statuses(ana):
    with Store.open(ana, annotator="ana") as store:
        assert store.annotators() == {"ana": (4, 2)}
        done = store.annotator_status("ana")
        assert sorted(store.article(i).title for i, s in done.items() if s == Status.DONE) == ["one", "two"]
        assert store.annotator_status("bob") == {}


def test_merge_matches_articles_by_text_and_reports_unknown(tmp_path, ana, bob):
    with Store.open(ana, annotator="ana") as store:
        report = merge_project(store, bob)
        assert (report.spans_added, report.spans_skipped) == (3, 0)
        assert report.unknown_articles == ("four",)
        assert report.labels_added == ("place",)
        assert report.articles_added == 0
        one = next(i for i in store.article_ids() if store.article(i).title == "one")
        assert sorted((s.annotator, s.label, s.start) for s in store.spans(one, annotator="bob")) == [
            ("bob", "actor", 0),
            ("bob", "actor", TEXTS["one"].index("Stoltenberg")),
        ]
        assert store.annotator_status("bob") == {one: Status.DONE}
        assert store.article_count() == 3
        assert store.label("place").color.startswith("#")


def test_merging_twice_changes_nothing(ana, bob):
    with Store.open(ana, annotator="ana") as store:
        merge_project(store, bob, add_articles=True)
        before = everything(store)
        again = merge_project(store, bob, add_articles=True)
        assert (again.spans_added, again.relations_added, again.articles_added) == (0, 0, 0)
        assert again.spans_skipped == 4
        assert again.statuses_changed == 0
        assert everything(store) == before


def test_merge_order_does_not_matter(tmp_path, ana, bob):
    first = make_project(tmp_path / "lead1.annotator", "lead", ["one"], [("one", "Lavrov", "claim")])
    second = make_project(tmp_path / "lead2.annotator", "lead", ["one"], [("one", "Lavrov", "claim")])
    with Store.open(first) as store:
        merge_project(store, ana, add_articles=True)
        merge_project(store, bob, add_articles=True)
        forwards = content(store)
    with Store.open(second) as store:
        merge_project(store, bob, add_articles=True)
        merge_project(store, ana, add_articles=True)
        backwards = content(store)
    assert forwards == backwards
    assert len(forwards["spans"]) == 1 + 4 + 4
    assert len(forwards["relations"]) == 1


def test_either_project_merged_into_the_other_gives_the_same(tmp_path, ana, bob):
    with Store.open(ana) as store:
        merge_project(store, bob, add_articles=True)
        ana_side = content(store)
    with Store.open(bob) as store:
        merge_project(store, ana, add_articles=True)
        bob_side = content(store)
    assert ana_side == bob_side
    assert {name for _, name, _ in ana_side["statuses"]} == {"ana", "bob"}


def test_relations_follow_their_spans(tmp_path, ana):
    lead = make_project(tmp_path / "lead.annotator", "lead", ["two"], [])
    with Store.open(lead) as store:
        report = merge_project(store, ana)
        assert report.relations_added == 1
        two = store.article_ids()[0]
        (relation,) = store.relations(two)
        source, target = store.span(relation.from_span), store.span(relation.to_span)
        assert (source.label, target.label, relation.annotator) == ("quote", "actor", "ana")
        assert TEXTS["two"][target.start : target.end] == "Zelensky"


def test_added_articles_keep_text_and_are_searchable(tmp_path, bob):
    lead = make_project(tmp_path / "lead.annotator", "lead", ["one"], [])
    with Store.open(lead) as store:
        report = merge_project(store, bob, add_articles=True)
        assert report.articles_added == 2 and report.unknown_articles == ()
        texts = {store.article(i).text for i in store.article_ids()}
        assert texts == {TEXTS["one"], TEXTS["two"], TEXTS["four"]}
        hits = store.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Protesters'")
        assert len(hits.fetchall()) == 1


def test_more_advanced_status_wins(tmp_path):
    done = make_project(tmp_path / "a.annotator", "ana", ["one"], [], done=["one"])
    started = tmp_path / "b.annotator"
    with Store.open(started, annotator="ana") as store:
        store.add_articles([NewArticle("one", TEXTS["one"])])
        store.set_status(store.article_ids()[0], Status.IN_PROGRESS)
    with Store.open(started) as store:
        assert merge_project(store, done).statuses_changed == 1
        assert list(store.annotator_status("ana").values()) == [Status.DONE]
    with Store.open(done) as store:
        assert merge_project(store, started).statuses_changed == 0
        assert list(store.annotator_status("ana").values()) == [Status.DONE]


def test_bad_files_are_refused_and_nothing_changes(tmp_path, ana):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello", encoding="utf-8")
    other_sqlite = tmp_path / "other.db"
    sqlite3.connect(other_sqlite).execute("CREATE TABLE t (x)").connection.commit()
    with Store.open(ana) as store:
        before = everything(store)
        for path, words in [
            (text_file, "not an SQLite file"),
            (other_sqlite, "not an annotator project"),
            (tmp_path / "missing.annotator", "does not exist"),
            (ana, "the open project itself"),
        ]:
            with pytest.raises(MergeError, match=words) as raised:
                merge_project(store, path)
            assert str(path) in str(raised.value)
        assert everything(store) == before


def test_a_failure_midway_rolls_the_whole_file_back(tmp_path, ana, bob):
    broken = tmp_path / "broken.annotator"
    broken.write_bytes(bob.read_bytes())
    conn = sqlite3.connect(broken)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE spans SET label_id = 999 WHERE id = (SELECT max(id) FROM spans)")
    conn.commit()
    conn.close()
    with Store.open(ana) as store:
        before = everything(store)
        with pytest.raises(MergeError, match="span 4 has an unknown label.*Nothing was changed"):
            merge_project(store, broken, add_articles=True)
        assert everything(store) == before
        assert "place" not in {label.name for label in store.labels()}


def test_newer_file_is_refused(tmp_path, ana, bob):
    conn = sqlite3.connect(bob)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with Store.open(ana) as store, pytest.raises(MergeError, match="newer version"):
        merge_project(store, bob)


def test_older_file_is_upgraded_in_a_copy_and_left_unchanged(tmp_path, ana):
    old = tmp_path / "old.annotator"
    db = Database(sqlite3.connect(old, isolation_level=None))
    migrations.apply(db, stop_before="m002_article_status")
    db.execute("INSERT INTO annotators (name, created) VALUES ('carl', 'now')")
    db.execute(
        "INSERT INTO articles (title, text, status, content_hash, imported_at) "
        "VALUES (?, ?, 'done', ?, 'now')",
        ["one", TEXTS["one"], content_hash(TEXTS["one"])],
    )
    db.execute(
        'INSERT INTO spans (article_id, start, "end", label_id, annotator, created, updated) '
        "VALUES (1, 0, 6, (SELECT id FROM labels WHERE name = 'actor'), 'carl', 'now', 'now')"
    )
    db.conn.close()
    original = old.read_bytes()
    with Store.open(ana) as store:
        report = merge_project(store, old)
        assert report.spans_added == 1 and report.statuses_changed == 1
        one = next(i for i in store.article_ids() if store.article(i).title == "one")
        assert store.annotator_status("carl") == {one: Status.DONE}
    assert old.read_bytes() == original


def test_upgrade_credits_existing_progress_to_its_annotators(tmp_path):
    old = tmp_path / "old.annotator"
    db = Database(sqlite3.connect(old, isolation_level=None))
    migrations.apply(db, stop_before="m002_article_status")
    db.execute("INSERT INTO annotators (name, created) VALUES ('solo', 'now')")
    for title in ("one", "two"):
        db.execute(
            "INSERT INTO articles (title, text, status, content_hash, imported_at) "
            "VALUES (?, ?, ?, ?, 'now')",
            [title, TEXTS[title], "done" if title == "one" else "new", content_hash(TEXTS[title])],
        )
    db.conn.close()
    with Store.open(old, annotator="solo") as store:
        assert store.annotator_status("solo") == {1: Status.DONE}
        assert store.annotators() == {"solo": (0, 1)}


def test_a_merge_waits_for_another_programs_write_and_succeeds(ana, bob):
    """Another program holds the write lock for a second: the merge waits (like every store write)
    instead of failing at once with "database is locked"."""
    with Store.open(ana) as store:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys, time\n"
                "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "conn.execute('BEGIN IMMEDIATE')\n"
                "print('locked', flush=True)\n"
                "time.sleep(1)\n"
                "conn.execute('COMMIT')\n",
                str(ana),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline() == "locked\n"
            report = merge_project(store, bob)
        finally:
            holder.wait(timeout=30)
        assert report.spans_added == 3
        assert "Stoltenberg" in {
            store.article(i).text[s.start : s.end] for i in store.article_ids() for s in store.spans(i)
        }
    assert holder.returncode == 0


def test_a_label_new_here_brings_its_relation_rules_and_ours_stay(tmp_path, ana, bob):
    from annotator.core.scheme import DEFAULT_RELATION_RULES, RelationRule

    with Store.open(bob, annotator="bob") as store:
        theirs = RelationRule("said_by", "quote", ("claim",), single=False)  # ours stays
        store.set_relation_rules([RelationRule("in", "place", ("actor",)), theirs])
    with Store.open(ana, annotator="ana") as store:
        merge_project(store, bob)
        assert store.relation_rules() == (*DEFAULT_RELATION_RULES, RelationRule("in", "place", ("actor",)))
