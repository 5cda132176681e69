"""The `repeat` recommender: a string the analyst tagged suggests its label wherever it recurs.

It learns from the analyst: each time a (text, label) is tagged or accepted counts for it, each
rejection against it; the score is (for + 1) / (for + against + 2), and a pair rejected more often
than tagged is no longer offered.
"""

from __future__ import annotations

import re

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion


def score(accepted: int, rejected: int) -> float:
    return round((accepted + 1) / (accepted + rejected + 2), 3)


def suggest(article: Article, context: Context) -> list[Suggestion]:
    text = article.text
    result: list[Suggestion] = []
    occupied = {(s.start, s.end, s.label) for s in context.spans}
    for (string, label), (accepted, rejected) in context.tagged.items():
        if len(string.strip()) < 2 or accepted <= rejected or "\n" in string:
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(string)}(?!\w)", text):
            if any(s < match.end() and match.start() < e and lab == label for s, e, lab in occupied):
                continue
            result.append(Suggestion(match.start(), match.end(), label, "repeat", score(accepted, rejected)))
    return result


RECOMMENDER = Recommender("repeat", "the same label on every other occurrence of a tagged string", suggest)
