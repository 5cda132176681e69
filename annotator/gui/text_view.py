"""The article text view: read-only text with the spans painted over it as an overlay.

Offsets in the public API are code points into the canonical text. Qt counts UTF-16 units in a
display copy of that text; `DisplayText` is the only bridge between the two, and it goes through
`annotator.core.offsets.Utf16Map`.
"""

from __future__ import annotations

import html
import math
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from typing import NamedTuple

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QRegion,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextLayout,
    QTextLine,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QPlainTextDocumentLayout, QPlainTextEdit, QToolTip, QWidget

from annotator.core.model import Span
from annotator.gui.display_text import DISPLAY_BLOCK, DisplayText
from annotator.gui.span_set import Key, SpanIndex, SpanSet, innermost_segments

MAX_LANES = 4
"""Underline lanes drawn; deeper nesting shares the last lane."""
TINT_ALPHA = 70
TAG_SCALE = 0.72
"""Label tags are drawn at this fraction of the text size."""
FIRST_LOAD = 100_000
"""Code points of a long text put into the document before the first paint; the rest follows in
steps of LOAD_STEP from the event loop (5 MB at once: ~0.1 s in Qt alone)."""
LOAD_STEP = 400_000
HIGHLIGHT_LINE = QColor(230, 175, 0)
HIGHLIGHT_FILL = QColor(255, 215, 0, 60)
_UNKNOWN_COLORS = (QColor(128, 128, 128, TINT_ALPHA), QColor(128, 128, 128))


# ------------------------------------------------------------------------------------- word snap
def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def snap_to_word_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace, then widen `[start, end)` to the words it cuts; never across whitespace or
    punctuation. None when nothing but whitespace is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return start, end


def _line_break_after(text: str, at: int) -> int:
    """Index of the first line break at or after `at` (the length of `text` if none)."""
    if len(text) <= at:
        return len(text)
    found = text.find("\n", max(at, 1))
    return len(text) if found == -1 else found


# --------------------------------------------------------------------------------------- layout
class _SpacedLayout(QPlainTextDocumentLayout):
    """Adds `extra` pixels below every line, room for stacked underlines.

    QPlainTextDocumentLayout ignores QTextBlockFormat.lineHeight, so lines are moved down after Qt
    lays a block out; every caller (paint, hit test, cursor rect, scroll bars) asks for the block
    rect through this virtual, so they all see the same geometry.
    """

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.extra = 0.0
        self._document = document

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        """Qt asks again for every block above the one it paints or puts the cursor in, so the
        usual case takes few calls: lines spaced already, the rect Qt gives ends at the last line
        (plus the margin below the last block), `extra` is added below it."""
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        count = layout.lineCount()
        if not count or rect.isNull():
            return rect
        first = layout.lineAt(0)
        margin = self._document.documentMargin()
        if first.x() <= margin and block.textDirection() == Qt.LayoutDirection.RightToLeft:
            _align_right(layout, count, margin)
        extra = self.extra
        if count > 1 and extra and abs(layout.lineAt(1).y() - first.y() - first.height() - extra) > 0.01:
            y = first.y()
            for i in range(count):
                line = layout.lineAt(i)
                line.setPosition(QPointF(line.x(), y))
                y += line.height() + extra
            rect.setHeight(y + (0 if block.next().isValid() else margin))
        else:
            rect.setHeight(rect.height() + extra)
        return rect


def _align_right(layout: QTextLayout, count: int, margin: float) -> None:
    """Right-to-left paragraphs start at the right edge (QPlainTextDocumentLayout aligns every
    paragraph left): each line is moved right by its free width."""
    for i in range(count):
        line = layout.lineAt(i)
        line.setPosition(QPointF(margin + max(0.0, line.width() - line.naturalTextWidth()), line.y()))


def _rows(region: QRegion) -> list[tuple[int, int]]:
    """First and last pixel row of each rectangle of a paint region (clipped to the viewport, so
    each meets a full-width strip exactly when their rows meet)."""
    return [(rect.top(), rect.bottom()) for rect in region]


class LaterSpans(NamedTuple):
    """What `set_article` leaves for later of a long article's spans: it was given only those
    starting before code point `before` (all that its first screens show); `count` is how many
    there are in all and `read()` gives all of them, called once when first needed."""

    before: int
    count: int
    read: Callable[[], Sequence[Span]]


class _Line(NamedTuple):
    start: int  # Qt positions
    end: int
    block: int
    line: QTextLine
    left: float  # viewport coordinates of the line box
    top: float
    height: float
    ascent: float
    xs: dict[int, float]  # x of Qt positions on the line, as they are asked for (see `x_of`)
    rows: tuple[int, int]  # first and last pixel row of the line with its room below

    def meets(self, rows: list[tuple[int, int]]) -> bool:
        """Whether the line's rows meet any of `rows` (see `_rows`)."""
        first, last = self.rows
        return any(top <= last and first <= bottom for top, bottom in rows)

    def x_of(self, position: int) -> float:
        """Where Qt position `position` of this line is, from its left; remembered, since a kept
        line's layout does not change (a paint asks for the same word edges many times)."""
        x = self.xs.get(position)
        if x is None:
            x = self.xs[position] = self.line.cursorToX(position - self.block)[0]
        return x


# ------------------------------------------------------------------------------------ the widget
class TextView(QPlainTextEdit):
    """Read-only article text; spans are painted in `paintEvent` from a sorted index.

    The canonical text lives in `self._text` and is never read back from the document. Qt shows a
    display copy (see `DisplayText`): paragraphs longer than ~2,000 code points are broken there
    at a space, because Qt lays out a whole paragraph at once (5 MB in one paragraph: ~2 s to load,
    ~270 ms per cursor move); the copy has the same length, so offsets map exactly, and copying
    puts the canonical text on the clipboard. Each span is a translucent tint of its label colour
    plus an underline in a nesting lane below the baseline; only spans meeting the painted lines
    are looked at. Lanes are computed lazily in text order and recomputed only from an edit on.
    """

    span_clicked = Signal(int)
    span_selection_changed = Signal(object)
    span_menu_requested = Signal(int, QPoint)  # span id, global position

    def __init__(self, parent: QWidget | None = None, block_limit: int = DISPLAY_BLOCK):
        super().__init__(parent)
        document = QTextDocument(self)
        self._layout = _SpacedLayout(document)
        document.setDocumentLayout(self._layout)
        document.setUndoRedoEnabled(False)
        option = document.defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)  # each paragraph by its own script
        document.setDefaultTextOption(option)
        self.setDocument(document)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.snap_to_words = True
        self.show_tags = False
        self.span_filter: Callable[[Span], bool] | None = None
        """When set, Tab and Shift+Tab walk only the spans it accepts (valid attribution targets)."""
        self.describe_span: Callable[[int], str] = self._describe
        """What the hover tooltip says about a span; the window adds attributes and annotator."""
        self.painted_span_count = 0
        self.painted_rect = QRect()
        """What the last paint covered (tests and benchmarks check that an edit repaints little)."""
        self._block_limit = block_limit
        self._base_font = QFont(self.font())
        self._zoom = 0
        self._text = ""
        self._display = DisplayText("", block_limit)
        self._spans = SpanSet()
        self._later: LaterSpans | None = None
        self._colors: dict[str, tuple[QColor, QColor]] = {}
        self._selected: int | None = None
        self._highlights: list[tuple[int, int]] = []
        self._highlight_index = SpanIndex()
        self._relations: list[tuple[int, int]] = []
        self.painted_relation_count = 0
        self._suggestions: list[tuple[int, int, str]] = []
        self._suggestion_index = SpanIndex()  # keys (start, -end, index in _suggestions)
        self._current_suggestion: int | None = None
        self.painted_suggestion_count = 0
        self._press: QPointF | None = None
        self._lines: list[_Line] = []
        self._lines_key: tuple | None = None
        self._loaded_to = 0
        """How much of the display text is in the document (a long one is put there in steps)."""
        self._loader = QTimer(self, singleShot=True, interval=0)
        self._loader.timeout.connect(self._load_step)
        self._update_metrics()

    # ------------------------------------------------------------------------------ content
    @property
    def spans(self) -> list[Span]:
        """The spans as last given."""
        self.finish_spans()
        return self._spans.spans

    @property
    def canonical_text(self) -> str:
        return self._text

    def set_article(
        self, text: str, spans: Sequence[Span], colors: Mapping[str, str], later: LaterSpans | None = None
    ) -> None:
        """Show a new text; resets the span selection, relations and highlights, scrolls to the top.
        With `later`, `spans` are only the first ones (see `LaterSpans`): the rest are read when a
        paint, a look-up or an edit first needs them, or at `finish_spans`."""
        self._text = text
        self._later = later
        self._relations = []
        self._suggestions, self._current_suggestion = [], None
        self._suggestion_index = SpanIndex()
        self._display = DisplayText(text, self._block_limit)
        self._highlights, self._highlight_index = [], SpanIndex()
        self._spans = SpanSet(spans)
        self._loaded_to = _line_break_after(self._display.text, FIRST_LOAD)
        self.setPlainText(self._display.text[: self._loaded_to])
        if self.loading:
            self._loader.start()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._set_colors(colors)
        self._select(None, scroll=False)

    def set_spans(self, spans: Sequence[Span], colors: Mapping[str, str] | None = None) -> None:
        """Replace the spans, keeping the scroll position; only what changed is re-indexed."""
        if colors is not None:
            self._set_colors(colors)
        self._later = None
        self._spans.replace(spans)
        if self._selected is not None and self._selected not in self._spans.by_id:
            self._select(None, scroll=False)
        self.viewport().update()

    def update_spans(self, removed: Iterable[int], added: Sequence[Span]) -> None:
        """Apply one edit: drop spans by id, add or replace others; cheaper than `set_spans`.
        Repaints only the lines of the spans edited and of the visible spans whose underline
        lane the edit moved (a whole-viewport repaint costs more than the edit itself)."""
        self.finish_spans()
        edited = set(removed) | {span.id for span in added}
        lines = self._lines_in(QRectF(self.viewport().rect()))
        ranges = [(s.start, s.end) for s in map(self._spans.by_id.get, edited) if s is not None]
        ranges += [(s.start, s.end) for s in added]
        low, high = self._visible_range(lines)
        since = min((start for start, _end in ranges), default=high)  # no lane moves before it
        lanes_before = self._visible_lanes(max(low, since), high, since)
        self._spans.update(removed, added)
        by_id = self._spans.by_id
        for span_id, lane in self._visible_lanes(max(low, since), high, since).items():
            if lanes_before.get(span_id) != lane:
                ranges.append((by_id[span_id].start, by_id[span_id].end))
        if self._selected is not None and self._selected not in by_id:
            self._select(None, scroll=False)
        if any(span_id in pair for pair in self._relations for span_id in edited):
            self.viewport().update()  # an arrow to an edited span crosses other lines
        else:
            self._update_lines(lines, ranges)

    def _visible_range(self, lines: list[_Line]) -> tuple[int, int]:
        """Code points [low, high) meeting `lines` (high one past the end, for lane look-ups)."""
        if not lines:
            return 0, 0
        return self.to_code_point(lines[0].start), self.to_code_point(lines[-1].end, round_up=True) + 1

    def _visible_lanes(self, low: int, high: int, since: int) -> dict[int, int]:
        """The lane of each span meeting [low, high) that starts at `since` or later (lanes are
        given in text order: an edit moves none of a span starting before it). Not capped at
        MAX_LANES: the spans sharing the last lane are drawn in the order of their own lanes."""
        if low >= high:
            return {}
        spans = self._spans_before(high)
        lanes = spans.lanes_before(high)
        return {key[2]: lanes[key[2]] for key in spans.overlapping(low, high) if key[0] >= since}

    def _update_lines(self, lines: list[_Line], ranges: Iterable[tuple[int, int]]) -> None:
        """Schedule a repaint of the full-width rows of the `lines` meeting code-point `ranges`
        (with their underline lanes, tags and the selection outline: all that a line draws lies
        in its rows, so no other line is drawn again). Each range is looked up by bisection: new
        suggestions bring ~2,000 ranges, mostly off screen."""
        to_qt, starts, rows = self._display.to_qt, [line.start for line in lines], set()
        for start, end in ranges:
            qs, qe = to_qt(start), to_qt(end)
            for line in islice(lines, max(0, bisect_right(starts, qs) - 1), None):
                if line.start >= qe:
                    break
                if qs < line.end:
                    rows.add(line.rows)
        width, viewport = self.viewport().width(), self.viewport()
        for first, last in rows:
            viewport.update(0, first, width, last - first + 1)

    def set_show_tags(self, on: bool) -> None:
        """Draw label names at span starts (room is made for them below the underline lanes)."""
        self.show_tags = on
        self._update_metrics()
        self.document().markContentsDirty(0, self.document().characterCount())

    def span_ids_in_order(self) -> list[int]:
        """Ids of the spans in text order (start, then longest first): of those indexed so far,
        all of them once `finish_spans` ran."""
        return [key[2] for key in self._spans.order]

    def span(self, span_id: int) -> Span | None:
        span = self._spans.by_id.get(span_id)
        if span is None and self._later is not None:
            self.finish_spans()
            span = self._spans.by_id.get(span_id)
        return span

    @property
    def span_count(self) -> int:
        return self._later.count if self._later is not None else len(self._spans.by_id)

    @property
    def spans_pending(self) -> bool:
        """True while only the first spans of a long article are indexed (see `LaterSpans`)."""
        return self._later is not None

    def finish_spans(self) -> None:
        """Index all of the article's spans now, if `set_article` was given only the first ones."""
        later, self._later = self._later, None
        if later is not None:
            self._spans = SpanSet(later.read())
            if self._selected is not None and self._selected not in self._spans.by_id:
                self._select(None, scroll=False)

    def _spans_before(self, offset: int) -> SpanSet:
        """The span index, holding at least every span that starts before code point `offset`."""
        if self._later is not None and offset > self._later.before:
            self.finish_spans()
        return self._spans

    def set_highlights(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Mark search hits (code-point ranges), drawn as boxes distinct from spans."""
        length = len(self._text)
        clamped = {(max(0, start), min(length, end)) for start, end in ranges}
        self._highlights = sorted((start, end) for start, end in clamped if end > start)
        self._highlight_index = SpanIndex((s, -e, i) for i, (s, e) in enumerate(self._highlights))
        self.viewport().update()

    def highlight_ranges(self) -> list[tuple[int, int]]:
        return list(self._highlights)

    def set_suggestions(self, items: Sequence[tuple[int, int, str]], current: int | None = None) -> None:
        """Pending suggestions as (start, end, label), drawn as a dashed outline in the label's
        colour with no fill, so they never pass for spans; `current` (an index) is drawn bolder.
        Only the lines of the suggestions that came, went or changed weight are repainted."""
        length = len(self._text)
        items = [(s, e, label) for s, e, label in items if 0 <= s < e <= length]
        old, was = self._suggestions, self._current_item()
        changed: set[tuple[int, int, str] | None] = set()
        if items != old:
            self._suggestion_index = SpanIndex((s, -e, i) for i, (s, e, _label) in enumerate(items))
            changed = set(old).symmetric_difference(items)
        self._suggestions, self._current_suggestion = items, current
        if self._current_item() != was:
            changed |= {was, self._current_item()}
        changed.discard(None)
        if changed:
            lines = self._lines_in(QRectF(self.viewport().rect()))
            self._update_lines(lines, [(start, end) for start, end, _label in changed])

    def set_current_suggestion(self, index: int | None) -> None:
        self.set_suggestions(self._suggestions, index)

    def _current_item(self) -> tuple[int, int, str] | None:
        index = self._current_suggestion
        return self._suggestions[index] if index is not None and 0 <= index < len(self._suggestions) else None

    def suggestion_ranges(self) -> list[tuple[int, int, str]]:
        return list(self._suggestions)

    def reveal(self, offset: int) -> None:
        """Scroll so the code point at `offset` is visible."""
        self._scroll_to(self.to_qt(offset))

    def _set_colors(self, colors: Mapping[str, str]) -> None:
        self._colors = {}
        for name, value in colors.items():
            solid = QColor(value)
            if not solid.isValid():
                solid = _UNKNOWN_COLORS[1]
            tint = QColor(solid)
            tint.setAlpha(TINT_ALPHA)
            self._colors[name] = (tint, solid)

    def span_lane(self, span_id: int) -> int | None:
        """The nesting lane of a span (0 = outermost), before capping at MAX_LANES."""
        return self._spans.lane(span_id) if self.span(span_id) is not None else None

    def spans_at(self, offset: int) -> list[Span]:
        """Spans covering code point `offset`, innermost (shortest) first."""
        return self._spans_before(offset + 1).at(offset)

    def set_relations(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Relations to draw as arrows from one span to another (`(from_id, to_id)` pairs)."""
        self._relations = list(pairs)
        self.viewport().update()

    def span_rects(self, span_id: int) -> list[QRectF]:
        """Viewport rectangles of a span's visible line fragments (e.g. to place a popup)."""
        span = self.span(span_id)
        if span is None:
            return []
        lines = self._lines_in(QRectF(self.viewport().rect()))
        starts = [line.start for line in lines]
        return [rect for rect, _ in self._fragments(lines, starts, span.start, span.end)]

    # --------------------------------------------------------------------------- offsets
    def to_code_point(self, qt_pos: int, round_up: bool = False) -> int:
        return self._display.to_code_point(qt_pos, round_up)

    def to_qt(self, offset: int) -> int:
        """Qt position of code point `offset`; loads the rest of a long text first if it lies
        beyond what the document holds yet."""
        position = self._display.to_qt(offset)
        if self.loading and position >= self.document().characterCount() - 1:
            self.finish_loading()
        return position

    @property
    def loading(self) -> bool:
        """True while the end of a long text is still being put into the document."""
        return self._loaded_to < len(self._display.text)

    def finish_loading(self) -> None:
        """Put all of the text into the document now."""
        while self.loading:
            self._load_step()

    def _load_step(self) -> None:
        text, start = self._display.text, self._loaded_to
        self._loaded_to = _line_break_after(text, start + LOAD_STEP)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text[start : self._loaded_to])
        if self.loading:
            self._loader.start()
        else:
            self._loader.stop()

    # ------------------------------------------------------------------------- selection
    def selected_range(self) -> tuple[int, int] | None:
        """The user's text selection in code points, snapped to words if `snap_to_words`."""
        cursor = self.textCursor()
        start = self.to_code_point(cursor.selectionStart())
        end = self.to_code_point(cursor.selectionEnd(), round_up=True)
        if self.snap_to_words:
            return snap_to_word_bounds(self._text, start, end)
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def grow_selection(self, helper: Callable[[str, int, int], tuple[int, int] | None]) -> bool:
        """Select what `helper` (e.g. `sentence_bounds`) makes of the selection or caret."""
        cursor = self.textCursor()
        start = self.to_code_point(cursor.selectionStart())
        end = self.to_code_point(cursor.selectionEnd(), round_up=True)
        found = helper(self._text, start, end)
        if found is None:
            return False
        self.select_range(*found)
        return True

    def clear_text_selection(self) -> None:
        """Drop the text selection (keep the caret) so a span just made shows its colours."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def selected_span(self) -> int | None:
        return self._selected

    def set_selected_span(self, span_id: int | None) -> None:
        """Outline a span (None: none) and scroll it into view; unknown ids count as None."""
        self._select(span_id, scroll=True)

    def select_next_span(self, backwards: bool = False) -> None:
        """Select the next (previous) span in text order, from the selected span or the cursor;
        with a `span_filter`, the next one it accepts (none: the selection stays)."""
        cursor = self.to_code_point(self.textCursor().position())
        self.finish_spans()
        span_id = self._spans.step(self._selected, cursor, backwards)
        if self.span_filter is not None:
            for _ in range(len(self._spans.order)):
                if span_id is None or self.span_filter(self._spans.by_id[span_id]):
                    break
                span_id = self._spans.step(span_id, cursor, backwards)
            else:
                span_id = None
        if span_id is not None:
            self._select(span_id, scroll=True)

    def _select(self, span_id: int | None, scroll: bool) -> None:
        if span_id is not None and self.span(span_id) is None:
            span_id = None
        previous, self._selected = self._selected, span_id
        lines = None
        if scroll and span_id is not None:
            lines = self._scroll_to(self.to_qt(self._spans.by_id[span_id].start))
        if span_id != previous:
            outlined = [self._spans.by_id.get(i) for i in (previous, span_id) if i is not None]
            lines = lines or self._lines_in(QRectF(self.viewport().rect()))
            self._update_lines(lines, [(s.start, s.end) for s in outlined if s is not None])
            self.span_selection_changed.emit(span_id)

    def _scroll_to(self, qt_pos: int) -> list[_Line] | None:
        """Scroll so that `qt_pos` is on screen; the lines on screen if it already was (no scroll)."""
        height = self.viewport().height()
        lines = self._lines_in(QRectF(self.viewport().rect()))
        for line in lines:
            if line.start <= qt_pos < max(line.end, line.start + 1):
                if line.top >= 0 and line.top + line.height <= height:
                    return lines
                break
        block = self.document().findBlock(qt_pos)
        self.blockBoundingRect(block)
        line = block.layout().lineForTextPosition(qt_pos - block.position())
        target = block.firstLineNumber() + max(0, line.lineNumber() if line.isValid() else 0)
        pitch = QFontMetricsF(self.font()).height() + self._layout.extra
        self.verticalScrollBar().setValue(max(0, target - int(height / pitch) // 3))
        return None

    # ---------------------------------------------------------------------------- zoom
    def set_zoom(self, steps: int) -> None:
        """Font size = base size + `steps` points (never below 4 points)."""
        base = self._base_font.pointSizeF()
        font = QFont(self._base_font)
        if base > 0:
            steps = max(steps, math.ceil(4 - base))
            font.setPointSizeF(base + steps)
        else:
            steps = max(steps, 6 - self._base_font.pixelSize())
            font.setPixelSize(self._base_font.pixelSize() + steps)
        self._zoom = steps
        self.setFont(font)

    def zoom_steps(self) -> int:
        return self._zoom

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom - 1)

    def _update_metrics(self) -> None:
        metrics = QFontMetricsF(self.font())
        self._stroke = max(1.5, round(metrics.height() / 10))
        self._gap = self._stroke + 1
        self._underline = max(1.0, metrics.descent() / 2) + self._stroke / 2
        self._lanes_depth = self._underline + (MAX_LANES - 1) * self._gap + self._stroke / 2
        lanes_bottom = metrics.ascent() + self._lanes_depth
        self._tag_font = QFont(self.font())
        if self._tag_font.pointSizeF() > 0:
            self._tag_font.setPointSizeF(max(5.0, self._tag_font.pointSizeF() * TAG_SCALE))
        if self.show_tags:
            lanes_bottom += QFontMetricsF(self._tag_font).height() + 2
        self._layout.extra = float(max(2, math.ceil(lanes_bottom + 1 - metrics.height())))
        self.viewport().update()

    # ---------------------------------------------------------------------------- events
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_layout"):
            self._update_metrics()

    def event(self, event: QEvent) -> bool:
        """Tab and Shift+Tab cycle through spans instead of moving the focus."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            other = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not event.modifiers() & other:
                backwards = event.key() == Qt.Key.Key_Backtab or bool(
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                )
                self.select_next_span(backwards=backwards)
                event.accept()
                return True
        return super().event(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.angleDelta().y():
            self.set_zoom(self._zoom + (1 if event.angleDelta().y() > 0 else -1))
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            cursor = self.textCursor()
            if cursor.hasSelection() and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                # A press inside a selection would start dragging the text out; start a new one.
                self.setTextCursor(self.cursorForPosition(event.position().toPoint()))
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        moved = (event.position() - press).manhattanLength() >= QApplication.startDragDistance()
        if moved or self.textCursor().hasSelection():
            return
        ids, by_lane = self._spans_under(event.position())
        if not by_lane and self._selected in ids and len(ids) > 1:  # a stack clicked again: the next
            span_id = ids[(ids.index(self._selected) + 1) % len(ids)]
        else:
            span_id = ids[0] if ids else None
        self._select(span_id, scroll=False)
        if span_id is not None:
            self.span_clicked.emit(span_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """On a span: select it (the one already selected if stacked) and ask for the span menu."""
        ids, _ = self._spans_under(QPointF(event.pos()))
        if not ids:
            super().contextMenuEvent(event)
            return
        span_id = self._selected if self._selected in ids else ids[0]
        self._select(span_id, scroll=False)
        self.span_menu_requested.emit(span_id, event.globalPos())
        event.accept()

    def copy(self) -> None:
        """Copy the canonical text, not the display copy with its extra line breaks.

        The clipboard gets plain text made by Qt: a QMimeData created in Python (an override of
        createMimeDataFromSelection) would outlive the interpreter in the clipboard and crash at exit.
        """
        cursor = self.textCursor()
        if cursor.hasSelection():
            start = self.to_code_point(cursor.selectionStart())
            end = self.to_code_point(cursor.selectionEnd(), round_up=True)
            QApplication.clipboard().setText(self._text[start:end])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def _spans_under(self, point: QPointF) -> tuple[list[int], bool]:
        """Ids of the spans under `point` (viewport coordinates), the one a click means first, and
        whether that one was picked by its underline lane (below the glyphs) rather than being the
        innermost under the glyph."""
        for line in self._lines_in(QRectF(point.x(), point.y(), 1, 1)):
            if not line.top <= point.y() < line.top + line.height + self._layout.extra:
                continue
            offset = self._char_in_line(line, point.x())
            ids = [span.id for span in self.spans_at(offset)] if offset is not None else []
            if len(ids) > 1 and point.y() >= line.top + line.height:
                first_lane = line.top + line.ascent + self._underline
                lane = min(MAX_LANES - 1, max(0, round((point.y() - first_lane) / self._gap)))
                hit = next((i for i in ids if min(self.span_lane(i) or 0, MAX_LANES - 1) == lane), None)
                if hit is not None:
                    ids.remove(hit)
                    return [hit, *ids], True
            return ids, False
        return [], False

    def _describe(self, span_id: int) -> str:
        span = self._spans.by_id[span_id]
        excerpt = self._text[span.start : span.end]
        return f"{span.label}: “{excerpt[:60]}{'…' if len(excerpt) > 60 else ''}”"

    def viewportEvent(self, event: QEvent) -> bool:
        """A tooltip listing every span under the pointer (the text is escaped: never live HTML)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            ids, _ = self._spans_under(QPointF(event.pos()))
            if ids:
                lines = [html.escape(self.describe_span(i)).replace("\n", "<br>") for i in ids]
                tip = "<p style='white-space:pre'>" + "<hr>".join(lines) + "</p>"
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _char_in_line(self, line: _Line, x: float) -> int | None:
        near = self.to_code_point(line.block + line.line.xToCursor(x - line.left))
        for offset in range(max(0, near - 2), min(len(self._text), near + 2)):
            qt = self.to_qt(offset)
            width = 2 if ord(self._text[offset]) > 0xFFFF else 1
            if not line.start <= qt <= qt + width <= line.end:
                continue
            x1 = line.line.cursorToX(qt - line.block)[0] + line.left
            x2 = line.line.cursorToX(qt + width - line.block)[0] + line.left
            if min(x1, x2) <= x < max(x1, x2):
                return offset
        return None

    # ---------------------------------------------------------------------------- painting
    def _lines_in(self, rect: QRectF) -> list[_Line]:
        """Laid-out lines meeting `rect` (viewport coordinates), with their Qt position ranges.
        Those of the whole viewport are kept until it scrolls or resizes or the text, font or line
        room changes: adding a span asked for them three times (edit, selection, paint)."""
        if rect.top() < 0:
            return self._lay_out(rect)
        key = (
            self.firstVisibleBlock().blockNumber(),
            self.contentOffset(),
            self.viewport().size(),
            self.document().revision(),
            self.font().key(),
            self._layout.extra,
        )
        if key != self._lines_key:
            self._lines_key, self._lines = key, self._lay_out(QRectF(self.viewport().rect()))
        top, bottom, extra = rect.top(), min(rect.bottom(), self.viewport().height()), self._layout.extra
        return [line for line in self._lines if line.top <= bottom and line.top + line.height + extra >= top]

    def _lay_out(self, rect: QRectF) -> list[_Line]:
        """The lines meeting `rect`, read from the layout (`_lines_in` without keeping them)."""
        found: list[_Line] = []
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        top, left, extra = offset.y(), offset.x(), self._layout.extra
        bottom = min(rect.bottom(), self.viewport().height())
        while block.isValid() and top <= bottom:
            height = self.blockBoundingRect(block).height()
            if block.isVisible() and top + height >= rect.top():
                layout, position = block.layout(), block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    y = top + line.y()
                    if y > bottom:
                        break
                    if y + line.height() + extra >= rect.top():
                        start = position + line.textStart()
                        end = start + line.textLength()
                        tall = line.height()
                        rows = (math.floor(y), math.ceil(y + tall + extra) - 1)
                        found.append(
                            _Line(start, end, position, line, left, y, tall, line.ascent(), {}, rows)
                        )
            top += height
            block = block.next()
        return found

    def _keys_on(self, lines: list[_Line], index: SpanIndex | SpanSet) -> list[Key]:
        """The keys of `index` meeting `lines`: when these are strips far apart (an edit repaints
        the line of the span added and that of the span selected before), the spans and
        suggestions only between them are not looked at."""
        runs: list[tuple[int, int]] = []  # code points [low, high) of each run of adjoining lines
        for line in lines:
            low, high = self._visible_range([line])
            if runs and low <= runs[-1][1]:
                runs[-1] = (runs[-1][0], max(high, runs[-1][1]))
            else:
                runs.append((low, high))
        if len(runs) < 2:
            return index.overlapping(*runs[0]) if runs else []
        return index.overlapping_any(runs)

    def _fragments(self, lines: list[_Line], starts: list[int], start: int, end: int) -> list[tuple]:
        """One rectangle per line fragment of code points [start, end), with its line. The lines
        are in the document already, so the display mapping is used as is (`to_qt` may load)."""
        to_qt = self._display.to_qt
        qs, qe = to_qt(start), to_qt(end)
        found = []
        for line in islice(lines, max(0, bisect_right(starts, qs) - 1), None):
            if line.start >= qe:
                break
            a = qs if qs > line.start else line.start
            b = qe if qe < line.end else line.end
            if a < b:
                x1, x2 = line.x_of(a), line.x_of(b)
                left, width = (x1, x2 - x1) if x1 <= x2 else (x2, x1 - x2)
                found.append((QRectF(line.left + left, line.top, width, line.height), line))
        return found

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted_rect = event.rect()
        self.painted_span_count = self.painted_relation_count = 0
        if not self._text:
            return
        rows = _rows(event.region())
        lines = [line for line in self._lines_in(QRectF(event.rect())) if line.meets(rows)]
        self.painted_suggestion_count = 0
        if not lines:
            return
        low, high = self._visible_range(lines)
        keys = self._keys_on(lines, self._spans_before(high))
        self.painted_span_count = len(keys)
        hits = self._keys_on(lines, self._highlight_index)
        if not keys and not hits and not self._relations and not self._suggestions:
            return
        painter = QPainter(self.viewport())
        try:
            starts = [line.start for line in lines]
            if keys:
                self._paint_spans(painter, lines, starts, keys, self._spans.lanes_before(high))
            painter.setPen(QPen(HIGHLIGHT_LINE, 2))
            painter.setBrush(HIGHLIGHT_FILL)
            for start, neg_end, _ in hits:
                for rect, _line in self._fragments(lines, starts, start, -neg_end):
                    painter.drawRect(rect.adjusted(-1, 1, 1, -1))
            if self._relations:
                self._paint_relations(painter)
            if self._suggestions:
                self._paint_suggestions(painter, lines, starts)
        finally:
            painter.end()

    def _paint_suggestions(self, painter: QPainter, lines: list[_Line], starts: list[int]) -> None:
        """A dashed box in the label's colour around each visible suggestion, no fill (found in
        an index: a repetitive text can have thousands, and this runs at every paint). Boxes are
        drawn in the order given; one drawn over by a later box of the same range and weight in an
        opaque colour (a range suggested for several labels) would not show and is skipped. The
        pen is 1 px wide: Qt draws it ~7x as fast as a wider dashed one (stroked as a path)."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        keys = self._keys_on(lines, self._suggestion_index)
        self.painted_suggestion_count += len(keys)
        current, suggestions = self._current_suggestion, self._suggestions
        shown: list[int] = []
        covered: set[tuple[int, int, bool]] = set()
        for index in sorted((key[2] for key in keys), reverse=True):
            start, end, label = suggestions[index]
            box = (start, end, index == current)
            if box in covered:
                continue
            shown.append(index)
            if self._colors.get(label, _UNKNOWN_COLORS)[1].alpha() == 255:
                covered.add(box)
        pens: dict[tuple[str, bool], QPen] = {}
        drawing = None
        to_qt, first = self._display.to_qt, lines[0]
        for index in reversed(shown):
            start, end, label = suggestions[index]
            look = (label, index == current)
            if look != drawing:
                pen = pens.get(look)
                if pen is None:
                    color = self._colors.get(label, _UNKNOWN_COLORS)[1]
                    pen = pens[look] = QPen(color, 2.5 if look[1] else 1, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                drawing = look
            qs, qe = to_qt(start), to_qt(end)
            i = bisect_right(starts, qs) - 1
            line = lines[i] if i >= 0 else first
            if line.start <= qs and qe <= line.end:  # on one line, as most are: no list made
                x1, x2 = line.x_of(qs), line.x_of(qe)
                left, right = (x1, x2) if x1 <= x2 else (x2, x1)
                painter.drawRect(
                    QRectF(line.left + left - 1, line.top + 1, right - left + 2, line.height - 2)
                )
            else:
                for rect, _line in self._fragments(lines, starts, start, end):
                    painter.drawRect(rect.adjusted(-1, 1, 1, -1))

    def _paint_relations(self, painter: QPainter) -> None:
        """An arrow arching above the text from the source span to the target span, when both are
        on screen (a quote to the actor who said it). Laid out over the whole viewport, since an
        arrow crosses lines that a partial repaint does not include."""
        lines = self._lines_in(QRectF(self.viewport().rect()))
        if not lines:
            return
        starts = [line.start for line in lines]
        low, high = self._visible_range(lines)
        by_id = self._spans_before(high).by_id  # a span not indexed yet starts below the screen
        for from_id, to_id in self._relations:
            ends = [by_id.get(from_id), by_id.get(to_id)]
            if None in ends or any(span.end <= low or span.start >= high for span in ends):
                continue
            pieces = [[rect for rect, _ in self._fragments(lines, starts, s.start, s.end)] for s in ends]
            if not all(pieces):
                continue
            forward = ends[1].start >= ends[0].start  # join the facing ends of the two spans
            rects = (pieces[0][-1], pieces[1][0]) if forward else (pieces[0][0], pieces[1][-1])
            source, target = (QPointF(rect.center().x(), rect.top() + 1) for rect in rects)
            lift = min(48.0, 12.0 + abs(target.x() - source.x()) / 6 + abs(target.y() - source.y()) / 4)
            control = QPointF((source.x() + target.x()) / 2, min(source.y(), target.y()) - lift)
            path = QPainterPath(source)
            path.quadTo(control, target)
            color = self._colors.get(ends[0].label, _UNKNOWN_COLORS)[1]
            painter.setPen(QPen(color, 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            angle = math.atan2(target.y() - control.y(), target.x() - control.x())
            wing = [
                QPointF(target.x() - 7 * math.cos(angle + side), target.y() - 7 * math.sin(angle + side))
                for side in (0.45, -0.45)
            ]
            painter.setBrush(color)
            painter.drawPolygon(QPolygonF([target, *wing]))
            self.painted_relation_count += 1

    def _paint_spans(
        self, painter: QPainter, lines: list[_Line], starts: list[int], keys: list[Key], lanes: dict[int, int]
    ) -> None:
        """One fill per stretch of text (the innermost span's, never a blend), then one underline per
        span in its lane, the selected span's outline and, if asked, label tags at span starts."""
        by_id = self._spans.by_id
        for start, end, span_id in innermost_segments(keys):
            tint = self._colors.get(by_id[span_id].label, _UNKNOWN_COLORS)[0]
            for rect, _line in self._fragments(lines, starts, start, end):
                painter.fillRect(rect, tint)
        keys.sort(key=lambda key: lanes[key[2]])
        outline: list[QRectF] = []
        tags: dict[int, tuple[QColor, QRectF, _Line]] = {}
        pens: dict[str, QPen] = {}
        for start, neg_end, span_id in keys:
            label = by_id[span_id].label
            solid = self._colors.get(label, _UNKNOWN_COLORS)[1]
            pen = pens.get(label)
            if pen is None:
                pen = pens[label] = QPen(solid, self._stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            below = self._underline + min(lanes[span_id], MAX_LANES - 1) * self._gap
            for rect, line in self._fragments(lines, starts, start, -neg_end):
                y = line.top + line.ascent + below
                painter.drawLine(QLineF(rect.left(), y, rect.right(), y))
                if span_id == self._selected:  # inside the line's rows (see `_update_lines`)
                    height = line.ascent + self._lanes_depth - 1
                    outline.append(QRectF(rect.left() - 2, line.top + 1, rect.width() + 4, height))
                if self.show_tags and span_id not in tags:
                    tags[span_id] = (solid, rect, line)
        if tags:
            self._paint_tags(painter, tags)
        if outline:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in outline:
                painter.drawRect(rect)

    def _paint_tags(self, painter: QPainter, tags: dict[int, tuple[QColor, QRectF, _Line]]) -> None:
        """Small label names under the lanes where each span starts (not where it continues)."""
        metrics = QFontMetricsF(self._tag_font)
        painter.setFont(self._tag_font)
        text_color = self.palette().color(QPalette.ColorRole.Text)
        right_of: dict[float, float] = {}
        in_order = sorted(tags.items(), key=lambda tag: (tag[1][2].top, tag[1][1].left()))
        for span_id, (solid, rect, line) in in_order:
            span = self._spans.by_id[span_id]
            if self.to_qt(span.start) < line.start:
                continue  # the span started on an earlier line
            name = span.label
            width = metrics.horizontalAdvance(name) + 6
            left = max(rect.left(), right_of.get(line.top, -1e9) + 2)
            right_of[line.top] = left + width
            top = line.top + line.ascent + self._lanes_depth + 1
            box = QRectF(left, top, width, metrics.height())
            tint = QColor(solid)
            tint.setAlpha(40)
            painter.setPen(QPen(solid, 1))
            painter.setBrush(tint)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(text_color)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
