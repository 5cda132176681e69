"""doccano files whose offsets count UTF-16 units (an emoji as two, as JavaScript tools write
them) are told from those counting code points: such a record's spans are moved onto code points
and the import says so; a record that fits as code points is read as it is (QA pass: the spans
after an emoji landed one character off per emoji, or the file was refused)."""

from __future__ import annotations

import json

import pytest

from annotator.core.formats import import_paths
from annotator.core.store import Store

TEXT = "Fans 😀😀 cheered. Lavrov 🇷🇺 said the talks failed."


def utf16(text: str, start: int, end: int) -> tuple[int, int]:
    def units(cp: int) -> int:
        return len(text[:cp].encode("utf-16-le")) // 2

    return units(start), units(end)


def spans_of(tmp_path, records, **options):
    path = tmp_path / "doccano.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with Store.open(tmp_path / "p.annotator", "ana") as store:
        summary = import_paths(store, [path], "doccano", **options)
        found = [
            [(store.article(a).text[s.start : s.end], s.label) for s in store.spans(a)]
            for a in store.article_ids()
        ]
    return found, summary


def where(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.rindex(word) if word == "😀😀" else text.index(word)
    return start, start + len(word)


@pytest.mark.parametrize("shape", ["label", "entities"])
def test_utf16_offsets_past_the_end_in_code_points_are_moved_onto_code_points_with_a_notice(tmp_path, shape):
    text = TEXT + " 😀😀😀"
    words = [("Lavrov", "actor"), ("said the talks failed", "claim"), ("😀😀", "claim")]
    ranges = [(*utf16(text, *where(word, text)), label) for word, label in words]
    if shape == "label":
        record = {"text": text, "label": [list(r) for r in ranges]}
    else:
        entities = [
            {"id": i, "label": label, "start_offset": s, "end_offset": e}
            for i, (s, e, label) in enumerate(ranges)
        ]
        record = {"text": text, "entities": entities, "relations": []}
    found, summary = spans_of(tmp_path, [record])
    assert summary.refused == []
    assert sorted(found[0]) == sorted(words)
    assert any("UTF-16" in note and "moved onto code points" in note for note in summary.notes)


def test_utf16_offsets_that_also_fit_as_code_points_are_read_as_such_with_a_warning(tmp_path):
    words = [("Lavrov", "actor"), ("cheered", "claim")]
    record = {"text": TEXT, "label": [[*utf16(TEXT, *where(word)), label] for word, label in words]}
    found, summary = spans_of(tmp_path, [record])
    assert summary.refused == [] and len(found[0]) == 2
    assert any("may count UTF-16 units" in note for note in summary.notes)


def test_code_point_offsets_stay_as_they_are(tmp_path):
    words = [("Lavrov", "actor"), ("said the talks failed", "claim")]
    record = {"text": TEXT, "label": [[*where(word), label] for word, label in words]}
    found, summary = spans_of(tmp_path, [record])
    assert sorted(found[0]) == sorted(words)
    assert not any("UTF-16" in note for note in summary.notes)


def test_a_span_text_field_decides(tmp_path):
    start, end = utf16(TEXT, *where("Lavrov"))
    record = {
        "text": TEXT,
        "entities": [{"id": 1, "label": "actor", "start_offset": start, "end_offset": end, "text": "Lavrov"}],
    }
    found, summary = spans_of(tmp_path, [record])
    assert found == [[("Lavrov", "actor")]]
    assert any("UTF-16" in note for note in summary.notes)


def test_a_span_past_the_text_in_code_points_but_inside_in_utf16_units(tmp_path):
    text = "Victory 🎉🎉🎉 ends here"
    start, end = utf16(text, text.index("here"), len(text))
    assert end > len(text)
    found, summary = spans_of(tmp_path, [{"text": text, "label": [[start, end, "claim"]]}])
    assert found == [[("here", "claim")]]


def test_offsets_that_fit_neither_way_refuse_the_file_naming_the_span(tmp_path):
    text = "Short 😀 text"
    found, summary = spans_of(tmp_path, [{"text": text, "label": [[2, 40, "claim"]]}])
    assert found == [] and "outside the text" in summary.refused[0]


def test_an_edge_inside_an_emoji_in_utf16_units_is_not_taken_for_utf16(tmp_path):
    text = "A 😀 b c d"
    # as UTF-16 units 3 would cut the emoji in two: these are code points (" b" edges fit words)
    found, summary = spans_of(tmp_path, [{"text": text, "label": [[3, 5, "claim"]]}])
    assert found == [[(" b", "claim")]] and not any("UTF-16" in note for note in summary.notes)
