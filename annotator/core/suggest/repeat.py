"""The `repeat` recommender: a string the analyst tagged suggests its label wherever it recurs.

It learns from the analyst: each time a (text, label) is tagged or accepted counts for it, each
rejection against it; the score is (for + 1) / (for + against + 2), and a pair rejected more often
than tagged is no longer offered. A recurrence inside a longer name is not one ("Korea" in "South
Korea").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion
from annotator.core.suggest.text import in_longer_name

# A tagged string that starts with a word recurs as a whole word only where the text has that
# word: a set lookup per string before the text is searched for it.
_WORD = re.compile(r"\w+")


def score(accepted: int, rejected: int) -> float:
    return round((accepted + 1) / (accepted + rejected + 2), 3)


def suggest(article: Article, context: Context) -> list[Suggestion]:
    text = article.text
    result: list[Suggestion] = []
    ranges: dict[str, list[tuple[int, int]]] = {label: [] for _, label in context.tagged}
    for span in context.spans:
        ranges.setdefault(span.label, []).append((span.start, span.end))
    tagged = {label: _Tagged(found) for label, found in ranges.items()}
    words = set(_WORD.findall(text))
    pause = context.pause
    for (string, label), (accepted, rejected) in context.tagged.items():
        pause()
        if len(string.strip()) < 2 or accepted <= rejected or "\n" in string:
            continue
        lead = _WORD.match(string)
        if lead and lead.group() not in words:
            continue  # (a project tags thousands of strings: most are not in the text)
        for start, end in _whole(text, string):
            if tagged[label].overlaps(start, end) or in_longer_name(text, start, end):
                continue
            result.append(Suggestion(start, end, label, "repeat", score(accepted, rejected)))
    return result


def _whole(text: str, string: str) -> Iterator[tuple[int, int]]:
    """Where `string` occurs in `text` with no word character just before or after it, left to
    right and apart, as a regular expression with lookarounds finds it; by str.find, for a
    pattern per tagged string (compiled, then run over the text) cost half a run."""
    at = text.find(string)
    while at >= 0:
        end = at + len(string)
        if (at == 0 or not _word_char(text[at - 1])) and (end == len(text) or not _word_char(text[end])):
            yield at, end
            at = text.find(string, end)
        else:
            at = text.find(string, at + 1)


def _word_char(char: str) -> bool:
    """A word character as `re` has it in a str pattern: alphanumeric in any script, or "_"."""
    return char.isalnum() or char == "_"


class _Tagged:
    """Ranges of one label, asked whether any overlaps a range (in log time: an article may hold
    50,000 spans and the string recur as often)."""

    def __init__(self, ranges: list[tuple[int, int]]):
        ranges.sort()
        self.starts = [start for start, _ in ranges]
        self.reach = list(accumulate((end for _, end in ranges), max))  # furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the ranges starting before `end`
        return before > 0 and self.reach[before - 1] > start


RECOMMENDER = Recommender("repeat", "the same label on every other occurrence of a tagged string", suggest)
