"""The span list dock: every span of the open article as a table, filtered by label, sortable,
with the article's pending suggestions above them (in italics, their source and score in the
Annotator column; Enter accepts the current one, Backspace rejects it).

A model over ids (like the article list): the order comes from the text view's index, rows are
fetched from the store in windows as they are shown, so 50,000 spans list at once. Suggestions
are a block of rows of their own before the spans (few, and replaced whole after each edit), so
they never disturb the spans' rows."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Relation, Span, SpanExtent, StoredSuggestion
from annotator.core.store import Store
from annotator.gui.cell_pictures import CellPictures
from annotator.gui.plain_text import as_plain
from annotator.gui.steady_scroll_bar import SteadyScrollBar

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
EXCERPT = 80
_DISPLAY, _DECORATION = Qt.ItemDataRole.DisplayRole.value, Qt.ItemDataRole.DecorationRole.value
_TOOLTIP, _FONT = Qt.ItemDataRole.ToolTipRole.value, Qt.ItemDataRole.FontRole.value
_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _FONT})
"""The roles the list answers (suggestions' rows are in italics), as ints: looked up per cell."""


class SpanTableModel(QAbstractTableModel):
    """Spans as rows: label, text, attributes, annotator, relations; pending suggestions first."""

    COLUMNS = ("Label", "Text", "Attributes", "Annotator", "Relations")
    FETCH = 200

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.text = ""
        self.ids: list[int] = []
        self._row_by_id: dict[int, int] | None = None  # built when first asked, dropped on change
        self._extent: Callable[[int], SpanExtent | None] = lambda span_id: None
        self._in_text_order: list[int] = []
        self.known: set[int] = set()
        self.unlisted = 0
        """Spans of a long article not listed yet (the rows of its first ones are; see `list_rest`)."""
        self._rows: dict[int, Span] = {}
        self._relations: dict[int, list[str]] = {}
        self.colors: dict[str, QColor] = {}
        self.label: str | None = None
        self.order = (-1, False)
        self._suggestions: list[StoredSuggestion] = []  # all pending ones shown for the article
        self.suggested: list[StoredSuggestion] = []  # the rows before the spans (label filter)
        self.italic = QFont()
        self.italic.setItalic(True)

    # ------------------------------------------------------------------ content
    def set_spans(
        self,
        text: str,
        in_text_order: list[int],
        extent: Callable[[int], SpanExtent | None],
        unlisted: int = 0,
    ) -> None:
        """The article's spans (ids in text order, and where to look up each one's extent); of a
        long article maybe only the first ones, `unlisted` more following."""
        self.text, self._in_text_order, self._extent = text, in_text_order, extent
        self.known = set(in_text_order)
        self.unlisted = unlisted
        self._rows.clear()
        self._arrange()

    def list_rest(self, in_text_order: list[int]) -> None:
        """All of a long article's spans in text order, the first of which are listed: rows for
        the others are added below, so the rows shown keep their selection and scroll position."""
        first, self.unlisted = self._in_text_order, 0
        rest = in_text_order[len(first) :]
        if (
            self.label is not None
            or self.order != (-1, False)
            or in_text_order[: len(first)] != first
            or not rest
        ):
            self.set_spans(self.text, in_text_order, self._extent)
            return
        self._in_text_order = in_text_order
        self.known.update(rest)
        top = len(self.suggested) + len(self.ids)
        self.beginInsertRows(_ROOT, top, top + len(rest) - 1)
        self.ids += rest
        self.endInsertRows()

    def update(self, span_ids: Iterable[int]) -> None:
        """These spans were added, removed or changed (the extent lookup already knows). In text
        order, rows are inserted and removed in place, so the list keeps its scroll position and
        50,000 rows cost no rebuild; a sorted or filtered list is arranged again."""
        span_ids = set(span_ids)
        for span_id in span_ids:
            self._rows.pop(span_id, None)
        gone = [i for i in span_ids if i in self.known and self._extent(i) is None]
        came = [i for i in span_ids if i not in self.known and self._extent(i) is not None]
        if not gone and not came:
            self.forget(span_ids)
            return
        self.known.difference_update(gone)
        self.known.update(came)
        for span_id in gone:
            del self._in_text_order[self._in_text_order.index(span_id)]
        for span_id in came:
            insort(self._in_text_order, span_id, key=self._position)
        if self.label is not None or self.order != (-1, False):
            self._arrange()
            return
        first = len(self.suggested)
        for span_id in gone:
            row = self.ids.index(span_id)  # its extent is gone: found by id (C speed)
            self.beginRemoveRows(_ROOT, first + row, first + row)
            del self.ids[row]
            self.endRemoveRows()
        for span_id in came:
            row = bisect_left(self.ids, self._position(span_id), key=self._position)
            self.beginInsertRows(_ROOT, first + row, first + row)
            self.ids.insert(row, span_id)
            self.endInsertRows()
        self.forget(span_ids - set(came))

    def row_of(self, span_id: int) -> int | None:
        """The row showing a span: a binary search in text order (rows move as spans come and go),
        else a lookup built once per arrangement."""
        row = self._span_row(span_id)
        return None if row is None else len(self.suggested) + row

    def _span_row(self, span_id: int) -> int | None:
        if self.label is None and self.order == (-1, False):
            if span_id not in self.known:
                return None
            row = bisect_left(self.ids, self._position(span_id), key=self._position)
            return row if row < len(self.ids) and self.ids[row] == span_id else None
        if self._row_by_id is None:
            self._row_by_id = {i: row for row, i in enumerate(self.ids)}
        return self._row_by_id.get(span_id)

    def set_suggestions(self, suggestions: Sequence[StoredSuggestion]) -> None:
        """The article's pending suggestions, listed in text order before the spans."""
        ordered = sorted(suggestions, key=lambda s: (s.start, -s.end, s.id))
        if ordered != self._suggestions:  # the same after most edits: the rows stay as they are
            self._suggestions = ordered
            self._place_suggestions()

    def _place_suggestions(self) -> None:
        shown = [s for s in self._suggestions if self.label is None or s.label == self.label]
        if self.suggested:
            self.beginRemoveRows(_ROOT, 0, len(self.suggested) - 1)
            self.suggested = []
            self.endRemoveRows()
        if shown:
            self.beginInsertRows(_ROOT, 0, len(shown) - 1)
            self.suggested = shown
            self.endInsertRows()

    def suggestion_id(self, row: int) -> int | None:
        """The suggestion a row shows, or None for a span's row."""
        return self.suggested[row].id if 0 <= row < len(self.suggested) else None

    def suggestion_row(self, suggestion_id: int) -> int | None:
        return next((row for row, s in enumerate(self.suggested) if s.id == suggestion_id), None)

    def _position(self, span_id: int) -> tuple[int, int, int]:
        extent = self._extent(span_id)
        return (extent.start, -extent.end, span_id) if extent else (0, 0, span_id)

    def set_relations(self, relations: Sequence[Relation]) -> None:
        described: dict[int, list[str]] = {}
        for relation in relations:
            source, target = self._extent(relation.from_span), self._extent(relation.to_span)
            if source is None or target is None:
                continue
            described.setdefault(source.id, []).append(f"{relation.type} → {target.label}")
            described.setdefault(target.id, []).append(f"← {relation.type} {source.label}")
        self._relations = described
        if self.ids:
            first = len(self.suggested)
            self.dataChanged.emit(self.index(first, 4), self.index(first + len(self.ids) - 1, 4))

    def set_label_filter(self, label: str | None) -> None:
        self.label = label
        self._arrange()
        self._place_suggestions()

    def forget(self, span_ids: Sequence[int]) -> None:
        """These spans changed in place (label, attributes, note): fetch them again."""
        for span_id in span_ids:
            self._rows.pop(span_id, None)
            row = self.row_of(span_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 (no sort indicator) is text order."""
        self.order = (column, order == Qt.SortOrder.DescendingOrder)
        self._arrange()

    def _arrange(self) -> None:
        """The spans' rows in the chosen order (the suggestions stay in text order above them)."""
        self.beginResetModel()
        ids = self._in_text_order
        if self.label is not None:
            ids = [i for i in ids if self._label(i) == self.label]
        column, descending = self.order
        if 0 <= column < len(self.COLUMNS):
            ids = sorted(ids, key=self._sort_key(column), reverse=descending)
        elif descending:
            ids = ids[::-1]
        self.ids = list(ids)  # never the text-order list itself: rows are edited in place
        self._row_by_id = None
        self.endResetModel()

    def _sort_key(self, column: int) -> Callable[[int], object]:
        if column == 0:
            return self._label
        if column == 1:
            return lambda span_id: self._excerpt(span_id).casefold()
        if column == 4:
            return lambda span_id: self._relations.get(span_id, [])
        self._fetch_all()
        if column == 2:
            return lambda span_id: _attributes(self._rows[span_id])
        return lambda span_id: self._rows[span_id].annotator

    def _label(self, span_id: int) -> str:
        extent = self._extent(span_id)
        return extent.label if extent else ""

    def _excerpt(self, span_id: int) -> str:
        extent = self._extent(span_id)
        return "" if extent is None else self._cut(extent.start, extent.end)

    def _cut(self, start: int, end: int) -> str:
        excerpt = self.text[start : min(end, start + EXCERPT)]
        more = "…" if end - start > EXCERPT else ""
        return " ".join(excerpt.split()) + more

    def _fetch_all(self) -> None:
        missing = [i for i in self._in_text_order if i not in self._rows]
        for start in range(0, len(missing), 2000):
            self._rows.update(self.store.spans_by_id(missing[start : start + 2000]))

    def _row(self, row: int) -> Span | None:
        """The span of a row among the spans' rows (counted after the suggestions)."""
        span_id = self.ids[row]
        if span_id not in self._rows:
            window = [i for i in self.ids[row : row + self.FETCH] if i not in self._rows]
            self._rows.update(self.store.spans_by_id(window))
        return self._rows.get(span_id)

    # ---------------------------------------------------------------- Qt model
    def span_id(self, row: int) -> int | None:
        """The span a row shows, or None for a suggestion's row."""
        row -= len(self.suggested)
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.suggested) + len(self.ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY):
        if role not in _ROLES or not index.isValid():
            return None  # asked for ~7 roles per cell at each paint of the list: most answered here
        if index.row() < len(self.suggested):
            return self._suggestion_data(self.suggested[index.row()], index.column(), role)
        row = index.row() - len(self.suggested)
        span_id, column = self.ids[row], index.column()
        if role == _DECORATION and column == 0:
            return self.colors.get(self._label(span_id))
        if role == _DISPLAY:
            if column == 0:
                return self._label(span_id)
            if column == 1:
                return self._excerpt(span_id)
            if column == 4:
                return ", ".join(self._relations.get(span_id, []))
            span = self._row(row)
            if span is None:
                return None
            return _attributes(span) if column == 2 else span.annotator
        if role == _TOOLTIP and column in (1, 2):
            span = self._row(row)
            if span is None:
                return None
            whole = self.text[span.start : span.end]
            tip = whole[:500] + ("…" if len(whole) > 500 else "")
            return as_plain(tip + (f"\n\nNote: {span.note}" if span.note else ""))
        return None

    def look(self, index: Index) -> tuple:
        """Every role a cell is painted with (it names the cell's picture, see `CellPictures`): its
        text, in italics or not, and in the first column its label's colour."""
        italic = index.row() < len(self.suggested)
        if index.column():
            return self.data(index), italic
        colour = self.data(index, _DECORATION)
        return self.data(index), italic, colour.rgba() if colour is not None else None

    def _suggestion_data(self, suggestion: StoredSuggestion, column: int, role: int):
        """A suggestion's row: in italics, "suggested by <source> <score>" where a span names its
        annotator, the speaker it proposes where a span lists its relations."""
        if role == _FONT:
            return self.italic
        if role == _DECORATION and column == 0:
            return self.colors.get(suggestion.label)
        if role == _TOOLTIP:
            return (
                f"Suggested by {suggestion.source} (score {suggestion.score:.2f}), nobody's span yet: "
                "Enter accepts it, Backspace rejects it."
            )
        if role != _DISPLAY:
            return None
        if column == 0:
            return suggestion.label
        if column == 1:
            return self._cut(suggestion.start, suggestion.end)
        if column == 2:
            return _attributes(suggestion)
        if column == 3:
            return f"suggested: {suggestion.source} {suggestion.score:.2f}"
        speaker = suggestion.speaker_span is not None or suggestion.speaker_suggestion is not None
        return "said_by → actor" if speaker else ""


def _attributes(span: Span | StoredSuggestion) -> str:
    return ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in span.attributes.items())


class SpanList(QWidget):
    """Emits `span_chosen(id)` when a span's row is clicked or activated (Enter), and
    `suggestion_chosen(id)` for a suggestion's row; on a suggestion's row Enter emits
    `suggestion_accepted(id)` and Backspace `suggestion_rejected(id)`."""

    span_chosen = Signal(int)
    suggestion_chosen = Signal(int)
    suggestion_accepted = Signal(int)
    suggestion_rejected = Signal(int)

    def __init__(self, model: SpanTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("span_list")
        self.model = model
        self.filter = QComboBox()
        self.filter.setObjectName("span_label_filter")
        self.filter.currentIndexChanged.connect(lambda _: model.set_label_filter(self.filter.currentData()))
        self.count = QLabel()
        self.count.setMinimumWidth(1)  # its text grows with the suggestions: it never widens the dock
        self.table = QTableView()
        self.table.setObjectName("span_table")
        self.table.setModel(model)
        self.table.setItemDelegate(CellPictures(model.look, self.table))
        self.table.setVerticalScrollBar(SteadyScrollBar(Qt.Orientation.Vertical))
        self.table.setHorizontalScrollBar(SteadyScrollBar(Qt.Orientation.Horizontal))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((90, 220, 150, 70, 110)):
            header.resizeSection(column, width)
        self.table.clicked.connect(self._chosen)
        self.table.activated.connect(self._chosen)
        self.table.installEventFilter(self)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._show_count)
        self.filter.setToolTip("Show the spans of one label")
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = QHBoxLayout()  # the filter says what it filters ("All labels"): no caption, room for the count
        row.addWidget(self.filter)
        row.addWidget(self.count, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def set_labels(self, names: list[str]) -> None:
        current = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem("All labels", None)
        for name in names:
            self.filter.addItem(name, name)
        self.filter.setCurrentIndex(max(0, self.filter.findData(current)))
        self.filter.blockSignals(False)
        if self.filter.currentData() != self.model.label:
            self.model.set_label_filter(self.filter.currentData())

    def _chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        span_id = self.model.span_id(index.row())
        if span_id is not None:
            self.span_chosen.emit(span_id)
        else:
            self.suggestion_chosen.emit(self.model.suggestion_id(index.row()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Backspace on a suggestion's row settle it."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            settle = {
                Qt.Key.Key_Return: self.suggestion_accepted,
                Qt.Key.Key_Enter: self.suggestion_accepted,
                Qt.Key.Key_Backspace: self.suggestion_rejected,
            }.get(Qt.Key(event.key()))
            current = self.table.currentIndex()
            suggestion_id = self.model.suggestion_id(current.row()) if current.isValid() else None
            if settle is not None and suggestion_id is not None and not event.modifiers():
                settle.emit(suggestion_id)
                return True
        return super().eventFilter(watched, event)

    def _show_count(self) -> None:
        n = len(self.model.ids) + self.model.unlisted
        text = f"{n:,} span" if n == 1 else f"{n:,} spans"
        if self.model.suggested:
            text += f", {len(self.model.suggested):,} suggested"
        self.count.setText(text)

    def show_suggestion(self, suggestion_id: int | None) -> None:
        """Select the row of the current suggestion, without emitting a signal."""
        row = self.model.suggestion_row(suggestion_id) if suggestion_id is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def show_current(self, span_id: int | None) -> None:
        """Select the row of the span selected in the text, without emitting `span_chosen`."""
        row = self.model.row_of(span_id) if span_id is not None else None
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
