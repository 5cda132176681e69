"""Suggestions in the window: drawn apart from spans (dashed outline, no fill), settled by key,
computed for the open article when it opens and for the whole corpus in the background.

The controller holds ids and offsets only; every accept or reject is an undoable command through
the store, and the view refreshes from the `Changes` it announces.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog

from annotator.core.errors import AnnotatorError, StoreError
from annotator.core.model import Changes, Op, StoredSuggestion
from annotator.core.store import Store
from annotator.core.suggest import NAMES, learned
from annotator.core.suggest.runner import suggest_article, suggest_articles, train_model
from annotator.gui.actions import ActionId
from annotator.gui.commands import AcceptSuggestionsCommand, RejectSuggestionsCommand
from annotator.gui.window_quiet import step_aside

SOURCES_KEY = "suggest/sources"
THRESHOLD_KEY = "suggest/threshold"
DEFAULT_SOURCES = NAMES
DEFAULT_THRESHOLD = 0.5
CORPUS_BATCH = 20  # articles between progress reports (and chances to cancel)
# Characters. Up to INLINE_LIMIT the open article is suggested for on the window's thread as it
# opens (about 100 ms at 45,000 characters); up to OPEN_ARTICLE_LIMIT on a thread of its own; a
# longer one (the recommenders on a 5 MB text take minutes) is left to the corpus run.
INLINE_LIMIT = 50_000
OPEN_ARTICLE_LIMIT = 200_000
# The newest spans the window learns names and repeated strings from (all of them took 3 s on the
# window's thread in a million-span project, after every edit).
MEMORY_SPANS = 20_000
RETRAIN_EVERY = 5  # claim and framing spans added or removed before the learned model is retrained
# ... or this share of those it was trained on, when more: training takes longer as they grow
# (10 s on a 5 MB article's 8,000 tagged sentences, holding the interpreter for most of it, every
# five claims), while five more change a model of thousands little.
RETRAIN_SHARE = 0.02
RETRAIN_DELAY_MS = 3000  # quiet time after an edit before looking
# Quiet time after an edit before the recommenders run on the article again: spans made key after
# key pay for one run, and no run competes with the window's thread while the keys go on.
RESUGGEST_DELAY_MS = 300
REREAD_ALL = 500  # a run that changed more suggestions than this has all of them read again


def enabled_sources(settings: QSettings) -> list[str]:
    """The recommenders switched on in Preferences (all by default)."""
    saved = settings.value(SOURCES_KEY, list(DEFAULT_SOURCES), type=list)
    return [name for name in NAMES if name in saved]


def threshold(settings: QSettings) -> float:
    """Suggestions scored below this are kept but not shown."""
    return settings.value(THRESHOLD_KEY, DEFAULT_THRESHOLD, type=float)


def retrain_after(trained_on: int) -> int:
    """Claim and framing spans added or removed before a model trained on `trained_on` is
    trained again."""
    return max(RETRAIN_EVERY, int(trained_on * RETRAIN_SHARE))


class CorpusRun(QThread):
    """Suggestions for many articles on a thread of its own, with its own connection to the
    project (SQLite connections stay on the thread that made them), from the whole project's
    memory and a model trained for it."""

    progressed = Signal(int)
    done = Signal(object, object, str)  # counts per recommender, learned model, error ("" if none)

    def __init__(self, store: Store, article_ids: list[int], names: list[str], parent: QObject):
        super().__init__(parent)
        self.path, self.annotator = store.path, store.annotator
        self.article_ids, self.names = article_ids, names
        self.cancelled = False

    def run(self) -> None:
        model = None
        try:
            with Store.open(self.path, self.annotator) as store:
                if "learned" in self.names:
                    step_aside()
                    model = train_model(store)
                counts = suggest_articles(
                    store,
                    self.article_ids,
                    self.names,
                    self._progress,
                    model=model,
                    batch=CORPUS_BATCH,
                    pause=step_aside,
                )
        except AnnotatorError as error:
            self.done.emit({}, None, str(error))
            return
        self.done.emit(counts, model, "")

    def _progress(self, done: int) -> bool:
        self.progressed.emit(done)
        return not self.cancelled


class ArticleRun(QThread):
    """The open article's suggestions, computed on a thread of its own with its own connection
    (reading the project's memory first when `memory` is None; kept in `memory`). It stores
    nothing: the window stores them on its connection. Stored from here they were a commit by
    another connection, which the window's look for other programs' commits took for one: every
    view refreshed and the memory was read again, after every run."""

    done = Signal(object, object, str)  # this run, the suggestions found (None on an error), error

    def __init__(self, store: Store, article_id: int, names: list[str], parent: QObject, model, memory):
        super().__init__(parent)
        self.path, self.annotator = store.path, store.annotator
        self.article_id, self.names, self.model, self.memory = article_id, names, model, memory
        self.memory_age = 0  # the controller's memory_age when this run started

    def run(self) -> None:
        try:
            with Store.open(self.path, self.annotator) as store:
                if self.memory is None:
                    step_aside()
                    self.memory = store.suggestion_memory(recent=MEMORY_SPANS)
                found = suggest_article(
                    store, self.article_id, self.names, self.memory, self.model, step_aside
                )
        except AnnotatorError as error:
            self.done.emit(self, None, str(error))
            return
        self.done.emit(self, found, "")


class Training(QThread):
    """Trains the learned recommender on a thread of its own with its own connection, when the
    project's claim and framing spans changed by `retrain_after` since `trained_on` (-1: never)."""

    done = Signal(object, int, str)  # the model (None: not retrained), spans it counted, error

    def __init__(self, store: Store, trained_on: int):
        super().__init__()  # no parent: it outlives a window closed meanwhile (see `stop`)
        self.path, self.annotator, self.trained_on = store.path, store.annotator, trained_on

    def run(self) -> None:
        try:
            with Store.open(self.path, self.annotator) as store:
                count = store.learning_count()
                stale = self.trained_on < 0 or abs(count - self.trained_on) >= retrain_after(self.trained_on)
                if stale:
                    step_aside()  # training itself holds the interpreter in scikit-learn's loops
                model = train_model(store) if stale else None
        except (AnnotatorError, ValueError, ImportError) as error:  # ImportError: a broken install
            self.done.emit(None, self.trained_on, str(error))
            return
        self.done.emit(model, count if stale else self.trained_on, "")


class SuggestionController(QObject):
    """The open article's pending suggestions, the current one, and the gestures on them."""

    def __init__(self, window: QMainWindow):  # the main window (it builds this controller)
        super().__init__(window)
        self.window = window
        self.items: list[StoredSuggestion] = []
        self.current: int | None = None  # id of the suggestion the keys act on
        self.memory = None  # the project's actors and tagged strings, rebuilt after edits
        self.memory_age = 0  # times the memory was dropped: a run's memory read before is stale
        self.model = None  # the learned recommender's model, trained in the background
        self.trained_on = -1  # the claim and framing spans the model was trained on (-1: never)
        self.training: Training | None = None
        self.retrain = QTimer(self)
        self.retrain.setSingleShot(True)
        self.retrain.setInterval(RETRAIN_DELAY_MS)
        self.retrain.timeout.connect(self.train)
        self.resuggest = QTimer(self)
        self.resuggest.setSingleShot(True)
        self.resuggest.setInterval(RESUGGEST_DELAY_MS)
        self.resuggest.timeout.connect(self._resuggest)
        self.resuggest_for: int | None = None  # the article edited
        self.edited = False
        self.deferred = False
        self.run: CorpusRun | None = None
        self.article_run: ArticleRun | None = None  # the open article, off the window's thread
        self.article_again = False  # it was edited while its run went on
        self.progress: QProgressDialog | None = None
        self.status = QLabel()
        self.status.setObjectName("suggestion_count")
        window.statusBar().addPermanentWidget(self.status)
        window.events.changed.connect(lambda changes, initiator: self.on_changes(changes))
        window.events.closing.connect(self.stop)  # no thread may write to a project as it closes
        window.text_view.span_selection_changed.connect(self._span_selected)
        listed = window.span_list
        listed.suggestion_chosen.connect(lambda i: self._make_current(self._item(i)))
        listed.suggestion_accepted.connect(lambda i: self._settle(AcceptSuggestionsCommand, [i]))
        listed.suggestion_rejected.connect(lambda i: self._settle(RejectSuggestionsCommand, [i]))
        self.retrain.start()  # the learned model, soon after the window opens

    # ------------------------------------------------------------------ compute
    def article_opened(self) -> None:
        """Suggest for the article just opened (fast: the recommenders are pure text work and the
        project's memory is kept between articles), then show them. The article the window opens
        with waits until the window is painted (reading a 100k project's memory takes ~0.3 s)."""
        if not self.window.isVisible() and not self.window.first_paint.painted:
            self.deferred = True
            self.window.first_paint.call(self._opened_at_start)
            return
        self._suggest_for_opened()

    def _opened_at_start(self) -> None:
        # not done meanwhile by an article opened after the first paint, nor closed since
        if self.deferred and self.window.isVisible():
            self._suggest_for_opened()

    def _suggest_for_opened(self) -> None:
        self.deferred = False
        self.current = None
        if self.edited:  # the project's memory learns what was tagged since it was built
            self._forget_memory()
            self.edited = False
        self.compute()
        self.refresh()
        self._sync_actions()

    def compute(self, background: bool = False) -> None:
        """Run the recommenders on the open article again (after it opens, and after each edit in
        it, so an accepted actor brings its other mentions). Unchanged suggestions keep their ids.
        After an edit (`background`, once the keys pause), for a long article and when the
        project's memory is to be read again (after edits) they run on a thread of its own, a
        book-length article is left to the corpus run: on the window's thread they would stall
        every edit (0.9 s per span in a project of 100k tagged strings)."""
        window = self.window
        names = [n for n in enabled_sources(window.settings) if n != "learned" or self.model is not None]
        if window.article is not None and len(window.article.text) > OPEN_ARTICLE_LIMIT:
            window.statusBar().showMessage(
                f"This article is too long to suggest for as it opens ({len(window.article.text):,} "
                f"characters); Suggestions → Suggest for All Articles does it in the background.",
                8000,
            )
            return
        inline = not background and len(window.article.text if window.article else "") <= INLINE_LIMIT
        if window.article is not None and names and not (inline and self.memory is not None):
            self._suggest_in_background(window.article.id, names)
            return
        if window.article is not None and names and not window.store.writing:
            try:
                suggest_articles(
                    window.store, [window.article.id], names, memory=self.memory, model=self.model
                )
            except AnnotatorError as error:
                window.statusBar().showMessage(str(error), 5000)

    def _suggest_in_background(self, article_id: int, names: list[str]) -> None:
        """The article is suggested for on a thread of its own; its suggestions show when done."""
        if self.article_run is not None:
            self.article_again = True
            return
        self.article_run = ArticleRun(self.window.store, article_id, names, self, self.model, self.memory)
        self.article_run.memory_age = self.memory_age
        self.article_run.done.connect(self._article_done)
        self.article_run.start()

    def _article_done(self, run: ArticleRun, found: list | None, error: str) -> None:
        """Store what the run found and show what that changed (nothing, when the edit touched no
        suggestion). Edited meanwhile: run again, on the thread too."""
        run.wait()
        run.deleteLater()
        if run is not self.article_run:  # its project closed meanwhile (see `stop`): dropped
            return
        self.article_run = None
        window = self.window
        if self.memory is None and run.memory_age == self.memory_age:
            self.memory = run.memory
        if error:
            window.statusBar().showMessage(error, 5000)
        if window.store.writing:  # an import's progress runs this loop inside its transaction
            self.resuggest_for = run.article_id
            self.resuggest.start()
            return
        try:
            changes = found is not None and window.store.store_suggestions({run.article_id: found}, run.names)
            if self.article_again:
                self.article_again = False
                self.compute(background=True)
            if changes and changes.suggestions and window.article and window.article.id == run.article_id:
                # and those whose speaker it linked again (the link is no change of their own)
                linked = {s.key for s in found if s.speaker}
                again = {s.id for s in self.items if (s.start, s.end, s.label) in linked}
                self.refresh(set(changes.suggestions) | again)
        except AnnotatorError as error:  # the article was deleted meanwhile
            window.statusBar().showMessage(str(error), 5000)

    def refresh(self, changed: set[int] | None = None) -> None:
        """Show the open article's pending suggestions: all read again, or only the `changed` ids
        (what a run stored and deleted; reading an article's 1,900 took 10 ms after each run)."""
        window = self.window
        if window.article is None:
            self.items = []
        elif changed is None or len(changed) > REREAD_ALL:
            self.items = self._read()
        else:
            kept = [s for s in self.items if s.id not in changed]
            self.items = sorted(kept + self._read(changed), key=lambda s: (s.start, -s.end, s.id))
        ids = {s.id for s in self.items}
        if self.current not in ids:
            self.current = None
            self._sync_actions()
        window.text_view.set_suggestions(
            [(s.start, s.end, s.label) for s in self.items], self._current_index()
        )
        window.span_list.model.set_suggestions(self.items)
        window.span_list.show_suggestion(self.current)
        self._show_count()

    def _read(self, ids: set[int] | None = None) -> list[StoredSuggestion]:
        """The open article's stored suggestions shown (of these ids), in text order."""
        window = self.window
        off = set(NAMES) - set(enabled_sources(window.settings))  # imported ones always show
        found = window.store.suggestions(window.article.id, min_score=threshold(window.settings), ids=ids)
        return [s for s in found if s.source not in off]

    def _item(self, suggestion_id: int) -> StoredSuggestion | None:
        return next((s for s in self.items if s.id == suggestion_id), None)

    def _current_index(self) -> int | None:
        return next((i for i, s in enumerate(self.items) if s.id == self.current), None)

    def _show_count(self) -> None:
        if not self.items:
            self.status.setText("")
            return
        by_source: dict[str, int] = {}
        for s in self.items:
            by_source[s.source] = by_source.get(s.source, 0) + 1
        parts = ", ".join(f"{source} {count}" for source, count in by_source.items())
        self.status.setText(f"{len(self.items)} suggestions ({parts})")

    def on_changes(self, changes: Changes) -> None:
        article = self.window.article
        if changes.op is Op.OPEN:  # another project: what was learned is not about it
            self.model, self.trained_on = None, -1
        if changes.labels or changes.op in (Op.EXTERNAL, Op.OPEN):
            self._forget_memory()
        if changes.spans or changes.op in (Op.EXTERNAL, Op.OPEN):
            self.retrain.start()
        if article is None or not (article.id in changes.articles or changes.op is Op.EXTERNAL):
            return
        if changes.spans:
            self.edited = True
            self.resuggest_for = article.id
            self.resuggest.start()
        if changes.op is not Op.ADD_SPAN:  # a span added leaves the stored suggestions as they are
            self.refresh()
        self._sync_actions()

    def _forget_memory(self) -> None:
        """The project's memory is read again (on a thread) by the next run."""
        self.memory = None
        self.memory_age += 1

    @property
    def busy(self) -> bool:
        """Suggestions for the open article are due after an edit or being computed."""
        return self.resuggest.isActive() or self.article_run is not None

    def _resuggest(self) -> None:
        article = self.window.article
        if article is not None and article.id == self.resuggest_for:
            self.compute(background=True)

    # ------------------------------------------------------------ learned model
    def train(self) -> None:
        """Retrain the learned recommender in the background if its spans changed enough."""
        if self.training is not None or "learned" not in enabled_sources(self.window.settings):
            return
        if not learned.available():
            return
        self.training = Training(self.window.store, self.trained_on)
        self.training.done.connect(self._trained)
        self.training.start()

    def _trained(self, model: object, count: int, error: str) -> None:
        training, self.training = self.training, None
        training.wait()
        if error:
            self.window.statusBar().showMessage(
                f"The learned recommender could not be trained: {error}", 8000
            )
            return
        if model is None or training.path != self.window.store.path:  # another project opened since
            return
        self.model, self.trained_on = model, count
        self.compute(background=True)

    def stop(self) -> None:
        """The window or its project closes: stop the corpus run and wait for the background work
        to end."""
        self.retrain.stop()
        self.resuggest.stop()
        if self.run is not None:
            self.run.cancelled = True  # the corpus run stops between batches; the others are short
        for thread in (self.run, self.article_run, self.training):
            if thread is not None:
                thread.wait()
        self.article_run, self.article_again = None, False  # what it found is for a closed project

    # ---------------------------------------------------------------- gestures
    def step(self, forward: bool = True) -> None:
        """Make the next (or previous) suggestion after the cursor the current one."""
        if not self.items:
            self.window.statusBar().showMessage("No suggestions in this article.", 3000)
            return
        index = self._current_index()
        if index is None:
            view = self.window.text_view
            cursor = view.to_code_point(view.textCursor().position())
            after = [i for i, s in enumerate(self.items) if s.start >= cursor]
            index = (after[0] if after else 0) if forward else (after[0] - 1 if after else -1)
        else:
            index = index + (1 if forward else -1)
        self._make_current(self.items[index % len(self.items)])

    def _sync_actions(self) -> None:
        """Enter and Ctrl+Backspace act only while a suggestion is current (Enter stays free for
        the find bar and the lists otherwise)."""
        for action_id in (ActionId.ACCEPT_SUGGESTION, ActionId.REJECT_SUGGESTION):
            self.window.actions[action_id].setEnabled(self.current is not None)

    def _make_current(self, suggestion: StoredSuggestion | None) -> None:
        view = self.window.text_view
        self.current = suggestion.id if suggestion else None
        self._sync_actions()
        view.set_selected_span(None)
        view.set_current_suggestion(self._current_index())
        self.window.span_list.show_suggestion(self.current)
        if suggestion is not None:
            view.reveal(suggestion.start)
            self.window.statusBar().showMessage(
                f"{suggestion.label} suggested by {suggestion.source} ({suggestion.score:.2f}): "
                "Enter or its label key accepts, Backspace rejects, Ctrl+J next.",
                8000,
            )

    def _span_selected(self, span_id: int | None) -> None:
        if span_id is not None:  # the keys act on the span now
            self.clear()

    def clear(self) -> None:
        if self.current is not None:
            self.current = None
            self.window.text_view.set_current_suggestion(None)
            self._sync_actions()

    def accept_current(self, label: str | None = None) -> None:
        if self.current is not None:
            self._settle(AcceptSuggestionsCommand, [self.current], label)

    def reject_current(self) -> None:
        if self.current is not None:
            self._settle(RejectSuggestionsCommand, [self.current])

    def accept_source(self) -> None:
        """Accept every shown suggestion in this article from the current one's source (or, with
        none current, from the source with the most)."""
        if not self.items:
            return
        source = next((s.source for s in self.items if s.id == self.current), None)
        if source is None:
            counts: dict[str, int] = {}
            for s in self.items:
                counts[s.source] = counts.get(s.source, 0) + 1
            source = max(counts, key=counts.get)
        self._settle(AcceptSuggestionsCommand, [s.id for s in self.items if s.source == source])

    def _settle(self, command_class, ids: list[int], label: str | None = None) -> None:
        """Run the command, then move on to the suggestion after the settled one."""
        window = self.window
        position = next((s.start for s in self.items if s.id == ids[0]), 0)
        args = (label,) if label is not None else ()
        window.undo_stack.push(command_class(window.store, window.events, ids, *args))
        following = next((s for s in self.items if s.start >= position), None)
        self._make_current(following or (self.items[0] if self.items else None))

    # --------------------------------------------------------- tag all occurrences
    def tag_all(self) -> None:
        from annotator.gui.tag_all import tag_all  # its dialog: built on first use

        tag_all(self.window)

    # ------------------------------------------------------------- whole corpus
    def run_corpus(self) -> None:
        """Suggest for every article in the background, with progress and Cancel."""
        window = self.window
        if self.run is not None:
            return
        names = enabled_sources(window.settings)
        if not names:
            window.statusBar().showMessage("Every recommender is off (Edit → Preferences).", 5000)
            return
        if "learned" in names and not learned.available():
            window.statusBar().showMessage(learned.INSTALL_HINT, 8000)
        ids = window.store.article_ids()
        self.run = CorpusRun(window.store, ids, names, self)
        self.progress = QProgressDialog("Suggesting for every article…", "Cancel", 0, len(ids), window)
        self.progress.setObjectName("suggest_progress")
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel)
        self.run.progressed.connect(self.progress.setValue)
        self.run.done.connect(self._finished)
        self.progress.show()
        self.run.start()

    def _cancel(self) -> None:
        if self.run is not None:
            self.run.cancelled = True

    def _finished(self, counts: dict, model: object, error: str) -> None:
        run, self.run = self.run, None
        run.wait()
        run.deleteLater()
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        window = self.window
        if error:
            window.show_error(error)
        else:
            made = ", ".join(f"{name} {count}" for name, count in counts.items())
            word = "Stopped" if run.cancelled else "Done"
            window.statusBar().showMessage(f"{word}: {made}.", 8000)
        self._forget_memory()
        self.model = model or self.model
        try:
            self.refresh()
        except StoreError:  # the project closed while the run ended (a restore, another project)
            return
