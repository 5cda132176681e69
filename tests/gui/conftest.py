"""GUI tests run offscreen and must not leave top-level widgets behind."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_leaked_widgets(qapp):
    """Fail a test that leaves a top-level widget alive (set up before qtbot, so checked after
    qtbot has closed the widgets it was given)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from shiboken6 import getCppPointer

    def alive() -> dict[int, object]:
        return {getCppPointer(w)[0]: w for w in qapp.topLevelWidgets()}

    before = alive()
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    leaked = [w for address, w in alive().items() if address not in before]
    assert not leaked, f"top-level widgets left open: {leaked}"
