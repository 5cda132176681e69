"""Who is annotating: one name per user account, shared by the window and the command line, so
the spans an analyst makes carry the same name whichever way they were made."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import appdirs

APP_NAME = "annotator"


def login_name() -> str:
    try:
        return getpass.getuser() or "analyst"
    except (KeyError, OSError):
        return "analyst"


def name_file() -> Path:
    """Where the chosen name is kept (the user config directory, e.g. ~/.config/annotator)."""
    return Path(appdirs.user_config_dir(APP_NAME, appauthor=False)) / "annotator-name.txt"


def saved_name() -> str:
    """The name chosen in Preferences or at the first start, or "" if none was."""
    try:
        return name_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def save_name(name: str) -> None:
    path = name_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(name.strip() + "\n", encoding="utf-8")
    temporary.replace(path)


def default_annotator() -> str:
    """ANNOTATOR_NAME, else the saved name, else the login name."""
    return os.environ.get("ANNOTATOR_NAME", "").strip() or saved_name() or login_name()
