"""Every occurrence of a string in a text (MAXQDA's autocode, "annotate all occurrences")."""

from __future__ import annotations

import re


def occurrences(
    text: str, needle: str, whole_words: bool = True, case_sensitive: bool = False
) -> list[tuple[int, int]]:
    """Ranges [start, end) where `needle` occurs in `text`, not overlapping one another; with
    `whole_words`, only where it is not part of a longer word."""
    if not needle.strip():
        return []
    body = re.escape(needle)
    if whole_words:
        body = rf"(?<!\w){body}(?!\w)"
    pattern = re.compile(body, 0 if case_sensitive else re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]
