"""The one signal views listen to: the store changed (core has no signals)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class StoreEvents(QObject):
    """Emits `changed(changes, initiator)` after every store operation the GUI runs, and
    `failed(message)` when one was refused."""

    changed = Signal(object, object)
    failed = Signal(str)
