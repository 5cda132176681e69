"""Import, search and export figures on a synthetic news corpus, each beside a reference measured in
the same run (so a busy machine shows in both and the ratio survives). Prints; asserts nothing.

python benchmarks/import_export.py                  # 100,000 articles (~500 M characters)
python benchmarks/import_export.py --articles 10000  # a quick run, beside Label Studio's recorded figure

References: import — the same rows through raw `executemany` into the same schema without the
per-row index trigger, then one FTS5 `rebuild`, with the page cache and FTS5 buffer the import
sets (what SQLite itself needs; its parts are printed too); export — a raw SELECT of
the same rows, each article and its spans encoded by the same JSON encoder (what fetching and
encoding alone need). The corpus reads like news: a few hundred common words and recurring names
(with diacritics: Łukasz, Tromsø, Müller) make up most of the text, so a common query matches
15–100% of the articles, as on real news.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from annotator.core.formats import export, import_paths
from annotator.core.search import search
from annotator.core.store import Store
from annotator.core.store.articles import IMPORT_CACHE_KIB
from annotator.core.store.articles import INDEX_PENDING_BYTES as PENDING
from annotator.core.store.rows import content_hash, now

LABELS = ("claim", "quote", "actor", "framing")
# Label Studio importing the 10k peerbench corpus (10,000 news articles, 106k spans) on this
# machine, 3 interleaved rounds (issue 16): there is no Label Studio to run here, so the figure
# is read, not measured, and compared only with a 10,000-article run.
LABEL_STUDIO_10K = {"min": 36.3, "median": 37.4}
COMMON = (
    "the of to and a in that said for on is was with he it as at by from his have be has are an "
    "not they who will but were this had their been after would its more also government minister "
    "president people year police two new told state last percent first against over could party "
    "election country officials week million security war talks city court report news law public "
    "health economy military forces region capital border sanctions prime foreign spokesman "
    "agreement crisis parliament vote opposition leader company market prices energy gas oil bank "
    "workers strike protest children hospital school water climate summit ministry statement "
    "interview decision plan budget tax reform investigation attack army troops ceasefire aid"
).split()
NAMES = (
    "Łukasz Kowalski Tromsø Müller Zürich São Paulo José García Ødegaard Björn Ångström Dvořák "
    "Kraków Gdańsk Straße Æsir Nuñez Çelik İstanbul Şahin Đorđević Lavrov Zelensky Biden Macron "
    "Scholz Meloni Sánchez Orbán Erdoğan Tusk Støre Frederiksen Kristersson Brussels Kyiv Moscow "
    "Beijing Washington Berlin Paris London Warsaw Oslo"
).split()
SYLLABLES = "ka lo mi re su ta ne vo ri an el or us in ko pa de li mo ra se ti".split()
QUERIES = (
    "government", "minister", "said police", "president election", "security forces", "prime minister",
    "Łukasz", "Lukasz", "Tromsø", "Tromso", "Muller", "Kowalski", "sanctions", "parliament vote",
    "health", "talks", "climate summit", "Erdogan", "Krakow", "strike workers",
)  # fmt: skip


def vocabulary(rng: random.Random) -> list[str]:
    """Common words first, then names, then a long tail of made-up rare words (Zipf ranks)."""
    rare: set[str] = set()
    while len(rare) < 20_000:
        rare.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return COMMON + NAMES + sorted(rare)


def sentences(words: list[str], count: int, rng: random.Random) -> list[str]:
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1) ** 0.9
        cumulative.append(total)
    extras = ["😀", "🇺🇦", "Лавров", "قال", "café", "naïve"]
    result = []
    for _ in range(count):
        chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(8, 28))
        if rng.random() < 0.1:
            chosen.insert(rng.randrange(len(chosen)), rng.choice(extras))
        result.append(" ".join(chosen).capitalize() + ".")
    return result


def write_corpus(path: Path, articles: int, seed: int = 7) -> int:
    """A doccano-style JSONL corpus (~5,000 characters and 10 spans per article); the span count."""
    rng = random.Random(seed)
    pool = sentences(vocabulary(rng), 30_000, rng)
    spans = 0
    with path.open("w", encoding="utf-8") as out:
        for _ in range(articles):
            paragraphs = [" ".join(rng.choices(pool, k=rng.randint(3, 6))) for _ in range(rng.randint(5, 9))]
            title = " ".join(rng.choices(pool, k=1)[0].split()[:8])
            text = f"{title}\n\n" + "\n\n".join(paragraphs)
            labels = []
            for _ in range(10):
                start = rng.randrange(0, len(text) - 80)
                labels.append([start, start + rng.randint(5, 80), rng.choice(LABELS)])
            spans += len(labels)
            record = {"title": title, "text": text, "outlet": rng.choice(["Daily", "Wire"]), "label": labels}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return spans


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a big export's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Clock:
    """Wall and CPU seconds of a block (worker processes included), and the load average when it
    ended."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds() - self.cpu
        self.load = os.getloadavg()[0]

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU, load {self.load:.2f}"


def peak_rss_mb() -> float:
    """The peak resident memory of this process, and of the largest worker process if larger."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def raw_import(corpus: Path, db: Path) -> Clock:
    """The floor: the corpus's rows (parsed outside the clock) through executemany, then one FTS
    rebuild with the pending-terms buffer the import sets, in one transaction. `parts` holds the
    clocks of the rows, the rebuild and the commit."""
    with Store.open(db, annotator="bench"):
        pass  # the schema
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # as the import sets it
    conn.execute("DROP TRIGGER articles_ai")
    label_ids = dict(conn.execute("SELECT name, id FROM labels"))
    stamp = now()
    rows = Clock()
    rows.wall = rows.cpu = 0.0
    conn.execute("BEGIN IMMEDIATE")
    with corpus.open(encoding="utf-8") as lines:
        number = 0
        while batch := list(itertools.islice(lines, 5000)):
            article_rows, span_rows = [], []
            for line in batch:
                number += 1
                record = json.loads(line)
                text = record["text"]
                article_rows.append(
                    (number, record["title"], text, "new", record["outlet"], "", "", "", str(corpus),
                     content_hash(text), stamp, "{}")
                )  # fmt: skip
                for start, end, label in record["label"]:
                    span_rows.append((number, start, end, label_ids[label], "{}", "", "bench", stamp, stamp))
            with Clock() as part:
                conn.executemany(f"INSERT INTO articles VALUES ({','.join('?' * 12)})", article_rows)
                conn.executemany(
                    'INSERT INTO spans (article_id, start, "end", label_id, attributes, note, annotator, '
                    "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    span_rows,
                )
            rows.wall, rows.cpu, rows.load = rows.wall + part.wall, rows.cpu + part.cpu, part.load
    with Clock() as clock:
        with Clock() as index:
            conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', ?)", [PENDING])
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        with Clock() as commit:
            conn.execute("COMMIT")
    conn.close()
    clock.wall, clock.cpu = clock.wall + rows.wall, clock.cpu + rows.cpu
    clock.parts = {"rows": rows, "FTS rebuild": index, "commit": commit}
    return clock


def raw_export(store: Store, out: Path) -> Clock:
    """The floor: articles and their spans fetched by a plain SELECT, each article encoded once."""
    from annotator.core.formats.common import json_line as encode  # the encoder the export uses

    conn = store.conn
    with Clock() as clock, out.open("w", encoding="utf-8") as sink:
        spans = conn.execute(
            'SELECT s.article_id, s.id, s.start, s."end", l.name, s.attributes, s.note, s.annotator '
            "FROM spans s JOIN labels l ON l.id = s.label_id "
            'ORDER BY s.article_id, s.start, s."end" DESC, s.id'
        )
        pending = spans.fetchone()
        for article_id, title, text, status in conn.execute(
            "SELECT id, title, text, status FROM articles ORDER BY id"
        ):
            found = []
            while pending is not None and pending[0] == article_id:
                found.append(pending[1:])
                pending = spans.fetchone()
            sink.write(encode([article_id, title, text, status, found]))
            sink.write("\n")
    return clock


def run_search(store: Store) -> None:
    counts = {
        query: store.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [_plain(query)]
        ).fetchone()[0]
        for query in QUERIES
    }
    total = store.article_count()
    latencies = []
    for _round in range(3):
        for query in QUERIES:
            started = time.perf_counter()
            search(store, query, limit=50)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    median, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
    # reference: the same queries with every match ranked (FTS5's own ORDER BY rank), as before
    reference = []
    for query in QUERIES:
        started = time.perf_counter()
        store.conn.execute(
            "SELECT rowid, title, snippet(articles_fts, 1, '«', '»', '…', 12), rank FROM articles_fts "
            "WHERE articles_fts MATCH ? AND rank MATCH 'bm25(5.0, 1.0)' ORDER BY rank LIMIT 50",
            [_plain(query)],
        ).fetchall()
        reference.append((time.perf_counter() - started) * 1000)
    reference.sort()
    found = {query: len(search(store, query, limit=50)) for query in QUERIES}
    print("search: matches per query (of", f"{total:,}):", ", ".join(f"{q!r} {counts[q]:,}" for q in QUERIES))
    print("search: top-50 results per query:", ", ".join(f"{q!r} {found[q]}" for q in QUERIES))
    print(
        f"search: ranked top 50 with snippets, {len(latencies)} queries: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms (goal 20 / 50 ms); reference, every match ranked: median "
        f"{statistics.median(reference):.1f} ms, p95 {reference[int(len(reference) * 0.95) - 1]:.1f} ms; "
        f"ratio of medians {median / statistics.median(reference):.2f}; load {os.getloadavg()[0]:.2f}"
    )


def _plain(query: str) -> str:
    return " ".join(f'"{word}"' for word in query.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus.jsonl"
    db, floor_db = workdir / "bench.annotator", workdir / "floor.annotator"
    for stale in [*workdir.glob("bench.annotator*"), *workdir.glob("floor.annotator*")]:
        stale.unlink()

    with Clock() as clock:
        spans = write_corpus(corpus, args.articles)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {args.articles:,} articles, {spans:,} spans, {size_mb:.0f} MB (generated: {clock})")

    # ours first, the references after: peak RSS only grows, so ours is read before they run
    store = Store.open(db, annotator="bench")
    with Clock() as imported:
        summary = import_paths(store, [corpus])
    rss_import = peak_rss_mb()
    run_search(store)
    out = workdir / "export.jsonl"
    with Clock() as exported, out.open("w", encoding="utf-8", newline="") as sink:
        result = export(store, "jsonl", sink)
    rss_export = peak_rss_mb()
    with Clock() as csv_clock, (workdir / "export.csv").open("w", encoding="utf-8", newline="") as sink:
        export(store, "csv", sink)
    floor = raw_import(corpus, floor_db)
    reference = raw_export(store, workdir / "raw.jsonl")
    store.close()

    print(
        f"import: {summary.articles:,} articles, {summary.spans:,} spans incl. search index: {imported} = "
        f"{summary.articles / imported.wall:,.0f} articles/s; peak RSS {rss_import:.0f} MB (goal <= 300 MB)"
    )
    print(
        f"import reference (raw executemany + FTS rebuild, same rows): {floor}; ratio "
        f"{imported.wall / floor.wall:.2f}x wall, {imported.cpu / floor.cpu:.2f}x CPU (goal <= 1.3x, <= 30 s)"
    )
    print("import reference, its parts:", "; ".join(f"{name} {part}" for name, part in floor.parts.items()))
    print(
        f"export jsonl: {result.spans:,} spans: {exported} = {result.spans / exported.wall:,.0f} spans/s "
        f"(goal >= 300,000), {out.stat().st_size / 1e6:.0f} MB; peak RSS {rss_export:.0f} MB (goal <= 300 MB)"
    )
    print(
        f"export reference (raw SELECT + JSON encode, same rows): {reference} = "
        f"{result.spans / reference.wall:,.0f} spans/s; ratio {exported.wall / reference.wall:.2f}x wall, "
        f"{exported.cpu / reference.cpu:.2f}x CPU"
    )
    print(f"export csv: {result.spans:,} spans: {csv_clock} = {result.spans / csv_clock.wall:,.0f} spans/s")
    if args.articles == 10_000:
        ls_min, ls_median = LABEL_STUDIO_10K["min"], LABEL_STUDIO_10K["median"]
        print(
            f"import 10k vs Label Studio (recorded here: {LABEL_STUDIO_10K['min']} s min, "
            f"{LABEL_STUDIO_10K['median']} s median, wall time on a loaded machine; its CPU time was "
            f"not recorded): ours {imported.wall:.1f} s wall = {ls_min / imported.wall:.1f}x its min, "
            f"{ls_median / imported.wall:.1f}x its median; ours {imported.cpu:.1f} s CPU (which a busy "
            f"machine does not stretch; two threads) = {ls_min / imported.cpu:.1f}x its min, "
            f"{ls_median / imported.cpu:.1f}x its median (goal >= 6x; load {imported.load:.2f})"
        )
    print(f"database: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
