"""The main window: docks, menus and status bar around the text view. No SQL here: gestures
become commands on the undo stack, and every view refreshes from the `Changes` they announce."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.backup import backup_if_due_in_background
from annotator.core.errors import AnnotatorError
from annotator.core.merge import MergeError, merge_project
from annotator.core.model import Article, Changes, Op, Status
from annotator.core.project import PROJECT_SUFFIX, open_project, restorable
from annotator.core.search import match_ranges, search
from annotator.core.selection import quote_bounds, sentence_bounds
from annotator.core.store import Store, StoreError
from annotator.core.wording import count, matches
from annotator.gui import backups, dialogs, preferences
from annotator.gui.actions import MENUS, ActionId, create_actions, label_action
from annotator.gui.agreement_dialog import show_agreement
from annotator.gui.article_list import ArticleList
from annotator.gui.attribution import Attribution
from annotator.gui.commands import (
    AddSpanCommand,
    DeleteRelationCommand,
    DeleteSpanCommand,
    FirstSpanCommand,
    SetStatusCommand,
    StoreCommand,
    UpdateSpanCommand,
)
from annotator.gui.curation import CurationDialog
from annotator.gui.details import SpanDetails
from annotator.gui.events import StoreEvents
from annotator.gui.folders import remember_folder, start_folder
from annotator.gui.models import STATUS_TEXT, ArticleTableModel
from annotator.gui.palette import LabelPalette
from annotator.gui.span_list import SpanList, SpanTableModel
from annotator.gui.span_menu import span_menu
from annotator.gui.suggestions import SuggestionController
from annotator.gui.text_view import TextView

log = logging.getLogger(__name__)

MAX_RECENT = 8
EXTERNAL_CHECK_MS = 2000  # how often to look for commits by other programs (one cheap PRAGMA)
CHECKPOINT_IDLE_MS = 2000  # edits reach the project file itself this long after the last one
PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX} *.db *.sqlite);;All files (*)"


class MainWindow(QMainWindow):
    """One window per open project; `open_project` swaps the project in place."""

    def __init__(self, store: Store, settings: QSettings | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.settings = settings or QSettings()
        self.store = store
        self.events = StoreEvents(self)
        self.events.changed.connect(self.on_changes)
        self.events.failed.connect(self.show_error)
        self.seen_version = store.data_version()
        self.watch = QTimer(self)
        self.watch.setInterval(EXTERNAL_CHECK_MS)
        self.watch.timeout.connect(self.check_external_changes)
        self.watch.start()
        self.idle = QTimer(self)  # after edits stop: write them into the project file itself
        self.idle.setSingleShot(True)
        self.idle.setInterval(CHECKPOINT_IDLE_MS)
        self.idle.timeout.connect(self.checkpoint)
        self.undo_stack = QUndoStack(self)
        self.article: Article | None = None
        self.attribution = Attribution(self)
        self.corpus_query = ""
        self.find_index = -1
        self.label_actions: list[QAction] = []
        self.label_counts: Counter[str] = Counter()
        self.edit_backups = backups.EditBackups()
        self.analysis_window: QWidget | None = None  # opened by Analysis → Analysis Tables
        self.backup_thread: threading.Thread | None = None

        self.text_view = TextView()
        self.text_view.setObjectName("text_view")
        self.text_view.span_selection_changed.connect(self._span_selected)
        self.text_view.span_clicked.connect(self._span_clicked)
        self.text_view.span_menu_requested.connect(lambda span_id, at: span_menu(self, span_id).exec(at))
        self.text_view.cursorPositionChanged.connect(self._update_status)
        self.find_bar = self._build_find_bar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.text_view)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.article_model = ArticleTableModel(store, self)
        self.article_list = ArticleList(self.article_model)
        self.article_list.article_chosen.connect(self.open_article)
        self.article_list.search_changed.connect(self.search_corpus)
        self.palette = LabelPalette()
        self.palette.label_clicked.connect(self.apply_label)
        self.palette.edit_requested.connect(self.edit_scheme)
        self.details = SpanDetails()
        self.details.update_requested.connect(self._update_span)
        self.details.delete_relation_requested.connect(self._delete_relation)
        self.span_model = SpanTableModel(store, self)
        self.span_list = SpanList(self.span_model)
        self.span_list.span_chosen.connect(self._span_chosen_in_list)
        self.docks = [
            self._dock("Articles", "articles_dock", self.article_list, Qt.DockWidgetArea.LeftDockWidgetArea),
            self._dock("Labels", "labels_dock", self.palette, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Span", "span_dock", self.details, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Spans", "span_list_dock", self.span_list, Qt.DockWidgetArea.LeftDockWidgetArea),
        ]
        self.span_dock = self.docks[3]
        self.splitDockWidget(self.docks[0], self.span_dock, Qt.Orientation.Vertical)

        self.actions = create_actions(self)
        self.suggester = SuggestionController(self)
        self._connect_actions()
        self._build_menus()
        self.position_label = QLabel()
        self.project_label = QLabel()
        self.statusBar().addWidget(self.position_label, 1)
        self.statusBar().addPermanentWidget(self.project_label)
        cancel = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        cancel.activated.connect(self._escape)
        self.enter_shortcuts = []  # Enter completes an attribution; enabled only while attributing
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.text_view, context=Qt.ShortcutContext.WidgetShortcut)
            enter.setEnabled(False)
            enter.activated.connect(self._enter_in_text)
            self.enter_shortcuts.append(enter)
        app = QApplication.instance()
        app.commitDataRequest.connect(self.details.commit)  # the desktop session is ending
        app.aboutToQuit.connect(self.details.commit)

        self.resize(1280, 820)
        self.resizeDocks([self.docks[0], self.docks[1]], [320, 270], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks[1], self.docks[2]], [220, 480], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks[0], self.span_dock], [420, 300], Qt.Orientation.Vertical)
        self.restoreGeometry(self.settings.value("window/geometry", b""))
        self.restoreState(self.settings.value("window/state", b""))
        snap = self.settings.value("edit/snap_to_words", True, type=bool)
        self.actions[ActionId.TOGGLE_SNAP].setChecked(snap)
        self.text_view.snap_to_words = snap
        tags = self.settings.value("view/label_tags", False, type=bool)
        self.actions[ActionId.TOGGLE_TAGS].setChecked(tags)
        self.text_view.set_show_tags(tags)
        self.text_view.describe_span = self._describe_span
        preferences.apply_saved(self)
        self._show_project()

    # ------------------------------------------------------------------ setup
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_find_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("find_bar")
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("find_edit")
        self.find_edit.setPlaceholderText("Find in article")
        self.find_edit.textChanged.connect(self._find_changed)
        self.find_edit.returnPressed.connect(lambda: self.find_step(1))
        self.find_count = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.clicked.connect(self._close_find)
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(QLabel("Find:"))
        row.addWidget(self.find_edit, 1)
        row.addWidget(self.find_count)
        row.addWidget(close)
        bar.hide()
        return bar

    def _connect_actions(self) -> None:
        slots = {
            ActionId.NEW_PROJECT: self.new_project,
            ActionId.OPEN_PROJECT: self.choose_project,
            ActionId.IMPORT: lambda: self.import_files(folder=False),
            ActionId.IMPORT_FOLDER: lambda: self.import_files(folder=True),
            ActionId.EXPORT: self.export,
            ActionId.SAVE_COPY: lambda: backups.save_a_copy(self),
            ActionId.BACKUP_NOW: lambda: backups.back_up_now(self),
            ActionId.RESTORE_BACKUP: lambda: backups.restore_from_backup(self),
            ActionId.QUIT: self.close,
            ActionId.UNDO: self.undo_stack.undo,
            ActionId.REDO: self.undo_stack.redo,
            ActionId.DELETE_SPAN: self.delete_span,
            ActionId.RELATE: self.relate,
            ActionId.DELETE_RELATION: self.delete_relations,
            ActionId.NEXT_SPAN: lambda: self.text_view.select_next_span(),
            ActionId.PREVIOUS_SPAN: lambda: self.text_view.select_next_span(backwards=True),
            ActionId.EDIT_SCHEME: self.edit_scheme,
            ActionId.PREFERENCES: lambda: preferences.edit_preferences(self),
            ActionId.TOGGLE_SNAP: self._toggle_snap,
            ActionId.TOGGLE_TAGS: self._toggle_tags,
            ActionId.SELECT_SENTENCE: lambda: self.text_view.grow_selection(sentence_bounds),
            ActionId.SELECT_QUOTATION: self._select_quotation,
            ActionId.FIND: self._open_find,
            ActionId.FIND_NEXT: lambda: self.find_step(1),
            ActionId.FIND_PREVIOUS: lambda: self.find_step(-1),
            ActionId.SEARCH_CORPUS: self._focus_corpus_search,
            ActionId.DONE_AND_NEXT: lambda: self.finish_article(Status.DONE),
            ActionId.SKIP_AND_NEXT: lambda: self.finish_article(Status.SKIPPED),
            ActionId.NEXT_ARTICLE: lambda: self.step_article(1),
            ActionId.PREVIOUS_ARTICLE: lambda: self.step_article(-1),
            ActionId.ZOOM_IN: self.text_view.zoom_in,
            ActionId.ZOOM_OUT: self.text_view.zoom_out,
            ActionId.FOCUS_ARTICLES: lambda: self._focus(self.docks[0], self.article_list.table),
            ActionId.FOCUS_TEXT: self.text_view.setFocus,
            ActionId.FOCUS_DETAILS: lambda: self._focus(self.docks[2], self.details.label),
            ActionId.FOCUS_SPANS: lambda: self._focus(self.span_dock, self.span_list.table),
            ActionId.SHORTCUTS: lambda: dialogs.show_shortcuts(self, self.store.labels()),
            ActionId.ABOUT: lambda: dialogs.show_about(self, self.store.path),
            ActionId.MERGE: self.choose_merge,
            ActionId.ADJUDICATE: self.adjudicate,
            ActionId.AGREEMENT: lambda: show_agreement(self, self.store),
            ActionId.NEXT_SUGGESTION: lambda: self.suggester.step(True),
            ActionId.PREVIOUS_SUGGESTION: lambda: self.suggester.step(False),
            ActionId.ACCEPT_SUGGESTION: lambda: self.suggester.accept_current(),
            ActionId.REJECT_SUGGESTION: self.suggester.reject_current,
            ActionId.ACCEPT_SOURCE: self.suggester.accept_source,
            ActionId.SUGGEST_CORPUS: self.suggester.run_corpus,
            ActionId.TAG_ALL: self.suggester.tag_all,
            ActionId.ANALYSIS: self.show_analysis,
            ActionId.CODEBOOK: self.export_codebook,
        }
        for action_id, slot in slots.items():
            self.actions[action_id].triggered.connect(slot)
        self.undo_stack.canUndoChanged.connect(self.actions[ActionId.UNDO].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.actions[ActionId.REDO].setEnabled)
        self.actions[ActionId.UNDO].setEnabled(False)
        self.actions[ActionId.REDO].setEnabled(False)

    def _build_menus(self) -> None:
        for title, entries in MENUS:
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry == "-":
                    menu.addSeparator()
                elif entry == "recent":
                    self.recent_menu = menu.addMenu("Open &Recent")
                    self.recent_menu.aboutToShow.connect(self._fill_recent)
                elif entry == "docks":
                    for dock in self.docks:
                        menu.addAction(dock.toggleViewAction())
                else:
                    menu.addAction(self.actions[entry])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self.recent_menu.addAction(path, lambda p=path: self.open_project(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    # ---------------------------------------------------------------- project
    def recent_files(self) -> list[str]:
        return [p for p in self.settings.value("file/recent", [], type=list) if p]

    def _remember(self, path: Path) -> None:
        recent = [str(path), *[p for p in self.recent_files() if p != str(path)]][:MAX_RECENT]
        self.settings.setValue("file/recent", recent)

    def _show_project(self) -> None:
        """Bring every view in line with the (newly) open project."""
        try:
            self.store.begin_window_session()
        except StoreError as error:  # read-only, busy: the copy warning is lost, nothing else
            log.info("no window session mark in %s: %s", self.store.path, error)
        self._remember(self.store.path)
        self.setWindowTitle(f"{self.store.path.name} — annotator")
        self.project_label.setText(str(self.store.path))
        self._refresh_scheme()
        if self.article_model.store is not self.store:
            self.article_model.set_store(self.store)
        else:
            self.article_model.set_search_results(None)
        last = self.settings.value(f"project/{self.store.path}/article", 0, type=int)
        ids = self.article_model.ids
        if ids:
            self.open_article(last if last in set(ids) else ids[0])
        else:
            self.article = None
            self.text_view.set_article("", [], {})
            self._update_status()

    def open_project(self, path: Path) -> bool:
        """Switch to the project at `path`; on failure the current one stays open."""
        try:
            store = open_project(path, self.store.annotator, back_up=False)
        except StoreError as error:
            if not (restorable(error, Path(path)) and backups.offer_restore(self, Path(path), str(error))):
                self.show_error(str(error))
                return False
            try:
                store = open_project(path, self.store.annotator, back_up=False)
            except StoreError as again:
                self.show_error(str(again))
                return False
        self.close_store()
        self.store = store
        self.seen_version = store.data_version()
        self.undo_stack.clear()
        self._show_project()
        self.back_up_in_background()
        return True

    def back_up_in_background(self) -> None:
        """The backup due at open, made on a thread (a 1 GB project copied on the GUI thread
        kept the window from appearing for seconds)."""
        self.backup_thread = backup_if_due_in_background(self.store.path)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New project",
            str(preferences.project_folder(self.settings) / f"study{PROJECT_SUFFIX}"),
            PROJECT_FILTER,
        )
        if path:
            path = Path(path)
            if not path.suffix:
                path = path.with_suffix(PROJECT_SUFFIX)
            self.open_project(path)

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(self._start_folder()), PROJECT_FILTER)
        if path:
            remember_folder(self.settings, path)
            self.open_project(Path(path))

    def import_files(self, folder: bool) -> None:
        chosen = dialogs.ask_import(self, folder, self.settings)
        if chosen is not None:
            self.import_paths(*chosen)

    def import_paths(self, paths: list[Path], fmt: str | None = None) -> None:
        """Import with a cancellable progress dialog, then one refresh and a summary."""
        summary = dialogs.run_import(self, self.store, paths, fmt)
        self.undo_stack.clear()
        self.events.changed.emit(Changes(Op.IMPORT, article_list=True, labels=True), None)
        if summary is not None:
            dialogs.show_import_summary(self, summary)
            if self.article is None and self.article_model.ids:
                self.open_article(self.article_model.ids[0])

    def _start_folder(self) -> Path:
        return start_folder(self.settings)

    def export(self) -> None:
        dialogs.run_export(self, self.store, self.settings)

    def choose_merge(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Merge colleagues' projects", str(self._start_folder()), PROJECT_FILTER
        )
        if names:
            remember_folder(self.settings, names[0])
            self.merge_projects([Path(name) for name in names])

    def merge_projects(self, paths: list[Path]) -> None:
        """Merge each project whole or not at all (not undoable, like an import), then one refresh
        and the report."""
        lines: list[str] = []
        for path in paths:
            try:
                lines += merge_project(self.store, path).lines(add_articles=False)
            except MergeError as error:
                lines.append(f"refused: {error}")
        self.undo_stack.clear()
        self.events.changed.emit(Changes(Op.MERGE, article_list=True, labels=True), None)
        QMessageBox.information(self, "Merge", dialogs.as_plain("\n".join(lines)))

    def show_analysis(self) -> None:
        from annotator.gui.analysis_window import show_analysis  # matplotlib: paid on first use only

        show_analysis(self)

    def export_codebook(self) -> None:
        from annotator.gui.analysis_window import export_codebook

        export_codebook(self)

    def adjudicate(self) -> None:
        """Open the adjudication window on the current article; it shares the undo stack."""
        if len(self.store.annotators()) < 2:
            self.statusBar().showMessage("Adjudication needs two annotators: merge a colleague's project.")
            return
        current = self.article.id if self.article else None
        dialog = CurationDialog(self, self.store, self.events, self.undo_stack, current)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # ---------------------------------------------------------------- article
    def open_article(self, article_id: int) -> None:
        try:
            article = self.store.article(article_id)
            self.store.spans(article_id)  # a damaged span row is named here, not in a view's paint
        except KeyError:
            return
        except (AnnotatorError, ValueError) as error:  # a damaged row: an unknown status, say
            self.statusBar().showMessage(f"Article {article_id} cannot be opened: {error}", 10000)
            return
        self.details.commit()
        self.article = article
        self.attribution.cancel()
        self.text_view.set_article(article.text, self.store.span_extents(article_id), self._colors())
        self._list_spans()
        self._show_relations()
        if self.corpus_query:  # show the first hit, highlighted; F3 / Shift+F3 walk the others
            self.text_view.set_highlights(match_ranges(article.text, self.corpus_query))
            self.find_index = -1
            self.find_step(1)
        if self.find_bar.isVisible():
            self._find_changed(self.find_edit.text())
        self._count_labels()
        self.suggester.article_opened()
        self.details.show_span(None)
        self.article_list.show_current(article_id)
        self.settings.setValue(f"project/{self.store.path}/article", article_id)
        self.text_view.setFocus()
        self._update_status()

    def step_article(self, step: int) -> None:
        ids = self.article_model.ids
        if not ids:
            return
        row = self.article_model.row_of(self.article.id) if self.article else None
        row = 0 if row is None else (row + step) % len(ids)
        self.open_article(ids[row])

    def finish_article(self, status: Status) -> None:
        """Mark the article done (or skipped) and open the next one that is not."""
        if self.article is None:
            return
        self.details.commit()
        article_id = self.article.id
        self._push(SetStatusCommand(self.store, self.events, article_id, self.article.status, status))
        self.checkpoint()  # a finished article is in the project file, ready to be copied
        following = self._next_not_done(article_id)
        if following is not None:
            self.open_article(following)
        else:
            self.statusBar().showMessage("Every article is done or skipped.", 5000)

    def _next_not_done(self, article_id: int) -> int | None:
        """The first article below this one in the list as shown (then from the top) that is
        neither done nor skipped."""
        ids = self.article_model.ids
        row = self.article_model.row_of(article_id)
        order = ids if row is None else ids[row + 1 :] + ids[:row]
        for begin in range(0, len(order), 500):
            chunk = order[begin : begin + 500]
            rows = self.store.article_rows(chunk)
            for candidate in chunk:
                if candidate in rows and rows[candidate].status not in (Status.DONE, Status.SKIPPED):
                    return candidate
        return None

    # ------------------------------------------------------------------ spans
    def apply_label(self, name: str) -> None:
        """Label the selected text as a new span, or relabel the selected span."""
        if self.article is None:
            return
        if self.suggester.current is not None:
            self.suggester.accept_current(name)
            return
        selection = self.text_view.selected_range()
        if selection is not None:
            self._add_span(selection, name)
            self.text_view.clear_text_selection()  # the new span shows at once, not under the selection
            return
        span_id = self.text_view.selected_span()
        if span_id is not None:
            span = self.store.span(span_id)
            if span.label != name:
                self._push(UpdateSpanCommand(self.store, self.events, span, f"Relabel as {name}", label=name))
            return
        self.statusBar().showMessage("Select some text first, then press a label's key.", 4000)

    def _add_span(self, selection: tuple[int, int], name: str) -> None:
        """A new span; the first one in a new article also marks it in progress (one undo step)."""
        article_id, status = self.article.id, self.article.status
        add = AddSpanCommand(self.store, self.events, article_id, *selection, name)
        if status == Status.NEW:
            mark = SetStatusCommand(self.store, self.events, article_id, status, Status.IN_PROGRESS)
            self._push(FirstSpanCommand(add, mark))
        else:
            self._push(add)

    def edit_note(self) -> None:
        """Show the selected span's note field, focused, for typing."""
        self._focus(self.docks[2], self.details.note)
        self.details.note.selectAll()

    def delete_span(self) -> None:
        if self.suggester.current is not None:
            self.suggester.reject_current()
            return
        span_id = self.text_view.selected_span()
        if span_id is not None:
            self._push(DeleteSpanCommand(self.store, self.events, self.store.span(span_id)))

    def relate(self) -> None:
        """R on a quote starts an attribution; R (or Enter, or a click) on an actor completes it."""
        span_id = self.text_view.selected_span()
        if self.attribution.active and span_id is not None and span_id != self.attribution.source:
            self.attribution.finish(span_id)
        elif span_id is None:
            self.statusBar().showMessage("Select a quote first (click it or press Tab), then press R.", 4000)
        else:
            self.attribution.start(span_id)

    def _enter_in_text(self) -> None:
        span_id = self.text_view.selected_span()
        if self.attribution.active and span_id is not None:
            self.attribution.finish(span_id)

    def delete_relations(self) -> None:
        span_id = self.text_view.selected_span()
        if span_id is None or self.article is None:
            return
        for relation in self.store.span_relations(span_id):
            self._push(DeleteRelationCommand(self.store, self.events, relation))

    def _delete_relation(self, relation_id: int) -> None:
        self._push(DeleteRelationCommand(self.store, self.events, self.store.relation(relation_id)))

    def _update_span(self, span_id: int, fields: dict) -> None:
        what = ", ".join(fields)
        self._push(
            UpdateSpanCommand(self.store, self.events, self.store.span(span_id), f"Edit {what}", **fields)
        )

    def _span_clicked(self, span_id: int) -> None:
        if self.attribution.active and span_id != self.attribution.source:
            self.attribution.finish(span_id)

    def _span_selected(self, span_id: int | None) -> None:
        self.span_list.show_current(span_id)
        if span_id is not None:
            self.suggester.clear()
        if span_id is None or self.article is None:
            self.details.show_span(None)
            return
        span = self.store.span(span_id)
        relations = []
        for relation in self.store.span_relations(span_id):
            other = self.store.span(relation.to_span if relation.from_span == span_id else relation.from_span)
            excerpt = self.article.text[other.start : other.end][:40]
            arrow = "→" if relation.from_span == span_id else "←"
            relations.append((relation, f"{arrow} {relation.type} {other.label}: {excerpt}"))
        self.details.show_span(span, self.article.text[span.start : span.end], relations)

    def _push(self, command: StoreCommand | FirstSpanCommand) -> bool:
        self.undo_stack.push(command)
        return not command.error

    # ---------------------------------------------------------------- changes
    def check_external_changes(self) -> None:
        """Another program (a CLI import, a merge) committed to this project: show its work.
        Never while this window's own transaction is open (an import's progress dialog runs the
        timer): the refresh and the backup it triggers would run inside it."""
        if self.store.writing:
            return
        try:
            version = self.store.data_version()
        except StoreError:
            return
        if version != self.seen_version:
            self.seen_version = version
            self.store.forget_cache()
            self.events.changed.emit(Changes(Op.EXTERNAL, article_list=True, labels=True), None)

    def checkpoint(self) -> None:
        """Write this session's edits from the -wal file into the project file, so that a plain
        copy of the file (mailed to a colleague) has them. Later, if an import is under way."""
        if self.store.writing:
            self.idle.start()
            return
        try:
            self.store.checkpoint()
        except StoreError as error:
            self.statusBar().showMessage(str(error), 8000)

    def on_changes(self, changes: Changes, initiator: object) -> None:
        """The one place the window reacts to the store: refresh what the change touched."""
        self.idle.start()
        self.edit_backups.changed(self.store)
        if changes.labels:
            self._refresh_scheme()
        self.article_model.on_changes(changes)
        self.suggester.on_changes(changes)
        if self.article is None:
            return
        if self.article.id not in changes.articles and not changes.labels:
            return
        if changes.labels:
            self.text_view.set_spans(self.store.span_extents(self.article.id), self._colors())
            self._count_labels()
            self._list_spans()
        elif changes.spans:
            fresh = self.store.span_extents(self.article.id, changes.spans)
            for span_id in changes.spans:
                old = self.text_view.span(span_id)
                if old is not None:
                    self.label_counts[old.label] -= 1
            self.label_counts.update(span.label for span in fresh)
            self.text_view.update_spans(changes.spans, fresh)
            self.palette.set_counts(self.label_counts)
            self.span_model.update(changes.spans)
        if changes.relations or changes.labels:
            self._show_relations()
        if changes.op in (Op.RESTORE_SPANS, Op.ADD_SPAN) and len(changes.spans) == 1:
            self.text_view.set_selected_span(next(iter(changes.spans)))
        elif changes.requires_text_redraw:
            self._span_selected(self.text_view.selected_span())
        if changes.op is Op.SET_STATUS:
            self.article = self.store.article(self.article.id)
        self._update_status()

    def _refresh_scheme(self) -> None:
        labels = self.store.labels()
        self.palette.set_labels(labels, self.store.label_counts(self.article.id) if self.article else {})
        self.details.set_labels(labels)
        self.span_list.set_labels([label.name for label in labels])
        self.span_model.colors = {label.name: QColor(label.color) for label in labels}
        for action in self.label_actions:
            self.removeAction(action)
            action.deleteLater()
        self.label_actions = []
        for label in labels:
            action = label_action(self, label.name, label.shortcut)
            action.triggered.connect(lambda _=False, name=label.name: self.apply_label(name))
            self.label_actions.append(action)

    def _list_spans(self) -> None:
        self.span_model.store = self.store
        self.span_model.set_spans(self.article.text, self.text_view.span_ids_in_order(), self.text_view.span)
        self.span_list.show_current(self.text_view.selected_span())

    def _span_chosen_in_list(self, span_id: int) -> None:
        self.text_view.set_selected_span(span_id)

    def _show_relations(self) -> None:
        relations = self.store.relations(self.article.id)
        self.span_model.set_relations(relations)
        self.text_view.set_relations([(relation.from_span, relation.to_span) for relation in relations])

    def _count_labels(self) -> None:
        """Spans per label in this article, counted from what the view holds; edits then adjust
        `label_counts` instead of counting again."""
        self.label_counts = Counter(span.label for span in self.text_view.spans)
        self.palette.set_counts(self.label_counts)

    def _colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.store.labels()}

    def edit_scheme(self) -> None:
        dialogs.edit_scheme(self, self.store, self.events, self.undo_stack)

    # ------------------------------------------------------------ find/search
    def _open_find(self) -> None:
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _close_find(self) -> None:
        self.find_bar.hide()
        self.text_view.set_highlights([])
        self.text_view.setFocus()

    def _find_changed(self, text: str) -> None:
        if self.article is None or not text:
            self.text_view.set_highlights([])
            self.find_count.setText("")
            return
        ranges = [
            (m.start(), m.end()) for m in re.finditer(re.escape(text), self.article.text, re.IGNORECASE)
        ]
        self.text_view.set_highlights(ranges)
        self.find_count.setText(f"{len(ranges)} found" if ranges else "not found")
        self.find_index = -1
        if ranges:
            self.find_step(1)

    def find_step(self, step: int) -> None:
        ranges = self.text_view.highlight_ranges()
        if not ranges:
            return
        self.find_index = (self.find_index + step) % len(ranges)
        self.text_view.select_range(*ranges[self.find_index])
        self.find_count.setText(f"{self.find_index + 1} of {len(ranges)}")
        if not self.find_bar.isVisible():
            self.statusBar().showMessage(f"Hit {self.find_index + 1} of {len(ranges)} (F3: next)", 4000)

    def search_corpus(self, query: str) -> None:
        self.corpus_query = query.strip()
        if not self.corpus_query:
            self.article_model.set_search_results(None)
            self.text_view.set_highlights([])
            return
        hits = search(self.store, self.corpus_query, limit=1000)
        snippets = {hit.article_id: " ".join(hit.snippet.split()) for hit in hits}
        self.article_model.set_search_results([hit.article_id for hit in hits], snippets, self.corpus_query)
        if hits:
            self.open_article(hits[0].article_id)
        self.statusBar().showMessage(f"{matches(len(hits), 'article')} “{self.corpus_query}”.", 5000)

    def _focus(self, dock: QDockWidget, widget: QWidget) -> None:
        dock.show()
        dock.raise_()
        widget.setFocus()

    def _focus_corpus_search(self) -> None:
        self.docks[0].show()
        self.article_list.search.setFocus()
        self.article_list.search.selectAll()

    # ------------------------------------------------------------------ misc
    def _toggle_tags(self, checked: bool) -> None:
        self.text_view.set_show_tags(checked)
        self.settings.setValue("view/label_tags", checked)

    def _select_quotation(self) -> None:
        if not self.text_view.grow_selection(quote_bounds):
            self.statusBar().showMessage("No quotation marks around the selection.", 3000)

    def _describe_span(self, span_id: int) -> str:
        """The hover tooltip's entry for a span: label, start of its text, attributes, annotator."""
        span = self.store.span(span_id)
        excerpt = self.text_view.canonical_text[span.start : span.end]
        lines = [f"{span.label}: “{excerpt[:60]}{'…' if len(excerpt) > 60 else ''}”"]
        lines += [f"{name.replace('_', ' ')}: {value}" for name, value in span.attributes.items()]
        if span.note:
            lines.append(f"note: {span.note[:80]}")
        lines.append(f"by {span.annotator}")
        return "\n".join(lines)

    def _toggle_snap(self, checked: bool) -> None:
        self.text_view.snap_to_words = checked
        self.settings.setValue("edit/snap_to_words", checked)

    def _escape(self) -> None:
        if self.attribution.active:
            self.attribution.cancel("Attribution cancelled.")
        elif self.find_bar.isVisible():
            self._close_find()
        elif self.suggester.current is not None:
            self.suggester.clear()
        else:
            self.text_view.set_selected_span(None)

    def _update_status(self) -> None:
        if self.article is None:
            self.position_label.setText("No articles yet: File → Import.")
            return
        row = self.article_model.row_of(self.article.id)
        place = f"Article {row + 1} of {len(self.article_model.ids)}" if row is not None else "Article"
        cursor = self.text_view.to_code_point(self.text_view.textCursor().position())
        spans = self.text_view.span_count
        self.position_label.setText(
            f"{place} · {STATUS_TEXT[self.article.status]} · {count(spans, 'span')} · "
            f"position {cursor} of {len(self.article.text)}"
        )

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "annotator", dialogs.as_plain(message))

    def close_store(self) -> None:
        """Close the project, first taking away the window's mark (`begin_window_session`)."""
        try:
            self.store.end_window_session()
        except StoreError as error:
            log.info("window session mark left in %s: %s", self.store.path, error)
        self.store.close()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._keep_text_wide()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._keep_text_wide()

    def _keep_text_wide(self) -> None:
        """The text gets at least half the window's width: when the window shrinks (a laptop),
        the side columns give up width in proportion (a user may still drag them wider)."""
        columns = [
            dock
            for dock in (self.docks[0], self.docks[1])
            if not dock.isHidden() and not dock.isFloating()
        ]
        widths = [dock.width() for dock in columns]
        room = self.width() // 2 - 24
        if sum(widths) > room > 0:
            self.resizeDocks(columns, [w * room // sum(widths) for w in widths], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.details.commit()
        self.watch.stop()  # a closed window polls and checkpoints no more (its store may be closed next)
        self.idle.stop()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
