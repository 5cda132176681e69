"""The Analysis window driven like an analyst: open it from the menu key, sort, click a row to
see the spans behind it and jump to one, filter, keep coding and watch it follow, export."""

from __future__ import annotations

import csv

import pytest
from coded_project import build_coded_project
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from annotator.core import analysis
from annotator.core.model import AnalysisFilter, Status
from annotator.gui.actions import ActionId


@pytest.fixture
def store(tmp_path):
    store, _ = build_coded_project(tmp_path / "coded.annotator")
    yield store
    store.close()


@pytest.fixture
def analysis_window(qtbot, window):
    """Analysis → Analysis Tables (Ctrl+Alt+A)."""
    action = window.actions[ActionId.ANALYSIS]
    assert action.shortcut().toString() == "Ctrl+Alt+A"
    action.trigger()
    shown = window.analysis_window
    assert shown is not None and shown.isVisible()
    qtbot.addWidget(shown)
    return shown


def cells(tab) -> list[tuple]:
    proxy = tab.proxy
    return [
        tuple(proxy.index(r, c).data(Qt.ItemDataRole.UserRole) for c in range(proxy.columnCount()))
        for r in range(proxy.rowCount())
    ]


def computed(qtbot, window, key: str):
    """Show the tab of `key` and wait for its table to come from the worker thread."""
    tab = window.tab_of[key]
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: key not in window.stale and not window.progress.isVisible())
    return tab


def tick(qtbot, button, *values) -> None:
    """Open a filter's menu and click the entries of `values` (the menu stays open), then close it."""
    menu = button.menu()
    menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    for value in values:
        action = next(a for a in button.choices() if a.data() == value)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
        assert menu.isVisible() and action.isChecked()
    menu.hide()


def click_row(qtbot, tab, first: tuple) -> None:
    row = next(r for r, values in enumerate(cells(tab)) if values[: len(first)] == first)
    rect = tab.view.visualRect(tab.proxy.index(row, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    listed(qtbot, tab)


def listed(qtbot, tab) -> None:
    """Wait for the spans behind the clicked cell, found on the worker thread."""
    qtbot.waitUntil(lambda: not tab.hits_label.text().startswith("Finding"))


def test_one_tab_per_table_with_its_rows_and_chart(qtbot, analysis_window, store):
    window = analysis_window
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        t.title for t in analysis.tables(store)
    ]
    actors = computed(qtbot, window, "quoted_actors")
    assert cells(actors) == list(analysis.quoted_actors(store, AnalysisFilter()).rows)
    assert actors.proxy.index(1, 5).data() == "(no outlet) 1"
    assert actors.description.text() == actors.table.description  # not "Computing…" any more
    assert computed(qtbot, window, "frames_by_outlet").figure.axes[0].images  # a heat map
    assert computed(qtbot, window, "labels_by_month").figure.axes[0].lines  # lines over months


def test_a_header_click_sorts_by_the_raw_values(qtbot, analysis_window):
    tab = computed(qtbot, analysis_window, "quoted_actors")
    header = tab.view.horizontalHeader()
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert [row[3] for row in cells(tab)] == sorted(row[3] for row in cells(tab))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert [row[3] for row in cells(tab)] == sorted((row[3] for row in cells(tab)), reverse=True)


def test_clicking_a_row_lists_its_spans_and_opens_the_article_at_one(qtbot, analysis_window, window, store):
    tab = computed(qtbot, analysis_window, "quoted_actors")
    click_row(qtbot, tab, ("Sergey Lavrov",))
    assert tab.hits.count() == 3
    texts = [tab.hits.item(i).text() for i in range(3)]
    assert any("[“We warn you.”]" in text for text in texts)
    first_article, first_span = tab.hits.item(0).data(Qt.ItemDataRole.UserRole)
    assert window.article.id == first_article and window.text_view.selected_span() == first_span
    last = tab.hits.item(2)
    qtbot.mouseClick(
        tab.hits.viewport(), Qt.MouseButton.LeftButton, pos=tab.hits.visualItemRect(last).center()
    )
    article_id, span_id = last.data(Qt.ItemDataRole.UserRole)
    assert window.article.id == article_id and window.text_view.selected_span() == span_id
    span = store.span(span_id)
    assert store.article(article_id).text[span.start : span.end] == "“No.”"


def test_filters_change_every_table(qtbot, analysis_window, store):
    tab = computed(qtbot, analysis_window, "labels_by_outlet")
    tick(qtbot, analysis_window.annotator, "bob")
    assert analysis_window.annotator.text() == "bob"
    bob = AnalysisFilter(annotators=("bob",))
    tab = computed(qtbot, analysis_window, "labels_by_outlet")
    assert cells(tab) == list(analysis.labels_by_outlet(store, bob).rows)
    actors = computed(qtbot, analysis_window, "quoted_actors")
    assert cells(actors) == list(analysis.quoted_actors(store, bob).rows)
    qtbot.keyClicks(analysis_window.since, "March")
    qtbot.keyClick(analysis_window.since, Qt.Key.Key_Return)
    assert "'Published from' must be a date" in analysis_window.notice.text()
    assert cells(analysis_window.tab_of["quoted_actors"]) == list(analysis.quoted_actors(store, bob).rows)


def test_tables_follow_the_coding(qtbot, analysis_window, window, store):
    tab = computed(qtbot, analysis_window, "labels_by_outlet")
    assert ("quote", "Herald", 4, 2, 2, 1.0) in cells(tab)
    second = store.article_ids()[1]
    window.open_article(second)
    text = store.article(second).text
    window.text_view.select_range(text.index("The border"), len(text))
    window.activateWindow()  # back from the Analysis window to coding
    qtbot.waitUntil(window.isActiveWindow)
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Q)
    assert [s.label for s in store.spans(second)].count("quote") == 2
    qtbot.waitUntil(lambda: ("quote", "Herald", 5, 2, 2, 1.0) in cells(tab))
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: ("quote", "Herald", 4, 2, 2, 1.0) in cells(tab))


def test_every_table_exports_to_csv_and_every_chart_to_png_and_svg(qtbot, analysis_window, tmp_path):
    for key in analysis.TABLES:
        tab = computed(qtbot, analysis_window, key)
        tab.export_csv(tmp_path / f"{key}.csv")
        with (tmp_path / f"{key}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == list(tab.table.columns) and len(rows) == len(tab.table.rows) + 1
        tab.save_chart(tmp_path / f"{key}.png")
        tab.save_chart(tmp_path / f"{key}.svg")
        assert (tmp_path / f"{key}.png").read_bytes().startswith(b"\x89PNG")
        assert "<svg" in (tmp_path / f"{key}.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("menu_title", ["&Analysis", "&Help"])
def test_codebook_from_the_analysis_and_the_help_menu(window, tmp_path, monkeypatch, store, menu_title):
    target = tmp_path / "codebook.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    entry = next(a for a in menu.actions() if a.text() == "Export &Codebook…")
    entry.trigger()
    text = target.read_text(encoding="utf-8")
    assert "## quote" in text and "**“We warn you.”**" in text


def test_a_slow_table_computes_on_a_worker_while_the_window_keeps_working(
    qtbot, analysis_window, store, monkeypatch
):
    """The table's query is held on an Event: meanwhile the window shows progress and takes
    typing; a result that a newer filter made stale is dropped, the newer one lands."""
    import threading

    computed(qtbot, analysis_window, "labels_by_outlet")
    started, release, seen = threading.Event(), threading.Event(), []
    slow_source = analysis.TABLES["quoted_actors"]

    def held(store, f, *args):
        seen.append(f)
        started.set()
        assert release.wait(10)
        return slow_source(store, f, *args)

    monkeypatch.setitem(analysis.TABLES, "quoted_actors", held)
    tab = analysis_window.tab_of["quoted_actors"]
    shown = []
    monkeypatch.setattr(
        tab, "set_table", lambda table: shown.append(table) or type(tab).set_table(tab, table)
    )
    analysis_window.tabs.setCurrentWidget(tab)
    assert started.wait(5)  # the worker is inside the query now
    assert analysis_window.progress.isVisible()
    assert analysis_window.notice.text() == "Computing most-quoted actors…"
    qtbot.keyClicks(analysis_window.until, "2024-01")  # the window still takes keys
    assert analysis_window.until.text() == "2024-01"
    tick(qtbot, analysis_window.annotator, "bob")  # a newer request while the first is held
    release.set()
    qtbot.waitUntil(lambda: not analysis_window.progress.isVisible())
    newest = AnalysisFilter(annotators=("bob",), until="2024-01")
    assert seen[-1] == newest and seen[0] == AnalysisFilter()
    assert [table.rows for table in shown] == [analysis.quoted_actors(store, newest).rows]
    assert cells(tab) == list(analysis.quoted_actors(store, newest).rows)


def click_chart(qtbot, tab, x: float, y: float) -> None:
    """A real mouse click on the chart's canvas where data point (x, y) of its axes is drawn."""
    tab.canvas.draw()  # the transforms follow the canvas's size once drawn
    display_x, display_y = tab.figure.axes[0].transData.transform((x, y))
    ratio = tab.canvas.device_pixel_ratio
    point = QPoint(round(display_x / ratio), round(tab.canvas.height() - display_y / ratio))
    qtbot.mouseClick(tab.canvas, Qt.MouseButton.LeftButton, pos=point)
    listed(qtbot, tab)


def test_clicking_a_heat_map_cell_lists_the_spans_behind_it(qtbot, analysis_window, window, store):
    tab = computed(qtbot, analysis_window, "cooccurrence")
    axes = tab.figure.axes[0]
    rows = [label.get_text() for label in axes.get_yticklabels()]
    columns = [label.get_text() for label in axes.get_xticklabels()]
    i, j = rows.index("claim"), columns.index("quote")
    click_chart(qtbot, tab, j, i)
    chosen = tab.view.selectionModel().selectedRows()
    assert [tab.proxy.index(index.row(), 0).data() for index in chosen] in (["claim"], ["quote"])
    row = tab.table.rows[tab.proxy.mapToSource(chosen[0]).row()]
    assert {row[0], row[1]} == {"claim", "quote"}
    expected = analysis.spans_behind(store, tab.table, row)
    assert tab.hits.count() == len(expected) == 4
    assert tab.hits_label.text().startswith("4 spans behind this row")
    article_id, span_id = tab.hits.item(0).data(Qt.ItemDataRole.UserRole)
    assert window.article.id == article_id and window.text_view.selected_span() == span_id


def test_clicking_a_bar_lists_the_spans_behind_it(qtbot, analysis_window, store):
    tab = computed(qtbot, analysis_window, "quoted_actors")  # horizontal bars, the top row highest
    bars = len(tab.table.rows)
    click_chart(qtbot, tab, 0.5, bars - 1)
    assert tab.hits_label.text().startswith("3 spans behind this row")  # Sergey Lavrov's quotes
    click_chart(qtbot, tab, 0.5, 0)
    assert tab.hits_label.text().startswith("1 span behind this row")


def test_filters_take_several_values_like_the_command_line(qtbot, analysis_window, store):
    window = analysis_window
    tick(qtbot, window.annotator, "ana", "bob")
    tick(qtbot, window.status, "done", "in_progress")
    tick(qtbot, window.outlet, "Courier", "")
    tick(qtbot, window.label, "quote", "actor")
    assert window.outlet.text() == "Courier, (no outlet)"
    qtbot.keyClicks(window.since, "2024-01-16")
    qtbot.keyClick(window.since, Qt.Key.Key_Return)
    several = AnalysisFilter(
        annotators=("ana", "bob"),
        statuses=(Status.IN_PROGRESS, Status.DONE),
        outlets=("Courier", ""),
        labels=("quote", "actor"),
        since="2024-01-16",
    )
    assert window.current_filter() == several
    tab = computed(qtbot, window, "labels_by_outlet")
    assert cells(tab) == list(analysis.labels_by_outlet(store, several).rows)
    assert cells(tab) == [("quote", "Courier", 2, 1, 1, 1.0), ("actor", "Courier", 2, 1, 1, 1.0)]
    window.label.menu().actions()[0].trigger()  # All: no label filter again
    assert window.label.text() == "All" and window.current_filter().labels == ()
    tab = computed(qtbot, window, "labels_by_outlet")
    assert ("framing", "Courier", 1, 1, 1, 1.0) in cells(tab)


def test_the_spans_behind_a_cell_are_found_on_a_worker(qtbot, analysis_window, window, monkeypatch):
    import threading

    tab = computed(qtbot, analysis_window, "quoted_actors")
    started, release = threading.Event(), threading.Event()
    find = analysis.spans_behind

    def held(*args):
        started.set()
        assert release.wait(10)
        return find(*args)

    monkeypatch.setattr(analysis, "spans_behind", held)
    row = next(r for r, values in enumerate(cells(tab)) if values[0] == "Sergey Lavrov")
    rect = tab.view.visualRect(tab.proxy.index(row, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert started.wait(5)
    assert tab.hits_label.text() == "Finding the spans behind this row…"
    qtbot.keyClicks(analysis_window.since, "2024")  # the window still takes keys meanwhile
    assert analysis_window.since.text() == "2024"
    release.set()
    listed(qtbot, tab)
    assert tab.hits.count() == 3 and tab.hits_label.text().startswith("3 spans behind this row")


def test_the_window_follows_another_project_opened_in_the_main_window(qtbot, window, tmp_path):
    """File → Open of another project: the Analysis window shows that project's tables and
    filters, never the old project's tables as if they were the new one's."""
    from annotator.core.model import NewArticle
    from annotator.core.store import Store

    window.actions[ActionId.ANALYSIS].trigger()  # not given to qtbot: the window deletes it
    assert cells(computed(qtbot, window.analysis_window, "quoted_actors"))[0][0] == "Sergey Lavrov"
    other_path = tmp_path / "other.annotator"
    with Store.open(other_path, annotator="cleo") as other:
        text = "Merkel said: “We can do it.”"
        (article,) = other.add_articles([NewArticle(title="B1", text=text, outlet="Gazette")]).article_ids
        actor = next(iter(other.add_span(article, 0, 6, "actor", {"normalised_name": "Angela Merkel"}).spans))
        start = text.index("“")
        quote = next(iter(other.add_span(article, start, len(text), "quote", {"kind": "direct"}).spans))
        other.add_relation(quote, actor, "said_by")
    assert window.files.open_project(other_path)
    shown = window.analysis_window
    assert shown is not None and shown.isVisible()
    assert cells(computed(qtbot, shown, "quoted_actors")) == [("Angela Merkel", 1, 1, 0, 1, "Gazette 1")]
    assert [action.data() for action in shown.outlet.choices()] == ["Gazette", ""]
    assert [action.data() for action in shown.annotator.choices()] == ["ana", "cleo"]  # ana opened it


def test_the_who_is_quoted_tabs_speak_the_schemes_label_names(qtbot, store, window):
    """A scheme that renamed quote, actor and framing: the tabs count under the new names and
    their texts say them (QA pass: the texts said quote/actor/framing, the tables were empty)."""
    from dataclasses import replace

    for old, new in {"quote": "Zitat", "actor": "Sprecher", "framing": "Rahmen"}.items():
        store.update_label(replace(store.label(old), name=new))
    window.actions[ActionId.ANALYSIS].trigger()
    shown = window.analysis_window
    qtbot.addWidget(shown)
    tab = computed(qtbot, shown, "quoted_actors")
    assert "Zitat" in tab.description.text() and "Sprecher" in tab.description.text()
    assert cells(tab)[0][0] == "Sergey Lavrov"
    tab = computed(qtbot, shown, "frames_by_outlet")
    assert "Rahmen" in tab.description.text() and cells(tab)
