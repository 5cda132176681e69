"""Work that waits until the window has been painted once: at start-up the analyst sees the
window first; then suggestions are computed, the due backup starts and the heap is settled."""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Runs work once `widget` has been painted for the first time (from the event loop, after
    that paint); work given later runs at once."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.painted = False
        self._waiting: list[Callable[[], None]] = []
        widget.installEventFilter(self)

    def call(self, work: Callable[[], None]) -> None:
        if self.painted:
            work()
        else:
            self._waiting.append(work)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        waiting, self._waiting = self._waiting, []
        for work in waiting:
            work()


SETTLE_LIMIT_MS = 10_000  # a window not painted by then (started minimised) settles anyway


class SettleHeapOnce(QObject):
    """Runs `settle_heap` once: after `window`'s first paint (`first_paint`), or when the window
    closes, or after `limit_ms`, whichever comes first. A window started minimised, or closed
    before it showed, is never painted: the collector, paused for the start, must not stay so."""

    def __init__(self, window: QWidget, first_paint: AfterFirstPaint, limit_ms: int = SETTLE_LIMIT_MS):
        super().__init__(window)
        self.done = False
        window.installEventFilter(self)
        first_paint.call(self.settle)
        QTimer.singleShot(limit_ms, self, self.settle)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.settle()
        return False

    def settle(self) -> None:
        if not self.done:
            self.done = True
            self.parent().removeEventFilter(self)
            settle_heap()


def settle_heap() -> None:
    """Move everything made while starting (modules, widgets, the scheme) out of the garbage
    collector's reach: each later full collection then looks only at what came after, so opening
    a 50,000-span article no longer pays to walk the whole application's objects again. The
    collector, paused while the window started (`annotator.cli.open_window`), runs again."""
    gc.collect()
    gc.freeze()
    gc.enable()
