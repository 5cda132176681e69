"""Who is annotating: one name per user account, shared by the window and the command line, so
the spans an analyst makes carry the same name whichever way they were made."""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

import appdirs

from annotator.core.errors import NameRefused

APP_NAME = "annotator"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def checked_name(name: str) -> str:
    """`name` without surrounding spaces; NameRefused if nothing is left or it holds a tab, line
    break or other control character (for a name someone types or passes)."""
    stripped = name.strip()
    if not stripped:
        raise NameRefused("The annotator name is empty; give a name, such as 'Ana Lima'.")
    if _CONTROL.search(stripped):
        raise NameRefused(
            f"The annotator name {stripped!r} holds a tab, line break or other control character; "
            "give it without them."
        )
    return stripped


def cleaned_name(name: str) -> str:
    """`name` with its control characters (and the spaces around them) made one space, stripped;
    "" when nothing is left (for names read from files, which are kept rather than refused)."""
    if _CONTROL.search(name):
        name = re.sub(r"\s*(?:[\x00-\x1f\x7f-\x9f\u2028\u2029]\s*)+", " ", name)
    return name.strip()


def login_name() -> str:
    try:
        return cleaned_name(getpass.getuser()) or "analyst"
    except (KeyError, OSError):
        return "analyst"


def name_file() -> Path:
    """Where the chosen name is kept (the user config directory, e.g. ~/.config/annotator)."""
    return Path(appdirs.user_config_dir(APP_NAME, appauthor=False)) / "annotator-name.txt"


def saved_name() -> str:
    """The name chosen in Preferences or at the first start, or "" if none was."""
    try:
        return cleaned_name(name_file().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""


def save_name(name: str) -> None:
    path = name_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(checked_name(name) + "\n", encoding="utf-8")
    temporary.replace(path)


def default_annotator() -> str:
    """ANNOTATOR_NAME, else the saved name, else the login name."""
    return cleaned_name(os.environ.get("ANNOTATOR_NAME", "")) or saved_name() or login_name()
