"""doccano files whose offsets count UTF-16 units (an emoji as two, as JavaScript tools write
them) are told from those counting code points: such a record's spans are moved onto code points
and the import says so; a record that fits as code points is read as it is (QA pass: the spans
after an emoji landed one character off per emoji, or the file was refused)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.formats import import_paths
from annotator.core.formats.utf16 import as_code_points
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


def plain_reading(record: dict, text: str) -> tuple[dict | None, bool]:
    """as_code_points as its docstring says it, by mapping every span through a table of every
    UTF-16 offset (no shortcut), to check the shortcuts against."""
    shapes = {"label": (0, 1), "entities": ("start_offset", "end_offset")}
    found = [
        (key, index, item[first], item[last], item.get("text") if key == "entities" else None)
        for key, (first, last) in shapes.items()
        for index, item in enumerate(record.get(key, []))
    ]
    if not found or all(ord(c) <= 0xFFFF for c in text):
        return None, False

    def cuts(start: int, end: int) -> bool:
        return any(0 < e < len(text) and text[e - 1].isalnum() and text[e].isalnum() for e in (start, end))

    fits = all(0 <= s < e <= len(text) and q in (None, text[s:e]) for _, _, s, e, q in found)
    if fits and not any(cuts(s, e) for _, _, s, e, _ in found):
        return None, False
    code_point_of, unit = {}, 0
    for index, character in enumerate(text):
        code_point_of[unit] = index
        unit += 2 if ord(character) > 0xFFFF else 1
    code_point_of[unit] = len(text)
    moved = copy.deepcopy(record)
    for key, index, start, end, quoted in found:
        if start >= end or start not in code_point_of or end not in code_point_of:
            return None, False
        first, last = code_point_of[start], code_point_of[end]
        if quoted not in (None, text[first:last]) or (fits and cuts(first, last)):
            return None, False
        if key == "label":
            moved[key][index][:2] = [first, last]
        else:
            moved[key][index] |= {"start_offset": first, "end_offset": last}
    return (None, True) if fits else (moved, False)


WORDS = ["Lavrov", "said", "café", "Лавров", "قال", "😀", "🇺🇦", "𝔘𝔘", "a1", "x😀y"]
SEPARATORS = [" ", " ", ". ", "\r\n", "\n", ""]


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=25),
    picks=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.booleans()), min_size=1, max_size=6),
    units=st.sampled_from(["code points", "UTF-16", "UTF-16", "as drawn"]),
    shape=st.sampled_from(["label", "entities"]),
)
def test_the_utf16_check_answers_as_a_plain_reading_of_every_span(words, picks, units, shape):
    """Spans from word edge to word edge in code points or UTF-16 units, or anywhere, against
    texts of words with emoji, RTL, CRLF: the check's shortcuts change no answer."""
    text = "".join(word + separator for word, separator in words)
    edges = sorted({0, len(text)} | set(_word_edges(words)))
    ranges = []
    for a, b, quote in picks:
        if units == "as drawn":
            start, end = sorted((a % (len(text) + 2), b % (len(text) + 2)))
        else:
            start, end = sorted((edges[a % len(edges)], edges[b % len(edges)]))
        if units == "UTF-16":
            start, end = utf16(text, start, end)
        ranges.append((start, end, text[start:end] if quote else None))
    if shape == "label":
        record = {"text": text, "label": [[s, e, "claim"] for s, e, _ in ranges]}
    else:
        record = {
            "text": text,
            "entities": [
                {"id": i, "label": "claim", "start_offset": s, "end_offset": e, **({"text": q} if q else {})}
                for i, (s, e, q) in enumerate(ranges)
            ],
        }
    assert as_code_points(copy.deepcopy(record), text) == plain_reading(record, text)


def _word_edges(words: list[tuple[str, str]]) -> list[int]:
    """Code point offsets where each word starts and ends."""
    edges, at = [], 0
    for word, separator in words:
        edges += [at, at + len(word)]
        at += len(word) + len(separator)
    return edges
