"""Inter-annotator agreement: how far coders agree on where spans lie and what they are.

Which articles count: for a pair of annotators, the articles both have marked done (their own
status, `Store.annotator_status`); for the whole group (three or more annotators), those all have
marked done, except Krippendorff's nominal alpha, which takes every article at least two of them
marked done (alpha copes with missing coders).

Figures, per label and overall (`ALL`):

- Span precision, recall and F1 of B against A. *Exact*: same start, end and label. *Overlap*: a
  span counts as found if the other annotator has a span of the same label sharing at least one
  code point with it (precision counts B's spans found by A, recall A's spans found by B).
- Token-level figures. Tokens are the runs of word characters (Unicode letters, digits, `_`, and
  combining marks, so "école" written with a combining accent stays one token).
  For each label, a token is 1 if one of the annotator's spans of that label overlaps it, else 0:
  one binary item per token and label. A label's figures use its token items; `ALL` pools the
  items of every label. On these items: Cohen's kappa (pairs), Fleiss' kappa (the group) and
  Krippendorff's alpha, nominal.
- Krippendorff's unitizing alpha, αu, over spans (Krippendorff 1995, and *Content Analysis*, 2nd
  ed., 2004, section 11.6): each annotator's spans of a label, overlapping ones joined, are units
  on the continuum made of the chosen articles' texts laid end to end (code points); the rest are
  gaps. `ALL` is 1 - ΣDo / ΣDe over the labels.

A figure that is undefined (no spans, or no variation, so chance agreement is total) is `None`.
"""

from __future__ import annotations

import csv
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import accumulate, combinations
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core.errors import AnnotatorError
from annotator.core.formats.common import neutralise_formula
from annotator.core.model import Status
from annotator.core.text import WORD_DEFINITION, word_pattern

if TYPE_CHECKING:
    from annotator.core.store import Store

# Word characters, with combining marks kept inside the word ("e\u0301cole" is one token).
ALL = "ALL"

Interval = tuple[int, int]


class AgreementError(AnnotatorError):
    """Agreement cannot be computed as asked (e.g. fewer than two annotators)."""


@dataclass(frozen=True)
class PairAgreement:
    """Figures for two annotators on one label (or ALL)."""

    label: str
    a: str
    b: str
    articles: int
    tokens: int
    spans_a: int
    spans_b: int
    exact_precision: float | None
    exact_recall: float | None
    exact_f1: float | None
    overlap_precision: float | None
    overlap_recall: float | None
    overlap_f1: float | None
    cohen_kappa: float | None
    alpha_nominal: float | None
    alpha_unitized: float | None


@dataclass(frozen=True)
class GroupAgreement:
    """Figures for three or more annotators together on one label (or ALL)."""

    label: str
    annotators: tuple[str, ...]
    articles: int
    tokens: int
    fleiss_kappa: float | None
    alpha_nominal: float | None
    alpha_unitized: float | None


@dataclass(frozen=True)
class AgreementReport:
    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    pairs: list[PairAgreement]
    groups: list[GroupAgreement]

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "labels": list(self.labels),
            "tokens": WORD_DEFINITION,
            "pairs": [asdict(pair) for pair in self.pairs],
            "groups": [asdict(group) | {"annotators": list(group.annotators)} for group in self.groups],
        }


CSV_COLUMNS = (
    "label",
    "annotators",
    "articles",
    "tokens",
    "spans_a",
    "spans_b",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "overlap_precision",
    "overlap_recall",
    "overlap_f1",
    "cohen_kappa",
    "fleiss_kappa",
    "alpha_nominal",
    "alpha_unitized",
)


def write_csv(report: AgreementReport, out: TextIO) -> None:
    """One row per pair (annotators `a+b`) or group and label; empty cells are undefined figures."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in [asdict(p) | {"annotators": f"{p.a}+{p.b}"} for p in report.pairs] + [
        asdict(g) | {"annotators": "+".join(g.annotators)} for g in report.groups
    ]:
        cells = []
        for column in CSV_COLUMNS:
            value = row.get(column)
            if isinstance(value, str):
                value = neutralise_formula(value)
            cells.append("" if value is None else round(value, 6) if isinstance(value, float) else value)
        writer.writerow(cells)


# ------------------------------------------------------------------------ statistics
def cohen_kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of two coders on binary items, from the 2×2 table of their answers."""
    n = n11 + n10 + n01 + n00
    if n == 0:
        return None
    observed = (n11 + n00) / n
    expected = ((n11 + n10) * (n11 + n01) + (n00 + n01) * (n00 + n10)) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def alpha_binary(disagreements: float, zeros: int, ones: int) -> float | None:
    """Krippendorff's nominal alpha on binary values from the coincidence counts: `disagreements`
    is o(0,1), the sum over units of n0·n1/(m_u - 1); `zeros` and `ones` count pairable values."""
    n = zeros + ones
    if zeros == 0 or ones == 0:
        return None
    return 1 - (n - 1) * disagreements / (zeros * ones)


def fleiss_kappa(items: int, raters: int, agreeing_pairs: int, ones: int) -> float | None:
    """Fleiss' kappa on binary items all rated by `raters` coders; `agreeing_pairs` is the sum
    over items of n1(n1-1) + n0(n0-1)."""
    if items == 0 or raters < 2:
        return None
    observed = agreeing_pairs / (items * raters * (raters - 1))
    p1 = ones / (items * raters)
    expected = p1 * p1 + (1 - p1) * (1 - p1)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def sections(units: Sequence[Interval], begin: int, length: int) -> list[tuple[int, int, bool]]:
    """A coder's partition of [begin, begin+length) into units (True) and the gaps between them."""
    out: list[tuple[int, int, bool]] = []
    position = begin
    for start, end in sorted(units):
        if start > position:
            out.append((position, start, False))
        out.append((start, end, True))
        position = end
    if position < begin + length:
        out.append((position, begin + length, False))
    return out


def _distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    """Krippendorff's squared distance δ² between two overlapping sections of different coders."""
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def unitizing_disagreements(
    coders: Sequence[Sequence[Interval]], length: int, begin: int = 0
) -> tuple[float, float] | None:
    """Observed and expected disagreement (uDo, uDe) of αu for one category: `coders` holds each
    coder's non-overlapping units on the continuum [begin, begin+length). None without units."""
    m = len(coders)
    all_units = [end - start for units in coders for start, end in units]
    if m < 2 or length <= 0 or not all_units:
        return None
    parts = [sections(units, begin, length) for units in coders]
    observed = 0
    for first, second in combinations(parts, 2):
        i = j = 0
        while i < len(first) and j < len(second):
            observed += _distance(first[i], second[j])
            end_i, end_j = first[i][1], second[j][1]
            i += end_i <= end_j
            j += end_j <= end_i
    observed_disagreement = 2 * observed / (m * (m - 1) * length * length)

    gaps = sorted(end - start for part in parts for start, end, unit in part if not unit)
    tail_sums = list(accumulate(reversed(gaps)))[::-1] + [0]  # tail_sums[k] = sum(gaps[k:])
    n_units = len(all_units)
    numerator = 0.0
    for size in all_units:
        first_fit = bisect_left(gaps, size)
        fitting = len(gaps) - first_fit
        numerator += (n_units - 1) * (2 * size**3 - 3 * size**2 + size) / 3
        numerator += size * size * (tail_sums[first_fit] - fitting * (size - 1))
    denominator = m * length * (m * length - 1) - sum(size * (size - 1) for size in all_units)
    expected_disagreement = 2 / length * numerator / denominator
    return observed_disagreement, expected_disagreement


def unitized_alpha(coders: Sequence[Sequence[Interval]], length: int, begin: int = 0) -> float | None:
    """Krippendorff's αu for one category; None when undefined."""
    figures = unitizing_disagreements(coders, length, begin)
    return _alpha_from(*figures) if figures else None


def _alpha_from(observed: float, expected: float) -> float | None:
    return None if expected == 0 else 1 - observed / expected


def join_overlaps(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping intervals joined: αu wants one coder's units of a category disjoint."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def token_bounds(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for match in word_pattern().finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def covered_tokens(bounds: tuple[list[int], list[int]], spans: Iterable[Interval]) -> set[int]:
    """Indices of the tokens that share at least one code point with one of the spans."""
    starts, ends = bounds
    covered: set[int] = set()
    for start, end in spans:
        covered.update(range(bisect_right(ends, start), bisect_left(starts, end)))
    return covered


def _overlaps(span: Interval, others: Sequence[Interval]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


# ----------------------------------------------------------------------- accumulation
@dataclass
class _PairCounts:
    articles: int = 0
    tokens: int = 0
    table: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # n11, n10, n01, n00
    spans_a: int = 0
    spans_b: int = 0
    exact: int = 0
    found_a: int = 0
    found_b: int = 0
    units_a: list[Interval] = field(default_factory=list)
    units_b: list[Interval] = field(default_factory=list)
    length: int = 0


@dataclass
class _GroupCounts:
    articles: int = 0
    items: int = 0
    agreeing_pairs: int = 0
    ones: int = 0
    disagreements: float = 0.0
    zeros_paired: int = 0
    ones_paired: int = 0
    units: list[list[Interval]] = field(default_factory=list)
    length: int = 0


@dataclass
class _Article:
    length: int
    tokens: int
    spans: dict[str, dict[str, set[Interval]]]  # annotator -> label -> spans
    covered: dict[str, dict[str, set[int]]]  # annotator -> label -> token indices


def _load(store: Store, article_id: int, annotators: Sequence[str], labels: Sequence[str]) -> _Article:
    text = store.article(article_id).text
    bounds = token_bounds(text)
    spans = {name: {label: set() for label in labels} for name in annotators}
    for span in store.spans(article_id):
        if span.annotator in spans and span.label in spans[span.annotator]:
            spans[span.annotator][span.label].add((span.start, span.end))
    covered = {
        name: {label: covered_tokens(bounds, found) for label, found in by_label.items()}
        for name, by_label in spans.items()
    }
    return _Article(len(text), len(bounds[0]), spans, covered)


def default_annotators(store: Store) -> list[str]:
    """Everyone who has marked at least one article done."""
    return [name for name, (_, done) in store.annotators().items() if done]


def compute_agreement(
    store: Store, annotators: Sequence[str] | None = None, labels: Sequence[str] | None = None
) -> AgreementReport:
    """Every pair's figures (and the group's, for three or more annotators), per label and ALL."""
    names = list(dict.fromkeys(annotators or default_annotators(store)))
    known = store.annotators()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise AgreementError(f"No annotator named {', '.join(map(repr, unknown))} in this project.")
    if len(names) < 2:
        raise AgreementError(
            "Agreement needs at least two annotators who marked articles done "
            f"(found: {', '.join(names) or 'none'})."
        )
    scheme = [label.name for label in store.labels()]
    label_names = list(labels) if labels else scheme
    missing = [name for name in label_names if name not in scheme]
    if missing:
        raise AgreementError(f"No label named {', '.join(map(repr, missing))} in this project.")
    done = {
        name: {i for i, status in store.annotator_status(name).items() if status == Status.DONE}
        for name in names
    }
    pairs = list(combinations(names, 2))
    pair_counts = {(pair, label): _PairCounts() for pair in pairs for label in label_names}
    group = len(names) > 2
    group_counts = {label: _GroupCounts(units=[[] for _ in names]) for label in label_names}
    wanted = sorted(i for i in set().union(*done.values()) if sum(i in d for d in done.values()) >= 2)
    for article_id in wanted:
        coders = [name for name in names if article_id in done[name]]
        article = _load(store, article_id, coders, label_names)
        for a, b in pairs:
            if a in coders and b in coders:
                for label in label_names:
                    _add_pair(pair_counts[((a, b), label)], article, a, b, label)
        if group:
            for label in label_names:
                _add_group(group_counts[label], article, coders, names, label)
    return AgreementReport(
        tuple(names),
        tuple(label_names),
        [row for pair in pairs for row in _pair_rows(pair, label_names, pair_counts)],
        _group_rows(tuple(names), label_names, group_counts) if group else [],
    )


def _add_pair(counts: _PairCounts, article: _Article, a: str, b: str, label: str) -> None:
    spans_a, spans_b = article.spans[a][label], article.spans[b][label]
    tokens_a, tokens_b = article.covered[a][label], article.covered[b][label]
    both = len(tokens_a & tokens_b)
    only_a, only_b = len(tokens_a) - both, len(tokens_b) - both
    table = counts.table
    table[0] += both
    table[1] += only_a
    table[2] += only_b
    table[3] += article.tokens - both - only_a - only_b
    counts.articles += 1
    counts.tokens += article.tokens
    counts.spans_a += len(spans_a)
    counts.spans_b += len(spans_b)
    counts.exact += len(spans_a & spans_b)
    sorted_b = sorted(spans_b)
    sorted_a = sorted(spans_a)
    counts.found_a += sum(_overlaps(span, sorted_b) for span in sorted_a)
    counts.found_b += sum(_overlaps(span, sorted_a) for span in sorted_b)
    offset = counts.length
    counts.units_a += [(s + offset, e + offset) for s, e in join_overlaps(spans_a)]
    counts.units_b += [(s + offset, e + offset) for s, e in join_overlaps(spans_b)]
    counts.length += article.length


def _add_group(
    counts: _GroupCounts, article: _Article, coders: list[str], names: list[str], label: str
) -> None:
    votes: dict[int, int] = {}
    for name in coders:
        for token in article.covered[name][label]:
            votes[token] = votes.get(token, 0) + 1
    m = len(coders)
    ones = sum(votes.values())
    counts.disagreements += sum(n1 * (m - n1) for n1 in votes.values()) / (m - 1)
    counts.ones_paired += ones
    counts.zeros_paired += m * article.tokens - ones
    if m < len(names):
        return
    counts.articles += 1
    counts.items += article.tokens
    counts.ones += ones
    zeros_everywhere = article.tokens - len(votes)
    counts.agreeing_pairs += zeros_everywhere * m * (m - 1) + sum(
        n1 * (n1 - 1) + (m - n1) * (m - n1 - 1) for n1 in votes.values()
    )
    offset = counts.length
    for index, name in enumerate(names):
        counts.units[index] += [
            (s + offset, e + offset) for s, e in join_overlaps(article.spans[name][label])
        ]
    counts.length += article.length


def _precision_recall_f1(found_b: int, spans_b: int, found_a: int, spans_a: int) -> tuple:
    precision = found_b / spans_b if spans_b else None
    recall = found_a / spans_a if spans_a else None
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pair_rows(pair: tuple[str, str], labels: list[str], counts: dict) -> list[PairAgreement]:
    rows = []
    total = _PairCounts()
    observed = expected = 0.0
    for label in labels:
        c: _PairCounts = counts[(pair, label)]
        figures = unitizing_disagreements([c.units_a, c.units_b], c.length)
        if figures:
            observed += figures[0]
            expected += figures[1]
        rows.append(_pair_row(label, pair, c, c.table, unitized=_alpha_from(*figures) if figures else None))
        total.articles = c.articles
        total.tokens += c.tokens
        total.table = [x + y for x, y in zip(total.table, c.table, strict=True)]
        for name in ("spans_a", "spans_b", "exact", "found_a", "found_b"):
            setattr(total, name, getattr(total, name) + getattr(c, name))
    rows.append(_pair_row(ALL, pair, total, total.table, unitized=_alpha_from(observed, expected)))
    return rows


def _pair_row(label: str, pair: tuple[str, str], c: _PairCounts, table: list[int], unitized) -> PairAgreement:
    n11, n10, n01, n00 = table
    return PairAgreement(
        label,
        *pair,
        c.articles,
        c.tokens,
        c.spans_a,
        c.spans_b,
        *_precision_recall_f1(c.exact, c.spans_b, c.exact, c.spans_a),
        *_precision_recall_f1(c.found_b, c.spans_b, c.found_a, c.spans_a),
        cohen_kappa=cohen_kappa(n11, n10, n01, n00),
        alpha_nominal=alpha_binary(n10 + n01, 2 * n00 + n10 + n01, 2 * n11 + n10 + n01),
        alpha_unitized=unitized,
    )


def _group_rows(names: tuple[str, ...], labels: list[str], counts: dict) -> list[GroupAgreement]:
    m = len(names)
    rows = []
    total = _GroupCounts()
    observed = expected = 0.0
    for label in labels:
        c: _GroupCounts = counts[label]
        figures = unitizing_disagreements(c.units, c.length)
        if figures:
            observed += figures[0]
            expected += figures[1]
        rows.append(_group_row(label, names, c, m, _alpha_from(*figures) if figures else None))
        total.articles = c.articles
        for name in ("items", "agreeing_pairs", "ones", "disagreements", "zeros_paired", "ones_paired"):
            setattr(total, name, getattr(total, name) + getattr(c, name))
    rows.append(_group_row(ALL, names, total, m, _alpha_from(observed, expected)))
    return rows


def _group_row(label: str, names: tuple[str, ...], c: _GroupCounts, m: int, unitized) -> GroupAgreement:
    return GroupAgreement(
        label,
        names,
        c.articles,
        c.items,
        fleiss_kappa(c.items, m, c.agreeing_pairs, c.ones),
        alpha_binary(c.disagreements, c.zeros_paired, c.ones_paired),
        unitized,
    )
