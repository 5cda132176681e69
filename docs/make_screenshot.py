"""Re-make docs/screenshot.png (1600×1000) and docs/screenshot-laptop.png (1024×700): the real
window on a seed article with spans of all four labels, a claim overlapping a quote, a nested span,
a quote attributed to its actor, and the span list.

    xvfb-run -s "-screen 0 1700x1100x24" python docs/make_screenshot.py [--out FOLDER]

--out writes the two PNGs (same names) into FOLDER instead of docs/, to look before replacing them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

from annotator.core.formats import import_paths
from annotator.core.project import SEEDS_DIR
from annotator.core.store import Store
from annotator.gui.app import create_application
from annotator.gui.main_window import MainWindow

DOCS = Path(__file__).resolve().parent
SHOTS = ((DOCS / "screenshot.png", 1600, 1000), (DOCS / "screenshot-laptop.png", 1024, 700))


def annotate(store: Store, article_id: int) -> int:
    """Tag the Lavrov article; returns the quote's span id."""
    text = store.article(article_id).text

    def span(piece: str, label: str, attributes: dict | None = None, after: int = 0) -> int:
        start = text.index(piece, after)
        return next(iter(store.add_span(article_id, start, start + len(piece), label, attributes).spans))

    span(
        "Russian Foreign Minister Sergey Lavrov",
        "actor",
        {"type": "person", "normalised_name": "Sergey Lavrov"},
    )
    span("Sergey Lavrov", "actor", {"type": "person"})
    span(
        "cautioned the United States, South Korea, and Japan against forming a security alliance that "
        "targets North Korea",
        "claim",
        {"check_worthy": "yes"},
    )
    span(
        "a development that has alarmed Washington, Seoul, and Tokyo",
        "framing",
        {"frame": "Security and defense"},
    )
    quote = span(
        "“We warn against using these partnerships to build alliances that threaten others, "
        "including North Korea and Russia,”",
        "quote",
        {"kind": "direct"},
    )
    speaker = span("Lavrov", "actor", {"type": "person"}, after=text.index("Russia,”"))
    span("North Korea", "actor", {"type": "state"}, after=text.index("including North"))
    span("build alliances that threaten others", "claim", {"stance": "opposes"})
    store.add_relation(quote, speaker, "said_by")
    store.update_span(
        quote, note="Check the wording against the Tass original: its English and Russian texts differ."
    )
    return quote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the PNGs (default: docs/)")
    out_dir = parser.parse_args().out
    out_dir.mkdir(parents=True, exist_ok=True)
    app = create_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="annotator-shot-"))
    store = Store.open(folder / "newsroom.annotator", annotator="analyst")
    import_paths(store, [SEEDS_DIR])
    article_id = next(i for i in store.article_ids() if "Lavrov" in store.article(i).text)
    quote = annotate(store, article_id)
    shots = [(out_dir / path.name, width, height) for path, width, height in SHOTS]

    def show_next() -> None:
        out, width, height = shots[0]
        settings = QSettings(str(folder / f"settings-{width}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        window.resize(width, height)
        window.show()
        window.open_article(article_id)
        # Once laid out at its size: select the quote (scrolled into view if need be).
        QTimer.singleShot(400, lambda: window.text_view.set_selected_span(quote))
        QTimer.singleShot(900, lambda: shoot(window))

    def shoot(window: MainWindow) -> None:
        out, width, height = shots.pop(0)
        window.grab().save(str(out))
        print(f"wrote {out} ({width}×{height}; text pane {window.text_view.width()} px wide)")
        window.close()
        if shots:
            show_next()
        else:
            app.quit()

    QTimer.singleShot(0, show_next)
    app.exec()


if __name__ == "__main__":
    main()
