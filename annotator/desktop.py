"""The app's icon and Linux desktop integration: launcher, hicolor icons and the project MIME type,
installed for the current user the XDG way (no root needed; `uninstall_desktop` removes them).

Qt-free, so `annotator install-desktop` works without a display. The resources ship inside the
package (`annotator/resources`, a link to `resources/` in a checkout), so a wheel, a pipx install
and the PyInstaller bundle find them the same way.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from pathlib import Path

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent / "resources"
APP_ID = "annotator"
MIME_TYPE = "application/x-annotator-project"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG_ICON = RESOURCES / "annotator.svg"
DESKTOP_TEMPLATE = RESOURCES / "annotator.desktop"
MIME_XML = RESOURCES / "annotator-mime.xml"
# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def icon_png(size: int) -> Path:
    return RESOURCES / "icons" / f"annotator-{size}.png"


def data_home() -> Path:
    """XDG_DATA_HOME, else ~/.local/share: where per-user launchers, icons and MIME types go."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher_command() -> list[str]:
    """How a launcher starts this very installation: the bundle's executable, the `annotator`
    script being run (a venv or pipx one need not be on the desktop's PATH), else `python -m`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.argv[0])
    if script.name in ("annotator", "annotator.exe") and script.is_file():
        return [str(script.absolute())]
    return [sys.executable, "-m", "annotator"]


def _exec_arg(arg: str) -> str:
    arg = arg.replace("%", "%%")
    if _RESERVED.search(arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    # The value as a whole is a desktop-file string, where a backslash is written twice.
    return arg.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The launcher from the template, its Exec line starting `command`."""
    exec_line = "Exec=" + " ".join(_exec_arg(arg) for arg in command) + " open %f"
    return re.sub(r"(?m)^Exec=.*$", lambda _: exec_line, DESKTOP_TEMPLATE.read_text(encoding="utf-8"))


def _targets(home: Path) -> dict[Path, Path | None]:
    """Installed path → its source in the resources (None for the generated launcher)."""
    icons = home / "icons" / "hicolor"
    targets: dict[Path, Path | None] = {home / "applications" / f"{APP_ID}.desktop": None}
    for size in ICON_SIZES:
        targets[icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = icon_png(size)
    targets[icons / "scalable" / "apps" / f"{APP_ID}.svg"] = SVG_ICON
    targets[home / "mime" / "packages" / f"{APP_ID}.xml"] = MIME_XML
    return targets


def install_desktop(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Install launcher, icons and MIME type under `home` (default: `data_home()`); returns the
    files written. Installing again overwrites them, e.g. after moving the app."""
    home = home or data_home()
    written = []
    for target, source in _targets(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            target.write_text(desktop_entry(command or launcher_command()), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def uninstall_desktop(home: Path | None = None) -> list[Path]:
    """Remove what `install_desktop` wrote; returns the files removed."""
    removed = []
    for target in _targets(home or data_home()):
        if target.exists():
            target.unlink()
            removed.append(target)
    return removed


def refresh_caches(home: Path | None = None) -> list[str]:
    """Run the desktop's cache tools that are installed, so menus and file managers see the change
    at once; returns the commands run. A failing tool is logged, not fatal: its cache only lags."""
    import subprocess  # here only: the window imports this module for its icon as it starts

    home = home or data_home()
    commands = [
        ["update-desktop-database", str(home / "applications")],
        ["update-mime-database", str(home / "mime")],
    ]
    ran = []
    for command in commands:
        if shutil.which(command[0]) is None or not Path(command[-1]).is_dir():
            continue
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            log.warning("%s failed: %s", command[0], error)
            continue
        ran.append(command[0])
    return ran
