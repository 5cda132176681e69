"""Adjudication: the spans of two annotators on one article as agreed / only A / only B, and which
of them the gold annotator already holds. Spans match exactly (start, end and label)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.core.store import Store

GOLD = "gold"


class Kind(StrEnum):
    AGREED = "agreed"
    ONLY_A = "only A"
    ONLY_B = "only B"


@dataclass(frozen=True)
class CurationItem:
    """One candidate span for the gold annotation; `source` is a span id to copy from."""

    start: int
    end: int
    label: str
    kind: Kind
    source: int
    gold: int | None  # id of the gold span with the same range and label, if accepted

    @property
    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label

    @property
    def disagreement(self) -> bool:
        return self.kind != Kind.AGREED


def curation_items(store: Store, article_id: int, a: str, b: str, gold: str = GOLD) -> list[CurationItem]:
    """The union of A's and B's spans in text order, each marked agreed / only A / only B."""
    spans_a = {(s.start, s.end, s.label): s.id for s in store.spans(article_id, a)}
    spans_b = {(s.start, s.end, s.label): s.id for s in store.spans(article_id, b)}
    in_gold = {(s.start, s.end, s.label): s.id for s in store.spans(article_id, gold)}
    items = []
    for key in sorted(spans_a.keys() | spans_b.keys(), key=lambda k: (k[0], -k[1], k[2])):
        if key in spans_a and key in spans_b:
            kind, source = Kind.AGREED, spans_a[key]
        elif key in spans_a:
            kind, source = Kind.ONLY_A, spans_a[key]
        else:
            kind, source = Kind.ONLY_B, spans_b[key]
        items.append(CurationItem(*key, kind, source, in_gold.get(key)))
    return items
