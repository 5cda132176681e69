"""Tokens, sentences and names in news text: the shared ground of the recommenders.

Offsets are code points into the article text, like everywhere in the core.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from annotator.core.suggest.lexicon import ORG_WORDS, PLACE_PREPOSITIONS, STOP, TITLES

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_ELISION = re.compile(r"(?i)^(?:[ldjnsctm]|qu)['’](?=\w)")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
PARTICLES = frozenset("von van der den de del della di da du la le al bin ibn zu ten ter dos das".split())
RU_ENDINGS = (
    "ого",
    "ому",
    "ыми",
    "ами",
    "ой",
    "ом",
    "ым",
    "ей",
    "ем",
    "ую",
    "ая",
    "а",
    "у",
    "е",
    "ы",
    "ю",
    "я",
)
SENTENCE_END = re.compile(r"[.!?…](?=[\s\"“”«»„‘’'」』]|$)|[。\n]")


@dataclass(frozen=True)
class Token:
    """A word; its forms are worked out once (an article's tokens are read many times)."""

    start: int
    end: int
    text: str

    @cached_property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @cached_property
    def lower(self) -> str:
        return self.text.casefold()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words of `text[start:end]` (those wholly inside it); a French elision (l', d', qu') is left
    out of the word, and an apostrophe possessive ('s, ’s, a bare trailing ’) is cut off so the
    token is the name itself. The text is read once: the recommenders ask for many windows of it."""
    words, starts, ends = _scan(text)
    end = len(text) if end is None else end
    return words[bisect_left(starts, start) : bisect_right(ends, end)]


@lru_cache(maxsize=32)  # the article stays among the quotations read between two uses of it
def _scan(text: str) -> tuple[list[Token], list[int], list[int]]:
    """Every word of the text, with where each word's match starts and ends."""
    found: list[Token] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        begin, stop, word = match.start(), match.end(), match.group()
        elision = _ELISION.match(word)
        if elision:
            begin += elision.end()
            word = word[elision.end() :]
        possessive = _POSSESSIVE.search(word)
        if possessive and possessive.start() > 0:
            stop -= len(possessive.group())
            word = word[: possessive.start()]
        found.append(Token(begin, stop, word))
        starts.append(match.start())
        ends.append(match.end())
    return found, starts, ends


@lru_cache(maxsize=8)
def _sentence_ends(text: str) -> list[int]:
    return [match.end() for match in SENTENCE_END.finditer(text)]


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The sentence around `position`: from after the previous sentence end to the next one."""
    ends = _sentence_ends(text)
    index = bisect_right(ends, position)
    start = ends[index - 1] if index else 0
    if start > position:  # the end mark itself lies at `position`
        index -= 1
        start = ends[index - 1] if index else 0
    return start, ends[index] if index < len(ends) else len(text)


def paragraph_bounds(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end < 0 else end


@dataclass(frozen=True)
class Name:
    """A run of capitalised words (with particles such as "von der") that reads as a name."""

    start: int
    end: int
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _name_word(token: Token) -> bool:
    if not token.capitalised or token.lower in STOP:
        return False
    return not token.text.isdigit()


def names(text: str, start: int = 0, end: int | None = None) -> list[Name]:
    """Name runs in `text[start:end]`: capitalised words joined by single spaces, the words up to
    the last title ("Russian Foreign Minister", "GDL-Chef") dropped, an acronym before a name split
    off ("ЦИК Элла Памфилова"), a word after a place preposition skipped ("in Ankara")."""
    words = tokens(text, start, end)
    runs: list[list[Token]] = []
    current: list[Token] = []
    previous: Token | None = None
    for index, token in enumerate(words):
        joined = previous is not None and text[previous.end : token.start] in (" ", "\u00a0")
        if not (current and joined):
            if current:
                runs.append(current)
            current = []
        if (
            _name_word(token)
            or (token.lower in PARTICLES and current)
            or (token.lower in PARTICLES and _next_is_name(words, index))
        ):
            if not current and previous is not None and previous.lower in PLACE_PREPOSITIONS and joined:
                previous = token
                continue
            current.append(token)
        elif current:
            runs.append(current)
            current = []
        previous = token
    if current:
        runs.append(current)
    result: list[Name] = []
    for run in runs:
        for piece in _split_acronym(_strip_titles(run)):
            while piece and piece[-1].lower in PARTICLES:
                piece = piece[:-1]
            if piece:
                result.append(Name(piece[0].start, piece[-1].end, tuple(t.text for t in piece)))
    return result


def _next_is_name(words: list[Token], index: int) -> bool:
    for following in words[index + 1 : index + 4]:
        if following.lower in PARTICLES:
            continue
        return _name_word(following)
    return False


def _strip_titles(run: list[Token]) -> list[Token]:
    """The run after its last title ("Russian Foreign Minister Sergey Lavrov" → "Sergey Lavrov");
    a title alone is no name."""
    if len(run) == 1 and _is_title(run[0]):
        return []
    last = max((i for i, token in enumerate(run[:-1]) if _is_title(token)), default=-1)
    return run[last + 1 :]


def _is_title(token: Token) -> bool:
    return token.lower in TITLES or token.lower.split("-")[-1] in TITLES


def in_longer_name(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is a piece of a longer name around it: "Korea" in "South Korea",
    "Kim" in "Kim Jong Un", "New York" in "New York Times". Titles before a name are not part of
    it (see `names`), nor an inflection after it ("Scholz" in "Scholzs")."""
    starts, ends = _name_ranges(text)
    index = bisect_right(starts, start) - 1
    if index < 0 or end > ends[index]:
        return False
    name_start, name_end = starts[index], ends[index]
    return name_start < start or (end < name_end and text[end] in " \u00a0")


@lru_cache(maxsize=8)
def _name_ranges(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the text's names."""
    found = names(text)
    return [name.start for name in found], [name.end for name in found]


def _split_acronym(run: list[Token]) -> list[list[Token]]:
    if len(run) >= 2 and _is_acronym(run[0].text) and not _is_acronym(run[1].text):
        return [run[:1], run[1:]]
    return [run]


def same_word(a: str, b: str) -> bool:
    """`a` and `b` are one name word, allowing a German genitive s and Russian case endings."""
    a, b = a.casefold(), b.casefold()
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if not long.startswith(short):
        return False
    rest = long[len(short) :]
    if rest == "s":
        return len(short) >= 3
    cyrillic = "\u0400" <= short[-1:] <= "\u04ff"
    if cyrillic and rest in RU_ENDINGS:
        return len(short) >= 3
    return False


def ru_stem_equal(a: str, b: str) -> bool:
    """Two Russian word forms with one stem: "Лавров" / "Лаврова", "Памфилова" / "Памфиловой"."""
    a, b = a.casefold(), b.casefold()
    for ending in RU_ENDINGS:
        if a.endswith(ending) and len(a) - len(ending) >= 3:
            stem = a[: -len(ending)]
            if b.startswith(stem) and (b == stem or b[len(stem) :] in RU_ENDINGS):
                return True
    return False


def word_match(a: str, b: str) -> bool:
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in a)
    return same_word(a, b) or (cyrillic and ru_stem_equal(a, b))


def is_person_like(words: tuple[str, ...]) -> bool:
    """A name whose last word alone may stand for it ("Lavrov" for "Sergey Lavrov")."""
    if sum(word[:1].isupper() for word in words) < 2 or len(words) > 5:
        return False
    return not any(word.casefold() in ORG_WORDS for word in words)


def surname(words: tuple[str, ...]) -> tuple[str, ...]:
    """The last word with the particles before it: "von der Leyen", "Lavrov"."""
    index = len(words) - 1
    while index > 0 and words[index - 1].casefold() in PARTICLES:
        index -= 1
    return words[index:]


def acronym(words: tuple[str, ...]) -> str:
    """Initials of the capitalised words: "Institute for Fiscal Studies" → "IFS"."""
    capitals = [w[0] for w in words if w[:1].isupper()]
    return "".join(capitals) if len(capitals) >= 2 else ""


def canonical(mention: tuple[str, ...], candidates: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The longest candidate name that ends with `mention` (word by word, inflection allowed);
    the mention itself when none does."""
    best = mention
    last = mention[-1][:3].casefold()
    for candidate in candidates:
        if len(candidate) <= len(best) or not candidate[-1][:3].casefold() == last:
            continue
        tail = candidate[len(candidate) - len(mention) :]
        if all(word_match(a, b) for a, b in zip(tail, mention, strict=True)):
            best = candidate
    return best


class People:
    """The people named in an article, to tell "Lavrov" (a surname of one of them) from
    "Assemblée" or "Economía" when looking for a speaker."""

    def __init__(self, article_names: list[tuple[str, ...]]):
        self.names = article_names
        self.tails: set[tuple[str, ...]] = set()
        self._by_last: dict[str, dict[tuple[str, ...], None]] = {}  # first letters of the last word
        for words in article_names:
            self._by_last.setdefault(words[-1][:3].casefold(), {})[words] = None
            if is_person_like(words):
                folded = tuple(w.casefold() for w in words)
                self.tails.update(folded[index:] for index in range(len(folded)))
                self.tails.add((_stem(folded[-1]),))

    def ending_like(self, mention: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The names `canonical` may choose for `mention` (each once, in the order first named)."""
        return list(self._by_last.get(mention[-1][:3].casefold(), ()))

    def __contains__(self, name: Name) -> bool:
        folded = tuple(w.casefold() for w in name.words)
        return is_person_like(name.words) or folded in self.tails or (_stem(folded[-1]),) in self.tails


def _stem(word: str) -> str:
    """A word without its inflection: a Russian case ending or a German genitive s."""
    if "\u0400" <= word[-1:] <= "\u04ff":
        for ending in RU_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
    if word.endswith("s") and len(word) > 4:
        return word[:-1]
    return word
