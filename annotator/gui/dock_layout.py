"""Where the docks sit around the text and their first sizes; the text keeps at least half the
window's width (a laptop), and the arrangement the analyst makes is saved and restored."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


class DockLayout:
    """The articles and span list on the left, the labels and span details on the right."""

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings,
        articles: QWidget,
        labels: QWidget,
        details: QWidget,
        spans: QWidget,
    ):
        self.window, self.settings = window, settings
        self.docks = [
            self._dock("Articles", "articles_dock", articles, LEFT),
            self._dock("Labels", "labels_dock", labels, RIGHT),
            self._dock("Span", "span_dock", details, RIGHT),
            self._dock("Spans", "span_list_dock", spans, LEFT),
        ]
        self.articles, self.labels, self.details, self.spans = self.docks
        window.splitDockWidget(self.articles, self.spans, Qt.Orientation.Vertical)
        window.resize(1280, 820)
        window.resizeDocks([self.articles, self.labels], [320, 270], Qt.Orientation.Horizontal)
        window.resizeDocks([self.labels, self.details], [220, 480], Qt.Orientation.Vertical)
        window.resizeDocks([self.articles, self.spans], [420, 300], Qt.Orientation.Vertical)
        window.restoreGeometry(settings.value("window/geometry", b""))
        window.restoreState(settings.value("window/state", b""))

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def keep_text_wide(self) -> None:
        """The text gets at least half the window's width: when the window shrinks, the side
        columns give up width in proportion (a user may still drag them wider). Called after the
        window is shown or resized."""
        columns = [
            dock for dock in (self.articles, self.labels) if not dock.isHidden() and not dock.isFloating()
        ]
        widths = [dock.width() for dock in columns]
        room = self.window.width() // 2 - 24
        if sum(widths) > room > 0:
            self.window.resizeDocks(
                columns, [w * room // sum(widths) for w in widths], Qt.Orientation.Horizontal
            )

    def save(self) -> None:
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState())

    @staticmethod
    def focus(dock: QDockWidget, widget: QWidget) -> None:
        """Show the dock (raised, if tabbed) and put the focus in `widget`."""
        dock.show()
        dock.raise_()
        widget.setFocus()
