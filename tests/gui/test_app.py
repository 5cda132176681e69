"""`annotator` with no command opens the window on the default project, seeded on first run."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QApplication

from annotator.cli import cli
from annotator.core.project import default_project_path
from annotator.gui.main_window import MainWindow


def test_no_command_opens_the_window_on_the_seeded_default_project(qapp, monkeypatch):
    seen = {}

    def fake_exec() -> int:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["articles"] = len(window.article_model.ids)
        seen["text"] = window.text_view.canonical_text
        seen["path"] = window.store.path
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    assert seen["articles"] == 2
    assert seen["path"] == default_project_path()
    assert "Lavrov" in seen["text"] or seen["text"]


def test_the_application_takes_the_interpreter_back_from_threads_quickly(qapp):
    """Recommender and training threads run Python while the analyst works: the window's thread
    waits at most the switch interval for the interpreter each time it needs it."""
    import sys

    from annotator.gui.app import SWITCH_INTERVAL, create_application

    default = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        assert create_application([]) is qapp
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL) and SWITCH_INTERVAL <= 0.001
    finally:
        sys.setswitchinterval(default)
