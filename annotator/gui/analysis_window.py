"""The Analysis window: a tab per analysis table, each a sortable table beside its chart, with
the spans behind the clicked cell below; clicking a span opens its article there. The tables
follow the store's change event while the analyst codes, computed on a worker thread (over its
own read-only connection) so the window never waits for them. matplotlib is imported here only,
when the window first opens, so starting the app does not pay for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core import analysis, charts, wording
from annotator.core.codebook import write_codebook
from annotator.core.model import AnalysisFilter, Changes, SpanHit, Status
from annotator.core.report import write_csv
from annotator.core.store.analysis import HITS_LIMIT
from annotator.gui.choice_button import ChoiceButton
from annotator.gui.reader import Reader

# The main window (it opens this one): typed loosely, so the GUI's imports keep one direction.
MainWindow = QMainWindow

SORT_ROLE = Qt.ItemDataRole.UserRole
MAX_COLUMN_WIDTH = 190


class TableModel(QAbstractTableModel):
    """Rows of one `analysis.Table`, shown as people read them and sorted by their raw values."""

    def __init__(self, table: analysis.Table):
        super().__init__()
        self.table = table

    def set_table(self, table: analysis.Table) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = self.table.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return analysis.shown(value, self.table.columns[index.column()])
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].replace("_", " ")
        return None


class TableTab(QWidget):
    """One table: the sortable view and its chart side by side, the spans behind a cell below."""

    def __init__(self, table: analysis.Table, window: AnalysisWindow):
        super().__init__()
        self.owner = window
        self.setObjectName(f"analysis_tab:{table.key}")
        self.model = TableModel(table)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setObjectName(f"analysis_table:{table.key}")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setVisible(False)
        self.view.clicked.connect(self.show_spans_behind)
        self.figure = Figure(figsize=(6, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName(f"analysis_chart:{table.key}")
        self.canvas.setMinimumSize(320, 240)
        self.canvas.mpl_connect("button_press_event", self._chart_clicked)
        self.row_at: charts.RowAt = lambda x, y: None
        self.description = QLabel(table.description)
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.hits_label = QLabel(
            "Click a row, or a cell or bar of the chart, to list the spans it counts; click a span to open."
        )
        self.hits = QListWidget()
        self.hits.setObjectName(f"analysis_hits:{table.key}")
        self.hits.itemClicked.connect(self._open_hit)
        self.hits.itemActivated.connect(self._open_hit)
        export = QPushButton("Export Table (CSV)…")
        export.clicked.connect(self._choose_csv)
        save = QPushButton("Save Chart (PNG, SVG)…")
        save.clicked.connect(self._choose_chart)
        buttons = QHBoxLayout()
        buttons.addWidget(self.description, 1)
        buttons.addWidget(export)
        buttons.addWidget(save)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.view)
        top.addWidget(self.canvas)
        top.setSizes([540, 560])
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.hits_label)
        bottom_layout.addWidget(self.hits)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(bottom)
        body.setSizes([460, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(body, 1)
        self.set_table(table)

    @property
    def table(self) -> analysis.Table:
        return self.model.table

    def set_table(self, table: analysis.Table) -> None:
        self.model.set_table(table)
        self.description.setText(table.description)
        self.view.resizeColumnsToContents()  # a few hundred rows at most: cheap
        for column in range(self.model.columnCount()):  # long names must not push the counts away
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_COLUMN_WIDTH))
        self.row_at = charts.draw(self.figure, table)
        self.canvas.draw_idle()
        self.hits.clear()

    def show_spans_behind(self, index: QModelIndex) -> None:
        """List the spans the clicked row counts (found on the worker thread) and open the article
        at the first of them."""
        row = self.table.rows[self.proxy.mapToSource(index).row()]
        self.hits.clear()
        self.hits_label.setText("Finding the spans behind this row…")
        self.owner.find_spans(self, row)

    def list_spans(self, found: list[SpanHit]) -> None:
        self.hits.clear()
        for hit in found:
            before = hit.context[: hit.context_start].replace("\n", " ")
            after = hit.context[hit.context_end :].replace("\n", " ")
            span = hit.context[hit.context_start : hit.context_end].replace("\n", " ")
            item = QListWidgetItem(f"{hit.title} · {hit.label} · {hit.annotator}:  …{before}[{span}]{after}…")
            item.setData(Qt.ItemDataRole.UserRole, (hit.article_id, hit.span_id))
            self.hits.addItem(item)
        more = " (the first ones)" if len(found) >= HITS_LIMIT else ""
        self.hits_label.setText(
            f"{wording.count(len(found), 'span')} behind this row{more}; click one to open it."
        )
        if found:
            self.hits.setCurrentRow(0)
            self.owner.open_span(found[0].article_id, found[0].span_id)

    def _chart_clicked(self, event) -> None:
        """A click on a cell, bar or point of the chart: its row is chosen in the table, and the
        spans behind it listed, as if the row had been clicked."""
        if not self.figure.axes or event.inaxes is not self.figure.axes[0] or event.xdata is None:
            return
        row = self.row_at(event.xdata, event.ydata)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        self.show_spans_behind(index)

    def _open_hit(self, item: QListWidgetItem) -> None:
        article_id, span_id = item.data(Qt.ItemDataRole.UserRole)
        self.owner.open_span(article_id, span_id)

    def export_csv(self, path: Path) -> None:
        write_csv(self.table, path)

    def save_chart(self, path: Path) -> None:
        """PNG or SVG by the suffix (matplotlib writes the file)."""
        self.figure.savefig(path, format=path.suffix.lower().lstrip(".") or "png", dpi=150)

    def _choose_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export table", f"{self.table.key}.csv", "CSV (*.csv)")
        if name:
            self.owner.guarded(lambda: self.export_csv(Path(name)))

    def _choose_chart(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save chart", f"{self.table.key}.png", "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if name:
            self.owner.guarded(lambda: self.save_chart(Path(name)))


def _outlet(value: str) -> str:
    return analysis.shown(value, "outlet")


class AnalysisWindow(QWidget):
    """The tables of `core.analysis` for the main window's project, filtered, kept up to date."""

    def __init__(self, main: MainWindow):
        super().__init__(main, Qt.WindowType.Window)
        self.setObjectName("analysis_window")
        self.setWindowTitle("Analysis")
        self.main = main
        self.store = main.store
        self.stale: set[str] = set(analysis.TABLES)
        self.tables = Reader(self, self.store.path)  # one table at a time, the newest asked for
        self.tables.done.connect(self._computed)
        self.spans = Reader(self, self.store.path)  # the spans behind a clicked cell
        self.spans.done.connect(self._spans_found)
        self.annotator = self._choices("analysis_annotator", self.store.annotators())
        self.status = self._choices("analysis_status", [str(s) for s in Status])
        self.outlet = self._choices("analysis_outlet", [*self.store.outlets(), ""], shown=_outlet)
        self.label = self._choices("analysis_label", [label.name for label in self.store.labels()])
        self.since = QLineEdit()
        self.until = QLineEdit()
        for edit, name in ((self.since, "since"), (self.until, "until")):
            edit.setObjectName(f"analysis_{name}")
            edit.setPlaceholderText("2024-03")
            edit.setMaximumWidth(100)
            edit.editingFinished.connect(self.refresh)
        self.notice = QLabel()
        self.notice.setObjectName("analysis_notice")
        self.progress = QProgressBar()
        self.progress.setObjectName("analysis_progress")
        self.progress.setRange(0, 0)  # busy: a query cannot say how far it is
        self.progress.setMaximumWidth(120)
        self.progress.hide()
        refresh = QPushButton("Refresh")
        refresh.setObjectName("analysis_refresh")
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        bar = QHBoxLayout()
        for caption, widget in (
            ("Annotator", self.annotator),
            ("Status", self.status),
            ("Outlet", self.outlet),
            ("Label", self.label),
            ("Published from", self.since),
            ("to", self.until),
        ):
            bar.addWidget(QLabel(caption))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.notice)
        bar.addWidget(self.progress)
        bar.addWidget(refresh)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("analysis_tabs")
        self.tab_of: dict[str, TableTab] = {}
        for key in analysis.TABLES:
            tab = TableTab(analysis.blank(key), self)
            self.tab_of[key] = tab
            self.tabs.addTab(tab, analysis.TITLES[key])
        self.tabs.currentChanged.connect(lambda _: self._refresh_current())
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(400)
        self.timer.timeout.connect(self._refresh_current)
        main.events.changed.connect(self.store_changed)
        main.files.opened.connect(self.project_opened)
        self.resize(1200, 760)
        self._refresh_current()

    def _choices(self, name: str, values: list[str], shown=str) -> ChoiceButton:
        button = ChoiceButton(name, values, shown)
        button.changed.connect(self.refresh)
        return button

    def current_filter(self) -> AnalysisFilter:
        return AnalysisFilter(
            annotators=self.annotator.chosen(),
            statuses=tuple(Status(s) for s in self.status.chosen()),
            outlets=self.outlet.chosen(),
            since=self.since.text().strip(),
            until=self.until.text().strip(),
            labels=self.label.chosen(),
        )

    def refresh(self) -> None:
        """Recompute the shown table now (the others when they are next shown)."""
        try:
            analysis.check_filter(self.current_filter())
        except ValueError as error:
            self.notice.setText(str(error).replace("--since", "'Published from'").replace("--until", "'to'"))
            return
        self.stale = set(self.tab_of)
        self._refresh_current()

    def _refresh_current(self) -> None:
        """Compute the shown table on the worker thread if it is out of date; a computation
        under way for anything else is stopped (its result would be dropped anyway)."""
        tab = self.tabs.currentWidget()
        if not isinstance(tab, TableTab) or tab.table.key not in self.stale:
            return
        f = self.current_filter()
        try:
            analysis.check_filter(f)
        except ValueError:
            return
        key = tab.table.key
        self.tables.start(key, lambda store: analysis.TABLES[key](store, f))
        self.notice.setText(f"Computing {tab.table.title.lower()}…")
        self.progress.show()

    def _computed(self, key: str, result: analysis.Table | str) -> None:
        """The newest table asked for arrives from the worker thread."""
        self.progress.hide()
        if isinstance(result, str):
            self.notice.setText(f"Could not compute the table: {result}")
            return
        self.tab_of[result.key].set_table(result)
        self.stale.discard(result.key)
        self.notice.setText("")
        self._refresh_current()  # another tab may have been chosen meanwhile

    def find_spans(self, tab: TableTab, row: tuple) -> None:
        """The spans behind a row of `tab`, looked up on the worker thread (on a big project
        the quotes of an actor take a second or two)."""
        table, f = tab.table, self.current_filter()
        self.spans.start(tab, lambda store: analysis.spans_behind(store, table, row, f))

    def _spans_found(self, tab: TableTab, result: list[SpanHit] | str) -> None:
        if isinstance(result, str):
            tab.hits_label.setText(f"Could not list the spans: {result}")
        else:
            tab.list_spans(result)

    def store_changed(self, changes: Changes, initiator: object) -> None:
        """Coding goes on: mark every table out of date and redo the shown one shortly (a burst
        of edits makes one computation)."""
        if not (
            changes.spans or changes.relations or changes.labels or changes.articles or changes.article_list
        ):
            return
        self.tables.stop()  # a table computed before this change must not show as current
        self.spans.stop()
        self.stale = set(self.tab_of)
        self.timer.start()

    def project_opened(self) -> None:
        """The main window opened another project: an Analysis window over it takes this one's
        place (this one's filters list the old project's annotators, outlets and labels)."""
        geometry = self.geometry()
        self.close()
        show_analysis(self.main).setGeometry(geometry)

    def open_span(self, article_id: int, span_id: int) -> None:
        self.main.open_article(article_id)
        self.main.text_view.set_selected_span(span_id)

    def guarded(self, write) -> None:
        try:
            write()
        except OSError as error:
            QMessageBox.warning(self, "Cannot write", f"{error.filename}: {error.strerror}.")

    def closeEvent(self, event) -> None:
        self.main.events.changed.disconnect(self.store_changed)
        self.main.files.opened.disconnect(self.project_opened)
        if self.main.analysis_window is self:
            self.main.analysis_window = None
        self.tables.close()
        self.spans.close()
        super().closeEvent(event)


def show_analysis(main: MainWindow) -> AnalysisWindow:
    """Open (or raise) the main window's Analysis window."""
    if main.analysis_window is None:
        main.analysis_window = AnalysisWindow(main)
        main.analysis_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    main.analysis_window.show()
    main.analysis_window.raise_()
    main.analysis_window.activateWindow()
    return main.analysis_window


def export_codebook(main: MainWindow) -> None:
    """Analysis → Export Codebook…: the scheme as an HTML or Markdown codebook with examples."""
    name, _ = QFileDialog.getSaveFileName(
        main, "Export codebook", "codebook.html", "HTML page (*.html);;Markdown (*.md)"
    )
    if name:
        try:
            write_codebook(main.store, Path(name))
        except OSError as error:
            QMessageBox.warning(main, "Cannot write", f"{name}: {error.strerror}.")
