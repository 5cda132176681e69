"""The agreement report: one table per label (and ALL), a row per pair of annotators and one for
the whole group; the figures come from `core.agreement`, defined there."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import ALL, AgreementError, AgreementReport, compute_agreement
from annotator.core.store import Store
from annotator.gui.plain_text import as_plain

COLUMNS = (
    ("Annotators", None),
    ("Articles", "articles"),
    ("Exact P", "exact_precision"),
    ("Exact R", "exact_recall"),
    ("Exact F1", "exact_f1"),
    ("Overlap P", "overlap_precision"),
    ("Overlap R", "overlap_recall"),
    ("Overlap F1", "overlap_f1"),
    ("Cohen κ", "cohen_kappa"),
    ("Fleiss κ", "fleiss_kappa"),
    ("α nominal", "alpha_nominal"),
    ("α unitized", "alpha_unitized"),
)


class AgreementDialog(QDialog):
    def __init__(self, parent: QWidget | None, report: AgreementReport):
        super().__init__(parent)
        self.setObjectName("agreement_dialog")
        self.setWindowTitle("Agreement")
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for label in [*report.labels, ALL]:
            table = self._table(report, label)
            self.tables[label] = table
            self.tabs.addTab(table, label)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "On the articles both annotators (the group: all of them) marked done. "
                "B is compared against A; tokens are words; – means undefined."
            )
        )
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 420)

    @staticmethod
    def _table(report: AgreementReport, label: str) -> QTableWidget:
        rows = [(f"{p.a} / {p.b}", p) for p in report.pairs if p.label == label]
        rows += [(", ".join(g.annotators), g) for g in report.groups if g.label == label]
        table = QTableWidget(len(rows), len(COLUMNS))
        table.setObjectName(f"agreement_{label}")
        table.setHorizontalHeaderLabels([title for title, _ in COLUMNS])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, figures) in enumerate(rows):
            for column, (_, field) in enumerate(COLUMNS):
                value = name if field is None else getattr(figures, field, None)
                text = (
                    value
                    if isinstance(value, str)
                    else "–"
                    if value is None
                    else (str(value) if isinstance(value, int) else f"{value:.3f}")
                )
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        return table


def show_agreement(parent: QWidget, store: Store) -> None:
    """Compute the report for everyone who marked articles done and show it."""
    try:
        report = compute_agreement(store)
    except AgreementError as error:
        QMessageBox.information(parent, "Agreement", as_plain(str(error)))
        return
    dialog = AgreementDialog(parent, report)
    dialog.exec()
