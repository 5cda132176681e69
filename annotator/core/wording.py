"""Counts in sentences: "1 article matches", "3 articles match", "1 span"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str = "") -> str:
    """`n` and the noun, singular for exactly one ("1 span", "0 spans", "2,000 spans")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def matches(n: int, noun: str) -> str:
    """ "1 article matches", "2 articles match"."""
    return f"{count(n, noun)} {'matches' if n == 1 else 'match'}"
