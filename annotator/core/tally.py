"""Whole-array counting for the analysis tables.

The store hands over groups of ids as comma-separated text (SQLite's group_concat over an index,
so nothing is sorted and no row is read twice); these functions turn them into numpy arrays and
count them per outlet, month, code or actor without a Python loop over spans. Tables indexed by
id ("lookups") hold -1 for an id that does not count.
"""

from __future__ import annotations

import numpy

NONE = -1


def ids(text: str | None) -> numpy.ndarray:
    """The ids of a group_concat, as int64."""
    if not text:
        return numpy.zeros(0, dtype=numpy.int64)
    return numpy.fromstring(text, dtype=numpy.int64, sep=",")


def lookup(groups: list[numpy.ndarray], values: list[int] | None = None) -> numpy.ndarray:
    """A table from id to the position of the group holding it (or to `values[position]`)."""
    size = max((int(group.max()) + 1 for group in groups if len(group)), default=0)
    table = numpy.full(size, NONE, dtype=numpy.int64)
    for position, group in enumerate(groups):
        table[group] = position if values is None else values[position]
    return table


def by_id(keys: list[numpy.ndarray], values: list[numpy.ndarray]) -> numpy.ndarray:
    """A table from each id in `keys` to the value at the same place in `values`."""
    size = max((int(group.max()) + 1 for group in keys if len(group)), default=0)
    table = numpy.full(size, NONE, dtype=numpy.int64)
    for group, value in zip(keys, values, strict=True):
        table[group] = value
    return table


def look_up(table: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """`table[keys]`, with NONE for keys outside the table (NONE among them)."""
    found = numpy.full(len(keys), NONE, dtype=numpy.int64)
    inside = (keys >= 0) & (keys < len(table))
    found[inside] = table[keys[inside]]
    return found


def distinct(keys: numpy.ndarray) -> numpy.ndarray:
    """The distinct ids among `keys` (marks in a table: no sort)."""
    if not len(keys):
        return keys
    marks = numpy.zeros(int(keys.max()) + 1, dtype=bool)
    marks[keys] = True
    return numpy.flatnonzero(marks)


def per_group(groups: numpy.ndarray, count: int) -> numpy.ndarray:
    """How many entries of `groups` fall in each of `count` groups (NONE left out)."""
    return numpy.bincount(groups[groups >= 0], minlength=count)


def distinct_pairs(
    first: numpy.ndarray, second: numpy.ndarray, size: int
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The distinct (first, second) pairs, sorted by first then second (`second` < `size`)."""
    if not len(first):
        return first, second
    joined = numpy.unique(first * size + second)
    return joined // size, joined % size


def pairs_within(
    groups: numpy.ndarray, stop: numpy.ndarray | None = None, starts: numpy.ndarray | None = None
):
    """Positions (i, j), i < j, of entries of the same group in `groups` (sorted); with `starts`
    and `stop` (sorted by start within a group) only those where starts[j] < stop[i]: the spans
    that overlap, each pair once. Loops once per distance between partners, not per entry."""
    firsts, seconds = [], []
    active = numpy.arange(len(groups) - 1)
    distance = 1
    while len(active):
        partner = active + distance
        inside = partner < len(groups)
        active, partner = active[inside], partner[inside]
        same = groups[partner] == groups[active]
        if starts is not None:
            same &= starts[partner] < stop[active]
        active, partner = active[same], partner[same]
        firsts.append(active)
        seconds.append(partner)
        distance += 1
    if not firsts:
        return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.int64)
    return numpy.concatenate(firsts), numpy.concatenate(seconds)
