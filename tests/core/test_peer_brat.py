"""brat files as brat's tutorial data, BioNLP corpora and DKPro's BratWriter write them (fixtures
written here from brat's standoff documentation), and the annotation.conf we write."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_formats import project  # noqa: F401  (the fixture)

from annotator.core.formats import export, import_paths
from annotator.core.model import NewArticle, NewSpan
from annotator.core.scheme import AttributeSpec
from annotator.core.store import Store

TEXT = (
    "Sony said on Monday that its chief executive, Kenichiro Yoshida, had resigned.\n"
    "The board did not confirm the resignation."
)
# Events with nested events as arguments, attributes (binary A, multi-valued M) and notes on
# events, a relation between events, an attribute and a note on a relation, a normalization, an
# equivalence, a lemma comment, a discontinuous span skipping text, DKPro's Governor/Dependent
# roles, and a second event on the same trigger repeating an argument.
EVENTS_ANN = """T1\tOrganization 0 4\tSony
T2\tPerson 46 63\tKenichiro Yoshida
T3\tSpeech 5 9\tsaid
E1\tSpeech:T3 Speaker:T1 Message:E2
T4\tResign 69 77\tresigned
E2\tResign:T4 Person:T2 Org:T1
T5\tResign 109 120\tresignation
E3\tResign:T5 Theme:E2
A1\tNegation E3
M2\tConfidence E1 High
#1\tAnnotatorNotes E2\tchecked against the press release
#2\tAnnotatorNotes T1\tSony Group Corporation
R1\tDependency Governor:T4 Dependent:T2
R2\tCoref Arg1:E3 Arg2:E2
A3\tCertainty R2 Likely
N1\tReference T2 Wikidata:Q123\tKenichiro Yoshida
T6\tPerson 29 44\tchief executive
*\tEquiv T2 T6
#3\tLemma T3\tsay
T7\tOrg 83 88;97 104\tboard confirm
#4\tAnnotatorNotes R1\ton a relation
E4\tSpeech:T3 Speaker:T1
"""


def pair(folder: Path, ann: str, text: str = TEXT, name: str = "doc") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder / f"{name}.ann"


def contents(store: Store) -> tuple[list, set]:
    """Spans in text order, and relations between the spans' texts."""
    [article_id] = store.article_ids()
    text = store.article(article_id).text
    spans = store.spans(article_id)
    name = {span.id: text[span.start : span.end] for span in spans}
    relations = {(name[r.from_span], name[r.to_span], r.type) for r in store.relations(article_id)}
    return [(s.start, s.end, s.label, s.attributes, s.note) for s in spans], relations


def test_events_attributes_notes_and_roles_are_kept_and_the_rest_reported(tmp_path):
    ann = pair(tmp_path / "brat", EVENTS_ANN)
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [ann], "brat")
        assert summary.refused == []
        spans, relations = contents(store)
    assert spans == [
        (0, 4, "Organization", {}, "Sony Group Corporation"),
        (5, 9, "Speech", {"Confidence": "High"}, "Lemma: say"),
        (29, 44, "Person", {}, ""),
        (46, 63, "Person", {}, "Reference Wikidata:Q123 (Kenichiro Yoshida)"),
        (69, 77, "Resign", {}, "checked against the press release"),
        (83, 88, "Org", {}, ""),
        (97, 104, "Org", {}, ""),
        (109, 120, "Resign", {"Negation": True}, ""),
    ]
    assert relations == {
        ("said", "Sony", "Speaker"), ("said", "resigned", "Message"),  # E1 (its message: the event E2)
        ("resigned", "Kenichiro Yoshida", "Person"), ("resigned", "Sony", "Org"),  # E2
        ("resignation", "resigned", "Theme"),  # E3
        ("resigned", "Kenichiro Yoshida", "Dependency"),  # DKPro's Governor/Dependent
        ("resignation", "resigned", "Coref"),  # a relation between two events
        ("Kenichiro Yoshida", "chief executive", "Equiv"),
        ("confirm", "board", "fragment"),  # the discontinuous span's second fragment
    }  # fmt: skip
    [line] = [n for n in summary.notes if n.startswith("doc.ann: ")]
    assert set(line.removeprefix("doc.ann: ").split("; ")) == {
        "4 event annotations kept as spans of their trigger",
        "5 event arguments kept as relations from the trigger",
        "1 repeated event argument kept once",
        "1 relation of events kept on the events' trigger spans",
        "2 attributes of events kept on their trigger spans",
        "1 comment of events kept on their trigger spans",
        "1 attribute on relations or other annotations left out",
        "1 comment on relations or other annotations left out",
        "1 normalization kept as span notes",
        "1 Lemma comment kept as span notes",
        "1 equivalence group kept as relations between their members",
        "1 discontinuous span kept as their fragments joined by 'fragment' relations",
    }
    assert "doc.ann line 15: left out (attributes on relations or other annotations)" in summary.notes


def test_dkpro_roles_alone(tmp_path):
    lines = "T1\tToken 0 4\tSony\nT2\tToken 5 9\tsaid\nR1\tDependency Governor:T2 Dependent:T1\n"
    ann = pair(tmp_path / "b", lines)
    with Store.open(tmp_path / "p.annotator") as store:
        assert import_paths(store, [ann], "brat").refused == []
        assert contents(store)[1] == {("said", "Sony", "Dependency")}


def test_a_discontinuous_span_whose_quote_differs_is_refused_but_left_out_with_realign(tmp_path):
    ann = pair(tmp_path / "b", "T1\tOrg 83 88;97 104\tboard agree\nT2\tOrganization 0 4\tSony\n")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [ann], "brat")
        assert store.article_count() == 0
        assert summary.refused == [
            "doc.ann line 1: the discontinuous span '83 88;97 104' quotes 'board agree', not its text"
        ]
        summary = import_paths(store, [ann], "brat", realign=True)
        assert summary.refused == []
        assert contents(store)[0] == [(0, 4, "Organization", {}, "")]
    assert summary.notes[-1] == (
        "doc.ann: 1 discontinuous span whose text differs from their quote (not realigned) left out"
    )


def test_realign_keeps_discontinuous_spans_that_match(tmp_path):
    ann = pair(tmp_path / "b", "T1\tOrg 83 88;97 104\tboard confirm\nT2\tDate 0 4\tMonday\n")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [ann], "brat", realign=True)
        assert summary.refused == []
        assert [s[:3] for s in contents(store)[0]] == [(13, 19, "Date"), (83, 88, "Org"), (97, 104, "Org")]
    assert summary.notes[0] == "doc.ann: line 2: moved from 0 to 13 to match 'Monday'"


def test_dangling_references_and_unknown_lines_leave_out_only_themselves(tmp_path):
    ann = pair(tmp_path / "b", "T1\tOrg 0 4\tSony\nR1\tOwns Arg1:T1 Arg2:T9\nX1\twhat is this\nA1\tBig T1\n")
    with Store.open(tmp_path / "p.annotator") as store:
        summary = import_paths(store, [ann], "brat")
        assert summary.refused == []
        assert contents(store) == ([(0, 4, "Org", {"Big": True}, "")], set())
    assert summary.notes == [
        "doc.ann line 3: not a brat annotation line, left out",
        "doc.ann line 2: left out (relations referring to annotations that were not kept)",
        "doc.ann: 1 unreadable line left out; "
        "1 relation referring to annotations that were not kept left out",
    ]


def test_conf_lists_the_schemes_values_and_free_text_attributes_travel_as_comments(project, tmp_path):  # noqa: F811
    folder = tmp_path / "brat"
    export(project, "brat", folder)
    conf = (folder / "annotation.conf").read_text(encoding="utf-8").splitlines()
    stance = next(line for line in conf if line.startswith("stance\t"))
    assert stance == "stance\tArg:claim, Value:neutral|opposes|supports"  # "neutral" is in no span
    frame = next(line for line in conf if line.startswith("frame\t"))
    assert "Value:" in frame and "Morality" in frame and "Political" in frame
    assert not any(line.startswith("normalised_name\t") for line in conf)  # free text: no enumeration
    assert "# free-text attributes, written as comments: normalised_name" in conf
    ann = (folder / "000001.ann").read_text(encoding="utf-8")
    assert "\tnormalised_name T1\tLavrov\n" in ann and "\tAnnotatorNotes T1\tFM\n" in ann
    assert "[entities]" in conf and "quote" in conf[: conf.index("")]


@pytest.mark.parametrize("kind", ["text", "choice"])
def test_free_text_attribute_without_the_conf_comes_back_as_a_note(tmp_path, kind):
    with Store.open(tmp_path / "p.annotator") as store:
        label = store.label("actor")
        if kind == "choice":  # a scheme attribute never used still reaches annotation.conf
            store.update_label(label.__class__(**{**label.__dict__, "attributes": (
                AttributeSpec("type", "choice", ("person", "state")),
            )}))  # fmt: skip
        span = NewSpan(0, 4, "actor", {"normalised_name": "Sony"})
        store.add_articles([NewArticle("t", TEXT, spans=(span,))])
        export(store, "brat", tmp_path / "out")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    if kind == "choice":
        assert "type\tArg:actor, Value:person|state" in conf
        assert "normalised_name\tArg:actor, Value:Sony" in conf  # not in the scheme: seen values
        return
    (tmp_path / "out" / "annotation.conf").unlink()
    with Store.open(tmp_path / "copy.annotator") as copy:
        import_paths(copy, [tmp_path / "out"], "brat")
        assert contents(copy)[0] == [(0, 4, "actor", {}, "normalised_name: Sony")]
