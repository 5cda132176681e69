"""The span list's scroll bars paint a picture of themselves, made over a picture of their groove
kept while only the handle moves: it must be what the style draws, whatever the range, value,
size and state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollBar, QWidget

from annotator.gui.steady_scroll_bar import SteadyScrollBar


def test_a_steady_scroll_bar_looks_like_a_plain_one_through_every_change(qtbot):
    for orientation, size in ((Qt.Orientation.Vertical, (14, 287)), (Qt.Orientation.Horizontal, (296, 14))):
        holder = QWidget()
        qtbot.addWidget(holder)
        steady, plain = SteadyScrollBar(orientation), QScrollBar(orientation)
        for bar in (steady, plain):
            bar.setParent(holder)
            bar.resize(*size)
        holder.show()
        assert not steady.underMouse()  # else it is drawn as usual, never from its pictures
        looks = 0
        for maximum in (0, 1, 58, 59, 301):
            for page in (15, 16):
                for value in sorted({0, 1, maximum // 2, maximum - 1, maximum}):
                    for bar in (steady, plain):
                        bar.setRange(0, maximum)
                        bar.setPageStep(page)
                        bar.setValue(value)
                    looked = plain.grab().toImage()
                    for _ in range(3):  # its picture made (over the groove's, made or kept), then shown again
                        assert steady.grab().toImage() == looked, (maximum, page, value)
                    looks += 1
        for value in (150, 10, 150, 10, 0, 150):  # back to places shown before, their pictures kept
            for bar in (steady, plain):
                bar.setValue(value)
            assert steady.grab().toImage() == plain.grab().toImage(), value
        for bar in (steady, plain):
            bar.setEnabled(False)
        assert steady.grab().toImage() == plain.grab().toImage() == steady.grab().toImage()
        for bar in (steady, plain):
            bar.setEnabled(True)
            bar.resize(size[0] + 20, size[1] + 20)
        assert steady.grab().toImage() == plain.grab().toImage() == steady.grab().toImage()
        assert looks > 30
