"""The recommenders as pure functions: text in, suggestions out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.model import Article
from annotator.core.suggest import NAMES, Context, Known, actors, learned, quotes, registry, repeat, run


def _quotes(text: str) -> list[tuple[str, str | None]]:
    """(quoted text, speaker text) per suggested quote."""
    found = quotes.suggest(Article(0, "", text), Context())
    result = []
    for s in found:
        if s.label == "quote":
            speaker = text[s.speaker[0] : s.speaker[1]] if s.speaker else None
            result.append((text[s.start : s.end], speaker))
    return result


def test_a_split_quote_with_a_pronoun_is_two_quotes_by_the_named_speaker():
    text = 'Asked about the deal, Maria Lopez was firm. "We will not sign," she said. "Not today."'
    assert _quotes(text) == [("We will not sign", "Maria Lopez"), ("Not today.", "Maria Lopez")]


def test_a_frame_before_the_quote_names_the_speaker():
    text = "Olaf Scholz sagte: „Wir halten die Schuldenbremse ein.“ Der Rest ist Streit."
    assert _quotes(text) == [("Wir halten die Schuldenbremse ein.", "Olaf Scholz")]


def test_according_to_and_its_kin_in_other_languages():
    assert _quotes("Selon Laurent Berger, « le gouvernement n'a écouté personne ».") == [
        ("le gouvernement n'a écouté personne", "Laurent Berger")
    ]
    assert _quotes("По словам Лаврова, «мяч находится на стороне Вашингтона».") == [
        ("мяч находится на стороне Вашингтона", "Лаврова")
    ]


def test_an_inverted_frame_after_the_quote():
    assert _quotes("«Мы никогда не отказывались от диалога», — сказал Сергей Лавров журналистам.") == [
        ("Мы никогда не отказывались от диалога", "Сергей Лавров")
    ]
    assert _quotes('"Es una ley para la convivencia", afirmó Pedro Sánchez en el Congreso.') == [
        ("Es una ley para la convivencia", "Pedro Sánchez")
    ]


def test_scare_quotes_and_titles_are_not_quotations():
    text = (
        'The minister called the plan "fiscal fantasy". The report, titled "Tight Margins, Hard '
        'Choices", was published by the so-called "expert group". Le film « Les Misérables » a plu.'
    )
    assert _quotes(text) == []


def test_a_quotation_over_two_paragraphs_is_one_span():
    text = 'Union leader Mick Lynch spoke to the BBC. "Our members are tired.\n"They want a deal."'
    assert _quotes(text) == [('Our members are tired.\n"They want a deal.', "Mick Lynch")]


def test_apostrophes_do_not_open_quotations():
    text = "Lavrov’s aides don’t agree. ‘We are ready,’ Sergey Lavrov said. It's the workers' day."
    assert _quotes(text) == [("We are ready", "Sergey Lavrov")]


def test_japanese_corner_brackets():
    text = "岸田文雄首相は記者会見で「賃上げを広げたい」と述べた。"
    assert _quotes(text) == [("賃上げを広げたい", "岸田文雄")]


def test_the_speaker_is_suggested_as_an_actor_with_the_full_name():
    text = 'Sergey Lavrov arrived. "We are patient," Lavrov told reporters.'
    found = quotes.suggest(Article(0, "", text), Context())
    actor = next(s for s in found if s.label == "actor")
    assert text[actor.start : actor.end] == "Lavrov"
    assert actor.attributes["normalised_name"] == "Sergey Lavrov"
    quote = next(s for s in found if s.label == "quote")
    assert quote.speaker == (actor.start, actor.end)


def test_a_speaker_after_several_titles_is_named_without_them():
    text = 'Russian Foreign Minister Sergey Lavrov arrived. "We are patient," Lavrov told reporters.'
    found = quotes.suggest(Article(0, "", text), Context())
    actor = next(s for s in found if s.label == "actor")
    assert actor.attributes["normalised_name"] == "Sergey Lavrov"


def test_a_speaker_already_tagged_is_linked_not_suggested_again():
    text = 'Sergey Lavrov arrived. "We are patient," Lavrov told reporters.'
    tagged = Known(text.index("Lavrov told"), text.index("Lavrov told") + 6, "actor")
    found = quotes.suggest(Article(0, "", text), Context(spans=(tagged,)))
    assert [s.label for s in found] == ["quote"]
    assert found[0].speaker == (tagged.start, tagged.end)


def _actors(text: str, tagged: list[tuple[str, str]], project=None) -> list[tuple[str, str]]:
    spans = []
    for surface, normalised in tagged:
        start = text.index(surface)
        spans.append(Known(start, start + len(surface), "actor", {"normalised_name": normalised}))
    context = Context(spans=tuple(spans), actors=project or {})
    found = actors.suggest(Article(0, "", text), context)
    return [(text[s.start : s.end], s.attributes["normalised_name"]) for s in found]


def test_actor_variants_possessives_and_case():
    text = "Sergey Lavrov spoke. Lavrov’s aides and LAVROV himself; lavrov is no name here. Lavrov's."
    assert _actors(text, [("Sergey Lavrov", "Sergey Lavrov")]) == [
        ("Lavrov", "Sergey Lavrov"),
        ("LAVROV", "Sergey Lavrov"),
        ("Lavrov", "Sergey Lavrov"),
    ]


def test_actor_acronyms_inflections_and_particles():
    text = "The Institute for Fiscal Studies warned. The IFS said so. ifs and buts."
    assert _actors(text, [("Institute for Fiscal Studies", "Institute for Fiscal Studies")]) == [
        ("IFS", "Institute for Fiscal Studies")
    ]
    text = "Сергей Лавров прибыл. По словам Лаврова, всё хорошо."
    assert _actors(text, [("Сергей Лавров", "Сергей Лавров")]) == [("Лаврова", "Сергей Лавров")]
    text = "Ursula von der Leyen spoke. Von der Leyen and Scholz met; Scholz' and Scholzs plans."
    found = _actors(text, [("Ursula von der Leyen", "Ursula von der Leyen"), ("Scholz", "Olaf Scholz")])
    assert ("Von der Leyen", "Ursula von der Leyen") in found
    assert found.count(("Scholz", "Olaf Scholz")) == 2  # the tagged one is not suggested again


def test_an_organisation_is_not_found_by_its_last_word():
    text = "The Conservative Party met. The party of the Party people."
    assert _actors(text, [("Conservative Party", "Conservative Party")]) == []


def test_project_actors_are_found_in_an_untagged_article():
    text = "Later, Blinken left for Paris."
    project = {"Antony Blinken": ("Antony Blinken", "person")}
    assert _actors(text, [], project) == [("Blinken", "Antony Blinken")]


def test_a_piece_of_a_longer_name_is_not_an_actor_mention():
    text = (
        "Lavrov visited North Korea on Saturday. He warned the United States, South Korea and Japan "
        "against an alliance targeting North Korea’s programme. The South Korea-Japan talks went on."
    )
    assert _actors(text, [("North Korea", "North Korea")]) == [("North Korea", "North Korea")]
    text = "Kim spoke first. Then Kim Jong Un and Kim Yo Jong met Kim’s guests."
    assert _actors(text, [("Kim", "Kim Jong Un")]) == [("Kim Jong Un", "Kim Jong Un"), ("Kim", "Kim Jong Un")]
    text = "New York sued. The New York Times reported that New York would appeal."
    assert _actors(text, [("New York", "New York")]) == [("New York", "New York")]


def test_titles_and_sentence_openers_do_not_make_a_name_longer():
    text = (
        "Sergey Lavrov arrived. Russian Foreign Minister Sergey Lavrov said so. Later Lavrov left; "
        "Sergei Lavrov is another spelling."
    )
    assert _actors(text, [("Sergey Lavrov", "Sergey Lavrov")]) == [
        ("Sergey Lavrov", "Sergey Lavrov"),
        ("Lavrov", "Sergey Lavrov"),
    ]


def test_repeat_skips_a_string_inside_a_longer_name():
    text = "Korea and Japan. South Korea and North Korea. Korea’s south."
    found = repeat.suggest(Article(0, "", text), Context(tagged={("Korea", "actor"): (2, 0)}))
    assert [s.start for s in found] == [0, text.index("Korea’s")]


def test_repeat_learns_from_accepts_and_rejects():
    text = "Gazprom and Gazprom again."
    article = Article(0, "", text)
    liked = repeat.suggest(article, Context(tagged={("Gazprom", "actor"): (3, 1)}))
    assert [(s.start, s.label, s.score) for s in liked] == [(0, "actor", 0.667), (12, "actor", 0.667)]
    assert repeat.suggest(article, Context(tagged={("Gazprom", "actor"): (1, 2)})) == []
    tagged = Known(0, 7, "actor")
    again = repeat.suggest(article, Context(spans=(tagged,), tagged={("Gazprom", "actor"): (1, 0)}))
    assert [s.start for s in again] == [12]


def test_learned_suggests_claims_from_the_projects_own_spans():
    pytest.importorskip("sklearn")
    examples = [(f"Unemployment rose by {n} percent last year.", "claim") for n in range(8)]
    examples += [(f"The weather in town number {n} was nice.", learned.NONE) for n in range(8)]
    model = learned.train(examples)
    text = "Unemployment rose by 9 percent last year. The weather in town number 9 was nice."
    found = learned.suggest(Article(0, "", text), Context(model=model))
    assert [(text[s.start : s.end], s.label) for s in found] == [
        ("Unemployment rose by 9 percent last year.", "claim")
    ]
    assert learned.train(examples[:3]) is None  # too little to learn from
    assert learned.suggest(Article(0, "", text), Context()) == []


def test_the_registry_runs_recommenders_without_repeating_spans_or_rejections():
    assert list(registry()) == ["quotes", "actors", "repeat", "learned"] == list(NAMES)
    assert all(r.suggests for r in registry().values())
    text = 'Sergey Lavrov arrived. "We are patient," Lavrov told reporters.'
    article = Article(0, "", text)
    found = run(article, Context())
    assert len({s.key for s in found}) == len(found)
    quote = next(s for s in found if s.label == "quote")
    assert quote.key not in {s.key for s in run(article, Context(), rejected=[quote.key])}
    with pytest.raises(ValueError, match="No recommender named nope"):
        run(article, Context(), ["nope"])


@given(
    st.lists(st.integers(0, 300), max_size=30, unique=True),
    st.lists(
        st.tuples(st.integers(0, 320), st.integers(0, 40), st.sampled_from(["claim", "framing|x"])),
        max_size=30,
    ),
)
def test_each_sentence_learns_the_class_of_the_first_span_meeting_it(cuts, spans):
    from annotator.core.suggest.runner import _first_class

    bounds = sorted(cuts)
    sentences = [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a + 1]
    tagged = [(start, start + length, cls) for start, length, cls in spans]
    expected = [
        next((cls for s, e, cls in tagged if s < end and start < e), learned.NONE) for start, end in sentences
    ]
    assert _first_class(sentences, tagged) == expected


def test_asking_whether_the_learned_recommender_is_available_imports_nothing():
    """The window asks on its own thread: importing scikit-learn there froze it for seconds."""
    import subprocess
    import sys

    code = (
        "import sys; from annotator.core.suggest import learned; learned.available(); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@given(
    st.text(alphabet="ab AB.-’é\u0301_1", max_size=40),
    st.lists(st.text(alphabet="ab AB.-’é\u0301_1", min_size=2, max_size=5), max_size=6),
)
def test_repeat_finds_every_whole_word_recurrence(text, strings):
    """The word-set shortcut leaves out only strings that cannot recur as whole words."""
    import re

    from annotator.core.suggest.text import in_longer_name

    found = repeat.suggest(Article(0, "", text), Context(tagged={(s, "actor"): (1, 0) for s in strings}))
    expected = [
        match.span()
        for string in dict.fromkeys(strings)
        if len(string.strip()) >= 2
        for match in re.finditer(rf"(?<!\w){re.escape(string)}(?!\w)", text)
        if not in_longer_name(text, *match.span())
    ]
    assert [(s.start, s.end) for s in found] == expected


@given(
    st.text(alphabet="ab _-.\u00e9\u0663\u00b2\u2167\u00a0\n", max_size=40),
    st.text(alphabet="ab _-.\u00e9\u0663\u00b2\u2167", min_size=1, max_size=4),
)
def test_repeat_finds_whole_word_occurrences_as_the_pattern_does(text, string):
    """str.find with word-character checks (Arabic-Indic and superscript digits, a Roman numeral,
    accents, underscore) against the lookaround pattern it replaced."""
    import re

    expected = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(string)}(?!\w)", text)]
    assert list(repeat._whole(text, string)) == expected
