"""WebAnno/INCEpTION TSV files in the shapes INCEpTION writes and its test suite reads (fixtures
written here from the format's documentation), and our TSV read by INCEpTION's rules."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.core.formats import export, import_paths
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import Utf16Map
from annotator.core.store import Store

POS = "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS"
DEP = "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"


def tsv(tmp_path: Path, body: str, name: str = "doc.tsv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def imported(tmp_path: Path, path: Path):
    """(text, spans as (text, label, attributes), relations as (from text, to text, type), report)."""
    with Store.open(tmp_path / f"{path.stem}.annotator") as store:
        summary = import_paths(store, [path], "webanno")
        assert summary.refused == [], summary.refused
        [article_id] = store.article_ids()
        text = store.article(article_id).text
        spans = store.spans(article_id)
        name = {s.id: text[s.start : s.end] for s in spans}
        relations = {(name[r.from_span], name[r.to_span], r.type) for r in store.relations(article_id)}
    report = next((line.split(": ", 1)[1] for line in summary.notes if line.startswith(f"{path.name}: ")), "")
    return text, [(text[s.start : s.end], s.label, s.attributes) for s in spans], relations, report


def test_inception_dependencies_with_a_root_relation_import(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        f"#T_SP={POS}|PosValue|coarseValue\n"
        f"#T_RL={DEP}|DependencyType|flavor|BT_{POS}\n\n\n"
        "#Text=Sony resigned .\n"
        "1-1\t0-4\tSony\tNNP\tPROPN\tnsubj\tbasic\t1-2\t\n"
        "1-2\t5-13\tresigned\tVBD\tVERB\tROOT\tbasic\t1-2\t\n"
        "1-3\t14-15\t.\tPUNCT\tPUNCT\tpunct\t*\t1-2\t\n"
    ))  # fmt: skip
    text, spans, relations, report = imported(tmp_path, path)
    assert text == "Sony resigned ."
    assert spans == [
        ("Sony", "NNP", {"coarseValue": "PROPN"}),
        ("resigned", "VBD", {"coarseValue": "VERB"}),
        (".", "PUNCT", {"coarseValue": "PUNCT"}),
    ]
    assert relations == {("resigned", "Sony", "nsubj"), ("resigned", ".", "punct")}
    assert report == (
        "2 relation features beyond the first left out; "
        "1 relation from a span to itself (ROOT dependencies) left out"
    )


def test_multi_line_text_escapes_emoji_and_sentence_gaps_follow_inceptions_reading(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=webanno.custom.Span|value\n\n\n"
        "#Text=Tab\\there 😀 \\\\o/\n"
        "#Text=next line\n"
        "1-1\t0-3\tTab\tORG\t\n"
        "1-2\t4-8\there\t_\t\n"
        "1-3\t9-11\t😀\tEMO\t\n"
        "1-4\t12-15\t\\\\o/\t_\t\n"
        "1-5\t16-20\tnext\t*[1]\t\n"
        "1-6\t21-25\tline\t*[1]\t\n\n"
        "#Text=Again\n"
        "2-1\t27-32\tAgain\t_\t\n"
    ))  # fmt: skip
    text, spans, relations, report = imported(tmp_path, path)
    assert text == "Tab\there 😀 \\o/\nnext line\n Again"  # a space fills the gap, as INCEpTION does
    assert spans == [("Tab", "ORG", {}), ("😀", "EMO", {}), ("next line", "Span", {})]
    assert relations == set() and report == ""


def test_zero_length_spans_and_relations_on_sub_token_units(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=webanno.custom.Span|value\n"
        "#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span\n\n\n"
        "#Text=Test again\n"
        "1-1\t0-4\tTest\t_\t_\t_\t\n"
        "1-1.1\t0-1\tT\tOTH\t_\t_\t\n"
        "1-1.2\t4-4\t\t*\t_\t_\t\n"
        "1-2\t5-10\tagain\tOTH\t*\t1-1.1\t\n"
    ))  # fmt: skip
    text, spans, relations, report = imported(tmp_path, path)
    assert spans == [("T", "OTH", {}), ("again", "OTH", {})]
    assert relations == {("T", "again", "Relation")}
    assert report == "1 zero-length span left out (no text to mark)"


def test_relations_on_the_token_layer_keep_their_tokens_as_spans(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        f"#T_RL=webanno.custom.Relation|value|BT_{TOKEN}\n\n\n"
        "#Text=This is a test .\n"
        "1-1\t0-4\tThis\t_\t_\t\n1-2\t5-7\tis\t_\t_\t\n1-3\t8-9\ta\t_\t_\t\n"
        "1-4\t10-14\ttest\t_\t_\t\n1-5\t15-16\t.\tlinks\t1-1\t\n"
    ))  # fmt: skip
    _, spans, relations, report = imported(tmp_path, path)
    assert spans == [("This", "Token", {}), (".", "Token", {})]
    assert relations == {("This", ".", "links")}
    assert report == "2 tokens joined by relations kept as spans labelled with their layer"


def test_slot_features_become_relations_not_a_label_p1_p2(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=webanno.custom.SimpleSpan|\n"
        "#T_SP=webanno.custom.SimpleLinkHost|ROLE_webanno.custom.SimpleLinkHost:links_"
        "webanno.custom.LinkType|webanno.custom.SimpleSpan\n\n\n"
        "#Text=This is a test .\n"
        "1-1\t0-4\tThis\t_\tp1;p2\t1-2[1];1-4[2]\t\n"
        "1-2\t5-7\tis\t*[1]\t_\t_\t\n1-3\t8-9\ta\t*[1]\t_\t_\t\n"
        "1-4\t10-14\ttest\t*[2]\t_\t_\t\n1-5\t15-16\t.\t*[2]\t_\t_\t\n"
    ))  # fmt: skip
    _, spans, relations, report = imported(tmp_path, path)
    assert spans == [("This", "SimpleLinkHost", {}), ("is a", "SimpleSpan", {}), ("test .", "SimpleSpan", {})]
    assert relations == {("This", "is a", "p1"), ("This", "test .", "p2")}
    assert report == "2 slot features kept as relations from their span to each filler"


def test_chains_become_spans_linked_in_order(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_CH=webanno.custom.SimpleLink|referenceRelation|referenceType\n\n\n"
        "#Text=This is a test .\n"
        "1-1\t0-4\tThis\t*->1-1\t*[1]\t\n1-2\t5-7\tis\tcoref->1-2\t*[1]\t\n1-3\t8-9\ta\t*->1-3\t*[1]\t\n"
        "1-4\t10-14\ttest\t_\t_\t\n1-5\t15-16\t.\t_\t_\t\n"
    ))  # fmt: skip
    _, spans, relations, report = imported(tmp_path, path)
    assert [s[:2] for s in spans] == [("This", "SimpleLink"), ("is", "SimpleLink"), ("a", "SimpleLink")]
    assert relations == {("This", "is", "next"), ("is", "a", "coref")}
    assert report == "1 chain kept as spans linked in order"


def test_tsv2_files_import(tmp_path):
    path = tsv(tmp_path, (
        "#FORMAT=WebAnno TSV 2\n"
        " # de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value"
        f" # {DEP}|DependencyType|AttachTo={POS} \n\n"
        "#id=1\n#text=Sony said it .\n"
        "1-1\tSony\tB-ORG\tnsubj\t1-2\n"
        "1-2\tsaid\tO\tROOT\t1-2\n"
        "1-3\tit\tO\tdobj\t1-2\n\n"
        "#id=2\n#text=Kenichiro Yoshida left\n"
        "2-1\tKenichiro\tB-PER\t_\t_\n2-2\tYoshida\tI-PER\t_\t_\n2-3\tleft\tO\t_\t_\n"
    ))  # fmt: skip
    text, spans, relations, report = imported(tmp_path, path)
    assert text == "Sony said it\nKenichiro Yoshida left"
    assert [s[:2] for s in spans] == [
        ("Sony", "ORG"),
        ("Sony", "POS"),
        ("said", "POS"),
        ("it", "POS"),
        ("Kenichiro Yoshida", "PER"),
    ]
    assert relations == {("said", "Sony", "nsubj"), ("said", "it", "dobj")}
    assert "1 relation from a token to itself (ROOT) or to no token left out" in report
    assert "1 TSV 2 file read with their tokens joined by spaces" in report


def inception_text(lines: list[str]) -> str:
    """The document text INCEpTION's TSV 3 reader builds (its documented rules, re-stated)."""
    text, sentence = "", ""
    for line in lines[1:]:
        if line.startswith("#Text="):
            sentence += re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)),
                               line[6:]) + "\n"  # fmt: skip
        elif line and not line.startswith("#") and sentence:
            begin = int(line.split("\t")[1].split("-")[0])
            length = len(text.encode("utf-16-le")) // 2
            if length > begin:
                assert length == begin + 1 and text.endswith("\n")
                text = text[:-1]
            text += " " * (begin - len(text.encode("utf-16-le")) // 2) + sentence
            sentence = ""
    return text


def test_our_tsv_puts_every_token_where_inception_reads_it(tmp_path):
    text = "  Indented line with\ttab\n\n\tTabbed 😀 start\nLast  \n"
    spans = tuple(NewSpan(text.index(w), text.index(w) + len(w), label)
                  for w, label in (("Indented", "actor"), ("Tabbed", "claim"), ("tab", "quote")))  # fmt: skip
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("t", text, spans=spans, relations=(NewRelation(1, 0, "said_by"),))])
        summary = export(store, "webanno", tmp_path / "out")
    lines = (tmp_path / "out" / "000001.tsv").read_text(encoding="utf-8").split("\n")
    rebuilt = inception_text(lines)
    utf16 = Utf16Map(rebuilt)
    tokens = [line.split("\t") for line in lines if re.match(r"^\d+-\d+\t", line)]
    for cells in tokens:
        begin, end = (int(x) for x in cells[1].split("-"))
        assert rebuilt[utf16.to_code_point(begin) : utf16.to_code_point(end)] == cells[2].replace("\\t", "\t")
    assert (
        rebuilt == "  Indented line with\ttab\n\n Tabbed 😀 start\nLast  \n\n"
    )  # only the line-start tab differs
    assert any("1 line start with tabs" in line for line in summary.left_out)
    with Store.open(tmp_path / "copy.annotator") as copy:
        import_paths(copy, [tmp_path / "out"], "webanno")
        [article_id] = copy.article_ids()
        back = copy.article(article_id).text
        assert [back[s.start : s.end] for s in copy.spans(article_id)] == ["Indented", "tab", "Tabbed"]
        assert len(copy.relations(article_id)) == 1
