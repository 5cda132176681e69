"""The status bar's line about the open article: its place in the list, its status, its spans
and the cursor's offset. It follows every change (`StoreEvents`) and the cursor itself."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from annotator.core.model import Changes
from annotator.core.wording import count
from annotator.gui.article_editor import ArticleEditor
from annotator.gui.events import StoreEvents
from annotator.gui.models import STATUS_TEXT, ArticleTableModel


class PositionLine(QLabel):
    """“Article 3 of 40 · in progress · 5 spans · position 120 of 2,000”."""

    def __init__(self, events: StoreEvents, editor: ArticleEditor, article_model: ArticleTableModel):
        super().__init__()
        self.setObjectName("position_line")
        self.editor, self.article_model = editor, article_model
        editor.text_view.cursorPositionChanged.connect(self.update_line)
        events.changed.connect(self._changed)  # after the editor: the line shows its state

    def _changed(self, changes: Changes, initiator: object) -> None:
        self.update_line()

    def update_line(self) -> None:
        article, view = self.editor.article, self.editor.text_view
        if article is None:
            self.setText("No articles yet: File → Import.")
            return
        row = self.article_model.row_of(article.id)
        place = f"Article {row + 1} of {len(self.article_model.ids)}" if row is not None else "Article"
        cursor = view.to_code_point(view.textCursor().position())
        self.setText(
            f"{place} · {STATUS_TEXT[article.status]} · {count(view.span_count, 'span')} · "
            f"position {cursor} of {len(article.text)}"
        )
