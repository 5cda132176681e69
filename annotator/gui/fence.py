"""A dock's panel, fenced: text changing in it (a count after every span added) re-lays out the
panel only, and the window's docks only when the panel's size hints really changed.

Qt passes every relayout of a widget up to its window ("ideally only if sizeHint() or
sizePolicy() has changed", says QLayout::activate): a count label's new text re-laid out every
dock and the status bar, and repainted the docks, at each span added.

It is opaque (it fills its background, the window's colour under every panel): a child that
repaints (a count, a scroll bar) is painted over the fence, not over the dock's title and the
window behind it, which took longer than the child itself."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget


class Fence(QWidget):
    """Holds one panel at its own size, without a layout: the panel's requests to lay out again
    stop here and go on to the dock only when its size hints differ from the last ones passed
    (with `widths` False, only when their heights do: a status line whose text is as wide as the
    numbers in it, given the room the status bar has)."""

    def __init__(self, panel: QWidget, parent: QWidget | None = None, widths: bool = True):
        super().__init__(parent)
        self.panel, self.widths = panel, widths
        self.setAutoFillBackground(True)
        panel.setParent(self)
        self.setSizePolicy(panel.sizePolicy())
        self.setFocusProxy(panel)
        self._hints = self._current_hints()

    def _current_hints(self) -> tuple[QSize, QSize] | tuple[int, int]:
        hint, least = self.sizeHint(), self.minimumSizeHint()
        return (hint, least) if self.widths else (hint.height(), least.height())

    def sizeHint(self) -> QSize:
        return self.panel.sizeHint().expandedTo(self.panel.minimumSize())

    def minimumSizeHint(self) -> QSize:
        return self.panel.minimumSizeHint().expandedTo(self.panel.minimumSize())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.panel.setGeometry(self.rect())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            if self.panel.layout() is not None:
                self.panel.layout().activate()  # its hints as they will be (it may not have run yet)
            hints = self._current_hints()
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()
            return True
        return super().event(event)
