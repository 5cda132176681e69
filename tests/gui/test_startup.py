"""Start-up as a new user meets it: a missing Qt library is named, smoke runs never wait."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

from annotator import display


def test_a_missing_platform_library_names_its_package(monkeypatch):
    def cdll(path, mode=0):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    problem = display.display_problem({"DISPLAY": ":0"})
    assert "libxcb-cursor.so.0 is missing" in problem
    assert "sudo apt install libxcb-cursor0" in problem
    assert "annotator --help" in problem


def test_quit_after_also_closes_the_first_start_name_dialog(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_NAME"}
    env |= {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "ANNOTATOR_QUIT_AFTER_MS": "300",
    }
    result = subprocess.run(
        [sys.executable, "-m", "annotator"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "showed" in result.stdout and "(2 articles)" in result.stdout
    assert (tmp_path / "config" / "annotator" / "annotator-name.txt").read_text().strip()


def test_the_window_starts_without_importing_numpy_or_pandas():
    """numpy and pandas cost 0.3-0.9 s of every start; the window needs neither until an
    analysis table is computed (sqlite-utils imports them when it can, unless told not to)."""
    code = (
        "import sys; import annotator.cli, annotator.gui.app, annotator.gui.main_window; "
        "print(sorted({'numpy', 'pandas', 'matplotlib'} & set(sys.modules)))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    found = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
