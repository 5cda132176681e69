"""Export and import throughput (spans/s) per exchange format. Prints figures; asserts nothing.

python benchmarks/formats.py                   # 1,000,000 spans (100,000 articles of 10 spans)
python benchmarks/formats.py --spans 50000     # a quick run
python benchmarks/formats.py --formats brat conll
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from annotator.core.formats import FORMATS, export, import_paths
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.store import Store

LABELS = ("claim", "quote", "actor", "framing")
WORDS = "the minister said talks failed sanctions 😀 🇺🇦 Лавров قال café naïve report".split()


def build(store: Store, spans: int, per_article: int = 10, seed: int = 7) -> None:
    """Articles of ~2,000 characters, 10 spans each (some overlapping), one relation each."""
    rng = random.Random(seed)
    articles = []
    for number in range(max(1, spans // per_article)):
        text = f"Report {number}\n" + " ".join(rng.choice(WORDS) for _ in range(300))
        picked = []
        for _ in range(per_article):
            start = rng.randrange(0, len(text) - 60)
            picked.append(NewSpan(start, start + rng.randint(3, 60), rng.choice(LABELS), {"kind": "direct"}))
        articles.append(NewArticle(f"Report {number}", text, spans=tuple(picked),
                                   relations=(NewRelation(0, 1, "said_by"),)))  # fmt: skip
    store.add_articles(articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--formats", nargs="*", default=[n for n, f in FORMATS.items() if f.writer])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = Store.open(work / "source.annotator", annotator="bench")
        started = time.perf_counter()
        build(source, args.spans)
        total = source.count_spans()
        print(f"corpus: {source.article_count():,} articles, {total:,} spans "
              f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        print(f"{'format':<18} {'export s':>9} {'export spans/s':>15} {'import s':>9} {'import spans/s':>15}")
        for name in args.formats:
            fmt = FORMATS[name]
            target = work / f"out-{name}{fmt.suffix}"
            started = time.perf_counter()
            exported = export(source, name, target)
            export_seconds = time.perf_counter() - started
            line = f"{name:<18} {export_seconds:>9.1f} {exported.spans / export_seconds:>15,.0f}"
            if fmt.reader is not None and name != "csv":  # the CSV reader takes article tables
                copy = Store.open(work / f"copy-{name}.annotator", annotator="bench")
                started = time.perf_counter()
                imported = import_paths(copy, [target], name)
                import_seconds = time.perf_counter() - started
                copy.close()
                line += f" {import_seconds:>9.1f} {imported.spans / import_seconds:>15,.0f}"
                if imported.refused:
                    line += f"  refused: {imported.refused[0]}"
            print(line, flush=True)
        source.close()


if __name__ == "__main__":
    main()
