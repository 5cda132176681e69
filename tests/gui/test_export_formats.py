from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.formats import FORMATS
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.actions import ActionId
from annotator.gui.dialogs import ExportDialog, format_title, write_export


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="tester")
    store.add_articles([NewArticle("One", "Lavrov 😀 spoke", spans=(NewSpan(0, 6, "actor"),))])
    yield store
    store.close()


def test_export_dialog_offers_every_writable_format_and_writes_a_folder(qtbot, tmp_path: Path):
    store = Store.open(tmp_path / "p.annotator", annotator="tester")
    store.add_articles([NewArticle("One", "Lavrov 😀 spoke", spans=(NewSpan(0, 6, "actor"),))])
    dialog = ExportDialog(None, store.labels())
    qtbot.addWidget(dialog)
    offered = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert offered == [name for name, fmt in FORMATS.items() if fmt.writer]
    titles = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert "Label Studio JSON" in titles and "REFI-QDA project (.qdpx)" in titles
    assert any(title.startswith("WebAnno TSV 3") for title in titles)
    dialog.format.setCurrentIndex(offered.index("brat"))
    fmt, statuses, labels = dialog.chosen()
    summary = write_export(store, tmp_path / "brat", fmt, statuses, labels)
    assert summary.spans == 1
    assert (tmp_path / "brat" / "000001.ann").read_text(encoding="utf-8") == "T1\tactor 0 6\tLavrov\n"
    store.close()


def _export_from_window(qtbot, window, monkeypatch, fmt: str, path: Path, answer=None) -> None:
    """File → Export… choosing `fmt` and `path`; `answer(box)` handles the replace question."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

    def accept_dialog(self):
        self.format.setCurrentIndex(self.format.findData(fmt))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", accept_dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    if answer is not None:
        QTimer.singleShot(0, lambda: answer(QApplication.activeModalWidget()))
    window.actions[ActionId.EXPORT].trigger()


@pytest.mark.parametrize("replace", [False, True])
def test_window_export_asks_before_replacing_and_never_touches_other_files(
    qtbot, window, store, errors, monkeypatch, tmp_path, replace
):
    from PySide6.QtWidgets import QMessageBox

    out = tmp_path / "study #1"
    out.mkdir()
    (out / "000001.ann").write_text("an earlier export", encoding="utf-8")
    (out / "notes.odt").write_text("mine", encoding="utf-8")
    asked = []

    def answer(box):
        asked.append(box.objectName())
        button = QMessageBox.StandardButton.Yes if replace else QMessageBox.StandardButton.Cancel
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    _export_from_window(qtbot, window, monkeypatch, "brat", out, answer)
    assert asked == ["confirm_replace"]
    assert (out / "notes.odt").read_text(encoding="utf-8") == "mine"
    replaced = (out / "000001.ann").read_text(encoding="utf-8") != "an earlier export"
    assert replaced == replace
    assert (out / "annotation.conf").exists() == replace
    assert ("already holds" in errors[0]) != replace


def test_window_export_onto_the_project_is_refused(qtbot, window, store, errors, monkeypatch):
    spans = store.count_spans()
    _export_from_window(qtbot, window, monkeypatch, "jsonl", store.path)
    assert "project file itself" in errors[0]
    with Store.open(store.path) as again:
        assert again.count_spans() == spans


def test_window_import_offers_every_format_and_reads_the_chosen_one(window, store, monkeypatch, tmp_path):
    """File → Import Files… lists every importable format; a brat file picked under the brat
    filter is read as brat (its spans arrive), not refused for its .ann suffix."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    (tmp_path / "b.txt").write_text("Stoltenberg spoke.", encoding="utf-8")
    (tmp_path / "b.ann").write_text("T1\tactor 0 11\tStoltenberg\n", encoding="utf-8")
    offered: list[str] = []

    def pick(parent, title, folder, filters):
        offered.extend(filters.split(";;"))
        return [str(tmp_path / "b.ann")], next(f for f in offered if f.startswith(format_title("brat")))

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pick)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    window.actions[ActionId.IMPORT].trigger()
    readable = [name for name, fmt in FORMATS.items() if fmt.reader]
    assert [f.rsplit(" (", 1)[0] for f in offered[1:]] == [format_title(name) for name in readable]
    new = [i for i in store.article_ids() if store.article(i).title == "Stoltenberg spoke."]
    assert [span.label for span in store.spans(new[0])] == ["actor"]


def test_window_export_replacing_an_earlier_one_removes_its_files_of_articles_no_longer_exported(
    qtbot, window, store, errors, monkeypatch, tmp_path
):
    """The earlier export's file of an article now left out goes (the question says so); the
    analyst's own files stay."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

    from annotator.core.model import Status

    store.add_articles([NewArticle("Two", "Blinken replied.", spans=(NewSpan(0, 7, "actor"),))])
    out = tmp_path / "webanno"
    _export_from_window(qtbot, window, monkeypatch, "webanno", out)
    assert sorted(p.name for p in out.glob("*.tsv")) == ["000001.tsv", "000002.tsv"]
    (out / "notes.tsv").write_text("mine", encoding="utf-8")
    store.set_status(2, Status.DONE)

    def only_new(self):
        self.format.setCurrentIndex(self.format.findData("webanno"))
        for status, box in self.statuses.items():
            box.setChecked(status == Status.NEW)
        return QDialog.DialogCode.Accepted

    asked = []

    def answer(box):
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    monkeypatch.setattr(ExportDialog, "exec", only_new)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    QTimer.singleShot(0, lambda: answer(QApplication.activeModalWidget()))
    window.actions[ActionId.EXPORT].trigger()
    assert "also removes 1 file" in asked[0] and "000002.tsv" in asked[0]
    assert sorted(p.name for p in out.glob("*.tsv")) == ["000001.tsv", "notes.tsv"]
    assert "Removed 1 file" in errors[-1] and "000002.tsv" in errors[-1]
