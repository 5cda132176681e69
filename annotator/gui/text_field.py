"""A text field that wraps: a long note (or free-text attribute) in the span details is read on as
many lines as the dock has room for, and is edited as a line edit is (Return, or leaving the
field, ends the edit)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget

BLOCK_BREAK = "\u2029"  # how the document's raw text separates the lines given as "\n"
# Keys a line edit leaves to the window's shortcuts (next span, accept a suggestion), where a
# plain-text edit would take them for itself.
WINDOW_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class TextField(QPlainTextEdit):
    """`lines`: the height it asks for, in lines; it grows with the room it is given (`stretch`
    sets its share against other fields) and shrinks to one line."""

    editingFinished = Signal()

    def __init__(self, lines: int = 1, stretch: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self.lines = lines
        self.setTabChangesFocus(True)  # when no shortcut takes Tab, as in a line edit
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setVerticalStretch(stretch)
        self.setSizePolicy(policy)

    def text(self) -> str:
        """The text as set or typed (toPlainText would turn no-break spaces into spaces)."""
        return self.document().toRawText().replace(BLOCK_BREAK, "\n")

    def setText(self, text: str) -> None:
        """Show `text`. The text it already shows is not set again (that repaints the field: once
        per span added, whose note is as empty as the last one's) unless an edit of the field
        could still be undone or redone into it."""
        document = self.document()
        if text != self.text() or document.isUndoAvailable() or document.isRedoAvailable():
            self.setPlainText(text)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in WINDOW_KEYS:
            event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()

    def _height(self, lines: int) -> int:
        margins = self.contentsMargins()
        inner = self.fontMetrics().lineSpacing() * lines + 2 * self.document().documentMargin()
        return int(inner) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height(self.lines))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height(1))
