"""Corpus search figures on an existing project (a real or realistic news corpus), beside a
reference measured in the same run: the same queries with every match ranked (FTS5's plain
`ORDER BY rank`). Queries come from the project's own index: its most common words (each in 15% or
more of the articles, as on news), pairs of them, rarer words, and the plain spellings of words with
letters such as ł, ø, ğ (`lukasz` must find what `łukasz` finds). Prints; asserts nothing.

python benchmarks/search.py study.annotator
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from annotator.core.search import FOLDS, fts_query, ranked_ids, search, snippets
from annotator.core.store import Store
from annotator.core.store.backup import read_only_uri

ROUNDS = 3
SHOWN = 50  # rows of the window's list that get a snippet at once (ArticleTableModel.SNIPPETS)


def vocabulary(path: Path) -> list[tuple[str, int]]:
    """(term, articles it is in) of the project's index, most common first."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, articles_fts, 'row')")
        return conn.execute("SELECT term, doc FROM temp.terms ORDER BY doc DESC").fetchall()
    finally:
        conn.close()


def queries(terms: list[tuple[str, int]], articles: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Realistic queries (common words, pairs of them, rarer words) and folded spellings to check."""
    words = [(term, doc) for term, doc in terms if term.isalpha() and len(term) > 3]
    common = [term for term, doc in words if doc >= 0.15 * articles]
    rarer = [term for term, doc in words if 0.01 * articles <= doc < 0.15 * articles]
    chosen = rng.sample(common, min(10, len(common))) + rng.sample(rarer, min(5, len(rarer)))
    chosen += [" ".join(rng.sample(common, 2)) for _ in range(5 if len(common) > 1 else 0)]
    folded = [term for term, _ in words if not term.isascii() and plain(term).isascii()][:10]
    return chosen, folded


def plain(word: str) -> str:
    """`word` as typed on a keyboard without its letters: marks dropped, ł as l, ø as o, …"""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return stripped.translate(str.maketrans(FOLDS))


def timed(run, items: list[str]) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for item in items:
            started = time.perf_counter()
            run(item)
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def figures(times: list[float]) -> str:
    return f"median {statistics.median(times):.1f} ms, p95 {times[max(0, int(len(times) * 0.95) - 1)]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    store = Store.open(args.project, annotator="bench", read_only=True)
    total = store.article_count()
    chosen, folded = queries(vocabulary(args.project), total, random.Random(args.seed))

    def count(expression: str) -> int:
        return store.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [expression]
        ).fetchone()[0]

    print(f"project: {args.project} ({total:,} articles); load {os.getloadavg()[0]:.2f}")
    print("queries (articles matching):", ", ".join(f"{q!r} {count(fts_query(q, store)):,}" for q in chosen))
    top = timed(lambda q: search(store, q, limit=50), chosen)
    listed = timed(lambda q: snippets(store, q, ranked_ids(store, q, 1000)[:SHOWN]), chosen)
    every = timed(lambda q: search(store, q, limit=1000), chosen)
    reference = timed(
        lambda q: store.conn.execute(
            "SELECT rowid, title, snippet(articles_fts, 1, '«', '»', '…', 12), rank FROM articles_fts "
            "WHERE articles_fts MATCH ? AND rank MATCH 'bm25(5.0, 1.0)' ORDER BY rank LIMIT 50",
            [fts_query(q)],
        ).fetchall(),
        chosen,
    )
    print(f"search, ranked top 50 with snippets: {figures(top)} (goal 20 / 50 ms)")
    print(
        f"search, the window's list (up to 1,000 ranked, snippets for the first {SHOWN}): {figures(listed)}; "
        f"with a snippet for each of the 1,000: {figures(every)}"
    )
    print(
        f"reference, every match ranked: {figures(reference)}; ratio of medians "
        f"{statistics.median(top) / statistics.median(reference):.2f}; load {os.getloadavg()[0]:.2f}"
    )
    for term in folded:
        typed = plain(term)
        found = count(fts_query(typed, store))
        print(f"folding: {term!r} in {count(fts_query(term, store)):,} articles, {typed!r} finds {found:,}")
    if not folded:
        print("folding: the index holds no word with letters to fold")
    store.close()
    command = [sys.executable, "-m", "annotator", "--db", str(args.project), "search", chosen[0]]
    cli = timed(lambda _: subprocess.run(command, capture_output=True, check=True), ["x"])
    bare = [sys.executable, "-m", "annotator", "--version"]
    version = timed(lambda _: subprocess.run(bare, capture_output=True, check=True), ["x"])
    print(
        f"command line: `annotator search {chosen[0]}` {statistics.median(cli):.0f} ms per call; reference "
        f"`annotator --version` {statistics.median(version):.0f} ms; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
