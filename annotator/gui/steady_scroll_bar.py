"""A scroll bar that paints a picture of itself while what it shows is unchanged.

A table view lays out its scroll bars again at every row added (QAbstractScrollArea repaints
them then, even when nothing about them changed), and the style's drawing of a bar took longer
than painting the span list's new row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider


class SteadyScrollBar(QScrollBar):
    """Its look: size, state, palette, the handle's place and whether it is at an end (a range
    grown by one row of hundreds rarely moves the handle by a pixel). A new look is drawn as
    usual; painted again, it is drawn once more into a picture, on the window's colour (what lies
    under the bar), and that picture is shown until the look changes. Under the mouse, or with a
    style whose bars fade, the bar is always drawn as usual."""

    def __init__(self, orientation: Qt.Orientation):
        super().__init__(orientation)
        self._look: tuple | None = None
        self._picture: QPixmap | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        style = self.style()
        if (
            self.underMouse()
            or self.isSliderDown()
            or style.styleHint(QStyle.StyleHint.SH_ScrollBar_Transient, None, self)
        ):
            self._look = self._picture = None
            super().paintEvent(event)
            return
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        option.subControls = QStyle.SubControl.SC_All
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, self
        )
        at = option.sliderPosition
        ratio = self.devicePixelRatioF()
        look = (
            self.size().toTuple(),
            ratio,
            option.state.value,
            option.direction,
            handle.getRect(),
            at == option.minimum,
            at == option.maximum,
            self.palette().cacheKey(),
            id(style),
        )
        if look != self._look:  # a new look is drawn as usual: the picture is for repeats
            self._look, self._picture = look, None
            super().paintEvent(event)
            return
        if self._picture is None:
            self._picture = QPixmap(self.size() * ratio)
            self._picture.setDevicePixelRatio(ratio)
            self._picture.fill(self.palette().color(QPalette.ColorRole.Window))
            painter = QPainter(self._picture)
            style.drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, option, painter, self)
            painter.end()
        QPainter(self).drawPixmap(0, 0, self._picture)
