"""Every C0 control character through import and every exporter (issue 11, item 11).

Decided once, at import: each becomes its visible stand-in (U+2400 + code; DEL U+2421), a
vertical tab or form feed a line break, one character for one, so offsets never move. XML
outputs stay well-formed even for a project stored before (raw controls written by SQL here).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile

import pytest

from annotator.core.formats import FORMATS, export, import_paths
from annotator.core.store import Store

CONTROLS = "".join(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r") + "\x7f"
TEXT = f"Before {CONTROLS} after. The minister said no."
SPAN_START = TEXT.index("minister")


def stand_in(char: str) -> str:
    return "\n" if char in "\x0b\x0c" else "\u2421" if char == "\x7f" else chr(0x2400 + ord(char))


STORED = TEXT.translate({ord(c): stand_in(c) for c in CONTROLS})
PICTURES = "".join("\u2421" if c == "\x7f" else chr(0x2400 + ord(c)) for c in CONTROLS)


@pytest.fixture
def project(tmp_path):
    record = {
        "title": f"Title{CONTROLS}",
        "text": TEXT,
        "spans": [
            {"id": 1, "start": 0, "end": 7 + len(CONTROLS) + 1, "label": "claim", "note": f"n{CONTROLS}",
             "attributes": {f"k{CONTROLS}": f"v{CONTROLS}"}, "annotator": f"ana{CONTROLS}"},
            {"id": 2, "start": SPAN_START, "end": SPAN_START + 8, "label": "act\x00or"},
        ],
        "relations": [{"from": 1, "to": 2, "type": "said\x01by"}],
    }  # fmt: skip
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.annotator", annotator="tester") as store:
        summary = import_paths(store, [source])
        assert summary.refused == [] and summary.spans == 2
        yield store


def test_import_replaces_control_characters_one_for_one(project):
    (article, spans, relations), = project.iter_annotated()  # fmt: skip
    assert article.text == STORED and len(STORED) == len(TEXT)
    assert article.title == "Title" + PICTURES  # names: stand-ins only, never a line break
    claim, actor = sorted(spans, key=lambda s: s.start)
    assert claim.note == "n" + STORED[7 : 7 + len(CONTROLS)] and claim.annotator == "ana" + PICTURES
    assert claim.attributes == {"k" + PICTURES: "v" + STORED[7 : 7 + len(CONTROLS)]}
    assert actor.label == "act\u2400or" and article.text[actor.start : actor.end] == "minister"
    assert [r.type for r in relations] == ["said\u2401by"]


@pytest.mark.parametrize("name", sorted(n for n, f in FORMATS.items() if f.writer))
def test_every_exporter_writes_a_valid_file_and_the_exact_span_texts(project, tmp_path, name):
    if name == "spacy":
        pytest.importorskip("spacy")
    fmt = FORMATS[name]
    out = tmp_path / f"out{fmt.suffix}"
    summary = export(project, name, out)
    assert summary.articles == 1
    for xml in xml_documents(out, name):
        ET.fromstring(xml)  # well-formed
    if name in ROUND_TRIP:
        with Store.open(tmp_path / "again.annotator") as again:
            result = import_paths(again, [out], name)
            assert result.refused == [], result.refused
            ((article, spans, _),) = again.iter_annotated()
            assert article.text == STORED
            assert {article.text[s.start : s.end] for s in spans} >= {"minister"}


ROUND_TRIP = {"jsonl", "doccano", "doccano-relations", "label-studio", "brat", "webanno", "spacy", "qdpx"}


def xml_documents(out, name) -> list[bytes]:
    if name == "qdpx":
        with zipfile.ZipFile(out) as archive:
            return [archive.read("project.qde")]
    if name == "label-studio":
        return [out.with_suffix(".xml").read_bytes()]
    return []


def test_xml_exports_stay_valid_for_raw_controls_stored_before(project, tmp_path):
    raw = CONTROLS
    project.conn.execute("UPDATE articles SET title = ?", [f"T{raw}"])
    project.conn.execute("INSERT INTO annotators (name, created) VALUES (?, '')", [f"a{raw}"])
    project.conn.execute("UPDATE spans SET note = ?, annotator = ?", [f"n{raw}", f"a{raw}"])
    project.conn.execute("UPDATE labels SET name = name || ? WHERE name = 'quote'", [raw])
    project.conn.execute("UPDATE relations SET type = ?", [f"t{raw}"])
    project.forget_cache()
    export(project, "qdpx", tmp_path / "old.qdpx")
    export(project, "label-studio", tmp_path / "old.json")
    ET.fromstring(xml_documents(tmp_path / "old.qdpx", "qdpx")[0])
    ET.fromstring(xml_documents(tmp_path / "old.json", "label-studio")[0])


def test_a_nul_stored_before_does_not_cut_the_text_short(project):
    article_id = project.article_ids()[0]
    project.conn.execute("UPDATE articles SET text = ?", ["short\x00" + "x" * 100])
    project.add_span(article_id, 50, 60, "claim")  # SQL's length() said 5
    assert any(s.start == 50 for s in project.spans(article_id))
