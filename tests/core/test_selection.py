"""Sentence and quotation helpers, on the marks of many languages."""

from __future__ import annotations

import pytest

from annotator.core.selection import quote_bounds, sentence_bounds


def grow(text: str, inside: str, helper=quote_bounds) -> str | None:
    at = text.index(inside)
    found = helper(text, at, at + len(inside))
    return None if found is None else text[found[0] : found[1]]


@pytest.mark.parametrize(
    ("text", "inside", "quote"),
    [
        ("He said “we stand firm” today.", "stand", "“we stand firm”"),
        ("Er sagte „wir bleiben“ heute.", "bleiben", "„wir bleiben“"),
        ("Powiedział „zostajemy” dziś.", "zostajemy", "„zostajemy”"),
        ("Il a dit « nous restons » hier.", "restons", "« nous restons »"),
        ("Han sagde »vi bliver« i dag.", "bliver", "»vi bliver«"),
        ("Er sagte ‹ja› und ging.", "ja", "‹ja›"),
        ("彼は「我々は残る」と述べた。", "残る", "「我々は残る」"),
        ('He said "we don\'t move" twice.', "move", '"we don\'t move"'),
        ("She said 'we won't go' then.", "go", "'we won't go'"),
        ("Il a dit « l’État ne cède pas » hier.", "cède", "« l’État ne cède pas »"),
    ],
)
def test_quotation_around_a_word(text, inside, quote):
    assert grow(text, inside) == quote


def test_pressing_again_grows_to_the_outer_quotation():
    text = "He said “they told us ‘no’ twice” and left."
    assert grow(text, "no") == "‘no’"
    assert grow(text, "‘no’") == "“they told us ‘no’ twice”"
    assert grow(text, "“they told us ‘no’ twice”") is None


def test_no_quotation_and_unclosed_marks():
    assert grow("Nothing quoted here.", "quoted") is None
    assert grow("«Unclosed and “inner” words", "inner") == "“inner”"
    assert grow("“First” line\nsecond” line", "second") is None  # never across a line break


def test_a_caret_inside_a_quotation_selects_it():
    text = "A «quoted» word"
    at = text.index("uot")
    assert quote_bounds(text, at, at) == (text.index("«"), text.index("»") + 1)


@pytest.mark.parametrize(
    ("text", "inside", "sentence"),
    [
        ("First one. The second sentence here! Third?", "second", "The second sentence here!"),
        ("He said: “We stay.” Then left.", "stay", "He said: “We stay.”"),
        ("一つ目。二つ目の文です。三つ目", "二つ目", "二つ目の文です。"),
        ("No end mark at all", "end", "No end mark at all"),
        ("Para one ends.\nPara two starts here", "two", "Para two starts here"),
    ],
)
def test_sentence_around_a_word(text, inside, sentence):
    assert grow(text, inside, sentence_bounds) == sentence


def test_sentence_covers_a_selection_across_two_sentences():
    text = "One two. Three four. Five."
    at = text.index("two")
    assert sentence_bounds(text, at, text.index("four") + 2) == (0, text.index("four.") + 5)
    assert sentence_bounds("\n\n", 1, 1) is None
