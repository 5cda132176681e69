"""Slow file work (backing up or restoring a 1 GB project) on a worker thread, while the window
keeps painting and a progress dialog says what is under way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
SHOW_AFTER_MS = 400
"""Work done sooner than this never flashes a dialog."""


class _Finished(QObject):
    """Carries the worker's end to the GUI thread (a queued signal, emitted from the worker)."""

    done = Signal()


def run_in_background(parent: QWidget | None, label: str, work: Callable[[], T]) -> T:
    """Run `work()` on a thread of its own and return what it returns (or raise what it raised).
    Meanwhile the event loop runs, so the window repaints and its timers fire, but keys and
    clicks wait until the work is done (they might act on what it is changing); a busy dialog
    saying `label` shows if it takes long. `work` must not touch the window's own SQLite
    connection (it belongs to the GUI thread)."""
    outcome: dict[str, object] = {}
    finished = _Finished()
    loop = QEventLoop()
    finished.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001  (re-raised on the GUI thread)
            outcome["error"] = error
        finished.done.emit()

    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("Please wait")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setValue(0)
    thread = threading.Thread(target=target, name=label, daemon=True)
    thread.start()
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    thread.join()
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
