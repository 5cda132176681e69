"""A long article is painted before all its spans are read (issue 16): its first screens are
drawn from the spans that start there, with the palette counts and the span list's count from
the store; every span is indexed, listed and counted right after that first paint, or at once
when something needs one that is not read yet."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.span_set import assign_lanes
from annotator.gui.suggestions import SOURCES_KEY
from annotator.gui.text_view import FIRST_LOAD

PARAGRAPH = "The minister 😀 said talks would resume after new sanctions; Лавров قال café naïve."
LABELS = ("claim", "quote", "actor", "framing")


@pytest.fixture
def store(tmp_path):
    rng = random.Random(16)
    text = "\n".join(PARAGRAPH for _ in range(3 * FIRST_LOAD // len(PARAGRAPH)))
    spans = []
    for _ in range(600):  # short and long, overlapping and nested, some across FIRST_LOAD
        length = rng.choice([rng.randint(3, 40), rng.randint(40, 900), 20_000])
        start = rng.randrange(len(text) - length)
        spans.append(NewSpan(start, start + length, rng.choice(LABELS)))
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles(
        [NewArticle("Short", "Nothing here yet."), NewArticle("Long", text, spans=tuple(spans))]
    )
    yield store
    store.close()


@pytest.fixture
def long_window(window, store):
    window.settings.setValue(SOURCES_KEY, [])  # the list holds spans only
    window.span_dock.show()
    return window


def in_text_order(store, article_id):
    return sorted(store.spans(article_id), key=lambda s: (s.start, -s.end, s.id))


def test_a_long_article_is_painted_from_its_first_spans_as_it_would_be_from_all(qtbot, long_window, store):
    window, long_id = long_window, store.article_ids()[1]
    view, model = window.text_view, window.span_list.model
    spans = in_text_order(store, long_id)
    window.open_article(long_id)
    view.viewport().repaint()
    assert view.spans_pending and window.editor.unfinished, "the rest waits for the event loop"
    bottom = view.to_code_point(view.cursorForPosition(view.viewport().rect().bottomRight()).position())
    by_id = sorted(spans, key=lambda s: s.id)
    lanes = dict(zip((s.id for s in by_id), assign_lanes([(s.start, s.end) for s in by_id]), strict=True))
    shown = [s for s in spans if s.start <= bottom]
    assert shown and view.painted_span_count > 0
    assert {s.id: view.span_lane(s.id) for s in shown} == {s.id: lanes[s.id] for s in shown}
    for offset in range(0, bottom, 97):
        covering = sorted(
            (s for s in spans if s.start <= offset < s.end), key=lambda s: (s.end - s.start, -s.start, s.id)
        )
        assert [s.id for s in view.spans_at(offset)] == [s.id for s in covering]
    assert view.spans_pending, "nothing on the first screen needed the others"
    assert window.palette.counts == Counter(s.label for s in spans)
    assert window.span_list.count.text() == f"{len(spans):,} spans" and view.span_count == len(spans)
    assert [model.span_id(row) for row in range(20)] == [s.id for s in spans[:20]]

    qtbot.waitUntil(lambda: not window.editor.unfinished)
    assert not view.spans_pending
    assert model.ids == [s.id for s in spans] and model.rowCount() == len(spans)
    assert window.palette.counts == Counter(s.label for s in spans)


def test_a_span_added_before_the_rest_is_read_is_counted_and_listed_once(qtbot, long_window, store):
    window, long_id = long_window, store.article_ids()[1]
    view, model = window.text_view, window.span_list.model
    before = Counter(s.label for s in store.spans(long_id))
    window.open_article(long_id)
    assert window.editor.unfinished
    view.snap_to_words = False
    view.select_range(4, 12)
    qtbot.keyClick(view, Qt.Key.Key_C)  # no event loop turn in between: the rest is not read yet
    made = view.selected_span()
    assert store.span(made).label == "claim" and not window.editor.unfinished
    assert window.palette.counts == before + Counter({"claim": 1})
    assert model.rowCount() == before.total() + 1 and model.ids.count(made) == 1
    assert window.span_list.count.text() == f"{before.total() + 1:,} spans"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.palette.counts == before and model.rowCount() == before.total()


def test_the_last_span_is_reached_and_deleted_before_the_rest_is_read(qtbot, long_window, store):
    window, long_id = long_window, store.article_ids()[1]
    view, model, table = window.text_view, window.span_list.model, window.span_list.table
    spans = in_text_order(store, long_id)
    window.open_article(long_id)
    assert window.editor.unfinished
    qtbot.keyClick(view, Qt.Key.Key_Backtab)  # from the caret at the top back to the last span
    last = spans[-1]
    assert last.start > FIRST_LOAD and view.selected_span() == last.id
    assert table.currentIndex().row() == len(spans) - 1 and window.details.span.id == last.id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert last.id not in {s.id for s in store.spans(long_id)}
    assert model.rowCount() == len(spans) - 1 and last.id not in model.ids
    assert window.palette.counts[last.label] == Counter(s.label for s in spans)[last.label] - 1
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.rowCount() == len(spans)


def test_a_sorted_span_list_lists_every_span_of_a_long_article_at_once(qtbot, long_window, store):
    window, long_id = long_window, store.article_ids()[1]
    header = window.span_list.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    window.open_article(long_id)
    model = window.span_list.model
    assert not window.editor.unfinished and model.rowCount() == len(store.spans(long_id))
    labels = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert labels == sorted(labels)


def test_a_relation_on_the_first_screen_is_drawn_and_listed_before_the_rest_is_read(
    qtbot, long_window, store
):
    window, long_id = long_window, store.article_ids()[1]
    view, model = window.text_view, window.span_list.model
    spans = in_text_order(store, long_id)
    quote, actor, far = spans[1], spans[2], spans[-1]
    store.add_relation(quote.id, actor.id, "said_by")
    store.add_relation(far.id, actor.id, "said_by")  # from a span the first screens do not show
    window.open_article(long_id)
    view.viewport().repaint()
    assert view.painted_relation_count == 1
    assert model.index(1, 4).data() == f"said_by → {actor.label}"
    assert model.index(2, 4).data() == f"← said_by {quote.label}, ← said_by {far.label}"
    qtbot.waitUntil(lambda: not window.editor.unfinished)
    assert model.index(len(spans) - 1, 4).data() == f"said_by → {actor.label}"
