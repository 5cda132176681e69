"""Import, search and export figures on a synthetic news corpus. Prints figures; asserts nothing.

python benchmarks/import_export.py                 # 100,000 articles (~300 MB)
python benchmarks/import_export.py --articles 5000 # a quick run
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from annotator.core.formats import export, import_paths
from annotator.core.search import search
from annotator.core.store import Store

LABELS = ("claim", "quote", "actor", "framing")
SYLLABLES = "ka lo mi re su ta ne vo ri an el or us in ko pa de li mo ra se ti".split()


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))))
    return sorted(words)


def sentences(words: list[str], count: int, rng: random.Random) -> list[str]:
    """Sentences drawn Zipf-like from the vocabulary, with some emoji and non-Latin text."""
    weights = [1 / (rank + 1) for rank in range(len(words))]
    extras = ["😀", "🇺🇦", "Лавров", "قال", "café", "naïve"]
    result = []
    for _ in range(count):
        chosen = rng.choices(words, weights, k=rng.randint(8, 28))
        if rng.random() < 0.1:
            chosen.insert(rng.randrange(len(chosen)), rng.choice(extras))
        result.append(" ".join(chosen).capitalize() + ".")
    return result


def write_corpus(path: Path, articles: int, seed: int = 7) -> tuple[int, int, list[str]]:
    """A doccano-style JSONL corpus (~3,000 characters and ~10 spans per article)."""
    rng = random.Random(seed)
    words = vocabulary(20_000, rng)
    pool = sentences(words, 20_000, rng)
    spans = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            paragraphs = []
            for _ in range(rng.randint(4, 8)):
                paragraphs.append(" ".join(rng.choices(pool, k=rng.randint(2, 5))))
            text = f"Report {number}\n\n" + "\n\n".join(paragraphs)
            labels = []
            for _ in range(10):
                start = rng.randrange(0, len(text) - 80)
                labels.append([start, start + rng.randint(5, 80), rng.choice(LABELS)])
            spans += len(labels)
            record = {
                "title": f"Report {number}",
                "text": text,
                "outlet": rng.choice(["Daily", "Wire"]),
                "label": labels,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return articles, spans, words


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus.jsonl"
    db = workdir / "bench.annotator"
    for stale in workdir.glob("bench.annotator*"):
        stale.unlink()

    started = time.perf_counter()
    articles, spans, words = write_corpus(corpus, args.articles)
    size_mb = corpus.stat().st_size / 1e6
    print(
        f"corpus: {articles} articles, {spans} spans, {size_mb:.0f} MB "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )

    store = Store.open(db, annotator="bench")
    started = time.perf_counter()
    summary = import_paths(store, [corpus])
    elapsed = time.perf_counter() - started
    print(
        f"import: {summary.articles} articles, {summary.spans} spans in {elapsed:.1f} s = "
        f"{summary.articles / elapsed:,.0f} articles/s, {size_mb / elapsed:.1f} MB/s (with FTS index)"
    )

    rng = random.Random(11)
    queries = [" ".join(rng.sample(words[:2000], rng.choice([1, 1, 2]))) for _ in range(50)]
    latencies, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        hits += len(search(store, query, limit=50))
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    print(
        f"search: 50 queries (top 50 with snippets): median {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms, {hits} hits"
    )

    for fmt in ("jsonl", "csv"):
        out_path = workdir / f"export.{fmt}"
        started = time.perf_counter()
        with out_path.open("w", encoding="utf-8", newline="") as out:
            result = export(store, fmt, out)
        elapsed = time.perf_counter() - started
        print(
            f"export {fmt}: {result.spans} spans in {elapsed:.1f} s = {result.spans / elapsed:,.0f} spans/s "
            f"({out_path.stat().st_size / 1e6:.0f} MB)"
        )
    store.close()
    print(f"database: {db.stat().st_size / 1e6:.0f} MB")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
