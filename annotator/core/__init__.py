"""The Qt-free core: model, store, formats, offsets, search, agreement."""

from __future__ import annotations

import sys
from types import ModuleType


def import_sqlite_utils() -> ModuleType:
    """sqlite-utils, imported when first needed (a schema upgrade, a nested transaction), not at
    every start: with its plugins, click and dateutil it costs ~0.15 s. It also imports pandas and
    numpy, when they are installed, only to convert their values in inserts, which annotator never
    makes (0.3-0.9 s more), so it is imported while they look absent; they import normally
    afterwards, for the code that uses them."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # an import of it raises ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils
