"""Untrusted text shown as written where Qt guesses HTML (message boxes, tooltips): Qt renders
anything whose first line looks like a tag as rich text, and a file name, an article title or a
quoted passage may hold one."""

from __future__ import annotations

import html

from PySide6 import QtGui


def as_plain(text: str) -> str:
    """`text` as Qt will show it literally: escaped inside a paragraph when Qt would take it for
    HTML, unchanged otherwise."""
    if QtGui.Qt.mightBeRichText(text):
        return f"<p style='white-space: pre-wrap'>{html.escape(text)}</p>"
    return text
