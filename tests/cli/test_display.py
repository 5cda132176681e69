"""Without a usable display the window does not abort (exit 134): one sentence, exit 1."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from annotator.display import debian_package, display_problem


def run_window(**env: str) -> subprocess.CompletedProcess:
    unset = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "annotator"], env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_no_display_prints_one_sentence_and_exits_1():
    result = run_window()
    assert result.returncode == 1
    assert "No display found" in result.stderr and "annotator --help" in result.stderr
    assert "Traceback" not in result.stderr and "xcb-cursor" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_display_nobody_answers_on_exits_1():
    try:
        ctypes.CDLL("libxcb.so.1")
    except OSError:
        pytest.skip("no libxcb here")
    result = run_window(DISPLAY=":4321")
    assert result.returncode == 1
    assert "cannot connect to the X display ':4321'" in result.stderr


def test_chosen_platforms_and_other_systems_are_not_second_guessed():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({}, platform="win32") is None
    assert "No display found" in display_problem({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"})


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libEGL.so.1", "libegl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
    ],
)
def test_a_missing_library_is_named_by_its_debian_package(soname, package):
    assert debian_package(soname) == package
