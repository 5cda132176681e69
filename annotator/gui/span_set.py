"""The spans of one article indexed for drawing: text order, range queries and nesting lanes.

Qt-free; the text view keeps one `SpanSet` and asks it which spans meet the painted lines.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Sequence
from heapq import heapify, heappop, heappush
from itertools import repeat
from operator import add, attrgetter, mul

from annotator.core.model import Span

Key = tuple[int, int, int]
"""A span in the index: `(start, -end, id)`, so sorting gives text order, outer spans first."""

_SPAN_ID, _START, _END = attrgetter("id"), attrgetter("start"), attrgetter("end")
_CODE_BASE = 1 << 40


# ----------------------------------------------------------------------------- index and lanes
def _bucket(key: Key) -> int:
    """Length class: spans of class c are at most 4**c code points long."""
    return ((-key[1] - key[0] - 1).bit_length() + 1) >> 1


def _geometry_codes(spans: Sequence[Span]) -> Iterator[int]:
    """One int per span, `(id, start, end)` packed (offsets below 2**40), built without a Python
    loop or a tuple per span: set differences over 50,000 of these take a few milliseconds."""
    base = repeat(_CODE_BASE)
    packed = map(add, map(mul, map(_SPAN_ID, spans), base), map(_START, spans))
    return map(add, map(mul, packed, base), map(_END, spans))


def _key_of_code(code: int) -> Key:
    span_id, rest = divmod(code, _CODE_BASE * _CODE_BASE)
    start, end = divmod(rest, _CODE_BASE)
    return start, -end, span_id


class SpanIndex:
    """Span keys bucketed by length class, each bucket sorted by start.

    A range query looks back from the range start only as far as the longest span of each bucket
    can reach, so finding the spans that meet the visible text costs O(buckets · log n + found)
    however long or deeply nested the spans are; adding or removing one key is a bisect and a list
    insert, so an edit never rebuilds the index.
    """

    def __init__(self, keys: Iterable[Key] = ()):
        self._buckets: dict[int, list[Key]] = {}
        for key in sorted(keys):
            self._buckets.setdefault(_bucket(key), []).append(key)

    def add(self, key: Key) -> None:
        insort(self._buckets.setdefault(_bucket(key), []), key)

    def remove(self, key: Key) -> None:
        bucket = self._buckets.get(_bucket(key), [])
        i = bisect_left(bucket, key)
        if i < len(bucket) and bucket[i] == key:
            del bucket[i]

    def overlapping(self, low: int, high: int) -> list[Key]:
        """Keys of the spans with start < high and end > low."""
        found: list[Key] = []
        for length_class, bucket in self._buckets.items():
            i = bisect_left(bucket, (low - (1 << 2 * length_class) + 1,))
            j = bisect_left(bucket, (high,))
            found += [key for key in bucket[i:j] if -key[1] > low]
        return found

    def overlapping_any(self, ranges: Sequence[tuple[int, int]]) -> list[Key]:
        """Keys meeting any of the `(low, high)` ranges, in the order `overlapping` gives them: one
        look-up per range, not a test of every key between ranges far apart."""
        found: list[Key] = []
        for length_class, bucket in self._buckets.items():
            hits: set[int] = set()
            for low, high in ranges:
                i = bisect_left(bucket, (low - (1 << 2 * length_class) + 1,))
                j = bisect_left(bucket, (high,))
                hits.update(k for k in range(i, j) if -bucket[k][1] > low)
            found += [bucket[k] for k in sorted(hits)]
        return found


def _sweep(keys: Sequence[Key], begin: int, stop: int, open_: list[tuple[int, int]], out: dict) -> None:
    """Greedy lanes for keys[begin:stop], given the `(end, lane)` of earlier spans still open."""
    heapify(open_)
    used = {lane for _, lane in open_}
    fresh = max(used) + 1 if used else 0
    free = [lane for lane in range(fresh) if lane not in used]
    for i in range(begin, stop):
        start, neg_end, key_id = keys[i]
        while open_ and open_[0][0] <= start:
            heappush(free, heappop(open_)[1])
        if free:
            lane = heappop(free)
        else:
            lane, fresh = fresh, fresh + 1
        out[key_id] = lane
        heappush(open_, (-neg_end, lane))


def assign_lanes(intervals: Sequence[tuple[int, int]]) -> list[int]:
    """Nesting lane of each `[start, end)`: in text order (longer first on ties) every interval takes
    the lowest lane not used by an earlier interval still open at its start."""
    keys = sorted((start, -end, i) for i, (start, end) in enumerate(intervals))
    lanes: dict[int, int] = {}
    _sweep(keys, 0, len(keys), [], lanes)
    return [lanes[i] for i in range(len(intervals))]


class SpanSet:
    """The spans of one article, indexed for drawing; Qt-free.

    `replace` re-indexes only the spans whose geometry changed (`_geometry()` mirrors the index as
    a set of int codes, so even a list of all-new Span objects costs only C-level passes). Lanes are
    valid for `order[:_lanes_valid]` and extended lazily in text order, resuming the sweep from the
    spans still open where it stopped; an edit only moves that mark back to the edited span.
    """

    def __init__(self, spans: Sequence[Span] = ()):
        self.by_id: dict[int, Span] = dict(zip(map(_SPAN_ID, spans), spans, strict=True))
        self._codes: set[int] | None = None
        self._rebuild()

    @property
    def spans(self) -> list[Span]:
        return list(self.by_id.values())

    def _geometry(self) -> set[int]:
        """Built on the first `replace`, not when an article opens (a third of the build)."""
        if self._codes is None:
            self._codes = set(_geometry_codes(list(self.by_id.values())))
        return self._codes

    def _rebuild(self) -> None:
        spans = list(self.by_id.values())
        self.order: list[Key] = sorted((s.start, -s.end, s.id) for s in spans if s.end > s.start)
        self._index = SpanIndex(self.order)
        self._lanes: dict[int, int] = {}
        self._lanes_valid = 0

    def replace(self, spans: Sequence[Span]) -> None:
        by_id = dict(zip(map(_SPAN_ID, spans), spans, strict=True))
        codes = self._geometry()  # of the spans being replaced
        old, self.by_id = self.by_id, by_id
        limit = max(256, len(by_id) // 8)
        probe = spans[:: max(1, len(spans) // 8)]
        all_new = bool(probe) and all(old.get(s.id) is not s for s in probe)
        fresh = [] if all_new else [s for s in spans if old.get(s.id) is not s]
        if not all_new and len(fresh) <= limit:
            came = set(_geometry_codes(fresh))
            went = set(_geometry_codes([old[s.id] for s in fresh if s.id in old]))
            if len(old) + sum(s.id not in old for s in fresh) != len(by_id):
                went |= set(_geometry_codes([old[i] for i in old.keys() - by_id.keys()]))
            came, went = came - went, went - came
            codes -= went
            codes |= came
        else:
            geometry = set(_geometry_codes(spans))
            came, went = geometry - codes, codes - geometry
            self._codes = geometry
        if len(came) + len(went) > limit:
            self._rebuild()
            return
        self._reindex(came, went)

    def update(self, removed: Iterable[int], added: Sequence[Span]) -> None:
        """Drop spans by id and add (or replace) others, touching only those: an edit costs
        O(log n) bookkeeping however many spans the article has."""
        gone = [self.by_id.pop(i) for i in {*removed, *map(_SPAN_ID, added)} if i in self.by_id]
        self.by_id.update(zip(map(_SPAN_ID, added), added, strict=True))
        came, went = set(_geometry_codes(added)), set(_geometry_codes(gone))
        came, went = came - went, went - came
        if self._codes is not None:
            self._codes -= went
            self._codes |= came
        self._reindex(came, went)

    def _reindex(self, came: set[int], went: set[int]) -> None:
        for key in map(_key_of_code, went):
            i = bisect_left(self.order, key)
            if i < len(self.order) and self.order[i] == key:
                del self.order[i]
                self._index.remove(key)
                self._lanes_valid = min(self._lanes_valid, i)
        for key in map(_key_of_code, came):
            if -key[1] > key[0]:
                i = bisect_left(self.order, key)
                self.order.insert(i, key)
                self._index.add(key)
                self._lanes_valid = min(self._lanes_valid, i)

    def overlapping(self, low: int, high: int) -> list[Key]:
        return self._index.overlapping(low, high)

    def overlapping_any(self, ranges: Sequence[tuple[int, int]]) -> list[Key]:
        return self._index.overlapping_any(ranges)

    def at(self, offset: int) -> list[Span]:
        """Spans covering code point `offset`, innermost (shortest) first."""
        keys = self._index.overlapping(offset, offset + 1)
        keys.sort(key=lambda key: (-key[1] - key[0], -key[0], key[2]))
        return [self.by_id[key[2]] for key in keys]

    def lanes_before(self, offset: int) -> dict[int, int]:
        """Lanes by span id, valid at least for every span starting before `offset`."""
        stop, begin = bisect_left(self.order, (offset,)), self._lanes_valid
        if stop > begin:
            still_open = []
            if begin:
                first = self.order[begin]
                for key in self._index.overlapping(first[0], first[0] + 1):
                    if key < first:
                        still_open.append((-key[1], self._lanes[key[2]]))
            _sweep(self.order, begin, stop, still_open, self._lanes)
            self._lanes_valid = stop
        return self._lanes

    def lane(self, span_id: int) -> int | None:
        span = self.by_id.get(span_id)
        if span is None or span.end <= span.start:
            return None
        return self.lanes_before(span.start + 1)[span_id]

    def step(self, span_id: int | None, offset: int, backwards: bool) -> int | None:
        """The span after (before) `span_id` in text order, or after (before) `offset` if None."""
        if not self.order:
            return None
        span = self.by_id.get(span_id) if span_id is not None else None
        if span is not None:
            i = bisect_left(self.order, (span.start, -span.end, span.id)) + (-1 if backwards else 1)
        else:
            i = bisect_left(self.order, (offset,)) - (1 if backwards else 0)
        return self.order[i % len(self.order)][2]


def innermost_segments(keys: Sequence[Key]) -> list[tuple[int, int, int]]:
    """Cut the ranges of `keys` into `(start, end, span id)` pieces, each owned by the shortest span
    covering it, so overlapping spans get one fill each, never a blend of two."""
    points = sorted({key[0] for key in keys} | {-key[1] for key in keys})
    by_start = sorted(keys)
    active: list[tuple[int, int, int, int]] = []  # (length, -start, id, end): shortest on top
    pieces: list[tuple[int, int, int]] = []
    i = 0
    for low, high in zip(points, points[1:], strict=False):
        while i < len(by_start) and by_start[i][0] <= low:
            start, neg_end, span_id = by_start[i]
            heappush(active, (-neg_end - start, -start, span_id, -neg_end))
            i += 1
        while active and active[0][3] <= low:
            heappop(active)
        if not active:
            continue
        span_id = active[0][2]
        if pieces and pieces[-1][2] == span_id and pieces[-1][1] == low:
            pieces[-1] = (pieces[-1][0], high, span_id)
        else:
            pieces.append((low, high, span_id))
    return pieces
