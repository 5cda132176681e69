"""The analysis tables: frames by outlet and month, who is quoted, which codes occur together.

One module for the Analysis window, `annotator report` and scripts. Each table is plain rows
(tuples under named columns) plus how to chart it. The store groups the spans in SQL
(`store/analysis.py`) and numpy counts the groups (`tally.py`): no Python loop over spans, one
over the few label/attribute groups, outlets, months and actors.
Empty outlet or month values stay `""` in the rows; `shown()` names them for people.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from annotator.core.model import AnalysisFilter, SpanHit
from annotator.core.scheme import QUOTE_RELATION
from annotator.core.store.analysis import Roles

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
        if bound and not (_DATE.match(bound) and _is_calendar_date(bound)):
            raise ValueError(f"--{name} must be a date like 2024, 2024-03 or 2024-03-15, not {bound!r}.")


def _is_calendar_date(bound: str) -> bool:
    """2024-02-29 is a date, 2024-13 and 2023-02-29 are not."""
    parts = [int(part) for part in bound.split("-")] + [1, 1]
    try:
        date(*parts[:3])
    except ValueError:
        return False
    return True


def shown(value: Any, column: str = "") -> str:
    """A cell as people read it: empty outlets and months get a name."""
    if value == "" and column in ("outlet", "month"):
        return f"(no {'date' if column == 'month' else 'outlet'})"
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


# ------------------------------------------------------------------ the tables
TITLES = {
    "labels_by_outlet": "Spans per label and outlet",
    "labels_by_month": "Spans per label and month",
    "frames_by_outlet": "Frames per outlet",
    "frames_by_month": "Frames per month",
    "quoted_actors": "Most-quoted actors",
    "cooccurrence": "Code co-occurrence",
    "actor_network": "Actors quoted together",
}


def blank(key: str) -> Table:
    """Table `key` with no columns yet: what the window shows until it is computed."""
    return Table(key, TITLES[key], "Computing…", (), (), Chart("bars", "", "", ()))


# numpy and tally (which imports it) are imported in the functions, not at the top: the window
# imports this module as it starts, and numpy takes 0.2-0.4 s.


def _articles(store: Store, f: AnalysisFilter, dimension: str) -> tuple[list[str], list[int], numpy.ndarray]:
    """The outlets or months of the articles that count, their numbers of articles, and a lookup
    from article id to the position of its outlet or month (see tally.py)."""
    from annotator.core import tally

    groups = [(value, tally.ids(text)) for value, text in store.article_groups(f, dimension)]
    return [value for value, _ in groups], [len(a) for _, a in groups], tally.lookup([a for _, a in groups])


def _attribute(attributes: str, name: str) -> Any:
    """One attribute value of a span (None if unset), as SQLite's json_extract gives it."""
    try:
        value = json.loads(attributes).get(name)
    except (ValueError, AttributeError):
        return None
    return value if value is None or isinstance(value, (str, int)) else json.dumps(value)


def _label_id(store: Store, name: str) -> int | None:
    try:
        return store.label(name).id
    except KeyError:
        return None


def scheme_roles(store: Store) -> Roles:
    """The roles under the project's own label names: a scheme that renamed the quote and actor
    labels keeps its speaker rule between them (said_by first), and the framing label its frame
    attribute, so the tables follow a renamed label instead of going empty."""
    names = {label.name: label for label in store.labels()}
    quote, actor, frame = ROLES.quote_label, ROLES.actor_label, ROLES.frame_label
    if quote not in names or actor not in names:
        rules = store.relation_rules()
        speaking = [rule for rule in rules if rule.type == QUOTE_RELATION] or [
            rule for rule in rules if rule.source in names and names[rule.source].attribute(ROLES.quote_kind)
        ]
        if speaking:
            quote, actor = speaking[0].source, speaking[0].targets[0]
    if frame not in names:
        framing = [label.name for label in names.values() if label.attribute(ROLES.frame_attribute)]
        if len(framing) == 1:
            frame = framing[0]
    return replace(ROLES, quote_label=quote, actor_label=actor, frame_label=frame)


def _by_dimension(store: Store, f: AnalysisFilter, dimension: str, key: str, roles: Roles | None) -> Table:
    import numpy

    from annotator.core import tally

    roles = roles or scheme_roles(store)
    if key.startswith("labels"):
        labels = [label for label in store.labels() if not f.labels or label.name in f.labels]
        codes = [label.name for label in labels]
        names = {label.id: label.name for label in labels}
        groups = store.span_groups(f, list(names), ("article",))
        code_of = [names[label_id] for label_id, *_ in groups]
        first, what = "label", "spans of each label"
    else:
        codes = _frame_values(store, roles)
        frame_id = _label_id(store, roles.frame_label)
        groups = store.span_groups(f, [frame_id], ("article",)) if codes and frame_id is not None else []
        code_of = [_attribute(attributes, roles.frame_attribute) for _, attributes, *_ in groups]
        first, what = "frame", f"{roles.frame_label} spans of each frame"
    values, totals, dimension_of = _articles(store, f, dimension)
    rows = []
    for code in codes:
        found = [
            tally.ids(articles) for (*_, articles), of in zip(groups, code_of, strict=True) if of == code
        ]
        if not found:
            continue
        articles = numpy.concatenate(found)
        spans = tally.per_group(tally.look_up(dimension_of, articles), len(values))
        with_code = tally.per_group(tally.look_up(dimension_of, tally.distinct(articles)), len(values))
        rows += [
            (
                code,
                value,
                int(spans[i]),
                int(with_code[i]),
                totals[i],
                round(int(with_code[i]) / totals[i], 4),
            )
            for i, value in enumerate(values)
            if spans[i]
        ]
    order = {code: i for i, code in enumerate(codes)}
    rows.sort(key=lambda row: (order[row[0]], row[1]))
    chart = {
        ("labels", "outlet"): Chart("bars", "outlet", "label", ("spans",)),
        ("frames", "outlet"): Chart("heatmap", "outlet", "frame", ("share",)),
    }.get((key.split("_")[0], dimension), Chart("lines", "month", first, ("spans",)))
    return Table(
        key,
        TITLES[key],
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


def labels_by_outlet(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    return _by_dimension(store, f, "outlet", "labels_by_outlet", roles)


def labels_by_month(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    return _by_dimension(store, f, "month", "labels_by_month", roles)


def frames_by_outlet(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    return _by_dimension(store, f, "outlet", "frames_by_outlet", roles)


def frames_by_month(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    return _by_dimension(store, f, "month", "frames_by_month", roles)


@dataclass(frozen=True)
class _Quotes:
    """Every attributed quote that counts (one entry per said_by relation): its actor (a
    position in `keys`), article, outlet (a position in `outlets`) and whether it is direct."""

    keys: list[str]
    names: list[str]
    outlets: list[str]
    actor: numpy.ndarray
    article: numpy.ndarray
    outlet: numpy.ndarray
    direct: numpy.ndarray
    indirect: numpy.ndarray


def _ascii_lower(text: str) -> str:
    """Lower case as SQLite's lower() does it (ASCII letters only), so names group as the spans
    behind a row (`hits_by_actors`, in SQL) find them."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _quotes(store: Store, f: AnalysisFilter, roles: Roles) -> _Quotes:
    """The quotes attributed (`said_by`) to an actor, with the actor's normalised name or, when
    that is empty, the actor span's own text; names group by their lower case."""
    import numpy

    from annotator.core import tally

    outlets, _, outlet_of = _articles(store, f, "outlet")
    quote_id, actor_id = _label_id(store, roles.quote_label), _label_id(store, roles.actor_label)
    quotes = store.span_groups(f, [quote_id], ("id", "article")) if quote_id is not None else []
    actors = store.span_groups(f, [actor_id], ("id",), filtered=False) if actor_id is not None else []
    quote_spans = [tally.ids(spans) for _, _, spans, _ in quotes]
    article_of = tally.by_id(quote_spans, [tally.ids(articles) for *_, articles in quotes])
    kinds = [_attribute(attributes, roles.quote_kind) for _, attributes, *_ in quotes]
    kind_of = tally.lookup(quote_spans, [{"direct": 1, "indirect": 2}.get(kind, 0) for kind in kinds])
    sources, targets = (tally.ids(text) for text in store.relation_pairs(store.speaker_relation(roles)))
    article = tally.look_up(article_of, sources)
    outlet = tally.look_up(outlet_of, article)
    group = tally.look_up(tally.lookup([tally.ids(spans) for _, _, spans in actors]), targets)
    keep = (outlet >= 0) & (group >= 0)
    sources, targets, article, outlet, group = (a[keep] for a in (sources, targets, article, outlet, group))
    # an actor's name: its group's normalised name, or else the span's own text
    named = [_name(_attribute(attributes, roles.actor_name)) for _, attributes, *_ in actors]
    unnamed = numpy.unique(targets[numpy.isin(group, [i for i, name in enumerate(named) if not name])])
    texts = store.span_texts(unnamed.tolist()) if len(unnamed) else []
    names = {name for name in named if name} | {text for _, text in texts}
    shown_as: dict[str, str] = {}
    for name in sorted(names, reverse=True):
        shown_as[_ascii_lower(name)] = name  # the smallest spelling of each key, as min() in SQL
    keys = sorted(shown_as)
    position = {key: i for i, key in enumerate(keys)}
    group_key = numpy.array(
        [position[_ascii_lower(name)] if name else tally.NONE for name in named] or [tally.NONE],
        dtype=numpy.int64,
    )
    actor = group_key[group]
    if texts:
        text_key = tally.by_id(
            [numpy.array([span for span, _ in texts], dtype=numpy.int64)],
            [numpy.array([position[_ascii_lower(text)] for _, text in texts], dtype=numpy.int64)],
        )
        actor = numpy.where(actor >= 0, actor, tally.look_up(text_key, targets))
    kind = tally.look_up(kind_of, sources)
    named_here = actor >= 0
    actor, article, outlet, kind = (
        actor[named_here],
        article[named_here],
        outlet[named_here],
        kind[named_here],
    )
    used, actor = numpy.unique(actor, return_inverse=True)  # the actors quoted under this filter
    keys = [keys[i] for i in used]
    return _Quotes(
        keys, [shown_as[key] for key in keys], outlets, actor, article, outlet, kind == 1, kind == 2
    )


def _name(value: Any) -> str:
    """A normalised name as the tables show it: text with spaces trimmed (as SQLite's trim())."""
    return "" if value is None else str(value).strip(" ")


def quoted_actors(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    """Quotes per actor, grouped by normalised name (case ignored), with the outlets quoting them."""
    import numpy

    from annotator.core import tally

    roles = roles or scheme_roles(store)
    q = _quotes(store, f, roles)
    count = len(q.keys)
    quotes = numpy.bincount(q.actor, minlength=count)
    direct = numpy.bincount(q.actor, weights=q.direct, minlength=count)
    indirect = numpy.bincount(q.actor, weights=q.indirect, minlength=count)
    with_actor, _ = tally.distinct_pairs(q.actor, q.article, int(q.article.max(initial=0)) + 1)
    articles = numpy.bincount(with_actor, minlength=count)
    per_outlet = numpy.bincount(q.actor * len(q.outlets) + q.outlet, minlength=count * len(q.outlets))
    per_outlet = per_outlet.reshape(count, len(q.outlets))
    rows = []
    for i, name in enumerate(q.names):
        where = sorted(
            ((shown(q.outlets[o], "outlet"), int(n)) for o, n in enumerate(per_outlet[i]) if n),
            key=lambda item: (-item[1], item[0]),
        )
        outlets = ", ".join(f"{outlet} {n}" for outlet, n in where)
        rows.append((name, int(quotes[i]), int(direct[i]), int(indirect[i]), int(articles[i]), outlets))
    rows.sort(key=lambda row: (-row[1], row[0]))
    return Table(
        "quoted_actors",
        TITLES["quoted_actors"],
        f"{roles.quote_label} spans attributed ({store.speaker_relation(roles)}) to each "
        f"{roles.actor_label}, by normalised name: direct, indirect, the articles quoting them and "
        "the outlets with their number of quotes.",
        ("actor", "quotes", "direct", "indirect", "articles", "outlets"),
        tuple(rows),
        Chart("bars", "actor", "", ("direct", "indirect")),
    )


def actor_network(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    """Actors quoted in the same article; an edge's weight is the number of such articles."""
    import numpy

    from annotator.core import tally

    roles = roles or scheme_roles(store)
    q = _quotes(store, f, roles)
    count = len(q.keys)
    article, actor = tally.distinct_pairs(q.article, q.actor, max(count, 1))
    first, second = tally.pairs_within(article)
    edges, weights = numpy.unique(actor[first] * count + actor[second], return_counts=True)
    rows = sorted(
        (
            (q.names[edge // count], q.names[edge % count], int(n))
            for edge, n in zip(edges, weights, strict=True)
        ),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    return Table(
        "actor_network",
        TITLES["actor_network"],
        f"Pairs of {roles.actor_label} spans with {roles.quote_label} spans attributed to them in the "
        "same article, with the number of such articles (an edge list).",
        ("actor", "other_actor", "articles"),
        tuple(rows),
        Chart("heatmap", "other_actor", "actor", ("articles",)),
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


def cooccurrence(store: Store, f: AnalysisFilter, roles: Roles | None = None) -> Table:
    """Pairs of codes: articles where both occur and pairs of overlapping spans (MAXQDA's code
    relations). A label is not paired with its own attribute values, which it always accompanies."""
    import numpy

    from annotator.core import tally

    codes = _codes(store, f)
    index = {spec: i for i, (_, spec) in enumerate(codes)}
    labels = sorted({label_id for _, (label_id, _, _) in codes})
    groups = store.span_groups(f, labels, ("article", "start", "end"))
    # each group's codes: its label and the values it has; groups with the same codes share a kind
    kinds: dict[tuple[int, ...], int] = {}
    kind_of_group = []
    for label_id, attributes, *_ in groups:
        try:
            values = json.loads(attributes)
        except ValueError:
            values = {}
        found = [index[(label_id, None, None)]]
        if isinstance(values, dict):
            found += [index[(label_id, a, v)] for a, v in values.items() if (label_id, a, str(v)) in index]
        kind_of_group.append(kinds.setdefault(tuple(sorted(found)), len(kinds)))
    has_code = numpy.zeros((max(len(kinds), 1), len(codes)), dtype=numpy.float32)
    for found, kind in kinds.items():
        has_code[kind, list(found)] = 1
    _, _, counted = _articles(store, f, "outlet")
    columns = [[tally.ids(text) for text in group[2:]] for group in groups] or [[tally.ids("")] * 3]
    article, start, end = (numpy.concatenate(column) for column in zip(*columns, strict=True))
    kind = numpy.repeat(numpy.array(kind_of_group or [0], dtype=numpy.int64), [len(c[0]) for c in columns])
    keep = tally.look_up(counted, article) >= 0
    article, start, end, kind = article[keep], start[keep], end[keep], kind[keep]
    # articles where both codes occur: the product of the article-by-code table with itself
    article_kinds = numpy.zeros((len(counted), len(has_code)), dtype=numpy.float32)
    article_kinds[article, kind] = 1
    present = numpy.minimum(article_kinds @ has_code, 1)
    together = present.T @ present
    # overlapping pairs of spans, each once, in (article, start) order
    order = numpy.argsort((article << 32) | start, kind="stable")  # a start is below 2**32
    article, start, end, kind = article[order], start[order], end[order], kind[order]
    first, second = tally.pairs_within(article, end, start)
    pairs = numpy.bincount(kind[first] * len(has_code) + kind[second], minlength=len(has_code) ** 2)
    ordered = has_code.T @ pairs.reshape(len(has_code), len(has_code)).astype(numpy.float32) @ has_code
    overlaps = ordered + ordered.T
    rows = [
        (codes[a][0], codes[b][0], int(together[a, b]), int(overlaps[a, b]))
        for a, b in zip(*numpy.nonzero(numpy.triu(together, 1)), strict=True)
        if not _refines(codes[a][1], codes[b][1])
    ]
    rows.sort(key=lambda row: (-row[2], -row[3], row[0], row[1]))
    return Table(
        "cooccurrence",
        TITLES["cooccurrence"],
        "For each pair of codes (labels, and label.attribute=value): the articles where both occur and "
        "the pairs of their spans that overlap.",
        ("code", "other_code", "articles", "overlapping_spans"),
        tuple(rows),
        Chart("heatmap", "other_code", "code", ("articles",)),
    )


def _refines(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and (a[1] is None or b[1] is None)


TABLES: dict[str, Callable[..., Table]] = {
    "labels_by_outlet": labels_by_outlet,
    "labels_by_month": labels_by_month,
    "frames_by_outlet": frames_by_outlet,
    "frames_by_month": frames_by_month,
    "quoted_actors": quoted_actors,
    "cooccurrence": cooccurrence,
    "actor_network": actor_network,
}


def tables(store: Store, f: AnalysisFilter = EVERYTHING, roles: Roles | None = None) -> list[Table]:
    """Every table, in the order the window and the report show them."""
    check_filter(f)
    roles = roles or scheme_roles(store)
    return [make(store, f, roles) for make in TABLES.values()]


def spans_behind(
    store: Store, table: Table, row: tuple, f: AnalysisFilter = EVERYTHING, roles: Roles | None = None
) -> list[SpanHit]:
    """The spans a row of `table` counts (at most HITS_LIMIT)."""
    roles = roles or scheme_roles(store)
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
