"""Where the docks sit around the text and their first sizes; the text keeps at least half the
window's width (a laptop), a small window shows the articles and the span list as tabs of one
column, and the arrangement the analyst makes is saved and restored."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
VERTICAL = Qt.Orientation.Vertical
# Below this size the left column shows the articles and the span list as tabs (the span list in
# front), each the column's full height, instead of two short panes; 1024×700 (a laptop) is below.
COMPACT = (1200, 780)
TABBED_KEY = "window/tabbed_for_size"  # the layout tabbed them itself (so it may undo that)


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
        window.splitDockWidget(self.articles, self.spans, VERTICAL)
        window.resize(1280, 820)
        window.resizeDocks([self.articles, self.labels], [320, 270], Qt.Orientation.Horizontal)
        window.resizeDocks([self.labels, self.details], [220, 480], Qt.Orientation.Vertical)
        window.resizeDocks([self.articles, self.spans], [420, 300], Qt.Orientation.Vertical)
        window.restoreGeometry(settings.value("window/geometry", b""))
        window.restoreState(settings.value("window/state", b""))
        self.tabbed_for_size = settings.value(TABBED_KEY, False, type=bool) and self._tabbed()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def fit(self) -> None:
        """Fit the docks to the window's size: called after it is shown or resized."""
        self.tab_when_small()
        self.keep_text_wide()

    def tab_when_small(self) -> None:
        """In a small window, tab the articles and the span list (the span list in front); when it
        grows again, put them back one above the other. A column the analyst arranged otherwise
        (a dock moved, floated or closed) is left as it is."""
        small = self.window.width() < COMPACT[0] or self.window.height() < COMPACT[1]
        docks, tabbed = (self.articles, self.spans), self._tabbed()
        if any(self.window.dockWidgetArea(d) != LEFT or d.isFloating() for d in docks) or (
            not tabbed and any(d.isHidden() for d in docks)
        ):
            return
        if small and not tabbed:
            self.window.tabifyDockWidget(self.articles, self.spans)
            self.spans.raise_()
            self.tabbed_for_size = True
        elif not small and self.tabbed_for_size:
            for dock in docks:  # out of the tab group (a split inside one adds a tab)
                self.window.removeDockWidget(dock)
            self.window.addDockWidget(LEFT, self.articles)
            self.window.splitDockWidget(self.articles, self.spans, VERTICAL)
            for dock in docks:
                dock.show()
            height = self.articles.height() + self.spans.height()
            self.window.resizeDocks([self.articles, self.spans], [height * 3 // 5, height * 2 // 5], VERTICAL)
            self.tabbed_for_size = False

    def _tabbed(self) -> bool:
        return self.spans in self.window.tabifiedDockWidgets(self.articles)

    def keep_text_wide(self) -> None:
        """The text gets at least half the window's width: when the window shrinks, the side
        columns give up width in proportion (a user may still drag them wider). Called after the
        window is shown or resized."""
        columns = [
            dock
            for dock in (self.articles, self.spans, self.labels)
            if dock.isVisible() and not dock.isFloating()
        ]
        columns = [dock for dock in columns if dock is not self.spans or self.articles not in columns]
        widths = [dock.width() for dock in columns]
        room = self.window.width() // 2 - 24
        if sum(widths) > room > 0:
            self.window.resizeDocks(
                columns, [w * room // sum(widths) for w in widths], Qt.Orientation.Horizontal
            )

    def save(self) -> None:
        self.settings.setValue(TABBED_KEY, self.tabbed_for_size)
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState())

    @staticmethod
    def focus(dock: QDockWidget, widget: QWidget) -> None:
        """Show the dock (raised, if tabbed) and put the focus in `widget`."""
        dock.show()
        dock.raise_()
        widget.setFocus()
