"""The scripted gesture count: coding the gold set fully in the real window, without and with
suggestions (run by `benchmarks/suggest.py --gestures`; offscreen Qt).

A gesture is a key press or a click, a drag counts as one, and typing a name counts one per
character. Spans are made by dragging over the text and pressing the label's key; a quote is
attributed with R and a click on its speaker; a normalised name that differs from the mention is
typed (click, the name, Enter; set through the store, counted as typed). With suggestions the
script walks them with Ctrl+J, accepts a right one with Enter and rejects a wrong one with
Backspace, and codes by hand only what no suggestion covered.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.model import NewArticle  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402
from annotator.gui.suggestions import SOURCES_KEY  # noqa: E402

LABEL_KEYS = {"quote": Qt.Key.Key_Q, "actor": Qt.Key.Key_A}


class Coder:
    """Drives one window over a project holding the gold articles, counting gestures."""

    def __init__(self, gold, folder: Path, suggestions: bool):
        self.gold = gold
        self.store = Store.open(folder / f"{'with' if suggestions else 'without'}.annotator", "bench")
        self.store.add_articles(NewArticle(g.title, g.text) for g in gold)
        settings = QSettings(str(folder / f"{suggestions}.ini"), QSettings.Format.IniFormat)
        settings.setValue("edit/snap_to_words", False)
        settings.setValue(SOURCES_KEY, ["quotes", "actors", "repeat"] if suggestions else [])
        self.window = MainWindow(self.store, settings)
        self.window.show()
        self.suggestions = suggestions
        self.gestures = 0
        self.accepted = self.rejected = 0

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.store.close()

    # ------------------------------------------------------------ primitives
    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(self.window.text_view, key, modifier)
        self.gestures += 1

    def _point(self, offset: int) -> QPoint:
        view = self.window.text_view
        cursor = view.textCursor()
        cursor.setPosition(view.to_qt(offset))
        return view.cursorRect(cursor).center()

    def drag(self, start: int, end: int) -> None:
        view = self.window.text_view
        view.reveal(start)
        QApplication.processEvents()
        viewport = view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=self._point(start))
        QTest.mouseMove(viewport, self._point(end))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=self._point(end))
        if view.selected_range() != (start, end):  # off screen or wrapped oddly: the same one drag
            view.select_range(start, end)
        self.gestures += 1

    def click_span(self, span_id: int) -> None:
        """A click on a span (counted as one; done through the view so a stack of spans under the
        point cannot pick another one)."""
        self.window.text_view.set_selected_span(span_id)
        self.window.text_view.span_clicked.emit(span_id)
        self.gestures += 1

    # ------------------------------------------------------------- coding
    def code(self) -> None:
        for number, gold in enumerate(self.gold, 1):
            self.window.open_article(number)
            QApplication.processEvents()
            if self.suggestions:
                self.walk(number, gold)
            self.by_hand(number, gold)
            if self.suggestions:
                self.walk(number, gold)
                self.by_hand(number, gold)

    def wanted(self, gold):
        items = {(s, e, "actor"): name for s, e, name in gold.actors}
        items.update({(s, e, "quote"): speaker for s, e, speaker in gold.quotes})
        return items

    def right(self, number: int, gold, suggestion) -> bool:
        """A suggestion the gold set agrees with: range and label, and for a quote its speaker."""
        wanted = self.wanted(gold)
        key = (suggestion.start, suggestion.end, suggestion.label)
        if key not in wanted:
            return False
        if suggestion.label != "quote" or wanted[key] == "?":
            return True
        speaker = None
        if suggestion.speaker_span is not None:
            span = self.store.span(suggestion.speaker_span)
            speaker = (span.start, span.end, "actor")
        elif suggestion.speaker_suggestion is not None:
            other = self.store.suggestion(suggestion.speaker_suggestion)
            speaker = (other.start, other.end, "actor")
        return speaker is not None and wanted.get(speaker) == wanted[key]

    def walk(self, number: int, gold) -> None:
        controller = self.window.suggester
        if not controller.items:
            return
        self.key(Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
        for _ in range(500):
            current = next((s for s in controller.items if s.id == controller.current), None)
            if current is None:
                break
            if self.right(number, gold, current):
                self.key(Qt.Key.Key_Return)
                self.accepted += 1
            else:
                self.key(Qt.Key.Key_Backspace)
                self.rejected += 1

    def by_hand(self, number: int, gold) -> None:
        wanted = self.wanted(gold)
        done = {(s.start, s.end, s.label): s for s in self.store.spans(number)}
        for (start, end, label), name in sorted(wanted.items(), key=lambda item: item[0][0]):
            span = done.get((start, end, label))
            if span is None:
                self.drag(start, end)
                self.key(LABEL_KEYS[label])
                span = next(
                    s for s in self.store.spans(number) if (s.start, s.end, s.label) == (start, end, label)
                )
                done[(start, end, label)] = span
            if label == "actor" and span.attributes.get("normalised_name", gold.text[start:end]) != name:
                self.gestures += 2 + len(name)  # click the field, type the name, Enter
                attributes = {**span.attributes, "normalised_name": name}
                self.store.update_span(span.id, attributes=attributes)
        for (start, end, label), speaker in wanted.items():
            if label != "quote" or speaker == "?":
                continue
            quote = done[(start, end, label)]
            if self._attributed(quote.id, number, gold, speaker):
                continue
            target = self._speaker_span(number, gold, speaker, start)
            if target is None:
                continue
            self.window.text_view.set_selected_span(quote.id)
            self.gestures += 1  # click the quote
            self.key(Qt.Key.Key_R)
            self.click_span(target)

    def _attributed(self, quote_id: int, number: int, gold, speaker: str) -> bool:
        names = {(s, e): n for s, e, n in gold.actors}
        for relation in self.store.span_relations(quote_id):
            if relation.from_span == quote_id:
                target = self.store.span(relation.to_span)
                if names.get((target.start, target.end)) == speaker:
                    return True
        return False

    def _speaker_span(self, number: int, gold, speaker: str, before: int) -> int | None:
        names = {(s, e): n for s, e, n in gold.actors}
        candidates = [
            s
            for s in self.store.spans(number)
            if s.label == "actor" and names.get((s.start, s.end)) == speaker
        ]
        earlier = [s for s in candidates if s.start < before]
        chosen = earlier[-1] if earlier else (candidates[0] if candidates else None)
        return chosen.id if chosen else None

    def complete(self) -> bool:
        """Everything in the gold set is in the project (spans, names, attributions)."""
        for number, gold in enumerate(self.gold, 1):
            wanted = self.wanted(gold)
            have = {(s.start, s.end, s.label): s for s in self.store.spans(number)}
            for key, name in wanted.items():
                if key not in have:
                    return False
                if (
                    key[2] == "actor"
                    and have[key].attributes.get("normalised_name", gold.text[key[0] : key[1]]) != name
                ):
                    return False
                if (
                    key[2] == "quote"
                    and name != "?"
                    and not self._attributed(have[key].id, number, gold, name)
                ):
                    return False
        return True


def count(gold) -> list[str]:
    app = QApplication.instance() or QApplication([])
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for suggestions in (False, True):
            coder = Coder(gold, Path(folder), suggestions)
            try:
                coder.code()
                results[suggestions] = (coder.gestures, coder.complete(), coder.accepted, coder.rejected)
            finally:
                coder.close()
                app.processEvents()
    without, with_ = results[False], results[True]
    items = sum(len(g.actors) + len(g.quotes) for g in gold)
    return [
        f"gesture count to code the gold set fully ({items} spans, their names and attributions):",
        f"  without suggestions {without[0]} (complete: {without[1]})",
        f"  with suggestions    {with_[0]} (complete: {with_[1]}; {with_[2]} accepted with Enter, "
        f"{with_[3]} rejected with Backspace)",
        f"  ratio {with_[0] / without[0]:.2f} (goal: under 0.5)",
    ]


def open_times(gold) -> list[str]:
    """Time from opening an article in the window to its suggestions computed, stored and drawn,
    against opening it with every recommender off (same run, same texts): a news article, a long
    one (the gold set as one text) and a longer one (five times that). Each text is opened first
    never seen before (each run gets its own copy), then again."""
    app = QApplication.instance() or QApplication([])
    joined = "\n".join(g.text for g in gold)
    sizes = {"news (gold articles)": None, "long": joined, "longer": "\n".join([joined] * 5)}
    figures: dict[bool, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for suggestions in (False, True):
            coder = Coder(gold, Path(folder), suggestions)
            try:
                window, store = coder.window, coder.store
                figures[suggestions] = {}
                for name, text in sizes.items():
                    if text is None:
                        ids = store.add_articles(
                            NewArticle(f"{suggestions} {g.title}", f"{suggestions}. {g.text}") for g in gold
                        ).article_ids
                    else:
                        ids = store.add_articles(
                            [NewArticle(f"{suggestions} {name}", f"{suggestions}. {text}")]
                        ).article_ids
                    first = [_open(app, window, i) for i in ids]
                    again = [_open(app, window, i) for i in ids]
                    figures[suggestions][name] = (
                        sum(first) / len(first),
                        sum(again) / len(again),
                        sum(len(store.article(i).text) for i in ids) / len(ids),
                    )
            finally:
                coder.close()
                app.processEvents()
    lines = [
        "opening an article in the window, its suggestions computed, stored and drawn, "
        "first time / again (recommenders off):"
    ]
    for name in sizes:
        first, again, length = figures[True][name]
        plain_first, plain_again, _ = figures[False][name]
        lines.append(
            f"  {name}, {length:,.0f} characters: {first * 1000:.0f} ms / {again * 1000:.0f} ms "
            f"({plain_first * 1000:.0f} ms / {plain_again * 1000:.0f} ms)"
        )
    lines.append("  goal: suggestions within 100 ms of opening")
    return lines


def _open(app: QApplication, window: MainWindow, article_id: int) -> float:
    began = time.perf_counter()
    window.open_article(article_id)
    app.processEvents()
    return time.perf_counter() - began
