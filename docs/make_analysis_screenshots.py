"""Re-make docs/analysis.png (the README's picture of the Analysis window) and, with --all DIR,
a picture of every tab: the real windows on a generated project of a few hundred coded articles
(benchmarks/newsroom.py: outlets, months, frames, quotes attributed to actors).

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/make_analysis_screenshots.py --all /tmp/shots
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from newsroom import build  # noqa: E402

from annotator.gui.app import create_application  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402

OUT = Path(__file__).resolve().parent / "analysis.png"
README_TAB = "frames_by_outlet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", type=Path, help="Also write one PNG per tab into this folder.")
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    app = create_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="annotator-analysis-shot-"))
    store = build(folder / "newsroom.annotator", args.articles)
    window = MainWindow(store, QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1200, 800)
    window.show()
    window.open_article(store.article_ids()[0])
    window.show_analysis()
    analysis = window.analysis_window
    analysis.resize(1500, 900)
    keys = list(analysis.tab_of)

    def shoot(index: int = 0) -> None:
        if index == len(keys):
            app.quit()
            return
        key = keys[index]
        tab = analysis.tab_of[key]
        analysis.tabs.setCurrentWidget(tab)
        if key in analysis.stale or analysis.progress.isVisible():  # computing on the worker
            QTimer.singleShot(100, lambda: shoot(index))
            return
        if tab.view.currentIndex().row() != 0:
            tab.view.selectRow(0)
            tab.show_spans_behind(tab.proxy.index(0, 0))
        if tab.hits_label.text().startswith("Finding"):  # the spans, found on the worker
            QTimer.singleShot(100, lambda: shoot(index))
            return
        analysis.raise_()
        QApplication.processEvents()

        def grab() -> None:
            picture = analysis.grab()
            if args.all:
                args.all.mkdir(parents=True, exist_ok=True)
                picture.save(str(args.all / f"{key}.png"))
            if key == README_TAB:
                picture.save(str(OUT))
                print(f"wrote {OUT}")
            shoot(index + 1)

        QTimer.singleShot(600, grab)

    QTimer.singleShot(800, shoot)
    app.exec()
    if args.all:
        print(f"wrote {len(keys)} pictures to {args.all}")


if __name__ == "__main__":
    main()
