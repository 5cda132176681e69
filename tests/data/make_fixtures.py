"""Write tests/data/v1.annotator: a project as schema 1 stored it, with what test_fixtures checks.

python tests/data/make_fixtures.py

Only migration m001 is applied and rows are written with schema 1's own SQL, so the file stays a
true schema-1 project whatever later migrations add. Every future migration adds a function here
that writes `vN.annotator` with the migrations up to N, and its expected content next to it; the
files are committed and never regenerated once committed.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from annotator.core.store.migrations import migrations

HERE = Path(__file__).resolve().parent

ARTICLES = [
    {
        "id": 1,
        "title": "Lavrov warns NATO",
        "text": "Lavrov said: «The alliance is a threat 😀.»\nKyiv 🇺🇦 answered calmly.\nقال الوزير إن",
        "status": "done",
        "outlet": "Daily",
        "author": "A. Writer",
        "published": "2024-03-01",
        "url": "https://example.invalid/a",
        "source": "articles/a.jsonl",
        "meta": {"section": "world", "source_id": 17},
    },
    {
        "id": 2,
        "title": "Budget talks",
        "text": "The minister e\u0301tait there. Costs rise, the opposition says.",
        "status": "in_progress",
        "outlet": "",
        "author": "",
        "published": "",
        "url": "",
        "source": "b.txt",
        "meta": {},
    },
    {
        "id": 3,
        "title": "Untouched",
        "text": "Nothing was tagged here yet.",
        "status": "new",
        "outlet": "",
        "author": "",
        "published": "",
        "url": "",
        "source": "c.txt",
        "meta": {},
    },
]
EXTRA_LABEL = {
    "name": "event",
    "color": "#911eb4",
    "shortcut": "e",
    "attributes": [{"name": "kind", "kind": "choice", "choices": ["protest", "summit"]}],
}


def at(article_id: int, piece: str) -> tuple[int, int]:
    start = ARTICLES[article_id - 1]["text"].index(piece)
    return start, start + len(piece)


# id, article, start, end, label, attributes, note, annotator
SPANS = [
    (1, 1, *at(1, "Lavrov"), "actor", {"type": "person", "normalised_name": "Sergey Lavrov"}, "", "ana"),
    (2, 1, *at(1, "«The alliance is a threat 😀.»"), "quote", {"kind": "direct"}, "check it", "ana"),
    (3, 1, *at(1, "Kyiv"), "actor", {}, "", "ben"),
    (4, 1, *at(1, "alliance is a threat"), "claim", {"check_worthy": "yes", "stance": "opposes"}, "", "ben"),
    (5, 2, *at(2, "The minister e\u0301tait there."), "framing", {"frame": "Economic"}, "", "ana"),
    (6, 2, *at(2, "Costs rise"), "event", {"kind": "summit"}, "a custom label", "ana"),
]
RELATIONS = [(1, 2, 1, "said_by", "ana")]  # id, from, to, type, annotator
NOW = "2024-03-02T10:00:00+00:00"


def make_v1(path: Path) -> dict:
    path.unlink(missing_ok=True)
    db = Database(path)
    names = [migration.name for migration in migrations.pending(db)]
    migrations.apply(db, stop_before=names[1:2] or None)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    conn = db.conn
    with conn:
        conn.executemany("INSERT INTO annotators (name, created) VALUES (?, ?)", [("ana", NOW), ("ben", NOW)])
        for article in ARTICLES:
            conn.execute(
                "INSERT INTO articles (id, title, text, status, outlet, author, published, url, source, "
                "content_hash, imported_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    *(article[key] for key in ("id", "title", "text", "status", "outlet", "author")),
                    *(article[key] for key in ("published", "url", "source")),
                    f"hash-{article['id']}",
                    NOW,
                    json.dumps(article["meta"]),
                ],
            )
        conn.execute(
            "INSERT INTO labels (name, color, shortcut, position, attributes) VALUES (?, ?, ?, 4, ?)",
            [
                EXTRA_LABEL["name"],
                EXTRA_LABEL["color"],
                EXTRA_LABEL["shortcut"],
                json.dumps(EXTRA_LABEL["attributes"]),
            ],
        )
        for span_id, article_id, start, end, label, attributes, note, annotator in SPANS:
            conn.execute(
                'INSERT INTO spans (id, article_id, start, "end", label_id, attributes, note, annotator, '
                "created, updated) "
                "VALUES (?, ?, ?, ?, (SELECT id FROM labels WHERE name = ?), ?, ?, ?, ?, ?)",
                [span_id, article_id, start, end, label, json.dumps(attributes), note, annotator, NOW, NOW],
            )
        conn.executemany(
            "INSERT INTO relations (id, from_span, to_span, type, annotator, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(*relation, NOW) for relation in RELATIONS],
        )
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    db.close()
    texts = {article["id"]: article["text"] for article in ARTICLES}
    return {
        "schema": 1,
        "articles": ARTICLES,
        "extra_label": EXTRA_LABEL,
        "spans": [
            {
                "id": span_id,
                "article_id": article_id,
                "start": start,
                "end": end,
                "label": label,
                "attributes": attributes,
                "note": note,
                "annotator": annotator,
                "text": texts[article_id][start:end],
            }
            for span_id, article_id, start, end, label, attributes, note, annotator in SPANS
        ],
        "relations": [
            {"id": rid, "from_span": source, "to_span": target, "type": kind, "annotator": who}
            for rid, source, target, kind, who in RELATIONS
        ],
    }


if __name__ == "__main__":
    expected = make_v1(HERE / "v1.annotator")
    (HERE / "v1.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {HERE / 'v1.annotator'} and v1.expected.json")
