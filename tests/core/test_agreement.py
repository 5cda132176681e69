"""Agreement figures against published worked examples and hand-computed cases."""

from __future__ import annotations

import pytest

from annotator.core.agreement import (
    ALL,
    AgreementError,
    compute_agreement,
    covered_tokens,
    join_overlaps,
    token_bounds,
    unitized_alpha,
    unitizing_disagreements,
)
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store

TEXT = "Lavrov said the alliance is a threat to peace"


def test_unitized_alpha_matches_krippendorff_2004_worked_example():
    """Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed.,
    Sage, section 11.6, worked example on p. 254: two coders unitize the continuum 150–450
    into categories c and k. Published figures: category c uDo = .0144, uDe = .0532,
    cuα = .7286; category k uDo = 0, uDe = .0490, kuα = 1. (We could not consult the book
    itself; the data and figures are those of the example as reproduced in the DKPro Statistics
    test suite, `unitizing/Krippendorff2004Test`.)"""
    c = [[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]]
    k = [[(180, 240), (300, 350)], [(180, 240), (300, 350)]]
    observed, expected = unitizing_disagreements(c, 300, begin=150)
    assert (round(observed, 4), round(expected, 4)) == (0.0144, 0.0532)
    assert unitized_alpha(c, 300, begin=150) == pytest.approx(0.7286, abs=5e-5)
    observed, expected = unitizing_disagreements(k, 300, begin=150)
    assert (observed, round(expected, 4)) == (0, 0.0490)
    assert unitized_alpha(k, 300, begin=150) == 1


def test_unitized_alpha_on_krippendorff_1995_examples():
    """Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
    Methodology 25, 47–76, p. 57: four pairs of coders (A–D) unitize a continuum of 24. Observed
    disagreements .03125, 2.26736, .02777, .38715 are exact; the alphas .553, -.926, .679, .066
    hold for a finely divided continuum (we stretch it 50,000 times) and only to about .02, since
    the paper's expected disagreement is slightly off (as DKPro Statistics' `Krippendorff1995Test`,
    our source for the data, notes)."""
    examples = {
        "A": ([[(2, 10), (14, 20)], [(4, 8), (15, 17)]], 0.03125, 0.553),
        "B": ([[(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)]], 2.26736, -0.926),
        "C": (
            [[(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)]],
            0.02777,
            0.679,
        ),
        "D": (
            [[(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)], [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)]],
            0.38715,
            0.066,
        ),
    }
    stretch = 50_000
    for coders, observed, alpha in examples.values():
        assert unitizing_disagreements(coders, 24)[0] == pytest.approx(observed, abs=1e-5)
        fine = [[(s * stretch, e * stretch) for s, e in units] for units in coders]
        assert unitized_alpha(fine, 24 * stretch) == pytest.approx(alpha, abs=0.02)


def test_unitized_alpha_is_one_for_identical_units_and_undefined_without_units():
    assert unitized_alpha([[(3, 9)], [(3, 9)]], 20) == 1
    assert unitized_alpha([[], []], 20) is None


def test_tokens_and_overlaps():
    bounds = token_bounds("Kyiv 🇺🇦 said: «ok», e\u0301cole_1")
    assert len(bounds[0]) == 4
    assert covered_tokens(bounds, [(2, 3)]) == {0}
    assert covered_tokens(bounds, [(4, 8)]) == set()
    assert join_overlaps([(5, 9), (0, 3), (2, 4), (9, 12)]) == [(0, 4), (5, 9), (9, 12)]


@pytest.fixture
def team(tmp_path):
    """ana and bob mark one article; carl marks it too, a second article is done by ana only."""
    path = tmp_path / "team.annotator"
    pieces = {
        "ana": [("Lavrov", "actor"), ("the alliance is a threat", "claim")],
        "bob": [("Lavrov", "actor"), ("alliance is a threat to peace", "claim")],
        "carl": [("Lavrov said", "actor")],
    }
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle("one", TEXT), NewArticle("two", "Nothing here at all.")])
    for name, spans in pieces.items():
        with Store.open(path, annotator=name) as store:
            first, second = store.article_ids()
            for piece, label in spans:
                start = TEXT.index(piece)
                store.add_span(first, start, start + len(piece), label)
            store.set_status(first, Status.DONE)
            if name == "ana":
                store.set_status(second, Status.DONE)
    with Store.open(path) as store:
        yield store


def test_pair_figures_by_hand(team):
    report = compute_agreement(team, ["ana", "bob"], ["actor", "claim"])
    assert report.groups == []
    rows = {row.label: row for row in report.pairs}
    actor, claim, overall = rows["actor"], rows["claim"], rows[ALL]
    assert (actor.articles, actor.tokens, actor.exact_f1, actor.cohen_kappa) == (1, 9, 1.0, 1.0)
    # claim: ana covers tokens 2-6, bob 3-8 of 9: n11=4, n10=1, n01=2, n00=2.
    assert (claim.exact_precision, claim.exact_recall, claim.exact_f1) == (0.0, 0.0, 0.0)
    assert (claim.overlap_precision, claim.overlap_recall, claim.overlap_f1) == (1.0, 1.0, 1.0)
    assert claim.cohen_kappa == pytest.approx(12 / 39)
    # alpha on 18 values: zeros 2*2+3=7, ones 2*4+3=11, o01=3: 1 - 17*3/(7*11)
    assert claim.alpha_nominal == pytest.approx(1 - 17 * 3 / 77)
    assert overall.spans_a == overall.spans_b == 2
    assert (overall.exact_precision, overall.overlap_recall, overall.tokens) == (0.5, 1.0, 18)
    assert claim.alpha_unitized < 1 == actor.alpha_unitized


def test_only_articles_both_marked_done_count(team):
    report = compute_agreement(team, ["ana", "bob"])
    assert {row.articles for row in report.pairs} == {1}
    assert {row.label for row in report.pairs} == {"claim", "quote", "actor", "framing", ALL}


def test_default_annotators_are_those_with_done_articles_and_group_figures(team):
    report = compute_agreement(team)
    assert report.annotators == ("ana", "bob", "carl")
    assert [(p.a, p.b) for p in report.pairs if p.label == ALL] == [
        ("ana", "bob"),
        ("ana", "carl"),
        ("bob", "carl"),
    ]
    actor = next(g for g in report.groups if g.label == "actor")
    # actor tokens: ana {0}, bob {0}, carl {0, 1}: token 1 splits 2:1, all others agree.
    assert actor.articles == 1 and actor.tokens == 9
    p_bar = (8 * 1 + (2 * 1 + 1 * 0) / 6) / 9
    p1 = 4 / 27
    expected = p1**2 + (1 - p1) ** 2
    assert actor.fleiss_kappa == pytest.approx((p_bar - expected) / (1 - expected))


def test_bad_requests_are_refused(team):
    with pytest.raises(AgreementError, match="'zed'"):
        compute_agreement(team, ["ana", "zed"])
    with pytest.raises(AgreementError, match="at least two"):
        compute_agreement(team, ["ana"])
    with pytest.raises(AgreementError, match="No label named 'place'"):
        compute_agreement(team, ["ana", "bob"], ["place"])


PR_TEXT = "Lavrov met Blinken and Stoltenberg in Geneva."


def test_precision_recall_and_f1_against_a_hand_count_where_they_differ(tmp_path):
    """ana tags three actors; bob tags "Lavrov" exactly and "Blinken and" (overlapping ana's
    "Blinken"), and misses "Stoltenberg". By hand: exact 1 match, so P = 1/2, R = 1/3; overlap:
    both of bob's spans meet one of ana's (P = 2/2), two of ana's three meet one of bob's (R = 2/3).
    F1 is checked as 2·matches / (spans of A + spans of B), which is not how the code computes it."""
    path = tmp_path / "pr.annotator"
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle("one", PR_TEXT)])
    tagged = {"ana": ["Lavrov", "Blinken", "Stoltenberg"], "bob": ["Lavrov", "Blinken and"]}
    for name, pieces in tagged.items():
        with Store.open(path, annotator=name) as store:
            [article_id] = store.article_ids()
            for piece in pieces:
                start = PR_TEXT.index(piece)
                store.add_span(article_id, start, start + len(piece), "actor")
            store.set_status(article_id, Status.DONE)
    with Store.open(path) as store:
        actor = {row.label: row for row in compute_agreement(store, ["ana", "bob"], ["actor"]).pairs}["actor"]
    spans_a, spans_b, exact, overlap_a, overlap_b = 3, 2, 1, 2, 2
    assert (actor.exact_precision, actor.exact_recall) == (exact / spans_b, exact / spans_a)
    assert actor.exact_f1 == pytest.approx(2 * exact / (spans_a + spans_b))  # 0.4, not (1/2 + 1/3) / 2
    assert (actor.overlap_precision, actor.overlap_recall) == (overlap_b / spans_b, overlap_a / spans_a)
    assert actor.overlap_f1 == pytest.approx(2 * 1 * (2 / 3) / (1 + 2 / 3))
