"""Annotator names are one line of visible text: a typed or passed name with a tab, line break
or control character, or a blank one, is refused before anything is stored; a name read from a
file is cleaned and the import says so (QA pass: such names broke the annotators table and
exports)."""

from __future__ import annotations

import json

import pytest

from annotator.core.errors import NameRefused
from annotator.core.formats import export, import_paths
from annotator.core.identity import checked_name, cleaned_name
from annotator.core.store import Store

BAD = ["", "   ", "Ana\tLima", "Ana\nLima", "Ana\rLima", "\x07bell", "Ana\u2028Lima", "Ana\x85Lima", "\x00"]


@pytest.mark.parametrize("name", BAD)
def test_a_bad_name_is_refused_before_the_project_is_created_or_touched(tmp_path, name):
    with pytest.raises(NameRefused):
        Store.open(tmp_path / "new.annotator", name)
    assert not list(tmp_path.iterdir())
    with Store.open(tmp_path / "p.annotator", "ana") as store:
        with pytest.raises(NameRefused):
            store.set_annotator(name)
        assert store.annotator == "ana" and list(store.annotators()) == ["ana"]


@pytest.mark.parametrize("name", ["Ana Lima", "  Ana Lima ", "Žofie Nováková", "مريم", "李雷", "Ana 👩‍💻"])
def test_good_names_are_kept_without_surrounding_spaces(name):
    assert checked_name(name) == name.strip()


def test_names_from_a_file_are_cleaned_and_reported(tmp_path):
    record = {
        "title": "T",
        "text": "Lavrov said hello there.",
        "spans": [
            {"start": 0, "end": 6, "label": "actor", "annotator": "Ana\tLima\n"},
            {"start": 7, "end": 11, "label": "claim", "annotator": "   "},
            {"start": 12, "end": 17, "label": "claim", "annotator": "Bo\u2028Chen"},
        ],
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.annotator", "ana") as store:
        summary = import_paths(store, [path])
        assert summary.refused == [] and summary.spans == 3
        assert sorted(store.annotators()) == ["Ana Lima", "Bo Chen", "ana"]
        spans = store.spans(store.article_ids()[0])
        assert [span.annotator for span in spans] == ["Ana Lima", "ana", "Bo Chen"]
        out = tmp_path / "out.csv"
        export(store, "csv", out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4  # a header and one line per span
    notes = "\n".join(summary.notes)
    assert "'Ana\\tLima\\n'" in notes and "'Ana Lima'" in notes and "blank" in notes


def test_a_record_adding_to_a_stored_text_cleans_its_names_too(tmp_path):
    text = "Lavrov said hello there."
    lines = [
        {"title": "T", "text": text, "spans": [{"start": 0, "end": 6, "label": "actor", "annotator": who}]}
        for who in ("ana", "bo\t")
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with Store.open(tmp_path / "p.annotator", "ana") as store:
        import_paths(store, [path])
        assert sorted(store.annotators()) == ["ana", "bo"]


def test_cleaning_keeps_good_names_as_they_are():
    assert cleaned_name("Ana  Lima") == "Ana  Lima"
    assert cleaned_name(" Ana \t Lima\r\n") == "Ana Lima"
    assert cleaned_name("\t\n") == ""
