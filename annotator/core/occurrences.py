"""Every occurrence of a string in a text (MAXQDA's autocode, "annotate all occurrences"), and
those not tagged yet across a project's articles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True)
class Occurrence:
    """An untagged occurrence; `same_case` when it matches the searched text's letter case too."""

    article_id: int
    start: int
    end: int
    same_case: bool


def untagged(
    store: Any,
    needle: str,
    label: str,
    article_ids: Iterable[int],
    whole_words: bool = True,
    progress: Callable[[int, int], bool] | None = None,
    every: int = 50,
) -> list[Occurrence] | None:
    """The occurrences of `needle` in any letter case not tagged with `label` yet, in these
    articles. `progress(articles done, found so far)` is called every `every` articles; when it
    returns False the scan stops and None is returned."""
    probe = needle.casefold()
    found: list[Occurrence] = []
    for done, article_id in enumerate(article_ids, 1):
        text = store.article(article_id).text
        if probe in text.casefold():  # a quick test before the word-by-word one
            tagged = {(s.start, s.end) for s in store.span_extents(article_id) if s.label == label}
            found.extend(
                Occurrence(article_id, start, end, text[start:end] == needle)
                for start, end in occurrences(text, needle, whole_words, False)
                if (start, end) not in tagged
            )
        if progress is not None and done % every == 0 and progress(done, len(found)) is False:
            return None
    return found
