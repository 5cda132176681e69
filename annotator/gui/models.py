"""Table models over the store. They hold ordered ids and fetch rows lazily, so 100,000 articles
list instantly; `Changes` mark cached rows stale."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.errors import AnnotatorError
from annotator.core.model import ArticleRow, Changes, Op, Status
from annotator.core.search import match_ranges, ranked_ids, snippets
from annotator.core.store import Store
from annotator.gui.events import StoreEvents
from annotator.gui.plain_text import as_plain

log = logging.getLogger(__name__)

STATUS_TEXT = {
    Status.NEW: "new",
    Status.IN_PROGRESS: "in progress",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
}

Index = QModelIndex | QPersistentModelIndex
SCANS = 8  # lookups of an article's row answered by searching the id list (see `row_of`)
_ROOT = QModelIndex()


class ArticleTableModel(QAbstractTableModel):
    """Articles as rows: title, outlet, date, status, spans; during a search: title, number of
    hits and a snippet of the text around them."""

    COLUMNS = (
        ("title", "Title"),
        ("outlet", "Outlet"),
        ("published", "Date"),
        ("status", "Status"),
        ("spans", "Spans"),
    )
    SEARCH_COLUMNS = (("title", "Title"), ("hits", "Hits"), ("snippet", "Found"))
    FETCH = 200
    SNIPPETS = 50  # a snippet takes ~50 µs: made for the rows shown, not for 1,000 hits

    def __init__(self, events: StoreEvents, parent=None):
        super().__init__(parent)
        self.events = events
        self.ids: list[int] = []
        self._rows: dict[int, ArticleRow] = {}
        self._row_of: dict[int, int] | None = None  # built at the SCANS-th lookup, per id list
        self._scans = 0  # lookups in the current id list before its dict is built
        self._listed: tuple[tuple, list[int]] | None = None  # (status, order) and its full list
        self.status: Status | None = None
        self.order = ("id", False)
        self.search_ids: list[int] | None = None
        self.snippets: dict[int, str] = {}
        self.query = ""
        self._hits: dict[int, int] = {}
        self.reload()
        events.changed.connect(self._changed)

    @property
    def store(self) -> Store:
        return self.events.store

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.op is Op.OPEN:  # a search of the other project means nothing here
            self.search_ids, self.snippets, self.query, self._hits = None, {}, "", {}
        self.on_changes(changes)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return self.SEARCH_COLUMNS if self.search_ids is not None else self.COLUMNS

    def reload(self) -> None:
        """Re-read the id list (after import, a merge, another program's change)."""
        self._listed = None
        self._show()

    def _show(self) -> None:
        """Show the search hits, or every article for the filter and order: that list is read
        once (100,000 ids take 80-800 ms) and kept until `reload`."""
        self.beginResetModel()
        if self.search_ids is not None:
            ids = self.search_ids
            if self.status is not None:
                keep = set(self.store.article_ids(self.status))
                ids = [i for i in ids if i in keep]
            self.ids = ids
        else:
            key = (self.status, self.order)
            if self._listed is None or self._listed[0] != key:
                self._listed = (key, self.store.article_ids(self.status, *self.order))
            self.ids = self._listed[1]
        self._row_of, self._scans = None, 0
        self._rows.clear()
        self.endResetModel()

    def set_status_filter(self, status: Status | None) -> None:
        self.status = status
        self._show()

    def set_search_results(self, ids: list[int] | None, query: str = "") -> None:
        """Show these ids in this order (search hits of `query`, their snippets and number of hits
        read as rows are shown), or everything again with None."""
        if ids is None and self.search_ids is None:
            return
        self.search_ids = ids
        self.snippets, self.query, self._hits = {}, query, {}
        self._show()

    def search(self, query: str) -> list[int]:
        """Show the articles matching `query`, best first (the newest 1,000 of a common one), or
        every article for an empty query; returns the ids shown."""
        if not query:
            self.set_search_results(None)
            return []
        ids = ranked_ids(self.store, query, 1000)
        self.set_search_results(ids, query)
        return ids

    def snippet(self, row: int) -> str:
        """The row's snippet, read with those of the next SNIPPETS rows (never raises)."""
        article_id = self.ids[row]
        if article_id not in self.snippets:
            window = [i for i in self.ids[row : row + self.SNIPPETS] if i not in self.snippets]
            found = snippets(self.store, self.query, window)
            self.snippets.update({i: " ".join(found.get(i, "").split()) for i in window})
        return self.snippets[article_id]

    def hit_count(self, article_id: int) -> int:
        """Hits of the query in the article (read as the row is painted: never raises)."""
        if article_id not in self._hits:
            try:
                text = self.store.article(article_id).text
            except (AnnotatorError, ValueError, KeyError) as error:
                log.warning("article %s: %s", article_id, error)
                text = ""
            self._hits[article_id] = len(match_ranges(text, self.query))
        return self._hits[article_id]

    def row_of(self, article_id: int) -> int | None:
        """The article's row, None if it is not listed. The first lookups in a new id list
        search the list (~1 ms at 100,000 ids); building the id → row dict takes ~15 ms, which
        the window would pay before it first shows a 100k project."""
        if self._row_of is None and self._scans < SCANS:
            self._scans += 1
            try:
                return self.ids.index(article_id)
            except ValueError:
                return None
        if self._row_of is None:
            self._row_of = {id_: row for row, id_ in enumerate(self.ids)}
        return self._row_of.get(article_id)

    def article_id(self, row: int) -> int:
        return self.ids[row]

    def next_not_done(self, article_id: int) -> int | None:
        """The first article below this one as listed (then from the top) that is neither done
        nor skipped."""
        row = self.row_of(article_id)
        order = self.ids if row is None else self.ids[row + 1 :] + self.ids[:row]
        for begin in range(0, len(order), 500):
            chunk = order[begin : begin + 500]
            rows = self.store.article_rows(chunk)
            for candidate in chunk:
                if candidate in rows and rows[candidate].status not in (Status.DONE, Status.SKIPPED):
                    return candidate
        return None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("spans", "hits"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        article_id = self.ids[index.row()]
        if column == "snippet":
            return self.snippet(index.row())
        if column == "hits":
            return self.hit_count(article_id)
        row = self._row(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            where = " · ".join(filter(None, (row.outlet, row.published)))
            return as_plain("\n".join(filter(None, (row.title, where, row.problem))))
        if column == "status":
            return "damaged" if row.status is None else STATUS_TEXT[row.status]
        if column == "spans":
            return row.span_count
        return getattr(row, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 (no sort indicator) is import order."""
        if self.search_ids is not None:
            return  # search results stay best first
        key = self.COLUMNS[column][0] if 0 <= column < len(self.COLUMNS) else "id"
        wanted = (key, order == Qt.SortOrder.DescendingOrder)
        if wanted == self.order:
            return  # setSortingEnabled sorts once more by the column it already has
        self.order = wanted
        self._show()

    def on_changes(self, changes: Changes) -> None:
        """Refresh only the rows an operation touched; reload on structural change. An edit never
        re-sorts: rows stay where the user sees them until the next sort, filter or import."""
        if changes.article_list:
            self.reload()
            return
        if self.status is not None or self.order[0] in ("status", "spans"):
            self._listed = None  # the kept list may no longer be what the filter or order gives
        counted = _span_count_change(changes)
        names = [name for name, _ in self.columns]
        for article_id in changes.articles:
            cached = self._rows.pop(article_id, None)
            first, last = 0, len(names) - 1
            if cached is not None and counted is not None:  # no query: 4 ms for 50,000 spans
                self._rows[article_id] = replace(cached, span_count=cached.span_count + counted)
                if "spans" not in names:
                    continue  # a search shows no counts: nothing to repaint
                first = last = names.index("spans")  # the one cell to repaint, not the row
            row = self.row_of(article_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, first), self.index(row, last))

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


def _span_count_change(changes: Changes) -> int | None:
    """How an operation on spans of one article changes its span count (None: read it again)."""
    if len(changes.articles) != 1:
        return None
    if changes.op in (Op.ADD_SPAN, Op.RESTORE_SPANS):
        return len(changes.spans)
    if changes.op is Op.DELETE_SPANS:
        return -len(changes.spans)
    return None
