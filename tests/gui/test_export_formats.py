from __future__ import annotations

from pathlib import Path

from annotator.core.formats import FORMATS
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.dialogs import ExportDialog, write_export


def test_export_dialog_offers_every_writable_format_and_writes_a_folder(qtbot, tmp_path: Path):
    store = Store.open(tmp_path / "p.annotator", annotator="tester")
    store.add_articles([NewArticle("One", "Lavrov 😀 spoke", spans=(NewSpan(0, 6, "actor"),))])
    dialog = ExportDialog(None, store.labels())
    qtbot.addWidget(dialog)
    offered = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert offered == [name for name, fmt in FORMATS.items() if fmt.writer]
    dialog.format.setCurrentIndex(offered.index("brat"))
    fmt, statuses, labels = dialog.chosen()
    summary = write_export(store, tmp_path / "brat", fmt, statuses, labels)
    assert summary.spans == 1
    assert (tmp_path / "brat" / "000001.ann").read_text(encoding="utf-8") == "T1\tactor 0 6\tLavrov\n"
    store.close()
