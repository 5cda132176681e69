"""The application's icon, in every rendered size."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from annotator.desktop import ICON_SIZES, icon_png


def app_icon() -> QIcon:
    """Every rendered size, so the title bar, task switcher and About box each get a crisp one."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon
