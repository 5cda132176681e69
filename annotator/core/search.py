"""Corpus search over the FTS5 index, safe for anything an analyst types.

FTS5 has its own query language and raises on input such as `foo "bar`, a bare `AND` or
`U.S.-China`. We never pass user text through: `fts_query` keeps only the words, each quoted as an
FTS5 string, so operators and punctuation lose their meaning and every input is a valid query.
A word ending in `*` stays a prefix query. Words are runs of letters and digits together with the
combining marks that follow them, so a decomposed `café` (e + U+0301) stays one word; the index's
tokenizer (`unicode61 remove_diacritics 2`) then folds case and diacritics, so `cafe` finds `café`.
Letters without a decomposition (ł, ø, ß, æ, …) it keeps, so each query word also asks for the
spellings with those letters that the index holds (`Lukasz` asks for `łukasz` too, `Tromsø` for
`tromso`); đ is typed `d` or `dj` (`Dordevic` and `Djordjevic` both ask for `đorđevic`, and
`Đorđević` for `djordjevic`). The index is left as the tokenizer makes it: folding on the query
side needs no migration, and snippets keep the article's own letters. `match_ranges` applies the
same folding in Python, to highlight hits in the text view.

Ranking: FTS5 scores every match before it sorts, and a common word matches most of a news corpus
(200 ms for 50,000 matches); so the newest `WINDOW` matches are ranked, which is exact for any
query that matches fewer articles.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from annotator.core import wording
from annotator.core.errors import StoreError
from annotator.core.text import word_pattern

if TYPE_CHECKING:
    from annotator.core.store import Store

T = TypeVar("T")

log = logging.getLogger(__name__)

# The title weighs more than the body: an article about X usually names X in its title.
TITLE_WEIGHT = 5.0
TEXT_WEIGHT = 1.0
SNIPPET_TOKENS = 12
WINDOW = 1000
# Letters the tokenizer keeps as they are, and what readers type for them.
FOLDS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i"}
_FOLD_TABLE = str.maketrans(FOLDS)
# Letters typed for a kept letter besides its fold: Serbo-Croatian đ is often written dj.
DIGRAPHS = {"dj": "d"}
_WRITTEN = [*FOLDS.items(), *DIGRAPHS.items()]  # (what is written, what it folds to)
MAX_SPELLINGS = 32  # per query word: with ı for every i, long words have many
# A query is bounded (see `fts_query`): enough for any real search, never unbounded work.
MAX_QUERY_WORDS = 16
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Hit:
    """One search result; `rank` is FTS5's bm25 score, lower (more negative) is better."""

    article_id: int
    title: str
    snippet: str
    rank: float


def search(store: Store, query: str, limit: int = 50) -> list[Hit]:
    """The best `limit` articles matching all words of `query`, best first; [] for no usable words."""
    if limit <= 0:
        return []
    rows = _matching(
        store,
        query,
        lambda expression: store.search_rows(
            expression, f"bm25({TITLE_WEIGHT}, {TEXT_WEIGHT})", limit, SNIPPET_TOKENS, max(WINDOW, limit)
        ),
        [],
    )
    return [Hit(row[0], row[1], row[2], row[3]) for row in rows]


def ranked_ids(store: Store, query: str, limit: int) -> list[int]:
    """The ids of the articles `search` finds, in its order, without their titles and snippets:
    a list asks `snippets` for the rows it shows (a snippet for each of 1,000 hits took more than
    ranking them)."""
    if limit <= 0:
        return []
    return _matching(
        store,
        query,
        lambda expression: store.ranked_ids(
            expression, f"bm25({TITLE_WEIGHT}, {TEXT_WEIGHT})", limit, max(WINDOW, limit)
        ),
        [],
    )


def snippets(store: Store, query: str, ids: list[int]) -> dict[int, str]:
    """The text around the hits of `query` in each of these articles (those it matches)."""
    if not ids:
        return {}
    return _matching(store, query, lambda expression: store.snippets(expression, ids, SNIPPET_TOKENS), {})


def _matching(store: Store, query: str, fetch: Callable[[str], T], empty: T) -> T:
    """`fetch(expression)` for the FTS expression of `query`; `empty` when it has no usable words
    or the search fails (fts_query makes that unreachable for known input; a search box must still
    never crash)."""
    try:
        expression = fts_query(query, store)
        return fetch(expression) if expression else empty
    except StoreError as error:
        log.warning("search for %r failed: %s", query, error)
        return empty


def fts_query(text: str, store: Store | None = None) -> str:
    """A safe FTS5 MATCH expression for raw input: its words quoted and ANDed, '' if it has none.
    With a `store`, each word is ORed with its other spellings (ł/l, ø/o, …) the index holds.

    FTS5 works once per term even when a term repeats, so a pasted paragraph or a word typed
    1,500 times would run for minutes: each word counts once, and only the first MAX_QUERY_WORDS
    distinct words (in the first MAX_QUERY_CHARS characters) are searched."""
    terms: dict[str, None] = {}
    for word, star in _query_words(text[:MAX_QUERY_CHARS]):
        quoted = [_phrase(word, star)]
        if store is not None:
            quoted += _other_spellings(store, word, star)
        terms[quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"] = None
        if len(terms) == MAX_QUERY_WORDS:
            break
    grouped = any(term.startswith("(") for term in terms)  # FTS5 wants AND between groups
    return (" AND " if grouped else " ").join(terms)


def words_left_out(text: str) -> int:
    """How many distinct words of a query `fts_query` leaves out (those past the first
    MAX_QUERY_WORDS, or past MAX_QUERY_CHARS characters), for the caller to say so."""
    every = dict.fromkeys(_query_words(text))
    searched = list(dict.fromkeys(_query_words(text[:MAX_QUERY_CHARS])))[:MAX_QUERY_WORDS]
    return len(every.keys() - set(searched))


def left_out_note(text: str) -> str:
    """The sentence that tells the user a query was cut short ("" when nothing was left out);
    the command line and the window both say it."""
    left_out = words_left_out(text)
    if not left_out:
        return ""
    verb = "was" if left_out == 1 else "were"
    return (
        f"A search looks for the first {MAX_QUERY_WORDS} different words; "
        f"{wording.count(left_out, 'word')} of this query {verb} left out."
    )


def _phrase(word: str, star: str) -> str:
    return '"' + word.replace('"', '""') + '"' + star


def _query_words(text: str) -> Iterator[tuple[str, str]]:
    """(word, "*" or "") for each word of a query. The same words as `text.word_pattern` finds,
    read character by character: a query is short, and the pattern's class of all combining marks
    takes ~40 ms to build, which a command-line search would pay on every call."""
    if text.isascii():
        for match in _query_pattern(True).finditer(text):
            yield match.group(1), match.group(2)
        return
    word: list[str] = []
    for char in text + " ":
        if char.isalnum() or (word and _continues_word(char)):
            word.append(char)
            continue
        if word:
            yield "".join(word), "*" if char == "*" else ""
            word = []


def _continues_word(char: str) -> bool:
    return char in "_\u200c\u200d" or unicodedata.category(char).startswith("M")


def _other_spellings(store: Store, word: str, star: str) -> list[str]:
    """Phrases for the index's terms (or term beginnings, for a prefix) that fold like `word`
    but are not what the tokenizer makes of it."""
    token = _strip(word)
    candidates = [spelling for spelling in _spellings(_fold_stripped(token)) if spelling != token]
    if not candidates:
        return []
    return store.matching([_phrase(spelling, star) for spelling in candidates])


def _spellings(key: str) -> list[str]:
    """Up to MAX_SPELLINGS words that fold to `key` (itself first, then those with one kept
    letter or digraph, then two, …)."""
    options = [
        (index, len(folded), letter)
        for index in range(len(key))
        for letter, folded in _WRITTEN
        if key.startswith(folded, index)
    ]
    found = [key]
    for count in range(1, len(options) + 1):
        for chosen in itertools.combinations(options, count):
            if any(a[0] + a[1] > b[0] for a, b in itertools.pairwise(chosen)):
                continue  # overlapping replacements
            spelling, end = [], 0
            for index, length, letter in chosen:
                spelling += [key[end:index], letter]
                end = index + length
            found.append("".join(spelling) + key[end:])
            if len(found) == MAX_SPELLINGS:
                return found
    return found


def match_ranges(text: str, query: str) -> list[tuple[int, int]]:
    """Code-point ranges `[start, end)` of the words in `text` that the words of `query` match.

    Matching is on whole words, ignoring case and diacritics, like the index; a query word ending
    in `*` also matches the words it begins. Ranges come in text order and never overlap.
    """
    exact: set[str] = set()
    prefixes: list[str] = []
    for match in _query_pattern(query.isascii()).finditer(query):
        key = _fold(match.group(1))
        if not key:
            continue
        if match.group(2):
            prefixes.append(key)
        else:
            exact.add(key)
    if not exact and not prefixes:
        return []
    prefix_tuple = tuple(prefixes)
    ranges = []
    for match in word_pattern(text.isascii()).finditer(text):
        key = _fold(match.group())
        if key in exact or (prefix_tuple and key.startswith(prefix_tuple)):
            ranges.append(match.span())
    return ranges


def _fold(word: str) -> str:
    """The comparison key of a word: as the index's tokenizer makes it, then its kept letters
    (ł, ø, …) and digraphs (dj) folded too."""
    return _fold_stripped(_strip(word))


def _fold_stripped(token: str) -> str:
    key = token.translate(_FOLD_TABLE)
    for written, folded in DIGRAPHS.items():
        key = key.replace(written, folded)
    return key


def _strip(word: str) -> str:
    """Lower case without diacritics, as the index's tokenizer makes a word."""
    word = word.lower()
    if word.isascii():
        return word
    return "".join(char for char in unicodedata.normalize("NFD", word) if not unicodedata.combining(char))


@cache
def _query_pattern(ascii_only: bool = False) -> re.Pattern[str]:
    return re.compile(rf"({word_pattern(ascii_only).pattern})(\*?)")
