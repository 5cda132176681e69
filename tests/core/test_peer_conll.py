"""CoNLL as spaCy's converter reads it: documents split at `-DOCSTART- -X- O O`, labels kept whole."""

from __future__ import annotations

import pytest

from annotator.core.formats import export, import_paths
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

TEXTS = ["Sony said Yoshida resigned.", "The board agreed."]


@pytest.fixture
def exported(tmp_path):
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([
            NewArticle("a", TEXTS[0], spans=(NewSpan(0, 4, "news outlet"), NewSpan(10, 17, "actor"))),
            NewArticle("b", TEXTS[1], spans=(NewSpan(4, 9, "news outlet"),)),
        ])  # fmt: skip
        summary = export(store, "conll", tmp_path / "out.conll")
    return tmp_path / "out.conll", summary


def test_labels_with_spaces_are_written_whole_and_reported(exported, tmp_path):
    path, summary = exported
    assert "Sony\tB-news_outlet" in path.read_text(encoding="utf-8")
    assert "CoNLL: 2 label names with spaces (written with '_') left out in 2 articles" in summary.left_out
    with Store.open(tmp_path / "copy.annotator") as copy:
        import_paths(copy, [path], "conll")
        labels = [s.label for i in copy.article_ids() for s in copy.spans(i)]
    assert labels == ["news_outlet", "actor", "news_outlet"]


def test_spacys_converter_splits_our_documents_and_reads_every_entity(exported):
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    path, _ = exported
    docs = list(conll_ner_to_docs(path.read_text(encoding="utf-8"), n_sents=1, no_print=True))
    entities = [(e.text, e.label_) for doc in docs for e in doc.ents]
    assert len(docs) == 2
    assert entities == [("Sony", "news_outlet"), ("Yoshida", "actor"), ("board", "news_outlet")]


def test_a_line_with_a_tag_and_no_token_is_refused_with_its_line(tmp_path):
    """Found by the fuzz test: "\\tB-quote" read as an empty span."""
    from annotator.core.formats import FORMATS
    from annotator.core.formats.common import ImportRefused, ReadOptions

    path = tmp_path / "bad.conll"
    path.write_text("Lavrov\tB-actor\n\tB-quote\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="line 2"):
        list(FORMATS["conll"].reader(path, ReadOptions()))
