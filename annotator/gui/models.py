"""Table models over the store. They hold ordered ids and fetch rows lazily, so 100,000 articles
list instantly; `Changes` mark cached rows stale."""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.errors import AnnotatorError
from annotator.core.model import ArticleRow, Changes, Status
from annotator.core.store import Store

log = logging.getLogger(__name__)

STATUS_TEXT = {
    Status.NEW: "new",
    Status.IN_PROGRESS: "in progress",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
}

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class ArticleTableModel(QAbstractTableModel):
    """Articles as rows: title, outlet, date, status, spans."""

    COLUMNS = (
        ("title", "Title"),
        ("outlet", "Outlet"),
        ("published", "Date"),
        ("status", "Status"),
        ("spans", "Spans"),
    )
    FETCH = 200

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ids: list[int] = []
        self._rows: dict[int, ArticleRow] = {}
        self.status: Status | None = None
        self.order = ("id", False)
        self.search_ids: list[int] | None = None
        self.reload()

    def reload(self) -> None:
        """Re-read the id list (after import, filter, sort or search)."""
        self.beginResetModel()
        if self.search_ids is not None:
            ids = self.search_ids
            if self.status is not None:
                keep = set(self.store.article_ids(self.status))
                ids = [i for i in ids if i in keep]
            self.ids = ids
        else:
            self.ids = self.store.article_ids(self.status, *self.order)
        self._rows.clear()
        self.endResetModel()

    def set_status_filter(self, status: Status | None) -> None:
        self.status = status
        self.reload()

    def set_search_results(self, ids: list[int] | None) -> None:
        """Show these ids in this order (search hits), or everything again with None."""
        self.search_ids = ids
        self.reload()

    def row_of(self, article_id: int) -> int | None:
        try:
            return self.ids.index(article_id)
        except ValueError:
            return None

    def article_id(self, row: int) -> int:
        return self.ids[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.COLUMNS[index.column()][0] == "spans":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            where = " · ".join(filter(None, (row.outlet, row.published)))
            return "\n".join(filter(None, (row.title, where, row.problem)))
        column = self.COLUMNS[index.column()][0]
        if column == "status":
            return "damaged" if row.status is None else STATUS_TEXT[row.status]
        if column == "spans":
            return row.span_count
        return getattr(row, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 (no sort indicator) is import order."""
        key = self.COLUMNS[column][0] if 0 <= column < len(self.COLUMNS) else "id"
        self.order = (key, order == Qt.SortOrder.DescendingOrder)
        if self.search_ids is None:
            self.reload()

    def on_changes(self, changes: Changes) -> None:
        """Refresh only the rows an operation touched; reload on structural change. An edit never
        re-sorts: rows stay where the user sees them until the next sort, filter or import."""
        if changes.article_list:
            self.reload()
            return
        for article_id in changes.articles:
            self._rows.pop(article_id, None)
            row = self.row_of(article_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def _row(self, row: int) -> ArticleRow:
        """The row, read with the next FETCH ones. Called while the list paints: it never raises
        (a dialog opened from a paint crashed the window), a row it cannot read shows as damaged."""
        article_id = self.ids[row]
        cached = self._rows.get(article_id)
        if cached is None:
            window = [i for i in self.ids[row : row + self.FETCH] if i not in self._rows]
            try:
                self._rows.update(self.store.article_rows(window))
            except AnnotatorError as error:
                log.warning("article list rows unreadable: %s", error)
                self._rows.update({i: ArticleRow(i, "", "", "", None, 0, str(error)) for i in window})
            cached = self._rows.get(article_id) or ArticleRow(article_id, "", "", "", None, 0, "not found")
        return cached
