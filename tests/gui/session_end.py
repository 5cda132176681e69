"""Run by test_session_end.py in a process of its own: the window with a real event loop, text
typed into one field and left there, then the program ends by one route:

- `quit`: QApplication.quit() (what Ctrl+Q and the window manager's "quit" do), the loop ends;
- `session`: the desktop session asks the program to save (commitDataRequest), then kills it
  (os._exit, no close, no clean-up), as a logout that does not wait does.

Usage: python session_end.py PROJECT SETTINGS FIELD ROUTE TEXT
FIELD: note | normalised_name | scheme_description | preferences_name
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.store import Store
from annotator.gui.main_window import MainWindow


def main(project: str, settings_path: str, field: str, route: str, text: str) -> None:
    app = QApplication.instance() or QApplication([])
    store = Store.open(project, annotator="ana")
    window = MainWindow(store, QSettings(settings_path, QSettings.Format.IniFormat))
    window.show()
    window.open_article(store.article_ids()[0])

    def end() -> None:
        if route == "quit":
            QApplication.quit()
        else:
            app.commitDataRequest.emit(None)
            os._exit(0)

    def type_into_span_field() -> None:
        actor = next(span for span in store.spans(window.article.id) if span.label == "actor")
        window.text_view.set_selected_span(actor.id)
        editor = window.details.note if field == "note" else window.details.text_attributes[field]
        QTest.mouseClick(editor, Qt.MouseButton.LeftButton)
        QTest.keyClicks(editor, text)
        assert editor.text() == text
        QTimer.singleShot(50, end)

    def type_into_scheme_editor() -> None:
        def type_then_end() -> None:
            dialog = QApplication.activeModalWidget()
            QTest.mouseClick(dialog.description.viewport(), Qt.MouseButton.LeftButton)
            QTest.keyClicks(dialog.description, text)
            QTimer.singleShot(50, end)

        QTimer.singleShot(100, type_then_end)
        window.edit_scheme()  # modal: returns when the dialog closes

    def type_into_preferences() -> None:
        def type_then_end() -> None:
            dialog = QApplication.activeModalWidget()
            dialog.name.selectAll()
            QTest.keyClicks(dialog.name, text)
            QTimer.singleShot(50, end)

        QTimer.singleShot(100, type_then_end)
        window.edit_preferences()

    start = {"scheme_description": type_into_scheme_editor, "preferences_name": type_into_preferences}
    QTimer.singleShot(100, start.get(field, type_into_span_field))
    app.exec()
    window.files.close_store()


if __name__ == "__main__":
    main(*sys.argv[1:])
