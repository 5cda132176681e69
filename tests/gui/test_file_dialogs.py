"""File dialogs start in the folder last used, else in Documents."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.gui.actions import ActionId


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Some text.")])
    yield store
    store.close()


def test_import_starts_in_documents_then_in_the_last_folder(window, monkeypatch, tmp_path):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    picked = tmp_path / "corpus" / "a.txt"
    picked.parent.mkdir()
    picked.write_text("Imported text.", encoding="utf-8")
    started = []

    def open_names(parent, caption, folder, *rest):
        started.append(folder)
        return [str(picked)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_names)
    monkeypatch.setattr("annotator.gui.dialogs.show_import_summary", lambda *a: None)
    window.actions[ActionId.IMPORT].trigger()
    window.actions[ActionId.IMPORT].trigger()
    assert started == [str(home / "Documents"), str(picked.parent)]
    assert "Imported text." in [window.store.article(i).text for i in window.store.article_ids()]
