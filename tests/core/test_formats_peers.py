"""Peer libraries and the REFI-QDA constraints read what we write."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from test_formats import project  # noqa: F401  (the fixture)

from annotator.core.formats import export, import_paths
from annotator.core.store import Store

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
Q = "{urn:QDA-XML:project:1.0}"


def test_spacy_loads_our_docbin_and_span_texts_equal_ours(project, tmp_path):  # noqa: F811
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    summary = export(project, "spacy", tmp_path / "out.spacy")
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("xx").vocab))
    expected = [
        sorted((s.start, s.end, s.label, a.text[s.start : s.end]) for s in spans)
        for a, spans, _ in project.iter_annotated()
    ]
    found = [sorted((s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["sc"]) for doc in docs]
    assert found == expected
    assert [doc.text for doc in docs] == [a.text for a, _, _ in project.iter_annotated()]
    entities = [e for doc in docs for e in doc.ents]
    assert len(entities) < summary.spans  # overlaps stay out of doc.ents …
    assert any("only in doc.spans" in line for line in summary.left_out)  # … and the export says so


def test_datasets_loads_our_jsonl_without_glue(project, tmp_path):  # noqa: F811
    datasets = pytest.importorskip("datasets")
    path = tmp_path / "out.jsonl"
    export(project, "jsonl", path)
    data = datasets.load_dataset("json", data_files=str(path), cache_dir=str(tmp_path / "cache"))["train"]
    assert data.num_rows == 4
    first = data[0]
    span = first["spans"][0]
    assert first["text"][span["start"] : span["end"]] == span["text"]
    assert {s["label"] for row in data for s in row["spans"]} == {"actor", "quote", "claim", "framing"}
    assert any(s["attributes"] for row in data for s in row["spans"])


def test_pandas_reads_our_csv(project, tmp_path):  # noqa: F811
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "out.csv"
    export(project, "csv", path)
    frame = pandas.read_csv(path, keep_default_na=False)
    assert len(frame) == 12
    texts = {a.id: a.text for a, _, _ in project.iter_annotated()}
    for row in frame.itertuples():
        assert texts[row.article_id][row.start : row.end] == row.text


def test_qdpx_meets_the_refi_qda_project_constraints(project, tmp_path):  # noqa: F811
    path = tmp_path / "out.qdpx"
    export(project, "qdpx", path, newlines="crlf")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = ET.fromstring(archive.read("project.qde"))
        assert root.tag == f"{Q}Project" and root.get("name")
        assert [child.tag.removeprefix(Q) for child in root] == ["Users", "CodeBook", "Sources", "Links"]
        guids = [e.get("guid") for e in root.iter() if e.get("guid") is not None]
        assert guids and all(GUID.match(g) for g in guids) and len(set(guids)) == len(guids)
        users = {u.get("guid") for u in root.iter(f"{Q}User")}
        codes = {c.get("guid") for c in root.iter(f"{Q}Code")}
        assert all(c.get("name") and c.get("isCodable") in ("true", "false") for c in root.iter(f"{Q}Code"))
        selections = {}
        for source in root.iter(f"{Q}TextSource"):
            location = source.get("plainTextPath")
            assert location.startswith("internal://") and f"sources/{location[11:]}" in names
            text = archive.read(f"sources/{location[11:]}").decode("utf-8")
            assert "\r\n" in text or "\n" not in text  # the MAXQDA target gets CRLF
            for selection in source.iter(f"{Q}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert 0 <= start < end <= len(text) and text[start:end] == selection.get("name")
                assert selection.get("creatingUser") in users
                assert all(ref.get("targetGUID") in codes for ref in selection.iter(f"{Q}CodeRef"))
                selections[selection.get("guid")] = selection
        links = list(root.iter(f"{Q}Link"))
        assert len(links) == 3
        assert all(
            link.get("originGUID") in selections and link.get("targetGUID") in selections for link in links
        )
    assert all(name == "project.qde" or name.startswith("sources/") for name in names)


def test_conll_keeps_one_layer_and_reports_what_was_dropped(project, tmp_path):  # noqa: F811
    out = io.StringIO()
    summary = export(project, "conll", out)
    written = out.getvalue()
    assert written.startswith("-DOCSTART- -X- O O\n\n")
    assert "Sergey\tB-actor\nLavrov\tI-actor\n" in written
    assert "🇺🇦\tB-framing\n🇷🇺\tI-framing" in written and "Cafe\u0301\tB-actor" in written
    assert "CoNLL: 3 overlapping spans left out in 2 articles" in summary.left_out
    assert summary.spans == 9
    path = tmp_path / "out.conll"
    path.write_text(written, encoding="utf-8")
    with Store.open(tmp_path / "copy.annotator") as copy:
        imported = import_paths(copy, [path], "conll")
        spans = [(a.text[s.start : s.end], s.label) for a, spans, _ in copy.iter_annotated() for s in spans]
        again = io.StringIO()
        export(copy, "conll", again)
    assert imported.refused == [] and len(spans) == 9
    assert ("Sergey Lavrov", "actor") in spans and (
        "said : \u201c The talks failed . \u201d",
        "quote",
    ) in spans
    assert again.getvalue() == written  # tokens and tags survive


def test_conll_bad_tag_names_the_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Lavrov\tB-actor\nsaid\tX-claim\n", encoding="utf-8")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [path], "conll")
        assert store.article_count() == 0
    assert summary.refused == ["bad.conll line 2: 'X-claim' is not an IOB2 tag (O, B-label, I-label)"]


def test_webanno_offsets_are_utf16_units(project, tmp_path):  # noqa: F811
    folder = tmp_path / "webanno"
    export(project, "webanno", folder)
    lines = (folder / "000001.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#FORMAT=WebAnno TSV 3.3"
    emoji = next(line for line in lines if "\t😀\t" in line).split("\t")
    after = next(line for line in lines if "\tothers\t" in line).split("\t")
    begin, end = (int(x) for x in emoji[1].split("-"))
    assert end - begin == 2  # one code point, two UTF-16 units
    assert int(after[1].split("-")[0]) == end + 1
    assert "quote[4]" in "".join(lines) and "said\\_by\t1-6[4_1]" in "".join(lines)
