"""Event-loop stalls while an article opens after edits, in a project that also holds a 5 MB
article with 50,000 spans: the window rebuilds its memory of the project's tagged strings then.
Prints the longest gap between ticks of a 10 ms timer and the time spent reading the memory on
the window's thread, beside the same opening without edits (memory kept). Asserts nothing.

python benchmarks/suggest_memory.py [--folder /tmp/x] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_text import synthetic_spans, synthetic_text  # noqa: E402

from annotator.core.model import NewArticle, NewSpan  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.app import create_application  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
GUI_THREAD_MEMORY: list[float] = []  # seconds of each memory read on the window's thread


def project(folder: Path) -> Path:
    """The sample articles and a 5 MB article with 50,000 spans (made once per folder)."""
    db = folder / "memory.annotator"
    if db.exists():
        return db
    rng = random.Random(7)
    text = synthetic_text(5, rng)
    spans = tuple(NewSpan(s.start, s.end, s.label) for s in synthetic_spans(text, 50_000, rng))
    with Store.open(db, annotator="bench") as store:
        store.add_articles(
            [NewArticle(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
        )
        store.add_articles([NewArticle("big", text, spans=spans)])
    return db


def count_memory_reads() -> None:
    real = Store.suggestion_memory

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            if threading.current_thread() is threading.main_thread():
                GUI_THREAD_MEMORY.append(time.perf_counter() - started)

    Store.suggestion_memory = timed


def settle(app: QApplication, window: MainWindow, seconds: float = 0.5) -> None:
    """Run the event loop until the suggestion work is done and `seconds` passed quietly."""
    deadline = time.monotonic() + 60
    quiet = None
    while time.monotonic() < deadline:
        app.processEvents()
        if window.suggester.busy:
            quiet = None
        elif quiet is None:
            quiet = time.monotonic()
        elif time.monotonic() - quiet > seconds:
            return
        time.sleep(0.005)


def longest_gap(app: QApplication, window: MainWindow, action) -> float:
    """The longest gap between 10 ms ticks while `action` runs from the event loop and the
    suggestion work it starts finishes."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    QTimer.singleShot(30, action)
    settle(app, window)
    timer.stop()
    return max(b - a for a, b in zip(ticks, ticks[1:], strict=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="annotator-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = project(folder)
    count_memory_reads()
    app = QApplication.instance() or create_application([])
    store = Store.open(db, annotator="bench")
    settings = QSettings(str(folder / f"settings-{time.monotonic_ns()}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings)
    window.resize(1400, 900)
    window.show()
    first, second = store.article_ids()[:2]
    window.open_article(first)
    settle(app, window)
    edited, kept, reads = [], [], []
    for round_ in range(args.rounds):
        view = window.text_view
        start = 10 + round_ * 20
        view.select_range(start, start + 6)
        window.apply_label("actor")  # an edit: the memory is rebuilt when the next article opens
        settle(app, window)
        GUI_THREAD_MEMORY.clear()
        edited.append(longest_gap(app, window, lambda: window.open_article(second)))
        reads.append(sum(GUI_THREAD_MEMORY))
        kept.append(longest_gap(app, window, lambda: window.open_article(first)))  # no edit since
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(f"project: {store.article_count()} articles, 50,000 spans in a 5 MB one; load average {load}")
    stall, worst, read = (statistics.median(edited), max(edited), statistics.median(reads))
    print(
        f"opening an article after an edit: longest event-loop stall median {stall * 1000:.0f} ms "
        f"(max {worst * 1000:.0f}); memory read on the window's thread median {read * 1000:.0f} ms"
    )
    print(
        f"  same-run reference, opening without an edit since: median {statistics.median(kept) * 1000:.0f} ms"
    )
    window.close()
    store.close()


if __name__ == "__main__":
    main()
