"""Tag All Occurrences (MAXQDA's autocode): with a span selected, tag every untagged occurrence of
its text with its label, in this article or in all of them, as one undo step.

The open article is counted at once; the other articles are read on a thread of its own with its
own connection to the project, the count growing in the dialog as it goes, and Cancel stops it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError
from annotator.core.occurrences import Occurrence, untagged
from annotator.core.store import Store
from annotator.gui.commands import AddSpansCommand

SCAN_EVERY = 20  # articles between progress reports (and chances to stop)


class OccurrenceScan(QThread):
    """The untagged occurrences in many articles, read in the background."""

    progressed = Signal(int, int)  # articles read, occurrences found so far
    done = Signal(object, str)  # the occurrences (None when stopped), an error ("" if none)

    def __init__(self, store: Store, needle: str, label: str, article_ids: list[int], parent: QObject):
        super().__init__(parent)
        self.path, self.annotator = store.path, store.annotator
        self.needle, self.label, self.article_ids = needle, label, article_ids
        self.cancelled = False

    def run(self) -> None:
        try:
            with Store.open(self.path, self.annotator) as store:
                found = untagged(
                    store, self.needle, self.label, self.article_ids, True, self._progress, SCAN_EVERY
                )
        except AnnotatorError as error:
            self.done.emit(None, str(error))
            return
        self.done.emit(found, "")

    def _progress(self, done: int, found: int) -> bool:
        self.progressed.emit(done, found)
        return not self.cancelled


class TagAllDialog(QDialog):
    """Says how many untagged occurrences there are (this article at once, the others as they are
    read) and lets the analyst tag those of this article, or of all articles once they are counted."""

    def __init__(self, window: QMainWindow, span_id: int):
        super().__init__(window)
        self.setObjectName("tag_all_dialog")
        self.setWindowTitle("Tag All Occurrences")
        store, article = window.store, window.article
        span = store.span(span_id)
        self.label = span.label
        self.needle = article.text[span.start : span.end]
        self.here = untagged(store, self.needle, span.label, [article.id]) or []
        self.elsewhere: list[Occurrence] | None = None
        others = [i for i in store.article_ids() if i != article.id]
        self.counts = QLabel()
        self.counts.setObjectName("tag_all_counts")
        self.counts.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, max(len(others), 1))
        self.match_case = QCheckBox("Match &case")
        self.match_case.toggled.connect(self._show)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.in_article = QPushButton("This &Article")
        self.everywhere = QPushButton("All Articles")
        self.everywhere.setEnabled(False)
        for button in (self.in_article, self.everywhere):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.in_article.clicked.connect(lambda: self._choose(False))
        self.everywhere.clicked.connect(lambda: self._choose(True))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.counts, self.bar, self.match_case, buttons):
            layout.addWidget(widget)
        self.all_articles = False
        self.read = 0
        self.found_so_far = 0
        self.scan = OccurrenceScan(store, self.needle, span.label, others, self)
        self.scan.progressed.connect(self._progressed)
        self.scan.done.connect(self._scanned)
        self.error = ""
        self._show()
        self.scan.start()

    def chosen(self) -> list[tuple[int, int, int, str]]:
        """What to tag: (article id, start, end, label) of the chosen occurrences."""
        found = self.here + (self.elsewhere or []) if self.all_articles else self.here
        same_case = self.match_case.isChecked()
        return [(o.article_id, o.start, o.end, self.label) for o in found if o.same_case or not same_case]

    def done(self, result: int) -> None:
        self.scan.cancelled = True
        self.scan.wait()
        super().done(result)

    def _choose(self, all_articles: bool) -> None:
        self.all_articles = all_articles
        self.accept()

    def _progressed(self, read: int, found: int) -> None:
        self.read, self.found_so_far = read, found
        self.bar.setValue(read)
        self._show()

    def _scanned(self, found: list[Occurrence] | None, error: str) -> None:
        self.error = error
        if found is not None:
            self.elsewhere = found
            self.bar.setValue(self.bar.maximum())
            self.everywhere.setEnabled(True)
        self._show()

    def _show(self) -> None:
        same_case = self.match_case.isChecked()

        def count(found: list[Occurrence]) -> int:
            return sum(o.same_case or not same_case for o in found)

        case = "matching case" if same_case else "any case"
        text = f"“{self.needle}” occurs untagged {count(self.here)} more times in this article"
        if self.elsewhere is not None:
            articles = len({o.article_id for o in self.elsewhere if o.same_case or not same_case})
            text += f" and {count(self.elsewhere)} times in {articles} other articles"
        elif self.error:
            text += f"; the other articles could not be read: {self.error}"
        else:
            text += f"; counting in the other articles… ({self.found_so_far} so far in {self.read})"
        self.counts.setText(f"{text} (whole words, {case}). Tag them as {self.label}?")


def tag_all(window: QMainWindow) -> None:
    """The gesture: the dialog for the selected span, then the chosen occurrences as one undo step."""
    span_id = window.text_view.selected_span()
    if span_id is None or window.article is None:
        window.statusBar().showMessage("Select a span first (click it or press Tab).", 4000)
        return
    dialog = TagAllDialog(window, span_id)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    items = dialog.chosen() if accepted else []
    dialog.deleteLater()
    if items:
        window.undo_stack.push(AddSpansCommand(window.store, window.events, items))
        window.statusBar().showMessage(f"Tagged {len(items)} occurrences as {dialog.label}.", 5000)
