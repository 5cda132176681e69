from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.offsets import Utf16Map, normalise_newlines, utf16_length

TRICKY = st.sampled_from(
    ["a", " ", "😀", "🇺🇦", "e\u0301", "שלום", "مرحبا", "\u2028", "\n", "\r\n", "\r", "Ж"]
)
texts = st.lists(st.one_of(TRICKY, st.text(max_size=3)), max_size=30).map("".join)


def units_before(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


@given(texts, st.data())
def test_utf16_round_trip(text, data):
    mapping = Utf16Map(text)
    cp = data.draw(st.integers(0, len(text)))
    unit = mapping.to_utf16(cp)
    assert unit == units_before(text, cp)
    assert mapping.to_code_point(unit) == cp
    assert utf16_length(text) == units_before(text, len(text))


def test_inside_surrogate_pair_rounds_down_or_up():
    mapping = Utf16Map("a😀b")
    assert mapping.to_code_point(2) == 1
    assert mapping.to_code_point(2, round_up=True) == 2
    assert mapping.to_code_point(3) == 2


@given(texts, st.data())
def test_newline_normalisation_keeps_slices(text, data):
    canonical, to_canonical = normalise_newlines(text)
    assert "\r" not in canonical
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = text[start:end].replace("\r\n", "\n").replace("\r", "\n")
    got = canonical[to_canonical(start) : to_canonical(end)]
    # A range that cuts a CRLF pair in half keeps only the LF it maps to.
    if not (text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n"):
        assert got == expected
