"""Counts in sentences: "1 article matches", "3 articles match", "1 span", "1 code left out"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str = "") -> str:
    """`n` and the noun, singular for exactly one ("1 span", "0 spans", "2,000 spans")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def matches(n: int, noun: str) -> str:
    """ "1 article matches", "2 articles match"."""
    return f"{count(n, noun)} {'matches' if n == 1 else 'match'}"


def count_of(n: int, things: str) -> str:
    """`n` and a plural phrase, its first plural word made singular for exactly one:
    count_of(1, "codes of a codebook kept as labels") is "1 code of a codebook kept as labels",
    count_of(1, "article statuses") is "1 article status", count_of(2, …) keeps the phrase."""
    if n != 1:
        return f"{n:,} {things}"
    words = things.split(" ")
    for i, word in enumerate(words):
        if word.startswith("("):
            break
        if word.endswith(("uses", "sses")):
            words[i] = word[:-2]
            break
        if word.endswith("s") and not word.endswith(("ss", "us")):
            words[i] = word[:-1]
            break
    return f"1 {' '.join(words)}"
