"""Export and import throughput (spans/s) per exchange format, each beside its ratio to JSONL's
in the same run (the reference: ratios survive a busy machine). Formats whose optional package is
missing (spaCy) are skipped with a note. Prints figures; asserts nothing.

python benchmarks/formats.py                   # 1,000,000 spans (100,000 articles of 10 spans)
python benchmarks/formats.py --spans 50000     # a quick run
python benchmarks/formats.py --formats brat conll
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import tempfile
import time
from pathlib import Path

from annotator.core.formats import FORMATS, export, import_paths
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.store import Store

LABELS = ("claim", "quote", "actor", "framing")
OPTIONAL = {"spacy": "spacy"}  # format: the package it needs
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
        names = [name for name in args.formats if name == "jsonl"] + [n for n in args.formats if n != "jsonl"]
        print(f"{'format':<18} {'export s':>9} {'export spans/s':>15} {'vs jsonl':>9} "
              f"{'import s':>9} {'import spans/s':>15} {'vs jsonl':>9}")  # fmt: skip
        reference: dict[str, float] = {}
        for name in names:
            package = OPTIONAL.get(name)
            if package and importlib.util.find_spec(package) is None:
                print(f"{name:<18} skipped: the {package} package is not installed", flush=True)
                continue
            fmt = FORMATS[name]
            target = work / f"out-{name}{fmt.suffix}"
            started = time.perf_counter()
            exported = export(source, name, target)
            rate = exported.spans / (time.perf_counter() - started)
            reference.setdefault("export", rate)
            ratio = rate / reference["export"]
            line = f"{name:<18} {exported.spans / rate:>9.1f} {rate:>15,.0f} {ratio:>8.2f}x"
            if fmt.reader is not None and name != "csv":  # the CSV reader takes article tables
                copy = Store.open(work / f"copy-{name}.annotator", annotator="bench")
                started = time.perf_counter()
                imported = import_paths(copy, [target], name)
                seconds = time.perf_counter() - started
                copy.close()
                rate = imported.spans / seconds
                reference.setdefault("import", rate)
                line += f" {seconds:>9.1f} {rate:>15,.0f} {rate / reference['import']:>8.2f}x"
                if imported.refused:
                    line += f"  refused: {imported.refused[0]}"
            print(f"{line}  (load {os.getloadavg()[0]:.2f})", flush=True)
        source.close()


if __name__ == "__main__":
    main()
