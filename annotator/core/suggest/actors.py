"""The `actors` recommender: every other mention of an actor tagged in this article or project.

Variants of a tagged name count: the surname of a person ("Lavrov" for "Sergey Lavrov", "von der
Leyen"), the acronym of an organisation ("IFS"), any letter case but all-lower, a possessive
("Lavrov’s", German "Scholz"+"s", cut off the span) and Russian case endings ("Лаврова", kept).
A match that is only a piece of a longer name is no mention: "Korea" in "South Korea".
Each suggestion carries the tagged actor's `normalised_name` (and `type`, when it has one).
"""

from __future__ import annotations

import re
from functools import lru_cache

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion
from annotator.core.suggest.text import RU_ENDINGS, acronym, in_longer_name, is_person_like, surname, tokens

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_ENDINGS = "|".join(sorted(RU_ENDINGS, key=len, reverse=True))


@lru_cache(maxsize=65536)
def variants(surface: str, normalised: str) -> dict[str, float]:
    """The strings that stand for this actor, with how sure a match of each is."""
    found: dict[str, float] = {}
    for name, score in ((surface, 0.9), (normalised, 0.9)):
        name = name.strip()
        if len(name) >= 2:
            found.setdefault(name, score)
        words = tuple(t.text for t in tokens(name))
        if is_person_like(words):
            found.setdefault(" ".join(surname(words)), 0.8)
        initials = acronym(words)
        if len(words) >= 3 and len(initials) >= 2:
            found.setdefault(initials, 0.7)
    return found


@lru_cache(maxsize=65536)
def _pattern(variant: str) -> re.Pattern[str]:
    body = re.escape(variant).replace(r"\ ", r"[\s\u00a0]+")
    if _CJK.search(variant):
        return re.compile(body)
    ending = f"(?:{_ENDINGS})?" if _CYRILLIC.search(variant[-1]) else ""
    return re.compile(rf"(?<![\w-])({body}{ending})(?:['’]s|['’]|s)?(?!\w)", re.IGNORECASE)


def _words(text: str) -> set[str]:
    """The article's words in lower case, and the stems of its Cyrillic words."""
    found = set()
    for token in tokens(text):
        word = token.lower
        found.add(word)
        if _CYRILLIC.search(word[-1:]):
            found.update(word[:cut] for cut in range(max(3, len(word) - 3), len(word)))
    return found


def _may_occur(variant: str, text: str, present: set[str]) -> bool:
    """A cheap test before the regular expression: the variant's first word is in the article."""
    if _CJK.search(variant):
        return variant in text
    return _first_word(variant) in present


@lru_cache(maxsize=65536)
def _first_word(variant: str) -> str:
    words = tokens(variant)
    return words[0].lower if words else ""


def _occupy(occupied: bytearray, start: int, end: int) -> None:
    """Mark a range taken. A look-up per match costs its length, where testing every range taken
    so far was quadratic in the mentions (360,000 tests on a 5,000-character article with 600)."""
    occupied[start:end] = b"\x01" * (end - start)


def suggest(article: Article, context: Context) -> list[Suggestion]:
    text = article.text
    actors: dict[str, tuple[str, str]] = dict(context.actors)
    tagged = [s for s in context.spans if s.label == "actor"]
    for span in tagged:
        surface = text[span.start : span.end]
        normalised = str(span.attributes.get("normalised_name") or surface)
        actors[surface] = (normalised, str(span.attributes.get("type") or ""))
    present = _words(text)
    candidates: list[tuple[int, float, str, str, str]] = []
    pause = context.pause
    for surface, (normalised, kind) in actors.items():
        pause()
        for variant, score in variants(surface, normalised).items():
            if _may_occur(variant, text, present):
                candidates.append((len(variant), score, variant, normalised, kind))
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    occupied = bytearray(len(text) + 1)  # 1 where a tagged actor or a suggestion already is
    for span in tagged:
        _occupy(occupied, span.start, span.end)
    result: list[Suggestion] = []
    for _, score, variant, normalised, kind in candidates:
        pause()
        single = " " not in variant
        for match in _pattern(variant).finditer(text):
            start, end = match.span(1) if match.re.groups else match.span()
            found = text[start:end]
            if single and found.islower() and not variant.islower():
                continue  # "commission" is a word, "Commission" a name
            if variant.isupper() and not found.isupper():
                continue  # an acronym stays in capitals: "IFS", not "ifs"
            if 1 in occupied[start:end] or in_longer_name(text, start, end):
                continue  # "Korea" in "South Korea" is not North Korea
            _occupy(occupied, start, end)
            attributes = {"normalised_name": normalised}
            if kind:
                attributes["type"] = kind
            result.append(Suggestion(start, end, "actor", "actors", score, attributes))
    result.sort(key=lambda s: s.start)
    return result


RECOMMENDER = Recommender("actors", "other mentions of tagged actors (name variants)", suggest)
