"""Agreement figures against independent implementations (used only here): scikit-learn's
Cohen's kappa, the `krippendorff` package, statsmodels' Fleiss' kappa, and a direct transcription
of Krippendorff's αu definition, on random projects drawn by hypothesis."""

from __future__ import annotations

import math
import tempfile
import warnings
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
krippendorff = pytest.importorskip("krippendorff")
metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

from annotator.core.agreement import ALL, compute_agreement  # noqa: E402
from annotator.core.model import NewArticle, Status  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.text import word_pattern  # noqa: E402

WORDS = ["Lavrov", "said", "the", "alliance", "é", "threat", "😀", "Kyiv", "—", "peace", "42"]
LABELS = ["actor", "claim"]
NAMES = ["ana", "bob", "carl"]


@st.composite
def projects(draw):
    texts = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS), min_size=2, max_size=10).map(" ".join),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    spans, done = {}, {}
    for name in NAMES:
        done[name] = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1))
        for index, text in enumerate(texts):
            for _ in range(draw(st.integers(0, 3))):
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, len(text)))
                spans.setdefault((name, index), []).append((start, end, draw(st.sampled_from(LABELS))))
    return texts, spans, done


def build(path: Path, texts, spans, done) -> None:
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle(f"t{i}", text) for i, text in enumerate(texts)])
    for name in NAMES:
        with Store.open(path, annotator=name) as store:
            ids = store.article_ids()
            for (who, index), found in spans.items():
                if who == name:
                    for start, end, label in found:
                        store.add_span(ids[index], start, end, label)
            for index in done[name]:
                store.set_status(ids[index], Status.DONE)


def token_vector(text: str, found, label: str) -> list[int]:
    chosen = [(s, e) for s, e, lab in found if lab == label]
    return [
        int(any(s < m.end() and m.start() < e for s, e in chosen))
        for m in word_pattern().finditer(text)
        if m.group()
    ]


def same(ours, reference) -> bool:
    if ours is None:
        return reference is None or math.isnan(reference)
    return reference is not None and not math.isnan(reference) and math.isclose(ours, reference, abs_tol=1e-9)


def reference_alpha(data) -> float | None:
    try:
        return krippendorff.alpha(
            reliability_data=np.array(data, dtype=float), level_of_measurement="nominal"
        )
    except (ValueError, ZeroDivisionError):
        return None


def reference_kappa(a, b) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return metrics.cohen_kappa_score(a, b, labels=[0, 1])


def reference_unitized(coders, length) -> tuple[float, float] | None:
    """Krippendorff's uDo and uDe written out term by term, every pair of sections compared."""
    m = len(coders)
    units = [(s, e - s) for c in coders for s, e in c]
    if not units:
        return None
    parts = []
    for c in coders:
        part, position = [], 0
        for s, e in sorted(c):
            if s > position:
                part.append((position, s - position, 0))
            part.append((s, e - s, 1))
            position = e
        if position < length:
            part.append((position, length - position, 0))
        parts.append(part)

    def delta(g, h):
        (bg, lg, wg), (bh, lh, wh) = g, h
        if wg and wh and -lg < bg - bh < lh:
            return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
        if wg and not wh and bh <= bg and bg + lg <= bh + lh:
            return lg**2
        if wh and not wg and bg <= bh and bh + lh <= bg + lg:
            return lh**2
        return 0

    observed = sum(
        delta(g, h) for i in range(m) for j in range(m) if i != j for g in parts[i] for h in parts[j]
    )
    observed /= m * (m - 1) * length**2
    gaps = [size for part in parts for _, size, w in part if not w]
    n = len(units)
    total = sum(
        (n - 1) * (2 * size**3 - 3 * size**2 + size) / 3
        + size**2 * sum(g - size + 1 for g in gaps if g >= size)
        for _, size in units
    )
    squares = sum(size * (size - 1) for _, size in units)
    expected = 2 / length * total / (m * length * (m * length - 1) - squares)
    return observed, expected


def joined(found, label):
    out = []
    for s, e in sorted((s, e) for s, e, lab in found if lab == label):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


@settings(max_examples=40, deadline=None)
@given(projects())
def test_figures_equal_reference_computations(project):
    texts, spans, done = project
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.annotator"
        build(path, texts, spans, done)
        with Store.open(path) as store:
            report = compute_agreement(store, NAMES, LABELS)
    rows = {(p.a, p.b, p.label): p for p in report.pairs}
    for a, b in combinations(NAMES, 2):
        common = sorted(done[a] & done[b])
        pooled_a, pooled_b = [], []
        for label in LABELS:
            row = rows[(a, b, label)]
            va, vb, units_a, units_b, offset = [], [], [], [], 0
            exact_a, exact_b = set(), set()
            for index in common:
                found_a, found_b = spans.get((a, index), []), spans.get((b, index), [])
                va += token_vector(texts[index], found_a, label)
                vb += token_vector(texts[index], found_b, label)
                exact_a |= {(index, s, e) for s, e, lab in found_a if lab == label}
                exact_b |= {(index, s, e) for s, e, lab in found_b if lab == label}
                units_a += [(s + offset, e + offset) for s, e in joined(found_a, label)]
                units_b += [(s + offset, e + offset) for s, e in joined(found_b, label)]
                offset += len(texts[index])
            pooled_a += va
            pooled_b += vb
            assert row.tokens == len(va)
            assert same(row.cohen_kappa, reference_kappa(va, vb) if va else None)
            assert same(row.alpha_nominal, reference_alpha([va, vb]))
            tp = len(exact_a & exact_b)
            assert same(row.exact_precision, tp / len(exact_b) if exact_b else None)
            assert same(row.exact_recall, tp / len(exact_a) if exact_a else None)
            figures = reference_unitized([units_a, units_b], offset)
            alpha_u = None if figures is None or figures[1] == 0 else 1 - figures[0] / figures[1]
            assert same(row.alpha_unitized, alpha_u)
        overall = rows[(a, b, ALL)]
        assert same(overall.cohen_kappa, reference_kappa(pooled_a, pooled_b) if pooled_a else None)
        assert same(overall.alpha_nominal, reference_alpha([pooled_a, pooled_b]))

    everyone = sorted(set.intersection(*(done[n] for n in NAMES)))
    pairable = sorted(i for i in range(len(texts)) if sum(i in done[n] for n in NAMES) >= 2)
    groups = {g.label: g for g in report.groups}
    for label in LABELS:
        counts = []
        for index in everyone:
            votes = zip(
                *(token_vector(texts[index], spans.get((n, index), []), label) for n in NAMES), strict=True
            )
            counts += [[len(NAMES) - sum(v), sum(v)] for v in votes]
        if counts:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = inter_rater.fleiss_kappa(np.array(counts), method="fleiss")
        assert same(groups[label].fleiss_kappa, expected if counts else None)
        data = [[] for _ in NAMES]
        for index in pairable:
            for row, name in zip(data, NAMES, strict=True):
                vector = token_vector(texts[index], spans.get((name, index), []), label)
                row += vector if index in done[name] else [math.nan] * len(vector)
        assert same(groups[label].alpha_nominal, reference_alpha(data) if pairable else None)


def test_fleiss_kappa_on_a_hand_made_team(tmp_path):
    texts = ["Lavrov said the alliance is a threat"]
    spans = {
        ("ana", 0): [(0, 6, "actor"), (12, 36, "claim")],
        ("bob", 0): [(0, 11, "actor"), (16, 36, "claim")],
        ("carl", 0): [(0, 6, "actor")],
    }
    build(tmp_path / "p.annotator", texts, spans, {name: {0} for name in NAMES})
    with Store.open(tmp_path / "p.annotator") as store:
        report = compute_agreement(store, NAMES, LABELS)
    claim = next(g for g in report.groups if g.label == "claim")
    # claim votes on 7 tokens (ana, bob, carl): 000 000 100 110 110 110 110
    table = np.array([[3, 0], [3, 0], [2, 1], [1, 2], [1, 2], [1, 2], [1, 2]])
    assert claim.fleiss_kappa == pytest.approx(inter_rater.fleiss_kappa(table, method="fleiss"))
