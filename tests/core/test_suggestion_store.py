"""Suggestions in the store: kept apart from spans, accepted and rejected in one undoable step."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from annotator.core.agreement import compute_agreement
from annotator.core.formats import export
from annotator.core.merge import merge_project
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store
from annotator.core.suggest import Suggestion
from annotator.core.suggest.runner import suggest_articles

TEXT = 'Sergey Lavrov arrived. "We are patient," Lavrov told reporters. Later Lavrov left.'


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        store.add_articles([NewArticle("Lavrov", TEXT)])
        yield store


def state(store: Store) -> tuple:
    """Everything an accept or reject could change."""
    spans = [(s.start, s.end, s.label, s.annotator, s.attributes) for s in store.spans(1)]
    relations = [(r.from_span, r.to_span, r.type) for r in store.relations(1)]
    return spans, relations, store.suggestions(), store.rejected_keys(1)


def by_text(store: Store, piece: str, label: str):
    return next(s for s in store.suggestions() if TEXT[s.start : s.end] == piece and s.label == label)


def test_a_run_stores_the_quote_its_speaker_and_the_link_between_them(store):
    assert suggest_articles(store, [1], ["quotes"]) == {"quotes": 2}
    quote, speaker = by_text(store, "We are patient", "quote"), by_text(store, "Lavrov", "actor")
    assert quote.speaker_suggestion == speaker.id and quote.source == "quotes" and 0 < quote.score <= 1
    assert speaker.attributes == {"normalised_name": "Sergey Lavrov"}
    assert store.spans(1) == []  # nobody's annotation yet
    suggest_articles(store, [1], ["quotes"])  # a second run replaces, it does not pile up
    assert len(store.suggestions()) == 2


def test_accepting_a_quote_makes_spans_by_the_annotator_with_said_by_and_undo_restores(store):
    suggest_articles(store, [1], ["quotes"])
    before = state(store)
    quote = by_text(store, "We are patient", "quote")
    snapshot = store.suggestion_snapshot([quote.id], with_speakers=True)
    changes = store.accept_suggestions([quote.id])
    spans = {TEXT[s.start : s.end]: s for s in store.spans(1)}
    assert {(piece, s.label, s.annotator) for piece, s in spans.items()} == {
        ("We are patient", "quote", "ana"),
        ("Lavrov", "actor", "ana"),
    }
    assert spans["We are patient"].attributes == {"kind": "direct"}
    assert [(r.from_span, r.to_span, r.type) for r in store.relations(1)] == [
        (spans["We are patient"].id, spans["Lavrov"].id, "said_by")
    ]
    assert store.suggestions() == [] and changes.suggestions == {quote.id, quote.speaker_suggestion}
    store.restore_suggestions(snapshot, changes.spans)
    assert state(store) == before


def test_accepting_the_speaker_first_links_the_quote_to_the_new_span(store):
    suggest_articles(store, [1], ["quotes"])
    store.accept_suggestions([by_text(store, "Lavrov", "actor").id])
    (actor,) = store.spans(1)
    quote = by_text(store, "We are patient", "quote")
    assert (quote.speaker_span, quote.speaker_suggestion) == (actor.id, None)
    store.accept_suggestions([quote.id])
    (relation,) = store.relations(1)
    assert relation.to_span == actor.id and len(store.spans(1)) == 2


def test_a_rejected_suggestion_does_not_come_back_and_undo_forgets_the_rejection(store):
    suggest_articles(store, [1], ["quotes"])
    before = state(store)
    speaker = by_text(store, "Lavrov", "actor")
    snapshot = store.suggestion_snapshot([speaker.id])
    store.reject_suggestions([speaker.id])
    assert store.rejected_keys(1) == {(speaker.start, speaker.end, "actor")}
    assert by_text(store, "We are patient", "quote").speaker_suggestion is None
    suggest_articles(store, [1], ["quotes"])
    assert [s.label for s in store.suggestions()] == ["quote"]
    assert store.suggestion_memory().tagged[("Lavrov", "actor")] == (0, 1)
    store.restore_suggestions(snapshot)
    suggest_articles(store, [1], ["quotes"])
    assert state(store)[2:] == before[2:]


def test_accepts_and_rejects_teach_repeat(store):
    store.add_span(1, 0, 13, "actor")
    suggest_articles(store, [1], ["repeat"])
    assert store.suggestions() == []  # "Sergey Lavrov" occurs once
    store.add_span(1, TEXT.index("Lavrov told"), TEXT.index("Lavrov told") + 6, "actor")
    suggest_articles(store, [1], ["repeat"])
    (repeat,) = store.suggestions(source=["repeat"])
    assert TEXT[repeat.start : repeat.end] == "Lavrov" and repeat.score == 0.667
    store.reject_suggestions([repeat.id])
    assert store.suggestion_memory().tagged[("Lavrov", "actor")] == (1, 1)
    suggest_articles(store, [1], ["repeat"])
    assert store.suggestions() == []


def test_a_suggestion_outside_the_text_is_refused(store):
    with pytest.raises(ValueError):
        store.store_suggestions({1: [Suggestion(0, len(TEXT) + 1, "quote", "x", 1.0)]}, ["x"])
    assert store.suggestions() == []


def test_suggestions_never_appear_in_exports_agreement_or_merges(tmp_path, store):
    for name in ("bob", "ana"):
        store.set_annotator(name)
        store.add_span(1, 0, 13 if name == "ana" else 6, "actor")
        store.set_status(1, Status.DONE)

    def exported() -> str:
        out = io.StringIO()
        export(store, "jsonl", out)
        return out.getvalue()

    plain = exported()
    report = compute_agreement(store)
    suggest_articles(store, [1])
    assert len(store.suggestions()) >= 3
    assert exported() == plain
    assert compute_agreement(store) == report
    with Store.open(tmp_path / "team.annotator", annotator="bob") as team:
        team.add_articles([NewArticle("Lavrov", TEXT)])
        merge_project(team, store.path)
        assert team.suggestions() == []
        assert sorted((s.start, s.end, s.label, s.annotator) for s in team.spans(1)) == [
            (0, 6, "actor", "bob"),
            (0, 13, "actor", "ana"),
        ]


def test_deleting_a_speaker_span_unlinks_the_suggestion_that_names_it(store):
    store.add_span(1, TEXT.index("Lavrov told"), TEXT.index("Lavrov told") + 6, "actor")
    suggest_articles(store, [1], ["quotes"])
    quote = by_text(store, "We are patient", "quote")
    assert quote.speaker_span is not None
    store.delete_spans([quote.speaker_span])
    assert by_text(store, "We are patient", "quote").speaker_span is None


def test_a_project_from_before_suggestions_upgrades_and_takes_them(tmp_path):
    fixture = Path(__file__).resolve().parents[1] / "data" / "v1.annotator"
    path = tmp_path / "old.annotator"
    shutil.copy(fixture, path)
    with Store.open(path, annotator="ana") as store:
        ids = store.article_ids()
        spans = {i: store.spans(i) for i in ids}
        relations = {i: store.relations(i) for i in ids}
        assert store.suggestions() == [] and store.suggestion_counts() == {}
        suggest_articles(store, ids)
        assert {i: store.spans(i) for i in ids} == spans
        assert {i: store.relations(i) for i in ids} == relations


def test_accepting_under_another_label_keeps_the_range_and_drops_the_attributes(store):
    suggest_articles(store, [1], ["quotes"])
    quote = by_text(store, "We are patient", "quote")
    store.accept_suggestions([quote.id], label="claim")
    spans = {(TEXT[s.start : s.end], s.label): s for s in store.spans(1)}
    assert spans[("We are patient", "claim")].attributes == {}
    assert ("Lavrov", "actor") in spans  # its speaker came along with its own label


def test_occurrences_whole_words_and_case():
    from annotator.core.occurrences import occurrences

    text = "Lavrov, LAVROV and Lavrovsky; lavrov."
    assert occurrences(text, "Lavrov") == [(0, 6), (8, 14), (30, 36)]
    assert occurrences(text, "Lavrov", case_sensitive=True) == [(0, 6)]
    assert occurrences(text, "Lavrov", whole_words=False, case_sensitive=True) == [(0, 6), (19, 25)]
    assert occurrences(text, "  ") == []


def test_the_memory_can_be_limited_to_the_newest_spans(store):
    """The window learns from the newest spans only: all of a million-span project took seconds."""
    store.add_span(1, 0, 13, "actor", {"normalised_name": "Sergey Lavrov"})
    store.add_span(1, 24, 38, "quote")
    assert set(store.suggestion_memory().tagged) == {("Sergey Lavrov", "actor"), ("We are patient", "quote")}
    newest = store.suggestion_memory(recent=1)
    assert set(newest.tagged) == {("We are patient", "quote")} and newest.actors == {}


def test_an_accepted_speaker_is_linked_by_the_schemes_rule(store):
    from annotator.core.scheme import RelationRule

    suggest_articles(store, [1], ["quotes"])
    store.set_relation_rules([RelationRule("attributed_to", "quote", ("actor",))])
    store.accept_suggestions([by_text(store, "We are patient", "quote").id])
    assert [r.type for r in store.relations(1)] == ["attributed_to"]


def test_a_scheme_without_a_quote_rule_accepts_the_spans_without_a_link(store):
    suggest_articles(store, [1], ["quotes"])
    store.set_relation_rules([])
    store.accept_suggestions([by_text(store, "We are patient", "quote").id])
    assert len(store.spans(1)) == 2 and store.relations(1) == []


def test_the_memory_reads_each_article_once_and_slices_by_code_points(tmp_path):
    """The memory is what the spans say, whatever the articles' order and lengths: emoji before a
    span, an actor tagged twice with different names (the first tagged wins), a long article with
    many spans (its text was read again for every span: a minute for 50,000 spans in 5 MB)."""
    long_text = "🙂 Ana Díaz said. " * 2_000
    with Store.open(tmp_path / "m.annotator", annotator="ana") as store:
        long_id, short_id = store.add_articles(
            [NewArticle("long", long_text), NewArticle("short", "👍🏽 Lavrov spoke. Lavrov left.")]
        ).article_ids
        store.add_span(short_id, 3, 9, "actor", {"normalised_name": "Sergey Lavrov", "type": "person"})
        for n in range(2_000):
            start = n * 17 + 2
            store.add_span(long_id, start, start + 8, "actor" if n % 2 else "quote")
        store.add_span(short_id, 17, 23, "actor", {"normalised_name": "Someone Else"})
        memory = store.suggestion_memory()
        expected: dict[tuple[str, str], int] = {}
        for article_id, text in ((long_id, long_text), (short_id, store.article(short_id).text)):
            for span in store.spans(article_id):
                key = (text[span.start : span.end], span.label)
                expected[key] = expected.get(key, 0) + 1
        assert {key: counts[0] for key, counts in memory.tagged.items()} == expected
        assert memory.tagged[("Ana Díaz", "quote")] == (1_000, 0)
        assert memory.actors["Lavrov"] == ("Sergey Lavrov", "person")
        assert memory.actors["Ana Díaz"] == ("Ana Díaz", "")
