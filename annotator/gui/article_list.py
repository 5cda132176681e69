"""The article list dock: filter by status, search the corpus, sort, pick an article."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.core.model import Status
from annotator.core.search import MAX_QUERY_CHARS
from annotator.gui.models import STATUS_TEXT, ArticleTableModel

NARROW = 380


class ArticleList(QWidget):
    """Emits `article_chosen(id)`; `search_changed(text)` asks the window to run a corpus search."""

    article_chosen = Signal(int)
    search_changed = Signal(str)

    def __init__(self, model: ArticleTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("article_list")
        self.model = model
        self.search = QLineEdit()
        self.search.setObjectName("corpus_search")
        self.search.setPlaceholderText("Search all articles…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_QUERY_CHARS)  # the search reads no further
        self.search.returnPressed.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda text: text or self.search_changed.emit(""))
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.addItem("All", None)
        for status in Status:
            self.status.addItem(STATUS_TEXT[status].capitalize(), status)
        self.status.currentIndexChanged.connect(lambda _: model.set_status_filter(self.status.currentData()))
        self.table = QTableView()
        self.table.setObjectName("article_table")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)  # a third click on a header goes back to import order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # titles often share their start
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        model.modelReset.connect(self._fit_columns)
        self._fit_columns()
        self.table.activated.connect(self._chosen)
        self.table.clicked.connect(self._chosen)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def _fit_columns(self) -> None:
        """Widths per column set; a narrow list (a laptop) hides outlet and date (the title's
        tooltip still has them)."""
        header = self.table.horizontalHeader()
        searching = self.model.search_ids is not None
        widths = (160, 44, 0) if searching else (0, 70, 76, 70, 44)
        for column, width in enumerate(widths):
            header.setSectionHidden(column, False)
            if width:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        if not searching and self.width() < NARROW:
            for column in (1, 2):
                header.setSectionHidden(column, True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if (self.width() < NARROW) != self.table.horizontalHeader().isSectionHidden(1):
            self._fit_columns()

    def _chosen(self, index) -> None:
        if index.isValid():
            self.article_chosen.emit(self.model.article_id(index.row()))

    def show_current(self, article_id: int) -> None:
        """Select the row of the open article without emitting `article_chosen`."""
        row = self.model.row_of(article_id)
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
