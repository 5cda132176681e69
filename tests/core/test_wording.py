from annotator.core.wording import count, count_of, matches


def test_one_is_singular_and_every_other_count_plural():
    assert count(1, "span") == "1 span" and count(0, "span") == "0 spans"
    assert matches(1, "article") == "1 article matches" and matches(3, "article") == "3 articles match"


def test_a_phrase_counts_one_in_the_singular():
    assert count_of(1, "codes of a codebook kept as labels") == "1 code of a codebook kept as labels"
    assert count_of(1, "discontinuous spans (joined)") == "1 discontinuous span (joined)"
    assert count_of(1, "article statuses") == "1 article status"
    assert count_of(1, "article metadata") == "1 article metadata"
    assert count_of(2000, "codes") == "2,000 codes"
