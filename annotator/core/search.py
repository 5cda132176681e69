"""Corpus search over the FTS5 index, safe for anything an analyst types.

FTS5 has its own query language and raises on input such as `foo "bar`, a bare `AND` or
`U.S.-China`. We never pass user text through: `fts_query` keeps only the words, each quoted as an
FTS5 string, so operators and punctuation lose their meaning and every input is a valid query.
A word ending in `*` stays a prefix query. Words are runs of letters and digits together with the
combining marks that follow them, so a decomposed `café` (e + U+0301) stays one word; the index's
tokenizer (`unicode61 remove_diacritics 2`) then folds case and diacritics, so `cafe` finds `café`.
`match_ranges` applies the same folding in Python, to highlight hits in the text view.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from annotator.core.errors import StoreError
from annotator.core.text import word_pattern

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)

# The title weighs more than the body: an article about X usually names X in its title.
TITLE_WEIGHT = 5.0
TEXT_WEIGHT = 1.0
SNIPPET_TOKENS = 12
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
    expression = fts_query(query)
    if not expression or limit <= 0:
        return []
    try:
        rows = store.search_rows(expression, f"bm25({TITLE_WEIGHT}, {TEXT_WEIGHT})", limit, SNIPPET_TOKENS)
    except StoreError as error:
        # fts_query makes this unreachable for known input; a search box must still never crash.
        log.warning("search for %r (%s) failed: %s", query, expression, error)
        return []
    return [Hit(row[0], row[1], row[2], row[3]) for row in rows]


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression for raw input: its words quoted and ANDed, '' if it has none.

    FTS5 works once per term even when a term repeats, so a pasted paragraph or a word typed
    1,500 times would run for minutes: each word counts once, and only the first MAX_QUERY_WORDS
    distinct words (in the first MAX_QUERY_CHARS characters) are searched."""
    terms: dict[str, None] = {}
    for match in _query_pattern().finditer(text[:MAX_QUERY_CHARS]):
        word, star = match.group(1), match.group(2)
        terms['"' + word.replace('"', '""') + '"' + star] = None
        if len(terms) == MAX_QUERY_WORDS:
            break
    return " ".join(terms)


def match_ranges(text: str, query: str) -> list[tuple[int, int]]:
    """Code-point ranges `[start, end)` of the words in `text` that the words of `query` match.

    Matching is on whole words, ignoring case and diacritics, like the index; a query word ending
    in `*` also matches the words it begins. Ranges come in text order and never overlap.
    """
    exact: set[str] = set()
    prefixes: list[str] = []
    for match in _query_pattern().finditer(query):
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
    for match in word_pattern().finditer(text):
        key = _fold(match.group())
        if key in exact or (prefix_tuple and key.startswith(prefix_tuple)):
            ranges.append(match.span())
    return ranges


def _fold(word: str) -> str:
    """Lower case without diacritics: the comparison key the index's tokenizer also uses."""
    word = word.lower()
    if word.isascii():
        return word
    return "".join(char for char in unicodedata.normalize("NFD", word) if not unicodedata.combining(char))


@cache
def _query_pattern() -> re.Pattern[str]:
    return re.compile(rf"({word_pattern().pattern})(\*?)")
