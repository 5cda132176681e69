"""The text view: code-point selection through real mouse and key events, the span overlay's
index and lanes, the display copy of long paragraphs and the exact offset mapping."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QRegion, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Span
from annotator.gui.span_set import SpanIndex, assign_lanes
from annotator.gui.text_view import MAX_LANES, DisplayText, TextView, snap_to_word_bounds

COLORS = {"claim": "#e6194b", "quote": "#3c8dde", "actor": "#2ca25f", "framing": "#f0a30a"}
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton
# 😀 is one code point (2 UTF-16 units), 🇺🇦 two code points (4 units), "e\u0301" a combining mark.
MIXED = "Hi 😀 and 🇺🇦 flag, cafe\u0301 nai\u0308ve end.\nمرحبا بالعالم يا صديقي\nlast line"


def span(span_id: int, start: int, end: int, label: str = "claim") -> Span:
    return Span(span_id, 1, start, end, label)


@pytest.fixture
def view(qtbot):
    widget = TextView()
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def caret_point(view: TextView, offset: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(offset))
    return view.cursorRect(cursor).center()


def glyph_point(view: TextView, offset: int) -> QPoint:
    """The middle of the glyph of code point `offset` (on its line)."""
    left, right = caret_point(view, offset), caret_point(view, offset + 1)
    return QPoint((left.x() + right.x()) // 2, left.y())


def drag(qtbot, view: TextView, start: int, end: int) -> None:
    a, b = caret_point(view, start), caret_point(view, end)
    qtbot.mousePress(view.viewport(), LEFT, pos=a)
    qtbot.mouseMove(view.viewport(), b)
    qtbot.mouseRelease(view.viewport(), LEFT, pos=b)


def place_cursor(view: TextView, offset: int) -> None:
    view.select_range(offset, offset)


# --------------------------------------------------------------------------- mouse and keyboard
def test_mouse_drag_selects_code_points_across_emoji_flag_and_combining_marks(qtbot, view):
    view.set_article(MIXED, [], COLORS)
    view.snap_to_words = False
    start, end = MIXED.index("😀"), MIXED.index(" nai")
    drag(qtbot, view, start, end)
    assert view.selected_range() == (start, end)
    assert MIXED[start:end] == "😀 and 🇺🇦 flag, cafe\u0301"


def test_mouse_drag_backwards_in_arabic_text(qtbot, view):
    view.set_article(MIXED, [], COLORS)
    view.snap_to_words = False
    word = MIXED.index("بالعالم")
    drag(qtbot, view, word + 5, word + 2)
    assert view.selected_range() == (word + 2, word + 5)


def test_mouse_drag_snaps_to_words_when_on(qtbot, view):
    view.set_article(MIXED, [], COLORS)
    start = MIXED.index("flag") + 1
    drag(qtbot, view, start, MIXED.index("cafe") + 2)
    assert view.selected_range() == (MIXED.index("flag"), MIXED.index(" nai"))


def test_shift_right_extends_by_whole_characters(qtbot, view):
    view.set_article(MIXED, [], COLORS)
    view.snap_to_words = False
    emoji = MIXED.index("😀")
    place_cursor(view, emoji)
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert view.selected_range() == (emoji, emoji + 1)
    flag = MIXED.index("🇺🇦")
    place_cursor(view, flag)
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert view.selected_range() == (flag, flag + 2)
    accented = MIXED.index("e\u0301")
    place_cursor(view, accented)
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert view.selected_range() == (accented, accented + 2)


def test_ctrl_shift_right_selects_word_by_word(qtbot, view):
    text = "alpha beta, gamma"
    view.set_article(text, [], COLORS)
    place_cursor(view, 0)
    view.snap_to_words = False
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL_SHIFT)
    assert view.selected_range() == (0, 6)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL_SHIFT)
    view.snap_to_words = True
    assert view.selected_range() == (0, 10)


def test_snap_to_words_on_and_off(view):
    text = "The U.S.-China talks  resumed."
    view.set_article(text, [], COLORS)
    view.select_range(5, 12)  # "S.-Chin"
    view.snap_to_words = False
    assert view.selected_range() == (5, 12)
    view.snap_to_words = True
    assert view.selected_range() == (5, 14)
    view.select_range(19, 23)  # "s  r"
    assert view.selected_range() == (15, 29)
    view.select_range(20, 22)  # whitespace only
    assert view.selected_range() is None
    view.snap_to_words = False
    assert view.selected_range() == (20, 22)
    view.select_range(4, 4)
    assert view.selected_range() is None


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("cafe\u0301 au lait", 1, 4, (0, 5)),
        ("مرحبا بالعالم", 8, 10, (6, 13)),
        ("  padded  ", 0, 10, (2, 8)),
        ("(quoted) word", 0, 3, (0, 7)),
        ("a😀b", 0, 2, (0, 2)),
    ],
)
def test_snap_to_word_bounds(text, start, end, expected):
    assert snap_to_word_bounds(text, start, end) == expected


# ------------------------------------------------------------------------------------- mapping
# Emoji and a flag (astral), combining marks, Arabic, CJK, Qt's line/paragraph separators and the
# frame markers Qt turns into paragraph breaks, NUL, byte order marks, no-break space, tab.
MAPPING_ALPHABET = st.sampled_from(
    list("ab  \n😀🇺🇦e\u0301مر\u2028\u2029中。\u200d\ufdd0\ufdd1\x00\ufeff\ufffe\u00a0\t")
)
SHOWN_AS_PARAGRAPH_END = " \n\u2029\ufdd0\ufdd1"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(MAPPING_ALPHABET, max_size=60).map("".join))
def test_offsets_round_trip_through_qt(qtbot, text):
    view = TextView(block_limit=7)
    qtbot.addWidget(view)
    view.set_article(text, [], COLORS)
    document = view.document()
    assert document.characterCount() - 1 == view.to_qt(len(text))
    positions = [view.to_qt(cp) for cp in range(len(text) + 1)]
    assert positions == sorted(set(positions))
    assert [view.to_code_point(qt) for qt in positions] == list(range(len(text) + 1))
    cursor = QTextCursor(document)
    for cp, char in enumerate(text):
        cursor.setPosition(positions[cp])
        cursor.setPosition(
            positions[cp] + len(char.encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor
        )
        shown = cursor.selectedText()
        if cp == 0 and char in "\ufeff\ufffe":
            continue  # shown as a same-length stand-in (see the next test)
        assert shown == char or (char in SHOWN_AS_PARAGRAPH_END and shown == "\u2029"), (cp, char, shown)
    for qt in range(positions[-1] + 1):
        down, up = view.to_code_point(qt), view.to_code_point(qt, round_up=True)
        assert down <= up <= down + 1


@given(
    text=st.text(st.sampled_from("ab 中。\n😀\u0301"), max_size=300),
    limit=st.integers(min_value=4, max_value=40),
)
def test_display_text_breaks_long_paragraphs_and_maps_exactly(text, limit):
    display = DisplayText(text, limit)
    assert len(display.text) == len(text) + len(display.inserted)
    assert all(len(block) <= limit + 100 for block in display.text.split("\n"))
    assert [display.to_code_point(display.to_qt(cp)) for cp in range(len(text) + 1)] == list(
        range(len(text) + 1)
    )


def test_line_and_paragraph_separators_keep_their_position(view):
    text = "one\u2028two\u2029three\r\nfour"
    view.set_article(text, [span(1, text.index("two"), text.index("four"))], COLORS)
    assert view.document().characterCount() - 1 == len(text)
    view.select_range(text.index("two"), text.index("four"))
    view.snap_to_words = False
    assert view.selected_range() == (text.index("two"), text.index("four"))


@pytest.mark.parametrize("mark", ["\ufeff", "\ufffe"])
def test_leading_byte_order_marks_keep_the_text_and_its_offsets(view, mark):
    text = mark + "ab 😀 cd"
    view.set_article(text, [], COLORS)
    assert view.document().characterCount() - 1 == view.to_qt(len(text))
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(1))
    cursor.setPosition(view.to_qt(len(text)), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == text[1:]


def test_text_is_shown_as_plain_text(view):
    text = "<b>bold</b> &amp; <script>x</script>"
    view.set_article(text, [], COLORS)
    assert view.document().characterCount() - 1 == len(text)
    assert view.canonical_text == text


# ------------------------------------------------------------------------------ long paragraphs
def test_long_paragraph_is_broken_for_display_only(qtbot, view):
    rng = random.Random(3)
    text = " ".join(rng.choice(["media", "claim", "😀", "said", "café"]) for _ in range(12_000))
    view.set_article(text, [span(1, 100, 9_000)], COLORS)
    assert "\n" not in text and view.canonical_text == text
    lengths = []
    block = view.document().firstBlock()
    while block.isValid():
        end = block.position() + block.length() - 1
        lengths.append(view.to_code_point(end) - view.to_code_point(block.position()))
        block = block.next()
    assert len(lengths) > 10 and max(lengths) <= 2_100
    assert view.document().characterCount() - 1 == view.to_qt(len(text))
    view.snap_to_words = False
    view.select_range(1_990, 6_020)
    assert view.selected_range() == (1_990, 6_020)
    view.copy()
    assert QApplication.clipboard().text() == text[1_990:6_020]
    assert view.spans_at(5_000)[0].id == 1


def test_long_paragraph_without_spaces_gets_breaks_the_mapping_skips(view):
    text = "新闻报道说，市场今天上涨。" * 800
    view.set_article(text, [span(1, 3_000, 3_010)], COLORS)
    inserted = view.document().characterCount() - 1 - len(text)
    assert inserted >= 5
    assert view.to_qt(len(text)) == len(text) + inserted
    view.snap_to_words = False
    view.select_range(2_990, 4_030)
    assert view.selected_range() == (2_990, 4_030)
    view.copy()
    assert QApplication.clipboard().text() == text[2_990:4_030]


# -------------------------------------------------------------------------------- clicks, spans
NESTED = "Lavrov said the talks were over and nothing would change at all."


def nested_spans() -> list[Span]:
    quote = span(1, 0, 40, "quote")
    actor = span(2, 0, 6, "actor")
    claim = span(3, 12, 26, "claim")
    framing = span(4, 0, len(NESTED), "framing")
    return [quote, actor, claim, framing]


def test_spans_at_returns_innermost_first(view):
    view.set_article(NESTED, nested_spans(), COLORS)
    assert [s.id for s in view.spans_at(2)] == [2, 1, 4]
    assert [s.id for s in view.spans_at(45)] == [4]
    assert view.spans_at(len(NESTED)) == []


def test_click_emits_innermost_span(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    with qtbot.waitSignal(view.span_clicked) as clicked:
        qtbot.mouseClick(view.viewport(), LEFT, pos=glyph_point(view, 2))
    assert clicked.args == [2]
    assert view.selected_span() == 2
    with qtbot.waitSignal(view.span_clicked) as clicked:
        qtbot.mouseClick(view.viewport(), LEFT, pos=glyph_point(view, 30))
    assert clicked.args == [1]


def test_click_on_a_deeper_underline_selects_that_span(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    assert [view.span_lane(i) for i in (4, 1, 2)] == [0, 1, 2]
    point = glyph_point(view, 2)
    cursor = QTextCursor(view.document())
    line_top = view.cursorRect(cursor).top()
    ascent = QFontMetricsF(view.font()).ascent()
    tried = 0
    for lane, expected in [(0, 4), (1, 1), (2, 2)]:
        y = line_top + ascent + view._underline + lane * view._gap
        if y < line_top + QFontMetricsF(view.font()).height():
            continue  # inside the glyph box: the innermost span wins there
        with qtbot.waitSignal(view.span_clicked) as clicked:
            qtbot.mouseClick(view.viewport(), LEFT, pos=QPoint(point.x(), round(y)))
        assert clicked.args == [expected]
        tried += 1
    assert tried >= 2


def test_click_outside_spans_clears_the_selection(qtbot, view):
    view.set_article(NESTED + "\n\nfree text", nested_spans(), COLORS)
    view.set_selected_span(3)
    with qtbot.waitSignal(view.span_selection_changed) as changed:
        with qtbot.assertNotEmitted(view.span_clicked):
            qtbot.mouseClick(view.viewport(), LEFT, pos=glyph_point(view, len(NESTED) + 4))
    assert changed.args == [None]
    assert view.selected_span() is None


def test_drag_over_a_span_selects_text_not_the_span(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    with qtbot.assertNotEmitted(view.span_clicked):
        drag(qtbot, view, 1, 9)
    assert view.selected_range() == (0, 11)
    assert view.selected_span() is None


def test_tab_cycles_spans_in_text_order(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    seen = []
    view.span_selection_changed.connect(seen.append)
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert seen == [4, 1, 2, 3, 4]
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    qtbot.keyClick(view, Qt.Key.Key_Tab, SHIFT)
    assert seen[-2:] == [3, 2]
    view.select_next_span(backwards=True)
    assert view.selected_span() == 1


def test_tab_without_selection_starts_at_the_cursor(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    place_cursor(view, 10)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span() == 3


def test_set_selected_span_scrolls_into_view_and_emits_once(qtbot, view):
    text = "\n".join(f"Paragraph {i} with a few words in it." for i in range(400))
    far = text.index("Paragraph 390")
    view.set_article(text, [span(1, 5, 9), span(2, far, far + 9)], COLORS)
    with qtbot.waitSignal(view.span_selection_changed) as changed:
        view.set_selected_span(2)
    assert changed.args == [2]
    point = caret_point(view, far)
    assert view.viewport().rect().contains(point)
    with qtbot.assertNotEmitted(view.span_selection_changed):
        view.set_selected_span(2)
    with qtbot.waitSignal(view.span_selection_changed) as changed:
        view.set_selected_span(999)
    assert changed.args == [None]


def test_set_spans_keeps_scroll_and_drops_a_deleted_selection(qtbot, view):
    text = "\n".join(f"Paragraph {i} with a few words in it." for i in range(400))
    spans = [span(i + 1, i * 40, i * 40 + 9) for i in range(300)]
    view.set_article(text, spans, COLORS)
    view.set_selected_span(250)
    position = view.verticalScrollBar().value()
    assert position > 0
    with qtbot.waitSignal(view.span_selection_changed) as changed:
        view.set_spans([s for s in spans if s.id != 250])
    assert changed.args == [None]
    assert view.verticalScrollBar().value() == position
    view.set_article(text, spans, COLORS)
    assert view.verticalScrollBar().value() == 0


def test_set_article_resets_selection_and_highlights(qtbot, view):
    view.set_article(NESTED, nested_spans(), COLORS)
    view.set_selected_span(1)
    view.set_highlights([(0, 6)])
    with qtbot.waitSignal(view.span_selection_changed) as changed:
        view.set_article("other text", [], COLORS)
    assert changed.args == [None]
    assert view.highlight_ranges() == []
    assert view.spans == []


# -------------------------------------------------------------------------------------- lanes
def test_assign_lanes_for_overlapping_and_nested_spans():
    assert assign_lanes([]) == []
    assert assign_lanes([(0, 10), (2, 5), (3, 8), (6, 9), (10, 12)]) == [0, 1, 2, 1, 0]
    assert assign_lanes([(5, 6), (0, 10), (0, 20)]) == [2, 1, 0]
    assert assign_lanes([(0, 4), (4, 8), (8, 12)]) == [0, 0, 0]
    assert assign_lanes([(i, 100) for i in range(6)]) == [0, 1, 2, 3, 4, 5]


def current_lanes(view: TextView) -> list[int | None]:
    return [view.span_lane(s.id) for s in view.spans]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    edits=st.lists(st.sampled_from(["add", "remove", "move", "relabel", "recreate"]), max_size=25),
)
def test_lanes_after_edits_match_a_fresh_assignment(qtbot, seed, edits):
    rng = random.Random(seed)
    view = TextView()
    qtbot.addWidget(view)

    def random_span(span_id: int) -> Span:
        start = rng.randrange(0, 180)
        return span(span_id, start, start + rng.randrange(1, 40), rng.choice(list(COLORS)))

    spans = [random_span(i) for i in range(1, 30)]
    view.set_article("x" * 220, spans, COLORS)
    next_id = 100
    for edit in edits:
        if edit == "add" or not spans:
            spans.append(random_span(next_id))
            next_id += 1
        elif edit == "remove":
            spans.pop(rng.randrange(len(spans)))
        elif edit == "move":
            i = rng.randrange(len(spans))
            spans[i] = random_span(spans[i].id)
        elif edit == "relabel":
            i = rng.randrange(len(spans))
            spans[i] = span(spans[i].id, spans[i].start, spans[i].end, "framing")
        else:
            spans = [span(s.id, s.start, s.end, s.label) for s in spans]
        view.set_spans(list(spans))
        if rng.random() < 0.5:  # sometimes let a paint compute lanes lazily in between
            view.span_lane(spans[rng.randrange(len(spans))].id)
    assert current_lanes(view) == assign_lanes([(s.start, s.end) for s in spans])


def test_set_spans_with_recreated_objects_updates_only_what_changed(view):
    rng = random.Random(5)
    spans = [span(i, (p := rng.randrange(5_000)), p + rng.randrange(1, 80)) for i in range(1, 1_001)]
    view.set_article("word " * 1_100, spans, COLORS)
    recreated = [span(s.id, s.start, s.end, s.label) for s in spans[1:]] + [span(2_000, 10, 20, "quote")]
    view.set_spans(recreated)
    assert 1 not in {s.id for s in view.spans_at(spans[0].start)}
    assert 2_000 in {s.id for s in view.spans_at(15)}
    assert current_lanes(view) == assign_lanes([(s.start, s.end) for s in recreated])


# ------------------------------------------------------------------------------------ painting
def test_only_spans_near_the_visible_text_are_painted(view):
    text = "\n".join("Some ordinary words in a paragraph of the article text." for _ in range(3_000))
    rng = random.Random(1)
    spans = [span(i, (p := rng.randrange(len(text) - 50)), p + rng.randrange(1, 50)) for i in range(5_000)]
    view.set_article(text, spans, COLORS)
    view.set_highlights([(0, 4), (len(text) - 10, len(text))])
    view.set_selected_span(spans[0].id)
    view.viewport().repaint()
    assert 0 < view.painted_span_count < 100
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    view.viewport().repaint()
    assert 0 < view.painted_span_count < 100


def test_a_span_gets_one_rectangle_per_wrapped_line(view):
    text = "word " * 200
    view.set_article(text, [span(1, 7, 700)], COLORS)
    rects = view.span_rects(1)
    tops = [round(rect.top()) for rect in rects]
    assert len(rects) > 3 and tops == sorted(set(tops))
    first, last = caret_point(view, 7), caret_point(view, 700)
    assert abs(rects[0].left() - first.x()) <= 1.5
    assert abs(rects[-1].right() - last.x()) <= 1.5
    assert rects[0].top() <= first.y() <= rects[0].bottom()
    assert view.span_rects(99) == []


def test_copy_puts_the_canonical_text_on_the_clipboard(qtbot, view):
    text = "one two " * 600
    view.set_article(text, [], COLORS)
    view.select_range(1_990, 2_030)
    view.copy()
    assert QApplication.clipboard().text() == text[1_990:2_030]
    QApplication.clipboard().clear()
    view.select_range(3_990, 4_030)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text[3_990:4_030]


def test_lines_leave_room_for_stacked_underlines(view):
    view.set_article("one\ntwo", [], COLORS)
    first, second = caret_point(view, 0), caret_point(view, 4)
    metrics = QFontMetricsF(view.font())
    assert second.y() - first.y() >= metrics.height() + (MAX_LANES - 1) * view._gap


def test_highlights_are_clamped_sorted_and_replaced(view):
    text = "a" * 45
    view.set_article(text, [], COLORS)
    view.set_highlights([(10, 14), (0, 3), (3, 3), (-5, 2), (40, 999)])
    assert view.highlight_ranges() == [(0, 2), (0, 3), (10, 14), (40, 45)]
    view.viewport().repaint()
    view.set_highlights([])
    assert view.highlight_ranges() == []


def test_zoom_changes_the_font_size_and_line_room(view):
    base = view.font().pointSizeF()
    extra = view._layout.extra
    view.set_zoom(6)
    assert view.font().pointSizeF() == base + 6
    assert view._layout.extra >= extra
    view.zoom_out()
    assert view.font().pointSizeF() == base + 5
    view.zoom_in()
    view.zoom_in()
    assert view.zoom_steps() == 7
    view.set_zoom(-100)
    assert view.font().pointSizeF() >= 4


def settle(view: TextView) -> None:
    """Let the scroll bar appear (a resize repaints everything), then paint it all once."""
    QApplication.processEvents()
    QApplication.processEvents()
    view.viewport().repaint()


def lane_of(view: TextView, span_id: int) -> int:
    return min(view.span_lane(span_id), MAX_LANES - 1)


def test_adding_a_span_repaints_only_its_lines_and_those_whose_lanes_moved(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(40))
    second_line = text.index("Paragraph 1 ")
    long_span = span(1, second_line + 12, text.index("Paragraph 6 "))  # lines 2 to 6, lane 0
    view.set_article(text, [long_span], COLORS)
    settle(view)
    full = view.viewport().rect()

    view.update_spans([], [span(2, 0, 9)])  # a short span on the first line
    qtbot.waitUntil(lambda: view.painted_rect.height() < full.height())
    first_line = view.cursorRect(QTextCursor(view.document())).center()
    assert view.painted_rect.contains(first_line)
    assert view.painted_rect.bottom() < caret_point(view, second_line).y()
    assert 2 in {s.id for s in view.spans_at(4)}

    view.viewport().repaint()
    view.update_spans([], [span(3, second_line, text.index("Paragraph 8 "))])  # starts first: lane 0
    assert lane_of(view, 1) == 1
    qtbot.waitUntil(lambda: view.painted_rect.top() > 0)
    covered = view.painted_rect
    assert covered.contains(caret_point(view, text.index("Paragraph 5 ")))  # the moved underline
    assert covered.contains(caret_point(view, text.index("Paragraph 7 ")))  # the new span's end


def test_spans_sharing_the_last_lane_are_repainted_when_an_edit_swaps_their_order(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(4))
    end = len(text)
    outer = [span(n + 1, 0, end - n, "framing") for n in range(MAX_LANES - 1)]  # lanes 0 to 2
    first, second = span(10, 5, end - 4, "claim"), span(11, 10, end - 5, "quote")  # lanes 3 and 4
    view.set_article(text, [*outer, first, second], COLORS)
    settle(view)
    assert (view.span_lane(10), view.span_lane(11)) == (MAX_LANES - 1, MAX_LANES)

    view.painted_rect = None
    view.update_spans([], [span(12, 3, 8, "actor")])  # takes lane 3 until the second span starts
    assert (view.span_lane(10), view.span_lane(11)) == (MAX_LANES, MAX_LANES - 1)
    qtbot.waitUntil(lambda: view.painted_rect is not None)
    last_line = caret_point(view, text.index("Paragraph 3 "))
    assert view.painted_rect.contains(last_line)  # the two underlines in the last lane swapped
    viewport = view.viewport()
    shown = view.screen().grabWindow(view.winId()).toImage()
    at = viewport.mapTo(view, QPoint(0, 0))
    shown = shown.copy(at.x(), at.y(), viewport.width(), viewport.height())
    fresh = viewport.grab().toImage()  # painted anew, all of it
    assert shown.convertToFormat(fresh.format()) == fresh


def test_selecting_a_span_repaints_only_the_old_and_new_outline(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(40))
    third = span(2, text.index("Paragraph 3 "), text.index("Paragraph 4 "))
    view.set_article(text, [span(1, 0, 9), third], COLORS)
    settle(view)
    view.set_selected_span(2)
    qtbot.waitUntil(lambda: view.painted_rect.top() > 0)
    assert view.painted_rect.contains(caret_point(view, text.index("Paragraph 3 ")))
    assert view.painted_rect.bottom() < caret_point(view, text.index("Paragraph 5 ")).y()
    view.viewport().repaint()
    view.set_selected_span(1)
    qtbot.waitUntil(lambda: view.painted_rect.top() < 5 and view.painted_rect.height() < 300)
    assert view.painted_rect.contains(caret_point(view, text.index("Paragraph 3 ")))
    assert view.painted_rect.contains(caret_point(view, 4))


def test_a_long_text_shows_its_start_at_once_and_loads_the_rest_from_the_event_loop(qtbot, view):
    text = "\n".join(f"Paragraph {n} 😀 says the minister will resume talks." for n in range(6_000))
    last = text.index("Paragraph 5999 ")
    view.set_article(text, [span(1, 0, 9), span(2, last, last + 9)], COLORS)
    assert view.loading
    assert view.document().characterCount() - 1 < view._display.to_qt(len(text))
    view.viewport().repaint()
    assert view.painted_span_count == 1
    qtbot.waitUntil(lambda: not view.loading)
    assert view.document().toPlainText() == text


def test_reaching_into_the_unloaded_end_of_a_long_text_loads_it_first(qtbot, view):
    text = "\n".join(f"Paragraph {n} 😀 says the minister will resume talks." for n in range(6_000))
    last = text.index("Paragraph 5999 ")
    view.set_article(text, [span(1, last, last + 9)], COLORS)
    view.set_selected_span(1)  # scrolls there
    assert not view.loading
    view.snap_to_words = False
    view.select_range(last + 15, last + 18)
    assert text[slice(*view.selected_range())] == "😀 s"
    view.viewport().repaint()
    assert view.painted_span_count == 1


def test_suggestions_given_again_repaint_only_those_that_changed(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(40))
    third = text.index("Paragraph 3 ")
    view.set_article(text, [], COLORS)
    view.set_suggestions([(0, 9, "actor")])
    settle(view)
    view.painted_rect = None
    view.set_suggestions([(0, 9, "actor")])
    QApplication.processEvents()
    assert view.painted_rect is None
    view.set_suggestions([(0, 9, "actor"), (third, third + 9, "claim")], current=1)
    qtbot.waitUntil(lambda: view.painted_rect is not None)
    assert view.painted_rect.contains(caret_point(view, third + 4))
    assert not view.painted_rect.contains(caret_point(view, 4))
    assert view.suggestion_ranges() == [(0, 9, "actor"), (third, third + 9, "claim")]


def test_a_new_current_suggestion_repaints_the_lines_of_the_old_and_new_current_only(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(40))
    first, third, sixth = (text.index(f"Paragraph {n} ") for n in (0, 3, 6))
    view.set_article(text, [], COLORS)
    view.set_suggestions([(s, s + 9, "actor") for s in (first, third, sixth)], current=0)
    settle(view)
    view.painted_rect = None
    view.set_current_suggestion(0)
    QApplication.processEvents()
    assert view.painted_rect is None
    view.set_current_suggestion(1)
    qtbot.waitUntil(lambda: view.painted_rect is not None)
    assert view.painted_rect.contains(caret_point(view, first + 4))
    assert view.painted_rect.contains(caret_point(view, third + 4))
    assert not view.painted_rect.contains(caret_point(view, sixth + 4))
    view.painted_rect = None
    view.set_current_suggestion(None)
    qtbot.waitUntil(lambda: view.painted_rect is not None)
    assert view.painted_rect.contains(caret_point(view, third + 4))
    assert not view.painted_rect.contains(caret_point(view, first + 4))


@pytest.mark.parametrize("odd", ["\r", "\ud800", "\udfff"])
def test_a_carriage_return_or_a_lone_surrogate_keeps_the_offsets_after_it(view, odd):
    text = f"ab 😀{odd}cd 😀 ef"
    view.set_article(text, [], COLORS)
    assert view.document().characterCount() - 1 == view.to_qt(len(text))
    view.snap_to_words = False
    view.select_range(text.index("cd"), len(text))
    assert view.textCursor().selectedText() == "cd 😀 ef"
    assert view.selected_range() == (text.index("cd"), len(text))


def rendered(view: TextView, region: QRegion | None = None) -> QImage:
    """The viewport painted into an image: all of it, or only `region` (white elsewhere)."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    region = region or QRegion(view.viewport().rect())
    view.viewport().render(image, region.boundingRect().topLeft(), region)
    return image


def line_box(view: TextView, offset: int) -> QRect:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(offset))
    return view.cursorRect(cursor)


def test_a_partial_repaint_draws_what_a_full_one_draws_in_its_strips(qtbot, view):
    text = " ".join(["the minister said talks would resume"] * 60)
    words = [(i, i + 8) for i in range(0, len(text) - 8, 37)]
    view.set_article(text, [span(1, 4, 40), span(2, 20, 90, "quote"), span(3, 300, 330)], COLORS)
    view.set_suggestions([(s, e, label) for s, e in words for label in ("actor", "claim")], current=3)
    view.set_highlights([(41, 49), (400, 420), (510, 530)])
    view.set_selected_span(3)
    settle(view)
    width = view.viewport().width()
    first, second, third = (line_box(view, offset) for offset in (30, 410, 520))
    strips = QRegion(0, first.top() - 2, width, first.height() + 4)
    strips += QRegion(0, second.top() + 1, width, 1)  # the top edge of the boxes only
    strips += QRegion(0, third.bottom() - 1, width, 1)  # their bottom edge only
    full, part = rendered(view), rendered(view, strips)
    assert view.painted_suggestion_count > 0 and view.painted_span_count > 0
    for rect in strips:
        assert part.copy(rect) == full.copy(rect)


@pytest.mark.parametrize("tags", [False, True])
def test_each_line_draws_only_in_its_own_rows_so_repainting_one_draws_no_other(qtbot, view, tags):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(6))
    starts = [text.index(f"Paragraph {n} ") for n in range(6)]
    view.set_article(text, [span(n + 1, s, s + 11, "quote") for n, s in enumerate(starts)], COLORS)
    view.set_show_tags(tags)
    view.set_suggestions([(s + 12, s + 16, "actor") for s in starts], current=2)
    view.set_highlights([(s + 17, s + 25) for s in starts])
    view.set_selected_span(3)  # outlined, on the third line
    settle(view)
    full = rendered(view)
    tops = [line_box(view, s).top() for s in starts]
    for n in range(1, 5):
        rows = QRegion(0, tops[n], view.viewport().width(), tops[n + 1] - tops[n])
        assert rendered(view, rows).copy(rows.boundingRect()) == full.copy(rows.boundingRect())
        assert (view.painted_span_count, view.painted_suggestion_count) == (1, 1)


def test_suggestions_of_one_range_for_several_labels_show_the_last_and_the_current(qtbot, view):
    text = "the minister said talks would resume"
    view.set_article(text, [], COLORS)
    view.set_suggestions([(4, 12, "claim")])
    settle(view)
    last_only = rendered(view)
    view.set_suggestions([(4, 12, "actor"), (4, 12, "quote"), (4, 12, "claim")])
    assert rendered(view) == last_only
    assert view.painted_suggestion_count == 3
    view.set_current_suggestion(0)
    assert rendered(view) != last_only


def test_lines_kept_for_the_viewport_follow_scrolling_resizing_zoom_and_new_text(qtbot, view):
    text = "\n".join(f"Paragraph {n} says the minister will resume talks." for n in range(80))
    view.set_article(text, [span(1, text.index("Paragraph 30 "), text.index("Paragraph 31 "))], COLORS)
    settle(view)

    def laid_out() -> list[tuple]:
        found = view._lines_in(QRectF(view.viewport().rect()))
        fresh = view._lay_out(QRectF(view.viewport().rect()))
        assert [(line.start, line.end, line.top, line.height) for line in found] == [
            (line.start, line.end, line.top, line.height) for line in fresh
        ]
        return [(line.start, line.top) for line in found]

    first = laid_out()
    view.set_selected_span(1)  # scrolls
    scrolled = laid_out()
    assert scrolled != first
    view.resize(300, 360)
    QApplication.processEvents()
    assert laid_out() != scrolled
    view.zoom_in()
    QApplication.processEvents()
    zoomed = laid_out()
    view.set_show_tags(True)
    QApplication.processEvents()
    assert laid_out() != zoomed
    view.set_article("Another text, short.", [], COLORS)
    QApplication.processEvents()
    assert laid_out()[0][0] == 0 and len(laid_out()) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 300)), max_size=60),
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 60)), min_size=1, max_size=4),
)
def test_keys_meeting_any_of_several_ranges_come_in_the_order_of_one_look_up(spans, ranges):
    index = SpanIndex((start, -(start + length), i) for i, (start, length) in enumerate(spans))
    ranges = [(low, low + width) for low, width in ranges]
    everything = index.overlapping(0, 10_000)
    expected = [key for key in everything if any(key[0] < high and -key[1] > low for low, high in ranges)]
    assert index.overlapping_any(ranges) == expected
