"""Where the docks sit around the text and their first sizes; the text keeps at least half the
window's width (a laptop), a small window shows the left column's two panels (articles and span
list) as tabs, while the right one keeps the labels, with their keys, in view above the span
details; the arrangement the analyst makes is saved and restored."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QSizePolicy, QWidget

from annotator.gui.fence import Fence

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
VERTICAL = Qt.Orientation.Vertical
# Below this size the left column shows its two panels as tabs (the span list in front), each the
# column's full height, instead of two short panes; 1024×700 (a laptop) is below. The right column
# stays stacked: the labels panel is short, and its keys must stay in view without a click.
COMPACT = (1200, 780)
# The layout tabbed a column itself (so it may undo that), per column (the right one: an earlier
# version tabbed it too).
TABBED_KEYS = {LEFT: "window/tabbed_for_size", RIGHT: "window/right_tabbed_for_size"}


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
        text: QWidget,
    ):
        self.window, self.settings, self.text = window, settings, text
        # The labels panel is never taller than its buttons need: the span details get the rest.
        labels.setSizePolicy(labels.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Maximum)
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
        window.resizeDocks([self.labels, self.details], [self.labels.sizeHint().height(), 480], VERTICAL)
        window.resizeDocks([self.articles, self.spans], [420, 300], Qt.Orientation.Vertical)
        window.restoreGeometry(settings.value("window/geometry", b""))
        window.restoreState(settings.value("window/state", b""))
        # Each column: its area, its two panels (the one in front when tabbed second), their
        # stacked heights (fifths of the column).
        self.columns = {
            LEFT: ((self.articles, self.spans), (3, 2)),
            RIGHT: ((self.labels, self.details), (2, 3)),
        }
        self.tabbed_for_size = {
            area: settings.value(key, False, type=bool) and self._tabbed(area)
            for area, key in TABBED_KEYS.items()
        }

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(Fence(widget))
        self.window.addDockWidget(area, dock)
        dock.visibilityChanged.connect(lambda visible: visible or self._leave(dock))
        return dock

    def _leave(self, dock: QDockWidget) -> None:
        """A panel went behind another tab (or closed): if the focus was in it, it goes back to the
        text, so a field being typed in is committed (as on any focus loss) and keys go on working."""
        focus = QApplication.focusWidget()
        if focus is not None and dock.isAncestorOf(focus):
            self.text.setFocus()

    def fit(self) -> None:
        """Fit the docks to the window's size: called after it is shown or resized."""
        self.tab_when_small()
        self.keep_keys_in_view()
        self.keep_text_wide()

    def tab_when_small(self) -> None:
        """In a small window, tab the left column's two panels (the span list in front); when it
        grows again, stack them again. The right column is stacked again if it was tabbed. A column
        the analyst arranged otherwise (a panel moved, floated or closed) is left as it is."""
        small = self.window.width() < COMPACT[0] or self.window.height() < COMPACT[1]
        for area, ((top, front), fifths) in self.columns.items():
            docks, tabbed = (top, front), self._tabbed(area)
            if any(self.window.dockWidgetArea(d) != area or d.isFloating() for d in docks) or (
                not tabbed and any(d.isHidden() for d in docks)
            ):
                continue
            if small and area == LEFT and not tabbed:
                self.window.tabifyDockWidget(top, front)
                front.raise_()
                self.tabbed_for_size[area] = True
            elif (not small or area != LEFT) and self.tabbed_for_size[area]:
                for dock in docks:  # out of the tab group (a split inside one adds a tab)
                    self.window.removeDockWidget(dock)
                self.window.addDockWidget(area, top)
                self.window.splitDockWidget(top, front, VERTICAL)
                for dock in docks:
                    dock.show()
                height = top.height() + front.height()
                self.window.resizeDocks(list(docks), [height * f // 5 for f in fifths], VERTICAL)
                self.tabbed_for_size[area] = False

    def keep_keys_in_view(self) -> None:
        """The labels panel, stacked over the span details, gets at least the height its buttons
        need (the keys of all labels in view on a laptop); the details give it up."""
        labels, details = self.labels, self.details
        if (
            not (labels.isVisible() and details.isVisible())
            or labels.isFloating()
            or details.isFloating()
            or self.window.dockWidgetArea(labels) != self.window.dockWidgetArea(details)
            or details in self.window.tabifiedDockWidgets(labels)
        ):
            return
        need, both = labels.sizeHint().height(), labels.height() + details.height()
        if labels.height() < need < both - details.minimumSizeHint().height():
            self.window.resizeDocks([labels, details], [need, both - need], VERTICAL)

    def _tabbed(self, area: Qt.DockWidgetArea) -> bool:
        top, front = self.columns[area][0]
        return front in self.window.tabifiedDockWidgets(top)

    def keep_text_wide(self) -> None:
        """The text gets at least half the window's width: when the window shrinks, the side
        columns give up width in proportion (a user may still drag them wider). Called after the
        window is shown or resized."""
        columns = []  # one shown panel per side column
        for area in (LEFT, RIGHT):
            docks = [
                dock
                for dock in self.docks
                if self.window.dockWidgetArea(dock) == area and dock.isVisible() and not dock.isFloating()
            ]
            columns += docks[:1]
        widths = [dock.width() for dock in columns]
        room = self.window.width() // 2 - 24
        if sum(widths) > room > 0:
            self.window.resizeDocks(
                columns, [w * room // sum(widths) for w in widths], Qt.Orientation.Horizontal
            )

    def save(self) -> None:
        for area, key in TABBED_KEYS.items():
            self.settings.setValue(key, self.tabbed_for_size[area])
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState())

    @staticmethod
    def focus(dock: QDockWidget, widget: QWidget) -> None:
        """Show the dock (raised, if tabbed) and put the focus in `widget`."""
        dock.show()
        dock.raise_()
        widget.setFocus()
