"""The main window: docks, menus and status bar around the text view. No SQL here: gestures
become commands on the undo stack (`SpanGestures`), every change is announced by `StoreEvents`,
and each view refreshes itself from the `Changes` it cares about (`ArticleEditor` for the text)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent, QShortcut, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, NameRefused
from annotator.core.model import Article, Changes, Status
from annotator.core.search import left_out_note, match_ranges
from annotator.core.selection import quote_bounds, sentence_bounds
from annotator.core.store import Store, StoreError
from annotator.core.wording import matches
from annotator.gui import backups, preferences
from annotator.gui.actions import MENUS, ActionId, create_actions, label_action
from annotator.gui.article_editor import ArticleEditor
from annotator.gui.article_list import ArticleList
from annotator.gui.commands import SetStatusCommand
from annotator.gui.details import SpanDetails
from annotator.gui.dock_layout import DockLayout
from annotator.gui.events import StoreEvents
from annotator.gui.fence import Fence
from annotator.gui.find_bar import FindBar
from annotator.gui.first_paint import AfterFirstPaint
from annotator.gui.intake import Intake
from annotator.gui.models import ArticleTableModel
from annotator.gui.palette import LabelPalette
from annotator.gui.plain_text import as_plain
from annotator.gui.position_line import PositionLine
from annotator.gui.project_files import ProjectFiles
from annotator.gui.span_gestures import SpanGestures
from annotator.gui.span_list import SpanList, SpanTableModel
from annotator.gui.suggestions import SuggestionController
from annotator.gui.text_view import TextView


class MainWindow(QMainWindow):
    """One window per open project; `files.open_project` swaps the project in place."""

    def __init__(self, store: Store, settings: QSettings | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.settings = settings or QSettings()
        self.events = StoreEvents(store, self)
        self.events.failed.connect(self.show_error)
        self.files = ProjectFiles(self, self.events, self.settings, self.say, self.show_error)
        self.files.opened.connect(self._show_project)
        self.undo_stack = QUndoStack(self)
        self.intake = Intake(self, self.events, self.undo_stack, self.settings)
        self.corpus_query = ""
        self.label_actions: list[QAction] = []
        self.edit_backups = backups.EditBackups(self.events)
        self.analysis_window: QWidget | None = None  # opened by Analysis → Analysis Tables

        self.text_view = TextView()
        self.text_view.setObjectName("text_view")
        self.first_paint = AfterFirstPaint(self.text_view.viewport())
        self.find_bar = FindBar(self.text_view, lambda: self.article.text if self.article else None, self.say)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.text_view)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.article_model = ArticleTableModel(self.events, self)
        self.article_list = ArticleList(self.article_model)
        self.article_list.article_chosen.connect(self.open_article)
        self.article_list.search_changed.connect(self.search_corpus)
        self.palette = LabelPalette(self.events)
        self.palette.label_clicked.connect(self.apply_label)
        self.palette.edit_requested.connect(self.edit_scheme)
        self.details = SpanDetails(self.events)
        self.span_list = SpanList(SpanTableModel(store, self))
        self.editor = ArticleEditor(
            self.events, self.text_view, self.span_list, self.palette, self.details, self
        )
        self.gestures = SpanGestures(self.editor, self.undo_stack, self.say, self)
        self.gestures.note_wanted.connect(self.edit_note)
        self.text_view.span_menu_requested.connect(self._span_menu)
        self.dock_layout = DockLayout(
            self, self.settings, self.article_list, self.palette, self.details, self.span_list, self.text_view
        )
        self.docks, self.span_dock = self.dock_layout.docks, self.dock_layout.spans

        self.actions = create_actions(self)
        self.suggester = SuggestionController(self)
        self.events.changed.connect(self._changed)
        self._connect_actions()
        self._build_menus()
        self.position_label = PositionLine(self.events, self.editor, self.article_model)
        self.project_label = QLabel()
        self.statusBar().addWidget(Fence(self.position_label, widths=False), 1)
        self.statusBar().addPermanentWidget(self.project_label)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        app = QApplication.instance()
        app.commitDataRequest.connect(self.details.commit)  # the desktop session is ending
        app.aboutToQuit.connect(self.details.commit)

        snap = self.settings.value("edit/snap_to_words", True, type=bool)
        self.actions[ActionId.TOGGLE_SNAP].setChecked(snap)
        self.text_view.snap_to_words = snap
        tags = self.settings.value("view/label_tags", False, type=bool)
        self.actions[ActionId.TOGGLE_TAGS].setChecked(tags)
        self.text_view.set_show_tags(tags)
        saved = preferences.saved(self.settings, store.annotator, snap)
        preferences.apply_font_size(self.text_view, saved.font_size)
        self.edit_backups.interval = preferences.backup_interval(saved.backup_minutes)
        self.first_paint.call(self.files.begin)  # the window's mark: two synced writes, not before it shows
        self._show_project()

    @property
    def store(self) -> Store:
        return self.events.store

    @property
    def article(self) -> Article | None:
        return self.editor.article

    # ------------------------------------------------------------------ setup
    def _connect_actions(self) -> None:
        gestures, files, view, suggester = self.gestures, self.files, self.text_view, self.suggester
        slots = {
            ActionId.NEW_PROJECT: files.new_project,
            ActionId.OPEN_PROJECT: files.choose_project,
            ActionId.IMPORT: lambda: self.intake.import_files(folder=False),
            ActionId.IMPORT_FOLDER: lambda: self.intake.import_files(folder=True),
            ActionId.EXPORT: self.export,
            ActionId.SAVE_COPY: files.save_a_copy,
            ActionId.BACKUP_NOW: files.back_up_now,
            ActionId.RESTORE_BACKUP: files.restore_from_backup,
            ActionId.QUIT: self.close,
            ActionId.UNDO: self.undo_stack.undo,
            ActionId.REDO: self.undo_stack.redo,
            ActionId.DELETE_SPAN: self.delete_span,
            ActionId.RELATE: gestures.relate,
            ActionId.DELETE_RELATION: gestures.delete_relations,
            ActionId.NEXT_SPAN: lambda: view.select_next_span(),
            ActionId.PREVIOUS_SPAN: lambda: view.select_next_span(backwards=True),
            ActionId.EDIT_SCHEME: self.edit_scheme,
            ActionId.PREFERENCES: self.edit_preferences,
            ActionId.TOGGLE_SNAP: self._toggle_snap,
            ActionId.TOGGLE_TAGS: self._toggle_tags,
            ActionId.SELECT_SENTENCE: lambda: view.grow_selection(sentence_bounds),
            ActionId.SELECT_QUOTATION: self._select_quotation,
            ActionId.FIND: self.find_bar.open_bar,
            ActionId.FIND_NEXT: lambda: self.find_bar.step(1),
            ActionId.FIND_PREVIOUS: lambda: self.find_bar.step(-1),
            ActionId.SEARCH_CORPUS: self._focus_corpus_search,
            ActionId.DONE_AND_NEXT: lambda: self.finish_article(Status.DONE),
            ActionId.SKIP_AND_NEXT: lambda: self.finish_article(Status.SKIPPED),
            ActionId.NEXT_ARTICLE: lambda: self.step_article(1),
            ActionId.PREVIOUS_ARTICLE: lambda: self.step_article(-1),
            ActionId.ZOOM_IN: view.zoom_in,
            ActionId.ZOOM_OUT: view.zoom_out,
            ActionId.FOCUS_ARTICLES: lambda: self.dock_layout.focus(self.docks[0], self.article_list.table),
            ActionId.FOCUS_TEXT: view.setFocus,
            ActionId.FOCUS_DETAILS: lambda: self.dock_layout.focus(self.docks[2], self.details.label),
            ActionId.FOCUS_SPANS: lambda: self.dock_layout.focus(self.span_dock, self.span_list.table),
            ActionId.SHORTCUTS: self.show_shortcuts,
            ActionId.ABOUT: self.show_about,
            ActionId.MERGE: self.intake.choose_merge,
            ActionId.ADJUDICATE: self.adjudicate,
            ActionId.AGREEMENT: self.show_agreement,
            ActionId.NEXT_SUGGESTION: lambda: suggester.step(True),
            ActionId.PREVIOUS_SUGGESTION: lambda: suggester.step(False),
            ActionId.ACCEPT_SUGGESTION: lambda: suggester.accept_current(),
            ActionId.REJECT_SUGGESTION: suggester.reject_current,
            ActionId.ACCEPT_SOURCE: suggester.accept_source,
            ActionId.SUGGEST_CORPUS: suggester.run_corpus,
            ActionId.TAG_ALL: suggester.tag_all,
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
                    recent = menu.addMenu("Open &Recent")
                    recent.aboutToShow.connect(lambda recent=recent: self.files.fill_recent(recent))
                elif entry == "docks":
                    for dock in self.docks:
                        menu.addAction(dock.toggleViewAction())
                else:
                    menu.addAction(self.actions[entry])

    def _label_keys(self) -> None:
        """One action per label, with the label's key: rebuilt whenever the scheme changes."""
        for action in self.label_actions:
            self.removeAction(action)
            action.deleteLater()
        self.label_actions = []
        for label in self.store.labels():
            action = label_action(self, label.name, label.shortcut)
            action.triggered.connect(lambda _=False, name=label.name: self.apply_label(name))
            self.label_actions.append(action)

    # ---------------------------------------------------------------- project
    def _show_project(self) -> None:
        """Bring the window in line with the (newly) open project; the views follow by themselves."""
        self.undo_stack.clear()
        only_read = " (read-only)" if self.store.read_only else ""
        self.setWindowTitle(f"{self.store.path.name}{only_read} — annotator")
        self.project_label.setText(f"{self.store.path}{only_read}")
        self._label_keys()
        last = self.settings.value(f"project/{self.store.path}/article", 0, type=int)
        ids = self.article_model.ids
        if ids:
            self.open_article(last if self.article_model.row_of(last) is not None else ids[0])
        else:
            self.editor.clear()
            self.position_label.update_line()

    # The dialogs and windows below are imported when first opened: the window's first paint
    # needs none of them (nor the formats, agreement and curation code behind them).
    def export(self) -> None:
        from annotator.gui import dialogs

        dialogs.run_export(self, self.store, self.settings)

    def show_shortcuts(self) -> None:
        from annotator.gui import dialogs

        dialogs.show_shortcuts(self, self.store.labels())

    def show_about(self) -> None:
        from annotator.gui import dialogs

        dialogs.show_about(self, self.store.path)

    def show_agreement(self) -> None:
        from annotator.gui.agreement_dialog import show_agreement

        show_agreement(self, self.store)

    def _span_menu(self, span_id: int, at: QPoint) -> None:
        from annotator.gui.span_menu import span_menu

        span_menu(self.gestures, span_id, self).exec(at)

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
        from annotator.gui.curation import CurationDialog

        current = self.article.id if self.article else None
        dialog = CurationDialog(self, self.events, self.undo_stack, current)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def edit_scheme(self) -> None:
        from annotator.gui import dialogs

        dialogs.edit_scheme(self, self.store, self.events, self.undo_stack)

    def edit_preferences(self) -> None:
        """Edit → Preferences…; what the analyst chose is saved and applied at once."""
        snap = self.actions[ActionId.TOGGLE_SNAP]
        shown = replace(
            preferences.saved(self.settings, self.store.annotator, snap.isChecked()),
            font_size=round(self.text_view.font().pointSizeF()) or 10,
        )
        preferences.ask(self, shown, lambda chosen: self._keep_preferences(chosen, shown))

    def _keep_preferences(self, chosen: preferences.Preferences, shown: preferences.Preferences) -> None:
        snap = self.actions[ActionId.TOGGLE_SNAP]
        if chosen.name != self.store.annotator:
            try:
                self.store.set_annotator(chosen.name)
            except (StoreError, NameRefused) as error:
                self.show_error(str(error))
                return
        preferences.save(self.settings, chosen, shown)
        if chosen.font_size != shown.font_size:
            preferences.apply_font_size(self.text_view, chosen.font_size)
        if snap.isChecked() != chosen.snap:
            snap.trigger()
        self.edit_backups.interval = preferences.backup_interval(chosen.backup_minutes)
        self.suggester.article_opened()

    # ---------------------------------------------------------------- article
    def open_article(self, article_id: int) -> None:
        try:
            if not self.editor.open(article_id):
                return
        except (AnnotatorError, ValueError) as error:  # a damaged row: an unknown status, say
            self.statusBar().showMessage(f"Article {article_id} cannot be opened: {error}", 10000)
            return
        self.gestures.attribution.cancel()
        if self.corpus_query:  # show the first hit, highlighted; F3 / Shift+F3 walk the others
            self.find_bar.show_hits(match_ranges(self.article.text, self.corpus_query))
        self.find_bar.refresh()
        self.suggester.article_opened()
        self.article_list.show_current(article_id)
        self.settings.setValue(f"project/{self.store.path}/article", article_id)
        self.text_view.setFocus()
        self.position_label.update_line()

    def step_article(self, step: int) -> None:
        ids = self.article_model.ids
        if not ids:
            return
        row = self.article_model.row_of(self.article.id) if self.article else None
        row = 0 if row is None else (row + step) % len(ids)
        self.open_article(ids[row])

    def finish_article(self, status: Status) -> None:
        """Mark the article done (or skipped) and open the next one below that is not."""
        if self.article is None:
            return
        self.details.commit()
        article_id = self.article.id
        self.gestures.push(SetStatusCommand(self.store, self.events, article_id, self.article.status, status))
        self.files.checkpoint()  # a finished article is in the project file, ready to be copied
        following = self.article_model.next_not_done(article_id)
        if following is not None:
            self.open_article(following)
        else:
            self.statusBar().showMessage("Every article is done or skipped.", 5000)

    # ------------------------------------------------------------------ spans
    def apply_label(self, name: str) -> None:
        """A label's key: accepts the current suggestion as that label, else labels the text."""
        if self.suggester.current is not None:
            self.suggester.accept_current(name)
        else:
            self.gestures.apply_label(name)

    def delete_span(self) -> None:
        if self.suggester.current is not None:
            self.suggester.reject_current()
        else:
            self.gestures.delete_span()

    def edit_note(self) -> None:
        """Show the selected span's note field, focused, for typing."""
        self.dock_layout.focus(self.docks[2], self.details.note)
        self.details.note.selectAll()

    # ---------------------------------------------------------------- changes
    def _changed(self, changes: Changes, initiator: object) -> None:
        """The window's own part of a change: label keys, and an article to show once the project
        has some."""
        if changes.labels:
            self._label_keys()
        if changes.article_list and self.article is None and self.article_model.ids:
            self.open_article(self.article_model.ids[0])

    # ------------------------------------------------------------------ search
    def search_corpus(self, query: str) -> None:
        self.corpus_query = query.strip()
        hits = self.article_model.search(self.corpus_query)
        if not self.corpus_query:
            self.text_view.set_highlights([])
            return
        if hits:
            self.open_article(hits[0])
        message = f"{matches(len(hits), 'article')} “{self.corpus_query}”. {left_out_note(self.corpus_query)}"
        self.statusBar().showMessage(message.strip(), 5000)

    def _focus_corpus_search(self) -> None:
        self.dock_layout.focus(self.docks[0], self.article_list.search)
        self.article_list.search.selectAll()

    # ------------------------------------------------------------------ misc
    def _toggle_tags(self, checked: bool) -> None:
        self.text_view.set_show_tags(checked)
        self.settings.setValue("view/label_tags", checked)

    def _toggle_snap(self, checked: bool) -> None:
        self.text_view.snap_to_words = checked
        self.settings.setValue("edit/snap_to_words", checked)

    def _select_quotation(self) -> None:
        if not self.text_view.grow_selection(quote_bounds):
            self.statusBar().showMessage("No quotation marks around the selection.", 3000)

    def _escape(self) -> None:
        if self.gestures.attribution.active:
            self.gestures.attribution.cancel("Attribution cancelled.")
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()
        elif self.suggester.current is not None:
            self.suggester.clear()
        else:
            self.text_view.set_selected_span(None)

    def say(self, message: str, ms: int = 0) -> None:
        self.statusBar().showMessage(message, ms)

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "annotator", as_plain(message))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.dock_layout.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.dock_layout.fit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.details.commit()
        self.suggester.stop()
        self.events.watch.stop()  # a closed window polls and checkpoints no more (its store may close)
        self.files.idle.stop()
        self.dock_layout.save()
        super().closeEvent(event)
