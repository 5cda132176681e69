"""spaCy DocBins as spaCy users make them (an empty doc among many, other span groups) and
what we write: spans with whitespace at their edges kept exactly, several annotators told apart."""

from __future__ import annotations

import pytest

from annotator.core.formats import export, import_paths
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc, DocBin, Span  # noqa: E402


def test_an_empty_doc_is_left_out_and_the_others_imported(tmp_path):
    vocab = spacy.blank("en").vocab
    docs = DocBin()
    first = Doc(vocab, words=["Sony", "said", "so"], spaces=[True, True, False])
    first.ents = [Span(first, 0, 1, label="ORG")]
    first.spans["ideas"] = [Span(first, 1, 3, label="CLAIM")]
    docs.add(first)
    docs.add(Doc(vocab, words=[]))
    docs.add(Doc(vocab, words=["Yoshida", "left"], spaces=[True, False]))
    docs.to_disk(tmp_path / "corpus.spacy")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [tmp_path / "corpus.spacy"], "spacy")
        assert summary.refused == [] and summary.articles == 2
        texts = [store.article(i).text for i in store.article_ids()]
        spans = [(s.start, s.end, s.label) for s in store.spans(store.article_ids()[0])]
    assert texts == ["Sony said so", "Yoshida left"] and spans == [(0, 4, "ORG")]
    assert summary.notes == [
        "corpus.spacy: 1 span in other span groups than 'sc' left out; 1 empty doc left out"
    ]


def test_entities_beside_the_sc_group_are_imported_too(tmp_path):
    """A DocBin with `doc.ents` (an NER pipeline) and `doc.spans["sc"]` (spancat): only the sc
    spans came in and the entities were dropped without a word; so were the doc's categories."""
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Sony", "said", "Yoshida", "left"], spaces=[True, True, True, False])
    doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 2, 3, label="PER")]
    doc.spans["sc"] = [Span(doc, 1, 4, label="CLAIM"), Span(doc, 0, 1, label="ORG")]
    doc.cats = {"politics": 1.0, "sport": 0.0}
    docs = DocBin()
    docs.add(doc)
    docs.to_disk(tmp_path / "corpus.spacy")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [tmp_path / "corpus.spacy"], "spacy")
        [article] = store.article_ids()
        spans = sorted((s.start, s.end, s.label) for s in store.spans(article))
    assert spans == [(0, 4, "ORG"), (5, 22, "CLAIM"), (10, 17, "PER")]
    assert summary.notes == ["corpus.spacy: 2 document categories (doc.cats) left out"]


TEXT = "Sony said:  Yoshida resigned.\n\tThe board agreed."


def test_spans_with_whitespace_at_their_edges_are_kept_exactly(tmp_path):
    pieces = [" Yoshida", "said:  ", "\tThe board", "resigned.\n"]
    spans = tuple(NewSpan(TEXT.index(p), TEXT.index(p) + len(p), "claim") for p in pieces)
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("t", TEXT, spans=spans)])
        summary = export(store, "spacy", tmp_path / "out.spacy")
    assert summary.spans == 4 and not any("aligned" in line for line in summary.left_out)
    [doc] = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("xx").vocab)
    assert doc.text == TEXT
    assert sorted(span.text for span in doc.spans["sc"]) == sorted(pieces)


def test_several_annotators_are_told_apart_in_span_groups(tmp_path):
    spans = (NewSpan(0, 4, "actor", annotator="ana"), NewSpan(0, 4, "actor", annotator="bob"),
             NewSpan(12, 19, "actor", annotator="bob"))  # fmt: skip
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("t", TEXT, spans=spans)])
        summary = export(store, "spacy", tmp_path / "out.spacy")
    [doc] = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("xx").vocab)
    assert [span.text for span in doc.spans["sc_ana"]] == ["Sony"]
    assert [span.text for span in doc.spans["sc_bob"]] == ["Sony", "Yoshida"]
    assert any("several annotators" in line for line in summary.left_out)
    with Store.open(tmp_path / "copy.annotator") as copy:
        imported = import_paths(copy, [tmp_path / "out.spacy"], "spacy")
        assert imported.spans == 3 and imported.notes == []
        assert sorted(s.annotator for s in copy.spans(copy.article_ids()[0])) == ["ana", "bob", "bob"]
