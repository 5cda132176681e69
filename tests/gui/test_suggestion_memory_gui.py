"""The project's memory of tagged names and strings is read again after edits on a thread of its
own: the window's thread never reads it, and the suggestions it brings are the ones the window
showed when it read the memory itself."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.gui.suggestions import MEMORY_SPANS

FIRST = "Foreign Minister Sergey Lavrov met Kim Jong Un in Wonsan on Saturday."
SECOND = "Later, Lavrov left for Beijing. South Korea and Japan held drills; Kim watched."


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        store.add_articles([NewArticle("One", FIRST), NewArticle("Two", SECOND)])
        yield store


def shown(window) -> list[tuple[str, str]]:
    text = window.article.text
    return [(text[s:e], label) for s, e, label in window.text_view.suggestion_ranges()]


def test_the_memory_is_read_off_the_window_thread_after_edits(qtbot, window, store, monkeypatch):
    readers: list[str] = []
    real = Store.suggestion_memory

    def spy(self, *args, **kwargs):
        readers.append(threading.current_thread().name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "suggestion_memory", spy)
    view = window.text_view
    for name in ("Sergey Lavrov", "Kim Jong Un"):
        view.select_range(FIRST.index(name), FIRST.index(name) + len(name))
        qtbot.keyClick(view, Qt.Key.Key_A)
    tagged = {(FIRST[s.start : s.end], s.label, s.annotator) for s in store.spans(1)}
    assert tagged == {("Sergey Lavrov", "actor", "ana"), ("Kim Jong Un", "actor", "ana")}
    qtbot.waitUntil(lambda: not window.suggester.busy)
    window.open_article(2)  # after edits: the memory is read again
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert readers and threading.main_thread().name not in readers
    after_edits = shown(window)
    assert ("Lavrov", "actor") in after_edits  # learned from the edits in the first article
    lavrov = next(s for s in store.suggestions(2) if SECOND[s.start : s.end] == "Lavrov")
    assert lavrov.attributes["normalised_name"] == "Sergey Lavrov"

    window.suggester.memory = real(store, recent=MEMORY_SPANS)  # as the window read it before
    window.suggester.compute()
    window.suggester.refresh()
    assert shown(window) == after_edits
    assert store.spans(2) == [] and len(store.spans(1)) == 2
