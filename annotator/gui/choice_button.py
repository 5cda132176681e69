"""A filter of several values: a tool button whose drop-down menu ticks any number of them (the
Analysis window's annotators, statuses, outlets and labels, as `annotator report` repeats
--annotator, --status, --outlet and --label). Nothing ticked means no restriction."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton

ANY = "All"


class StayOpenMenu(QMenu):
    """A menu that stays open while its tick boxes are clicked, so several are ticked in a row."""

    def mouseReleaseEvent(self, event) -> None:
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class ChoiceButton(QToolButton):
    """The values ticked in its menu; `changed` after each tick. `shown` names a value for people
    (an empty outlet, say)."""

    changed = Signal()

    def __init__(self, name: str, values: list[str], shown=str):
        super().__init__()
        self.setObjectName(name)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMinimumWidth(64)  # room for the menu's arrow beside "All"
        menu = StayOpenMenu(self)
        menu.setObjectName(f"{name}_menu")
        menu.addAction(ANY).triggered.connect(self.clear)
        menu.addSeparator()
        self.shown = shown
        for value in values:
            action = menu.addAction(shown(value))
            action.setCheckable(True)
            action.setData(value)
            action.toggled.connect(self._ticked)
        self.setMenu(menu)
        self._name_choice()

    def choices(self) -> list:
        return [action for action in self.menu().actions() if action.isCheckable()]

    def chosen(self) -> tuple[str, ...]:
        return tuple(action.data() for action in self.choices() if action.isChecked())

    def clear(self) -> None:
        """Untick everything (the All entry): one `changed`."""
        if not self.chosen():
            return
        for action in self.choices():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self._ticked()

    def _ticked(self) -> None:
        self._name_choice()
        self.changed.emit()

    def _name_choice(self) -> None:
        names = [self.shown(value) for value in self.chosen()]
        if len(names) > 2:
            names_shown = f"{names[0]} +{len(names) - 1}"
        else:
            names_shown = ", ".join(names) or ANY
        self.setText(names_shown)
        self.setToolTip("\n".join(names) or "No restriction: tick values to count only those.")
