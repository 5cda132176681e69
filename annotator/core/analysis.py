"""The analysis tables: frames by outlet and month, who is quoted, which codes occur together.

One module for the Analysis window, `annotator report` and scripts. Each table is plain rows
(tuples under named columns) plus how to chart it; the counting is SQL in `store/analysis.py`.
Empty outlet or month values stay `""` in the rows; `shown()` names them for people.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.model import AnalysisFilter, SpanHit
from annotator.core.store.analysis import MASK_BITS, Roles

if TYPE_CHECKING:
    import numpy

    from annotator.core.store import Store

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ROLES = Roles()
EVERYTHING = AnalysisFilter()


@dataclass(frozen=True)
class Chart:
    """How a table is drawn: `kind` is "bars", "lines" or "heatmap"; `x` the column along the
    axis (a heat map's columns), `series` the column naming the series (a heat map's rows), or
    "" when each column of `values` is a series of its own."""

    kind: str
    x: str
    series: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    chart: Chart

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def check_filter(f: AnalysisFilter) -> None:
    """ValueError with a readable message for a date bound that is not YYYY[-MM[-DD]]."""
    for name, bound in (("since", f.since), ("until", f.until)):
        if bound and not _DATE.match(bound):
            raise ValueError(f"--{name} must be a date like 2024, 2024-03 or 2024-03-15, not {bound!r}.")


def shown(value: Any, column: str = "") -> str:
    """A cell as people read it: empty outlets and months get a name."""
    if value == "" and column in ("outlet", "month"):
        return f"(no {'date' if column == 'month' else 'outlet'})"
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


# ------------------------------------------------------------------ the tables
def _by_dimension(store: Store, f: AnalysisFilter, dimension: str, key: str, roles: Roles) -> Table:
    if key.startswith("labels"):
        labels = [label for label in store.labels() if not f.labels or label.name in f.labels]
        codes = [label.name for label in labels]
        counts = store.counts_per_label(f, dimension, [label.id for label in labels])
        first, title, what = "label", f"Spans per label and {dimension}", "spans of each label"
    else:
        codes = _frame_values(store, roles)
        counts = store.counts_per_value(f, dimension, roles.frame_label, roles.frame_attribute, codes)
        first, title, what = "frame", f"Frames per {dimension}", f"{roles.frame_label} spans of each frame"
    order = {code: i for i, code in enumerate(codes)}
    rows = sorted(
        (
            (code, value, spans[i], articles[i], total, round(articles[i] / total, 4))
            for value, total, spans, articles in counts
            for i, code in enumerate(codes)
            if spans[i]
        ),
        key=lambda row: (order[row[0]], row[1]),
    )
    chart = {
        ("labels", "outlet"): Chart("bars", "outlet", "label", ("spans",)),
        ("frames", "outlet"): Chart("heatmap", "outlet", "frame", ("share",)),
    }.get((key.split("_")[0], dimension), Chart("lines", "month", first, ("spans",)))
    return Table(
        key,
        title,
        f"The {what} per {dimension}: spans, articles with at least one, the {dimension}'s articles and "
        "the share of them.",
        (first, dimension, "spans", "articles", f"{dimension}_articles", "share"),
        tuple(rows),
        chart,
    )


def _frame_values(store: Store, roles: Roles) -> list[str]:
    try:
        spec = store.label(roles.frame_label).attribute(roles.frame_attribute)
    except KeyError:
        return []
    return list(spec.choices) if spec else []


def labels_by_outlet(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    return _by_dimension(store, f, "outlet", "labels_by_outlet", roles)


def labels_by_month(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    return _by_dimension(store, f, "month", "labels_by_month", roles)


def frames_by_outlet(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    return _by_dimension(store, f, "outlet", "frames_by_outlet", roles)


def frames_by_month(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    return _by_dimension(store, f, "month", "frames_by_month", roles)


def quoted_actors(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    """Quotes per actor, grouped by normalised name (case ignored), with the outlets quoting them."""
    actors: dict[str, list] = {}
    outlets: dict[str, dict[str, int]] = defaultdict(dict)
    for key, name, outlet, quotes, direct, indirect, articles in store.quotes_per_actor(f, roles):
        row = actors.setdefault(key, [name, 0, 0, 0, 0])
        row[0] = min(row[0], name)
        for index, count in enumerate((quotes, direct, indirect, articles), start=1):
            row[index] += count
        outlets[key][shown(outlet, "outlet")] = quotes
    rows = sorted(
        (
            (
                *row,
                ", ".join(
                    f"{name} {n}" for name, n in sorted(outlets[key].items(), key=lambda i: (-i[1], i[0]))
                ),
            )
            for key, row in actors.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    return Table(
        "quoted_actors",
        "Most-quoted actors",
        f"Quotes attributed ({roles.said_by}) to each actor, by normalised name: direct, indirect, the "
        "articles quoting them and the outlets with their number of quotes.",
        ("actor", "quotes", "direct", "indirect", "articles", "outlets"),
        tuple(rows),
        Chart("bars", "actor", "", ("direct", "indirect")),
    )


def _codes(store: Store, f: AnalysisFilter) -> list[tuple[str, tuple[int, str | None, str | None]]]:
    """Every code the co-occurrence counts: each label, and each value of its choice attributes."""
    codes = []
    for label in store.labels():
        if f.labels and label.name not in f.labels:
            continue
        codes.append((label.name, (label.id, None, None)))
        for spec in label.attributes:
            if spec.kind == "choice":
                codes += [
                    (f"{label.name}.{spec.name}={value}", (label.id, spec.name, value))
                    for value in spec.choices
                ]
    return codes


def cooccurrence(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    """Pairs of codes: articles where both occur and pairs of overlapping spans (MAXQDA's code
    relations). A label is not paired with its own attribute values, which it always accompanies."""
    codes = _codes(store, f)
    specs = [spec for _, spec in codes]
    import numpy  # here, not at the top: the window imports this module, and numpy takes 0.2-0.4 s

    together = _pair_counts(store.code_sets(f, specs), len(codes))
    overlaps = _overlap_counts(store.code_overlaps(f, specs), len(codes))
    rows = [
        (codes[a][0], codes[b][0], int(together[a, b]), int(overlaps[a, b]))
        for a, b in zip(*numpy.nonzero(numpy.triu(together, 1)), strict=True)
        if not _refines(codes[a][1], codes[b][1])
    ]
    rows.sort(key=lambda row: (-row[2], -row[3], row[0], row[1]))
    return Table(
        "cooccurrence",
        "Code co-occurrence",
        "For each pair of codes (labels, and label.attribute=value): the articles where both occur and "
        "the pairs of their spans that overlap.",
        ("code", "other_code", "articles", "overlapping_spans"),
        tuple(rows),
        Chart("heatmap", "other_code", "code", ("articles",)),
    )


def _present(words: numpy.ndarray, count: int) -> numpy.ndarray:
    """Rows of mask words (see `store/analysis.py`) as rows of 0/1 per code."""
    import numpy

    bits = numpy.arange(MASK_BITS, dtype=numpy.int64)
    columns = [(words[:, [w]] >> bits) & 1 for w in range(words.shape[1])]
    return numpy.concatenate(columns, axis=1)[:, :count]


def _pair_counts(sets: list[tuple], count: int) -> numpy.ndarray:
    """Articles per pair of codes from (mask word…, articles) rows: the weighted product of the
    article-by-code incidence matrix with itself, over the distinct code sets only."""
    import numpy

    if not sets or not count:
        return numpy.zeros((count, count), dtype=numpy.int64)
    table = numpy.array(sets, dtype=numpy.int64)
    present = _present(table[:, :-1], count)
    return present.T @ (present * table[:, [-1]])


def _overlap_counts(pairs: list[tuple], count: int) -> numpy.ndarray:
    """Overlapping span pairs per pair of codes from (x words…, y words…, pairs) rows; [a, b] for
    a < b counts a on either span with b on the other."""
    import numpy

    if not pairs or not count:
        return numpy.zeros((count, count), dtype=numpy.int64)
    table = numpy.array(pairs, dtype=numpy.int64)
    words = (table.shape[1] - 1) // 2
    x, y = _present(table[:, :words], count), _present(table[:, words:-1], count)
    ordered = x.T @ (y * table[:, [-1]])
    return ordered + ordered.T


def _refines(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and (a[1] is None or b[1] is None)


def actor_network(store: Store, f: AnalysisFilter, roles: Roles = ROLES) -> Table:
    """Actors quoted in the same article; an edge's weight is the number of such articles."""
    rows = sorted(
        ((name, other, n) for _, name, _, other, n in store.actors_quoted_together(f, roles)),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    return Table(
        "actor_network",
        "Actors quoted together",
        "Pairs of actors quoted in the same article, with the number of such articles (an edge list).",
        ("actor", "other_actor", "articles"),
        tuple(rows),
        Chart("heatmap", "other_actor", "actor", ("articles",)),
    )


TABLES: dict[str, Callable[..., Table]] = {
    "labels_by_outlet": labels_by_outlet,
    "labels_by_month": labels_by_month,
    "frames_by_outlet": frames_by_outlet,
    "frames_by_month": frames_by_month,
    "quoted_actors": quoted_actors,
    "cooccurrence": cooccurrence,
    "actor_network": actor_network,
}


def tables(store: Store, f: AnalysisFilter = EVERYTHING, roles: Roles = ROLES) -> list[Table]:
    """Every table, in the order the window and the report show them."""
    check_filter(f)
    return [make(store, f, roles) for make in TABLES.values()]


def spans_behind(
    store: Store, table: Table, row: tuple, f: AnalysisFilter = EVERYTHING, roles: Roles = ROLES
) -> list[SpanHit]:
    """The spans a row of `table` counts (at most HITS_LIMIT)."""
    values = dict(zip(table.columns, row, strict=True))
    if table.key in ("labels_by_outlet", "labels_by_month"):
        dimension = table.columns[1]
        return store.hits_by_label(f, values["label"], dimension, values[dimension])
    if table.key in ("frames_by_outlet", "frames_by_month"):
        dimension = table.columns[1]
        return store.hits_by_attribute(
            f, roles.frame_label, roles.frame_attribute, values["frame"], dimension, values[dimension]
        )
    if table.key == "quoted_actors":
        return store.hits_by_actors(f, roles, [values["actor"]])
    if table.key == "actor_network":
        return store.hits_by_actors(f, roles, [values["actor"], values["other_actor"]])
    if table.key == "cooccurrence":
        codes = _codes(store, f)
        index = {name: position for position, (name, _) in enumerate(codes)}
        pair = (index[values["code"]], index[values["other_code"]])
        return store.hits_by_codes(f, [spec for _, spec in codes], pair)
    raise KeyError(table.key)
