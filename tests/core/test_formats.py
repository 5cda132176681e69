from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import formats
from annotator.core.formats import EXPORT_FORMATS, FORMATS, export, import_paths
from annotator.core.model import NewArticle, NewRelation, NewSpan, Status
from annotator.core.offsets import normalise_newlines
from annotator.core.output import OutputRefused
from annotator.core.store import Store

CRLF_TEXT = normalise_newlines("Lavrov said:\r\n\u201cThe talks failed.\u201d\r\nThe end.")[0]

# (text, [(part, label, attributes, note)], [(from part index, to part index)], status)
CORPUS = [
    (
        "Sergey Lavrov said the sanctions \u201cfailed completely\u201d, a claim 😀 others doubt.",
        [
            ("Sergey Lavrov", "actor", {"type": "person", "normalised_name": "Lavrov"}, "FM"),
            ("Lavrov", "actor", {}, ""),  # nested in the one above
            ("\u201cfailed completely\u201d", "quote", {"kind": "direct"}, "a note"),
            ("the sanctions \u201cfailed", "claim", {"stance": "opposes"}, ""),  # overlaps the quote
            ("😀", "claim", {}, ""),
        ],
        [(2, 0)],
        Status.DONE,
    ),
    (
        "Flags 🇺🇦 and 🇷🇺 side by side: 🇺🇦🇷🇺! Cafe\u0301 owners said no.",
        [("🇺🇦🇷🇺", "framing", {"frame": "Political"}, ""), ("Cafe\u0301 owners", "actor", {}, "")],
        [],
        Status.IN_PROGRESS,
    ),
    (
        "قال الوزير إن العقوبات فشلت. \u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 shalom.",
        [("الوزير", "actor", {}, ""), ("قال الوزير إن العقوبات فشلت", "quote", {}, ""),
         ("\u05d0\u05de\u05e8", "claim", {}, "")],
        [(1, 0)],
        Status.NEW,
    ),
    (
        CRLF_TEXT,
        [("Lavrov", "actor", {}, ""), ("said:\n\u201cThe talks failed.\u201d", "quote", {}, "spans lines")],
        [(1, 0)],
        Status.NEW,
    ),
]  # fmt: skip


def corpus_articles() -> list[NewArticle]:
    articles = []
    for number, (text, parts, relations, status) in enumerate(CORPUS):
        spans = []
        for part, label, attributes, note in parts:
            start = text.index(part)
            spans.append(NewSpan(start, start + len(part), label, attributes, note, "alice"))
        articles.append(
            NewArticle(
                title=f"Article {number}",
                text=text,
                spans=tuple(spans),
                relations=tuple(NewRelation(a, b, "said_by") for a, b in relations),
                status=status,
                outlet="Wire",
            )
        )
    return articles


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "source.annotator", annotator="tester")
    outcome = store.add_articles(corpus_articles())
    assert outcome.span_count == 12
    yield store
    store.close()


def snapshot(store: Store, carries: frozenset[str]) -> dict[str, dict]:
    """Per article text: spans (start, end, label, text [, attributes, note, annotator]) and
    relations between span keys; only what the format carries."""
    result = {}
    for article, spans, relations in store.iter_annotated():
        keys = {}
        for span in spans:
            key = (span.start, span.end, span.label, article.text[span.start : span.end])
            extra = ()
            if "attributes" in carries:
                extra += (json.dumps(span.attributes, sort_keys=True),)
            if "notes" in carries:
                extra += (span.note,)
            if "annotator" in carries:
                extra += (span.annotator,)
            keys[span.id] = key + extra
        entry = {"spans": sorted(keys.values())}
        if "relations" in carries:
            entry["relations"] = sorted((keys[r.from_span], keys[r.to_span], r.type) for r in relations)
        if "status" in carries:
            entry["status"] = article.status
        result[article.text] = entry
    return result


def round_trip(project: Store, tmp_path: Path, name: str, **options) -> tuple[Store, object, object]:
    if name == "spacy":
        pytest.importorskip("spacy")
    fmt = FORMATS[name]
    target = tmp_path / f"out{fmt.suffix}"
    exported = export(project, name, target)
    copy = Store.open(tmp_path / f"copy-{name}.annotator", annotator="other")
    imported = import_paths(copy, [target], name, **options)
    assert imported.refused == []
    return copy, exported, imported


ROUND_TRIP = ["jsonl", "doccano", "doccano-relations", "label-studio", "brat", "spacy", "qdpx", "webanno"]


def test_round_trip_of_crlf_sources_for_maxqda(project, tmp_path):
    copy, _, imported = round_trip_qdpx_crlf(project, tmp_path)
    carries = FORMATS["qdpx"].carries
    assert snapshot(copy, carries) == snapshot(project, carries)
    copy.close()


def round_trip_qdpx_crlf(project: Store, tmp_path: Path):
    target = tmp_path / "crlf.qdpx"
    exported = export(project, "qdpx", target, newlines="crlf")
    copy = Store.open(tmp_path / "copy-crlf.annotator")
    return copy, exported, import_paths(copy, [target], "qdpx")


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_keeps_articles_spans_and_what_the_format_carries(project, tmp_path, name):
    copy, exported, imported = round_trip(project, tmp_path, name)
    carries = FORMATS[name].carries
    assert (exported.articles, exported.spans) == (4, 12)
    assert (imported.articles, imported.spans) == (4, 12)
    assert snapshot(copy, carries) == snapshot(project, carries)
    if {"attributes", "notes", "relations"} - carries:
        assert exported.left_out  # what the format cannot carry is said
    copy.close()


def test_every_format_is_offered_for_export_and_import():
    assert set(EXPORT_FORMATS) == {name for name, fmt in FORMATS.items() if fmt.writer}
    assert {"jsonl", "csv", "doccano", "label-studio", "brat"} <= set(EXPORT_FORMATS)
    assert all(fmt.description and fmt.carries for fmt in FORMATS.values())


def test_doccano_plain_variant_reports_relations_and_attributes_left_out(project):
    out = io.StringIO()
    summary = export(project, "doccano", out)
    first = json.loads(out.getvalue().splitlines()[0])
    text = first["text"]
    assert {text[s:e] for s, e, _ in first["label"]} >= {"Sergey Lavrov", "😀"}
    assert "doccano: 3 relations left out in 3 articles" in summary.left_out
    assert any(line.startswith("doccano: 4 span attribute sets") for line in summary.left_out)


def test_doccano_relation_variant_shape(project):
    out = io.StringIO()
    export(project, "doccano-relations", out)
    first = json.loads(out.getvalue().splitlines()[0])
    ids = {entity["id"]: entity for entity in first["entities"]}
    [relation] = first["relations"]
    assert set(relation) == {"id", "from_id", "to_id", "type"}
    assert ids[relation["from_id"]]["label"] == "quote" and ids[relation["to_id"]]["label"] == "actor"


def test_label_studio_export_has_a_matching_config_and_code_point_offsets(project, tmp_path):
    export(project, "label-studio", tmp_path / "ls.json")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    config = (tmp_path / "ls.xml").read_text(encoding="utf-8")
    assert '<Labels name="label" toName="text">' in config and '<Text name="text" value="$text"/>' in config
    for task in tasks:
        text = task["data"]["text"]
        for result in task["annotations"][0]["result"]:
            if result["type"] == "labels":
                value = result["value"]
                assert text[value["start"] : value["end"]] == value["text"]
                assert f'<Label value="{value["labels"][0]}"' in config
    relation = next(r for t in tasks for r in t["annotations"][0]["result"] if r["type"] == "relation")
    assert relation["labels"] == ["said_by"] and relation["direction"] == "right"


def label_studio_task(start: int, end: int, quoted: str, text: str = "Hi 😀 Lavrov spoke") -> list:
    value = {"start": start, "end": end, "text": quoted, "labels": ["actor"]}
    result = [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]
    return [{"id": 7, "data": {"text": text}, "annotations": [{"result": result}]}]


def test_label_studio_utf16_offsets_are_converted(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(label_studio_task(6, 12, "Lavrov")), encoding="utf-8")  # UTF-16 units
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [path], "label-studio")
        [span] = store.spans(store.article_ids()[0])
        assert store.article(span.article_id).text[span.start : span.end] == "Lavrov"
    assert summary.refused == [] and "UTF-16" in summary.notes[0]


def test_label_studio_mismatched_text_is_refused_unless_realigned(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(label_studio_task(0, 6, "Lavrov")), encoding="utf-8")
    with Store.open(tmp_path / "p.annotator") as store:
        refused = import_paths(store, [path], "label-studio")
        assert store.article_count() == 0
        assert "ls.json: task 1 (id 7) annotation 1 result 1" in refused.refused[0]
        assert "--realign" in refused.refused[0]
        realigned = import_paths(store, [path], "label-studio", realign=True)
        [span] = store.spans(store.article_ids()[0])
    assert (span.start, span.end) == (5, 11)
    assert realigned.refused == [] and "moved from 0 to 5" in realigned.notes[0]


def test_label_studio_malformed_json_names_file_and_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n{"data": {"text": "x"}},\n{oops}\n]', encoding="utf-8")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [path], "label-studio")
        assert store.article_count() == 0
    assert summary.refused[0].startswith("bad.json line 3: not valid JSON")


def test_brat_folder_has_pairs_conf_and_lf_text(project, tmp_path):
    folder = tmp_path / "brat"
    summary = export(project, "brat", folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names[:3] == [".annotator-brat-export", "000001.ann", "000001.txt"] and "annotation.conf" in names
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "said_by\tArg1:" in conf and "[attributes]" in conf
    ann = (folder / "000004.ann").read_text(encoding="utf-8")
    text = (folder / "000004.txt").read_bytes().decode("utf-8")
    assert "\r" not in text
    quote = next(line for line in ann.splitlines() if line.startswith("T") and "quote" in line)
    assert ";" in quote.split("\t")[1]  # the line break is left out of a discontinuous span
    assert any("annotator" in line for line in summary.left_out)
    with pytest.raises(OutputRefused):  # names taken by an earlier export: asked, never silent
        export(project, "brat", folder)
    export(project, "brat", folder, replace=True)
    assert sorted(p.name for p in folder.iterdir()) == names


def test_brat_bad_offsets_name_the_line_and_store_nothing(tmp_path):
    (tmp_path / "d.txt").write_text("Lavrov spoke", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tactor 0 6\tLavrov\nT2\tactor 7 99\tspoke\n", encoding="utf-8")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [tmp_path], "brat")
        assert store.article_count() == 0
    assert summary.refused == ["d.ann line 2: offsets '7 99' are outside the text (length 12)"]


def test_brat_crlf_source_counts_crlf_as_one(tmp_path):
    (tmp_path / "d.txt").write_bytes("Line one\r\nLavrov 😀 spoke".encode())
    (tmp_path / "d.ann").write_text("T1\tactor 9 15\tLavrov\nA1\tNegated T1\n#1\tAnnotatorNotes T1\tok\n")
    with Store.open(tmp_path / "p.annotator") as store:
        import_paths(store, [tmp_path / "d.ann"], "brat")
        [span] = store.spans(store.article_ids()[0])
    assert (span.start, span.end, span.attributes, span.note) == (9, 15, {"Negated": True}, "ok")


def test_our_jsonl_relations_import_by_span_id(project, tmp_path):
    path = tmp_path / "ours.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "Lavrov said it",
                "spans": [
                    {"id": 5, "start": 0, "end": 6, "label": "actor"},
                    {"id": 9, "start": 7, "end": 14, "label": "quote"},
                ],
                "relations": [{"from": 9, "to": 5, "type": "said_by"}, {"from": 9, "to": 4, "type": "x"}],
            }
        ),
        encoding="utf-8",
    )
    with Store.open(tmp_path / "p.annotator") as store:
        summary = formats.import_paths(store, [path], "jsonl")
        assert store.article_count() == 0
    assert "relation 2" in summary.refused[0] and "no span with the id 4" in summary.refused[0]


def test_unknown_format_is_refused(project):
    with pytest.raises(ValueError, match="choose one of jsonl, csv"):
        export(project, "xml", io.StringIO())


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_label_studio_tasks_are_read_one_at_a_time_whatever_the_chunk(tmp_path, monkeypatch, chunk):
    from annotator.core.formats import label_studio
    from annotator.core.importers import ImportRefused

    monkeypatch.setattr(label_studio, "CHUNK", chunk)
    path = tmp_path / "tasks.json"
    tasks = [{"data": {"text": f"Task {n} says\n«hi» 😀"}, "id": n} for n in range(5)]
    path.write_text(" \n" + json.dumps(tasks, ensure_ascii=False, indent=1).replace("},", "} ,\n"), "utf-8")
    assert list(label_studio._tasks(path)) == tasks
    single = tmp_path / "one.json"
    single.write_text(json.dumps(tasks[0]), encoding="utf-8")
    assert list(label_studio._tasks(single)) == tasks[:1]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"data": {"text": "first"}},\n\n{"data": oops}]', encoding="utf-8")
    read = label_studio._tasks(broken)
    assert next(read) == {"data": {"text": "first"}}  # given before the rest of the file is parsed
    with pytest.raises(ImportRefused, match="line 3"):
        next(read)
    for text in ("[]", "[1] x", "[1 2]", "7", "", "[{}"):
        broken.write_text(text, encoding="utf-8")
        with pytest.raises(ImportRefused):
            list(label_studio._tasks(broken))


def test_the_command_line_starts_without_importing_a_format_module():
    """The registry names readers and writers; a format's module is imported when it is used
    (`annotator --help` imported all twelve, and xml.sax with urllib and email, before)."""
    code = (
        "import sys, annotator.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith(('annotator.core.formats.', 'xml.sax'))))\n"
        "from annotator.core.formats import FORMATS\n"
        "assert FORMATS['brat'].reader.__module__ == 'annotator.core.formats.brat'\n"
        "assert FORMATS['qdpx'].carries and 'annotator.core.formats.refi_qda' in sys.modules\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['annotator.core.formats.common']"
