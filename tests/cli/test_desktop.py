"""`annotator install-desktop`: launcher, icons and the project MIME type for the current user,
installed into a temporary XDG_DATA_HOME (set for every test by tests/conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import annotator.cli
from annotator import desktop
from annotator.cli import cli
from annotator.core.store import Store
from annotator.core.store.migrations import APPLICATION_ID

needs_validator = pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)


def data_home() -> Path:
    return Path(os.environ["XDG_DATA_HOME"])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)


def test_every_icon_size_is_shipped_at_its_size():
    assert desktop.SVG_ICON.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in desktop.ICON_SIZES:
        assert png_size(desktop.icon_png(size)) == (size, size)


@needs_validator
def test_the_shipped_launcher_is_valid():
    result = validate(desktop.DESKTOP_TEMPLATE)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    text = desktop.DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    assert "\nExec=annotator open %f\n" in text
    assert f"\nMimeType={desktop.MIME_TYPE};\n" in text


def test_install_writes_launcher_icons_and_mime_type():
    result = CliRunner().invoke(cli, ["install-desktop"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    home = data_home()
    launcher = home / "applications" / "annotator.desktop"
    exec_lines = [
        line for line in launcher.read_text(encoding="utf-8").splitlines() if line.startswith("Exec=")
    ]
    # Under pytest sys.argv[0] is not the annotator script, so the launcher runs `python -m`.
    assert exec_lines == [f"Exec={sys.executable} -m annotator open %f"]
    for size in desktop.ICON_SIZES:
        assert png_size(home / f"icons/hicolor/{size}x{size}/apps/annotator.png") == (size, size)
    assert (home / "icons/hicolor/scalable/apps/annotator.svg").read_bytes() == desktop.SVG_ICON.read_bytes()
    assert (home / "mime/packages/annotator.xml").read_bytes() == desktop.MIME_XML.read_bytes()
    assert str(launcher) in result.output
    if shutil.which("desktop-file-validate"):
        checked = validate(launcher)
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info not installed")
def test_install_registers_the_suffix_and_the_file_signature():
    result = CliRunner().invoke(cli, ["install-desktop"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Ran update-mime-database." in result.output
    mime = data_home() / "mime"
    assert f"{desktop.MIME_TYPE}:*.annotator" in (mime / "globs2").read_text(encoding="utf-8")
    assert desktop.MIME_TYPE.encode() in (mime / "magic").read_bytes()


def test_the_mime_magic_matches_a_real_project_file(tmp_path):
    Store.open(tmp_path / "study.annotator").close()
    header = (tmp_path / "study.annotator").read_bytes()[:72]
    xml = desktop.MIME_XML.read_text(encoding="utf-8")
    assert header.startswith(b"SQLite format 3\x00") and 'value="SQLite format 3\\000"' in xml
    (offset, value) = re.search(r'type="big32" offset="(\d+)" value="(0x[0-9A-Fa-f]+)"', xml).groups()
    assert int(value, 16) == APPLICATION_ID
    assert struct.unpack(">I", header[int(offset) : int(offset) + 4])[0] == APPLICATION_ID


def test_uninstall_removes_only_what_install_wrote():
    assert CliRunner().invoke(cli, ["install-desktop"], catch_exceptions=False).exit_code == 0
    other = data_home() / "applications" / "other.desktop"
    other.write_text("[Desktop Entry]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["install-desktop", "--uninstall"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Removed {len(desktop.ICON_SIZES) + 3} files" in result.output
    assert not list(data_home().rglob("annotator.*"))
    assert other.exists()
    again = CliRunner().invoke(cli, ["install-desktop", "--uninstall"], catch_exceptions=False)
    assert again.exit_code == 0 and "Removed 0 files" in again.output


def test_launcher_quotes_a_path_with_spaces_and_percent(tmp_path):
    text = desktop.desktop_entry(["/opt/my apps/50% off/annotator"])
    assert '\nExec="/opt/my apps/50%% off/annotator" open %f\n' in text
    if shutil.which("desktop-file-validate"):
        launcher = tmp_path / "annotator.desktop"
        launcher.write_text(text, encoding="utf-8")
        checked = validate(launcher)
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout


def test_launcher_runs_the_script_that_installed_it(tmp_path, monkeypatch):
    script = tmp_path / "venv bin" / "annotator"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [str(script), "install-desktop"])
    assert desktop.launcher_command() == [str(script)]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.launcher_command() == [sys.executable]


def test_open_without_a_file_opens_the_default_project(monkeypatch, tmp_path):
    """What the launcher runs from the menu, where `%f` expands to nothing."""
    opened = []
    monkeypatch.setattr(annotator.cli, "open_window", lambda context: opened.append(context.db))
    assert CliRunner().invoke(cli, ["open"], catch_exceptions=False).exit_code == 0
    project = tmp_path / "double clicked.annotator"
    assert CliRunner().invoke(cli, ["open", str(project)], catch_exceptions=False).exit_code == 0
    assert opened == [None, project]
