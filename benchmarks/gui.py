"""Window figures through the real paths (store, undo commands, views), offscreen. Prints figures;
asserts nothing. Widget-only figures are in benchmarks/gui_text.py.

python benchmarks/gui.py
python benchmarks/gui.py --articles 10000 --megabytes 1 --spans 10000   # a quick run

Measure where annotator is installed as users get it (`pip install .`, no test extras): where
pandas is installed, sqlite-utils imports it at start (about +0.4 s and +70 MB here).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_text import GC, synthetic_spans, synthetic_text  # noqa: E402

from annotator.core.model import NewArticle, NewSpan  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.app import create_application  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


SUGGEST = True  # --no-suggestions: the recommenders off, as Preferences can set them


def window_for(store: Store, folder: Path) -> MainWindow:
    settings = QSettings(str(folder / f"settings-{time.monotonic_ns()}.ini"), QSettings.Format.IniFormat)
    if not SUGGEST:
        settings.setValue("suggest/sources", ["none"])
    return MainWindow(store, settings)


PROBE = """
import gc, os, sys, time

import annotator.cli  # the entry point of `annotator --db`; its open_window goes on as below

gc.disable()  # open_window pauses the collector until the window is painted
from PySide6.QtCore import QSettings

from annotator.gui.app import create_application
from annotator.gui.main_window import MainWindow
from annotator.gui.project_files import open_or_read

app = create_application([])
store = open_or_read(sys.argv[1], "bench")  # as `gui.app.run`: the due backup waits for the paint
window = MainWindow(store, QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
# Painted: Qt paints a window once it is exposed, from the event loop (`repaint()` before that
# paints nothing offscreen). The work the window leaves for after its first paint waits for a
# later turn of the loop, so it is not counted.
while not window.first_paint.painted:
    app.processEvents()
print(time.time() - float(os.environ["ANNOTATOR_BENCH_T0"]))
window.files.close_store()
"""
"""Child process: from interpreter start to a painted window on an existing project, by the path
`annotator --db` takes (the command line module, `open_window`, then what `gui.app.run` does)."""


REFERENCE = (
    "import os, time; import PySide6.QtWidgets; print(time.time() - float(os.environ['ANNOTATOR_BENCH_T0']))"
)
FLOOR = """
import os, time
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        self.painted = True

app = QApplication([])
w = Window()
w.resize(1400, 900)
w.show()
while not w.painted:
    app.processEvents()
print(time.time() - float(os.environ['ANNOTATOR_BENCH_T0']))
"""
"""The least any Qt window costs here: PySide6 imported, a QApplication, an empty window painted."""


# Installed, annotator's modules come with compiled bytecode; a checkout run with
# PYTHONDONTWRITEBYTECODE compiles them at every start (0.4 s here). The child processes keep
# theirs in a folder of their own, filled by a first run that is not counted.
BYTECODE = tempfile.mkdtemp(prefix="annotator-bench-pycache-")


def new_process(args: list[str]) -> float:
    """Seconds from just before the process is started to the figure it prints last."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(ANNOTATOR_BENCH_T0=repr(time.time()), PYTHONPYCACHEPREFIX=BYTECODE)
    out = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def startup(db: Path, label: str, rounds: int = 3) -> None:
    """Start to painted window, interleaved with the references (importing PySide6.QtWidgets; an
    empty QMainWindow painted)."""
    ours, reference, floor = [], [], []
    probe = ["-c", PROBE, str(db), str(db.parent / "settings-startup-probe.ini")]
    new_process(probe)  # bytecode written, files in the page cache
    for _ in range(rounds):
        reference.append(new_process(["-c", REFERENCE]))
        floor.append(new_process(["-c", FLOOR]))
        ours.append(new_process(probe))
    ours_s, reference_s, floor_s = map(statistics.median, (ours, reference, floor))
    print(
        f"start to painted window, {label} (new process, median of {rounds}): {ms(ours_s)}; reference "
        f"`python -c 'import PySide6.QtWidgets'` {ms(reference_s)}, ratio {ours_s / reference_s:.2f}; "
        f"floor (PySide6 + QApplication + empty QMainWindow painted) {ms(floor_s)}, ratio "
        f"{ours_s / floor_s:.2f}; load {load()}"
    )


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def seeded_project(folder: Path) -> Path:
    db = folder / "startup.annotator"
    with Store.open(db) as store:
        seeds = Path(__file__).resolve().parents[1] / "seeds"
        store.add_articles([NewArticle(p.stem, p.read_text(encoding="utf-8")) for p in seeds.glob("*.txt")])
    return db


def add_spans(app: QApplication, window: MainWindow, rng: random.Random, count: int) -> tuple[list, list]:
    """Seconds per span labelled by key, until Qt has painted what changed; and with a full repaint
    of the text view on top."""
    view, timings, full = window.text_view, [], []
    for _ in range(count):
        start = rng.randrange(0, min(3_000, len(window.article.text) - 30))
        view.select_range(start, start + rng.randint(3, 30))
        app.processEvents()
        started = time.perf_counter()
        window.apply_label("claim")
        app.processEvents()  # Qt paints what the edit marked for repainting
        timings.append(time.perf_counter() - started)
        view.viewport().repaint()
        full.append(time.perf_counter() - started)
    return timings, full


def raw_insert_commit(db: Path, article_id: int, rounds: int = 100) -> list[float]:
    """Seconds per span row written by plain sqlite3 (own connection, the store's pragmas): one
    INSERT and a commit, the floor under adding a span. The rows are deleted again."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    label_id, annotator = conn.execute("SELECT label_id, annotator FROM spans LIMIT 1").fetchone()
    timings, made = [], []
    for n in range(rounds):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        cursor = conn.execute(
            'INSERT INTO spans (article_id, start, "end", label_id, attributes, note, annotator, created, '
            "updated) VALUES (?, ?, ?, ?, '{}', '', ?, '2026-01-01', '2026-01-01')",
            [article_id, n, n + 5, label_id, annotator],
        )
        conn.execute("COMMIT")
        timings.append(time.perf_counter() - started)
        made.append(cursor.lastrowid)
    conn.executemany("DELETE FROM spans WHERE id = ?", [[i] for i in made])
    conn.close()
    return timings


def add_figures(
    app: QApplication,
    window: MainWindow,
    rng: random.Random,
    raw: list[float],
    articles: list[tuple[str, int]],
) -> None:
    """Add 100 spans on each article, then undo 100."""
    spans_shown = window.span_list.model.rowCount() if window.span_dock.isVisible() else 0
    print(f"span list open alongside: {spans_shown:,} rows")
    reference = statistics.median(raw)
    for name, article_id in articles:
        window.open_article(article_id)
        add, full = add_spans(app, window, rng, 100)
        print(
            f"add one span {name} (command → SQLite commit → views → repaint of what changed), median "
            f"of 100: {ms(statistics.median(add))}, p95 {ms(sorted(add)[94])} (goal 5 ms); reference: raw "
            f"INSERT + commit (WAL, synchronous=FULL) {ms(reference)}, ratio "
            f"{statistics.median(add) / reference:.2f}; "
            f"with a full repaint of the text view on top: {ms(statistics.median(full))}; load {load()}"
        )
    timings = []
    for _ in range(100):
        started = time.perf_counter()
        window.undo_stack.undo()
        app.processEvents()
        timings.append(time.perf_counter() - started)
    print(f"undo one span + repaint of what changed, median of 100: {ms(statistics.median(timings))}")


def add_figures_only(args: argparse.Namespace, folder: Path) -> None:
    """--only-add: the add-a-span figures on an ordinary article beside a 5 MB one, and with
    --project on a copy of that project (the window writes to it), on its first listed article."""
    app = QApplication.instance() or create_application([])
    rng = random.Random(7)
    text = synthetic_text(args.megabytes, rng)
    spans = [NewSpan(s.start, s.end, s.label) for s in synthetic_spans(text, args.spans, rng)]
    news = text[:5_000]
    labels = ("claim", "quote", "actor", "framing")
    news_spans = [
        NewSpan(p, p + rng.randint(3, 60), rng.choice(labels)) for p in rng.sample(range(4_900), 60)
    ]
    with Store.open(folder / "big.annotator", annotator="bench") as store:
        big, ordinary = store.add_articles(
            [
                NewArticle("one paragraph", text.replace("\n", " "), spans=tuple(spans)),
                NewArticle("ordinary", news, spans=tuple(news_spans)),
            ]
        ).article_ids
    raw = raw_insert_commit(folder / "big.annotator", big)
    projects = [
        (
            folder / "big.annotator",
            [("on an ordinary 5,000-character article", ordinary), ("on the 5 MB article", big)],
        )
    ]
    if args.project:
        copy = folder / args.project.name
        shutil.copyfile(args.project, copy)
        projects.append((copy, []))
    for db, articles in projects:
        store = Store.open(db, annotator="bench")
        window = window_for(store, folder)
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        first = window.article_model.ids[0]
        add_figures(app, window, rng, raw, articles or [(f"on {db.name}'s first article", first)])
        window.close()
        for timer in window.findChildren(QTimer):
            timer.stop()
        store.close()
    if args.project:
        for path in folder.glob(f"{args.project.name}*"):  # the copy (and its -wal, -shm) is big
            path.unlink()


def open_list(app: QApplication, store: Store, folder: Path) -> None:
    started = time.perf_counter()
    window = window_for(store, folder)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    window.article_list.table.viewport().repaint()
    print(
        f"open a {store.article_count():,}-article project and show the list: "
        f"{ms(time.perf_counter() - started)} (goal 300 ms); load {os.getloadavg()[0]:.2f}"
    )
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--spans", type=int, default=50_000)
    parser.add_argument("--project", type=Path, default=None, help="also time start-up on this project")
    parser.add_argument("--no-suggestions", action="store_true", help="recommenders off in the window")
    parser.add_argument(
        "--only-add",
        action="store_true",
        help="only the add-a-span figures (and on --project's first article)",
    )
    args = parser.parse_args()
    global SUGGEST
    SUGGEST = not args.no_suggestions
    folder = Path(tempfile.mkdtemp(prefix="annotator-gui-bench-"))
    if args.only_add:
        add_figures_only(args, folder)
        return
    startup(seeded_project(folder), "sample project (goal 500 ms)")
    if args.project:
        with Store.open(args.project) as store:
            label = f"{args.project.name}, {store.article_count():,} articles (goal 800 ms)"
        startup(args.project, label)

    app = QApplication.instance() or create_application([])
    rng = random.Random(7)
    text = synthetic_text(args.megabytes, rng)
    spans = [NewSpan(s.start, s.end, s.label) for s in synthetic_spans(text, args.spans, rng)]
    store = Store.open(folder / "big.annotator", annotator="bench")
    news = text[:5_000]  # an ordinary news article: 5,000 characters, 60 spans
    labels = ("claim", "quote", "actor", "framing")
    news_spans = [
        NewSpan(p, p + rng.randint(3, 60), rng.choice(labels)) for p in rng.sample(range(4_900), 60)
    ]
    paragraphs, single, ordinary = store.add_articles(
        [
            NewArticle("paragraphs", text, spans=tuple(spans)),
            NewArticle("one paragraph", text.replace("\n", " "), spans=tuple(spans)),
            NewArticle("ordinary", news, spans=tuple(news_spans)),
        ]
    ).article_ids
    raw = raw_insert_commit(folder / "big.annotator", paragraphs)  # before the window polls the file
    window = window_for(store, folder)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    bare = QPlainTextEdit()
    bare.resize(window.text_view.size())
    bare.show()
    for name, article_id in (("ordinary paragraphs", paragraphs), ("one paragraph, no line breaks", single)):
        GC.reset()
        started = time.perf_counter()
        window.open_article(article_id)
        window.text_view.viewport().repaint()
        ours = time.perf_counter() - started
        while window.text_view.loading:
            app.processEvents()
        loaded = time.perf_counter() - started
        collector = str(GC)
        shown = text if name.startswith("ordinary") else text.replace("\n", " ")
        started = time.perf_counter()
        bare.setPlainText(shown)
        bare.viewport().repaint()
        reference = time.perf_counter() - started
        print(
            f"open {len(text) / 1e6:.1f} MB article with {len(spans):,} spans ({name}), store read + "
            f"set_article + first paint: {ms(ours)} (goal 150 ms); reference: a bare QPlainTextEdit "
            f"set with the same text and painted {ms(reference)}, ratio {ours / reference:.2f}; whole text "
            f"in the document after {ms(loaded)}; {collector}; load {load()}"
        )
    bare.close()

    add_figures(
        app,
        window,
        rng,
        raw,
        [("on an ordinary 5,000-character article", ordinary), ("on the 5 MB article", single)],
    )
    view = window.text_view
    bar = view.verticalScrollBar()
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
        timings.append(time.perf_counter() - started)
    print(
        f"scroll one page + repaint (one-paragraph article), median of 20: {ms(statistics.median(timings))}"
    )
    table, timings = window.span_list.table, []
    for _ in range(20):
        row = rng.randrange(table.model().rowCount())
        started = time.perf_counter()
        table.scrollTo(table.model().index(row, 0))
        table.viewport().repaint()
        window.span_list.span_chosen.emit(table.model().span_id(row))  # as a click on the row does
        view.viewport().repaint()
        timings.append(time.perf_counter() - started)
    print(
        f"span list: go to a random row of {table.model().rowCount():,}, select its span and scroll "
        f"the text there, median of 20: {ms(statistics.median(timings))}"
    )
    window.close()
    for timer in window.findChildren(QTimer):
        timer.stop()  # nothing may touch the store once it is closed
    store.close()

    many = Store.open(folder / "many.annotator", annotator="bench")
    body = " ".join(["The minister said talks would resume after new sanctions."] * 4)
    many.add_articles(
        NewArticle(
            f"Report {n}: talks resume",
            f"Report {n}\n\n{body}",
            outlet=rng.choice(["Daily", "Wire"]),
            published=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
        for n in range(args.articles)
    )
    startup(folder / "many.annotator", f"{args.articles:,}-article project (goal 800 ms)")
    open_list(app, many, folder)
    window = window_for(many, folder)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    started = time.perf_counter()
    window.article_list.table.sortByColumn(
        0, window.article_list.table.horizontalHeader().sortIndicatorOrder()
    )
    window.article_list.table.viewport().repaint()
    print(f"sort the list by title: {ms(time.perf_counter() - started)}")
    started = time.perf_counter()
    window.article_list.table.scrollToBottom()
    window.article_list.table.viewport().repaint()
    print(f"jump to the end of the list: {ms(time.perf_counter() - started)}")
    window.close()
    many.close()
    if args.project:
        with Store.open(args.project) as store:
            open_list(app, store, folder)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
