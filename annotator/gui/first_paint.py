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


def settle_heap() -> None:
    """Move everything made while starting (modules, widgets, the scheme) out of the garbage
    collector's reach: each later full collection then looks only at what came after, so opening
    a 50,000-span article no longer pays to walk the whole application's objects again. The
    collector, paused while the window started (`annotator.cli.open_window`), runs again."""
    gc.collect()
    gc.freeze()
    gc.enable()
