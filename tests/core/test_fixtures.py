"""Projects written by older versions (tests/data/vN.annotator) open in this one without loss.

Each fixture is opened from a copy, so the upgrade runs on every test run and the committed file
never changes. tests/data/make_fixtures.py says how a new migration adds its own fixture.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.core.search import search
from annotator.core.store import Store
from annotator.core.store.backup import list_backups
from annotator.core.store.migrations import SCHEMA_VERSION

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = sorted(DATA.glob("v*.annotator"))


def test_there_is_a_fixture_of_schema_1():
    assert DATA / "v1.annotator" in FIXTURES


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_old_project_opens_and_keeps_everything(tmp_path, fixture):
    expected = json.loads(fixture.with_suffix(".expected.json").read_text(encoding="utf-8"))
    original = fixture.read_bytes()
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for article in expected["articles"]:
            stored = store.article(article["id"])
            for key in ("title", "text", "status", "outlet", "author", "published", "url", "source", "meta"):
                assert getattr(stored, key) == article[key], (article["id"], key)
        label = store.label(expected["extra_label"]["name"])
        assert (label.color, label.shortcut) == (
            expected["extra_label"]["color"],
            expected["extra_label"]["shortcut"],
        )
        assert [a.to_dict() for a in label.attributes] == expected["extra_label"]["attributes"]
        spans = {span.id: span for article in expected["articles"] for span in store.spans(article["id"])}
        assert sorted(spans) == [span["id"] for span in expected["spans"]]
        for want in expected["spans"]:
            got = spans[want["id"]]
            assert (got.article_id, got.start, got.end, got.label) == (
                want["article_id"],
                want["start"],
                want["end"],
                want["label"],
            )
            assert (got.attributes, got.note, got.annotator) == (
                want["attributes"],
                want["note"],
                want["annotator"],
            )
            assert store.article(got.article_id).text[got.start : got.end] == want["text"]
        relations = [r for article in expected["articles"] for r in store.relations(article["id"])]
        assert [(r.id, r.from_span, r.to_span, r.type, r.annotator) for r in relations] == [
            (r["id"], r["from_span"], r["to_span"], r["type"], r["annotator"]) for r in expected["relations"]
        ]
        assert [hit.article_id for hit in search(store, "alliance")] == [1]  # the index came along
        exported = list(store.iter_annotated())
        assert sum(len(spans) for _, spans, _ in exported) == len(expected["spans"])
        store.add_span(3, 0, 7, "claim")  # and it can be edited
    if expected["schema"] < SCHEMA_VERSION:
        (backup,) = list_backups(path)  # the upgrade kept the file as it was
        assert "before-upgrade" in backup.name
    assert fixture.read_bytes() == original


def test_needs_upgrade_reads_the_version_from_the_header_without_opening(tmp_path):
    from annotator.core.store.migrations import needs_upgrade

    path = tmp_path / "v1.annotator"
    shutil.copy(DATA / "v1.annotator", path)
    assert needs_upgrade(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1.annotator"]  # nothing opened beside it
    Store.open(path).close()
    assert not needs_upgrade(path)
    (tmp_path / "empty.annotator").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("SQLite format 3 is not a project", encoding="utf-8")
    for other in ("empty.annotator", "notes.txt", "missing.annotator", "."):
        assert not needs_upgrade(tmp_path / other)
