"""The Qt-free core: model, store, formats, offsets, search, agreement."""

from __future__ import annotations

import sys


def _import_sqlite_utils_alone() -> None:
    """sqlite-utils imports pandas and numpy, when they are installed, only to convert their
    values in inserts, which annotator never makes; that cost 0.3-0.9 s at every start of the
    window and of every command. So it is imported while they look absent; they import normally
    afterwards, for the code that uses them."""
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # an import of it raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


_import_sqlite_utils_alone()
