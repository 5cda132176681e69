"""Text view figures: opening a 5 MB article with 50,000 overlapping spans, adding a span, scrolling.
Runs offscreen; prints one line per figure; asserts nothing.

python benchmarks/gui_text.py
python benchmarks/gui_text.py --megabytes 1 --spans 10000   # a quick run
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.core.model import Span  # noqa: E402
from annotator.gui.text_view import TextView  # noqa: E402

COLORS = {"claim": "#e6194b", "quote": "#3c8dde", "actor": "#2ca25f", "framing": "#f0a30a"}
WORDS = "the minister said talks would resume after new sanctions were announced on monday".split()
EXTRAS = ["😀", "🇺🇦", "Лавров", "قال", "café", "naïve"]


def synthetic_text(megabytes: float, rng: random.Random) -> str:
    """Paragraphs of ~600 characters until the text holds `megabytes` million characters."""
    paragraphs, size = [], 0
    while size < megabytes * 1_000_000:
        words = []
        while sum(map(len, words)) + len(words) < 600:
            words.append(rng.choice(EXTRAS) if rng.random() < 0.02 else rng.choice(WORDS))
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)


def synthetic_spans(text: str, count: int, rng: random.Random) -> list[Span]:
    """Mostly short spans, some paragraph-long, a few long: they overlap and nest at random."""
    spans = []
    for span_id in range(1, count + 1):
        kind = rng.random()
        length = rng.randint(3, 60) if kind < 0.7 else rng.randint(60, 700) if kind < 0.97 else 5_000
        start = rng.randrange(0, len(text) - length)
        spans.append(Span(span_id, 1, start, start + length, rng.choice(list(COLORS))))
    return spans


def millis(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class GcClock:
    """Time the garbage collector spends while a figure is taken (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds, self.runs, self._started = 0.0, [0, 0, 0], 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.runs[info["generation"]] += 1

    def reset(self) -> None:
        self.seconds, self.runs = 0.0, [0, 0, 0]

    def __str__(self) -> str:
        return f"gc {millis(self.seconds)} in {self.runs[0]}/{self.runs[1]}/{self.runs[2]} runs (gen 0/1/2)"


GC = GcClock()


def open_article(app: QApplication, view: TextView, text: str, spans: list[Span]) -> tuple[float, float]:
    """Seconds to the first paint, and until the whole text is in the document."""
    started = time.perf_counter()
    view.set_article(text, spans, COLORS)
    view.viewport().repaint()
    first = time.perf_counter() - started
    while view.loading:
        app.processEvents()
    return first, time.perf_counter() - started


def bare_open(app: QApplication, bare: QPlainTextEdit, text: str) -> float:
    """The reference: a plain QPlainTextEdit set with the same text and painted."""
    started = time.perf_counter()
    bare.setPlainText(text)
    bare.viewport().repaint()
    return time.perf_counter() - started


def report_open(label: str, ours: tuple[float, float], reference: float) -> None:
    print(
        f"open (set_article + first paint), {label}: {millis(ours[0])} (goal 150 ms); reference: a bare "
        f"QPlainTextEdit set with the same text and painted {millis(reference)}, ratio "
        f"{ours[0] / reference:.2f}; whole text in the document after {millis(ours[1])}; {GC}; "
        f"load {os.getloadavg()[0]:.2f}"
    )


def median_of(repeats: int, action) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--spans", type=int, default=50_000)
    parser.add_argument(
        "--spans-in-text-order", action="store_true", help="as the store gives them (default: random order)"
    )
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() once the widgets exist")
    args = parser.parse_args()
    rng = random.Random(7)
    app = QApplication.instance() or QApplication([])
    text = synthetic_text(args.megabytes, rng)
    spans = synthetic_spans(text, args.spans, rng)
    print(f"text: {len(text):,} code points in {text.count(chr(10)) + 1:,} paragraphs; spans: {len(spans):,}")

    view = TextView()
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    if args.gc_freeze:
        gc.freeze()

    bare = QPlainTextEdit()
    bare.resize(view.size())
    bare.show()
    app.processEvents()
    if args.spans_in_text_order:
        spans.sort(key=lambda span: span.start)
    reference = bare_open(app, bare, text)
    GC.reset()
    report_open("paragraphs", open_article(app, view, text, spans), reference)
    print(f"  spans looked at in that paint: {view.painted_span_count}")

    added = list(spans)
    next_id = len(spans) + 1

    def add_one_span() -> None:
        nonlocal next_id
        start = rng.randrange(0, 2_000)
        added.append(Span(next_id, 1, start, start + rng.randint(3, 40), "claim"))
        next_id += 1
        view.set_spans(added)
        view.viewport().repaint()

    print(
        "add one span + repaint (same Span objects + 1), median of 100:",
        millis(median_of(100, add_one_span)),
    )

    def add_one_edit() -> None:
        nonlocal next_id
        start = rng.randrange(0, 2_000)
        view.update_spans([], [Span(next_id, 1, start, start + rng.randint(3, 40), "claim")])
        next_id += 1
        app.processEvents()  # Qt paints the lines the edit marked

    print(
        "add one span as the window does (update_spans + repaint of what changed), median of 100:",
        millis(median_of(100, add_one_edit)),
    )
    added[:] = view.spans

    def add_one_recreated() -> float:
        nonlocal next_id
        start = rng.randrange(0, 2_000)
        fresh = [Span(s.id, s.article_id, s.start, s.end, s.label) for s in added]
        fresh.append(Span(next_id, 1, start, start + rng.randint(3, 40), "quote"))
        next_id += 1
        started = time.perf_counter()
        view.set_spans(fresh)
        view.viewport().repaint()
        added[:] = fresh
        return time.perf_counter() - started

    recreated = statistics.median(add_one_recreated() for _ in range(20))
    print(
        f"add one span + repaint (every Span object new, as re-read from the store), median of 20: "
        f"{millis(recreated)}"
    )

    bar = view.verticalScrollBar()

    def scroll_page() -> None:
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()

    print(f"scroll one page + repaint, median of 20: {millis(median_of(20, scroll_page))}")
    bar.setValue(bar.maximum())
    started = time.perf_counter()
    view.viewport().repaint()
    print(
        f"jump to the end + repaint (lanes computed for all spans on the way): "
        f"{millis(time.perf_counter() - started)}"
    )

    single = text.replace("\n", " ")
    reference = bare_open(app, bare, single)
    bare.close()
    GC.reset()
    report_open("one paragraph without line breaks", open_article(app, view, single, spans), reference)
    print(f"  display blocks: {view.document().blockCount():,}")

    def move_cursor() -> None:
        view.moveCursor(QTextCursor.MoveOperation.Right)
        view.viewport().repaint()

    print(
        "cursor move right + repaint in the one paragraph, median of 20:",
        millis(median_of(20, move_cursor)),
    )
    print(
        f"scroll one page + repaint in the one paragraph, median of 20: {millis(median_of(20, scroll_page))}"
    )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")
    view.close()


if __name__ == "__main__":
    main()
