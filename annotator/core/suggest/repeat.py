"""The `repeat` recommender: a string the analyst tagged suggests its label wherever it recurs.

It learns from the analyst: each time a (text, label) is tagged or accepted counts for it, each
rejection against it; the score is (for + 1) / (for + against + 2), and a pair rejected more often
than tagged is no longer offered. A recurrence inside a longer name is not one ("Korea" in "South
Korea").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
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
    for (string, label), (accepted, rejected) in context.tagged.items():
        if len(string.strip()) < 2 or accepted <= rejected or "\n" in string:
            continue
        lead = _WORD.match(string)
        if (lead and lead.group() not in words) or string not in text:
            continue  # (a project tags thousands of strings: no pattern for those not in the text)
        for match in _pattern(string).finditer(text):
            if tagged[label].overlaps(match.start(), match.end()) or in_longer_name(text, *match.span()):
                continue
            result.append(Suggestion(match.start(), match.end(), label, "repeat", score(accepted, rejected)))
    return result


@lru_cache(maxsize=65536)
def _pattern(string: str) -> re.Pattern[str]:
    """The string as a whole word, compiled once: `re` keeps only 512 patterns, fewer than the
    strings a project tags, so a run compiled each again (half its time)."""
    return re.compile(rf"(?<!\w){re.escape(string)}(?!\w)")


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
