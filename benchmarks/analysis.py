"""Time of each analysis table on a big coded project, against a same-run reference. Prints
figures; asserts nothing.

python benchmarks/analysis.py                      # builds 100,000 articles (~1.07M spans), ~1 min
python benchmarks/analysis.py --project P.annotator  # an existing project (built by this script)
python benchmarks/analysis.py --articles 5000      # a quick run
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from newsroom import build

from annotator.core import analysis
from annotator.core.model import AnalysisFilter
from annotator.core.store import Store


def timed(function, repeat: int) -> tuple[float, object]:
    """Median seconds of `repeat` runs (the first, which warms the page cache, included)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--project", type=Path, help="Use this project instead of building one.")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.project and args.project.exists():
        store = Store.open(args.project)
    else:
        path = args.project or Path(tempfile.mkdtemp(prefix="annotator-analysis-")) / "news.annotator"
        started = time.perf_counter()
        store = build(path, args.articles)
        print(f"built {path} in {time.perf_counter() - started:.0f} s")
    articles = store.article_count()
    spans = store.count_spans()
    print(f"project: {articles:,} articles, {spans:,} spans; load average {os.getloadavg()[0]:.2f} (2 cores)")
    reference, _ = timed(lambda: store.count_spans(), args.repeat)
    print(f"reference: every span counted with its article and label (count_spans) {reference * 1000:.0f} ms")
    by_label, _ = timed(lambda: store.label_counts(), args.repeat)
    print(f"           spans per label (store.label_counts, GROUP BY over an index) {by_label * 1000:.0f} ms")
    filters = {
        "no filter": AnalysisFilter(),
        "annotator ana": AnalysisFilter(annotators=("ana",)),
        "status done, 2024-06..2025-05": AnalysisFilter(statuses=("done",), since="2024-06", until="2025-05"),
    }
    for name, f in filters.items():
        reference, _ = timed(lambda: store.count_spans(), args.repeat)
        print(f"-- {name} (reference now {reference * 1000:.0f} ms, load average {os.getloadavg()[0]:.2f})")
        for key, make in analysis.TABLES.items():
            seconds, table = timed(lambda make=make, f=f: make(store, f), args.repeat)
            ratio = seconds / reference
            print(f"{key:<18} {seconds * 1000:7.0f} ms  {len(table.rows):5} rows  ({ratio:.1f}x reference)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    store.close()


if __name__ == "__main__":
    main()
